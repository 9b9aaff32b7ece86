/** The outcome of a run per manifest, and the action's outputs derived from it (SPEC §3). */
import type { Problem } from './manifest/problems.js';

export type PackageStatus = 'Completed' | 'Failed' | 'InProgress' | 'DryRun';

export type FailureReason =
  | 'invalid-input'
  | 'invalid-manifest'
  | 'create-failed'
  | 'validation-failed'
  | 'image-scan-failed'
  | 'timed-out'
  | 'cancelled';

/** A validation profile or an image scan. */
export interface StatusItem {
  name: string;
  status: string;
  failureReason: string | null;
}

export interface PackageResult {
  /** The manifest's path relative to the workspace. */
  manifest: string;
  name: string | null;
  group: string | null;
  version: number | null;
  arn: string | null;
  region: string | null;
  status: PackageStatus;
  failureReason: FailureReason | null;
  reused: boolean;
  /** When SageMaker created the package (ISO 8601). */
  createdAt: string | null;
  /** When its validation ended (ISO 8601), once it has. */
  validatedAt: string | null;
  /** Why the package could not be created, or what ended the wait early. */
  error: string | null;
  validation: StatusItem[];
  imageScans: StatusItem[];
  links: Record<string, string>;
  /** Problems found in the manifest, errors and warnings. */
  problems: Omit<Problem, 'file'>[];
}

export function emptyResult(manifest: string, status: PackageStatus): PackageResult {
  return {
    manifest,
    name: null,
    group: null,
    version: null,
    arn: null,
    region: null,
    status,
    failureReason: null,
    reused: false,
    createdAt: null,
    validatedAt: null,
    error: null,
    validation: [],
    imageScans: [],
    links: {},
    problems: [],
  };
}

/** The run's status: any failure wins, then anything unfinished; a dry run stays a dry run. */
export function aggregateStatus(results: readonly PackageResult[]): PackageStatus {
  if (results.length === 0 || results.some((r) => r.status === 'Failed')) return 'Failed';
  if (results.some((r) => r.status === 'InProgress')) return 'InProgress';
  if (results.every((r) => r.status === 'DryRun')) return 'DryRun';
  return 'Completed';
}

export interface Outputs {
  'model-package-arn': string;
  'model-package-version': string;
  status: PackageStatus;
  'failure-reason': FailureReason | '';
  results: string;
  'comment-url': string;
}

export function outputsOf(
  results: readonly PackageResult[],
  runFailure?: FailureReason,
  commentUrl = '',
): Outputs {
  const first = results[0];
  const failureReason = runFailure ?? results.find((r) => r.failureReason)?.failureReason ?? '';
  return {
    'model-package-arn': first?.arn ?? '',
    'model-package-version': first?.version != null ? String(first.version) : '',
    status: runFailure ? 'Failed' : aggregateStatus(results),
    'failure-reason': failureReason,
    results: JSON.stringify(results),
    'comment-url': commentUrl,
  };
}
