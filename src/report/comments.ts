/**
 * Pull-request comments (SPEC §6): one per manifest, found again by its marker among all
 * pages of comments but only among those the token's own identity wrote, and edited in
 * place when its body changes. GitHub API problems are warnings that say what happened;
 * they never change the run's result. The comments of a run get a budget of time: once
 * their GitHub calls took that long in all, comments stop, and the summary has the results.
 */
import type { Log } from '../runner/port.js';
import { isCombinedMarked, markedManifest } from './comment-marker.js';
import { GitHubApiError, githubError, GitHubTimeoutError, seconds, utc } from './github-api.js';
import type { CommentClient, IssueComment, PullRequest } from './github-comments.js';

/**
 * The key `comment: combined` writes its one comment under, in place of a manifest's
 * path: no manifest's path is empty.
 */
export const COMBINED_COMMENT = '';

/** The most time a run's comments may spend on GitHub calls, in all. */
export const COMMENT_BUDGET_MS = 60_000;

export interface CommentOptions {
  /** The time all comment writes of a run may take together; default {@link COMMENT_BUDGET_MS}. */
  budgetMs?: number;
  /** Clock in ms since the epoch, to know when a rate limit has reset; default Date.now. */
  now?: () => number;
}

const SUMMARY = 'The job summary has the results.';

/** The budget ran out while a write was under way. */
class BudgetSpent extends Error {}

const statusOf = (error: unknown) => githubError(error).status;
const describe = (error: unknown) => githubError(error).message;

export class PullRequestComments {
  private readonly written = new Map<string, { id: number; body: string; url: string }>();
  private existing?: Promise<Map<string, IssueComment>>;
  /** Comments stopped for the rest of the run. */
  private stopped = false;
  /** No call before this time (ms since the epoch): a rate limit's reset. */
  private waitUntil = 0;
  private spentMs = 0;
  /** Problems that were warned about once, and are only logged after that. */
  private readonly warned = new Set<'timeout' | 'rate-limit'>();
  private readonly budgetMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: CommentClient,
    private readonly pr: PullRequest,
    /** 'combined': one comment for the run, published under {@link COMBINED_COMMENT}. */
    private readonly mode: 'update' | 'new' | 'combined',
    private readonly log: Log,
    options: CommentOptions = {},
    /** The job's label: only comments with its marker are this job's. */
    private readonly label?: string,
  ) {
    this.budgetMs = options.budgetMs ?? COMMENT_BUDGET_MS;
    this.now = options.now ?? Date.now;
  }

  async write(manifest: string, body: string): Promise<void> {
    if (this.stopped || this.written.get(manifest)?.body === body) return;
    if (this.now() < this.waitUntil) return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new BudgetSpent()),
      Math.max(0, this.budgetMs - this.spentMs),
    );
    const started = performance.now();
    try {
      const comment = await Promise.race([
        this.send(manifest, body, controller.signal),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
            once: true,
          }),
        ),
      ]);
      this.written.set(manifest, { id: comment.id, body, url: comment.html_url });
    } catch (e) {
      if (!(e instanceof BudgetSpent)) this.failed(manifest, e);
    } finally {
      clearTimeout(timer);
      this.spentMs += performance.now() - started;
    }
    if (!this.stopped && (controller.signal.aborted || this.spentMs >= this.budgetMs)) {
      this.stop(
        `Stopped writing pull-request comments: their GitHub calls took ${seconds(this.budgetMs)} in this run, the most a run gives them. ${SUMMARY}`,
      );
    }
  }

  url(manifest: string): string | undefined {
    return this.written.get(manifest)?.url;
  }

  private stop(warning: string): void {
    this.stopped = true;
    this.log.warning(warning);
  }

  /** One warning per problem; comments stop where trying again cannot help. */
  private failed(manifest: string, e: unknown): void {
    if (e instanceof GitHubTimeoutError) {
      this.once(
        'timeout',
        `${e.message}: ${commentOf(manifest)} was not written; the next status change tries again. ${SUMMARY}`,
      );
      return;
    }
    if (e instanceof GitHubApiError && e.rateLimitResetsAt !== undefined) {
      this.waitUntil = e.rateLimitResetsAt;
      this.once(
        'rate-limit',
        `Could not write pull-request comments: GitHub's API rate limit was reached; it resets at ${utc(e.rateLimitResetsAt)}. Comments wait until then (${describe(e)}). ${SUMMARY}`,
      );
      return;
    }
    const { owner, repo, number, fork } = this.pr;
    switch (statusOf(e)) {
      case 404:
        return this.stop(
          `Could not write pull-request comments: pull request #${number} of ${owner}/${repo} was not found, or the token cannot see it (${describe(e)}). ${SUMMARY}`,
        );
      case 401:
        return this.stop(
          `Could not write pull-request comments: GitHub refused the token (${describe(e)}). ${SUMMARY}`,
        );
      case 403:
        return this.stop(
          fork !== undefined
            ? `Could not write pull-request comments: the pull request comes from ${forkName(fork)}, and GitHub gives the workflows of such pull requests a read-only token (${describe(e)}). Comments need \`pull-requests: write\`. ${SUMMARY}`
            : `Could not write pull-request comments: the token may not write to this pull request (${describe(e)}). Give the job \`pull-requests: write\` in its \`permissions\`. ${SUMMARY}`,
        );
      default:
        this.log.warning(`Could not write ${commentOf(manifest)}: ${describe(e)}`);
    }
  }

  private once(kind: 'timeout' | 'rate-limit', warning: string): void {
    if (this.warned.has(kind)) {
      this.log.debug(warning);
    } else {
      this.warned.add(kind);
      this.log.warning(warning);
    }
  }

  /** Edits the manifest's comment when there is one, else writes a new one. */
  private async send(manifest: string, body: string, signal: AbortSignal): Promise<IssueComment> {
    const id = this.written.get(manifest)?.id ?? (await this.previous(manifest, signal))?.id;
    if (id === undefined) return this.client.createComment(this.pr, body, signal);
    try {
      return await this.client.updateComment(this.pr, id, body, signal);
    } catch (e) {
      // Deleted since it was found: write a new one.
      if (statusOf(e) !== 404) throw e;
      this.written.delete(manifest);
      return this.client.createComment(this.pr, body, signal);
    }
  }

  /** The comment an earlier run wrote for this manifest ('update') or run ('combined'). */
  private async previous(manifest: string, signal: AbortSignal): Promise<IssueComment | undefined> {
    if (this.mode === 'new') return undefined;
    this.existing ??= this.findExisting(signal).catch((e: unknown) => {
      this.existing = undefined; // list again next time
      throw e;
    });
    return (await this.existing).get(manifest);
  }

  private async findExisting(signal: AbortSignal): Promise<Map<string, IssueComment>> {
    const [login, comments] = await Promise.all([
      this.client.login(signal),
      this.client.listComments(this.pr, signal),
    ]);
    const found = new Map<string, IssueComment>();
    for (const comment of comments) {
      // Each mode finds only its own markers: switching modes never edits the other's comment.
      const key =
        this.mode === 'combined'
          ? isCombinedMarked(comment.body, this.label)
            ? COMBINED_COMMENT
            : undefined
          : markedManifest(comment.body, this.label);
      if (key !== undefined && isOurs(comment, login)) found.set(key, comment);
    }
    return found;
  }
}

/**
 * Whether a comment whose first line is a marker was written by the token's identity:
 * its login when the token may read it; else (installation tokens: GITHUB_TOKEN, a
 * GitHub App's) any bot, as those tokens write as their app's bot. A person's comment is
 * never taken, even when it starts with the marker.
 */
function isOurs(comment: IssueComment, login: string | undefined): boolean {
  if (login !== undefined) return comment.user?.login === login;
  return comment.user?.type === 'Bot';
}

function commentOf(manifest: string): string {
  return manifest === COMBINED_COMMENT
    ? "the run's pull-request comment"
    : `the pull-request comment for ${manifest}`;
}

/** 'the fork owner/repo', when the name looks like one; it comes from the event. */
function forkName(fork: string): string {
  return /^[\w.-]+\/[\w.-]+$/.test(fork) ? `the fork ${fork}` : 'a fork';
}
