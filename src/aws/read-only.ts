/**
 * A dry run's AWS access (SPEC §6): read-only calls (preflight, the plan) only with
 * credentials and a region, never failing for want of them. Loads nothing of the AWS SDK.
 */
import type { Outcome } from '../results.js';
import type { AwsClients } from './clients.js';

/**
 * Whether a dry run has credentials to make read-only calls with: role-to-assume, or the
 * variables of the SDK's credential chain. The instance metadata service is not probed, so
 * a dry run without these stays free of AWS calls.
 */
export function credentialsAvailable(env: NodeJS.ProcessEnv, role: boolean): boolean {
  return (
    role ||
    [
      'AWS_ACCESS_KEY_ID',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ].some((name) => Boolean(env[name]))
  );
}

export interface ReadOnlyInput {
  env: NodeJS.ProcessEnv;
  settings: { region: string | undefined; role: unknown };
  /** role-to-assume's clients (once for the whole run), or why it cannot be assumed. */
  assume: () => Promise<{ aws: AwsClients } | { outcome: Outcome }>;
}

/** The clients a dry run reads with, or why it makes no AWS call. */
export async function readOnlyAccess(
  input: ReadOnlyInput,
): Promise<{ aws: AwsClients; region: string } | { why: string }> {
  if (!credentialsAvailable(input.env, Boolean(input.settings.role))) {
    return {
      why: 'a dry run without AWS credentials (role-to-assume, or credentials in the environment) makes no AWS call',
    };
  }
  const region = input.settings.region;
  if (!region) return { why: 'no region' };
  const assumed = await input.assume();
  if ('outcome' in assumed) return { why: assumed.outcome.failure?.message ?? 'no credentials' };
  return { aws: assumed.aws, region };
}
