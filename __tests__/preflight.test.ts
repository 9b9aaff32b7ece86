import { describe, expect, it, jest } from '@jest/globals';
import { formatMemberPath } from '../src/manifest/problems.js';
import { preflightRequests } from '../src/preflight/checks.js';
import { credentialsAvailable } from '../src/aws/read-only.js';
import { preflight } from '../src/preflight/run.js';
import { collectTargets, parseEcrImage } from '../src/preflight/targets.js';
import { fakePreflight } from './harness/fake-preflight.js';
import { check, MARKETPLACE, VALIDATION, VERSIONED } from './harness/manifests.js';
import { memoryRunner } from './harness/memory-runner.js';

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** A request that names something in every member preflight reads. */
const EVERYTHING = {
  ModelPackageName: 'everything',
  InferenceSpecification: {
    Containers: [
      {
        Image: IMAGE,
        ModelDataUrl: 's3://models/a/model.tar.gz',
        AdditionalModelDataSources: [
          {
            ChannelName: 'draft',
            S3DataSource: { S3Uri: 's3://models/draft/', S3DataType: 'S3Prefix' },
          },
        ],
        AdditionalS3DataSource: { S3DataType: 'S3Object', S3Uri: 's3://models/extra.bin' },
      },
      {
        Image: 'docker.io/library/python:3.12',
        ModelDataSource: {
          S3DataSource: { S3Uri: 's3://models/b', S3DataType: 'S3Prefix', CompressionType: 'None' },
        },
      },
    ],
  },
  AdditionalInferenceSpecifications: [
    {
      Name: 'gpu',
      Containers: [{ Image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn-gpu@${DIGEST}` }],
    },
  ],
  SourceAlgorithmSpecification: {
    SourceAlgorithms: [{ AlgorithmName: 'my-algo', ModelDataUrl: 's3://models/algo.tar.gz' }],
  },
  ValidationSpecification: {
    ValidationProfiles: [
      {
        ProfileName: 'p',
        TransformJobDefinition: {
          TransformInput: {
            DataSource: {
              S3DataSource: { S3DataType: 'ManifestFile', S3Uri: 's3://data/in.manifest' },
            },
          },
          TransformOutput: { S3OutputPath: 's3://out-bucket/results/' },
        },
      },
    ],
  },
};

describe('collectTargets', () => {
  it('finds every S3 location, ECR image and algorithm with its member', () => {
    const targets = collectTargets(EVERYTHING).map((t) => ({
      member: formatMemberPath(t.path),
      kind: t.kind,
      ...(t.kind === 's3' ? { at: `${t.bucket}/${t.key}`, prefix: t.prefix } : {}),
      ...(t.kind === 'bucket' ? { at: t.bucket } : {}),
      ...(t.kind === 'image'
        ? { at: `${t.region} ${t.repository} ${t.tag ?? ''} ${t.digest ?? ''}` }
        : {}),
      ...(t.kind === 'algorithm' ? { at: t.name } : {}),
    }));
    expect(targets).toEqual([
      {
        member: 'InferenceSpecification.Containers[0].Image',
        kind: 'image',
        at: 'us-east-1 churn 1.4.0 ',
      },
      {
        member: 'InferenceSpecification.Containers[0].ModelDataUrl',
        kind: 's3',
        at: 'models/a/model.tar.gz',
        prefix: false,
      },
      {
        member:
          'InferenceSpecification.Containers[0].AdditionalModelDataSources[0].S3DataSource.S3Uri',
        kind: 's3',
        at: 'models/draft/',
        prefix: true,
      },
      {
        member: 'InferenceSpecification.Containers[0].AdditionalS3DataSource.S3Uri',
        kind: 's3',
        at: 'models/extra.bin',
        prefix: false,
      },
      {
        member: 'InferenceSpecification.Containers[1].ModelDataSource.S3DataSource.S3Uri',
        kind: 's3',
        at: 'models/b',
        prefix: true,
      },
      {
        member: 'AdditionalInferenceSpecifications[0].Containers[0].Image',
        kind: 'image',
        at: `eu-west-1 churn-gpu  ${DIGEST}`,
      },
      {
        member: 'SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName',
        kind: 'algorithm',
        at: 'my-algo',
      },
      {
        member: 'SourceAlgorithmSpecification.SourceAlgorithms[0].ModelDataUrl',
        kind: 's3',
        at: 'models/algo.tar.gz',
        prefix: false,
      },
      {
        member:
          'ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformInput.DataSource.S3DataSource.S3Uri',
        kind: 's3',
        at: 'data/in.manifest',
        prefix: false,
      },
      {
        member:
          'ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformOutput.S3OutputPath',
        kind: 'bucket',
        at: 'out-bucket',
      },
    ]);
  });

  it('reads ECR image URIs of both partitions, and leaves other registries alone', () => {
    expect(parseEcrImage('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b:v1')).toMatchObject({
      registryId: '123456789012',
      region: 'cn-north-1',
      repository: 'a/b',
      tag: 'v1',
    });
    expect(parseEcrImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/a')).toMatchObject({
      tag: 'latest',
    });
    expect(
      parseEcrImage(`123456789012.dkr.ecr.us-east-1.amazonaws.com/a:v2@${DIGEST}`),
    ).toMatchObject({
      tag: 'v2',
      digest: DIGEST,
    });
    expect(parseEcrImage('ghcr.io/octo/model:1')).toBeUndefined();
    expect(
      parseEcrImage('123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.io/a:1'),
    ).toBeUndefined();
  });
});

const run = (requests: unknown[], fake = fakePreflight(), region = 'us-east-1') =>
  preflightRequests(requests, fake.api, { region });

const messages = (
  findings: { severity: string; path: readonly (string | number)[]; message: string }[],
) => findings.map((f) => `${f.severity} ${formatMemberPath(f.path)}: ${f.message}`);

describe('preflightRequests', () => {
  it('finds nothing when everything exists, and skips images outside ECR', async () => {
    const fake = fakePreflight();
    fake.seed(EVERYTHING);
    fake.putBucket('models');
    const { findings } = await run([EVERYTHING], fake);
    expect(messages(findings[0]!)).toEqual([
      // The seeded eu-west-1 image is found; the buckets are all in us-east-1.
    ]);
    expect(fake.calls.filter((c) => c.includes('docker.io'))).toEqual([]);
  });

  it('reports each missing object, prefix, bucket, image and algorithm at its member', async () => {
    const fake = fakePreflight();
    fake.putBucket('models');
    fake.putImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.3.0');
    const { findings } = await run([EVERYTHING], fake);
    expect(messages(findings[0]!)).toEqual([
      `error InferenceSpecification.Containers[0].Image: the image '${IMAGE}' does not exist in ECR (repository 'churn' of 123456789012 in us-east-1, tag '1.4.0')`,
      "error InferenceSpecification.Containers[0].ModelDataUrl: the model artifact object 's3://models/a/model.tar.gz' does not exist",
      "error InferenceSpecification.Containers[0].AdditionalModelDataSources[0].S3DataSource.S3Uri: no object under the model artifact prefix 's3://models/draft/'",
      "error InferenceSpecification.Containers[0].AdditionalS3DataSource.S3Uri: the additional S3 data object 's3://models/extra.bin' does not exist",
      "error InferenceSpecification.Containers[1].ModelDataSource.S3DataSource.S3Uri: no object under the model artifact prefix 's3://models/b'",
      expect.stringMatching(
        /^error AdditionalInferenceSpecifications\[0\]\.Containers\[0\]\.Image: the image .* does not exist in ECR \(repository 'churn-gpu' of 123456789012 in eu-west-1, digest 'sha256:abab/,
      ),
      "error SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName: the algorithm 'my-algo' does not exist in us-east-1 (or is not visible to this account)",
      "error SourceAlgorithmSpecification.SourceAlgorithms[0].ModelDataUrl: the model artifact object 's3://models/algo.tar.gz' does not exist",
      "error ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformInput.DataSource.S3DataSource.S3Uri: the validation input manifest bucket 'data' does not exist",
      "error ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformOutput.S3OutputPath: the validation output bucket 'out-bucket' does not exist",
    ]);
  });

  it('warns about a bucket of another region, and refuses it for Marketplace', async () => {
    const request = (marketplace: boolean) => ({
      CertifyForMarketplace: marketplace,
      InferenceSpecification: { Containers: [{ ModelDataUrl: 's3://far/model.tar.gz' }] },
    });
    const fake = fakePreflight();
    fake.putObject('s3://far/model.tar.gz');
    fake.putBucket('far', 'eu-central-1');
    const { findings } = await run([request(false), request(true)], fake);
    expect(messages(findings[0]!)).toEqual([
      "warning InferenceSpecification.Containers[0].ModelDataUrl: the bucket 'far' is in eu-central-1, not in the package's region us-east-1; SageMaker may not be able to read it",
    ]);
    expect(messages(findings[1]!)).toEqual([
      "error InferenceSpecification.Containers[0].ModelDataUrl: the bucket 'far' is in eu-central-1, not in the package's region us-east-1: SageMaker validates a Marketplace package with data of its own region",
    ]);
  });

  it('warns about an image known only by a digest without tags, for Marketplace only', async () => {
    const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/churn@${DIGEST}`;
    const request = (marketplace: boolean) => ({
      CertifyForMarketplace: marketplace,
      InferenceSpecification: { Containers: [{ Image: uri }] },
    });
    const fake = fakePreflight();
    fake.putImage(uri, { tags: [] });
    const { findings } = await run([request(true), request(false)], fake);
    expect(messages(findings[0]!)).toEqual([
      `warning InferenceSpecification.Containers[0].Image: the image '${uri}' has no tag in ECR: Marketplace image scans need a tagged image`,
    ]);
    expect(findings[1]).toEqual([]);
    fake.putImage(uri, { tags: ['1.4.0'] });
    expect((await run([request(true)], fake)).findings[0]).toEqual([]);
  });

  it('refuses a tag that does not name the digest it is given with', async () => {
    const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.5.0@${DIGEST}`;
    const fake = fakePreflight();
    fake.putImage(`123456789012.dkr.ecr.us-east-1.amazonaws.com/churn@${DIGEST}`, {
      tags: ['1.4.0'],
    });
    const { findings } = await run(
      [{ InferenceSpecification: { Containers: [{ Image: uri }] } }],
      fake,
    );
    expect(messages(findings[0]!)).toEqual([
      `error InferenceSpecification.Containers[0].Image: the image '${uri}': the digest exists, but is not tagged '1.5.0'`,
    ]);
  });

  it('gives one warning per permission the credentials lack, naming it, and no error', async () => {
    const fake = fakePreflight();
    fake.seed(EVERYTHING);
    fake.deny('HeadObject');
    fake.deny('DescribeImages');
    fake.deny('DescribeAlgorithm');
    const { findings } = await run([EVERYTHING], fake);
    const found = messages(findings[0]!);
    expect(found.every((m) => m.startsWith('warning '))).toBe(true);
    expect(found).toHaveLength(3);
    expect(found[0]).toContain('the credentials may not call ecr:DescribeImages');
    expect(found[1]).toContain('the credentials may not call s3:GetObject');
    expect(found[1]).toMatch(
      /^warning InferenceSpecification\.Containers\[0\]\.ModelDataUrl: preflight could not check 's3:\/\/models\/a\/model\.tar\.gz', 's3:\/\/models\/extra\.bin', 's3:\/\/models\/algo\.tar\.gz', 's3:\/\/data\/in\.manifest':/,
    );
    expect(found[2]).toContain('the credentials may not call sagemaker:DescribeAlgorithm');

    // Once for the run, on the first manifest: not once per manifest.
    const other = {
      ModelPackageName: 'other',
      InferenceSpecification: {
        Containers: [{ Image: IMAGE, ModelDataUrl: 's3://models/b.tar.gz' }],
      },
    };
    fake.seed(other);
    const both = (await run([EVERYTHING, other], fake)).findings.map(messages);
    expect(both[0]).toHaveLength(3);
    expect(both[0]![1]).toContain("'s3://models/b.tar.gz'");
    expect(both[1]).toEqual([]);

    const listing = fakePreflight();
    listing.seed(EVERYTHING);
    listing.deny('HeadBucket');
    const refused = messages((await run([EVERYTHING], listing)).findings[0]!);
    expect(refused.filter((m) => m.includes('s3:ListBucket'))).toHaveLength(1);
    expect(refused.filter((m) => m.startsWith('error'))).toEqual([]);
  });

  it('turns a fault that outlasted the retries into a warning that the check could not be made', async () => {
    const fake = fakePreflight();
    fake.seed(EVERYTHING);
    fake.fail(
      'DescribeAlgorithm',
      Object.assign(new Error('We encountered an internal error.\n::error::x'), {
        name: 'InternalFailure',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    const found = messages((await run([EVERYTHING], fake)).findings[0]!);
    expect(found).toEqual([
      "warning SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName: preflight could not check 'my-algo' (sagemaker:DescribeAlgorithm): InternalFailure: We encountered an internal error. ::error::x",
    ]);
  });

  it('makes each distinct call once for all the requests of a run', async () => {
    const fake = fakePreflight();
    fake.seed(EVERYTHING);
    const { findings, calls } = await run(
      [EVERYTHING, EVERYTHING, { ...EVERYTHING, ModelPackageName: 'other' }],
      fake,
    );
    expect(findings.map((f) => f.length)).toEqual([0, 0, 0]);
    expect(new Set(fake.calls).size).toBe(fake.calls.length);
    expect(calls).toBe(fake.calls.length);
    // models, data, out-bucket; 5 objects and prefixes under models, one in data; 2 images; 1 algorithm.
    expect(fake.calls.filter((c) => c.startsWith('HeadBucket'))).toHaveLength(3);
  });

  it('sends the calls together, at most 16 at once', async () => {
    const requests = Array.from({ length: 40 }, (_, i) => ({
      InferenceSpecification: { Containers: [{ ModelDataUrl: `s3://models/m${i}.tar.gz` }] },
    }));
    const fake = fakePreflight();
    for (const r of requests) fake.seed(r);
    fake.delayMs = 20;
    // The calls' 20 ms pass on a clock the test moves.
    jest.useFakeTimers();
    try {
      const started = Date.now();
      const running = run(requests, fake);
      await jest.runAllTimersAsync();
      const { findings } = await running;
      expect(findings.flat()).toEqual([]);
      expect(fake.maxInFlight()).toBe(16);
      // 41 calls of 20 ms, 16 at a time: 4 rounds, not 41.
      expect(Date.now() - started).toBeLessThanOrEqual(4 * 20);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('preflight of checked manifests', () => {
  it('annotates each finding at its member in the manifest and counts the errors', async () => {
    const manifest = check(MARKETPLACE);
    const fake = fakePreflight();
    fake.seed(manifest.request);
    fake.putBucket('models', 'eu-west-1');
    const runner = memoryRunner({});
    const { manifests, errors } = await preflight({
      manifests: [manifest],
      region: 'us-east-1',
      log: runner,
      api: fake.api,
    });
    expect(errors).toBe(3);
    const problems = manifests[0]!.problems.map(
      (p) => `${p.line}:${p.column} ${p.severity} ${p.member}`,
    );
    expect(problems).toEqual([
      '7:21 error InferenceSpecification.Containers[0].ModelDataUrl',
      '19:57 error ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformInput.DataSource.S3DataSource.S3Uri',
      '20:41 error ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformOutput.S3OutputPath',
    ]);
    expect(runner.log.filter((l) => l.level === 'error').map((l) => l.annotation)).toContainEqual({
      title: 'InferenceSpecification.Containers[0].ModelDataUrl',
      file: 'model-package.yml',
      startLine: 7,
      endLine: 7,
      startColumn: 21,
      endColumn: 51,
    });
  });

  it('ends a call that does not answer once preflight runs out of time', async () => {
    const manifest = check(VERSIONED + VALIDATION);
    const fake = fakePreflight();
    fake.seed(manifest.request);
    const hung = {
      ...fake.api,
      bucketRegion: (_b: string, o?: { abortSignal?: AbortSignal }) =>
        new Promise<string>((_r, reject) =>
          o?.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          ),
        ),
    };
    const runner = memoryRunner({});
    const started = Date.now();
    const { errors, manifests } = await preflight({
      manifests: [manifest],
      region: 'us-east-1',
      log: runner,
      api: hung,
      timeoutMs: 200,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors).toBe(0);
    expect(manifests[0]!.problems.map((p) => p.message)).toContainEqual(
      "preflight could not check 's3://models' (s3:ListBucket): no answer in time",
    );
  });
});

describe('credentialsAvailable', () => {
  it('sees role-to-assume and the variables of the credential chain, nothing else', () => {
    expect(credentialsAvailable({}, false)).toBe(false);
    expect(
      credentialsAvailable({ AWS_REGION: 'us-east-1', AWS_SECRET_ACCESS_KEY: 'x' }, false),
    ).toBe(false);
    expect(credentialsAvailable({}, true)).toBe(true);
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      expect(credentialsAvailable({ [name]: 'x' }, false)).toBe(true);
    }
  });
});
