/**
 * The built action creating, versioning and waiting for packages, against the
 * project's SageMaker emulator over real HTTP: validation played forward in time,
 * outcomes per package, and faults on demand.
 */
import { describe, expect, it } from '@jest/globals';
import { ACTION_KEY_PREFIX } from '../../src/action-entries.js';
import { manifestSchema } from '../../src/manifest/schema.js';
import type { ActionRun } from '../harness/dist-action.js';
import { CREDENTIALS, heldValidation, integration } from '../harness/integration.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../harness/manifests.js';

const t = integration({
  sagemaker: { pendingMs: 300, inProgressMs: 1200 },
  inputs: { region: 'us-east-1' },
});

function act(
  file: string,
  inputs: Record<string, string> = {},
  extra: Parameters<typeof t.run>[0] = {},
) {
  return t.run({ inputs: { manifest: file, ...inputs }, ...extra });
}

function results(run: ActionRun) {
  return JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[];
}

function expectNoSecrets(run: ActionRun) {
  for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
    for (const secret of Object.values(CREDENTIALS)) expect(text).not.toContain(secret);
  }
}

/**
 * A request split into what a manifest may hold and the entries the action added, which
 * a manifest may not have.
 */
function splitActionEntries(request: Record<string, unknown>) {
  const own = (key: string) => key.startsWith(ACTION_KEY_PREFIX);
  const manifest = { ...request };
  let added = 0;
  const tags = request.Tags as { Key: string }[] | undefined;
  if (tags) {
    const kept = tags.filter((tag) => !own(tag.Key));
    added += tags.length - kept.length;
    if (kept.length > 0) manifest.Tags = kept;
    else delete manifest.Tags;
  }
  const properties = request.CustomerMetadataProperties as Record<string, string> | undefined;
  if (properties) {
    const kept = Object.entries(properties).filter(([key]) => !own(key));
    added += Object.keys(properties).length - kept.length;
    if (kept.length > 0) manifest.CustomerMetadataProperties = Object.fromEntries(kept);
    else delete manifest.CustomerMetadataProperties;
  }
  return { manifest, added };
}

/**
 * Every CreateModelPackage sent is a request the service accepts: a valid manifest and
 * the action's own entries, within the API's limit of 50.
 */
function expectValidCreateRequests() {
  for (const request of t.sagemaker.requests.filter((r) => r.operation === 'CreateModelPackage')) {
    const { ClientToken, ...rest } = request.body as { ClientToken?: unknown };
    expect(ClientToken).toMatch(/^[a-zA-Z0-9-]{1,36}$/);
    const { manifest, added } = splitActionEntries(rest);
    expect(added).toBeGreaterThan(0);
    const body = rest as { Tags?: unknown[]; CustomerMetadataProperties?: object };
    expect(body.Tags?.length ?? 0).toBeLessThanOrEqual(50);
    expect(Object.keys(body.CustomerMetadataProperties ?? {}).length).toBeLessThanOrEqual(50);
    const parsed = manifestSchema.safeParse(manifest);
    const errors = parsed.success
      ? []
      : parsed.error.issues.filter(
          (i) => (i as { params?: { severity?: string } }).params?.severity !== 'warning',
        );
    expect(errors).toEqual([]);
  }
}

describe('an unversioned Marketplace package', () => {
  it('is created once, waited for to Completed, and reused by the next run', async () => {
    const validation = heldValidation();
    await t.start({ sagemaker: validation.options });
    const file = t.manifest('marketplace', MARKETPLACE);
    // Each phase lasts until the run has seen it.
    const run = await validation.playThrough(act(file), ['churn-predictor']);
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'Completed',
      'failure-reason': '',
      'model-package-arn': 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor',
      'model-package-version': '',
    });
    const [result] = results(run);
    expect(result).toMatchObject({ status: 'Completed', reused: false, name: 'churn-predictor' });
    expect(result!.validation).toEqual([
      { name: 'sample', status: 'Completed', failureReason: null },
    ]);
    expect((result!.imageScans as unknown[]).length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/churn-predictor: Pending → InProgress/);
    expect(run.stdout).toMatch(/churn-predictor: InProgress → Completed/);
    expect(run.summary).toContain('✅ churn-predictor');
    expect(t.sagemaker.counts().CreateModelPackage).toBe(1);

    const again = await act(file);
    expect(again.code).toBe(0);
    expect(t.sagemaker.counts().CreateModelPackage).toBe(1);
    expect(again.outputs['model-package-arn']).toBe(run.outputs['model-package-arn']);
    expect(results(again)[0]).toMatchObject({ reused: true, status: 'Completed' });

    expectValidCreateRequests();
    expectNoSecrets(run);
    expectNoSecrets(again);
  }, 60_000);

  it('refuses a changed definition under a name that is taken', async () => {
    await t.start();
    expect((await act(t.manifest('taken', MARKETPLACE), { wait: 'false' })).code).toBe(0);
    const changed = await act(
      t.manifest('taken', MARKETPLACE.replace('Predicts churn.', 'Better.')),
    );
    expect(changed.code).toBe(1);
    expect(changed.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'create-failed' });
    expect(changed.stdout).toContain(
      'model packages are immutable and their names unique: give this manifest a new `ModelPackageName`',
    );
    expect(t.sagemaker.counts().CreateModelPackage).toBe(1);
  }, 60_000);
});

describe('a versioned package', () => {
  it('creates the group and version 1, reuses it, and makes version 2 for a changed image', async () => {
    await t.start();
    const file = t.manifest('registry', VERSIONED);
    const first = await act(file);
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ status: 'Completed', 'model-package-version': '1' });
    expect(t.sagemaker.counts().CreateModelPackageGroup).toBe(1);

    const again = await act(file);
    expect(again.outputs['model-package-version']).toBe('1');
    expect(results(again)[0]).toMatchObject({ reused: true });

    const changed = await act(t.manifest('registry', VERSIONED.replace('${{ github.sha }}', 'v2')));
    expect(changed.outputs).toMatchObject({ status: 'Completed', 'model-package-version': '2' });
    expect(changed.outputs['model-package-arn']).toMatch(/model-package\/fraud-detector\/2$/);
    expect(t.sagemaker.counts().CreateModelPackage).toBe(2);
    expect(t.sagemaker.counts().CreateModelPackageGroup).toBe(1);
    expectValidCreateRequests();
  }, 60_000);

  it('approves a version only after its validation completed', async () => {
    await t.start();
    const run = await act(t.manifest('approve', VERSIONED), { 'approve-on-success': 'true' });
    expect(run.code).toBe(0);
    // The emulator, like the service, refuses to approve a version still validating.
    const updates = t.sagemaker.requests.filter((r) => r.operation === 'UpdateModelPackage');
    expect(updates.map((r) => r.body)).toMatchObject([{ ModelApprovalStatus: 'Approved' }]);
    expect(results(run)[0]).toMatchObject({ status: 'Completed' });
    expect(run.stdout).toContain('fraud-detector version 1: approved.');

    const without = await act(t.manifest('approve', VERSIONED.replace('${{ github.sha }}', 'v2')));
    expect(without.code).toBe(0);
    expect(t.sagemaker.requests.filter((r) => r.operation === 'UpdateModelPackage')).toHaveLength(
      1,
    );
  }, 60_000);
});

describe('a failed validation', () => {
  it('fails the step with the failure reason, or reports it without failing', async () => {
    await t.start({
      sagemaker: {
        outcome: () => ({
          status: 'Failed',
          failureReason: 'ClientError: inference container exited with code 1',
        }),
      },
    });
    const run = await act(t.manifest('failing', VERSIONED + VALIDATION));
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'validation-failed' });
    expect(JSON.stringify(results(run)[0]!.validation)).toContain(
      'inference container exited with code 1',
    );
    expect(run.summary).toContain('inference container exited with code 1');
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        // The line of ValidationSpecification.
        properties: expect.objectContaining({ file: 'failing/model-package.yml', line: '9' }),
        message:
          'failing/model-package.yml: validation profile smoke failed: ClientError: inference container exited with code 1',
      }),
    );

    const lenient = await act(t.manifest('failing', VERSIONED + VALIDATION), {
      'fail-on-validation-failure': 'false',
    });
    expect(lenient.code).toBe(0);
    expect(lenient.outputs).toMatchObject({
      status: 'Failed',
      'failure-reason': 'validation-failed',
    });
  }, 60_000);
});

describe('faults while waiting', () => {
  it('rides out throttling bursts, 500s and dropped connections', async () => {
    await t.start({ sagemaker: { pendingMs: 300, inProgressMs: 8000 } });
    const file = t.manifest('faults', VERSIONED);
    // The first description of the new package is throttled through all SDK retries.
    t.sagemaker.inject({ kind: 'throttle' }, { count: 3, operation: 'DescribeModelPackage' });
    const running = act(file);
    // Faults start once the package exists, during the wait.
    await t.sagemaker.when((r) => r.operation === 'CreateModelPackage');
    t.sagemaker.inject({ kind: 'throttle' }, { count: 6 });
    t.sagemaker.inject({ kind: 'internal-error' }, { count: 2 });
    t.sagemaker.inject({ kind: 'drop-connection' }, { count: 2 });
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('Completed');
    expect(run.annotations.some((a) => a.level === 'warning')).toBe(true);
  }, 90_000);

  it('stops at the first refusal, naming the remedy, when the credentials expire', async () => {
    await t.start({ sagemaker: heldValidation().options });
    const running = act(t.manifest('expired', VERSIONED));
    await t.sagemaker.when((r) => r.operation === 'CreateModelPackage');
    const from = t.sagemaker.requests.length;
    t.sagemaker.inject({ kind: 'expired-token' }, { count: 100 });
    const run = await running;
    // The validation never ends: only the refusal ends the wait, and nothing is sent after it.
    expect(t.sagemaker.requests.slice(from)).toHaveLength(1);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('role-duration-seconds');
    expect(run.outputs.status).toBe('InProgress');
  }, 60_000);

  it('exits within 5 s of SIGINT, reporting the run as cancelled', async () => {
    await t.start({ sagemaker: heldValidation().options });
    const run = await act(
      t.manifest('cancel', VERSIONED),
      {},
      {
        interrupt: { when: /Created arn:/, signal: 'SIGINT' },
      },
    );
    expect(run.exitAfterInterruptMs).toBeLessThan(5_000);
    expect(run.code).not.toBe(0);
    expect(run.outputs).toMatchObject({ status: 'InProgress', 'failure-reason': 'cancelled' });
    expect(run.summary).toContain('SageMaker keeps validating');
  }, 60_000);
});

describe('wait-timeout-minutes', () => {
  it('stops waiting at the timeout, reporting InProgress / timed-out', async () => {
    // The validation never ends: only the timeout ends the wait.
    await t.start({ sagemaker: heldValidation().options });
    const run = await act(t.manifest('timeout', VERSIONED), { 'wait-timeout-minutes': '0.05' });
    // The first poll would come after 4 s or more: the wait polls at the timeout (3 s), not after it.
    expect(t.sagemaker.counts().BatchDescribeModelPackage).toBeLessThanOrEqual(2);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'InProgress', 'failure-reason': 'timed-out' });
    expect(run.summary).toContain('still validating after 0.05 minutes');

    const lenient = await act(t.manifest('timeout', VERSIONED), {
      'wait-timeout-minutes': '0.05',
      'fail-on-validation-failure': 'false',
    });
    expect(lenient.code).toBe(0);
    expect(lenient.outputs['failure-reason']).toBe('timed-out');
  }, 60_000);
});

describe('wait: false', () => {
  it('returns right after creation, and a later run reports the current status', async () => {
    // A validation that ends only when the test moves the emulator's clock on.
    const validation = heldValidation();
    await t.start({ sagemaker: validation.options });
    const file = t.manifest('async', VERSIONED);
    const first = await act(file, { wait: 'false' });
    expect(first.code).toBe(0);
    expect(first.outputs.status).toBe('InProgress');
    expect(first.stdout).not.toContain('→');
    // Right after creation: no poll.
    expect(t.sagemaker.counts().BatchDescribeModelPackage).toBeUndefined();

    validation.next(2);
    const later = await act(file, { wait: 'false' });
    expect(later.outputs.status).toBe('Completed');
    expect(results(later)[0]).toMatchObject({ reused: true });
    expect(t.sagemaker.counts().CreateModelPackage).toBe(1);
  }, 60_000);
});
