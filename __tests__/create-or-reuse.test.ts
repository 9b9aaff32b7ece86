import { describe, expect, it } from '@jest/globals';
import { MANIFEST_KEY, REPORT_KEY } from '../src/action-entries.js';
import { DEFAULT_COMPARE_TO } from '../src/plan/live.js';
import {
  canonicalJson,
  clientToken,
  fingerprint,
  FINGERPRINT_KEY,
} from '../src/package/fingerprint.js';
import {
  createOrReuse,
  CreateError,
  nameTakenMessage,
  type CreateOptions,
} from '../src/package/create-or-reuse.js';
import { silentLog } from '../src/runner/port.js';
import type { SageMakerApi } from '../src/sagemaker/api.js';
import { CredentialsError } from '../src/sagemaker/errors.js';
import { fakeSageMaker } from './harness/fake-sagemaker.js';
import { check, MARKETPLACE, VERSIONED } from './harness/manifests.js';
import { runContext } from './harness/run-context.js';

const run = runContext(undefined, { sha: 'abc' });
const log = silentLog;
const error = (name: string, message: string) => Object.assign(new Error(message), { name });

/** The harness's SageMaker, with single operations replaced by `overrides`. */
function fakeApi(overrides: Partial<SageMakerApi> = {}) {
  const fake = fakeSageMaker();
  return { api: { ...fake.api, ...overrides }, created: fake.created, fake };
}

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

describe('createOrReuse', () => {
  it('records the fingerprint and provenance, leaving the manifest out of the provenance', async () => {
    const { api, created } = fakeApi();
    const request = check(VERSIONED).request!;
    await createOrReuse(request, options(api));
    expect(created[0]!.CustomerMetadataProperties).toEqual({
      [FINGERPRINT_KEY]: fingerprint(request),
      [MANIFEST_KEY]: 'manifest-key',
    });
    expect(created[0]!.MetadataProperties).toMatchObject({ CommitId: 'abc' });

    // Another commit with the same manifest: same fingerprint, so the version is reused.
    const otherCommit = runContext(undefined, { sha: 'def', runId: 2000 });
    const again = await createOrReuse(request, options(api, { workflow: otherCommit }));
    expect(again).toMatchObject({ reused: true, arn: expect.stringMatching(/fraud-detector\/1$/) });
    expect(created).toHaveLength(1);
  });

  it('tolerates a group created by another run in the meantime', async () => {
    const { api, created } = fakeApi({
      createModelPackageGroup: async () => {
        throw error('ValidationException', 'Model Package Group already exists: arn:aws:...');
      },
    });
    const published = await createOrReuse(check(VERSIONED).request!, options(api));
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
    const published = await createOrReuse(request, options(api));
    expect(published).toMatchObject({ reused: true, arn: 'arn:x' });
  });

  it('says what to change in a manifest whose unversioned name is taken by another definition', async () => {
    const { api } = fakeApi();
    await createOrReuse(check(MARKETPLACE).request!, options(api));
    const changed = check(MARKETPLACE.replace('churn:1.4.0', 'churn:1.4.1')).request!;
    const refused = createOrReuse(changed, options(api));
    await expect(refused).rejects.toThrow(CreateError);
    await expect(refused).rejects.toThrow(
      "model package 'churn-predictor' already exists in us-east-1 with a different definition " +
        '(it differs in `InferenceSpecification.Containers[0].Image`), and model packages are ' +
        'immutable and their names unique: give this manifest a new `ModelPackageName`, one per ' +
        'release (for example `churn-predictor-${{ env.RELEASE }}` with RELEASE set from the ' +
        'release tag; names allow letters, digits and hyphens), or version it in a group: ' +
        'replace `ModelPackageName` with `ModelPackageGroupName: churn-predictor`',
    );
  });

  it('names no member when the package that holds the name cannot be compared', () => {
    expect(nameTakenMessage('x', 'eu-west-1')).toMatch(
      /^model package 'x' already exists in eu-west-1 with a different definition, and /,
    );
  });

  it('turns service errors into create errors, and rejected credentials into the remedy', async () => {
    const failing = fakeApi({
      createModelPackage: async () => {
        throw error('ResourceLimitExceeded', 'too many model packages');
      },
    });
    await expect(createOrReuse(check(MARKETPLACE).request!, options(failing.api))).rejects.toThrow(
      new CreateError('ResourceLimitExceeded: too many model packages'),
    );

    const expired = fakeApi({
      describeModelPackage: async () => {
        throw error(
          'ExpiredTokenException',
          'The security token included in the request is expired',
        );
      },
    });
    await expect(
      createOrReuse(check(MARKETPLACE).request!, options(expired.api)),
    ).rejects.toBeInstanceOf(CredentialsError);
  });
});

describe('where a reused package is reported', () => {
  const push = (sha: string) => runContext(undefined, { sha: sha.repeat(40) });
  const warnings: string[] = [];
  const warned = { ...silentLog, warning: (message: string) => warnings.push(message) };

  it('moves to the commit of a run that reuses it while it validates; a refusal is a warning', async () => {
    const { api, fake } = fakeApi({
      addTags: () => Promise.reject(error('AccessDeniedException', 'not authorized')),
    });
    const request = check(MARKETPLACE).request!;
    const first = await createOrReuse(request, options(api, { workflow: push('a') }));
    expect(first.reused).toBe(false);
    expect(fake.created[0]!.Tags).toContainEqual({
      Key: REPORT_KEY,
      Value: `octo-org/models@${'a'.repeat(40)}`,
    });
    // The same commit's run writes nothing; another commit's tries to record itself.
    const again = await createOrReuse(request, options(api, { workflow: push('a'), log: warned }));
    expect(again.reused).toBe(true);
    expect(warnings).toEqual([]);
    const other = await createOrReuse(request, options(api, { workflow: push('b'), log: warned }));
    expect(other).toMatchObject({ reused: true, arn: first.arn });
    expect(warnings).toEqual([
      expect.stringContaining(
        `Could not record on ${first.arn} that this run reports on it (${REPORT_KEY}): `,
      ),
    ]);
    expect(warnings[0]).toContain('a scheduled sync concludes it');
  });
});
