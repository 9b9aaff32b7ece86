/**
 * Reporting, the last stage of a run: the pull-request comments while the run goes on
 * (on status changes, never per poll) and at its end, and the job summary.
 */
import type { Settings } from '../inputs.js';
import type { Outcome, PackageResult } from '../results.js';
import { runUrl, type RunContext } from '../run-context.js';
import type { Runner } from '../runner/port.js';
import {
  noComments,
  PullRequestComments,
  type CommentOptions,
  type CommentSink,
} from './comments.js';
import { createCommentClient, type CommentClient } from './github-comments.js';
import { pullRequestOf } from './pull-request.js';
import { renderComment, renderSummary } from './render.js';

export interface ReporterOptions {
  run: RunContext;
  /** The settings, when the inputs could be read: comments need them. */
  settings?: Pick<Settings, 'comment' | 'githubToken'>;
  runner: Runner;
  /** The GitHub client for a token; Octokit by default. */
  github?: (token: string) => CommentClient;
  /** The comments' budget of time; a client's call timeout is the client's. */
  comments?: CommentOptions;
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
  return new PullRequestComments(client, pr, settings.comment, runner, options.comments);
}

export class Reporter {
  private readonly comments: CommentSink;
  private readonly commit?: string;
  private readonly runUrl?: string;

  constructor(private readonly options: ReporterOptions) {
    this.comments = commentSink(options);
    this.commit = options.run.sha || undefined;
    this.runUrl = runUrl(options.run);
  }

  /** Brings each package's comment up to date; unchanged bodies are not written again. */
  async progress(results: readonly PackageResult[]): Promise<void> {
    for (const result of results) {
      await this.comments.publish(
        result.manifest,
        renderComment(result, { commit: this.commit, runUrl: this.runUrl }),
      );
    }
  }

  /** The final comments and the job summary; returns the summary and the first comment's URL. */
  async finish(outcome: Outcome): Promise<{ summary: string; commentUrl: string }> {
    await this.progress(outcome.results);
    const summary = renderSummary({
      results: outcome.results,
      requests: outcome.plan,
      commit: this.commit,
      runUrl: this.runUrl,
      runError: outcome.results.length === 0 ? outcome.failure?.message : undefined,
    });
    try {
      await this.options.runner.appendSummary(summary);
    } catch (e) {
      this.options.runner.warning(`Could not write the job summary: ${(e as Error).message}`);
    }
    const first = outcome.results[0];
    return { summary, commentUrl: (first && this.comments.url(first.manifest)) ?? '' };
  }
}
