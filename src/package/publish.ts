/**
 * Publishing, the AWS stage of a run: create or reuse every package, wait for their
 * validation together, approve versions that passed when asked to, and say how the step
 * ends. Every step makes new results; the caller's are never changed. Imported only when
 * the run talks to AWS, so a dry run never loads the AWS SDK.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { Mode, Settings } from '../inputs.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import { packageLabel, type Outcome, type PackageResult } from '../results.js';
import type { RunContext } from '../run-context.js';
import type { Log, Runner } from '../runner/port.js';
import type { RenewableCredentials, SageMakerApi } from '../sagemaker/api.js';
import { createSageMakerApi } from '../sagemaker/client.js';
import { diagnoseFailures, RunningJobs } from '../diagnosis/index.js';
import { CredentialsError, describeError, errorKind } from '../sagemaker/errors.js';
import { approveCompleted } from './approve.js';
import { createOrReuse, type Package } from './create-or-reuse.js';
import { withDescription } from './status.js';
import { requireApproved, verifyOne, verifyWarnings } from './verify.js';
import { waitForPackages, type WaitOptions } from './wait.js';

export interface PublishInput {
  /** The valid manifests, in the order of `results`. */
  manifests: readonly { file: string; request: ModelPackageManifest; validationLine?: number }[];
  /** One result per manifest, as the check left it. */
  results: readonly PackageResult[];
  settings: Pick<
    Settings,
    'wait' | 'waitTimeoutMinutes' | 'createGroup' | 'approveOnSuccess' | 'failOnValidationFailure'
  > &
    Partial<Pick<Settings, 'mode' | 'requireApproval'>>;
  region: string;
  run: RunContext;
  log: Log;
  /** Folds a phase's log lines; status changes are logged outside. */
  group: Runner['group'];
  signal: AbortSignal;
  /** The SageMaker operations; the real client by default. */
  api?: SageMakerApi;
  /** role-to-assume's credentials for the real client; the SDK's chain by default. */
  credentials?: RenewableCredentials;
  now?: WaitOptions['now'];
  sleep?: WaitOptions['sleep'];
  /** Called with the results once the packages exist, and after every status change. */
  onProgress?: (results: readonly PackageResult[]) => void | Promise<void>;
}

const CANCELLED = 'the run was cancelled; SageMaker keeps validating';

type Obtained = { result: PackageResult; package?: Package };

/**
 * How each mode gets the packages it reports on, and what it checks once validation has
 * ended; waiting, reporting and gating are the same for every mode.
 */
interface ModeSteps {
  title: string;
  /** Said once before the packages are looked for. */
  before?: (input: PublishInput) => void;
  obtain: (
    manifest: PublishInput['manifests'][number],
    result: PackageResult,
    input: PublishInput,
    api: SageMakerApi,
  ) => Promise<Obtained>;
  /** After the wait: the results and what failed, one line each. */
  after: (
    results: readonly PackageResult[],
    input: PublishInput,
    api: SageMakerApi,
  ) => Promise<{ results: readonly PackageResult[]; failures: readonly string[] }>;
}

/** The modes that work on manifests; `sync` works on check runs (src/sync/). */
type ManifestMode = Exclude<Mode, 'sync'>;

const MODE_STEPS: Record<ManifestMode, ModeSteps> = {
  publish: {
    title: 'Creating the model packages',
    obtain: publishOne,
    after: async (results, input, api) => ({
      results,
      failures: input.settings.approveOnSuccess
        ? await approveCompleted(results, {
            api,
            run: input.run,
            log: input.log,
            signal: input.signal,
          })
        : [],
    }),
  },
  verify: {
    title: 'Finding the model packages',
    before: (input) =>
      verifyWarnings(
        input.manifests,
        {
          approveOnSuccess: input.settings.approveOnSuccess,
          requireApproval: input.settings.requireApproval ?? false,
        },
        input.log,
      ),
    obtain: (manifest, result, input, api) =>
      verifyOne(manifest, result, { api, log: input.log, signal: input.signal }),
    after: async (results, input, api) => ({
      results: input.settings.requireApproval
        ? await requireApproved(results, { api, log: input.log, signal: input.signal })
        : results,
      failures: [],
    }),
  },
};

export async function publishPackages(input: PublishInput): Promise<Outcome> {
  const { settings, log, signal } = input;
  const api =
    input.api ?? createSageMakerApi(input.region, { credentials: input.credentials, log });
  let results = input.results;
  const progress = async (next: readonly PackageResult[]) => {
    results = next;
    await input.onProgress?.(results);
  };
  const steps = MODE_STEPS[settings.mode === 'verify' ? 'verify' : 'publish'];
  const diagnosis = { api, log, signal, credentials: input.credentials };
  const specification = (r: PackageResult) =>
    input.manifests.find((m) => m.file === r.manifest)?.request.ValidationSpecification;
  const running = new RunningJobs(specification, diagnosis);
  // A profile's job found while it ran is described again when it fails, not looked for.
  const failures = { ...diagnosis, known: (arn: string, p: string) => running.jobOf(arn, p) };
  try {
    steps.before?.(input);
    const packages = await input.group(steps.title, () =>
      Promise.all(input.manifests.map((m, i) => steps.obtain(m, results[i]!, input, api))),
    );
    results = packages.map((p) => p.result);
    if (signal.aborted) return cancelled(results);

    const descriptions = await describeAll(api, packages, signal);
    // Packages that failed already (reused, or found by verify) are diagnosed before the first report.
    await progress(
      await diagnoseFailures(
        results.map((r) => described(r, descriptions)),
        specification,
        diagnosis,
      ),
    );

    if (settings.wait && descriptions.length > 0) {
      const timeoutMs = settings.waitTimeoutMinutes * 60_000;
      log.info(
        `Waiting for the validation of ${descriptions.length} ${descriptions.length === 1 ? 'package' : 'packages'} (at most ${settings.waitTimeoutMinutes} minutes).`,
      );
      const waited = await waitForPackages(descriptions, {
        api,
        log,
        signal,
        timeoutMs,
        now: input.now,
        sleep: input.sleep,
        label: (arn) => labelOf(results.find((r) => r.arn === arn)) ?? arn,
        // A package that failed is diagnosed before its report is written.
        onChange: async (d) =>
          progress(
            await diagnoseFailures(
              await running.annotate(results.map((r) => described(r, [d]))),
              specification,
              failures,
            ),
          ),
      });
      if (waited.end === 'cancelled') return cancelled(results);
      if (waited.end === 'timed-out') {
        const error = `still validating after ${settings.waitTimeoutMinutes} minutes; SageMaker keeps validating (a later run with mode verify on this commit, or a scheduled mode sync, concludes it)`;
        results = unfinished(results, 'timed-out', error);
        for (const r of results.filter((r) => r.failureReason === 'timed-out')) {
          log.warning(`${labelOf(r)}: ${error}.`);
        }
      }
    }

    logFailures(results, input.manifests, log);
    const after = await steps.after(results, input, api);
    results = after.results;
    return { results, failure: stepFailure(results, settings, after.failures) };
  } catch (e) {
    if (signal.aborted) return cancelled(results);
    const message =
      e instanceof CredentialsError
        ? e.message
        : errorKind(e) === 'credentials'
          ? new CredentialsError(e).message
          : `the wait ended: ${describeError(e)}`;
    return { results: unfinished(results, 'timed-out', message), failure: { message } };
  } finally {
    api.destroy();
  }
}

/** Creates or reuses one manifest's package; a failure is that package's result. */
async function publishOne(
  manifest: PublishInput['manifests'][number],
  result: PackageResult,
  input: PublishInput,
  api: SageMakerApi,
): Promise<Obtained> {
  const { log, signal } = input;
  try {
    const p = await createOrReuse(manifest.request, {
      api,
      run: input.run,
      createGroup: input.settings.createGroup,
      log,
      signal,
    });
    return { result: { ...result, arn: p.arn, reused: p.reused }, package: p };
  } catch (e) {
    if (signal.aborted) throw e;
    const error = e instanceof Error ? e.message : String(e);
    log.error(`${manifest.file}: the package was not created: ${error}`, {
      file: manifest.file,
      title: 'Model package',
    });
    return { result: { ...result, status: 'Failed', failureReason: 'create-failed', error } };
  }
}

/** The result with its package's description, when one of `descriptions` is of it. */
function described(
  result: PackageResult,
  descriptions: readonly DescribeModelPackageOutput[],
): PackageResult {
  const d = result.arn && descriptions.find((x) => x.ModelPackageArn === result.arn);
  return d ? withDescription(result, d) : result;
}

/** Results still in progress, marked with why the run stopped waiting for them. */
function unfinished(
  results: readonly PackageResult[],
  failureReason: 'timed-out' | 'cancelled',
  error: string,
): PackageResult[] {
  return results.map((r) => (r.status === 'InProgress' ? { ...r, failureReason, error } : r));
}

/** How a package is named in the log. */
function labelOf(result: PackageResult | undefined): string | undefined {
  return result && packageLabel(result);
}

async function describeAll(
  api: SageMakerApi,
  packages: readonly { package?: Package }[],
  signal: AbortSignal,
): Promise<DescribeModelPackageOutput[]> {
  const found = await Promise.all(
    packages.map(async ({ package: p }) => {
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
function logFailures(
  results: readonly PackageResult[],
  manifests: PublishInput['manifests'],
  log: Log,
): void {
  results.forEach((result, i) => {
    if (result.status !== 'Failed' || !result.arn) return;
    const at = {
      file: result.manifest,
      startLine: manifests[i]?.validationLine,
      title: 'Model package',
    };
    const failed = [
      ...result.validation.map((item) => ({ kind: 'validation profile', item })),
      ...result.imageScans.map((item) => ({ kind: 'image scan', item })),
    ].filter(({ item }) => item.status === 'Failed');
    if (failed.length === 0) log.error(`${result.manifest}: ${result.arn} failed validation`, at);
    for (const { kind, item } of failed) {
      log.error(
        `${result.manifest}: ${kind} ${item.name} failed: ${item.failureReason ?? 'no reason given'}`,
        at,
      );
    }
  });
}

function cancelled(results: readonly PackageResult[]): Outcome {
  return {
    results: unfinished(results, 'cancelled', CANCELLED),
    failure: {
      reason: 'cancelled',
      message: 'The run was cancelled; SageMaker keeps validating the packages.',
    },
  };
}

/** Why the step fails, or undefined when it succeeds. */
function stepFailure(
  results: readonly PackageResult[],
  settings: PublishInput['settings'],
  notApproved: readonly string[],
): Outcome['failure'] {
  const count = (reason: string) => results.filter((r) => r.failureReason === reason).length;
  const reasons: string[] = [];
  if (count('create-failed')) reasons.push(`${count('create-failed')} not created`);
  if (count('not-found')) reasons.push(`${count('not-found')} without a package of its manifest`);
  if (settings.failOnValidationFailure) {
    const failed = count('validation-failed') + count('image-scan-failed');
    if (failed) reasons.push(`${failed} failed validation`);
    if (count('timed-out')) reasons.push(`${count('timed-out')} still validating at the timeout`);
  }
  if (notApproved.length) reasons.push(`${notApproved.length} not approved`);
  if (count('not-approved'))
    reasons.push(`${count('not-approved')} not approved (require-approval)`);
  if (reasons.length === 0) return undefined;
  return { message: `Model packages: ${reasons.join(', ')} (of ${results.length}).` };
}
