/**
 * The AWS part of a run: create or reuse every package, wait for their validation
 * together, approve versions that passed when asked to, and say how the step ends.
 * Imported only when the run talks to AWS, so a dry run never loads the AWS SDK.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { Settings } from '../inputs.js';
import type { Log } from '../log.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { PackageResult } from '../results.js';
import { runUrl, type RunContext } from '../run-context.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { createSageMakerApi } from '../sagemaker/client.js';
import { CredentialsError, describeError, errorKind } from '../sagemaker/errors.js';
import { applyDescription } from './outcome.js';
import { publishPackage, type Published } from './publish.js';
import { waitForPackages, type WaitOptions } from './wait.js';

export interface PackagesInput {
  manifests: readonly { file: string; request: ModelPackageManifest; validationLine?: number }[];
  /** One result per manifest, in the same order, filled in as the run goes. */
  results: PackageResult[];
  settings: Settings;
  region: string;
  run: RunContext;
  log: Log & { error(message: string, file?: string, line?: number): void };
  signal: AbortSignal;
  /** The SageMaker operations; the real client by default. */
  api?: SageMakerApi;
  now?: WaitOptions['now'];
  sleep?: WaitOptions['sleep'];
  /** Called once the packages exist, and after every status change. */
  onProgress?: (results: readonly PackageResult[]) => void | Promise<void>;
}

export interface PackagesOutcome {
  results: PackageResult[];
  /** Set when the step fails: why, in one line. */
  failedMessage?: string;
}

export async function publishAndWait(input: PackagesInput): Promise<PackagesOutcome> {
  const { settings, log, signal } = input;
  const api = input.api ?? createSageMakerApi(input.region);
  const { results } = input;
  const byArn = new Map<string, PackageResult>();
  const problems: string[] = [];

  try {
    const published = await Promise.all(
      input.manifests.map(async (m, i) => {
        const result = results[i]!;
        try {
          const p = await publishPackage(m.request, {
            api,
            run: input.run,
            createGroup: settings.createGroup,
            log,
            signal,
          });
          result.arn = p.arn;
          result.reused = p.reused;
          byArn.set(p.arn, result);
          return p;
        } catch (e) {
          if (signal.aborted) throw e;
          result.status = 'Failed';
          result.failureReason = 'create-failed';
          result.error = e instanceof Error ? e.message : String(e);
          log.error(`${m.file}: the package was not created: ${result.error}`, m.file);
          return undefined;
        }
      }),
    );
    if (signal.aborted) return cancelled(results);

    const descriptions = await describeAll(api, published, signal);
    for (const d of descriptions) applyDescription(byArn.get(d.ModelPackageArn!)!, d);
    await input.onProgress?.(results);

    if (settings.wait && descriptions.length > 0) {
      const waited = await waitForPackages(descriptions, {
        api,
        log,
        signal,
        timeoutMs: settings.waitTimeoutMinutes * 60_000,
        now: input.now,
        sleep: input.sleep,
        label: (arn) => labelOf(byArn.get(arn)) ?? arn,
        onChange: async (d) => {
          applyDescription(byArn.get(d.ModelPackageArn!)!, d);
          await input.onProgress?.(results);
        },
      });
      if (waited.end === 'cancelled') return cancelled(results);
      if (waited.end === 'timed-out') {
        for (const r of results.filter((r) => r.status === 'InProgress')) {
          r.failureReason = 'timed-out';
          r.error = `still validating after ${settings.waitTimeoutMinutes} minutes; SageMaker keeps validating`;
          log.warning(`${labelOf(r)}: ${r.error}.`);
        }
      }
    }

    reportFailures(results, input.manifests, log);
    if (settings.approveOnSuccess) await approve(api, results, input.run, log, signal, problems);
  } catch (e) {
    if (signal.aborted) return cancelled(results);
    const message =
      e instanceof CredentialsError
        ? e.message
        : errorKind(e) === 'credentials'
          ? new CredentialsError(e).message
          : `the wait ended: ${describeError(e)}`;
    for (const r of results.filter((r) => r.status === 'InProgress')) {
      r.failureReason = 'timed-out';
      r.error = message;
    }
    return { results, failedMessage: message };
  } finally {
    api.destroy();
  }
  return { results, failedMessage: failure(results, settings, problems) };
}

/** How a package is named in the log. */
function labelOf(result: PackageResult | undefined): string | undefined {
  return result && (result.name ?? `${result.group} (${result.manifest})`);
}

async function describeAll(
  api: SageMakerApi,
  published: readonly (Published | undefined)[],
  signal: AbortSignal,
): Promise<DescribeModelPackageOutput[]> {
  const found = await Promise.all(
    published.map(async (p) => {
      if (!p) return undefined;
      if (p.existing) return p.existing;
      try {
        const d = await api.describeModelPackage(p.arn, { abortSignal: signal });
        if (!d) throw new Error(`${p.arn} was created but cannot be described`);
        return d;
      } catch (e) {
        // The poller tolerates what passes; it starts from a status not yet known.
        if (errorKind(e) !== 'transient') throw e;
        return { ModelPackageArn: p.arn } as unknown as DescribeModelPackageOutput;
      }
    }),
  );
  return found.filter((d): d is DescribeModelPackageOutput => d !== undefined);
}

/** Each failed validation profile and image scan, with SageMaker's reason, as an error. */
function reportFailures(
  results: readonly PackageResult[],
  manifests: PackagesInput['manifests'],
  log: PackagesInput['log'],
): void {
  results.forEach((result, i) => {
    if (result.status !== 'Failed' || !result.arn) return;
    const line = manifests[i]?.validationLine;
    const failed = [
      ...result.validation.map((item) => ({ kind: 'validation profile', item })),
      ...result.imageScans.map((item) => ({ kind: 'image scan', item })),
    ].filter(({ item }) => item.status === 'Failed');
    if (failed.length === 0) {
      log.error(`${result.manifest}: ${result.arn} failed validation`, result.manifest, line);
    }
    for (const { kind, item } of failed) {
      log.error(
        `${result.manifest}: ${kind} ${item.name} failed: ${item.failureReason ?? 'no reason given'}`,
        result.manifest,
        line,
      );
    }
  });
}

async function approve(
  api: SageMakerApi,
  results: PackageResult[],
  run: RunContext,
  log: PackagesInput['log'],
  signal: AbortSignal,
  problems: string[],
): Promise<void> {
  const approvable = results.filter((r) => r.group && r.status === 'Completed' && r.arn);
  for (const result of approvable) {
    try {
      await api.updateModelPackage(
        {
          ModelPackageArn: result.arn!,
          ModelApprovalStatus: 'Approved',
          ApprovalDescription: `Validation completed; approved by ${runUrl(run) ?? 'sagemaker-model-package-action'}`,
        },
        { abortSignal: signal },
      );
      log.info(`${result.group} version ${result.version}: approved.`);
    } catch (e) {
      const message = `${result.manifest}: could not approve ${result.arn}: ${describeError(e)}`;
      log.error(message, result.manifest);
      problems.push(message);
    }
  }
}

function cancelled(results: PackageResult[]): PackagesOutcome {
  for (const r of results.filter((r) => r.status === 'InProgress')) {
    r.failureReason = 'cancelled';
    r.error = 'the run was cancelled; SageMaker keeps validating';
  }
  return {
    results,
    failedMessage: 'The run was cancelled; SageMaker keeps validating the packages.',
  };
}

/** Why the step fails, or undefined when it succeeds. */
function failure(
  results: PackageResult[],
  settings: Settings,
  problems: string[],
): string | undefined {
  const count = (reason: string) => results.filter((r) => r.failureReason === reason).length;
  const reasons: string[] = [];
  if (count('create-failed')) reasons.push(`${count('create-failed')} not created`);
  if (settings.failOnValidationFailure) {
    const failed = count('validation-failed') + count('image-scan-failed');
    if (failed) reasons.push(`${failed} failed validation`);
    if (count('timed-out')) reasons.push(`${count('timed-out')} still validating at the timeout`);
  }
  if (problems.length) reasons.push(`${problems.length} not approved`);
  if (reasons.length === 0) return undefined;
  return `Model packages: ${reasons.join(', ')} (of ${results.length}).`;
}
