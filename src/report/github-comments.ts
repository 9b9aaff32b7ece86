/** The GitHub operations that pull-request comments need, over @actions/github's Octokit. */
import { getOctokit } from '@actions/github';

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

export interface CommentClient {
  /** The login the token writes comments as. */
  login(): Promise<string>;
  /** Every comment of the pull request, all pages. */
  listComments(pr: PullRequest): Promise<IssueComment[]>;
  createComment(pr: PullRequest, body: string): Promise<IssueComment>;
  updateComment(pr: PullRequest, id: number, body: string): Promise<IssueComment>;
}

/** The login of GITHUB_TOKEN, whose identity GET /user does not tell. */
export const ACTIONS_BOT = 'github-actions[bot]';

export function createCommentClient(token: string): CommentClient {
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
