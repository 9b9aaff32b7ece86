/**
 * `mode: sync` (SPEC §3, §4): concludes what earlier runs left open. It finds this
 * action's check runs still in progress on the heads of open pull requests and on the
 * default branch's recent commits, describes their packages (by the check run's
 * external_id, one BatchDescribeModelPackage call per 100 versions), and for each package
 * whose validation ended concludes the check run and updates the pull request's comment
 * with the report a waiting run would have written, from the state the check run carries.
 * Packages still validating are left as they are: nothing is written for them.
 *
 * The step fails only when GitHub cannot be read at all; validation results of other
 * commits gate through their check runs, and GitHub or AWS errors for one package are
 * warnings.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { packageStatus, withDescription } from '../package/status.js';
import { aggregateStatus, type Outcome, type PackageResult } from '../results.js';
import { repositoryOf, type RunContext } from '../run-context.js';
import type { Log } from '../runner/port.js';
import { readState, type CheckRunState } from '../report/check-run-state.js';
import { checkRunOf, CHECK_RUN_PREFIX } from '../report/check-runs.js';
import { PullRequestComments } from '../report/comments.js';
import type { CheckRunClient, Repository } from '../report/github-checks.js';
import type { CommentClient } from '../report/github-comments.js';
import { renderComment } from '../report/render.js';
import type { RenewableCredentials, SageMakerApi } from '../sagemaker/api.js';
import { diagnoseFailures, type DiagnosisContext } from '../diagnosis/index.js';
import type { ListedCheckRun, SyncClient } from './github.js';

/** How many of the default branch's newest commits a sync looks at. */
export const RECENT_COMMITS = 20;
/** BatchDescribeModelPackage's limit of ARNs per call. */
export const BATCH_SIZE = 100;

const PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):\d{12}:model-package\/(.+)$/;

export interface SyncOptions {
  run: RunContext;
  log: Log;
  github: SyncClient;
  checks: CheckRunClient;
  /** Comments; undefined: none are updated. */
  comments?: CommentClient;
  /** SageMaker in a region. */
  sagemaker: (region: string) => SageMakerApi;
  /** role-to-assume's credentials, for reading the logs of failed validations. */
  credentials?: RenewableCredentials;
  /** CloudWatch Logs for those logs; the AWS SDK's client by default. */
  logs?: DiagnosisContext['logs'];
}

/** A check run of this action that is still in progress, and what it carries. */
interface Open {
  run: ListedCheckRun;
  arn: string;
  region: string;
  state: CheckRunState;
}

/** The check run's package ARN and region, when it is this action's and carries its state. */
function openRun(run: ListedCheckRun): Open | undefined {
  if (!run.name.startsWith(CHECK_RUN_PREFIX) || !run.external_id) return undefined;
  const match = PACKAGE_ARN.exec(run.external_id);
  const state = readState(run.output.summary);
  if (!match || !state) return undefined;
  return { run, arn: run.external_id, region: match[1]!, state };
}

/** A version's ARN ends in /<group>/<version>; an unversioned package's in /<name>. */
const isVersion = (arn: string) => /\/[^/]+\/\d+$/.test(arn);

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string };
  const message = String(e?.message ?? error);
  return e.status ? `HTTP ${e.status}: ${message}` : message;
}

/** The commits to look at: open pull requests' heads, then the default branch's newest. */
async function commitsToLook(
  options: SyncOptions,
  repo: Repository,
): Promise<{ shas: string[]; problems: string[] }> {
  const { github, run } = options;
  const problems: string[] = [];
  const shas: string[] = [];
  try {
    shas.push(...(await github.openPullRequests(repo)).map((pr) => pr.headSha));
  } catch (e) {
    problems.push(`Could not list the open pull requests: ${describe(e)}`);
  }
  try {
    const named: unknown = (run.payload.repository as { default_branch?: unknown } | undefined)
      ?.default_branch;
    const branch = typeof named === 'string' && named ? named : await github.defaultBranch(repo);
    shas.push(...(await github.recentCommits(repo, branch, RECENT_COMMITS)));
  } catch (e) {
    problems.push(`Could not list the default branch's recent commits: ${describe(e)}`);
  }
  return { shas: [...new Set(shas.map((sha) => sha.toLowerCase()))], problems };
}

/**
 * The full descriptions of the packages whose validation ended, by ARN: versions' statuses
 * come from BatchDescribeModelPackage (100 per call), and only those that ended are
 * described in full (the report needs their validation statuses). A package that could
 * not be described is left out, so its check run stays as it is.
 */
async function finished(
  options: SyncOptions,
  open: readonly Open[],
): Promise<{ found: Map<string, DescribeModelPackageOutput>; calls: number; failed: number }> {
  const found = new Map<string, DescribeModelPackageOutput>();
  let calls = 0;
  let failed = 0;
  const byRegion = new Map<string, string[]>();
  for (const { arn, region } of open) {
    const arns = byRegion.get(region) ?? [];
    if (!arns.includes(arn)) arns.push(arn);
    byRegion.set(region, arns);
  }
  const ended = (status: string | undefined) => packageStatus(status) !== 'InProgress';
  for (const [region, arns] of byRegion) {
    const api = options.sagemaker(region);
    try {
      const toDescribe = arns.filter((arn) => !isVersion(arn));
      const versions = arns.filter(isVersion);
      for (let i = 0; i < versions.length; i += BATCH_SIZE) {
        const batch = versions.slice(i, i + BATCH_SIZE);
        calls++;
        try {
          const answer = await api.batchDescribeModelPackage(batch);
          for (const arn of batch) {
            if (ended(answer.ModelPackageSummaries?.[arn]?.ModelPackageStatus))
              toDescribe.push(arn);
          }
          for (const [arn, error] of Object.entries(
            answer.BatchDescribeModelPackageErrorMap ?? {},
          )) {
            options.log.warning(
              `Could not describe ${arn}: ${error.ErrorResponse ?? error.ErrorCode}`,
            );
          }
        } catch (e) {
          failed++;
          options.log.warning(
            `Could not describe ${batch.length} ${batch.length === 1 ? 'package' : 'packages'} in ${region}: ${describe(e)}`,
          );
        }
      }
      for (const arn of toDescribe) {
        calls++;
        try {
          const description = await api.describeModelPackage(arn);
          if (!description) options.log.warning(`The package ${arn} no longer exists.`);
          else if (ended(description.ModelPackageStatus)) found.set(arn, description);
        } catch (e) {
          failed++;
          options.log.warning(`Could not describe ${arn}: ${describe(e)}`);
        }
      }
    } finally {
      api.destroy();
    }
  }
  return { found, calls, failed };
}

export async function syncReports(options: SyncOptions): Promise<Outcome> {
  const { log } = options;
  const repo = repositoryOf(options.run);
  if (!repo) {
    return {
      results: [],
      failure: { reason: 'invalid-input', message: 'sync: the run does not name its repository' },
    };
  }
  const { shas, problems } = await commitsToLook(options, repo);
  for (const problem of problems) log.warning(problem);
  if (problems.length === 2) {
    return {
      results: [],
      failure: { message: `sync could not read GitHub: ${problems.join('; ')}` },
    };
  }

  const open: Open[] = [];
  let unreadable = 0;
  for (const sha of shas) {
    try {
      for (const run of await options.github.inProgressCheckRuns(repo, sha)) {
        const found = openRun(run);
        if (found && !open.some((o) => o.run.id === run.id)) open.push(found);
      }
    } catch (e) {
      unreadable++;
      log.warning(`Could not list the check runs of ${sha}: ${describe(e)}`);
    }
  }
  if (shas.length > 0 && unreadable === shas.length) {
    return {
      results: [],
      failure: { message: `sync could not read the check runs of any of ${shas.length} commits` },
    };
  }
  log.info(
    `Looked at ${shas.length} ${shas.length === 1 ? 'commit' : 'commits'}: ${open.length} ${open.length === 1 ? 'package' : 'packages'} still validating when last reported.`,
  );

  const { found: described, calls, failed } = await finished(options, open);
  if (calls > 0 && failed === calls) {
    return {
      results: open.map(({ state }) => ({ ...state.result, status: 'InProgress', error: null })),
      failure: {
        message: `sync could not describe any of ${open.length} ${open.length === 1 ? 'package' : 'packages'} (AWS credentials and region, and sagemaker:DescribeModelPackage?); nothing was concluded`,
      },
    };
  }
  const comments = new Map<number, PullRequestComments>();
  const results: PackageResult[] = [];
  const concluded: PackageResult[] = [];
  for (const { run, arn, state } of open) {
    const before: PackageResult = { ...state.result, status: 'InProgress', error: null };
    const description = described.get(arn);
    const result = description
      ? await diagnosed(
          withDescription(before, {
            ...description,
            ModelPackageArn: description.ModelPackageArn ?? arn,
          }),
          description,
          options,
        )
      : before;
    results.push(result);
    if (result.status === 'InProgress') continue;
    concluded.push(result);
    const fields = checkRunOf(result, true, {
      label: state.label,
      runUrl: state.runUrl,
      commit: run.head_sha,
      waits: true,
    })!;
    try {
      await options.checks.updateCheckRun(repo, run.id, fields);
      log.info(`Concluded ${run.name} on ${run.head_sha}: ${fields.conclusion}.`);
    } catch (e) {
      log.warning(`Could not conclude the check run ${run.name}: ${describe(e)}`);
      continue;
    }
    if (state.pullRequest === undefined || !options.comments) continue;
    let sink = comments.get(state.pullRequest);
    if (!sink) {
      sink = new PullRequestComments(
        options.comments,
        { ...repo, number: state.pullRequest },
        'update',
        log,
        undefined,
        state.label,
      );
      comments.set(state.pullRequest, sink);
    }
    await sink.publish(
      result.manifest,
      renderComment(result, { commit: state.commit, runUrl: state.runUrl, label: state.label }),
    );
  }
  log.info(
    `Concluded ${concluded.length}; ${results.length - concluded.length} still validating (${aggregateStatus(results)}).`,
  );
  return { results, syncNote: syncNote(concluded, results) };
}

/** The result with the diagnosis of its failed validation profiles, when any failed. */
async function diagnosed(
  result: PackageResult,
  description: DescribeModelPackageOutput,
  options: SyncOptions,
): Promise<PackageResult> {
  if (!result.region || !result.validation.some((v) => v.status === 'Failed')) return result;
  const api = options.sagemaker(result.region);
  try {
    const [one] = await diagnoseFailures([result], () => description.ValidationSpecification, {
      api,
      log: options.log,
      credentials: options.credentials,
      logs: options.logs,
    });
    return one ?? result;
  } finally {
    api.destroy();
  }
}

/** The job summary's list of what was concluded and what is still validating. */
function syncNote(concluded: readonly PackageResult[], results: readonly PackageResult[]): string {
  const name = (r: PackageResult) =>
    `\`${r.name ?? r.group ?? r.manifest}\`${r.version ? ` v${r.version}` : ''}`;
  const pending = results.filter((r) => r.status === 'InProgress');
  const lines = [
    `**Sync**: ${results.length} ${results.length === 1 ? 'check run' : 'check runs'} in progress found; ${concluded.length} concluded, ${pending.length} still validating.`,
  ];
  if (concluded.length)
    lines.push(`- Concluded: ${concluded.map((r) => `${name(r)} (${r.status})`).join(', ')}`);
  if (pending.length) lines.push(`- Still validating: ${pending.map(name).join(', ')}`);
  return lines.join('\n');
}
