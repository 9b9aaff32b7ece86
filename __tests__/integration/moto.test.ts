/**
 * The action's SageMaker code against moto_server, an independent implementation of
 * the service, over HTTP: the client honours AWS_ENDPOINT_URL_SAGEMAKER as the SDK
 * does, and creating, versioning, describing and listing work end to end.
 */
import { DEFAULT_COMPARE_TO } from '../../src/plan/live.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrReuse, type CreateOptions } from '../../src/package/create-or-reuse.js';
import { silentLog as log } from '../../src/runner/port.js';
import type { SageMakerApi } from '../../src/sagemaker/api.js';
import { createSageMakerApi } from '../../src/sagemaker/client.js';
import { check, MARKETPLACE, VERSIONED } from '../harness/manifests.js';
import { integration } from '../harness/integration.js';
import { RUN_ENV, runContext } from '../harness/run-context.js';

integration({ aws: 'moto', inProcess: {} });
let api: SageMakerApi;
const run = runContext();

beforeAll(() => {
  api = createSageMakerApi('us-east-1');
});
afterAll(() => api?.destroy());

const request = (text: string) => check(text).request!;

/** createOrReuse's options on `api`, this file's run and log by default. */
const options = (api: SageMakerApi, more: Partial<CreateOptions> = {}): CreateOptions => ({
  api,
  workflow: run,
  createGroup: true,
  compareTo: DEFAULT_COMPARE_TO,
  manifestKey: 'manifest-key',
  log,
  ...more,
});

describe('against moto_server', () => {
  // moto answers ListTags for model packages with an error page, so the reuse of an
  // unversioned package (found by its tag) is tested against the project's emulator.
  it("creates an unversioned package with the run's provenance", async () => {
    const first = await createOrReuse(request(MARKETPLACE), options(api));
    expect(first.reused).toBe(false);
    expect(first.arn).toBe(
      'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor',
    );

    const described = await api.describeModelPackage('churn-predictor');
    expect(described?.ModelPackageArn).toBe(first.arn);
    expect(described?.CertifyForMarketplace).toBe(true);
    expect(described?.ModelPackageStatus).toBe('Completed');
    expect(described?.MetadataProperties).toEqual({
      CommitId: RUN_ENV.GITHUB_SHA,
      Repository: 'https://github.com/octo-org/models',
      GeneratedBy: 'https://github.com/octo-org/models/actions/runs/1000',
    });
    expect(await api.describeModelPackage('no-such-package')).toBeUndefined();
  });

  it('creates a group and versions, reusing an unchanged one', async () => {
    const v1 = await createOrReuse(request(VERSIONED), options(api));
    expect(v1).toMatchObject({ reused: false, arn: expect.stringMatching(/fraud-detector\/1$/) });
    expect(await api.describeModelPackageGroup('fraud-detector')).toBeDefined();

    const again = await createOrReuse(request(VERSIONED), options(api));
    expect(again).toMatchObject({ reused: true, arn: v1.arn });

    const changed = request(VERSIONED.replace('${{ github.sha }}', 'v2'));
    const v2 = await createOrReuse(changed, options(api));
    expect(v2.reused).toBe(false);
    expect(v2.arn).not.toBe(v1.arn);

    const described = await api.describeModelPackage(v2.arn);
    expect(described?.ModelPackageVersion).toBe(2);
    expect(described?.ModelPackageGroupName).toBe('fraud-detector');

    const versions = await api.newestVersions('fraud-detector', 20);
    expect(versions.map((s) => s.ModelPackageVersion)).toEqual([2, 1]);
    expect(await api.newestVersions('fraud-detector', 1)).toHaveLength(1);
  });

  it('says when a group is missing and may not be created', async () => {
    const text = VERSIONED.replace('fraud-detector', 'no-such-group');
    await expect(
      createOrReuse(request(text), options(api, { createGroup: false })),
    ).rejects.toThrow("model package group 'no-such-group' does not exist in us-east-1");
  });
});
