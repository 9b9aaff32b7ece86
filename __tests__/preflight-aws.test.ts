/**
 * The real PreflightApi (the SDK's S3, ECR and SageMaker clients) against the project's
 * emulator over HTTP: path-style S3 through AWS_ENDPOINT_URL, a bucket of another region
 * read from the 301's header, tags and digests, missing resources as answers, and a
 * refused call as a denial.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failureOf, type PreflightApi } from '../src/preflight/checks.js';
import { createPreflightApi } from '../src/preflight/aws.js';
import { createSageMakerApi } from '../src/sagemaker/client.js';
import { startSageMakerEmulator, type SageMakerEmulator } from './harness/sagemaker-emulator.js';

const REGISTRY = '123456789012';
const DIGEST = `sha256:${'c'.repeat(64)}`;
const saved = { ...process.env };
let emulator: SageMakerEmulator;
let api: PreflightApi;

beforeAll(async () => {
  emulator = await startSageMakerEmulator();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: emulator.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  emulator.putObject('s3://near/models/model.tar.gz');
  emulator.putObject('s3://far/data/part-0');
  emulator.setBucketRegion('far', 'eu-west-1');
  emulator.putImage(`${REGISTRY}.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0`);
  emulator.putImage(`${REGISTRY}.dkr.ecr.eu-west-1.amazonaws.com/gpu@${DIGEST}`, []);
  emulator.putAlgorithm('image-classification');
  api = await createPreflightApi({
    region: 'us-east-1',
    env: process.env,
    sagemaker: createSageMakerApi('us-east-1'),
  });
});

afterAll(async () => {
  api?.destroy();
  process.env = { ...saved };
  await emulator?.close();
});

describe('the SDK adapter of preflight', () => {
  it("reads a bucket's region, also from the redirect of another region", async () => {
    expect(await api.bucketRegion('near')).toBe('us-east-1');
    expect(await api.bucketRegion('far')).toBe('eu-west-1');
    expect(await api.bucketRegion('nowhere')).toBeUndefined();
  });

  it('finds objects and prefixes in path style, with the client of the bucket’s region', async () => {
    expect(await api.headObject('near', 'models/model.tar.gz', 'us-east-1')).toBe(true);
    expect(await api.headObject('near', 'models/other.tar.gz', 'us-east-1')).toBe(false);
    expect(await api.listPrefix('far', 'data/', 'eu-west-1')).toBe(true);
    expect(await api.listPrefix('far', 'input/', 'eu-west-1')).toBe(false);
    const paths = emulator.requests.filter((r) => r.operation === 'HeadObject');
    expect(paths.map((r) => r.body)).toContainEqual({ bucket: 'near', key: 'models/model.tar.gz' });
  });

  it('describes images by tag and by digest in their own region, and algorithms', async () => {
    const image = { registryId: REGISTRY, region: 'us-east-1', repository: 'churn' };
    expect(await api.describeImages({ ...image, tag: '1.4.0' })).toEqual({ tags: ['1.4.0'] });
    expect(await api.describeImages({ ...image, tag: '1.5.0' })).toBeUndefined();
    expect(await api.describeImages({ ...image, repository: 'none', tag: '1' })).toBeUndefined();
    const gpu = { registryId: REGISTRY, region: 'eu-west-1', repository: 'gpu', digest: DIGEST };
    expect(await api.describeImages(gpu)).toEqual({ tags: [] });
    expect(await api.describeImages({ ...gpu, region: 'us-east-1' })).toBeUndefined();
    expect(await api.describeAlgorithm('image-classification')).toBe(true);
    expect(await api.describeAlgorithm('no-such-algorithm')).toBe(false);
  });

  it('throws a refused call, which preflight reads as a denial', async () => {
    emulator.deny('HeadObject');
    emulator.deny('DescribeImages');
    const refused = await api
      .headObject('near', 'models/model.tar.gz', 'us-east-1')
      .catch((e) => e);
    expect(failureOf(refused)).toEqual({ kind: 'denied' });
    const image = { registryId: REGISTRY, region: 'us-east-1', repository: 'churn', tag: '1.4.0' };
    expect(failureOf(await api.describeImages(image).catch((e) => e))).toEqual({ kind: 'denied' });
  });
});
