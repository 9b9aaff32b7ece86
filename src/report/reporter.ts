/**
 * Reporting for a run: links on every result, the pull-request comments while the run
 * goes on (on status changes, never per poll) and at its end, and the job summary.
 */
import * as core from '../runner.js';
import type { Settings } from '../inputs.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { PackageResult } from '../results.js';
import { runUrl, type RunContext } from '../run-context.js';
import { createCommentClient, pullRequestOf, PullRequestComments } from './comment.js';
import { packageLinks } from './links.js';
import { renderComment, renderSummary } from './render.js';

const log = {
  info: (message: string) => core.info(message),
  warning: (message: string) => core.warning(message),
};

export class Reporter {
  private requests = new Map<string, ModelPackageManifest>();

  private constructor(
    private readonly run: RunContext,
    private readonly comments: PullRequestComments | undefined,
  ) {}

  /** Comments are written for pull-request events, unless 'comment: off'. */
  static async create(run: RunContext, settings?: Settings): Promise<Reporter> {
    const pr = pullRequestOf(run.eventName, run.eventPath, run.repository);
    if (!settings || settings.comment === 'off' || !pr) return new Reporter(run, undefined);
    if (!settings.githubToken) {
      core.warning("No 'github-token': the results are in the job summary only.");
      return new Reporter(run, undefined);
    }
    const client = await createCommentClient(settings.githubToken);
    return new Reporter(run, new PullRequestComments(client, pr, settings.comment, log));
  }

  /** The resolved requests, per manifest: for the validation output links. */
  useRequests(requests: ReadonlyMap<string, ModelPackageManifest>): void {
    this.requests = new Map(requests);
  }

  private decorate(results: readonly PackageResult[]): void {
    const url = runUrl(this.run);
    for (const result of results) {
      // Console links only for packages that exist.
      if (!result.region || !result.arn) {
        result.links = url ? { run: url } : {};
        continue;
      }
      const profile = this.requests.get(result.manifest)?.ValidationSpecification
        ?.ValidationProfiles[0];
      result.links = {
        ...packageLinks({
          region: result.region,
          arn: result.arn,
          name: result.name,
          group: result.group,
          version: result.version,
          s3OutputPath: profile?.TransformJobDefinition.TransformOutput.S3OutputPath,
          runUrl: url,
        }),
      };
    }
  }

  /** Updates the pull-request comments whose package changed. */
  async progress(results: readonly PackageResult[]): Promise<void> {
    if (!this.comments) return;
    this.decorate(results);
    await this.publishComments(results);
  }

  private async publishComments(results: readonly PackageResult[]): Promise<void> {
    if (!this.comments) return;
    for (const result of results) {
      await this.comments.publish(
        result.manifest,
        renderComment(result, { commit: this.run.sha, runUrl: runUrl(this.run) }),
      );
    }
  }

  /** The final comments and the job summary; returns the URL of the first comment. */
  async finish(
    results: readonly PackageResult[],
    options: { dryRunRequests?: ReadonlyMap<string, unknown>; runError?: string },
  ): Promise<string> {
    this.decorate(results);
    await this.publishComments(results);
    const markdown = renderSummary({
      results,
      requests: options.dryRunRequests,
      commit: this.run.sha,
      runUrl: runUrl(this.run),
      runError: options.runError,
    });
    try {
      core.appendSummary(markdown);
    } catch (e) {
      core.warning(`Could not write the job summary: ${(e as Error).message}`);
    }
    const first = results[0];
    return (first && this.comments?.url(first.manifest)) ?? '';
  }
}
