/**
 * Pull-request comments (SPEC §6): one per manifest, found again by its marker among all
 * pages of comments but only among those written by the token's own identity, and
 * edited in place when its body changes. GitHub API errors are warnings: they never
 * change the run's result.
 */
import type { Log } from '../runner/port.js';
import { markedManifest } from './comment-marker.js';
import type { CommentClient, IssueComment, PullRequest } from './github-comments.js';

/** Where the reporter writes a manifest's comment. */
export interface CommentSink {
  /** Writes a manifest's comment, unless its body is what was written last. */
  publish(manifest: string, body: string): Promise<void>;
  /** The URL of a manifest's comment, once one was written. */
  url(manifest: string): string | undefined;
}

/** The sink of runs without comments: not a pull request, or 'comment: off'. */
export const noComments: CommentSink = {
  publish: async () => undefined,
  url: () => undefined,
};

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status;
}

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string };
  return e.status ? `HTTP ${e.status}: ${e.message}` : String(e?.message ?? error);
}

export class PullRequestComments implements CommentSink {
  private readonly written = new Map<string, { id: number; body: string; url: string }>();
  private existing?: Promise<Map<string, IssueComment>>;
  private disabled = false;

  constructor(
    private readonly client: CommentClient,
    private readonly pr: PullRequest,
    private readonly mode: 'update' | 'new',
    private readonly log: Log,
    /** The job's label: only comments with its marker are this job's. */
    private readonly label?: string,
  ) {}

  async publish(manifest: string, body: string): Promise<void> {
    if (this.disabled || this.written.get(manifest)?.body === body) return;
    try {
      const comment = await this.write(manifest, body);
      this.written.set(manifest, { id: comment.id, body, url: comment.html_url });
    } catch (e) {
      const status = statusOf(e);
      if (status === 401 || status === 403 || status === 404) {
        this.disabled = true;
        this.log.warning(
          `Could not write pull-request comments (${describe(e)}): the token may not write to this pull request, as for one from a fork. The job summary has the results.`,
        );
      } else {
        this.log.warning(
          `Could not write the pull-request comment for ${manifest}: ${describe(e)}`,
        );
      }
    }
  }

  url(manifest: string): string | undefined {
    return this.written.get(manifest)?.url;
  }

  /** Edits the manifest's comment when there is one, else writes a new one. */
  private async write(manifest: string, body: string): Promise<IssueComment> {
    const id = this.written.get(manifest)?.id ?? (await this.previous(manifest))?.id;
    if (id === undefined) return this.client.createComment(this.pr, body);
    try {
      return await this.client.updateComment(this.pr, id, body);
    } catch (e) {
      // Deleted since it was found: write a new one.
      if (statusOf(e) !== 404) throw e;
      this.written.delete(manifest);
      return this.client.createComment(this.pr, body);
    }
  }

  /** The comment an earlier run wrote for this manifest, in 'update' mode. */
  private async previous(manifest: string): Promise<IssueComment | undefined> {
    if (this.mode !== 'update') return undefined;
    this.existing ??= this.findExisting().catch((e: unknown) => {
      this.existing = undefined; // list again next time
      throw e;
    });
    return (await this.existing).get(manifest);
  }

  private async findExisting(): Promise<Map<string, IssueComment>> {
    const [login, comments] = await Promise.all([
      this.client.login(),
      this.client.listComments(this.pr),
    ]);
    const found = new Map<string, IssueComment>();
    for (const comment of comments) {
      const manifest = markedManifest(comment.body, this.label);
      // Never another author's comment, even when it quotes the marker.
      if (manifest && comment.user?.login === login) found.set(manifest, comment);
    }
    return found;
  }
}
