/** The GitHub operations that check runs need, over @actions/github's Octokit. */
import { getOctokit } from '@actions/github';

export interface Repository {
  owner: string;
  repo: string;
}

export type CheckRunStatus = 'in_progress' | 'completed';
export type CheckRunConclusion = 'success' | 'failure';

/** What the action writes on a check run (the members of GitHub's create and update requests). */
export interface CheckRunFields {
  name: string;
  status: CheckRunStatus;
  /** Only with status completed. */
  conclusion?: CheckRunConclusion;
  /** The package's ARN, by which a later run finds the check runs still in progress. */
  external_id?: string;
  details_url?: string;
  output: { title: string; summary: string; text: string };
}

export interface CheckRun {
  id: number;
  html_url?: string | null;
}

export interface CheckRunClient {
  createCheckRun(repo: Repository, headSha: string, fields: CheckRunFields): Promise<CheckRun>;
  updateCheckRun(repo: Repository, id: number, fields: CheckRunFields): Promise<CheckRun>;
}

/** Each GitHub call gives up after this long: a reporting call never holds the run up. */
export const GITHUB_CALL_TIMEOUT_MS = 15_000;

/** A GitHub call that did not answer in time. */
export class GitHubTimeoutError extends Error {
  constructor(ms: number) {
    super(`GitHub did not answer within ${Math.round(ms / 1000)} s`);
    this.name = 'GitHubTimeoutError';
  }
}

/** Runs one call with its own deadline; its end is a GitHubTimeoutError. */
export async function withTimeout<T>(
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  try {
    return await call(signal);
  } catch (e) {
    if (signal.aborted) throw new GitHubTimeoutError(ms);
    throw e;
  }
}

export interface CheckRunClientOptions {
  /** Per call; {@link GITHUB_CALL_TIMEOUT_MS} by default. */
  timeoutMs?: number;
  /** The API's URL; GITHUB_API_URL, then https://api.github.com, by default. */
  baseUrl?: string;
}

export function createCheckRunClient(
  token: string,
  options: CheckRunClientOptions = {},
): CheckRunClient {
  const octokit = getOctokit(token, options.baseUrl ? { baseUrl: options.baseUrl } : {});
  const ms = options.timeoutMs ?? GITHUB_CALL_TIMEOUT_MS;
  return {
    createCheckRun: (repo, headSha, fields) =>
      withTimeout(ms, async (signal) => {
        const { data } = await octokit.rest.checks.create({
          ...repo,
          head_sha: headSha,
          ...fields,
          request: { signal },
        });
        return { id: data.id, html_url: data.html_url };
      }),
    updateCheckRun: (repo, id, fields) =>
      withTimeout(ms, async (signal) => {
        const { data } = await octokit.rest.checks.update({
          ...repo,
          check_run_id: id,
          ...fields,
          request: { signal },
        });
        return { id: data.id, html_url: data.html_url };
      }),
  };
}
