/**
 * A package's status from SageMaker (SPEC §3, §5): the fields of its result, whether its
 * validation ended, and the statuses of many packages in as few requests as possible.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { FailureReason, PackageResult, PackageStatus, StatusItem } from '../results.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { lifeCycleOf } from '../plan/life-cycle.js';

/** BatchDescribeModelPackage's limit of ARNs per call. */
export const BATCH_SIZE = 100;
/** Unversioned packages have no batch call: this many are described at a time. */
export const CONCURRENT_DESCRIBES = 5;

/** A versioned package's ARN: .../model-package/<group>/<version>. */
export function isVersionArn(arn: string): boolean {
  return /:model-package\/[^/]+\/\d+$/.test(arn);
}

/** Whether validation ended: Completed, Failed, or Deleting (which counts as failed). */
export function hasEnded(modelPackageStatus: string | undefined): boolean {
  return packageStatus(modelPackageStatus) !== 'InProgress';
}

export interface CurrentStatus {
  status: string | undefined;
  /** The full description, when getting the status already gave it (unversioned packages). */
  description?: DescribeModelPackageOutput;
}

/**
 * The ModelPackageStatus of each package: versions with BatchDescribeModelPackage,
 * {@link BATCH_SIZE} per call; unversioned packages described, a few at a time. A package
 * SageMaker does not know has an undefined status.
 */
export async function currentStatuses(
  api: SageMakerApi,
  arns: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, CurrentStatus>> {
  const current = new Map<string, CurrentStatus>();
  const versions = arns.filter(isVersionArn);
  for (let i = 0; i < versions.length; i += BATCH_SIZE) {
    const batch = versions.slice(i, i + BATCH_SIZE);
    const output = await api.batchDescribeModelPackage(batch, { abortSignal: signal });
    for (const arn of batch) {
      current.set(arn, { status: output.ModelPackageSummaries?.[arn]?.ModelPackageStatus });
    }
  }
  const others = arns.filter((arn) => !isVersionArn(arn));
  for (let i = 0; i < others.length; i += CONCURRENT_DESCRIBES) {
    await Promise.all(
      others.slice(i, i + CONCURRENT_DESCRIBES).map(async (arn) => {
        const description = await api.describeModelPackage(arn, { abortSignal: signal });
        current.set(arn, { status: description?.ModelPackageStatus, description });
      }),
    );
  }
  return current;
}

export function packageStatus(modelPackageStatus: string | undefined): PackageStatus {
  switch (modelPackageStatus) {
    case 'Completed':
      return 'Completed';
    case 'Failed':
    case 'Deleting':
      return 'Failed';
    default:
      return 'InProgress';
  }
}

function items(
  statuses: { Name?: string; Status?: string; FailureReason?: string }[] | undefined,
): StatusItem[] {
  return (statuses ?? []).map((s) => ({
    name: s.Name ?? '',
    status: s.Status ?? 'Unknown',
    failureReason: s.FailureReason ?? null,
  }));
}

/** Why a failed package failed: its image scan, when only the scan failed. */
function failureReasonOf(validation: StatusItem[], imageScans: StatusItem[]): FailureReason {
  const scanFailed = imageScans.some((s) => s.status === 'Failed');
  const validationFailed = validation.some((s) => s.status === 'Failed');
  return scanFailed && !validationFailed ? 'image-scan-failed' : 'validation-failed';
}

/** The result with the fields that come from SageMaker's description of its package. */
export function withDescription(
  result: PackageResult,
  description: DescribeModelPackageOutput,
): PackageResult {
  const status = packageStatus(description.ModelPackageStatus);
  const validation = items(description.ModelPackageStatusDetails?.ValidationStatuses);
  const imageScans = items(description.ModelPackageStatusDetails?.ImageScanStatuses);
  return {
    ...result,
    arn: description.ModelPackageArn ?? result.arn,
    version: description.ModelPackageVersion ?? result.version,
    status,
    validation,
    imageScans,
    failureReason: status === 'Failed' ? failureReasonOf(validation, imageScans) : null,
    approvalStatus: description.ModelApprovalStatus ?? result.approvalStatus,
    lifeCycle: lifeCycleOf(description.ModelLifeCycle) ?? result.lifeCycle,
    createdAt: description.CreationTime?.toISOString() ?? result.createdAt,
    validatedAt:
      status === 'InProgress'
        ? null
        : ((description.LastModifiedTime ?? description.CreationTime)?.toISOString() ?? null),
  };
}
