/** The GitHub operations that check runs need, over @actions/github's Octokit (github-api.ts). */
import { gitHubApi, type GitHubApiOptions } from './github-api.js';

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

export function createCheckRunClient(
  token: string,
  options: GitHubApiOptions = {},
): CheckRunClient {
  const { octokit, timed } = gitHubApi(token, options);
  return {
    createCheckRun: (repo, headSha, fields) =>
      timed(`creating the check run ${fields.name}`, undefined, async (signal) => {
        const { data } = await octokit.rest.checks.create({
          ...repo,
          head_sha: headSha,
          ...fields,
          request: { signal },
        });
        return { id: data.id, html_url: data.html_url };
      }),
    updateCheckRun: (repo, id, fields) =>
      timed(`updating the check run ${fields.name}`, undefined, async (signal) => {
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
