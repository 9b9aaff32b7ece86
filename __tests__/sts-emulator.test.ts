/**
 * The SageMaker emulator's STS: AssumeRoleWithWebIdentity as @aws-sdk/client-sts sends
 * it, the checks on the OIDC token, and the end of issued credentials on SageMaker calls.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  startSageMakerEmulator,
  type EmulatorOptions,
  type SageMakerEmulator,
} from './harness/sagemaker-emulator.js';

const START = Date.UTC(2025, 0, 15, 12, 0, 0);
const ROLE = 'arn:aws:iam::123456789012:role/ci/publisher';

let clock = START;
let emulator: SageMakerEmulator;
let sts: STSClient;

async function start(options: EmulatorOptions = {}): Promise<void> {
  emulator = await startSageMakerEmulator({ now: () => clock, ...options });
  sts = new STSClient({ endpoint: emulator.url, region: 'us-east-1', maxAttempts: 1 });
}

beforeEach(() => {
  clock = START;
});
afterEach(async () => {
  sts?.destroy();
  await emulator?.close();
});

/** An unsigned JWT with GitHub's claims, issued at `iat` (ms) and living `lifetimeMs`. */
function token(claims: Record<string, unknown> = {}, iat = clock, lifetimeMs = 300_000): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'none' })}.${part({
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:octo-org/models:ref:refs/heads/main',
    aud: 'sts.amazonaws.com',
    iat: Math.floor(iat / 1000),
    exp: Math.floor((iat + lifetimeMs) / 1000),
    ...claims,
  })}.`;
}

const assume = (
  webIdentityToken: string,
  extra: { DurationSeconds?: number; RoleSessionName?: string } = {},
) =>
  sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: ROLE,
      RoleSessionName: 'sagemaker-model-package-1000-1',
      WebIdentityToken: webIdentityToken,
      DurationSeconds: 900,
      ...extra,
    }),
  );

async function refusal(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (e) {
    const error = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to be refused');
}

describe('AssumeRoleWithWebIdentity', () => {
  it('issues temporary credentials for the asked duration, and records the call without the token', async () => {
    await start();
    const answer = await assume(token(), { DurationSeconds: 1800 });
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(answer.Credentials?.SecretAccessKey).toBeTruthy();
    expect(answer.Credentials?.SessionToken).toBeTruthy();
    expect(answer.Credentials?.Expiration?.getTime()).toBe(START + 1_800_000);
    expect(answer.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/publisher/sagemaker-model-package-1000-1',
    );
    expect(answer.SubjectFromWebIdentityToken).toBe('repo:octo-org/models:ref:refs/heads/main');
    expect(answer.Audience).toBe('sts.amazonaws.com');

    expect(emulator.counts()).toEqual({ AssumeRoleWithWebIdentity: 1 });
    const [recorded] = emulator.requests;
    expect(recorded?.body).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      DurationSeconds: '1800',
      WebIdentityTokenClaims: { aud: 'sts.amazonaws.com' },
    });
    expect(JSON.stringify(recorded?.body)).not.toContain('WebIdentityToken"');
    expect(emulator.issued()).toEqual([
      expect.objectContaining({
        accessKeyId: answer.Credentials?.AccessKeyId,
        roleArn: ROLE,
        expiresAt: START + 1_800_000,
      }),
    ]);
  });

  it('issues shorter credentials than asked when told to, as for role chaining', async () => {
    await start({ sts: { maxLifetimeMs: 4_000 } });
    const answer = await assume(token(), { DurationSeconds: 3600 });
    expect(answer.Credentials?.Expiration?.getTime()).toBe(START + 4_000);
  });

  it('refuses a token for another audience, an expired or too old token, and what is not a JWT', async () => {
    await start({ sts: { maxTokenAgeMs: 60_000 } });
    expect(await refusal(assume(token({ aud: 'https://github.com/octo-org' })))).toMatchObject({
      // The SDK names the modeled error InvalidIdentityToken so.
      name: 'InvalidIdentityTokenException',
      message: 'Incorrect token audience',
      status: 400,
    });
    expect(await refusal(assume(token({}, START - 400_000)))).toMatchObject({
      name: 'ExpiredTokenException',
      message: expect.stringMatching(/^Token expired: current date\/time \d+ must be before/),
    });
    expect(await refusal(assume(token({}, START - 120_000)))).toMatchObject({
      name: 'ExpiredTokenException',
      message: 'Token too old: issued 120 seconds ago',
    });
    expect(await refusal(assume('an-access-token'))).toMatchObject({
      name: 'InvalidIdentityTokenException',
      message: expect.stringContaining('not a valid JWT'),
    });
    expect(emulator.requests.map((r) => r.refused)).toEqual([
      'InvalidIdentityToken',
      'ExpiredTokenException',
      'ExpiredTokenException',
      'InvalidIdentityToken',
    ]);
    expect(emulator.issued()).toEqual([]);
  });

  it('checks the duration, the session name and the trust of the role', async () => {
    await start({
      sts: { trusts: (_role, claims) => claims.sub === 'repo:octo-org/models:ref:refs/heads/main' },
    });
    expect(await refusal(assume(token(), { DurationSeconds: 600 }))).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("at 'durationSeconds'"),
    });
    expect(await refusal(assume(token(), { RoleSessionName: 'a b' }))).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("at 'roleSessionName'"),
    });
    expect(
      await refusal(assume(token({ sub: 'repo:someone/fork:ref:refs/heads/main' }))),
    ).toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      status: 403,
    });
    expect((await assume(token())).Credentials).toBeDefined();
  });
});

describe('issued credentials on SageMaker calls', () => {
  const list = (credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }) => {
    const client = new SageMakerClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    return client.send(new ListModelPackagesCommand({})).finally(() => client.destroy());
  };

  it('work until they expire, then the call is refused with ExpiredTokenException', async () => {
    await start({ sts: { maxLifetimeMs: 4_000 } });
    const c = (await assume(token())).Credentials!;
    const credentials = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    await expect(list(credentials)).resolves.toBeDefined();
    clock += 3_999;
    await expect(list(credentials)).resolves.toBeDefined();
    clock += 1;
    expect(await refusal(list(credentials))).toMatchObject({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
    });
    expect(
      emulator.requests
        .filter((r) => r.operation === 'ListModelPackages')
        .map((r) => [r.accessKeyId, r.refused]),
    ).toEqual([
      [c.AccessKeyId, undefined],
      [c.AccessKeyId, undefined],
      [c.AccessKeyId, 'ExpiredTokenException'],
    ]);
    // Keys the emulator did not issue are accepted as they are.
    await expect(
      list({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    ).resolves.toBeDefined();
  });

  it('need their own session token, and end when expireCredentials() is called', async () => {
    await start();
    const c = (await assume(token())).Credentials!;
    const base = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey! };
    expect(await refusal(list({ ...base, sessionToken: 'another' }))).toMatchObject({
      name: 'UnrecognizedClientException',
    });
    await expect(list({ ...base, sessionToken: c.SessionToken! })).resolves.toBeDefined();
    emulator.expireCredentials();
    expect(await refusal(list({ ...base, sessionToken: c.SessionToken! }))).toMatchObject({
      name: 'ExpiredTokenException',
    });
    const fresh = (await assume(token())).Credentials!;
    await expect(
      list({
        accessKeyId: fresh.AccessKeyId!,
        secretAccessKey: fresh.SecretAccessKey!,
        sessionToken: fresh.SessionToken!,
      }),
    ).resolves.toBeDefined();
  });
});
