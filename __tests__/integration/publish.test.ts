/**
 * The built action creating, versioning and waiting for packages, against the
 * project's SageMaker emulator over real HTTP: validation played forward in time,
 * outcomes per package, and faults on demand.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ACTION_KEY_PREFIX } from '../../src/action-entries.js';
import { manifestSchema } from '../../src/manifest/schema.js';
import { runAction, type ActionRun } from '../harness/dist-action.js';
import { MARKETPLACE, VALIDATION, VERSIONED, writeManifest } from '../harness/manifests.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../harness/sagemaker-emulator.js';
import { seedWorkspace } from '../harness/storage-emulator.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN';

let workspace: string;
let emulator: SageMakerEmulator;

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'smp-publish-'));
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
afterEach(async () => {
  await emulator?.close();
});

async function start(options: Parameters<typeof startSageMakerEmulator>[0] = {}) {
  emulator = await startSageMakerEmulator({ pendingMs: 300, inProgressMs: 1200, ...options });
  return emulator;
}

function manifest(name: string, text: string): string {
  return writeManifest(workspace, name, text);
}

function act(
  file: string,
  inputs: Record<string, string> = {},
  extra: Partial<Parameters<typeof runAction>[0]> = {},
) {
  seedWorkspace(emulator, workspace);
  return runAction({
    workspace,
    inputs: { manifest: file, region: 'us-east-1', ...inputs },
    env: {
      AWS_ENDPOINT_URL_SAGEMAKER: emulator.url,
      AWS_ENDPOINT_URL: emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: SESSION,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    ...extra,
  });
}

function results(run: ActionRun) {
  return JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[];
}

function expectNoSecrets(run: ActionRun) {
  for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SESSION);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
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
  for (const request of emulator.requests.filter((r) => r.operation === 'CreateModelPackage')) {
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
    await start({ pendingMs: 3000, inProgressMs: 3000 });
    const file = manifest('marketplace', MARKETPLACE);
    const run = await act(file);
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
    expect(emulator.counts().CreateModelPackage).toBe(1);

    const again = await act(file);
    expect(again.code).toBe(0);
    expect(emulator.counts().CreateModelPackage).toBe(1);
    expect(again.outputs['model-package-arn']).toBe(run.outputs['model-package-arn']);
    expect(results(again)[0]).toMatchObject({ reused: true, status: 'Completed' });

    expectValidCreateRequests();
    expectNoSecrets(run);
    expectNoSecrets(again);
  }, 60_000);

  it('refuses a changed definition under a name that is taken', async () => {
    await start();
    expect((await act(manifest('taken', MARKETPLACE), { wait: 'false' })).code).toBe(0);
    const changed = await act(manifest('taken', MARKETPLACE.replace('Predicts churn.', 'Better.')));
    expect(changed.code).toBe(1);
    expect(changed.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'create-failed' });
    expect(changed.stdout).toContain(
      'model packages are immutable and their names unique: give this manifest a new `ModelPackageName`',
    );
    expect(emulator.counts().CreateModelPackage).toBe(1);
  }, 60_000);
});

describe('a versioned package', () => {
  it('creates the group and version 1, reuses it, and makes version 2 for a changed image', async () => {
    await start();
    const file = manifest('registry', VERSIONED);
    const first = await act(file);
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ status: 'Completed', 'model-package-version': '1' });
    expect(emulator.counts().CreateModelPackageGroup).toBe(1);

    const again = await act(file);
    expect(again.outputs['model-package-version']).toBe('1');
    expect(results(again)[0]).toMatchObject({ reused: true });

    const changed = await act(manifest('registry', VERSIONED.replace('${{ github.sha }}', 'v2')));
    expect(changed.outputs).toMatchObject({ status: 'Completed', 'model-package-version': '2' });
    expect(changed.outputs['model-package-arn']).toMatch(/model-package\/fraud-detector\/2$/);
    expect(emulator.counts().CreateModelPackage).toBe(2);
    expect(emulator.counts().CreateModelPackageGroup).toBe(1);
    expectValidCreateRequests();
  }, 60_000);

  it('approves a version only after its validation completed', async () => {
    await start();
    const run = await act(manifest('approve', VERSIONED), { 'approve-on-success': 'true' });
    expect(run.code).toBe(0);
    // The emulator, like the service, refuses to approve a version still validating.
    const updates = emulator.requests.filter((r) => r.operation === 'UpdateModelPackage');
    expect(updates.map((r) => r.body)).toMatchObject([{ ModelApprovalStatus: 'Approved' }]);
    expect(results(run)[0]).toMatchObject({ status: 'Completed' });
    expect(run.stdout).toContain('fraud-detector version 1: approved.');

    const without = await act(manifest('approve', VERSIONED.replace('${{ github.sha }}', 'v2')));
    expect(without.code).toBe(0);
    expect(emulator.requests.filter((r) => r.operation === 'UpdateModelPackage')).toHaveLength(1);
  }, 60_000);
});

describe('a failed validation', () => {
  it('fails the step with the failure reason, or reports it without failing', async () => {
    await start({
      outcome: () => ({
        status: 'Failed',
        failureReason: 'ClientError: inference container exited with code 1',
      }),
    });
    const run = await act(manifest('failing', VERSIONED + VALIDATION));
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

    const lenient = await act(manifest('failing', VERSIONED + VALIDATION), {
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
    await start({ pendingMs: 300, inProgressMs: 8000 });
    const file = manifest('faults', VERSIONED);
    // The first description of the new package is throttled through all SDK retries.
    emulator.inject({ kind: 'throttle' }, { count: 3, operation: 'DescribeModelPackage' });
    const running = act(file);
    // Faults start once the package exists, during the wait.
    const created = Date.now();
    while (!emulator.counts().CreateModelPackage && Date.now() - created < 20_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    emulator.inject({ kind: 'throttle' }, { count: 6 });
    emulator.inject({ kind: 'internal-error' }, { count: 2 });
    emulator.inject({ kind: 'drop-connection' }, { count: 2 });
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('Completed');
    expect(run.annotations.some((a) => a.level === 'warning')).toBe(true);
  }, 90_000);

  it('stops within 10 s naming the remedy when the credentials expire', async () => {
    await start({ pendingMs: 300, inProgressMs: 60_000 });
    const file = manifest('expired', VERSIONED);
    const started = Date.now();
    const running = act(file);
    while (!emulator.counts().CreateModelPackage && Date.now() - started < 20_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const injectedAt = Date.now();
    emulator.inject({ kind: 'expired-token' }, { count: 100 });
    const run = await running;
    expect(Date.now() - injectedAt).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('role-duration-seconds');
    expect(run.outputs.status).toBe('InProgress');
  }, 60_000);

  it('exits within 5 s of SIGINT, reporting the run as cancelled', async () => {
    await start({ pendingMs: 300, inProgressMs: 60_000 });
    const run = await act(
      manifest('cancel', VERSIONED),
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
    await start({ pendingMs: 300, inProgressMs: 60_000 });
    const started = Date.now();
    const run = await act(manifest('timeout', VERSIONED), { 'wait-timeout-minutes': '0.05' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'InProgress', 'failure-reason': 'timed-out' });
    expect(run.summary).toContain('still validating after 0.05 minutes');

    const lenient = await act(manifest('timeout', VERSIONED), {
      'wait-timeout-minutes': '0.05',
      'fail-on-validation-failure': 'false',
    });
    expect(lenient.code).toBe(0);
    expect(lenient.outputs['failure-reason']).toBe('timed-out');
  }, 60_000);
});

describe('wait: false', () => {
  it('returns right after creation, and a later run reports the current status', async () => {
    // A validation of an hour, on a clock the test moves forward.
    let skipped = 0;
    await start({ pendingMs: 60_000, inProgressMs: 3_600_000, now: () => Date.now() + skipped });
    const file = manifest('async', VERSIONED);
    const started = Date.now();
    const first = await act(file, { wait: 'false' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(first.code).toBe(0);
    expect(first.outputs.status).toBe('InProgress');
    expect(first.stdout).not.toContain('→');

    skipped = 2 * 3_600_000;
    const later = await act(file, { wait: 'false' });
    expect(later.outputs.status).toBe('Completed');
    expect(results(later)[0]).toMatchObject({ reused: true });
    expect(emulator.counts().CreateModelPackage).toBe(1);
  }, 60_000);
});
