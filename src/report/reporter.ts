/**
 * The one report path of every mode: the pull-request comments and the check runs while
 * the run goes on (on status changes, never per poll) and at its end, and the job summary.
 * Each package's reports go to its target: this run's commit and pull request, or, for a
 * `sync`, the check run (a validation's or a listing's) and pull request of the run that
 * created the package.
 */
import type { CommentMode, Settings } from '../inputs.js';
import type { Outcome, PackageResult } from '../results.js';
import { filesUrl, repositoryOf, runUrl, type WorkflowRun } from '../workflow-run.js';
import { OUTPUT_BYTES, sizeOf } from '../limits.js';
import type { Runner } from '../runner/port.js';
import { CheckRuns, headShaOf, reportCommitOf } from './check-runs.js';
import { COMBINED_COMMENT, PullRequestComments, type CommentOptions } from './comments.js';
import { createCheckRunClient, type CheckRunClient } from './github-checks.js';
import { createCommentClient, type CommentClient, type PullRequest } from './github-comments.js';
import { pullRequestOf } from './pull-request.js';
import { listingOpen } from './render-listing.js';
import { renderCombinedComment, renderComment, renderSummary } from './render.js';

/** Where one package's check run and pull-request comment go. */
export interface ReportTarget {
  /** The commit the package's check run is on; none: no check run. */
  headSha?: string;
  /** A check run that an earlier run left in progress, which this run concludes (sync). */
  checkRunId?: number;
  /**
   * The check run `checkRunId` is concluded already: it is written again, with the same
   * conclusion, for an approval or stage change (a dispatched sync).
   */
  concluded?: boolean;
  /** A listing's check run that an earlier run left in progress, which this run concludes (sync). */
  listingCheckRunId?: number;
  /**
   * Only the listing's check run is written, not the validation's: a sync that concludes a
   * listing, whose validation's check run the earlier run concluded.
   */
  listingOnly?: boolean;
  /** The pull request commented on; none: no comment. */
  pullRequest?: PullRequest;
  comment: Exclude<CommentMode, 'off'>;
  label?: string;
  /** The run that created the package: the reports' run link and details_url. */
  runUrl?: string;
  /** The commit the comment names. */
  commit?: string;
  /** Whether the run waits for validation (the check run's note). */
  waits: boolean;
  /** The pull request a later `sync` updates the comment of (the check run carries it). */
  syncedPullRequest?: number;
  /**
   * Only a package whose validation ended (with `listingOnly`, whose listing's change set
   * ended) is reported: a sync leaves the others as they are.
   */
  endedOnly?: boolean;
}

/** Whether what a target reports on has ended: the validation, or the listing's change set. */
function ended(result: PackageResult, to: ReportTarget): boolean {
  return to.listingOnly ? !listingOpen(result.listing) : result.status !== 'InProgress';
}

export interface ReporterOptions {
  workflow: WorkflowRun;
  /** The settings, when the inputs could be read: comments and check runs need them. */
  settings?: Pick<Settings, 'comment' | 'githubToken' | 'checkRun' | 'label' | 'wait'>;
  /** Whether this run writes check runs and comments of its own (not dry runs and syncs). */
  own?: { checkRuns: boolean; comments: boolean };
  runner: Runner;
  /** The GitHub client for a token; Octokit by default. */
  github?: (token: string) => CommentClient;
  /** The comments' budget of time; a client's call timeout is the client's. */
  comments?: CommentOptions;
  /** The GitHub check runs client for a token; Octokit by default. */
  checks?: (token: string) => CheckRunClient;
}

/** This run's target: its commit and pull request, as the settings allow. */
function ownTarget(options: ReporterOptions): ReportTarget | undefined {
  const { settings, runner, workflow: run } = options;
  if (!settings) return undefined;
  const own = options.own ?? { checkRuns: true, comments: true };
  const pr = own.comments && settings.comment !== 'off' ? pullRequestOf(run) : undefined;
  const checks = own.checkRuns && settings.checkRun;
  const headSha = checks && repositoryOf(run) ? headShaOf(run) : undefined;
  if (checks && !headSha) {
    runner.info(
      `No check runs: the ${run.eventName || 'run'} event does not name the commit to check.`,
    );
  }
  if (!settings.githubToken) {
    if (pr) runner.warning("No 'github-token': the results are in the job summary only.");
    if (headSha) runner.debug("No 'github-token': no check runs.");
    return undefined;
  }
  if (!pr && !headSha) return undefined;
  const comment = settings.comment === 'off' ? 'update' : settings.comment;
  return {
    headSha,
    pullRequest: pr,
    comment,
    label: settings.label,
    runUrl: runUrl(run),
    commit: reportCommitOf(run),
    waits: settings.wait,
    // A later sync updates per-manifest comments only; it leaves a combined one as it is.
    syncedPullRequest: comment === 'combined' ? undefined : pr?.number,
  };
}

export class Reporter {
  private readonly own?: ReportTarget;
  private checkRuns?: CheckRuns;
  private readonly comments = new Map<string, PullRequestComments>();
  private readonly commit?: string;
  private readonly runUrl?: string;

  constructor(private readonly options: ReporterOptions) {
    this.own = ownTarget(options);
    this.commit = reportCommitOf(options.workflow);
    this.runUrl = runUrl(options.workflow);
  }

  /**
   * Brings each package's comment and check run up to date; unchanged ones are not written
   * again. `targets`: where each result's reports go, this run's by default.
   */
  async progress(
    results: readonly PackageResult[],
    targets?: readonly (ReportTarget | undefined)[],
  ): Promise<void> {
    await this.write(results, false, targets);
  }

  /**
   * The final comments, check runs and job summary. Returns the summary, the `report`
   * output (the summary, or within an output's limit a shorter rendering with a note) and
   * the URL of the first (or the combined) comment.
   */
  async finish(outcome: Outcome): Promise<{ summary: string; report: string; commentUrl: string }> {
    await this.write(outcome.results, true, outcome.targets);
    const { runner } = this.options;
    const input = {
      results: outcome.results,
      requests: outcome.requests,
      commit: this.commit,
      runUrl: this.runUrl,
      runError: outcome.results.length === 0 ? outcome.failure?.message : undefined,
      note: outcome.syncNote,
      sourceUrl: filesUrl(this.options.workflow, this.commit),
    };
    const summary = renderSummary(input);
    const fits = sizeOf(summary, 'bytes') <= OUTPUT_BYTES;
    const report = fits ? summary : renderSummary(input, OUTPUT_BYTES);
    if (!fits) {
      runner.warning(
        `The job summary is ${sizeOf(summary, 'bytes')} bytes, over GitHub's limit of 1 MB for an output: the 'report' output is a shorter rendering of it, with a note where it was cut.`,
      );
    }
    try {
      await runner.appendSummary(summary);
    } catch (e) {
      runner.warning(`Could not write the job summary: ${(e as Error).message}`);
    }
    const own = this.own;
    const first = outcome.results[0];
    const key = own?.comment === 'combined' ? COMBINED_COMMENT : first?.manifest;
    const commentUrl = own && key !== undefined ? this.commentsOn(own)?.url(key) : undefined;
    return { summary, report, commentUrl: commentUrl ?? '' };
  }

  private async write(
    results: readonly PackageResult[],
    final: boolean,
    targets?: readonly (ReportTarget | undefined)[],
  ): Promise<void> {
    const combined: PackageResult[] = [];
    for (const [i, result] of results.entries()) {
      const to = targets ? targets[i] : this.own;
      if (!to || (to.endedOnly && !ended(result, to))) continue;
      const comments = this.commentsOn(to);
      if (comments && to.comment === 'combined') combined.push(result);
      else if (comments) {
        await comments.write(result.manifest, renderComment(result, this.renderOptions(to)));
      }
      if (to.headSha) await this.checkRunsOf()?.write(result, final, to);
    }
    const own = this.own;
    const comments = own && this.commentsOn(own);
    if (own && comments && combined.length > 0) {
      await comments.write(
        COMBINED_COMMENT,
        renderCombinedComment(combined, this.renderOptions(own)),
      );
    }
  }

  private renderOptions(to: ReportTarget) {
    const { commit, runUrl, label } = to;
    return { commit, runUrl, label, sourceUrl: filesUrl(this.options.workflow, commit) };
  }

  /** The comments of a target's pull request, one writer per pull request, mode and label. */
  private commentsOn(to: ReportTarget): PullRequestComments | undefined {
    const token = this.options.settings?.githubToken;
    if (!to.pullRequest || !token) return undefined;
    const key = JSON.stringify([to.pullRequest.number, to.comment, to.label ?? '']);
    let comments = this.comments.get(key);
    if (!comments) {
      const client = (this.options.github ?? createCommentClient)(token);
      comments = new PullRequestComments(
        client,
        to.pullRequest,
        to.comment,
        this.options.runner,
        this.options.comments,
        to.label,
      );
      this.comments.set(key, comments);
    }
    return comments;
  }

  private checkRunsOf(): CheckRuns | undefined {
    const token = this.options.settings?.githubToken;
    const repository = repositoryOf(this.options.workflow);
    if (!token || !repository) return undefined;
    this.checkRuns ??= new CheckRuns(
      (this.options.checks ?? createCheckRunClient)(token),
      repository,
      this.options.runner,
    );
    return this.checkRuns;
  }
}
