/**
 * Reporting, the last stage of a run: the pull-request comments and the check runs while
 * the run goes on (on status changes, never per poll) and at its end, and the job summary.
 */
import type { Settings } from '../inputs.js';
import type { Outcome, PackageResult } from '../results.js';
import { filesUrl, repositoryOf, runUrl, type RunContext } from '../run-context.js';
import { OUTPUT_BYTES, sizeOf } from '../limits.js';
import type { Runner } from '../runner/port.js';
import {
  CommitCheckRuns,
  headShaOf,
  noCheckRuns,
  reportCommitOf,
  type CheckRunSink,
} from './check-runs.js';
import {
  COMBINED_COMMENT,
  noComments,
  PullRequestComments,
  type CommentOptions,
  type CommentSink,
} from './comments.js';
import { createCheckRunClient, type CheckRunClient } from './github-checks.js';
import { createCommentClient, type CommentClient } from './github-comments.js';
import { pullRequestOf } from './pull-request.js';
import { renderCombinedComment, renderComment, renderSummary } from './render.js';

export interface ReporterOptions {
  run: RunContext;
  /** The settings, when the inputs could be read: comments and check runs need them. */
  settings?: Pick<Settings, 'comment' | 'githubToken' | 'checkRun' | 'dryRun' | 'label' | 'wait'>;
  runner: Runner;
  /** The GitHub client for a token; Octokit by default. */
  github?: (token: string) => CommentClient;
  /** The comments' budget of time; a client's call timeout is the client's. */
  comments?: CommentOptions;
  /** The GitHub check runs client for a token; Octokit by default. */
  checks?: (token: string) => CheckRunClient;
}

/** Where the comments go: a pull request of this run, unless they are off. */
function commentSink(options: ReporterOptions): CommentSink {
  const { settings, runner } = options;
  const pr = pullRequestOf(options.run);
  if (!settings || settings.comment === 'off' || !pr) return noComments;
  if (!settings.githubToken) {
    runner.warning("No 'github-token': the results are in the job summary only.");
    return noComments;
  }
  const client = (options.github ?? createCommentClient)(settings.githubToken);
  return new PullRequestComments(
    client,
    pr,
    settings.comment,
    runner,
    options.comments,
    settings.label,
  );
}

/** Where the check runs go: the run's commit, unless they are off or it is a dry run. */
function checkRunSink(options: ReporterOptions): CheckRunSink {
  const { settings, runner, run } = options;
  if (!settings || !settings.checkRun || settings.dryRun) return noCheckRuns;
  if (!settings.githubToken) {
    runner.debug("No 'github-token': no check runs.");
    return noCheckRuns;
  }
  const repository = repositoryOf(run);
  const headSha = headShaOf(run);
  if (!repository || !headSha) {
    runner.info(
      `No check runs: the ${run.eventName || 'run'} event does not name the commit to check.`,
    );
    return noCheckRuns;
  }
  const client = (options.checks ?? createCheckRunClient)(settings.githubToken);
  return new CommitCheckRuns(
    client,
    repository,
    headSha,
    {
      label: settings.label,
      runUrl: runUrl(run),
      commit: headSha,
      waits: settings.wait,
      reportCommit: reportCommitOf(run),
      // A later sync updates per-manifest comments only; it leaves a combined one as it is.
      pullRequest:
        settings.comment === 'off' || settings.comment === 'combined'
          ? undefined
          : pullRequestOf(run)?.number,
    },
    runner,
  );
}

export class Reporter {
  private readonly comments: CommentSink;
  private readonly checkRuns: CheckRunSink;
  private readonly commit?: string;
  private readonly runUrl?: string;
  private readonly label?: string;
  private readonly sourceUrl?: string;
  private readonly combined: boolean;

  constructor(private readonly options: ReporterOptions) {
    this.comments = commentSink(options);
    this.checkRuns = checkRunSink(options);
    this.commit = reportCommitOf(options.run);
    this.runUrl = runUrl(options.run);
    this.label = options.settings?.label;
    this.sourceUrl = filesUrl(options.run, this.commit);
    this.combined = options.settings?.comment === 'combined';
  }

  /** Brings each package's comment and check run up to date; unchanged ones are not written again. */
  async progress(results: readonly PackageResult[]): Promise<void> {
    await this.publish(results, false);
  }

  /**
   * The final comments, check runs and job summary. Returns the summary, the `report`
   * output (the summary, or within an output's limit a shorter rendering with a note) and
   * the URL of the first (or the combined) comment.
   */
  async finish(outcome: Outcome): Promise<{ summary: string; report: string; commentUrl: string }> {
    await this.publish(outcome.results, true);
    const input = {
      results: outcome.results,
      requests: outcome.plan,
      commit: this.commit,
      runUrl: this.runUrl,
      runError: outcome.results.length === 0 ? outcome.failure?.message : undefined,
      note: outcome.syncNote,
      sourceUrl: this.sourceUrl,
    };
    const summary = renderSummary(input);
    const fits = sizeOf(summary, 'bytes') <= OUTPUT_BYTES;
    const report = fits ? summary : renderSummary(input, OUTPUT_BYTES);
    if (!fits) {
      this.options.runner.warning(
        `The job summary is ${sizeOf(summary, 'bytes')} bytes, over GitHub's limit of 1 MB for an output: the 'report' output is a shorter rendering of it, with a note where it was cut.`,
      );
    }
    try {
      await this.options.runner.appendSummary(summary);
    } catch (e) {
      this.options.runner.warning(`Could not write the job summary: ${(e as Error).message}`);
    }
    const first = outcome.results[0];
    const commentUrl = this.combined
      ? this.comments.url(COMBINED_COMMENT)
      : first && this.comments.url(first.manifest);
    return { summary, report, commentUrl: commentUrl ?? '' };
  }

  private async publish(results: readonly PackageResult[], final: boolean): Promise<void> {
    const options = {
      commit: this.commit,
      runUrl: this.runUrl,
      label: this.label,
      sourceUrl: this.sourceUrl,
    };
    for (const result of results) {
      if (!this.combined) {
        await this.comments.publish(result.manifest, renderComment(result, options));
      }
      await this.checkRuns.publish(result, final);
    }
    if (this.combined && results.length > 0) {
      await this.comments.publish(COMBINED_COMMENT, renderCombinedComment(results, options));
    }
  }
}
