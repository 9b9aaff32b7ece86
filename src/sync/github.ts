/** The GitHub reads a `sync` run needs, over @actions/github's Octokit. */
import { gitHubApi, type GitHubApiOptions } from '../report/github-api.js';
import type { Repository } from '../report/github-checks.js';

/** A check run as listed: what `sync` needs to conclude it. */
export interface ListedCheckRun {
  id: number;
  name: string;
  head_sha: string;
  external_id: string | null;
  output: { summary: string | null };
}

export interface SyncClient {
  /** The head commits of the open pull requests, newest first (at most 100). */
  openPullRequests(repo: Repository): Promise<{ number: number; headSha: string }[]>;
  /** The repository's default branch. */
  defaultBranch(repo: Repository): Promise<string>;
  /** The newest `count` commits of a branch. */
  recentCommits(repo: Repository, branch: string, count: number): Promise<string[]>;
  /** The check runs of a commit still in progress (at most 100). */
  inProgressCheckRuns(repo: Repository, sha: string): Promise<ListedCheckRun[]>;
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
    inProgressCheckRuns: (repo, sha) =>
      timed(`listing the check runs of ${sha}`, undefined, async (signal) => {
        const { data } = await octokit.rest.checks.listForRef({
          ...repo,
          ref: sha,
          status: 'in_progress',
          filter: 'latest',
          per_page: 100,
          request: { signal },
        });
        return data.check_runs.map((run) => ({
          id: run.id,
          name: run.name,
          head_sha: run.head_sha,
          external_id: run.external_id,
          output: { summary: run.output.summary },
        }));
      }),
  };
}
