/**
 * The GitHub operations that pull-request comments need, over @actions/github's Octokit
 * (github-api.ts: every call has a timeout, and its errors are read in one way).
 */
import { GitHubApiError, gitHubApi, type GitHubApiOptions } from './github-api.js';

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

export function createCommentClient(token: string, options: GitHubApiOptions = {}): CommentClient {
  const { octokit, timed } = gitHubApi(token, options);

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
