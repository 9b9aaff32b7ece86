/**
 * The action: read the inputs, check every manifest before AWS is touched, then either
 * report what a dry run would send or create the packages.
 */
import * as core from './runner.js';
import { getInputs, InputError, type Settings } from './inputs.js';
import { expressionContextFromEnv } from './manifest/expressions.js';
import { ManifestPatternError, resolveManifestFiles } from './manifest/files.js';
import { loadManifest, type CheckedManifest } from './manifest/load.js';
import { countErrors, formatProblem } from './manifest/problems.js';
import { withProvenance } from './provenance.js';
import { Reporter } from './report/reporter.js';
import {
  emptyResult,
  outputsOf,
  type FailureReason,
  type PackageResult,
  type PackageStatus,
} from './results.js';
import { runContextFromEnv, type RunContext } from './run-context.js';

interface Outcome {
  results: PackageResult[];
  /** The requests a dry run would send, per manifest. */
  dryRunRequests?: Map<string, unknown>;
  /** A failure of the run as a whole. */
  failure?: { reason: FailureReason; message: string };
  /** Failing results that fail the step. */
  failedMessage?: string;
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runContext = runContextFromEnv(env);
  const reporting: { reporter?: Reporter } = {};
  let outcome: Outcome;
  try {
    outcome = await execute(runContext, env, reporting);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof Error && e.stack) core.debug(e.stack);
    outcome = {
      results: [],
      failure: { reason: 'create-failed', message: `unexpected error: ${message}` },
    };
  }
  await finish(outcome, reporting.reporter ?? (await Reporter.create(runContext)));
}

async function execute(
  runContext: RunContext,
  env: NodeJS.ProcessEnv,
  reporting: { reporter?: Reporter },
): Promise<Outcome> {
  let settings: Settings;
  try {
    settings = getInputs(env);
  } catch (e) {
    if (e instanceof InputError)
      return { results: [], failure: { reason: 'invalid-input', message: e.message } };
    throw e;
  }
  if (settings.githubToken) core.setSecret(settings.githubToken);
  try {
    reporting.reporter = await Reporter.create(runContext, settings);
  } catch (e) {
    core.warning(`Pull-request comments are off: ${(e as Error).message}`);
  }

  let files;
  try {
    files = await resolveManifestFiles(settings.manifests, runContext.workspace);
  } catch (e) {
    if (e instanceof ManifestPatternError) {
      return { results: [], failure: { reason: 'invalid-manifest', message: e.message } };
    }
    throw e;
  }

  if (!settings.region) {
    if (!settings.dryRun) {
      return {
        results: [],
        failure: {
          reason: 'invalid-input',
          message:
            "no region: set the 'region' input, or AWS_REGION (aws-actions/configure-aws-credentials sets it)",
        },
      };
    }
    core.warning(
      "No region is set (input 'region', AWS_REGION or AWS_DEFAULT_REGION): the image region checks were skipped.",
    );
  }

  const context = expressionContextFromEnv(env);
  const checked = await Promise.all(
    files.map((f) => loadManifest(f.absolute, f.relative, { region: settings.region, context })),
  );
  for (const manifest of checked) report(manifest);
  reporting.reporter?.useRequests(
    new Map(checked.flatMap((m) => (m.request ? [[m.file, m.request] as const] : []))),
  );

  const invalid = checked.filter((m) => !m.request);
  if (invalid.length > 0) {
    const errors = checked.reduce((n, m) => n + countErrors(m.problems), 0);
    return {
      results: checked.map((m) => {
        const result = resultOf(m, settings, m.request && settings.dryRun ? 'DryRun' : 'Failed');
        if (m.request && !settings.dryRun) {
          result.error = 'not sent to AWS: another manifest of this run is invalid';
        }
        return result;
      }),
      failedMessage: `${invalid.length} of ${checked.length} manifests ${invalid.length === 1 ? 'is' : 'are'} invalid (${errors} ${errors === 1 ? 'error' : 'errors'}); nothing was sent to AWS`,
    };
  }

  if (settings.dryRun) {
    const dryRunRequests = new Map(
      checked.map((m) => [m.file, withProvenance(m.request!, runContext)] as const),
    );
    core.info(
      `Dry run: ${checked.length} valid ${checked.length === 1 ? 'manifest' : 'manifests'}; nothing was sent to AWS.`,
    );
    return { results: checked.map((m) => resultOf(m, settings, 'DryRun')), dryRunRequests };
  }

  const { publishAndWait } = await import('./package/run-packages.js');
  const stop = cancellation();
  try {
    return await publishAndWait({
      results: checked.map((m) => resultOf(m, settings, 'InProgress')),
      manifests: checked.map((m) => ({
        file: m.file,
        request: m.request!,
        validationLine: m.validationLine,
      })),
      settings,
      region: settings.region!,
      run: runContext,
      log: {
        info: (message) => core.info(message),
        warning: (message) => core.warning(message),
        error: (message, file, line) =>
          core.error(message, file ? { file, startLine: line, title: 'Model package' } : {}),
      },
      signal: stop.signal,
      onProgress: (results) => reporting.reporter?.progress(results),
    });
  } finally {
    stop.dispose();
  }
}

/** Aborts when the job is cancelled (SIGINT, then SIGTERM, from the runner). */
function cancellation(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (controller.signal.aborted) return;
    core.warning(
      `Received ${name}: the run is cancelled; SageMaker keeps validating the packages.`,
    );
    controller.abort();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** Logs a manifest's problems, each also an annotation on the file. */
function report(manifest: CheckedManifest): void {
  for (const problem of manifest.problems) {
    const properties = {
      title: problem.member || 'Manifest',
      file: problem.file,
      startLine: problem.line,
      startColumn: problem.column,
    };
    if (problem.severity === 'error') core.error(formatProblem(problem), properties);
    else core.warning(formatProblem(problem), properties);
  }
  const errors = countErrors(manifest.problems);
  const warnings = manifest.problems.length - errors;
  const counts = `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`;
  core.info(`${manifest.file}: ${manifest.request ? 'valid' : 'invalid'} (${counts})`);
}

function resultOf(
  manifest: CheckedManifest,
  settings: Settings,
  status: PackageStatus,
): PackageResult {
  const result = emptyResult(manifest.file, status);
  result.region = settings.region ?? null;
  result.name = manifest.request?.ModelPackageName ?? null;
  result.group = manifest.request?.ModelPackageGroupName ?? null;
  if (!manifest.request) result.failureReason = 'invalid-manifest';
  result.problems = manifest.problems.map(({ file: _file, ...rest }) => rest);
  return result;
}

async function finish(outcome: Outcome, reporter: Reporter): Promise<void> {
  const { results, failure } = outcome;
  const commentUrl = await reporter.finish(results, {
    dryRunRequests: outcome.dryRunRequests,
    runError: failure?.message,
  });
  const outputs = outputsOf(results, failure?.reason, commentUrl);
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);

  if (failure) core.setFailed(failure.message);
  else if (outcome.failedMessage) core.setFailed(outcome.failedMessage);
}
