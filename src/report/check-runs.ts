/**
 * Check runs (SPEC §3, §4): one per package on the run's commit, the pull request's head
 * commit, named `SageMaker validation: <package>` (and ` (<label>)`), carrying the package's
 * ARN as its external_id. In progress while SageMaker validates, written again only when
 * its content changes, and concluded with the validation's result. When the run stops
 * waiting the check run stays in progress, for a later run of the action to conclude.
 *
 * A package listed on AWS Marketplace (SPEC §9) gets a second check run on the same
 * commit, `Marketplace listing: <product>` (and ` (<label>)`), carrying the change set's
 * ID as its external_id: in progress while the change set is open, concluded with its
 * result, and left in progress, for a later `sync`, when the run stops following it.
 *
 * GitHub API errors are warnings: they never change the run's result.
 */
import { CHECK_RUN_OUTPUT_CHARACTERS, cutTo } from '../limits.js';
import { REASONS } from '../reasons.js';
import { packageLabel, type ListingResult, type PackageResult } from '../results.js';
import type { WorkflowRun } from '../workflow-run.js';
import type { Log } from '../runner/port.js';
import { stateLine } from './check-run-state.js';
import type { CheckRunClient, CheckRunFields, Repository } from './github-checks.js';
import { GitHubApiError, githubError, utc } from './github-api.js';
import type { ReportTarget } from './reporter.js';
import { listingOpen } from './render-listing.js';
import { renderCheckRunOutput, renderListingCheckRunOutput } from './render.js';

export const CHECK_RUN_PREFIX = 'SageMaker validation: ';
/** The name of every listing's check run starts with this. */
export const LISTING_CHECK_RUN_PREFIX = 'Marketplace listing: ';

/** The check run's name: the package as the log names it, and the job's label. */
export function checkRunName(result: PackageResult, label?: string): string {
  return `${CHECK_RUN_PREFIX}${packageLabel(result)}${label ? ` (${label})` : ''}`;
}

const SHA = /^[0-9a-f]{40}$/i;

/**
 * The commit a run's check runs belong to: a pull request's head commit (not the merge
 * commit the workflow checked out), else the commit the run is for. None for an
 * issue_comment event, whose event does not name the pull request's head.
 */
export function headShaOf(run: WorkflowRun): string | undefined {
  if (run.eventName === 'pull_request' || run.eventName === 'pull_request_target') {
    const sha: unknown = run.payload.pull_request?.head?.sha;
    return typeof sha === 'string' && SHA.test(sha) ? sha : undefined;
  }
  if (run.eventName === 'issue_comment') return undefined;
  return SHA.test(run.sha) ? run.sha : undefined;
}

/**
 * The commit the reports name: the one the check runs are on (a pull request's head
 * commit), else the commit the workflow ran on.
 */
export function reportCommitOf(run: WorkflowRun): string | undefined {
  return headShaOf(run) ?? (run.sha || undefined);
}

const LATER =
  'SageMaker keeps validating. Re-run this job, or run the action again on this commit: it reuses the package and concludes a check run of this name once validation has ended.';

/** Why a package still validating is not waited for, in the check run's summary. */
function pendingNote(result: PackageResult, final: boolean, waits: boolean): string {
  const why = result.failureReason && REASONS[result.failureReason].pending;
  if (why) return `${why} ${LATER}`;
  if (!waits) return `This run does not wait for validation (\`wait: false\`). ${LATER}`;
  if (final) return `This run stopped waiting. ${LATER}`;
  return 'This run waits for the validation and concludes this check run when it ends.';
}

/**
 * Ends a check run's summary with what a later `sync` run needs to conclude it, or to
 * report an approval or stage change, as this run would have: the result, and the
 * comment's commit and pull request.
 */
function withState(
  output: CheckRunFields['output'],
  result: PackageResult,
  to: Pick<ReportTarget, 'label' | 'runUrl' | 'commit' | 'syncedPullRequest'>,
  listing?: true,
): void {
  const line = stateLine({
    result,
    label: to.label,
    runUrl: to.runUrl,
    commit: to.commit,
    pullRequest: to.syncedPullRequest,
    ...(listing ? { listing } : {}),
  });
  const room = CHECK_RUN_OUTPUT_CHARACTERS - line.length - 2;
  output.summary = `${cutTo(output.summary, room, 'characters')}\n\n${line}`;
}

/**
 * A package's check run on `to.headSha` (the commit its report shows), or undefined for a
 * package that has none (a dry run).
 */
export function checkRunOf(
  result: PackageResult,
  final: boolean,
  to: Pick<ReportTarget, 'headSha' | 'label' | 'runUrl' | 'commit' | 'waits' | 'syncedPullRequest'>,
): CheckRunFields | undefined {
  if (result.status === 'DryRun') return undefined;
  const inProgress = result.status === 'InProgress';
  const { label, runUrl } = to;
  const output = renderCheckRunOutput(result, {
    label,
    runUrl,
    commit: to.headSha,
    note: inProgress ? pendingNote(result, final, to.waits) : undefined,
  });
  // A concluded check run carries its state too, for a dispatched sync of an approval or
  // stage change (sync/dispatch.ts); only those in progress are concluded by a sync.
  withState(output, result, to);
  return {
    name: checkRunName(result, label),
    status: inProgress ? 'in_progress' : 'completed',
    ...(inProgress ? {} : { conclusion: result.status === 'Completed' ? 'success' : 'failure' }),
    ...(result.arn ? { external_id: result.arn } : {}),
    ...(runUrl ? { details_url: runUrl } : {}),
    output,
  };
}

/** A listing's check run name: the product's entity ID, and the job's label. */
export function listingCheckRunName(listing: ListingResult, label?: string): string {
  return `${LISTING_CHECK_RUN_PREFIX}${listing.product}${label ? ` (${label})` : ''}`;
}

/**
 * Whether a package's listing has a check run of its own: once a change set was started
 * or found, when the product lists the package already, and when the listing failed,
 * before submitting too. A listing nothing was submitted for (a dry run, `marketplace:
 * check`, a package that did not pass validation, a VALIDATE change set that AWS
 * Marketplace refused, which is a note) has none.
 */
export function hasListingCheckRun(result: PackageResult): boolean {
  const { listing } = result;
  if (!listing || result.status === 'DryRun') return false;
  return (
    Boolean(listing.changeSetId) ||
    ['LISTED', 'FAILED', 'CANCELLED'].includes(listing.status) ||
    (Array.isArray(listing.errors) && listing.errors.length > 0) ||
    result.failureReason === 'listing-failed'
  );
}

/**
 * A listing check run's conclusion: success once the version was added (or the change
 * validated), or the product lists the package already; failure when AWS Marketplace
 * refused or cancelled the change set, or the listing failed before submitting; none
 * while the change set is open.
 */
export function listingConclusion(result: PackageResult): CheckRunFields['conclusion'] {
  const { listing } = result;
  if (!listing || listingOpen(listing)) return undefined;
  if (result.failureReason === 'listing-failed') return 'failure';
  return listing.status === 'SUCCEEDED' || listing.status === 'LISTED' ? 'success' : 'failure';
}

const LISTING_LATER =
  "AWS Marketplace goes on with the change set. A later run with 'mode: sync' concludes this check run once it has ended.";

/** Why a listing still open is no longer followed, in its check run's summary. */
function listingPendingNote(final: boolean, waits: boolean): string {
  if (!waits) return `This run does not follow the change set (\`wait: false\`). ${LISTING_LATER}`;
  if (final) return `This run stopped following the change set. ${LISTING_LATER}`;
  return 'This run follows the change set and concludes this check run when it ends.';
}

/**
 * A package's listing check run on `to.headSha`, or undefined for a package without one
 * (see {@link hasListingCheckRun}). In progress, its summary ends with the state a later
 * `sync` concludes it from.
 */
export function listingCheckRunOf(
  result: PackageResult,
  final: boolean,
  to: Pick<ReportTarget, 'headSha' | 'label' | 'runUrl' | 'commit' | 'waits' | 'syncedPullRequest'>,
): CheckRunFields | undefined {
  const { listing } = result;
  if (!listing || !hasListingCheckRun(result)) return undefined;
  const conclusion = listingConclusion(result);
  const { label, runUrl } = to;
  const output = renderListingCheckRunOutput(
    { ...result, listing },
    {
      label,
      runUrl,
      commit: to.headSha,
      note: conclusion ? undefined : listingPendingNote(final, to.waits),
    },
  );
  if (!conclusion) withState(output, result, to, true);
  return {
    name: listingCheckRunName(listing, label),
    status: conclusion ? 'completed' : 'in_progress',
    ...(conclusion ? { conclusion } : {}),
    ...(listing.changeSetId ? { external_id: listing.changeSetId } : {}),
    ...(runUrl ? { details_url: runUrl } : {}),
    output,
  };
}

/** The check runs of a repository, one per package and commit (and label). */
export class CheckRuns {
  private readonly written = new Map<string, { id: number; content: string }>();
  private disabled = false;
  /** No write before this time (ms since the epoch): a rate limit's reset. */
  private waitUntil = 0;
  private rateLimitSaid = false;

  constructor(
    private readonly client: CheckRunClient,
    private readonly repo: Repository,
    private readonly log: Log,
    /** Clock in ms since the epoch, to know when a rate limit has reset. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Writes a package's check runs on `to.headSha`, its validation's (unless
   * `to.listingOnly`) and its listing's, each unless its content is what was written last.
   * `final`: the run is about to end, so a package still validating, or a change set still
   * open, is no longer waited for. A target's `checkRunId` and `listingCheckRunId` are
   * updated rather than new check runs created.
   */
  async write(result: PackageResult, final: boolean, to: ReportTarget): Promise<void> {
    if (this.disabled || !to.headSha) return;
    const key = [to.headSha, to.label ?? '', result.manifest];
    if (!to.listingOnly) {
      await this.send(checkRunOf(result, final, to), key, to.headSha, to.checkRunId, to.concluded);
    }
    await this.send(
      listingCheckRunOf(result, final, to),
      [...key, 'listing'],
      to.headSha,
      to.listingCheckRunId,
    );
  }

  private async send(
    fields: CheckRunFields | undefined,
    keyParts: readonly string[],
    headSha: string,
    existing: number | undefined,
    concluded?: boolean,
  ): Promise<void> {
    if (!fields || this.disabled || this.now() < this.waitUntil) return;
    const content = JSON.stringify(fields);
    const key = JSON.stringify(keyParts);
    const previous = this.written.get(key);
    if (previous?.content === content) return;
    const id = previous?.id ?? existing;
    try {
      const run =
        id !== undefined
          ? await this.client.updateCheckRun(this.repo, id, fields)
          : await this.client.createCheckRun(this.repo, headSha, fields);
      this.written.set(key, { id: run.id, content });
      if (existing !== undefined && fields.conclusion) {
        this.log.info(
          concluded
            ? `Updated ${fields.name} on ${headSha}, concluded ${fields.conclusion} already.`
            : `Concluded ${fields.name} on ${headSha}: ${fields.conclusion}.`,
        );
      }
    } catch (e) {
      const error = githubError(e);
      if (e instanceof GitHubApiError && e.rateLimitResetsAt !== undefined) {
        // Every write would be refused until then: one warning, and none is sent.
        this.waitUntil = e.rateLimitResetsAt;
        if (!this.rateLimitSaid) {
          this.rateLimitSaid = true;
          this.log.warning(
            `Could not write check runs: GitHub's API rate limit was reached; it resets at ${utc(e.rateLimitResetsAt)}. Check runs wait until then (${error.message}); one left in progress is concluded by a later run or 'mode: sync'. The job summary has the results.`,
          );
        }
        return;
      }
      if (!error.rateLimited && [401, 403, 404].includes(error.status ?? 0)) {
        this.disabled = true;
        this.log.warning(
          `Could not write check runs (${error.message}): the token needs the 'checks: write' permission (a pull request from a fork gets a read-only token). No check runs for this run; the job summary has the results, and the step's result is unchanged.`,
        );
      } else {
        this.log.warning(`Could not write the check run ${fields.name}: ${error.message}`);
      }
    }
  }
}
