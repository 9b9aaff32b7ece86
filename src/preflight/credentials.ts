/** Whether a dry run can make preflight's calls; loads nothing of the AWS SDK. */

/**
 * Whether a dry run has credentials to make preflight's calls with: role-to-assume, or the
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
