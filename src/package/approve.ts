/** approve-on-success: a version whose validation completed becomes Approved. */
import type { Log } from '../runner/port.js';
import type { PackageResult } from '../results.js';
import { runUrl, type WorkflowRun } from '../workflow-run.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { describeError } from '../sagemaker/errors.js';

/**
 * Approves a completed version; a refusal fails that package with `approval-failed`.
 * Unversioned packages and packages whose validation did not complete are left as they are.
 */
export async function approveCompleted(
  result: PackageResult,
  { api, run, log, signal }: { api: SageMakerApi; run: WorkflowRun; log: Log; signal: AbortSignal },
): Promise<PackageResult> {
  if (!result.group || result.status !== 'Completed' || !result.arn) return result;
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
    return result;
  } catch (e) {
    const error = `could not approve ${result.arn}: ${describeError(e)}`;
    log.error(`${result.manifest}: ${error}`, { file: result.manifest, title: 'Model package' });
    return { ...result, status: 'Failed', failureReason: 'approval-failed', error };
  }
}
