/**
 * The action as a one-way pipeline: settings → checked manifests → outcome (the plan of a
 * dry run, or what publishing produced) → links → reports → outputs. Each stage returns
 * a new value; the runner port, the run's context and the AWS and GitHub clients are
 * passed in, so the whole pipeline runs in tests as it runs on a runner.
 */
import { context } from '@actions/github';
import { onCancel } from './cancellation.js';
import { actionsCore } from './runner/actions-core.js';
import { getInputs, InputError, type Settings } from './inputs.js';
import { checkManifests } from './manifest/check.js';
import { ManifestPatternError } from './manifest/files.js';
import type { CheckedManifest } from './manifest/load.js';
import { countProblems } from './manifest/problems.js';
import type { ModelPackageManifest } from './manifest/schema.js';
import { outputsOf } from './outputs.js';
import { withProvenance } from './package/provenance.js';
import type { WaitOptions } from './package/wait.js';
import type { CheckRunClient } from './report/github-checks.js';
import type { CommentClient } from './report/github-comments.js';
import { withLinks } from './report/links.js';
import { Reporter } from './report/reporter.js';
import { emptyResult, stopped, type Outcome, type PackageResult } from './results.js';
import type { RunContext } from './run-context.js';
import type { Runner } from './runner/port.js';
import { assumeRole } from './role.js';
import type { RenewableCredentials, SageMakerApi } from './sagemaker/api.js';
import type { PreflightApi } from './preflight/checks.js';
import {
  dryRunPreflight,
  preflightFailed,
  runPreflight,
  type StageInput,
} from './preflight/stage.js';
import type { SyncClient } from './sync/github.js';

export interface Dependencies {
  runner: Runner;
  /** The run: @actions/github's context. */
  run: RunContext;
  env: NodeJS.ProcessEnv;
  /** The directory manifests are found in (GITHUB_WORKSPACE). */
  workspace: string;
  /**
   * SageMaker for a region, with role-to-assume's credentials when it is set; the AWS SDK's
   * client by default.
   */
  sagemaker?: (region: string, credentials?: RenewableCredentials) => SageMakerApi;
  /** Preflight's read-only calls for a region; the AWS SDK's S3, ECR and SageMaker by default. */
  preflight?: (region: string, credentials?: RenewableCredentials) => PreflightApi;
  /** GitHub for a token; Octokit by default. */
  github?: (token: string) => CommentClient;
  /** GitHub's check runs for a token; Octokit by default. */
  checks?: (token: string) => CheckRunClient;
  /** GitHub's reads of a `sync` run for a token; Octokit by default. */
  syncGitHub?: (token: string) => SyncClient;
  /** Aborts the run; by default SIGINT and SIGTERM do. */
  signal?: AbortSignal;
  now?: WaitOptions['now'];
  sleep?: WaitOptions['sleep'];
}

/** What the stages before reporting produced: the outcome and the manifests' requests. */
interface Produced {
  outcome: Outcome;
  requests: ReadonlyMap<string, ModelPackageManifest>;
}

/**
 * Runs the action. Called with nothing, it runs on the real runner (@actions/core, the
 * event of @actions/github), as the entry point and `@github/local-action` call it.
 */
export async function run(overrides: Partial<Dependencies> = {}): Promise<void> {
  const deps: Dependencies = {
    runner: actionsCore,
    run: context,
    env: process.env,
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    ...overrides,
  };
  const { runner } = deps;
  const read = readSettings(deps);
  const settings = 'manifests' in read ? read : undefined;
  if (settings?.githubToken) runner.setSecret(settings.githubToken);
  const reporter = new Reporter({
    run: deps.run,
    // A sync writes the check runs and comments of other runs itself; its own run has none.
    settings:
      settings?.mode === 'sync' ? { ...settings, checkRun: false, comment: 'off' } : settings,
    runner,
    github: deps.github,
    checks: deps.checks,
  });
  const { outcome, requests } = settings
    ? settings.mode === 'sync'
      ? { outcome: await sync(deps, settings), requests: new Map<string, ModelPackageManifest>() }
      : await produce(deps, settings, reporter)
    : { outcome: read as Outcome, requests: new Map<string, ModelPackageManifest>() };
  const linked: Outcome = { ...outcome, results: withLinks(outcome.results, requests, deps.run) };
  const reported = await runner.group('Reporting', () => reporter.finish(linked));
  const { outputs, notes } = outputsOf(linked, reported);
  for (const note of notes) runner.warning(note);
  try {
    for (const [name, value] of Object.entries(outputs)) runner.setOutput(name, value);
  } catch (e) {
    runner.setFailed(`Could not write the step's outputs (GITHUB_OUTPUT): ${describe(e)}`);
    return;
  }
  if (linked.failure) runner.setFailed(linked.failure.message);
}

function readSettings(deps: Dependencies): Settings | Outcome {
  try {
    return getInputs(deps.runner, deps.env);
  } catch (e) {
    if (e instanceof InputError) return stopped('invalid-input', e.message);
    throw e;
  }
}

async function produce(
  deps: Dependencies,
  settings: Settings,
  reporter: Reporter,
): Promise<Produced> {
  const none = new Map<string, ModelPackageManifest>();
  try {
    if (!settings.region && !settings.dryRun) {
      return {
        outcome: stopped(
          'invalid-input',
          "no region: set the 'region' input, or AWS_REGION (aws-actions/configure-aws-credentials sets it)",
        ),
        requests: none,
      };
    }
    if (!settings.region) {
      deps.runner.warning(
        "No region is set (input 'region', AWS_REGION or AWS_DEFAULT_REGION): the image region checks were skipped.",
      );
    }
    const checked = await deps.runner.group('Checking the manifests', () =>
      checkManifests({
        patterns: settings.manifests,
        maxManifests: settings.maxManifests,
        workspace: deps.workspace,
        region: settings.region,
        run: deps.run,
        env: deps.env,
        log: deps.runner,
      }),
    );
    const requests = new Map(
      checked.flatMap((m) => (m.request ? [[m.file, m.request] as const] : [])),
    );
    return { outcome: await afterCheck(deps, settings, checked, requests, reporter), requests };
  } catch (e) {
    if (e instanceof ManifestPatternError) {
      return { outcome: stopped('invalid-manifest', e.message), requests: none };
    }
    if (e instanceof Error && e.stack) deps.runner.debug(e.stack);
    const message = e instanceof Error ? e.message : String(e);
    return { outcome: stopped('create-failed', `unexpected error: ${message}`), requests: none };
  }
}

/** The outcome of checked manifests: refused, planned (dry run) or published. */
async function afterCheck(
  deps: Dependencies,
  settings: Settings,
  checked: readonly CheckedManifest[],
  requests: ReadonlyMap<string, ModelPackageManifest>,
  reporter: Reporter,
): Promise<Outcome> {
  const invalid = checked.filter((m) => !m.request);
  if (invalid.length > 0) {
    const errors = checked.reduce((n, m) => n + countProblems(m.problems, m.omitted).errors, 0);
    return {
      results: checked.map((m) => {
        const result = resultOf(m, settings, m.request && settings.dryRun ? 'DryRun' : 'Failed');
        return m.request && !settings.dryRun
          ? { ...result, error: 'not sent to AWS: another manifest of this run is invalid' }
          : result;
      }),
      failure: {
        message: `${invalid.length} of ${checked.length} manifests ${invalid.length === 1 ? 'is' : 'are'} invalid (${errors} ${errors === 1 ? 'error' : 'errors'}); nothing was sent to AWS`,
      },
    };
  }

  if (settings.dryRun) {
    deps.runner.info(
      `Dry run: ${checked.length} valid ${checked.length === 1 ? 'manifest' : 'manifests'}; nothing is created.`,
    );
    const pre = await dryRunPreflight(stageOf(deps, settings, checked), () =>
      roleCredentials(deps, settings),
    );
    const plan = new Map(
      checked.map((m) => [m.file, withProvenance(m.request!, deps.run)] as const),
    );
    if (pre.failure) {
      return { ...preflightFailed(pre, true, (m, s) => resultOf(m, settings, s)), plan };
    }
    return { results: pre.checked.map((m) => resultOf(m, settings, 'DryRun')), plan };
  }

  const { publishPackages } = await import('./package/publish.js');
  const assumed = await roleCredentials(deps, settings);
  if ('outcome' in assumed) return assumed.outcome;
  const { credentials } = assumed;
  const cancel = deps.signal ? undefined : onCancel(deps.runner);
  const signal = deps.signal ?? cancel!.signal;
  try {
    const pre = await runPreflight({ ...stageOf(deps, settings, checked), credentials, signal });
    if (pre.failure) return preflightFailed(pre, false, (m, s) => resultOf(m, settings, s));
    return await publishPackages({
      manifests: pre.checked.map((m) => ({
        file: m.file,
        request: m.request!,
        validationLine: m.validationLine,
      })),
      results: pre.checked.map((m) => resultOf(m, settings, 'InProgress')),
      settings,
      region: settings.region!,
      run: deps.run,
      log: deps.runner,
      group: (name, fn) => deps.runner.group(name, fn),
      signal,
      api: deps.sagemaker?.(settings.region!, credentials),
      credentials,
      now: deps.now,
      sleep: deps.sleep,
      onProgress: (results) => reporter.progress(withLinks(results, requests, deps.run)),
    });
  } finally {
    cancel?.dispose();
    if (credentials) {
      deps.runner.info(
        `role-to-assume: STS issued ${credentials.issued} ${credentials.issued === 1 ? 'set' : 'sets'} of credentials during the run.`,
      );
      credentials.destroy();
    }
  }
}

/** `mode: sync`: concludes the check runs and comments that earlier runs left in progress. */
async function sync(deps: Dependencies, settings: Settings): Promise<Outcome> {
  if (!settings.githubToken) {
    return stopped('invalid-input', "mode 'sync' needs a 'github-token' that may write check runs");
  }
  if (settings.role && !settings.region) {
    return stopped(
      'invalid-input',
      "no region for role-to-assume: set the 'region' input, or AWS_REGION",
    );
  }
  const assumed = await roleCredentials(deps, settings);
  if ('outcome' in assumed) return assumed.outcome;
  const { credentials } = assumed;
  try {
    const [
      { syncReports },
      { createSyncClient },
      { createCheckRunClient },
      { createCommentClient },
    ] = await Promise.all([
      import('./sync/sync.js'),
      import('./sync/github.js'),
      import('./report/github-checks.js'),
      import('./report/github-comments.js'),
    ]);
    const { createSageMakerApi } = deps.sagemaker
      ? { createSageMakerApi: undefined }
      : await import('./sagemaker/client.js');
    const token = settings.githubToken;
    return await deps.runner.group('Concluding the check runs of earlier runs', () =>
      syncReports({
        run: deps.run,
        log: deps.runner,
        github: (deps.syncGitHub ?? createSyncClient)(token),
        checks: (deps.checks ?? createCheckRunClient)(token),
        comments: (deps.github ?? createCommentClient)(token),
        sagemaker: (region) =>
          deps.sagemaker?.(region, credentials) ??
          createSageMakerApi!(region, { credentials, log: deps.runner }),
        credentials,
      }),
    );
  } catch (e) {
    if (e instanceof Error && e.stack) deps.runner.debug(e.stack);
    return { results: [], failure: { message: `sync: unexpected error: ${describe(e)}` } };
  } finally {
    credentials?.destroy();
  }
}

function stageOf(
  deps: Dependencies,
  settings: Settings,
  checked: readonly CheckedManifest[],
): StageInput {
  const { runner, env, signal, preflight: api, sagemaker } = deps;
  return { checked, settings, runner, env, signal, api, sagemaker };
}

function resultOf(
  manifest: CheckedManifest,
  settings: Settings,
  status: PackageResult['status'],
): PackageResult {
  return {
    ...emptyResult(manifest.file, status),
    region: settings.region ?? null,
    name: manifest.identity?.name ?? null,
    group: manifest.identity?.group ?? null,
    failureReason: manifest.request ? null : 'invalid-manifest',
    problems: manifest.problems.map(({ file: _file, ...rest }) => rest),
    problemsOmitted: manifest.omitted,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The credentials of role-to-assume, when it is set; the outcome when it cannot be assumed. */
async function roleCredentials(
  deps: Dependencies,
  settings: Settings,
): Promise<{ credentials?: RenewableCredentials } | { outcome: Outcome }> {
  if (!settings.role) return {};
  return deps.runner.group('Assuming role-to-assume', () =>
    assumeRole(settings.role!, settings.region!, deps.runner),
  );
}
