/**
 * The AWS stage of a publish or verify run, as its mode's steps say (modes.ts): obtain
 * every package (create or reuse it, or find it), wait for their validation together,
 * run the steps after validation on each package, and say how the step ends. Every step
 * makes new results; the caller's are never changed. Imported only when the run talks to
 * AWS, so a dry run never loads it.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { AwsClients } from '../aws/clients.js';
import type { Settings } from '../inputs.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { AfterValidation, ModeSteps } from '../modes.js';
import { stepFailureMessage } from '../reasons.js';
import { packageLabel, type Outcome, type PackageResult } from '../results.js';
import type { WorkflowRun } from '../workflow-run.js';
import type { Log, Runner } from '../runner/port.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { diagnoseFailures, RunningJobs } from '../diagnosis/index.js';
import { credentialsError, describeError, errorKind } from '../sagemaker/errors.js';
import { plural } from '../text.js';
import type { Listing } from '../listing/attach.js';
import type { CatalogApi } from '../listing/catalog.js';
import { listPackage } from '../listing/list-package.js';
import { approveCompleted } from './approve.js';
import { manifestKeyOf } from './fingerprint.js';
import { moveToStage, requireStage } from './stage.js';
import { createOrReuse, type Package } from './create-or-reuse.js';
import { hasEnded, withDescription } from './status.js';
import { requireApprovalWarnings, requireApproved, verifyOne } from './verify.js';
import { WaitEndedError, waitForPackages, type WaitOptions } from './wait.js';

export interface FollowInput {
  /** What the mode does: how packages are obtained, whether to wait, the steps after. */
  steps: Pick<ModeSteps, 'title' | 'obtain' | 'waits' | 'after'>;
  /** The valid manifests, in the order of `results`. */
  manifests: readonly {
    file: string;
    request: ModelPackageManifest;
    validationLine?: number;
    /** The listing file's change, when the run lists packages (SPEC §9). */
    listing?: Listing;
  }[];
  /** One result per manifest, as the check left it. */
  results: readonly PackageResult[];
  settings: Pick<
    Settings,
    | 'waitTimeoutMinutes'
    | 'createGroup'
    | 'failOnValidationFailure'
    | 'compareTo'
    | 'requireStage'
    | 'stageOnSuccess'
    | 'marketplace'
    | 'marketplaceTimeoutMinutes'
  > &
    Partial<Pick<Settings, 'packageArn'>>;
  region: string;
  workflow: WorkflowRun;
  log: Log;
  /** Folds a phase's log lines; status changes are logged outside. */
  group: Runner['group'];
  signal: AbortSignal;
  /** The run's AWS clients (SageMaker; CloudWatch Logs for the diagnosis; AWS Marketplace). */
  aws: Pick<AwsClients, 'sagemaker' | 'logs' | 'marketplace'>;
  now?: WaitOptions['now'];
  sleep?: WaitOptions['sleep'];
  /** Called with the results once the packages exist, and after every status change. */
  onProgress?: (results: readonly PackageResult[]) => void | Promise<void>;
}

const CANCELLED = 'the run was cancelled; SageMaker keeps validating';

type Obtained = { result: PackageResult; package?: Package };

type Manifest = FollowInput['manifests'][number];

interface StepContext {
  api: SageMakerApi;
  input: FollowInput;
  /** The Catalog API client, made when a listing first needs it. */
  catalog: () => Promise<CatalogApi>;
  /** Reports a package's result while a step is still working on it (a listing's change set). */
  update: (result: PackageResult) => Promise<void>;
}

/** How each way of obtaining packages gets one manifest's package. */
const OBTAIN: Record<
  Exclude<ModeSteps['obtain'], 'none'>,
  (manifest: Manifest, result: PackageResult, context: StepContext) => Promise<Obtained>
> = {
  'create-or-reuse': createOne,
  find: (manifest, result, { api, input }) =>
    verifyOne(manifest, result, {
      ...planOptions(manifest, input),
      api,
      log: input.log,
      expected: input.settings.packageArn?.arn,
    }),
};

/** What planning one manifest needs (plan/plan.ts). */
function planOptions(manifest: Manifest, input: FollowInput) {
  return {
    compareTo: input.settings.compareTo,
    manifestKey: manifestKeyOf(input.workflow, manifest.file),
    signal: input.signal,
  };
}

/** Each step after validation, on one package's result. */
const AFTER: Record<
  AfterValidation,
  (result: PackageResult, context: StepContext) => Promise<PackageResult>
> = {
  list: (result, context) => {
    const { input } = context;
    const listing = input.manifests.find((m) => m.file === result.manifest)?.listing;
    if (!listing) return Promise.resolve(result);
    return listPackage(result, listing, {
      catalog: context.catalog,
      intent: input.settings.marketplace === 'validate' ? 'VALIDATE' : 'APPLY',
      timeoutMs: input.settings.marketplaceTimeoutMinutes * 60_000,
      follow: input.steps.waits,
      log: input.log,
      signal: input.signal,
      now: input.now,
      sleep: input.sleep,
      onUpdate: (next) => context.update({ ...result, listing: next }),
    });
  },
  approve: (result, { api, input }) =>
    approveCompleted(result, { api, run: input.workflow, log: input.log, signal: input.signal }),
  stage: (result, { api, input }) =>
    moveToStage(result, input.settings.stageOnSuccess!, requestOf(input, result), {
      api,
      run: input.workflow,
      log: input.log,
      signal: input.signal,
    }),
  'require-approval': (result, { api, input }) =>
    requireApproved(result, { api, log: input.log, signal: input.signal }),
  'require-stage': (result, { api, input }) =>
    requireStage(result, input.settings.requireStage!, {
      api,
      log: input.log,
      signal: input.signal,
    }),
};

function requestOf(input: FollowInput, result: PackageResult): ModelPackageManifest | undefined {
  return input.manifests.find((m) => m.file === result.manifest)?.request;
}

export async function followPackages(input: FollowInput): Promise<Outcome> {
  const { settings, steps, log, signal } = input;
  const api = await input.aws.sagemaker(input.region);
  let results = input.results;
  const progress = async (next: readonly PackageResult[]) => {
    results = next;
    await input.onProgress?.(results);
  };
  let catalog: Promise<CatalogApi> | undefined;
  const context: StepContext = {
    api,
    input,
    catalog: () => (catalog ??= input.aws.marketplace()),
    update: (next) => progress(results.map((r) => (r.manifest === next.manifest ? next : r))),
  };
  const diagnosis = { api, log, signal, logs: input.aws.logs };
  const specification = (r: PackageResult) =>
    input.manifests.find((m) => m.file === r.manifest)?.request.ValidationSpecification;
  const running = new RunningJobs(specification, diagnosis);
  // A profile's job found while it ran is described again when it fails, not looked for.
  const failures = { ...diagnosis, known: (arn: string, p: string) => running.jobOf(arn, p) };
  try {
    if (steps.after.includes('require-approval')) requireApprovalWarnings(input.manifests, log);
    if (steps.obtain === 'none') return { results };
    const obtain = OBTAIN[steps.obtain];
    const packages = await input.group(steps.title, () =>
      Promise.all(input.manifests.map((m, i) => obtain(m, results[i]!, context))),
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

    const validating = descriptions.filter((d) => !hasEnded(d.ModelPackageStatus)).length;
    if (steps.waits && validating > 0) {
      const timeoutMs = settings.waitTimeoutMinutes * 60_000;
      log.info(
        `Waiting for the validation of ${plural(validating, 'package')} (at most ${plural(settings.waitTimeoutMinutes, 'minute')}).`,
      );
      const waited = await waitForPackages(descriptions, {
        api,
        log,
        signal,
        timeoutMs,
        now: input.now,
        sleep: input.sleep,
        label: (arn) => labelOf(results.find((r) => r.arn === arn)) ?? arn,
        // The changes of one poll are reported together; a package that failed is
        // diagnosed before its report is written.
        onChanges: async (changed) =>
          progress(
            await diagnoseFailures(
              await running.annotate(results.map((r) => described(r, changed))),
              specification,
              failures,
            ),
          ),
      });
      if (waited.end === 'cancelled') return cancelled(results);
      if (waited.end === 'timed-out') {
        const error = `still validating after ${plural(settings.waitTimeoutMinutes, 'minute')}; SageMaker keeps validating (a later run with mode verify on this commit, or a scheduled mode sync, concludes it)`;
        results = unfinished(results, 'timed-out', error);
        for (const r of results.filter((r) => r.failureReason === 'timed-out')) {
          log.warning(`${labelOf(r)}: ${error}.`);
        }
      }
    }

    logFailures(results, input.manifests, log);
    for (const step of steps.after) {
      results = await Promise.all(results.map((r) => AFTER[step](r, context)));
    }
    const message = stepFailureMessage(results, settings.failOnValidationFailure);
    return { results, failure: message === undefined ? undefined : { message } };
  } catch (e) {
    if (signal.aborted) return cancelled(results);
    const denied = credentialsError(e);
    if (denied) {
      const { message } = denied;
      return { results: unfinished(results, 'timed-out', message), failure: { message } };
    }
    if (e instanceof WaitEndedError) {
      const message = `the wait ended: ${e.message}`;
      return { results: unfinished(results, 'timed-out', message), failure: { message } };
    }
    // Anything else is a defect of the action: said as one, never as a timeout.
    if (e instanceof Error && e.stack) log.debug(e.stack);
    const message = `unexpected error: ${describeError(e)}`;
    return {
      results: unfinished(results, 'internal-error', message),
      failure: { reason: 'internal-error', message },
    };
  } finally {
    api.destroy();
    if (catalog) (await catalog.catch(() => undefined))?.destroy();
  }
}

/** Creates or reuses one manifest's package; a failure is that package's result. */
async function createOne(
  manifest: Manifest,
  result: PackageResult,
  { api, input }: StepContext,
): Promise<Obtained> {
  const { log, signal } = input;
  try {
    const p = await createOrReuse(manifest.request, {
      ...planOptions(manifest, input),
      api,
      workflow: input.workflow,
      createGroup: input.settings.createGroup,
      log,
    });
    return { result: { ...result, arn: p.arn, reused: p.reused, plan: p.plan }, package: p };
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
  failureReason: 'timed-out' | 'cancelled' | 'internal-error',
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
  manifests: FollowInput['manifests'],
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
