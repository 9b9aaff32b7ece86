/**
 * What an error from SageMaker means for the action: retry later, stop at once, or a
 * specific answer (a missing resource, one that already exists).
 */
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

export type ErrorKind = 'credentials' | 'transient' | 'not-found' | 'exists' | 'other';

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'RequestExpired',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'UnrecognizedClientException',
]);

/** What the action reads of an AWS SDK error (S3 and ECR errors may carry `Code`). */
export interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function errorKind(error: unknown): ErrorKind {
  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? '';
  if (error instanceof RenewalError)
    return error.reason === 'rejected' ? 'credentials' : 'transient';
  if (CREDENTIAL_ERRORS.has(name)) return 'credentials';
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) {
    return 'transient';
  }
  if (name === 'TimeoutError' || name === 'NetworkingError') return 'transient';
  const message = e.message ?? '';
  if (name === 'ResourceNotFound' || /does not exist|not found|cannot find/i.test(message)) {
    return 'not-found';
  }
  if (/already exists?/i.test(message) || name === 'ConflictException') return 'exists';
  return 'other';
}

/** Whether an error is an AWS service's answer (the SDK's errors carry its metadata). */
export function isServiceError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && '$metadata' in error;
}

/**
 * Whether AWS refused a call for want of a permission. Names differ by service: S3 and
 * ECR say AccessDenied, most JSON services AccessDeniedException, EC2-style ones
 * UnauthorizedOperation; S3 answers a HEAD with a bare 403.
 */
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'Forbidden',
  'UnauthorizedOperation',
  'AllAccessDisabled',
]);

export function isAccessDenied(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  return (
    DENIED.has(e.name ?? '') ||
    DENIED.has(e.Code ?? '') ||
    e.$metadata?.httpStatusCode === 403 ||
    /not authorized to perform/i.test(e.message ?? '')
  );
}

export function describeError(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e.message ?? String(error)}`;
}

export const CREDENTIALS_REMEDY =
  "If the session expired during a long validation, set the action's 'role-to-assume' input: the action " +
  "then gets its credentials itself with the job's OIDC token (the job needs 'permissions: id-token: write') " +
  'and renews them for as long as it waits. Otherwise give the role a longer session ' +
  '(role-duration-seconds of aws-actions/configure-aws-credentials), or use the asynchronous mode: ' +
  "'wait: false' now, and a later run on the same manifest reports the package as it is then.";

const RENEWED_REMEDY =
  "The credentials of 'role-to-assume' had just been renewed: check that the role may call SageMaker " +
  '(sagemaker:CreateModelPackage, sagemaker:DescribeModelPackage, sagemaker:BatchDescribeModelPackage, ...) ' +
  'in this region.';

export class CredentialsError extends Error {
  /** `renewed`: the credentials of role-to-assume were renewed and AWS still refused them. */
  constructor(cause: unknown, options: { renewed?: boolean } = {}) {
    const remedy = options.renewed ? RENEWED_REMEDY : CREDENTIALS_REMEDY;
    super(`AWS did not accept the credentials (${describeError(cause)}). ${remedy}`);
    this.name = 'CredentialsError';
  }
}

/**
 * The error that ends a run for its credentials, or undefined for any other error:
 * a CredentialsError, or role-to-assume's RenewalError, as they are; any other refusal of
 * the credentials as a CredentialsError, with the remedy.
 */
export function credentialsError(error: unknown): Error | undefined {
  if (error instanceof CredentialsError) return error;
  if (errorKind(error) !== 'credentials') return undefined;
  return error instanceof RenewalError ? error : new CredentialsError(error);
}

/**
 * role-to-assume could not get credentials: no OIDC token for the job (`id-token`), STS
 * refused the role (`rejected`), or STS or GitHub could not be reached (`transient`).
 */
export class RenewalError extends Error {
  constructor(
    message: string,
    readonly reason: 'id-token' | 'rejected' | 'transient',
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'RenewalError';
  }
}
