/**
 * role-to-assume's credential provider against moto_server, an independent STS: the
 * provider reaches it through AWS_ENDPOINT_URL_STS as the SDK reads it, with no AWS key
 * in the environment, and the SageMaker client calls moto with what it got.
 */
import { describe, expect, it } from '@jest/globals';
import type { RenewableCredentials } from '../../src/sagemaker/api.js';
import { createSageMakerApi } from '../../src/sagemaker/client.js';
import { createStsApi } from '../../src/aws/sts.js';
import { webIdentityCredentials } from '../../src/sagemaker/web-identity.js';
import { memoryRunner } from '../harness/memory-runner.js';
import { integration } from '../harness/integration.js';

const ROLE = 'arn:aws:iam::123456789012:role/model-publisher';
// No AWS key in the environment: the credentials come from STS.
integration({ aws: 'moto', inProcess: { credentials: false } });

/** An unsigned JWT like the job's OIDC token. */
function idToken(audience: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  return `${part({ typ: 'JWT', alg: 'none' })}.${part({
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:octo-org/models:ref:refs/heads/main',
    aud: audience,
    iat,
    exp: iat + 300,
  })}.`;
}

describe('against moto_server', () => {
  it("gets credentials from moto's AssumeRoleWithWebIdentity and calls SageMaker with them", async () => {
    const runner = memoryRunner({}, { idToken });
    const credentials: RenewableCredentials = webIdentityCredentials({
      roleArn: ROLE,
      sessionName: 'sagemaker-model-package-1000-1',
      durationSeconds: 900,
      audience: 'sts.amazonaws.com',
      sts: createStsApi('us-east-1'),
      idToken: (audience) => runner.getIDToken(audience),
      mask: (value) => runner.setSecret(value),
      log: runner,
    });
    const api = createSageMakerApi('us-east-1', { credentials, log: runner });
    try {
      const before = Date.now();
      const got = await credentials();
      const after = Date.now();
      expect(got.accessKeyId).toMatch(/^ASIA/);
      expect(got.sessionToken).toBeTruthy();
      // The 900 s asked for, from when moto issued them: after `before`, before `after`,
      // however long the call took.
      const expiresAt = got.expiration!.getTime();
      expect(expiresAt - before).toBeGreaterThan(800_000);
      expect(expiresAt - after).toBeLessThanOrEqual(901_000);
      expect(runner.idTokenRequests).toEqual(['sts.amazonaws.com']);
      expect(runner.secrets).toEqual(
        expect.arrayContaining([got.accessKeyId, got.secretAccessKey, got.sessionToken]),
      );

      expect(await api.describeModelPackage('no-such-package')).toBeUndefined();
      expect(await api.newestVersions('no-such-group', 5)).toEqual([]);
      expect(credentials.issued).toBe(1);
    } finally {
      api.destroy();
      credentials.destroy();
    }
  });
});
