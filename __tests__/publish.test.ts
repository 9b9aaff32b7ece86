import { describe, expect, it } from '@jest/globals';
import type { CreateModelPackageInput } from '@aws-sdk/client-sagemaker';
import {
  canonicalJson,
  clientToken,
  fingerprint,
  FINGERPRINT_KEY,
} from '../src/package/fingerprint.js';
import { publishPackage, PublishError } from '../src/package/publish.js';
import type { RunContext } from '../src/run-context.js';
import type { SageMakerApi } from '../src/sagemaker/api.js';
import { CredentialsError } from '../src/sagemaker/errors.js';
import { check, MARKETPLACE, VERSIONED } from './support/manifests.js';

const run: RunContext = {
  workspace: '/w',
  serverUrl: 'https://github.com',
  repository: 'octo-org/models',
  sha: 'abc',
  runId: '1000',
  runAttempt: '1',
};
const log = { info: () => undefined, warning: () => undefined };
const error = (name: string, message: string) => Object.assign(new Error(message), { name });

/** A fake with just enough behaviour; `overrides` replace single operations. */
function fakeApi(overrides: Partial<SageMakerApi> = {}) {
  const created: CreateModelPackageInput[] = [];
  const api: SageMakerApi = {
    region: 'us-east-1',
    createModelPackage: async (input) => {
      created.push(input);
      return input.ModelPackageGroupName
        ? `arn:aws:sagemaker:us-east-1:123456789012:model-package/${input.ModelPackageGroupName}/1`
        : `arn:aws:sagemaker:us-east-1:123456789012:model-package/${input.ModelPackageName}`;
    },
    createModelPackageGroup: async () => undefined,
    describeModelPackageGroup: async () => undefined,
    describeModelPackage: async () => undefined,
    batchDescribeModelPackage: async () => ({}),
    listModelPackages: async () => ({ ModelPackageSummaryList: [], $metadata: {} }),
    updateModelPackage: async () => undefined,
    listTags: async () => [],
    destroy: () => undefined,
    ...overrides,
  };
  return { api, created };
}

describe('fingerprint', () => {
  it('does not depend on the order of members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    const a = check(MARKETPLACE).request!;
    const reverse = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverse)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverse(x)]),
            )
          : v;
    const reordered = reverse(a) as typeof a;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(a));
    expect(fingerprint(reordered)).toBe(fingerprint(a));
    expect(fingerprint(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes with the definition', () => {
    const a = check(MARKETPLACE).request!;
    const b = check(MARKETPLACE.replace('churn:1.4.0', 'churn:1.4.1')).request!;
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });

  it('gives a ClientToken the service accepts', () => {
    expect(clientToken('sha256:x', 'octo/1/1')).toMatch(/^[a-zA-Z0-9-]{1,36}$/);
    expect(clientToken('sha256:x', 'octo/1/1')).not.toBe(clientToken('sha256:x', 'octo/1/2'));
  });
});

describe('publishPackage', () => {
  it('records the fingerprint and provenance, leaving the manifest out of the provenance', async () => {
    const { api, created } = fakeApi();
    const request = check(VERSIONED).request!;
    await publishPackage(request, { api, run, createGroup: true, log });
    expect(created[0]!.CustomerMetadataProperties).toEqual({
      [FINGERPRINT_KEY]: fingerprint(request),
    });
    expect(created[0]!.MetadataProperties).toMatchObject({ CommitId: 'abc' });

    // Another commit with the same manifest: same fingerprint, so the version is reused.
    const otherCommit = { ...run, sha: 'def', runId: '2000' };
    await publishPackage(request, { api, run: otherCommit, createGroup: true, log });
    expect(created[1]!.CustomerMetadataProperties).toEqual(created[0]!.CustomerMetadataProperties);
  });

  it('tolerates a group created by another run in the meantime', async () => {
    const { api, created } = fakeApi({
      createModelPackageGroup: async () => {
        throw error('ValidationException', 'Model Package Group already exists: arn:aws:...');
      },
    });
    const published = await publishPackage(check(VERSIONED).request!, {
      api,
      run,
      createGroup: true,
      log,
    });
    expect(published.reused).toBe(false);
    expect(created).toHaveLength(1);
  });

  it('reuses an unversioned package that another run created since it looked', async () => {
    const request = check(MARKETPLACE).request!;
    let exists = false;
    const { api } = fakeApi({
      describeModelPackage: async () =>
        exists ? ({ ModelPackageArn: 'arn:x', $metadata: {} } as never) : undefined,
      listTags: async () => [{ Key: FINGERPRINT_KEY, Value: fingerprint(request) }],
      createModelPackage: async () => {
        exists = true;
        throw error('ValidationException', 'ModelPackage already exists: arn:x');
      },
    });
    const published = await publishPackage(request, { api, run, createGroup: true, log });
    expect(published).toMatchObject({ reused: true, arn: 'arn:x' });
  });

  it('turns service errors into create errors, and rejected credentials into the remedy', async () => {
    const failing = fakeApi({
      createModelPackage: async () => {
        throw error('ResourceLimitExceeded', 'too many model packages');
      },
    });
    await expect(
      publishPackage(check(MARKETPLACE).request!, {
        api: failing.api,
        run,
        createGroup: true,
        log,
      }),
    ).rejects.toThrow(new PublishError('ResourceLimitExceeded: too many model packages'));

    const expired = fakeApi({
      describeModelPackage: async () => {
        throw error(
          'ExpiredTokenException',
          'The security token included in the request is expired',
        );
      },
    });
    await expect(
      publishPackage(check(MARKETPLACE).request!, {
        api: expired.api,
        run,
        createGroup: true,
        log,
      }),
    ).rejects.toBeInstanceOf(CredentialsError);
  });
});
