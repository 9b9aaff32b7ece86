/**
 * Pull-request comments (SPEC §6): one per manifest, found again by its hidden marker
 * among all pages of comments but only among those written by the token's own
 * identity, and edited in place when its body changes. GitHub API errors are warnings:
 * they never change the run's result.
 */
import { readFileSync } from 'node:fs';
import type { Log } from '../log.js';

export interface PullRequest {
  owner: string;
  repo: string;
  number: number;
}

export interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login: string } | null;
  html_url: string;
}

/** The GitHub operations the comments need; createCommentClient gives the real ones. */
export interface CommentClient {
  /** The login the token writes comments as. */
  login(): Promise<string>;
  listComments(pr: PullRequest): Promise<IssueComment[]>;
  createComment(pr: PullRequest, body: string): Promise<IssueComment>;
  updateComment(pr: PullRequest, id: number, body: string): Promise<IssueComment>;
}

/** The login of GITHUB_TOKEN, whose identity GET /user does not tell. */
export const ACTIONS_BOT = 'github-actions[bot]';

/** The pull request the run belongs to, or undefined for other events. */
export function pullRequestOf(
  eventName: string | undefined,
  eventPath: string | undefined,
  repository: string | undefined,
): PullRequest | undefined {
  if (!eventName || !eventPath || !repository?.includes('/')) return undefined;
  let payload: {
    pull_request?: { number?: number };
    issue?: { number?: number; pull_request?: unknown };
  };
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch {
    return undefined;
  }
  let number: number | undefined;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    number = payload.pull_request?.number;
  } else if (eventName === 'issue_comment' && payload.issue?.pull_request) {
    number = payload.issue.number;
  }
  if (typeof number !== 'number') return undefined;
  const [owner, repo] = repository.split('/') as [string, string];
  return { owner, repo, number };
}

/** The comments client over Octokit; @actions/github is loaded only when it is needed. */
export async function createCommentClient(token: string): Promise<CommentClient> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token);
  return {
    async login() {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return data.login;
      } catch (e) {
        // Installation tokens (GITHUB_TOKEN, GitHub Apps) may not read /user.
        if ((e as { status?: number }).status === 403) return ACTIONS_BOT;
        throw e;
      }
    },
    listComments: (pr) =>
      octokit.paginate(octokit.rest.issues.listComments, {
        owner: pr.owner,
        repo: pr.repo,
        issue_number: pr.number,
        per_page: 100,
      }),
    async createComment(pr, body) {
      const { data } = await octokit.rest.issues.createComment({
        owner: pr.owner,
        repo: pr.repo,
        issue_number: pr.number,
        body,
      });
      return data;
    },
    async updateComment(pr, id, body) {
      const { data } = await octokit.rest.issues.updateComment({
        owner: pr.owner,
        repo: pr.repo,
        comment_id: id,
        body,
      });
      return data;
    },
  };
}

const MARKER = /<!-- sagemaker-model-package-action manifest=(\S+) -->/;

/** The manifest a comment body is about, from its marker. */
export function markedManifest(body: string | null | undefined): string | undefined {
  const encoded = MARKER.exec(body ?? '')?.[1];
  if (!encoded) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status;
}

export class PullRequestComments {
  private readonly ids = new Map<string, number>();
  private readonly bodies = new Map<string, string>();
  private readonly urls = new Map<string, string>();
  private existing?: Promise<Map<string, IssueComment>>;
  private disabled = false;

  constructor(
    private readonly client: CommentClient,
    private readonly pr: PullRequest,
    private readonly mode: 'update' | 'new',
    private readonly log: Log,
  ) {}

  /** Writes a manifest's comment, unless its body is what was written last. */
  async publish(manifest: string, body: string): Promise<void> {
    if (this.disabled || this.bodies.get(manifest) === body) return;
    try {
      const comment = await this.write(manifest, body);
      this.ids.set(manifest, comment.id);
      this.bodies.set(manifest, body);
      this.urls.set(manifest, comment.html_url);
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

  private async write(manifest: string, body: string): Promise<IssueComment> {
    const id = this.ids.get(manifest) ?? (await this.previous(manifest))?.id;
    if (id === undefined) return this.client.createComment(this.pr, body);
    try {
      return await this.client.updateComment(this.pr, id, body);
    } catch (e) {
      // Deleted since it was found: write a new one.
      if (statusOf(e) !== 404) throw e;
      this.ids.delete(manifest);
      return this.client.createComment(this.pr, body);
    }
  }

  /** The URL of a manifest's comment, once one was written. */
  url(manifest: string): string | undefined {
    return this.urls.get(manifest);
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
      const manifest = markedManifest(comment.body);
      // Never another author's comment, even when it quotes the marker.
      if (manifest && comment.user?.login === login) found.set(manifest, comment);
    }
    return found;
  }
}

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string };
  return e.status ? `HTTP ${e.status}: ${e.message}` : String(e?.message ?? error);
}
