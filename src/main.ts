/**
 * The action as a one-way pipeline: settings → what the mode does (modes.ts) → checked
 * manifests, or a sync's open check runs → outcome → links → reports → outputs. Each
 * stage returns a new value; the runner port, the run's context and the AWS and GitHub
 * clients are passed in, so the whole pipeline runs in tests as it runs on a runner.
 */
import { context } from '@actions/github';
import { awsClients, type AwsClients, type AwsServices } from './aws/clients.js';
import { readOnlyAccess } from './aws/read-only.js';
import { onCancel } from './cancellation.js';
import { getInputs, InputError, type Settings } from './inputs.js';
import { checkManifests } from './manifest/check.js';
import { manifestsOfPackage } from './manifest/select.js';
import { ManifestPatternError } from './manifest/files.js';
import type { CheckedManifest } from './manifest/load.js';
import { countErrors, countProblems } from './manifest/problems.js';
import type { ModelPackageManifest } from './manifest/schema.js';
import { modeOf, type ModeSteps } from './modes.js';
import { outputsOf } from './outputs.js';
import { withProvenance } from './package/provenance.js';
import type { WaitOptions } from './package/wait.js';
import { runPreflight, type Preflighted } from './preflight/stage.js';
import type { CheckRunClient } from './report/github-checks.js';
import type { CommentClient } from './report/github-comments.js';
import { withLinks } from './report/links.js';
import { Reporter } from './report/reporter.js';
import { emptyResult, stopped, type Outcome, type PackageResult } from './results.js';
import type { WorkflowRun } from './workflow-run.js';
import { initialListing } from './listing/result.js';
import { assumeRole } from './role.js';
import { actionsCore } from './runner/actions-core.js';
import type { Runner } from './runner/port.js';
import { describeError } from './sagemaker/errors.js';
import type { SyncClient } from './sync/github.js';
import { plural } from './text.js';

export interface Dependencies {
  runner: Runner;
  /** The run: @actions/github's context. */
  workflow: WorkflowRun;
  env: NodeJS.ProcessEnv;
  /** The directory manifests are found in (GITHUB_WORKSPACE). */
  workspace: string;
  /** AWS services in place of the SDK's clients (src/aws/clients.ts). */
  aws?: Partial<AwsServices>;
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

const NONE = new Map<string, ModelPackageManifest>();

/**
 * Runs the action. Called with nothing, it runs on the real runner (@actions/core, the
 * event of @actions/github), as the entry point and `@github/local-action` call it.
 */
export async function run(overrides: Partial<Dependencies> = {}): Promise<void> {
  const deps: Dependencies = {
    runner: actionsCore,
    workflow: context,
    env: process.env,
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    ...overrides,
  };
  const { runner } = deps;
  const token = runner.getInput('github-token');
  if (token) runner.setSecret(token);
  const read = readSettings(deps);
  const settings = 'manifests' in read ? read : undefined;
  const mode = settings && modeOf(settings, deps.workflow.eventName);
  const reporter = new Reporter({
    workflow: deps.workflow,
    settings,
    own: mode?.ownReports,
    runner,
    github: deps.github,
    checks: deps.checks,
  });
  let produced: Produced;
  try {
    produced =
      settings && mode
        ? await produce(deps, settings, mode, reporter)
        : { outcome: read as Outcome, requests: NONE };
  } catch (e) {
    produced = { outcome: internalError(runner, e), requests: NONE };
  }
  const { outcome, requests } = produced;
  const linked: Outcome = {
    ...outcome,
    results: withLinks(outcome.results, requests, deps.workflow),
  };
  const reported = await runner.group('Reporting', () => reporter.finish(linked));
  const { outputs, notes } = outputsOf(linked, reported);
  for (const note of notes) runner.warning(note);
  try {
    for (const [name, value] of Object.entries(outputs)) runner.setOutput(name, value);
  } catch (e) {
    runner.setFailed(`Could not write the step's outputs (GITHUB_OUTPUT): ${describeError(e)}`);
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

/** A defect of the action: said as one, with its stack in the debug log. */
function internalError(runner: Runner, error: unknown): Outcome {
  if (error instanceof Error && error.stack) runner.debug(error.stack);
  return stopped('internal-error', `unexpected error: ${describeError(error)}`);
}

async function produce(
  deps: Dependencies,
  settings: Settings,
  mode: ModeSteps,
  reporter: Reporter,
): Promise<Produced> {
  for (const note of mode.notes) deps.runner.warning(note);
  const aws = awsClients(deps.runner, deps.aws);
  if (mode.source !== 'manifests') {
    return { outcome: await sync(deps, settings, mode, aws), requests: NONE };
  }
  if (!settings.region) {
    deps.runner.warning(
      "No region is set (input 'region', AWS_REGION or AWS_DEFAULT_REGION): the image region checks were skipped.",
    );
  }
  let checked: CheckedManifest[];
  try {
    checked = await deps.runner.group('Checking the manifests', () =>
      checkManifests({
        patterns: settings.manifests,
        maxManifests: settings.maxManifests,
        workspace: deps.workspace,
        region: settings.region,
        workflow: deps.workflow,
        env: deps.env,
        log: deps.runner,
        listings: settings.marketplace !== 'off',
      }),
    );
  } catch (e) {
    if (e instanceof ManifestPatternError) {
      return { outcome: stopped('invalid-manifest', e.message), requests: NONE };
    }
    throw e;
  }
  if (settings.packageArn) {
    const chosen = manifestsOfPackage(checked, settings.packageArn);
    if ('none' in chosen) return { outcome: stopped('not-found', chosen.none), requests: NONE };
    if (chosen.selected.length < checked.length) {
      deps.runner.info(
        `model-package-arn: ${plural(chosen.selected.length, 'manifest')} of ${checked.length} ${chosen.selected.length === 1 ? 'is' : 'are'} for ${settings.packageArn.arn}; the others are left out.`,
      );
    }
    checked = chosen.selected;
  }
  const requests = new Map(
    checked.flatMap((m) => (m.request ? [[m.file, m.request] as const] : [])),
  );
  const outcome =
    refused(checked, settings) ??
    (mode.name === 'dry-run'
      ? await dryRun(deps, settings, mode, aws, checked)
      : await onAws(deps, settings, mode, aws, checked, reporter, requests));
  return { outcome, requests };
}

/** The outcome of a run with an invalid manifest: nothing is sent to AWS. */
function refused(checked: readonly CheckedManifest[], settings: Settings): Outcome | undefined {
  const invalid = checked.filter((m) => !m.request);
  if (invalid.length === 0) return undefined;
  const errors = checked.reduce((n, m) => n + countProblems(m.problems, m.omitted).errors, 0);
  return notSent(
    checked,
    settings,
    (m) => (m.request ? undefined : {}),
    'another manifest of this run is invalid',
    `${invalid.length} of ${checked.length} manifests ${invalid.length === 1 ? 'is' : 'are'} invalid (${plural(errors, 'error')}); nothing was sent to AWS`,
  );
}

/** The outcome of a run that preflight stopped, before anything was created. */
function preflightFailed(pre: Preflighted, settings: Settings): Outcome {
  return notSent(
    pre.checked,
    settings,
    (m) => {
      const errors = countErrors(m.problems);
      if (errors === 0) return undefined;
      const inListing = countErrors(m.problems.filter((p) => p.file === m.listingFile));
      const where =
        inListing === 0
          ? "in the manifest's references"
          : inListing === errors
            ? `in the listing file ${m.listingFile}`
            : "in the manifest's references and its listing file";
      const error = `preflight found ${plural(errors, 'error')} ${where}; nothing was created`;
      return { failureReason: 'preflight-failed', error };
    },
    'preflight of another manifest of this run failed',
    pre.failure,
  );
}

/**
 * The outcome of a run stopped before AWS: the manifests `failed` tells about fail with
 * what it says; the others are not sent (a dry run's stay planned).
 */
function notSent(
  checked: readonly CheckedManifest[],
  settings: Settings,
  failed: (manifest: CheckedManifest) => Partial<PackageResult> | undefined,
  why: string,
  failure: Outcome['failure'] | string,
): Outcome {
  return {
    results: checked.map((m) => {
      const found = failed(m);
      if (found) return { ...resultOf(m, settings, 'Failed'), ...found };
      if (settings.dryRun) return resultOf(m, settings, 'DryRun');
      return { ...resultOf(m, settings, 'Failed'), error: `not sent to AWS: ${why}` };
    }),
    failure: typeof failure === 'string' ? { message: failure } : failure,
  };
}

/**
 * A dry run: the requests that would be sent, after preflight, and each planned against
 * the live version, when there are credentials for their read-only calls.
 */
async function dryRun(
  deps: Dependencies,
  settings: Settings,
  mode: ModeSteps,
  aws: AwsClients,
  checked: readonly CheckedManifest[],
): Promise<Outcome> {
  deps.runner.info(`Dry run: ${plural(checked.length, 'valid manifest')}; nothing is created.`);
  // role-to-assume is assumed once, for preflight and the plan alike.
  let assuming: ReturnType<typeof assume> | undefined;
  const assumeOnce = () => (assuming ??= assume(deps, settings, aws));
  try {
    const pre = await runPreflight({ ...deps, checked, mode, settings, aws, assume: assumeOnce });
    const requests = new Map(
      checked.map((m) => [m.file, withProvenance(m.request!, deps.workflow)] as const),
    );
    if (pre.failure) return { ...preflightFailed(pre, settings), requests };
    const results = pre.checked.map((m) => resultOf(m, settings, 'DryRun'));
    if (mode.plan !== 'with-credentials') return { results, requests };
    const access = await readOnlyAccess({ ...deps, settings, assume: assumeOnce });
    if ('why' in access) {
      deps.runner.info(`No plan against the live version: ${access.why}.`);
      return { results, requests };
    }
    const { planReadOnly } = await import('./plan/read-only.js');
    const planned = await planReadOnly({
      ...deps,
      access,
      checked: pre.checked,
      results,
      compareTo: settings.compareTo,
    });
    return { results: planned, requests };
  } finally {
    const assumed = await assuming;
    if (assumed && 'aws' in assumed) released(deps, assumed.aws);
  }
}

/** Publish and verify: preflight, then the packages obtained and followed (package/follow.ts). */
async function onAws(
  deps: Dependencies,
  settings: Settings,
  mode: ModeSteps,
  unassumed: AwsClients,
  checked: readonly CheckedManifest[],
  reporter: Reporter,
  requests: ReadonlyMap<string, ModelPackageManifest>,
): Promise<Outcome> {
  const assumed = await assume(deps, settings, unassumed);
  if ('outcome' in assumed) return assumed.outcome;
  const { aws } = assumed;
  const cancel = deps.signal ? undefined : onCancel(deps.runner);
  const signal = deps.signal ?? cancel!.signal;
  try {
    const pre = await runPreflight({
      ...deps,
      checked,
      mode,
      settings,
      aws,
      signal,
      assume: async () => assumed,
    });
    if (pre.failure) return preflightFailed(pre, settings);
    const { followPackages } = await import('./package/follow.js');
    return await followPackages({
      steps: mode,
      manifests: pre.checked.map((m) => ({
        file: m.file,
        request: m.request!,
        validationLine: m.validationLine,
        listing: m.listing,
      })),
      results: pre.checked.map((m) => resultOf(m, settings, 'InProgress')),
      settings,
      region: settings.region!,
      workflow: deps.workflow,
      log: deps.runner,
      group: (name, fn) => deps.runner.group(name, fn),
      signal,
      aws,
      now: deps.now,
      sleep: deps.sleep,
      onProgress: (results) => reporter.progress(withLinks(results, requests, deps.workflow)),
    });
  } finally {
    cancel?.dispose();
    released(deps, aws);
  }
}

/**
 * `mode: sync`: the packages earlier runs left validating (or, dispatched, the one package
 * its event names), with their reports' targets.
 */
async function sync(
  deps: Dependencies,
  settings: Settings,
  mode: ModeSteps,
  unassumed: AwsClients,
): Promise<Outcome> {
  const assumed = await assume(deps, settings, unassumed);
  if ('outcome' in assumed) return assumed.outcome;
  const { aws } = assumed;
  try {
    const [{ collectOpenPackages }, { collectDispatchedPackage }, { createSyncClient }] =
      await Promise.all([
        import('./sync/sync.js'),
        import('./sync/dispatch.js'),
        import('./sync/github.js'),
      ]);
    const github = (deps.syncGitHub ?? createSyncClient)(settings.githubToken);
    const collect = mode.source === 'dispatch' ? collectDispatchedPackage : collectOpenPackages;
    return await deps.runner.group(mode.title, () =>
      collect({ workflow: deps.workflow, log: deps.runner, github, aws }),
    );
  } finally {
    released(deps, aws);
  }
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
    // A problem names its file when it is not the manifest (the listing file).
    problems: manifest.problems.map(({ file, ...rest }) =>
      file === manifest.file ? rest : { ...rest, file },
    ),
    problemsOmitted: manifest.omitted,
    ...(manifest.listing
      ? {
          listing: initialListing(
            manifest.listing,
            settings.marketplace === 'validate' ? 'VALIDATE' : 'APPLY',
            listingNote(settings),
          ),
        }
      : {}),
  };
}

/** What a listing's report says before its step, when the run submits nothing. */
function listingNote(settings: Settings): string | null {
  if (settings.dryRun) return 'Dry run: nothing is submitted to AWS Marketplace.';
  if (settings.marketplace === 'check') {
    return "Checked only ('marketplace: check'): nothing is submitted to AWS Marketplace.";
  }
  return null;
}

/** The clients with role-to-assume's credentials, when it is set; the outcome when it cannot be assumed. */
async function assume(
  deps: Dependencies,
  settings: Settings,
  aws: AwsClients,
): Promise<{ aws: AwsClients } | { outcome: Outcome }> {
  if (!settings.role) return { aws };
  const assumed = await deps.runner.group('Assuming role-to-assume', () =>
    assumeRole(settings.role!, settings.region!, deps.runner, aws),
  );
  return 'outcome' in assumed ? assumed : { aws: aws.withCredentials(assumed.credentials) };
}

/** Frees role-to-assume's STS client, saying how often it gave credentials. */
function released(deps: Dependencies, aws: AwsClients): void {
  const { credentials } = aws;
  if (!credentials) return;
  deps.runner.info(
    `role-to-assume: STS issued ${plural(credentials.issued, 'set')} of credentials during the run.`,
  );
  credentials.destroy();
}
