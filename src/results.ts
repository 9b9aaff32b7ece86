/** What a run produced, per manifest, and how the step ends (SPEC §3). */
import type { Problem, ProblemCounts } from './manifest/problems.js';
import type { ModelPackageManifest } from './manifest/schema.js';
import type { PackageLinks } from './report/links.js';
import type { ReportTarget } from './report/reporter.js';
import type { LifeCycle, PackagePlan } from './plan/types.js';

/** A package's status, and the run's (the `status` output). */
export type PackageStatus = 'Completed' | 'Failed' | 'InProgress' | 'DryRun';

/** Why a package, or the run, failed (the `failure-reason` output). */
export type FailureReason =
  | 'invalid-input'
  | 'invalid-manifest'
  | 'preflight-failed'
  | 'create-failed'
  | 'validation-failed'
  | 'image-scan-failed'
  | 'timed-out'
  | 'cancelled'
  | 'not-found'
  | 'not-approved'
  | 'approval-failed'
  | 'not-in-stage'
  | 'stage-failed'
  | 'listing-failed'
  | 'internal-error';

/** A validation profile or an image scan. */
export interface StatusItem {
  /** The validation profile's `ProfileName`, or the image scan's container image. */
  name: string;
  /** SageMaker's status: `NotStarted`, `InProgress`, `Completed` or `Failed`. */
  status: string;
  /** SageMaker's `FailureReason`, when it gives one. */
  failureReason: string | null;
  /**
   * A validation profile's batch transform job, found by its definition (SPEC §6 "Why it
   * failed"): set on failed profiles, and on running ones once their job is found.
   */
  diagnosis?: Diagnosis;
}

/** Why a validation profile failed: its batch transform job, found by its definition. */
export interface Diagnosis {
  /** The transform job's name, as SageMaker named it; null when the job was not found. */
  jobName: string | null;
  /** The transform job's ARN, when it was found. */
  jobArn?: string;
  /** The job's FailureReason, null while it runs, when it has none, or was not found. */
  failureReason: string | null;
  /**
   * Lines of the job's CloudWatch log: those around errors and tracebacks first, then the
   * last ones; at most 40, each at most 300 characters. Empty when none could be read.
   */
  logExcerpt: string[];
  /** Console links, each when known. */
  links: {
    /** The transform job in the SageMaker console. */
    job?: string;
    /** Its log stream in the CloudWatch console (a filter on the job's streams without `logs:DescribeLogStreams`). */
    logStream?: string;
  };
  /** What could not be found or read, and why (a missing permission is named). */
  note?: string;
}

/**
 * Where a listing stands (SPEC §9): the change set's status as the Catalog API gives it,
 * `LISTED` for a product that already has a version of this package (nothing was
 * submitted), or `NOT_STARTED` for a listing nothing was submitted for (yet).
 */
export type ListingStatus =
  'NOT_STARTED' | 'PREPARING' | 'APPLYING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'LISTED';

/** An entry of a failed change's ErrorDetailList, with what to do about it. */
export interface ListingError {
  /** The entry's ErrorCode, such as DUPLICATE_VERSION_TITLE. */
  code: string;
  /** The entry's ErrorMessage, as AWS Marketplace words it (at most 1,000 characters). */
  message: string;
  /** What to do about it, for the codes the Catalog API reference lists; null otherwise. */
  remedy: string | null;
}

/** The package's listing on AWS Marketplace (SPEC §9), for a manifest with a listing file. */
export interface ListingResult {
  /** The listing file's path relative to the workspace. */
  file: string;
  /** The product's entity ID (the listing's Entity.Identifier). */
  product: string;
  /** The product's title, once the Catalog API described it. */
  productTitle: string | null;
  /** The new version's title. */
  versionTitle: string;
  /** APPLY adds the version; VALIDATE (`marketplace: validate`) only checks the change. */
  intent: 'APPLY' | 'VALIDATE';
  status: ListingStatus;
  /** The change set started or found; null when there is none. */
  changeSetId: string | null;
  /** The change set's name: the same for the same change in every run. */
  changeSetName: string | null;
  /** When the change set started (ISO 8601), as the Catalog API says. */
  startedAt: string | null;
  /** When it ended (ISO 8601); null while it is open. */
  endedAt: string | null;
  /** CLIENT_ERROR or SERVER_FAULT, for a failed change set. */
  failureCode: string | null;
  /** The change set's FailureDescription (at most 1,000 characters). */
  failureDescription: string | null;
  /** The failed change's ErrorDetailList entries (at most 20), each with what to do about it. */
  errors: ListingError[];
  /** The change set's page in the AWS Marketplace Management Portal. */
  link: string | null;
  /** Anything else the reports should say: why nothing was submitted, a refused VALIDATE. */
  note: string | null;
}

/** A problem of a package's manifest, or of its listing file. */
export interface ResultProblem extends Omit<Problem, 'file'> {
  /**
   * The listing file's path relative to the workspace, for a problem of the listing file;
   * absent for the manifest's own.
   */
  file?: string;
}

/** What a run produced for one manifest: an item of the `results` output. */
export interface PackageResult {
  /** The manifest's path relative to the workspace. */
  manifest: string;
  /** `ModelPackageName` of an unversioned package. */
  name: string | null;
  /** `ModelPackageGroupName` of a versioned package. */
  group: string | null;
  /** The version in the group, once the package exists. */
  version: number | null;
  /** The package's ARN, once it exists. */
  arn: string | null;
  /** The AWS region of the package. */
  region: string | null;
  /** The package's status at the end of the run. */
  status: PackageStatus;
  /** Why the package failed, or why the run stopped waiting for it; null otherwise. */
  failureReason: FailureReason | null;
  /** The identical package an earlier run made was reused: nothing was created. */
  reused: boolean;
  /** The package's `ModelApprovalStatus` (versions), as SageMaker last described it. */
  approvalStatus: string | null;
  /** The package's `ModelLifeCycle`, as SageMaker last described it. */
  lifeCycle: LifeCycle | null;
  /** What the manifest changes against the live version (SPEC §6), when it was planned. */
  plan?: PackagePlan;
  /** The package's listing on AWS Marketplace, for a manifest with a listing file (SPEC §9). */
  listing?: ListingResult;
  /** verify: the package was found, not created; set only by verify runs. */
  verified?: boolean;
  /** When SageMaker created the package (ISO 8601). */
  createdAt: string | null;
  /** When its validation ended (ISO 8601), once it has. */
  validatedAt: string | null;
  /** Why the package could not be created, or what ended the wait early. */
  error: string | null;
  /** The validation profiles (`ValidationSpecification`), with SageMaker's statuses. */
  validation: StatusItem[];
  /** The image scans of the containers (Marketplace packages), with SageMaker's statuses. */
  imageScans: StatusItem[];
  /** Links to the AWS console and the workflow run. */
  links: PackageLinks;
  /**
   * Problems found in the manifest and its listing file, errors and warnings: the first
   * 100, in reading order.
   */
  problems: ResultProblem[];
  /** How many problems there are after those. */
  problemsOmitted: ProblemCounts;
}

type Named = Pick<PackageResult, 'name' | 'group' | 'manifest'>;

/** How a report titles a package: its name, else its group, else its manifest. */
export function displayName(result: Named): string {
  return result.name ?? result.group ?? result.manifest;
}

/**
 * How a package is named in the log and in its check run: its name, or its group and
 * manifest (the versions of one group come from several manifests).
 */
export function packageLabel(result: Named): string {
  if (result.name) return result.name;
  return result.group ? `${result.group} (${result.manifest})` : result.manifest;
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
    approvalStatus: null,
    lifeCycle: null,
    createdAt: null,
    validatedAt: null,
    error: null,
    validation: [],
    imageScans: [],
    links: {},
    problems: [],
    problemsOmitted: { errors: 0, warnings: 0 },
  };
}

/** Why the step fails, in one line; `reason` when the run as a whole failed. */
export interface StepFailure {
  message: string;
  /** The failure-reason output; without it, the first failed result's reason is used. */
  reason?: FailureReason;
}

/** What a run produced: the result of each manifest and, when the step fails, why. */
export interface Outcome {
  results: readonly PackageResult[];
  /** The resolved request of each manifest of a dry run, by manifest path. */
  requests?: ReadonlyMap<string, ModelPackageManifest>;
  failure?: StepFailure;
  /** A `sync` run's account, shown first in the job summary. */
  syncNote?: string;
  /** Where each result's reports go, when not this run's (a sync's: earlier runs' check runs). */
  targets?: readonly ReportTarget[];
}

/** An outcome with no package: the run stopped before any manifest was read. */
export function stopped(reason: FailureReason, message: string): Outcome {
  return { results: [], failure: { reason, message } };
}

/** The run's status: any failure wins, then anything unfinished; a dry run stays a dry run. */
export function aggregateStatus(results: readonly PackageResult[]): PackageStatus {
  if (results.length === 0 || results.some((r) => r.status === 'Failed')) return 'Failed';
  if (results.some((r) => r.status === 'InProgress')) return 'InProgress';
  if (results.every((r) => r.status === 'DryRun')) return 'DryRun';
  return 'Completed';
}
