/**
 * role-to-assume: the run's first credentials, got before anything is created, so that a
 * job without `permissions: id-token: write`, or a role that does not trust it, stops
 * with one clear error. The STS client is imported here, only when the input is set.
 */
import type { AwsClients } from './aws/clients.js';
import type { RoleSettings } from './inputs.js';
import { stopped, type Outcome } from './results.js';
import type { Runner } from './runner/port.js';
import type { RenewableCredentials } from './sagemaker/api.js';
import type { RenewalError } from './sagemaker/errors.js';

export type Assumed = { credentials: RenewableCredentials } | { outcome: Outcome };

function isRenewalError(error: unknown): error is RenewalError {
  return error instanceof Error && error.name === 'RenewalError' && 'reason' in error;
}

function failure(error: unknown, role: RoleSettings): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  if (!isRenewalError(error)) {
    return stopped('internal-error', `role-to-assume: unexpected error: ${message}`);
  }
  switch (error.reason) {
    case 'id-token': {
      const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
      return stopped(
        'invalid-input',
        `role-to-assume needs the job's OIDC token, and the runner gave none (${cause.replace(/\s+/g, ' ').trim()}). ` +
          "Give the job 'permissions: id-token: write' (with 'contents: read'); nothing was sent to AWS.",
      );
    }
    case 'rejected':
      return stopped(
        'invalid-input',
        `${message}. Check the role's trust policy: the federated principal ` +
          `token.actions.githubusercontent.com, this repository in its 'sub' condition and the audience '${role.audience}' ` +
          "(input 'audience'), and that role-duration-seconds is at most the role's maximum session duration. Nothing was created.",
      );
    case 'transient':
      return stopped('create-failed', `${message}. Nothing was created.`);
  }
}

export async function assumeRole(
  role: RoleSettings,
  region: string,
  runner: Runner,
  aws: Pick<AwsClients, 'sts'>,
): Promise<Assumed> {
  const [{ webIdentityCredentials }, sts] = await Promise.all([
    import('./sagemaker/web-identity.js'),
    aws.sts(region),
  ]);
  const credentials = webIdentityCredentials({
    roleArn: role.arn,
    sessionName: role.sessionName,
    durationSeconds: role.durationSeconds,
    audience: role.audience,
    sts,
    idToken: (audience) => runner.getIDToken(audience),
    mask: (value) => runner.setSecret(value),
    log: runner,
  });
  try {
    const first = await credentials();
    runner.info(
      `Assumed role ${role.arn} (session ${role.sessionName}) with the job's OIDC token; the credentials are renewed before they expire (these at ${first.expiration?.toISOString() ?? 'no time given'}).`,
    );
    return { credentials };
  } catch (e) {
    credentials.destroy();
    return { outcome: failure(e, role) };
  }
}
