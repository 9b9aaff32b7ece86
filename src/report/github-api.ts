/**
 * GitHub's API as every client of the action calls it (comments, check runs, a sync's
 * reads): @actions/github's Octokit, each call with its own timeout, and every error read
 * in one way: GitHubApiError (GitHub answered with an error, rate limits recognized) or
 * GitHubTimeoutError (GitHub did not answer in time).
 */
import { getOctokit } from '@actions/github';

/** The longest one GitHub call may take: a reporting call never holds the run up. */
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

/** A time for messages, such as when a rate limit resets: 2025-01-15 13:00:00 UTC. */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration for messages: '10 s', '0.2 s'. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

export interface GitHubApiOptions {
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

/**
 * What an error of a GitHub call says, for warnings: its HTTP status and message (at
 * most 300 characters), and whether it was a rate limit.
 */
export function githubError(error: unknown): {
  status?: number;
  rateLimited: boolean;
  message: string;
} {
  const e = error as { status?: unknown; message?: unknown } | undefined;
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const text = String(e?.message ?? error).slice(0, 300);
  const rateLimited =
    error instanceof GitHubApiError
      ? error.rateLimitResetsAt !== undefined
      : /\brate limit\b/i.test(text);
  return { status, rateLimited, message: status ? `HTTP ${status}: ${text}` : text };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Octokit for a token, and `timed`, through which each call is sent. */
export function gitHubApi(token: string, options: GitHubApiOptions = {}) {
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

  return { octokit, timed };
}
