/** approve-on-success: a version whose validation completed becomes Approved. */
import type { Log } from '../runner/port.js';
import type { PackageResult } from '../results.js';
import { runUrl, type RunContext } from '../run-context.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { describeError } from '../sagemaker/errors.js';

/** Approves every completed version; returns what could not be approved, one line each. */
export async function approveCompleted(
  results: readonly PackageResult[],
  { api, run, log, signal }: { api: SageMakerApi; run: RunContext; log: Log; signal: AbortSignal },
): Promise<string[]> {
  const failures: string[] = [];
  for (const result of results) {
    if (!result.group || result.status !== 'Completed' || !result.arn) continue;
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
    } catch (e) {
      const message = `${result.manifest}: could not approve ${result.arn}: ${describeError(e)}`;
      log.error(message, { file: result.manifest, title: 'Model package' });
      failures.push(message);
    }
  }
  return failures;
}
