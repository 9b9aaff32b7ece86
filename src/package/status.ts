/** A package's description from SageMaker, as the fields of its result (SPEC §3, §5). */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { FailureReason, PackageResult, PackageStatus, StatusItem } from '../results.js';

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
    createdAt: description.CreationTime?.toISOString() ?? result.createdAt,
    validatedAt:
      status === 'InProgress'
        ? null
        : ((description.LastModifiedTime ?? description.CreationTime)?.toISOString() ?? null),
  };
}
