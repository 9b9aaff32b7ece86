/**
 * The action's SageMaker code against moto_server, an independent implementation of
 * the service, over HTTP: the client honours AWS_ENDPOINT_URL_SAGEMAKER as the SDK
 * does, and creating, versioning, describing and listing work end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSageMakerApi } from '../../src/sagemaker/client.js';
import { publishPackage } from '../../src/package/publish.js';
import type { SageMakerApi } from '../../src/sagemaker/api.js';
import type { RunContext } from '../../src/run-context.js';
import { check, MARKETPLACE, VERSIONED } from '../support/manifests.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let api: SageMakerApi;
const saved = { ...process.env };
const run: RunContext = {
  workspace: '/tmp',
  serverUrl: 'https://github.com',
  repository: 'octo-org/models',
  sha: '0123456789abcdef0123456789abcdef01234567',
  runId: '1000',
  runAttempt: '1',
};
const log = { info: () => undefined, warning: () => undefined };

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SAGEMAKER: moto.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });
  api = createSageMakerApi('us-east-1');
}, 60_000);

afterAll(async () => {
  api?.destroy();
  process.env = { ...saved };
  await moto?.stop();
});

const request = (text: string) => check(text).request!;

describe('against moto_server', () => {
  // moto answers ListTags for model packages with an error page, so the reuse of an
  // unversioned package (found by its tag) is tested against the project's emulator.
  it("creates an unversioned package with the run's provenance", async () => {
    const first = await publishPackage(request(MARKETPLACE), { api, run, createGroup: true, log });
    expect(first).toMatchObject({ reused: false, name: 'churn-predictor', group: null });
    expect(first.arn).toBe(
      'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor',
    );

    const described = await api.describeModelPackage('churn-predictor');
    expect(described?.ModelPackageArn).toBe(first.arn);
    expect(described?.CertifyForMarketplace).toBe(true);
    expect(described?.ModelPackageStatus).toBe('Completed');
    expect(described?.MetadataProperties).toEqual({
      CommitId: run.sha,
      Repository: 'https://github.com/octo-org/models',
      GeneratedBy: 'https://github.com/octo-org/models/actions/runs/1000',
    });
    expect(await api.describeModelPackage('no-such-package')).toBeUndefined();
  });

  it('creates a group and versions, reusing an unchanged one', async () => {
    const v1 = await publishPackage(request(VERSIONED), { api, run, createGroup: true, log });
    expect(v1).toMatchObject({ reused: false, group: 'fraud-detector' });
    expect(await api.describeModelPackageGroup('fraud-detector')).toBeDefined();

    const again = await publishPackage(request(VERSIONED), { api, run, createGroup: true, log });
    expect(again).toMatchObject({ reused: true, arn: v1.arn });

    const changed = request(VERSIONED.replace('${{ github.sha }}', 'v2'));
    const v2 = await publishPackage(changed, { api, run, createGroup: true, log });
    expect(v2.reused).toBe(false);
    expect(v2.arn).not.toBe(v1.arn);

    const described = await api.describeModelPackage(v2.arn);
    expect(described?.ModelPackageVersion).toBe(2);
    expect(described?.ModelPackageGroupName).toBe('fraud-detector');

    const list = await api.listModelPackages({
      ModelPackageGroupName: 'fraud-detector',
      ModelPackageType: 'Versioned',
    });
    expect(list.ModelPackageSummaryList?.map((s) => s.ModelPackageVersion).sort()).toEqual([1, 2]);
  });

  it('says when a group is missing and may not be created', async () => {
    const text = VERSIONED.replace('fraud-detector', 'no-such-group');
    await expect(
      publishPackage(request(text), { api, run, createGroup: false, log }),
    ).rejects.toThrow("model package group 'no-such-group' does not exist in us-east-1");
  });
});
