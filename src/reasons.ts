/**
 * Every failure reason (the `failure-reason` output, SPEC §3) and how the reports word it,
 * in one table: a reason added to FailureReason does not compile until it is worded here.
 */
import type { FailureReason, PackageResult } from './results.js';
import { plural } from './text.js';

export interface ReasonWording {
  /** The check run's title: a few plain words. */
  title: string;
  /**
   * The report's headline. `why(fallback)` is the result's error, cut and escaped for
   * markdown; `origin` says where the package came from (new, reused, found); `errors`
   * counts the manifest's errors.
   */
  headline: (why: (fallback: string) => string, origin: string, errors: number) => string;
  /**
   * How the step's failure message counts the packages that failed for this reason
   * ("2 not created"); `gated`: only with fail-on-validation-failure. Reasons of a whole
   * run, never of one package of a published run, have none.
   */
  counted?: { words: string; gated?: boolean };
  /** The icon that replaces the status's, for a package that is still validating. */
  icon?: string;
  /** Why a package still validating is no longer waited for, in its check run. */
  pending?: string;
}

const STILL_VALIDATING = 'Still validating';

export const REASONS: Record<FailureReason, ReasonWording> = {
  'invalid-input': {
    title: 'Invalid input',
    headline: (why) => `invalid input: ${why('an input of the action is invalid')}`,
  },
  'invalid-manifest': {
    title: 'Invalid manifest',
    headline: (_why, _origin, errors) =>
      `invalid manifest: ${plural(errors, 'error')}, nothing was sent to AWS`,
  },
  'preflight-failed': {
    title: 'Preflight failed',
    headline: (why) => why('preflight found something the manifest names missing'),
  },
  'create-failed': {
    title: 'Not created',
    headline: (why) => `not created: ${why('unknown error')}`,
    counted: { words: 'not created' },
  },
  'not-found': {
    title: 'No package of this manifest',
    headline: (why) => `no package of this manifest: ${why('not found')}`,
    counted: { words: 'without a package of its manifest' },
  },
  'validation-failed': {
    title: 'Validation failed',
    headline: (_why, origin) => `validation failed (${origin})`,
    counted: { words: 'failed validation', gated: true },
  },
  'image-scan-failed': {
    title: 'Image scan failed',
    headline: (_why, origin) => `image scan failed (${origin})`,
    counted: { words: 'failed validation', gated: true },
  },
  'timed-out': {
    title: STILL_VALIDATING,
    headline: (why) => `stopped waiting: ${why('the package is still validating')}`,
    counted: { words: 'still validating at the timeout', gated: true },
    icon: '⏱',
    pending: 'This run stopped waiting.',
  },
  cancelled: {
    title: STILL_VALIDATING,
    headline: () => 'the run was cancelled; SageMaker keeps validating the package',
    icon: '⏹',
    pending: 'The run was cancelled.',
  },
  'approval-failed': {
    title: 'Validated, not approved',
    headline: (why) => `validation completed, but approve-on-success failed: ${why('refused')}`,
    counted: { words: 'not approved' },
  },
  'not-approved': {
    title: 'Not approved',
    headline: (why) => `not approved: ${why('the version is not Approved')}`,
    counted: { words: 'not approved (require-approval)' },
  },
  'not-in-stage': {
    title: 'Not in the required stage',
    headline: (why) => `not in the required stage: ${why('the package is in another stage')}`,
    counted: { words: 'not in the required stage (require-stage)' },
  },
  'stage-failed': {
    title: 'Validated, stage not set',
    headline: (why) => `validation completed, but stage-on-success failed: ${why('refused')}`,
    counted: { words: 'not moved to their stage' },
  },
  'listing-failed': {
    title: 'Validated, not listed',
    headline: (why) =>
      `validation completed, but the AWS Marketplace listing failed: ${why('the change set failed')}`,
    counted: { words: 'not listed on AWS Marketplace' },
  },
  'internal-error': {
    title: 'Internal error',
    headline: (why) =>
      `the action failed (a defect of the action, not of the package): ${why('unexpected error')}`,
    counted: { words: 'stopped by an internal error of the action' },
  },
};

/** The reasons in the order the step's failure message counts them. */
const COUNTED = Object.entries(REASONS).filter(([, w]) => w.counted) as [
  FailureReason,
  ReasonWording & { counted: NonNullable<ReasonWording['counted']> },
][];

/**
 * Why the step fails, in one line, or undefined when it succeeds: the packages that
 * failed, counted by what happened to them ('fail-on-validation-failure: false' lets
 * failed and unfinished validations pass).
 */
export function stepFailureMessage(
  results: readonly PackageResult[],
  failOnValidationFailure: boolean,
): string | undefined {
  const counts = new Map<string, number>();
  for (const [reason, { counted }] of COUNTED) {
    if (counted.gated && !failOnValidationFailure) continue;
    const n = results.filter((r) => r.failureReason === reason).length;
    if (n) counts.set(counted.words, (counts.get(counted.words) ?? 0) + n);
  }
  if (counts.size === 0) return undefined;
  const parts = [...counts].map(([words, n]) => `${n} ${words}`);
  return `Model packages: ${parts.join(', ')} (of ${results.length}).`;
}
