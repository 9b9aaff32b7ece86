/**
 * role-to-assume's credential provider against the emulators' STS and OIDC endpoint over
 * HTTP, on a clock the test owns: a new token for every set of credentials, renewal
 * before the end, masking, and the SageMaker client sending a refused request once more.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import type { RenewableCredentials } from '../src/sagemaker/api.js';
import { createSageMakerApi } from '../src/sagemaker/client.js';
import { CredentialsError, RenewalError } from '../src/sagemaker/errors.js';
import { createStsApi } from '../src/aws/sts.js';
import { renewalMargin, webIdentityCredentials } from '../src/sagemaker/web-identity.js';
import { memoryRunner, type MemoryRunner } from './harness/memory-runner.js';
import { startGitHubEmulator, type GitHubEmulator } from './harness/github-emulator.js';
import {
  startSageMakerEmulator,
  type EmulatorOptions,
  type SageMakerEmulator,
} from './harness/sagemaker-emulator.js';

const START = Date.UTC(2025, 0, 15, 12, 0, 0);
const ROLE = 'arn:aws:iam::123456789012:role/publisher';
const MINUTE = 60_000;

let clock = START;
let sagemaker: SageMakerEmulator | undefined;
let github: GitHubEmulator | undefined;
let credentials: RenewableCredentials | undefined;

afterEach(async () => {
  credentials?.destroy();
  await sagemaker?.close();
  await github?.close();
  clock = START;
});

/** OIDC tokens from the GitHub emulator, as a runner's getIDToken would get them. */
async function idTokens(lifetimeMs = 5 * MINUTE) {
  github = await startGitHubEmulator({ now: () => clock, idToken: { lifetimeMs } });
  const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } =
    github.idTokenEnv;
  return async (audience: string) => {
    const answer = await fetch(`${url}&audience=${encodeURIComponent(audience)}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    if (!answer.ok) throw new Error(`Failed to get ID Token. Error Code : ${answer.status}`);
    return ((await answer.json()) as { value: string }).value;
  };
}

async function provider(
  options: {
    sts?: EmulatorOptions['sts'];
    durationSeconds?: number;
    idToken?: (audience: string) => Promise<string>;
    runner?: MemoryRunner;
  } = {},
) {
  sagemaker = await startSageMakerEmulator({ now: () => clock, sts: options.sts });
  const runner = options.runner ?? memoryRunner();
  credentials = webIdentityCredentials({
    roleArn: ROLE,
    sessionName: 'sagemaker-model-package-1000-1',
    durationSeconds: options.durationSeconds ?? 3600,
    audience: 'sts.amazonaws.com',
    sts: createStsApi('us-east-1', { endpoint: sagemaker.url, maxAttempts: 1 }),
    idToken: options.idToken ?? (await idTokens()),
    mask: (value) => runner.setSecret(value),
    log: runner,
    now: () => clock,
  });
  return { credentials, runner, emulator: sagemaker };
}

const stsCalls = () =>
  sagemaker!.requests.filter((r) => r.operation === 'AssumeRoleWithWebIdentity');

describe('renewalMargin', () => {
  it('renews at 80% of the lifetime or 5 minutes before the end, whichever is first, never in the first half', () => {
    expect(renewalMargin(60 * MINUTE)).toBe(12 * MINUTE);
    expect(renewalMargin(15 * MINUTE)).toBe(5 * MINUTE);
    expect(renewalMargin(12 * 60 * MINUTE)).toBe(144 * MINUTE);
    expect(renewalMargin(4_000)).toBe(2_000);
  });
});

describe('webIdentityCredentials', () => {
  it('assumes the role with a new OIDC token for each set, keeps a set until it is due, and masks it', async () => {
    const { credentials, runner } = await provider();
    const first = await credentials();
    expect(first.accessKeyId).toMatch(/^ASIA/);
    expect(first.expiration?.getTime()).toBe(START + 60 * MINUTE);
    expect(runner.secrets).toEqual(
      expect.arrayContaining([first.accessKeyId, first.secretAccessKey, first.sessionToken]),
    );

    clock += 47 * MINUTE;
    expect(await credentials()).toBe(first);
    clock += 2 * MINUTE;
    const second = await credentials();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(second.expiration?.getTime()).toBe(START + 109 * MINUTE);
    expect(credentials.issued).toBe(2);

    const calls = stsCalls();
    expect(calls.map((r) => r.body.RoleArn)).toEqual([ROLE, ROLE]);
    expect(calls.map((r) => r.body.DurationSeconds)).toEqual(['3600', '3600']);
    const tokens = calls.map((r) => r.body.WebIdentityTokenClaims as { jti: string; iat: number });
    expect(new Set(tokens.map((t) => t.jti)).size).toBe(2);
    expect(tokens.map((t) => t.iat)).toEqual([START / 1000, START / 1000 + 49 * 60]);
    expect(github!.idTokens()).toHaveLength(2);
  });

  it('renews credentials shorter than asked for (role chaining) in the second half of their life', async () => {
    // OIDC tokens of 3 s: a token kept from an earlier set would be refused.
    const idToken = await idTokens(3_000);
    const { credentials } = await provider({
      sts: { maxLifetimeMs: 4_000 },
      idToken,
      durationSeconds: 900,
    });
    const first = await credentials();
    expect(first.expiration?.getTime()).toBe(START + 4_000);
    clock += 1_999;
    expect(await credentials()).toBe(first);
    for (let i = 0; i < 10; i++) {
      clock += 2_000;
      await credentials();
    }
    expect(credentials.issued).toBe(11);
    expect(stsCalls().every((r) => r.refused === undefined)).toBe(true);
  });

  it('coalesces concurrent callers into one STS call', async () => {
    const { credentials } = await provider();
    const all = await Promise.all([credentials(), credentials(), credentials()]);
    expect(new Set(all).size).toBe(1);
    expect(stsCalls()).toHaveLength(1);
  });

  it('forgets refused credentials, but not a set obtained after the refused request was sent', async () => {
    const { credentials } = await provider();
    const first = await credentials();
    const sentAt = clock;
    clock += 1_000;
    credentials.renew(sentAt - 1);
    expect(await credentials()).toBe(first);
    credentials.renew(sentAt);
    const second = await credentials();
    expect(second).not.toBe(first);
    credentials.renew();
    expect(await credentials()).not.toBe(second);
    expect(credentials.issued).toBe(3);
  });

  it('keeps working credentials when a renewal fails, and says so once', async () => {
    const runner = memoryRunner();
    const { credentials, emulator } = await provider({ runner });
    const first = await credentials();
    clock += 50 * MINUTE;
    emulator.inject({ kind: 'unavailable' }, { count: 1, operation: 'AssumeRoleWithWebIdentity' });
    expect(await credentials()).toBe(first);
    expect(await credentials()).toBe(first);
    expect(runner.lines('warning')).toEqual([
      expect.stringMatching(
        /^Could not renew the credentials of role-to-assume yet .*ServiceUnavailable/,
      ),
    ]);
    expect(stsCalls()).toHaveLength(2);
    clock += MINUTE;
    expect(await credentials()).not.toBe(first);
  });

  it('says why when there are no credentials: no OIDC token, a refused role, STS unreachable', async () => {
    const failing = await provider({
      idToken: async () => {
        throw new Error('Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
      },
    });
    await expect(failing.credentials()).rejects.toMatchObject({
      name: 'RenewalError',
      reason: 'id-token',
    });
    expect(stsCalls()).toEqual([]);
    failing.credentials.destroy();
    await sagemaker!.close();
    await github?.close();
    github = undefined;

    const refused = await provider({ sts: { audience: 'another' } });
    const error = await refused.credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenewalError);
    expect(error).toMatchObject({ reason: 'rejected' });
    expect((error as Error).message).toBe(
      `STS did not give credentials for role-to-assume ${ROLE} (InvalidIdentityTokenException: Incorrect token audience)`,
    );

    refused.emulator.inject({ kind: 'unavailable' }, { count: 1 });
    credentials!.destroy();
    const again = await refused.credentials().catch((e: unknown) => e);
    expect(again).toMatchObject({ reason: 'transient' });
  });

  it("calls STS on the target region's regional endpoint", async () => {
    const hosts: string[] = [];
    const handler = {
      handle: async (request: { hostname: string }) => {
        hosts.push(request.hostname);
        throw Object.assign(new Error('no network in this test'), { name: 'TimeoutError' });
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    } as unknown as STSClientConfig['requestHandler'];
    for (const region of ['eu-west-1', 'us-east-1']) {
      const c = webIdentityCredentials({
        roleArn: ROLE,
        sessionName: 'session',
        durationSeconds: 900,
        audience: 'sts.amazonaws.com',
        sts: createStsApi(region, { requestHandler: handler, maxAttempts: 1 }),
        idToken: async () => 'token',
        mask: () => undefined,
        log: memoryRunner(),
      });
      await expect(c()).rejects.toMatchObject({ reason: 'transient' });
      c.destroy();
    }
    expect(hosts).toEqual(['sts.eu-west-1.amazonaws.com', 'sts.us-east-1.amazonaws.com']);
  });
});

describe('the SageMaker client with renewable credentials', () => {
  it('sends a request refused for its credentials once more, with new ones', async () => {
    // Real time: the SDK would keep credentials valid for an hour in its own cache.
    clock = Date.now();
    const runner = memoryRunner();
    const { credentials, emulator } = await provider({ runner });
    process.env.AWS_ENDPOINT_URL_SAGEMAKER = emulator.url;
    const api = createSageMakerApi('us-east-1', { credentials, log: runner });
    try {
      expect(await api.describeModelPackageGroup('missing')).toBeUndefined();
      emulator.expireCredentials();
      expect(await api.describeModelPackageGroup('missing')).toBeUndefined();
      const described = emulator.requests.filter(
        (r) => r.operation === 'DescribeModelPackageGroup',
      );
      expect(described.map((r) => r.refused)).toEqual([
        undefined,
        'ExpiredTokenException',
        undefined,
      ]);
      expect(described[1]!.accessKeyId).toBe(described[0]!.accessKeyId);
      expect(described[2]!.accessKeyId).not.toBe(described[1]!.accessKeyId);
      expect(credentials.issued).toBe(2);
      expect(runner.lines('info')).toEqual([
        expect.stringContaining(
          'AWS refused the credentials of role-to-assume (ExpiredTokenException',
        ),
      ]);

      // Refused again with new credentials: one renewal, then the error names the role's permissions.
      emulator.inject(
        { kind: 'expired-token' },
        { count: 10, operation: 'DescribeModelPackageGroup' },
      );
      const error = await api.describeModelPackageGroup('missing').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toContain(
        "credentials of 'role-to-assume' had just been renewed",
      );
      expect(credentials.issued).toBe(3);
    } finally {
      api.destroy();
      delete process.env.AWS_ENDPOINT_URL_SAGEMAKER;
    }
  });
});
