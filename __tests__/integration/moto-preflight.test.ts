/**
 * Preflight of the built action against moto_server, an independent S3 and ECR: the
 * SDK's own answers for a missing object, a missing tag, a bucket of another region and
 * an image known only by its digest. Dry runs with credentials, so preflight runs and
 * nothing is created.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ActionRun } from '../harness/dist-action.js';
import { CREDENTIALS, integration } from '../harness/integration.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../harness/manifests.js';

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const t = integration({ aws: 'moto', inputs: { region: 'us-east-1', 'dry-run': 'true' } });
let digest: string;

beforeAll(async () => {
  const credentials = {
    accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID,
    secretAccessKey: CREDENTIALS.AWS_SECRET_ACCESS_KEY,
  };
  const client = { endpoint: t.moto.url, credentials, forcePathStyle: true };
  const s3 = new S3Client({ ...client, region: 'us-east-1' });
  const ecr = new ECRClient({ endpoint: t.moto.url, credentials, region: 'us-east-1' });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'models' }));
    await new S3Client({ ...client, region: 'eu-west-1' }).send(
      new CreateBucketCommand({
        Bucket: 'far-models',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    for (const [bucket, key] of [
      ['models', 'in/part-0.csv'],
      ['far-models', 'churn/model.tar.gz'],
    ] as const) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
    }
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'churn' }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'untagged' }));
    const manifest = (n: number) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: n,
          digest: `sha256:${String(n).repeat(64)}`,
        },
        layers: [],
      });
    await ecr.send(
      new PutImageCommand({
        repositoryName: 'churn',
        imageManifest: manifest(1),
        imageTag: '1.4.0',
      }),
    );
    const untagged = await ecr.send(
      new PutImageCommand({ repositoryName: 'untagged', imageManifest: manifest(2) }),
    );
    digest = untagged.image!.imageId!.imageDigest!;
  } finally {
    s3.destroy();
    ecr.destroy();
  }
}, 60_000);

const act = (name: string, text: string): Promise<ActionRun> =>
  t.run({ inputs: { manifest: t.manifest(name, text) } });

const found = (run: ActionRun, level: 'error' | 'warning') =>
  run.annotations
    .filter((a) => a.level === level && a.properties.file)
    .map(
      (a) => `${a.properties.line}:${a.properties.col} ${a.message.replace(/^[^ ]+ [^ ]+ /, '')}`,
    );

describe('preflight against moto_server', () => {
  it('finds a missing model artifact and a missing tag, at their lines', async () => {
    const run = await act('missing', MARKETPLACE.replace(':1.4.0', ':1.5.0'));
    expect(run.stderr).toBe('');
    expect(run.outputs['failure-reason']).toBe('preflight-failed');
    expect(found(run, 'error')).toEqual([
      `6:14 the image '${REGISTRY}/churn:1.5.0' does not exist in ECR (repository 'churn' of 123456789012 in us-east-1, tag '1.5.0')`,
      "7:21 the model artifact object 's3://models/churn/model.tar.gz' does not exist",
    ]);
    expect(found(run, 'warning')).toEqual([]);
  });

  it('passes when the objects and the tag exist', async () => {
    const text = MARKETPLACE.replace('s3://models/churn/', 's3://models/in/').replace(
      'model.tar.gz',
      'part-0.csv',
    );
    const run = await act('present', text);
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('DryRun');
    expect(run.annotations).toEqual([]);
  });

  it('warns about a bucket of another region, and refuses it for Marketplace', async () => {
    const far = (text: string) =>
      text.replace('s3://models/churn/model.tar.gz', 's3://far-models/churn/model.tar.gz');
    const versioned = VERSIONED.replace('${{ github.sha }}', '1.4.0').replace('fraud:', 'churn:');
    const warned = await act(
      'far',
      far(
        versioned.replace(
          '    - Image:',
          '    - ModelDataUrl: s3://far-models/churn/model.tar.gz\n      Image:',
        ),
      ) + VALIDATION,
    );
    expect(warned.outputs.status).toBe('DryRun');
    expect(found(warned, 'warning')).toEqual([
      "5:21 the bucket 'far-models' is in eu-west-1, not in the package's region us-east-1; SageMaker may not be able to read it",
    ]);
    const refused = await act('far-marketplace', far(MARKETPLACE));
    expect(refused.outputs['failure-reason']).toBe('preflight-failed');
    expect(found(refused, 'error')).toEqual([
      "7:21 the bucket 'far-models' is in eu-west-1, not in the package's region us-east-1: SageMaker validates a Marketplace package with data of its own region",
    ]);
  });

  it('warns when a Marketplace image is known only by a digest without a tag', async () => {
    const uri = `${REGISTRY}/untagged@${digest}`;
    const text = MARKETPLACE.replace(`${REGISTRY}/churn:1.4.0`, uri).replace(
      's3://models/churn/model.tar.gz',
      's3://models/in/part-0.csv',
    );
    const run = await act('digest', text);
    expect(run.code).toBe(0);
    expect(found(run, 'warning')).toEqual([
      `6:14 the image '${uri}' has no tag in ECR: Marketplace image scans need a tagged image`,
    ]);
  });
});
