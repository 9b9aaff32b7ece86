/**
 * The built action with role-to-assume, against the project's emulators over HTTP: the
 * GitHub emulator hands out the job's OIDC tokens (short-lived, like GitHub's), the
 * SageMaker emulator's STS issues credentials that live a few seconds and refuses
 * SageMaker requests signed with expired ones. No AWS key is in the environment.
 */
import { describe, expect, it } from '@jest/globals';
import type { ActionRun } from '../harness/dist-action.js';
import {
  CREDENTIALS,
  heldValidation,
  integration,
  type RunningAction,
} from '../harness/integration.js';
import { VERSIONED } from '../harness/manifests.js';
import type { EmulatorOptions } from '../harness/sagemaker-emulator.js';

const ROLE = 'arn:aws:iam::123456789012:role/model-publisher';
// The runner's environment with no AWS key at all.
const t = integration({
  credentials: false,
  inputs: { region: 'us-east-1' },
});

async function start(options: EmulatorOptions, idTokenLifetimeMs = 5 * 60_000) {
  await t.start({ sagemaker: options, github: { idToken: { lifetimeMs: idTokenLifetimeMs } } });
}

const manifest = (name: string) => t.manifest(name, VERSIONED);

/** A run with the job's OIDC variables, unless `idToken: false`. */
function act(
  file: string,
  inputs: Record<string, string> = {},
  options: { idToken?: boolean } = {},
): RunningAction {
  return t.run({
    inputs: { manifest: file, 'role-to-assume': ROLE, ...inputs },
    env: options.idToken === false ? {} : t.github.idTokenEnv,
  });
}

/**
 * How many credentials living `lifetimeMs` requests sent at `times` need at the least:
 * requests `lifetimeMs` or more apart cannot share a set.
 */
function lifetimesSpanned(times: number[], lifetimeMs: number): number {
  let sets = 0;
  let validUntil = -Infinity;
  for (const at of [...times].sort((a, b) => a - b)) {
    if (at < validUntil) continue;
    sets++;
    validUntil = at + lifetimeMs;
  }
  return sets;
}

const stsCalls = () =>
  t.sagemaker.requests.filter((r) => r.operation === 'AssumeRoleWithWebIdentity');
const sagemakerCalls = () =>
  t.sagemaker.requests.filter((r) => r.operation !== 'AssumeRoleWithWebIdentity');

/** No secret anywhere but in the lines that ask the runner to mask it. */
function expectNoSecrets(run: ActionRun) {
  const secrets = [...t.sagemaker.secrets(), ...t.github.secrets()];
  const accessKeys = t.sagemaker.issued().map((c) => c.accessKeyId);
  expect(secrets.length).toBeGreaterThan(0);
  const shown = [
    run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    run.exported,
  ].join('\n');
  for (const secret of [...secrets, ...accessKeys]) expect(shown).not.toContain(secret);
  const masked = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length));
  expect(masked).toEqual(expect.arrayContaining([...t.sagemaker.secrets(), ...accessKeys]));
  expect(run.exported).toBe('');
}

describe('role-to-assume', () => {
  it('waits for a validation several times longer than the credentials live, renewing them', async () => {
    // Credentials of 4 s (shorter than asked, as for role chaining), OIDC tokens of 3 s, a
    // validation of 20 s that runs from its creation: the run's first description says
    // InProgress, and no poll can see another status before Completed.
    await start({ pendingMs: 0, inProgressMs: 20_000, sts: { maxLifetimeMs: 4_000 } }, 3_000);
    const started = Date.now();
    const run = await act(manifest('long'), { 'role-duration-seconds': '900' });
    const elapsed = Date.now() - started;
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'Completed', 'failure-reason': '' });
    expect(run.stdout).toMatch(/InProgress → Completed/);
    expect(elapsed).toBeGreaterThan(20_000);

    // No request was sent with expired credentials, and none was refused.
    expect(t.sagemaker.requests.filter((r) => r.refused)).toEqual([]);
    const issued = t.sagemaker.issued();
    for (const request of sagemakerCalls()) {
      const credentials = issued.find((c) => c.accessKeyId === request.accessKeyId);
      expect(credentials).toBeDefined();
      expect(request.at).toBeLessThan(credentials!.expiresAt);
    }
    // Renewed many times, each with a new OIDC token; at least one set per credential lifetime
    // between the first and the last request, however the polls fell in those 20 s.
    const calls = stsCalls().length;
    const lifetimes = lifetimesSpanned(
      sagemakerCalls().map((r) => r.at),
      4_000,
    );
    expect(lifetimes).toBeGreaterThanOrEqual(2);
    expect(calls).toBeGreaterThanOrEqual(lifetimes);
    expect(calls).toBeLessThanOrEqual(sagemakerCalls().length + 1);
    expect(t.github.idTokens()).toHaveLength(calls);
    expect(new Set(t.github.idTokens().map((token) => token.jti)).size).toBe(calls);
    expect(stsCalls().map((r) => r.body.RoleSessionName)).toEqual(
      Array(calls).fill('sagemaker-model-package-1000-1'),
    );
    expect(run.stdout).toContain(
      `role-to-assume: STS issued ${calls} sets of credentials during the run.`,
    );
    process.stdout.write(
      `role-to-assume, a ${Math.round(elapsed / 1000)} s run with 4 s credentials: ${calls} STS calls, ${sagemakerCalls().length} SageMaker requests, none refused.\n`,
    );
    expectNoSecrets(run);
  }, 90_000);

  it('renews credentials that AWS refuses before their time, once, and goes on waiting', async () => {
    // The validation ends once the credentials were refused and renewed during the wait.
    const held = heldValidation();
    await start(held.options);
    const running = act(manifest('revoked'));
    await t.sagemaker.when((r) => r.operation === 'BatchDescribeModelPackage');
    t.sagemaker.expireCredentials();
    await running.until(/AWS refused the credentials of role-to-assume/);
    held.next(2);
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('Completed');
    expect(t.sagemaker.requests.filter((r) => r.refused).map((r) => r.refused)).toEqual([
      'ExpiredTokenException',
    ]);
    expect(stsCalls()).toHaveLength(2);
    expect(run.stdout).toContain('AWS refused the credentials of role-to-assume');
    expectNoSecrets(run);
  }, 60_000);

  it('ends the wait when renewed credentials are refused too, naming what to check', async () => {
    await start(heldValidation().options);
    const running = act(manifest('refused'));
    await t.sagemaker.when((r) => r.operation === 'CreateModelPackage');
    t.sagemaker.inject(
      { kind: 'expired-token' },
      { count: 100, operation: 'BatchDescribeModelPackage' },
    );
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'InProgress', 'failure-reason': 'timed-out' });
    expect(run.stdout).toContain("The credentials of 'role-to-assume' had just been renewed");
    expect(t.sagemaker.counts().BatchDescribeModelPackage).toBe(2);
    expect(stsCalls()).toHaveLength(2);
  }, 60_000);

  it("without 'permissions: id-token: write': invalid-input naming it, nothing sent to AWS", async () => {
    await start({});
    const run = await act(manifest('no-permission'), {}, { idToken: false });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'invalid-input' });
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain("Give the job 'permissions: id-token: write'");
    expect(errors[0]!.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
    expect(run.summary).toContain('id-token: write');
    expect(t.sagemaker.requests).toEqual([]);
  }, 60_000);

  it('a role that does not trust the job: invalid-input naming the trust policy, nothing created', async () => {
    await start({ sts: { trusts: () => false } });
    const run = await act(manifest('untrusted'));
    expect(run.code).toBe(1);
    expect(run.outputs['failure-reason']).toBe('invalid-input');
    expect(run.stdout).toContain(
      `STS did not give credentials for role-to-assume ${ROLE} (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity). Check the role's trust policy`,
    );
    expect(sagemakerCalls()).toEqual([]);
  }, 60_000);

  it('loads the STS client only when role-to-assume is set', async () => {
    await start({ pendingMs: 100, inProgressMs: 100 });
    const file = manifest('loads');
    const withRole = await act(file, { wait: 'false' });
    const without = await t.run({
      inputs: { manifest: file, wait: 'false' },
      credentials: CREDENTIALS,
    });
    expect(withRole.code).toBe(0);
    expect(without.code).toBe(0);
    const onlyWithRole = withRole.loaded.filter((file) => !without.loaded.includes(file));
    expect(onlyWithRole.length).toBeGreaterThan(0);
    expect(without.loaded).toEqual(expect.arrayContaining(['dist/index.js']));
    expect(stsCalls()).toHaveLength(1);
  }, 60_000);
});
