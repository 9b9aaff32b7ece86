/** The GitHub reads a `sync` run needs, over @actions/github's Octokit. */
import { gitHubApi, type GitHubApiOptions } from '../report/github-api.js';
import type { Repository } from '../report/github-checks.js';

/** A check run as listed: what `sync` needs to conclude it. */
export interface ListedCheckRun {
  id: number;
  name: string;
  head_sha: string;
  external_id: string | null;
  /** `queued`, `in_progress` or `completed`. */
  status: string;
  output: { summary: string | null };
}

/** The most check runs listed for one commit: 10 pages of 100. */
export const MAX_CHECK_RUNS = 1000;

export interface SyncClient {
  /** The head commits of the open pull requests, newest first (at most 100). */
  openPullRequests(repo: Repository): Promise<{ number: number; headSha: string }[]>;
  /** The repository's default branch. */
  defaultBranch(repo: Repository): Promise<string>;
  /** The newest `count` commits of a branch. */
  recentCommits(repo: Repository, branch: string, count: number): Promise<string[]>;
  /** The check runs of a commit still in progress (at most {@link MAX_CHECK_RUNS}). */
  inProgressCheckRuns(repo: Repository, sha: string): Promise<ListedCheckRun[]>;
  /**
   * The newest check run of each name on a commit, in progress or concluded (at most
   * {@link MAX_CHECK_RUNS}).
   */
  checkRuns(repo: Repository, sha: string): Promise<ListedCheckRun[]>;
}

export function createSyncClient(token: string, options: GitHubApiOptions = {}): SyncClient {
  const { octokit, timed } = gitHubApi(token, options);
  return {
    openPullRequests: (repo) =>
      timed('listing the open pull requests', undefined, async (signal) => {
        const { data } = await octokit.rest.pulls.list({
          ...repo,
          state: 'open',
          sort: 'updated',
          direction: 'desc',
          per_page: 100,
          request: { signal },
        });
        return data.map((pr) => ({ number: pr.number, headSha: pr.head.sha }));
      }),
    defaultBranch: (repo) =>
      timed('reading the repository', undefined, async (signal) => {
        const { data } = await octokit.rest.repos.get({ ...repo, request: { signal } });
        return data.default_branch;
      }),
    recentCommits: (repo, branch, count) =>
      timed(`listing the commits of ${branch}`, undefined, async (signal) => {
        const { data } = await octokit.rest.repos.listCommits({
          ...repo,
          sha: branch,
          per_page: count,
          request: { signal },
        });
        return data.map((commit) => commit.sha);
      }),
    inProgressCheckRuns: (repo, sha) => listCheckRuns(repo, sha, 'in_progress'),
    checkRuns: (repo, sha) => listCheckRuns(repo, sha),
  };

  /** A commit's check runs, page by page (100 each), up to {@link MAX_CHECK_RUNS}. */
  function listCheckRuns(
    repo: Repository,
    sha: string,
    status?: 'in_progress',
  ): Promise<ListedCheckRun[]> {
    return timed(`listing the check runs of ${sha}`, undefined, async (signal) => {
      const runs: ListedCheckRun[] = [];
      const pages = octokit.paginate.iterator(octokit.rest.checks.listForRef, {
        ...repo,
        ref: sha,
        ...(status ? { status } : {}),
        filter: 'latest',
        per_page: 100,
        request: { signal },
      });
      for await (const { data } of pages) {
        for (const run of data) {
          runs.push({
            id: run.id,
            name: run.name,
            head_sha: run.head_sha,
            external_id: run.external_id,
            status: run.status,
            output: { summary: run.output.summary },
          });
        }
        if (runs.length >= MAX_CHECK_RUNS) break;
      }
      return runs.slice(0, MAX_CHECK_RUNS);
    });
  }
}
