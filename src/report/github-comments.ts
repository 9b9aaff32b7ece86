/**
 * The GitHub operations that pull-request comments need, over @actions/github's Octokit.
 * Every call has a timeout, and its errors arrive as GitHubApiError (GitHub answered with
 * an error, rate limits recognized) or GitHubTimeoutError (GitHub did not answer in time).
 */
import { getOctokit } from '@actions/github';

export interface PullRequest {
  owner: string;
  repo: string;
  number: number;
  /**
   * When the pull request comes from a fork: the fork's owner/repo, or '' when it is not
   * known (the fork was deleted). Undefined for pull requests of the repository itself,
   * and when the event does not tell.
   */
  fork?: string;
}

export interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login: string; type?: string } | null;
  html_url: string;
}

export interface CommentClient {
  /**
   * The login the token writes comments as; undefined when the token may not read it:
   * installation tokens (GITHUB_TOKEN, a GitHub App's) get 403 from GET /user.
   */
  login(signal?: AbortSignal): Promise<string | undefined>;
  /** Every comment of the pull request, all pages. */
  listComments(pr: PullRequest, signal?: AbortSignal): Promise<IssueComment[]>;
  createComment(pr: PullRequest, body: string, signal?: AbortSignal): Promise<IssueComment>;
  updateComment(
    pr: PullRequest,
    id: number,
    body: string,
    signal?: AbortSignal,
  ): Promise<IssueComment>;
}

/** The longest one GitHub call may take. */
export const CALL_TIMEOUT_MS = 10_000;

/** GitHub answered a call with an error status. */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';

  constructor(
    readonly status: number,
    message: string,
    /** When the answer says a rate limit was reached: when it resets (ms since the epoch). */
    readonly rateLimitResetsAt?: number,
  ) {
    super(message);
  }
}

/** GitHub did not answer a call in time. */
export class GitHubTimeoutError extends Error {
  override readonly name = 'GitHubTimeoutError';

  constructor(
    readonly timeoutMs: number,
    /** What the call was for, e.g. 'listing the comments of pull request #7'. */
    readonly call: string,
  ) {
    super(`GitHub did not answer within ${seconds(timeoutMs)} (${call})`);
  }
}

/** A duration for messages: '10 s', '0.2 s'. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

export interface CommentClientOptions {
  /** The longest one call may take; default {@link CALL_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** The API's URL; by default GITHUB_API_URL's, as @actions/github reads it. */
  baseUrl?: string;
  /** Clock in ms since the epoch, for rate limits given as seconds to wait. */
  now?: () => number;
}

/** A header of an error answer, lower-case name. */
function header(error: unknown, name: string): string | undefined {
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
  const value = headers?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * When a 403 or 429 answer is a rate limit, the time it resets, as GitHub documents it:
 * `retry-after` seconds; else `x-ratelimit-reset` when `x-ratelimit-remaining` is 0; else
 * (a rate limit without either header) a minute.
 */
export function rateLimitResetsAt(
  status: number,
  message: string,
  headerOf: (name: string) => string | undefined,
  now: number,
): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headerOf('retry-after')?.trim();
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) {
    return now + Number(retryAfter) * 1000;
  }
  if (headerOf('x-ratelimit-remaining')?.trim() === '0') {
    const reset = headerOf('x-ratelimit-reset')?.trim();
    return reset !== undefined && /^\d+$/.test(reset) ? Number(reset) * 1000 : now + 60_000;
  }
  if (status === 429 || /\brate limit\b/i.test(message)) return now + 60_000;
  return undefined;
}

/** Octokit's error as a GitHubApiError; other errors (no answer at all) unchanged. */
function apiError(error: unknown, now: number): unknown {
  const status = (error as { status?: unknown }).status;
  const response = (error as { response?: { data?: unknown } }).response;
  if (typeof status !== 'number' || !response) return error;
  const data = response.data as { message?: unknown } | undefined;
  const message =
    typeof data?.message === 'string' ? data.message : (error as Error).message || 'no message';
  return new GitHubApiError(
    status,
    message,
    rateLimitResetsAt(status, message, (name) => header(error, name), now),
  );
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export function createCommentClient(
  token: string,
  options: CommentClientOptions = {},
): CommentClient {
  const octokit = getOctokit(token, options.baseUrl ? { baseUrl: options.baseUrl } : {});
  const timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS;
  const now = options.now ?? Date.now;

  /**
   * One call, given up after `timeoutMs` or when `outer` aborts: its request is aborted
   * and the promise rejects at once, whatever the connection does.
   */
  async function timed<T>(
    call: string,
    outer: AbortSignal | undefined,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (outer?.aborted) throw outer.reason;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new GitHubTimeoutError(timeoutMs, call)),
      timeoutMs,
    );
    const forward = () => controller.abort(outer!.reason);
    outer?.addEventListener('abort', forward, { once: true });
    try {
      return await Promise.race([send(controller.signal), rejectOnAbort(controller.signal)]);
    } catch (e) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw apiError(e, now());
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    }
  }

  return {
    async login(signal) {
      try {
        const { data } = await timed('reading the login of the token', signal, (s) =>
          octokit.rest.users.getAuthenticated({ request: { signal: s } }),
        );
        return data.login;
      } catch (e) {
        // Installation tokens may not read /user; a rate limit is no answer about that.
        if (e instanceof GitHubApiError && e.status === 403 && e.rateLimitResetsAt === undefined) {
          return undefined;
        }
        throw e;
      }
    },
    async listComments(pr, signal) {
      const comments: IssueComment[] = [];
      // Page by page, each call with its own timeout; the next page is the `page` of the
      // Link header's next URL, always asked of the same API.
      for (let page: number | undefined = 1; page !== undefined;) {
        const current: number = page;
        const { data, headers } = await timed(
          `listing the comments of pull request #${pr.number}`,
          signal,
          (s) =>
            octokit.rest.issues.listComments({
              owner: pr.owner,
              repo: pr.repo,
              issue_number: pr.number,
              per_page: 100,
              page: current,
              request: { signal: s },
            }),
        );
        comments.push(...data);
        page = nextPage(headers.link, current);
      }
      return comments;
    },
    async createComment(pr, body, signal) {
      const { data } = await timed(`writing a comment on pull request #${pr.number}`, signal, (s) =>
        octokit.rest.issues.createComment({
          owner: pr.owner,
          repo: pr.repo,
          issue_number: pr.number,
          body,
          request: { signal: s },
        }),
      );
      return data;
    },
    async updateComment(pr, id, body, signal) {
      const { data } = await timed(`editing a comment on pull request #${pr.number}`, signal, (s) =>
        octokit.rest.issues.updateComment({
          owner: pr.owner,
          repo: pr.repo,
          comment_id: id,
          body,
          request: { signal: s },
        }),
      );
      return data;
    },
  };
}

/** The page the Link header's `next` URL asks for, when it comes after `current`. */
function nextPage(link: string | undefined, current: number): number | undefined {
  const url = /<([^<>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
  if (!url) return undefined;
  let page: string | null;
  try {
    page = new URL(url).searchParams.get('page');
  } catch {
    return undefined;
  }
  return page !== null && /^\d+$/.test(page) && Number(page) > current ? Number(page) : undefined;
}
