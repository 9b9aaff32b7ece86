/** approve-on-success: a version whose validation completed becomes Approved. */
import type { Log } from '../runner/port.js';
import type { PackageResult } from '../results.js';
import { runUrl, type WorkflowRun } from '../workflow-run.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { describeError } from '../sagemaker/errors.js';

/** The approval status of a version nobody decided on yet. */
const PENDING = 'PendingManualApproval';

/**
 * Approves a completed version that is still waiting for approval; a refusal fails that
 * package with `approval-failed`. Unversioned packages, packages whose validation did not
 * complete, and a decision people made already (Approved, Rejected) are left as they are.
 */
export async function approveCompleted(
  result: PackageResult,
  { api, run, log, signal }: { api: SageMakerApi; run: WorkflowRun; log: Log; signal: AbortSignal },
): Promise<PackageResult> {
  if (!result.group || result.status !== 'Completed' || !result.arn) return result;
  if (result.approvalStatus && result.approvalStatus !== PENDING) {
    log.info(
      `${result.group} version ${result.version} is ${result.approvalStatus} already: approve-on-success leaves it so.`,
    );
    return result;
  }
  try {
    await api.updateModelPackage(
      {
        ModelPackageArn: result.arn,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: `Validation completed; approved by ${runUrl(run) ?? 'sagemaker-model-package-action'}`,
      },
      { abortSignal: signal },
    );
    log.info(`${result.group} version ${result.version}: approved.`);
    return { ...result, approvalStatus: 'Approved' };
  } catch (e) {
    const error = `could not approve ${result.arn}: ${describeError(e)}`;
    log.error(`${result.manifest}: ${error}`, { file: result.manifest, title: 'Model package' });
    return { ...result, status: 'Failed', failureReason: 'approval-failed', error };
  }
}
