/**
 * `mode: sync` (SPEC §3, §4): what earlier runs left open. It finds this action's check
 * runs still in progress on the heads of open pull requests and on the default branch's
 * recent commits, describes their packages (by the check run's external_id, one
 * BatchDescribeModelPackage call per 100 versions), and gives each package's result with
 * its report target: the check run to conclude and the pull request whose comment to
 * update, from the state the check run carries. The reporter writes them, as it writes
 * every run's reports; packages still validating are left as they are.
 *
 * The step fails only when GitHub cannot be read at all; validation results of other
 * commits gate through their check runs, and GitHub or AWS errors for one package are
 * warnings.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { AwsClients } from '../aws/clients.js';
import { diagnoseFailures } from '../diagnosis/index.js';
import { currentStatuses, hasEnded, withDescription } from '../package/status.js';
import { readState, type CheckRunState } from '../report/check-run-state.js';
import { CHECK_RUN_PREFIX } from '../report/check-runs.js';
import { githubError } from '../report/github-api.js';
import type { Repository } from '../report/github-checks.js';
import type { ReportTarget } from '../report/reporter.js';
import { aggregateStatus, displayName, type Outcome, type PackageResult } from '../results.js';
import { repositoryOf, type WorkflowRun } from '../workflow-run.js';
import type { Log } from '../runner/port.js';
import { plural } from '../text.js';
import type { ListedCheckRun, SyncClient } from './github.js';

/** How many of the default branch's newest commits a sync looks at. */
export const RECENT_COMMITS = 20;

const PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):\d{12}:model-package\/(.+)$/;

export interface SyncOptions {
  workflow: WorkflowRun;
  log: Log;
  github: SyncClient;
  /** SageMaker, and CloudWatch Logs for the diagnosis of failed validations. */
  aws: Pick<AwsClients, 'sagemaker' | 'logs'>;
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

const describe = (error: unknown) => githubError(error).message;

/** The commits to look at: open pull requests' heads, then the default branch's newest. */
async function commitsToLook(
  options: SyncOptions,
  repo: Repository,
): Promise<{ shas: string[]; problems: string[] }> {
  const { github, workflow: run } = options;
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
 * The full descriptions of the packages whose validation ended, by ARN: the statuses of
 * each region's packages in as few calls as possible, then a description of each that
 * ended (the report needs its validation statuses). A package that could not be described
 * is left out, so its check run stays as it is.
 */
async function finished(
  options: SyncOptions,
  open: readonly Open[],
): Promise<{ found: Map<string, DescribeModelPackageOutput>; calls: number; failed: number }> {
  const found = new Map<string, DescribeModelPackageOutput>();
  let calls = 0;
  let failed = 0;
  const byRegion = new Map<string, Set<string>>();
  for (const { arn, region } of open)
    byRegion.set(region, (byRegion.get(region) ?? new Set()).add(arn));
  for (const [region, arns] of byRegion) {
    const api = await options.aws.sagemaker(region);
    try {
      calls++;
      let statuses;
      try {
        statuses = await currentStatuses(api, [...arns]);
      } catch (e) {
        failed++;
        options.log.warning(
          `Could not describe ${plural(arns.size, 'package')} in ${region}: ${describe(e)}`,
        );
        continue;
      }
      for (const [arn, { status, description }] of statuses) {
        if (!hasEnded(status)) continue;
        if (description) {
          found.set(arn, description);
          continue;
        }
        calls++;
        try {
          const described = await api.describeModelPackage(arn);
          if (!described) options.log.warning(`The package ${arn} no longer exists.`);
          else if (hasEnded(described.ModelPackageStatus)) found.set(arn, described);
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

export async function collectOpenPackages(options: SyncOptions): Promise<Outcome> {
  const { log } = options;
  const repo = repositoryOf(options.workflow);
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
      failure: {
        message: `sync could not read the check runs of any of ${plural(shas.length, 'commit')}`,
      },
    };
  }
  log.info(
    `Looked at ${plural(shas.length, 'commit')}: ${plural(open.length, 'package')} still validating when last reported.`,
  );

  const { found: described, calls, failed } = await finished(options, open);
  if (calls > 0 && failed === calls) {
    return {
      results: open.map(({ state }) => ({ ...state.result, status: 'InProgress', error: null })),
      failure: {
        message: `sync could not describe any of ${plural(open.length, 'package')} (AWS credentials and region, and sagemaker:DescribeModelPackage?); nothing was concluded`,
      },
    };
  }
  const results: PackageResult[] = [];
  const targets: ReportTarget[] = [];
  for (const { run, arn, state } of open) {
    const before: PackageResult = { ...state.result, status: 'InProgress', error: null };
    const description = described.get(arn);
    results.push(
      description
        ? await diagnosed(
            withDescription(before, {
              ...description,
              ModelPackageArn: description.ModelPackageArn ?? arn,
            }),
            description,
            options,
          )
        : before,
    );
    targets.push({
      headSha: run.head_sha,
      checkRunId: run.id,
      pullRequest:
        state.pullRequest === undefined ? undefined : { ...repo, number: state.pullRequest },
      comment: 'update',
      label: state.label,
      runUrl: state.runUrl,
      commit: state.commit,
      waits: true,
      endedOnly: true,
    });
  }
  const concluded = results.filter((r) => r.status !== 'InProgress');
  log.info(
    `Concluding ${concluded.length}; ${results.length - concluded.length} still validating (${aggregateStatus(results)}).`,
  );
  return { results, targets, syncNote: syncNote(concluded, results) };
}

/** The result with the diagnosis of its failed validation profiles, when any failed. */
async function diagnosed(
  result: PackageResult,
  description: DescribeModelPackageOutput,
  options: SyncOptions,
): Promise<PackageResult> {
  if (!result.region || !result.validation.some((v) => v.status === 'Failed')) return result;
  const api = await options.aws.sagemaker(result.region);
  try {
    const [one] = await diagnoseFailures([result], () => description.ValidationSpecification, {
      api,
      log: options.log,
      logs: options.aws.logs,
    });
    return one ?? result;
  } finally {
    api.destroy();
  }
}

/** The job summary's list of what was concluded and what is still validating. */
function syncNote(concluded: readonly PackageResult[], results: readonly PackageResult[]): string {
  const name = (r: PackageResult) => `\`${displayName(r)}\`${r.version ? ` v${r.version}` : ''}`;
  const pending = results.filter((r) => r.status === 'InProgress');
  const lines = [
    `**Sync**: ${plural(results.length, 'check run')} in progress found; ${concluded.length} concluded, ${pending.length} still validating.`,
  ];
  if (concluded.length)
    lines.push(`- Concluded: ${concluded.map((r) => `${name(r)} (${r.status})`).join(', ')}`);
  if (pending.length) lines.push(`- Still validating: ${pending.map(name).join(', ')}`);
  return lines.join('\n');
}
