/**
 * `mode: sync` (SPEC §3, §4): what earlier runs left open. It finds this action's check
 * runs still in progress on the heads of open pull requests and on the default branch's
 * recent commits, describes their packages (by the check run's external_id, one
 * BatchDescribeModelPackage call per 100 versions), and gives each package's result with
 * its report target: the check run to conclude and the pull request whose comment to
 * update, from the state the check run carries. The reporter writes them, as it writes
 * every run's reports; packages still validating are left as they are.
 *
 * Listings on AWS Marketplace (SPEC §9) are concluded the same way: a check run
 * `Marketplace listing: …` left in progress names its change set in its external_id; the
 * change set is described once (DescribeChangeSet), and an ended one concludes that check
 * run, and only that one, and updates the comment. A change set still open, or one that
 * cannot be described, is left as it is.
 *
 * The step fails only when GitHub cannot be read at all; validation results of other
 * commits gate through their check runs, and GitHub or AWS errors for one package are
 * warnings.
 */
import type { DescribeChangeSetResponse } from '@aws-sdk/client-marketplace-catalog';
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { AwsClients } from '../aws/clients.js';
import { diagnoseFailures } from '../diagnosis/index.js';
import { cutTo } from '../limits.js';
import { changeSetLink, type CatalogApi } from '../listing/catalog.js';
import { errorsOf } from '../listing/list-package.js';
import { PACKAGE_ARN } from '../package/arn.js';
import { currentStatuses, hasEnded, withDescription } from '../package/status.js';
import { readState, type CheckRunState } from '../report/check-run-state.js';
import { CHECK_RUN_PREFIX, LISTING_CHECK_RUN_PREFIX } from '../report/check-runs.js';
import { githubError } from '../report/github-api.js';
import type { Repository } from '../report/github-checks.js';
import { code } from '../report/markdown.js';
import { CHANGE_SET_ID, listingOpen } from '../report/render-listing.js';
import type { ReportTarget } from '../report/reporter.js';
import {
  aggregateStatus,
  displayName,
  type ListingResult,
  type ListingStatus,
  type Outcome,
  type PackageResult,
} from '../results.js';
import { repositoryOf, type WorkflowRun } from '../workflow-run.js';
import type { Log } from '../runner/port.js';
import { describeError } from '../sagemaker/errors.js';
import { plural } from '../text.js';
import type { ListedCheckRun, SyncClient } from './github.js';

/** How many of the default branch's newest commits a sync looks at. */
export const RECENT_COMMITS = 20;

export interface SyncOptions {
  workflow: WorkflowRun;
  log: Log;
  github: SyncClient;
  /**
   * SageMaker, CloudWatch Logs for the diagnosis of failed validations, and AWS
   * Marketplace for the listings' change sets (made only when a listing is open).
   */
  aws: Pick<AwsClients, 'sagemaker' | 'logs' | 'marketplace'>;
}

/** A check run of this action that is still in progress, and what it carries. */
export interface Open {
  run: ListedCheckRun;
  arn: string;
  region: string;
  state: CheckRunState;
}

/** The check run's package ARN and region, when it is this action's and carries its state. */
export function openRun(run: ListedCheckRun): Open | undefined {
  if (!run.name.startsWith(CHECK_RUN_PREFIX) || !run.external_id) return undefined;
  const match = PACKAGE_ARN.exec(run.external_id);
  const state = readState(run.output.summary);
  if (!match || !state) return undefined;
  return { run, arn: run.external_id, region: match[1]!, state };
}

/** A listing's check run left in progress: its change set, and the state it carries. */
interface OpenListing {
  run: ListedCheckRun;
  changeSetId: string;
  state: CheckRunState & { result: PackageResult & { listing: ListingResult } };
}

/**
 * The listing's check run and its change set, when it is this action's and carries a
 * listing's state: its name starts with the listing prefix, its external_id is a change
 * set ID, and its state says `listing` and holds the listing.
 */
function openListing(run: ListedCheckRun): OpenListing | undefined {
  if (!run.name.startsWith(LISTING_CHECK_RUN_PREFIX) || !run.external_id) return undefined;
  if (!CHANGE_SET_ID.test(run.external_id)) return undefined;
  const state = readState(run.output.summary);
  const listing: unknown = state?.result.listing;
  if (!state?.listing || typeof listing !== 'object' || listing === null) return undefined;
  const { product, errors } = listing as Partial<ListingResult>;
  if (typeof product !== 'string' || !Array.isArray(errors)) return undefined;
  return { run, changeSetId: run.external_id, state: state as OpenListing['state'] };
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
  const listings: OpenListing[] = [];
  let unreadable = 0;
  for (const sha of shas) {
    try {
      for (const run of await options.github.inProgressCheckRuns(repo, sha)) {
        const found = openRun(run);
        if (found && !open.some((o) => o.run.id === run.id)) open.push(found);
        const listing = found ? undefined : openListing(run);
        if (listing && !listings.some((o) => o.run.id === run.id)) listings.push(listing);
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
  const listed = listings.length
    ? ` and ${plural(listings.length, 'AWS Marketplace listing')} still in progress`
    : '';
  log.info(
    `Looked at ${plural(shas.length, 'commit')}: ${plural(open.length, 'package')} still validating${listed} when last reported.`,
  );

  const { found: described, calls, failed } = await finished(options, open);
  const changeSets = await describeChangeSets(options, listings);
  const awsCalls = calls + changeSets.calls;
  if (awsCalls > 0 && failed + changeSets.failed === awsCalls) {
    const ids = new Set(listings.map((l) => l.changeSetId));
    const what = [
      ...(open.length ? [plural(open.length, 'package')] : []),
      ...(ids.size ? [plural(ids.size, 'change set')] : []),
    ].join(' and ');
    const permissions = [
      ...(open.length ? ['sagemaker:DescribeModelPackage'] : []),
      ...(listings.length ? ['aws-marketplace:DescribeChangeSet'] : []),
    ].join(' and ');
    return {
      results: [
        ...open.map(({ state }) => ({
          ...state.result,
          status: 'InProgress' as const,
          error: null,
        })),
        ...listings.map(({ state }) => state.result),
      ],
      failure: {
        message: `sync could not describe any of ${what} (AWS credentials and region, and ${permissions}?); nothing was concluded`,
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
    targets.push({ ...targetOf(run, state, repo), checkRunId: run.id });
  }
  const validations = results.length;
  for (const { run, changeSetId, state } of listings) {
    const answer = changeSets.found.get(changeSetId);
    results.push(answer ? withChangeSet(state.result, changeSetId, answer) : state.result);
    targets.push({ ...targetOf(run, state, repo), listingCheckRunId: run.id, listingOnly: true });
  }
  const looked = results.map((result, i) => ({ result, listing: i >= validations }));
  const counts = countLooked(looked);
  const stillListing = listings.length
    ? `, ${plural(counts.listing.length, 'AWS Marketplace listing')} still in progress`
    : '';
  log.info(
    `Concluding ${counts.concluded.length}; ${counts.validating.length} still validating${stillListing} (${aggregateStatus(results)}).`,
  );
  return { results, targets, syncNote: syncNote(looked) };
}

/** A check run a sync looked at: a validation's, or a listing's. */
export interface Looked {
  result: PackageResult;
  listing: boolean;
}

/** What was concluded, what is still validating, and which listings are still open. */
function countLooked(looked: readonly Looked[]) {
  const open = (l: Looked) =>
    l.listing ? listingOpen(l.result.listing) : l.result.status === 'InProgress';
  return {
    concluded: looked.filter((l) => !open(l)),
    validating: looked.filter((l) => !l.listing && open(l)),
    listing: looked.filter((l) => l.listing && open(l)),
  };
}

/**
 * The change sets of the open listings, each described once, by ID: one DescribeChangeSet
 * call each, the Catalog API's client made only when there is one. A change set that could
 * not be described is left out, so its check run stays as it is.
 */
async function describeChangeSets(
  options: SyncOptions,
  open: readonly OpenListing[],
): Promise<{ found: Map<string, DescribeChangeSetResponse>; calls: number; failed: number }> {
  const found = new Map<string, DescribeChangeSetResponse>();
  const ids = [...new Set(open.map((o) => o.changeSetId))];
  if (ids.length === 0) return { found, calls: 0, failed: 0 };
  let catalog: CatalogApi;
  try {
    catalog = await options.aws.marketplace();
  } catch (e) {
    options.log.warning(
      `Could not reach AWS Marketplace (${describeError(e)}): ${plural(ids.length, 'listing')} left as ${ids.length === 1 ? 'it is' : 'they are'}.`,
    );
    return { found, calls: ids.length, failed: ids.length };
  }
  let failed = 0;
  try {
    for (const id of ids) {
      try {
        found.set(id, await catalog.describeChangeSet(id));
      } catch (e) {
        failed++;
        const denied =
          (e as { name?: string }).name === 'AccessDeniedException'
            ? ' (the role needs aws-marketplace:DescribeChangeSet)'
            : '';
        options.log.warning(
          `Could not describe the AWS Marketplace change set ${id}${denied}: ${describeError(e)}. Its check run is left as it is.`,
        );
      }
    }
  } finally {
    catalog.destroy();
  }
  return { found, calls: ids.length, failed };
}

/** The change set's statuses that end it: a sync concludes its check run. */
const ENDED: readonly string[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

const clip = (value: string, max: number) => {
  const cut = cutTo(value, max, 'characters');
  return cut.length < value.length ? `${cut}… (cut)` : cut;
};

/**
 * The result with its listing as the change set now stands, when it ended: failed with
 * `listing-failed` when AWS Marketplace refused it (FAILED) or it was cancelled.
 */
function withChangeSet(
  result: PackageResult & { listing: ListingResult },
  id: string,
  answer: DescribeChangeSetResponse,
): PackageResult {
  const status = String(answer.Status ?? '');
  if (!ENDED.includes(status)) {
    // Still open: the job summary shows where it stands; its check run is left as it is.
    const open = status === 'PREPARING' || status === 'APPLYING';
    return open ? { ...result, listing: { ...result.listing, status } } : result;
  }
  const listing: ListingResult = {
    ...result.listing,
    status: status as ListingStatus,
    changeSetId: id,
    link: changeSetLink(id),
    changeSetName: answer.ChangeSetName ?? result.listing.changeSetName,
    startedAt: answer.StartTime ?? result.listing.startedAt,
    endedAt: answer.EndTime ?? null,
    failureCode: answer.FailureCode ?? null,
    failureDescription: answer.FailureDescription ? clip(answer.FailureDescription, 1000) : null,
    errors: errorsOf(answer),
  };
  if (status === 'SUCCEEDED') return { ...result, listing };
  return {
    ...result,
    listing,
    status: 'Failed',
    failureReason: 'listing-failed',
    error: listingFailure(id, listing),
  };
}

/** Why a change set that ended failed, in the words of the listing step. */
function listingFailure(id: string, listing: ListingResult): string {
  if (listing.status === 'CANCELLED') {
    return `change set ${id} was cancelled in AWS Marketplace; nothing was listed`;
  }
  if (listing.failureCode === 'SERVER_FAULT') {
    return `change set ${id} failed with SERVER_FAULT, a fault of AWS Marketplace${listing.failureDescription ? ` (${listing.failureDescription})` : ''}: run the job again, which starts the change set once more`;
  }
  const codes = listing.errors.length ? ` (${listing.errors.map((e) => e.code).join(', ')})` : '';
  const description = listing.failureDescription ? `: ${listing.failureDescription}` : '';
  return `AWS Marketplace refused change set ${id}: ${listing.failureCode ?? 'FAILED'}${codes}${description}`;
}

/**
 * Where a concluded check run's reports go: that check run's commit, and the comment of
 * the pull request its state names, as the run that left it in progress would have written.
 */
export function targetOf(
  run: ListedCheckRun,
  state: CheckRunState,
  repo: Repository,
): ReportTarget {
  return {
    headSha: run.head_sha,
    pullRequest:
      state.pullRequest === undefined ? undefined : { ...repo, number: state.pullRequest },
    comment: 'update',
    label: state.label,
    runUrl: state.runUrl,
    commit: state.commit,
    waits: true,
    endedOnly: true,
    // The concluded check run carries the pull request on, for a later approval or stage change.
    syncedPullRequest: state.pullRequest,
  };
}

/** The result with the diagnosis of its failed validation profiles, when any failed. */
export async function diagnosed(
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

/**
 * The job summary's list of what was concluded, what is still validating and which
 * listings' change sets are still open. Names are escaped: they come from check runs.
 */
export function syncNote(looked: readonly Looked[]): string {
  const name = (r: PackageResult) =>
    `${code(cutTo(displayName(r), 200, 'characters'))}${r.version ? ` v${r.version}` : ''}`;
  const listingOf = (r: PackageResult) =>
    `${name(r)} on AWS Marketplace (${code(cutTo(String(r.listing?.product), 200, 'characters'))}, ${code(cutTo(String(r.listing?.status), 40, 'characters'))})`;
  const { concluded, validating, listing } = countLooked(looked);
  const listings = looked.some((l) => l.listing)
    ? `, ${plural(listing.length, 'AWS Marketplace listing')} still in progress`
    : '';
  const lines = [
    `**Sync**: ${plural(looked.length, 'check run')} in progress found; ${concluded.length} concluded, ${validating.length} still validating${listings}.`,
  ];
  if (concluded.length) {
    const each = concluded.map(({ result: r, listing: isListing }) =>
      isListing ? listingOf(r) : `${name(r)} (${r.status})`,
    );
    lines.push(`- Concluded: ${each.join(', ')}`);
  }
  if (validating.length) {
    lines.push(`- Still validating: ${validating.map((l) => name(l.result)).join(', ')}`);
  }
  if (listing.length) {
    lines.push(
      `- Listings still in progress: ${listing.map((l) => listingOf(l.result)).join(', ')}`,
    );
  }
  return lines.join('\n');
}
