/**
 * Pull-request comments in memory, behind the CommentClient interface: for the tests
 * that run reporting in process. For the GitHub API over HTTP, see github-emulator.ts.
 */
import type { CommentClient, IssueComment } from '../../src/report/github-comments.js';

export interface FakeComments {
  client: CommentClient;
  /** The comments on the pull request, oldest first. */
  comments: (IssueComment & { body: string })[];
  /** Every call, in order: 'list', 'create <id>', 'update <id>'. */
  calls: string[];
}

export interface FakeIdentity {
  /** Who the token writes as; default github-actions[bot]. */
  login?: string;
  /** Default 'Bot'. */
  type?: 'User' | 'Bot';
  /** True for installation tokens (GITHUB_TOKEN, a GitHub App's): login() cannot tell. */
  hidden?: boolean;
}

export function fakeComments(
  options: FakeIdentity & { existing?: IssueComment[] } = {},
  overrides: Partial<CommentClient> = {},
): FakeComments {
  const user = { login: options.login ?? 'github-actions[bot]', type: options.type ?? 'Bot' };
  const comments = (options.existing ?? []).map((c) => ({ ...c, body: c.body ?? '' }));
  const calls: string[] = [];
  let next = 100;
  const client: CommentClient = {
    login: async () => (options.hidden ? undefined : user.login),
    async listComments() {
      calls.push('list');
      return comments.map((c) => ({ ...c }));
    },
    async createComment(_pr, body) {
      const comment = { id: next++, body, user: { ...user }, html_url: '' };
      comment.html_url = `https://github.com/octo-org/models/pull/7#issuecomment-${comment.id}`;
      comments.push(comment);
      calls.push(`create ${comment.id}`);
      return { ...comment };
    },
    async updateComment(_pr, id, body) {
      const comment = comments.find((c) => c.id === id);
      if (!comment) throw Object.assign(new Error('Not Found'), { status: 404 });
      comment.body = body;
      calls.push(`update ${id}`);
      return { ...comment };
    },
    ...overrides,
  };
  return { client, comments, calls };
}
