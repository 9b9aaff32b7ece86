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

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function errorKind(error: unknown): ErrorKind {
  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? '';
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

export function describeError(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e.message ?? String(error)}`;
}

const CREDENTIALS_REMEDY =
  'If the session expired during a long validation, give the role a longer session ' +
  "(role-duration-seconds of aws-actions/configure-aws-credentials) or use the asynchronous mode: 'wait: false' now, " +
  'and a later run on the same manifest reports the package as it is then.';

export class CredentialsError extends Error {
  constructor(cause: unknown) {
    super(`AWS did not accept the credentials (${describeError(cause)}). ${CREDENTIALS_REMEDY}`);
    this.name = 'CredentialsError';
  }
}
