import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { getOctokit } from '@actions/github';
import {
  APP_BOT,
  OCTOCAT,
  startGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  type GitHubUser,
} from './harness/github-emulator.js';
import { NO_ID_TOKEN } from './harness/memory-runner.js';
import { until } from './harness/until.js';
import { actionsCore } from '../src/runner/actions-core.js';

const START = Date.UTC(2025, 0, 15, 12, 0, 0);
const owner = 'acme';
const repo = 'models';
const issue_number = 7;
const COMMENTS = `/repos/${owner}/${repo}/issues/${issue_number}/comments`;

let clock = START;
let emulator: GitHubEmulator;

async function start(options: GitHubEmulatorOptions = {}): Promise<void> {
  emulator = await startGitHubEmulator({ now: () => clock, ...options });
}

const octokit = (token: string) => getOctokit(token, { baseUrl: emulator.url });

/** The status and body of a request Octokit rejected. */
async function rejection(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
  } catch (error) {
    const { status, response } = error as { status: number; response?: { data: unknown } };
    return { status, data: response?.data };
  }
  throw new Error('expected the request to fail');
}

beforeEach(async () => {
  clock = START;
  await start();
});

afterEach(async () => {
  await emulator?.close();
});

describe('comments', () => {
  it('creates, lists, updates and deletes a comment', async () => {
    const github = octokit('ghs_writer');

    const created = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number,
      body: 'Model package check passed',
    });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
    const id = created.data.id;
    expect(id).toBe(2400000001);
    expect(created.headers.location).toBe(
      `${emulator.url}/repos/acme/models/issues/comments/${id}`,
    );
    expect(created.data).toMatchObject({
      id,
      node_id: Buffer.from(`012:IssueComment${id}`).toString('base64'),
      body: 'Model package check passed',
      html_url: `https://github.com/acme/models/pull/7#issuecomment-${id}`,
      url: `${emulator.url}/repos/acme/models/issues/comments/${id}`,
      issue_url: `${emulator.url}/repos/acme/models/issues/7`,
      created_at: '2025-01-15T12:00:00Z',
      updated_at: '2025-01-15T12:00:00Z',
      user: {
        login: 'github-actions[bot]',
        id: 41898282,
        node_id: 'MDM6Qm90NDE4OTgyODI=',
        type: 'Bot',
        html_url: 'https://github.com/apps/github-actions',
      },
    });

    const listed = await github.rest.issues.listComments({ owner, repo, issue_number });
    expect(listed.status).toBe(200);
    expect(listed.headers.link).toBeUndefined();
    expect(listed.data.map((comment) => [comment.id, comment.body])).toEqual([
      [id, 'Model package check passed'],
    ]);

    clock = START + 90_000;
    const updated = await github.rest.issues.updateComment({
      owner,
      repo,
      comment_id: id,
      body: 'Model package check failed',
    });
    expect(updated.status).toBe(200);
    expect(updated.data).toMatchObject({
      id,
      body: 'Model package check failed',
      created_at: '2025-01-15T12:00:00Z',
      updated_at: '2025-01-15T12:01:30Z',
    });
    expect(emulator.comments(owner, repo, issue_number).map((comment) => comment.body)).toEqual([
      'Model package check failed',
    ]);

    const deleted = await github.rest.issues.deleteComment({ owner, repo, comment_id: id });
    expect(deleted.status).toBe(204);
    expect(deleted.data).toBe('');
    expect(emulator.comments(owner, repo, issue_number)).toEqual([]);
    expect((await github.rest.issues.listComments({ owner, repo, issue_number })).data).toEqual([]);

    expect(
      emulator.requests.map((request) => [request.method, request.path, request.status]),
    ).toEqual([
      ['POST', COMMENTS, 201],
      ['GET', COMMENTS, 200],
      ['PATCH', `/repos/acme/models/issues/comments/${id}`, 200],
      ['DELETE', `/repos/acme/models/issues/comments/${id}`, 204],
      ['GET', COMMENTS, 200],
    ]);
    expect(emulator.requests[0]).toMatchObject({
      body: { body: 'Model package check passed' },
      token: 'ghs_writer',
      at: START,
    });
    expect(emulator.requests[2]?.at).toBe(START + 90_000);
    expect(emulator.requests[2]?.foreignAuthor).toBeUndefined();
  });

  it('moves updated_at forward by a second when an edit comes within the same second', async () => {
    const github = octokit('ghs_writer');
    const { data } = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number,
      body: 'a',
    });
    const first = await github.rest.issues.updateComment({
      owner,
      repo,
      comment_id: data.id,
      body: 'b',
    });
    const second = await github.rest.issues.updateComment({
      owner,
      repo,
      comment_id: data.id,
      body: 'c',
    });
    expect([data.updated_at, first.data.updated_at, second.data.updated_at]).toEqual([
      '2025-01-15T12:00:00Z',
      '2025-01-15T12:00:01Z',
      '2025-01-15T12:00:02Z',
    ]);
  });

  it('keeps comments per repository and issue, matching owner and repository case-insensitively', async () => {
    const github = octokit('ghs_writer');
    await github.rest.issues.createComment({ owner, repo, issue_number, body: 'on 7' });
    await github.rest.issues.createComment({ owner, repo, issue_number: 8, body: 'on 8' });
    await github.rest.issues.createComment({ owner, repo: 'other', issue_number, body: 'other' });

    const upper = await github.rest.issues.listComments({
      owner: 'ACME',
      repo: 'Models',
      issue_number,
    });
    expect(upper.data.map((comment) => comment.body)).toEqual(['on 7']);
    expect(emulator.comments(owner, repo, 8).map((comment) => comment.body)).toEqual(['on 8']);
    expect(emulator.comments(owner, 'other', 7).map((comment) => comment.body)).toEqual(['other']);
    expect(emulator.comments(owner, repo, 99)).toEqual([]);
  });

  it('answers 404 for unknown comments, comments of another repository and unknown routes', async () => {
    const github = octokit('ghs_writer');
    const { data } = await github.rest.issues.createComment({
      owner,
      repo: 'other',
      issue_number,
      body: 'elsewhere',
    });

    expect(
      await rejection(
        github.rest.issues.updateComment({ owner, repo, comment_id: 123, body: 'x' }),
      ),
    ).toEqual({
      status: 404,
      data: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
        status: '404',
      },
    });
    expect(
      (await rejection(github.rest.issues.deleteComment({ owner, repo, comment_id: data.id })))
        .status,
    ).toBe(404);
    expect(
      await rejection(github.request('GET /repos/{owner}/{repo}/releases', { owner, repo })),
    ).toEqual({
      status: 404,
      data: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      },
    });
    expect(emulator.comments(owner, 'other', issue_number).map((comment) => comment.body)).toEqual([
      'elsewhere',
    ]);
  });
});

describe('pagination', () => {
  beforeEach(() => {
    for (let index = 1; index <= 45; index++) {
      emulator.addComment(owner, repo, issue_number, `comment ${index}`);
    }
  });

  it('follows the Link header through 45 comments, 10 a page', async () => {
    const github = octokit('ghs_writer');
    const all = await github.paginate(github.rest.issues.listComments, {
      owner,
      repo,
      issue_number,
      per_page: 10,
    });
    expect(all.map((comment) => comment.body)).toEqual(
      Array.from({ length: 45 }, (_, index) => `comment ${index + 1}`),
    );
    expect(all.map((comment) => comment.id)).toEqual(
      Array.from({ length: 45 }, (_, index) => 2400000001 + index),
    );
    expect(emulator.requests.map((request) => request.query)).toEqual([
      { per_page: '10' },
      { per_page: '10', page: '2' },
      { per_page: '10', page: '3' },
      { per_page: '10', page: '4' },
      { per_page: '10', page: '5' },
    ]);
    expect(emulator.requests.every((request) => request.path === COMMENTS)).toBe(true);
  });

  it("writes the Link header in GitHub's format", async () => {
    const github = octokit('ghs_writer');
    const base = `${emulator.url}${COMMENTS}`;
    const page = (number?: number) =>
      github.rest.issues.listComments({ owner, repo, issue_number, per_page: 10, page: number });

    const first = await page();
    expect(first.data).toHaveLength(10);
    expect(first.headers.link).toBe(
      `<${base}?per_page=10&page=2>; rel="next", <${base}?per_page=10&page=5>; rel="last"`,
    );

    const middle = await page(3);
    expect(middle.data.map((comment) => comment.body)).toEqual(
      Array.from({ length: 10 }, (_, index) => `comment ${index + 21}`),
    );
    expect(middle.headers.link).toBe(
      `<${base}?per_page=10&page=2>; rel="prev", <${base}?per_page=10&page=4>; rel="next", ` +
        `<${base}?per_page=10&page=5>; rel="last", <${base}?per_page=10&page=1>; rel="first"`,
    );

    const last = await page(5);
    expect(last.data.map((comment) => comment.body)).toEqual([
      'comment 41',
      'comment 42',
      'comment 43',
      'comment 44',
      'comment 45',
    ]);
    expect(last.headers.link).toBe(
      `<${base}?per_page=10&page=4>; rel="prev", <${base}?per_page=10&page=1>; rel="first"`,
    );

    const beyond = await page(6);
    expect(beyond.data).toEqual([]);
    expect(beyond.headers.link).toBe(
      `<${base}?per_page=10&page=5>; rel="prev", <${base}?per_page=10&page=1>; rel="first"`,
    );
  });

  it('defaults to 30 a page and caps per_page at 100', async () => {
    const github = octokit('ghs_writer');
    const base = `${emulator.url}${COMMENTS}`;

    const byDefault = await github.rest.issues.listComments({ owner, repo, issue_number });
    expect(byDefault.data).toHaveLength(30);
    expect(byDefault.headers.link).toBe(
      `<${base}?page=2>; rel="next", <${base}?page=2>; rel="last"`,
    );

    const capped = await github.rest.issues.listComments({
      owner,
      repo,
      issue_number,
      per_page: 500,
    });
    expect(capped.data).toHaveLength(45);
    expect(capped.headers.link).toBeUndefined();
  });
});

describe('validation', () => {
  it('rejects a body over 65,536 characters with 422 and accepts exactly 65,536', async () => {
    const github = octokit('ghs_writer');
    const tooLong = await rejection(
      github.rest.issues.createComment({ owner, repo, issue_number, body: 'x'.repeat(65537) }),
    );
    expect(tooLong).toEqual({
      status: 422,
      data: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)',
          },
        ],
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '422',
      },
    });
    expect(emulator.comments(owner, repo, issue_number)).toEqual([]);

    const fits = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number,
      body: 'x'.repeat(65536),
    });
    expect(fits.status).toBe(201);
    expect(fits.data.body).toHaveLength(65536);

    // Characters, not UTF-16 units: 65,536 emoji are 131,072 units but fit.
    const emoji = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number,
      body: '🚀'.repeat(65536),
    });
    expect(emoji.status).toBe(201);
  });

  it('rejects an update over 65,536 characters and keeps the comment', async () => {
    const github = octokit('ghs_writer');
    const seeded = emulator.addComment(owner, repo, issue_number, 'report');
    const result = await rejection(
      github.rest.issues.updateComment({
        owner,
        repo,
        comment_id: seeded.id,
        body: 'y'.repeat(70000),
      }),
    );
    expect(result.status).toBe(422);
    expect(result.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ code: 'custom', message: 'body is too long (maximum is 65536 characters)' }],
      documentation_url: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
    });
    expect(emulator.comments(owner, repo, issue_number)).toEqual([seeded]);
  });

  it('rejects a missing body, a body that is not a string and malformed JSON', async () => {
    const github = octokit('ghs_writer');
    // A route given as a plain string skips Octokit's typing of the parameters.
    const route: string = `POST ${COMMENTS}`;
    const missing = await rejection(github.request(route, {}));
    expect(missing.status).toBe(422);
    expect(missing.data).toMatchObject({ message: 'Invalid request.\n\n"body" wasn\'t supplied.' });

    const notString = await rejection(github.request(route, { body: 5 }));
    expect(notString.status).toBe(422);
    expect(notString.data).toMatchObject({
      message: "Invalid request.\n\nFor 'properties/body', 5 is not a string.",
    });

    const empty = await rejection(
      github.rest.issues.createComment({ owner, repo, issue_number, body: '' }),
    );
    expect(empty).toMatchObject({
      status: 422,
      data: {
        message: 'Validation Failed',
        errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
      },
    });

    const malformed = await fetch(`${emulator.url}${COMMENTS}`, {
      method: 'POST',
      headers: { authorization: 'token ghs_writer', 'content-type': 'application/json' },
      body: '{"body": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ message: 'Problems parsing JSON' });
    expect(emulator.requests.at(-1)?.body).toBe('{"body": ');
    expect(emulator.comments(owner, repo, issue_number)).toEqual([]);
  });
});

describe('authentication and permissions', () => {
  it('answers 401 Bad credentials for an unknown token', async () => {
    const result = await rejection(
      octokit('ghp_unknown').rest.issues.listComments({ owner, repo, issue_number }),
    );
    expect(result).toEqual({
      status: 401,
      data: {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      },
    });
    expect(emulator.requests[0]?.token).toBe('ghp_unknown');
  });

  it('answers 401 without a token and accepts Bearer tokens', async () => {
    const anonymous = await fetch(`${emulator.url}${COMMENTS}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await anonymous.json()).toEqual({
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    expect(emulator.requests[0]?.token).toBeUndefined();

    const bearer = await fetch(`${emulator.url}${COMMENTS}`, {
      headers: { authorization: 'Bearer ghs_writer' },
    });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual([]);
  });

  it('answers 403 to a read-only token that creates, updates or deletes, and lets it read', async () => {
    const reader = octokit('ghs_reader');
    const seeded = emulator.addComment(owner, repo, issue_number, 'previous report');

    const create = await rejection(
      reader.rest.issues.createComment({ owner, repo, issue_number, body: 'new report' }),
    );
    expect(create).toEqual({
      status: 403,
      data: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '403',
      },
    });

    const update = await rejection(
      reader.rest.issues.updateComment({ owner, repo, comment_id: seeded.id, body: 'changed' }),
    );
    expect(update).toEqual({
      status: 403,
      data: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
        status: '403',
      },
    });

    const remove = await rejection(
      reader.rest.issues.deleteComment({ owner, repo, comment_id: seeded.id }),
    );
    expect(remove.status).toBe(403);

    const listed = await reader.rest.issues.listComments({ owner, repo, issue_number });
    expect(listed.data.map((comment) => comment.body)).toEqual(['previous report']);
    expect(emulator.comments(owner, repo, issue_number)).toEqual([seeded]);
    expect(emulator.writes()).toBe(0);
  });

  it('answers GET /user for a user token and 403 for installation tokens', async () => {
    const user = await octokit('ghp_user').rest.users.getAuthenticated();
    expect(user.status).toBe(200);
    expect(user.data).toMatchObject({
      login: 'octocat',
      id: 583231,
      node_id: 'MDQ6VXNlcjU4MzIzMQ==',
      type: 'User',
      html_url: 'https://github.com/octocat',
    });

    for (const token of ['ghs_writer', 'ghs_reader']) {
      expect(await rejection(octokit(token).rest.users.getAuthenticated())).toEqual({
        status: 403,
        data: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          status: '403',
        },
      });
    }
  });

  it("writes as a GitHub App's bot with an App's installation token, which may not read GET /user", async () => {
    const app = octokit('ghs_app');
    expect(await rejection(app.rest.users.getAuthenticated())).toMatchObject({
      status: 403,
      data: { message: 'Resource not accessible by integration' },
    });
    const { data } = await app.rest.issues.createComment({ owner, repo, issue_number, body: 'x' });
    expect(data.user).toMatchObject({
      login: APP_BOT.login,
      id: APP_BOT.id,
      type: 'Bot',
      html_url: 'https://github.com/apps/sagemaker-models',
    });
  });

  it('answers 404 for the comments of an issue that does not exist, when told which exist', async () => {
    await emulator.close();
    await start({ issues: ['Acme/Models#7'] });
    const github = octokit('ghs_writer');
    expect((await github.rest.issues.listComments({ owner, repo, issue_number })).status).toBe(200);
    const other = { owner, repo, issue_number: 8 };
    expect(await rejection(github.rest.issues.listComments(other))).toEqual({
      status: 404,
      data: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest/issues/comments#list-issue-comments',
        status: '404',
      },
    });
    expect(
      await rejection(github.rest.issues.createComment({ ...other, body: 'x' })),
    ).toMatchObject({
      status: 404,
      data: {
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      },
    });
    expect(
      await rejection(github.rest.issues.listComments({ ...other, repo: 'fork' })),
    ).toMatchObject({ status: 404 });
    expect(emulator.writes()).toBe(0);
    await expect(startGitHubEmulator({ issues: ['acme/models/7'] })).rejects.toThrow(RangeError);
  });

  it('uses the tokens it is given instead of the defaults', async () => {
    await emulator.close();
    const reviewer: GitHubUser = { login: 'reviewer', id: 1001, type: 'User' };
    await start({
      tokens: {
        github_pat_reader: { user: reviewer, write: false, installation: false },
      },
    });
    expect(
      (
        await rejection(
          octokit('ghs_writer').rest.issues.listComments({ owner, repo, issue_number }),
        )
      ).status,
    ).toBe(401);
    const me = await octokit('github_pat_reader').rest.users.getAuthenticated();
    expect(me.data.login).toBe('reviewer');
    expect(
      await rejection(
        octokit('github_pat_reader').rest.issues.createComment({
          owner,
          repo,
          issue_number,
          body: 'x',
        }),
      ),
    ).toMatchObject({
      status: 403,
      data: { message: 'Resource not accessible by personal access token' },
    });
  });
});

describe('test controls', () => {
  it('fails the next request with an injected status, then recovers', async () => {
    const github = octokit('ghs_writer');
    emulator.fail(502);
    expect(await rejection(github.rest.issues.listComments({ owner, repo, issue_number }))).toEqual(
      {
        status: 502,
        data: {
          message: 'Bad Gateway',
          documentation_url: 'https://docs.github.com/rest',
          status: '502',
        },
      },
    );
    const again = await github.rest.issues.listComments({ owner, repo, issue_number });
    expect(again.status).toBe(200);
    expect(emulator.requests.map((request) => request.status)).toEqual([502, 200]);
  });

  it('fails only matching requests, `count` times, without changing anything', async () => {
    const github = octokit('ghs_writer');
    emulator.fail(500, { count: 2, method: 'post', path: /\/issues\/\d+\/comments$/ });

    expect((await github.rest.issues.listComments({ owner, repo, issue_number })).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(
        await rejection(github.rest.issues.createComment({ owner, repo, issue_number, body: 'x' })),
      ).toMatchObject({ status: 500, data: { message: 'Server Error' } });
    }
    expect(emulator.comments(owner, repo, issue_number)).toEqual([]);
    const created = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number,
      body: 'x',
    });
    expect(created.status).toBe(201);
    expect(emulator.requests.map((request) => [request.method, request.status])).toEqual([
      ['GET', 200],
      ['POST', 500],
      ['POST', 500],
      ['POST', 201],
    ]);
    expect(emulator.writes()).toBe(1);
  });

  it('fails even requests that would have been unauthenticated, with a chosen message', async () => {
    emulator.fail(403, { message: 'API rate limit exceeded for installation ID 1.' });
    expect(
      await rejection(
        octokit('ghp_unknown').rest.issues.listComments({ owner, repo, issue_number }),
      ),
    ).toMatchObject({
      status: 403,
      data: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    expect(() => emulator.fail(200)).toThrow(RangeError);
  });

  it('sends extra headers with an injected failure', async () => {
    emulator.fail(403, {
      message: 'You have exceeded a secondary rate limit.',
      headers: { 'retry-after': '30' },
    });
    const answer = await fetch(`${emulator.url}${COMMENTS}`, {
      headers: { authorization: 'token ghs_writer' },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('retry-after')).toBe('30');
    expect(await answer.json()).toMatchObject({
      message: 'You have exceeded a secondary rate limit.',
    });
  });

  it('leaves matching requests unanswered until the client gives up, and answers the others', async () => {
    const github = octokit('ghs_writer');
    emulator.hang({ method: 'get', path: /\/comments$/, count: 2 });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const controller = new AbortController();
      const failing = rejection(
        github.rest.issues.listComments({
          owner,
          repo,
          issue_number,
          request: { signal: controller.signal },
        }),
      );
      // The client gives up 200 ms after the emulator got its request, with no answer.
      await until(() => emulator.requests.length === attempt);
      setTimeout(() => controller.abort(), 200);
      const error = await failing;
      expect(error.status).toBe(500); // Octokit's status for a request that got no answer
    }
    const created = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number,
      body: 'x',
    });
    expect(created.status).toBe(201);
    expect((await github.rest.issues.listComments({ owner, repo, issue_number })).status).toBe(200);
    expect(
      emulator.requests.map((request) => [request.method, request.status, request.hung ?? false]),
    ).toEqual([
      ['GET', 0, true],
      ['GET', 0, true],
      ['POST', 201, false],
      ['GET', 200, false],
    ]);
  });

  it('hangs every matching request with count Infinity, until it closes', async () => {
    emulator.hang({ path: /^\/user$/, count: Infinity });
    const pending = Promise.all(
      [0, 1, 2].map(() =>
        octokit('ghp_user')
          .rest.users.getAuthenticated()
          .then(
            () => 'answered',
            () => 'failed',
          ),
      ),
    );
    await until(() => emulator.requests.length === 3);
    expect(emulator.requests.map((request) => request.hung)).toEqual([true, true, true]);
    await emulator.close();
    expect(await pending).toEqual(['failed', 'failed', 'failed']);
  });

  it('answers as GitHub does once the rate limit is spent, until it resets', async () => {
    const resetAt = emulator.exhaustRateLimit();
    expect(resetAt).toBe(START + 3_600_000);
    const limited = await fetch(`${emulator.url}${COMMENTS}`, {
      headers: { authorization: 'token ghs_writer' },
    });
    expect(limited.status).toBe(403);
    expect(
      Object.fromEntries([...limited.headers].filter(([name]) => name.startsWith('x-ratelimit'))),
    ).toEqual({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String((START + 3_600_000) / 1000),
      'x-ratelimit-used': '5000',
      'x-ratelimit-resource': 'core',
    });
    expect(await limited.json()).toEqual({
      message:
        'API rate limit exceeded for installation ID 52013742. If you reach out to GitHub Support for help, please include the request ID.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      status: '403',
    });
    // For a user's token, every route, GET /user too; authentication comes first.
    expect(await rejection(octokit('ghp_user').rest.users.getAuthenticated())).toMatchObject({
      status: 403,
      data: { message: expect.stringMatching(/^API rate limit exceeded for user ID 583231\./) },
    });
    expect((await rejection(octokit('ghp_unknown').rest.users.getAuthenticated())).status).toBe(
      401,
    );

    clock = START + 3_600_000;
    const github = octokit('ghs_writer');
    expect((await github.rest.issues.listComments({ owner, repo, issue_number })).status).toBe(200);

    emulator.exhaustRateLimit({ resetAt: clock + 60_000, status: 429 });
    expect(
      (await rejection(github.rest.issues.listComments({ owner, repo, issue_number }))).status,
    ).toBe(429);
    expect(emulator.writes()).toBe(0);
  });

  it('counts only the requests that changed something', async () => {
    const github = octokit('ghs_writer');
    expect(emulator.writes()).toBe(0);
    const { data } = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number,
      body: 'a',
    });
    await github.rest.issues.listComments({ owner, repo, issue_number });
    await github.rest.issues.updateComment({ owner, repo, comment_id: data.id, body: 'b' });
    await rejection(
      github.rest.issues.updateComment({
        owner,
        repo,
        comment_id: data.id,
        body: 'c'.repeat(70000),
      }),
    );
    await rejection(
      octokit('ghs_reader').rest.issues.deleteComment({ owner, repo, comment_id: data.id }),
    );
    expect(emulator.writes()).toBe(2);
    await github.rest.issues.deleteComment({ owner, repo, comment_id: data.id });
    expect(emulator.writes()).toBe(3);
    expect(emulator.requests).toHaveLength(6);
  });

  it("seeds another user's comment, and records when a token edits or deletes it", async () => {
    const github = octokit('ghs_writer');
    const own = emulator.addComment(owner, repo, issue_number, 'bot report');
    clock = START + 5_000;
    const theirs = emulator.addComment(owner, repo, issue_number, 'LGTM', OCTOCAT);
    expect(theirs).toEqual({
      id: own.id + 1,
      node_id: Buffer.from(`012:IssueComment${own.id + 1}`).toString('base64'),
      body: 'LGTM',
      user: { login: 'octocat', id: 583231, type: 'User' },
      html_url: `https://github.com/acme/models/pull/7#issuecomment-${own.id + 1}`,
      url: `${emulator.url}/repos/acme/models/issues/comments/${own.id + 1}`,
      created_at: '2025-01-15T12:00:05Z',
      updated_at: '2025-01-15T12:00:05Z',
    });
    expect(own.user).toEqual({ login: 'github-actions[bot]', id: 41898282, type: 'Bot' });
    expect(emulator.requests).toEqual([]);

    const listed = await github.rest.issues.listComments({ owner, repo, issue_number });
    expect(listed.data.map((comment) => [comment.user?.login, comment.body])).toEqual([
      ['github-actions[bot]', 'bot report'],
      ['octocat', 'LGTM'],
    ]);

    await github.rest.issues.updateComment({ owner, repo, comment_id: own.id, body: 'new report' });
    const edited = await github.rest.issues.updateComment({
      owner,
      repo,
      comment_id: theirs.id,
      body: 'overwritten',
    });
    expect(edited.status).toBe(200);
    expect(edited.data.user).toMatchObject({ login: 'octocat' });
    await github.rest.issues.deleteComment({ owner, repo, comment_id: theirs.id });

    expect(emulator.requests.map((request) => [request.method, request.foreignAuthor])).toEqual([
      ['GET', undefined],
      ['PATCH', undefined],
      ['PATCH', 'octocat'],
      ['DELETE', 'octocat'],
    ]);
    expect(emulator.comments(owner, repo, issue_number).map((comment) => comment.body)).toEqual([
      'new report',
    ]);
  });

  it('hands out copies, so changing them leaves the emulator alone', async () => {
    const seeded = emulator.addComment(owner, repo, issue_number, 'kept');
    seeded.body = 'changed';
    const [copy] = emulator.comments(owner, repo, issue_number);
    if (copy) copy.user.login = 'mallory';
    expect(emulator.comments(owner, repo, issue_number)).toMatchObject([
      { body: 'kept', user: { login: 'github-actions[bot]' } },
    ]);
  });
});

describe('check runs', () => {
  const SHA = 'feedfacefeedfacefeedfacefeedfacefeedface';
  const OTHER = '0123456789abcdef0123456789abcdef01234567';
  const output = { title: 'Validating', summary: 'SageMaker is validating', text: 'report' };

  it('creates a check run in progress, concludes it, and lists it on its commit', async () => {
    const github = octokit('ghs_writer');
    const created = await github.rest.checks.create({
      owner,
      repo,
      name: 'SageMaker validation: churn',
      head_sha: SHA,
      status: 'in_progress',
      external_id: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn',
      details_url: 'https://github.com/acme/models/actions/runs/1',
      output,
    });
    expect(created.status).toBe(201);
    const id = created.data.id;
    expect(created.data).toMatchObject({
      id,
      head_sha: SHA,
      name: 'SageMaker validation: churn',
      status: 'in_progress',
      conclusion: null,
      external_id: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn',
      details_url: 'https://github.com/acme/models/actions/runs/1',
      html_url: `https://github.com/acme/models/runs/${id}`,
      started_at: '2025-01-15T12:00:00Z',
      completed_at: null,
      output: { ...output, annotations_count: 0 },
      app: { slug: 'github-actions' },
    });

    clock = START + 60_000;
    const updated = await github.rest.checks.update({
      owner,
      repo,
      check_run_id: id,
      conclusion: 'success',
      output: { title: 'Validation completed', summary: 'done' },
    });
    expect(updated.data).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      completed_at: '2025-01-15T12:01:00Z',
      output: { title: 'Validation completed', summary: 'done', text: null },
    });
    expect((await github.rest.checks.get({ owner, repo, check_run_id: id })).data.status).toBe(
      'completed',
    );

    const listed = await github.rest.checks.listForRef({ owner, repo, ref: SHA });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs.map((r) => [r.id, r.conclusion])).toEqual([[id, 'success']]);
    expect((await github.rest.checks.listForRef({ owner, repo, ref: OTHER })).data).toEqual({
      total_count: 0,
      check_runs: [],
    });
    expect(emulator.checkRuns(owner, repo, SHA)).toMatchObject([
      { id, status: 'completed', conclusion: 'success', app: 'github-actions[bot]' },
    ]);
    expect(emulator.checkRuns('other', repo)).toEqual([]);
  });

  it('filters by name and status, the latest per name by default, and pages', async () => {
    const github = octokit('ghs_writer');
    for (let i = 0; i < 25; i++) {
      await github.rest.checks.create({
        owner,
        repo,
        head_sha: SHA,
        name: `check ${i % 5}`,
        ...(i % 2 ? { conclusion: 'success' as const } : { status: 'in_progress' as const }),
        output,
      });
    }
    const latest = await github.rest.checks.listForRef({ owner, repo, ref: SHA });
    expect(latest.data.total_count).toBe(5);
    // Newest first: runs 24, 23, 22, 21 and 20 are the latest of their names.
    expect(latest.data.check_runs.map((r) => [r.name, r.status])).toEqual([
      ['check 4', 'in_progress'],
      ['check 3', 'completed'],
      ['check 2', 'in_progress'],
      ['check 1', 'completed'],
      ['check 0', 'in_progress'],
    ]);
    const all = await github.rest.checks.listForRef({ owner, repo, ref: SHA, filter: 'all' });
    expect(all.data.total_count).toBe(25);
    const named = await github.rest.checks.listForRef({
      owner,
      repo,
      ref: SHA,
      filter: 'all',
      check_name: 'check 3',
      status: 'completed',
    });
    // Runs 3, 13 and 23 are named 'check 3' and completed (8 and 18 are in progress).
    expect(named.data.check_runs.map((r) => [r.name, r.status])).toEqual(
      Array.from({ length: 3 }, () => ['check 3', 'completed']),
    );
    const ids = named.data.check_runs.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));

    const pages = await github.paginate(github.rest.checks.listForRef, {
      owner,
      repo,
      ref: SHA,
      filter: 'all',
      per_page: 10,
    });
    expect(pages).toHaveLength(25);
    expect(new Set(pages.map((r) => r.id)).size).toBe(25);
    const second = await github.rest.checks.listForRef({
      owner,
      repo,
      ref: SHA,
      filter: 'all',
      per_page: 10,
      page: 2,
    });
    expect(second.headers.link).toContain('rel="next"');
    expect(second.headers.link).toContain('rel="prev"');
    expect(
      await rejection(github.rest.checks.listForRef({ owner, repo, ref: 'main' })),
    ).toMatchObject({ status: 422, data: { message: 'No commit found for SHA: main' } });
  });

  it('refuses what GitHub refuses, and changes nothing', async () => {
    const github = octokit('ghs_writer');
    const create = (body: Record<string, unknown>) =>
      rejection(github.request('POST /repos/acme/models/check-runs', body));
    const base = { name: 'n', head_sha: SHA, output };
    const invalidRequest = (detail: unknown) =>
      expect.objectContaining({ status: 422, data: expect.objectContaining({ message: detail }) });

    expect(await create({ head_sha: SHA })).toEqual(
      invalidRequest('Invalid request.\n\n"name" wasn\'t supplied.'),
    );
    expect(await create({ name: '  ', head_sha: SHA })).toMatchObject({ status: 422 });
    expect(await create({ name: 'n' })).toEqual(
      invalidRequest('Invalid request.\n\n"head_sha" wasn\'t supplied.'),
    );
    expect(await create({ name: 'n', head_sha: 'feedface' })).toEqual(
      invalidRequest('No commit found for SHA: feedface'),
    );
    expect(await create({ ...base, status: 'in_progress', conclusion: 'success' })).toEqual(
      invalidRequest('Invalid request.\n\nA conclusion is only allowed with status "completed".'),
    );
    expect(await create({ ...base, status: 'completed' })).toEqual(
      invalidRequest(expect.stringContaining('"conclusion" wasn\'t supplied')),
    );
    expect(await create({ ...base, status: 'done' })).toMatchObject({ status: 422 });
    expect(await create({ ...base, status: 'pending' })).toMatchObject({ status: 422 });
    expect(await create({ ...base, conclusion: 'stale' })).toMatchObject({ status: 422 });
    expect(await create({ ...base, output: { title: 't' } })).toEqual(
      invalidRequest('Invalid request.\n\n"summary" wasn\'t supplied.'),
    );
    for (const member of ['summary', 'text'] as const) {
      expect(
        await create({ ...base, output: { ...output, [member]: 'x'.repeat(65_536) } }),
      ).toEqual(
        invalidRequest(
          'Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.',
        ),
      );
    }
    expect(emulator.checkRuns(owner, repo)).toEqual([]);

    // Exactly at the limit, and a conclusion alone, which completes the check run.
    const { data } = await github.rest.checks.create({
      ...base,
      owner,
      repo,
      conclusion: 'failure',
      output: { ...output, summary: 'x'.repeat(65_535), text: 'y'.repeat(65_535) },
    });
    expect(data).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(
      await rejection(
        github.rest.checks.update({ owner, repo, check_run_id: data.id, status: 'completed' }),
      ),
    ).toMatchObject({ status: 422 });
    expect(
      await rejection(
        github.rest.checks.update({ owner, repo, check_run_id: 1, status: 'queued' }),
      ),
    ).toMatchObject({ status: 404 });
    expect(
      await rejection(
        github.rest.checks.update({ owner, repo: 'elsewhere', check_run_id: data.id, output }),
      ),
    ).toMatchObject({ status: 404 });
    expect(emulator.checkRuns(owner, repo)).toMatchObject([{ conclusion: 'failure' }]);
  });

  it('answers 403 to a token without checks: write, and to a token that is not an app', async () => {
    const create = (token: string) =>
      rejection(
        octokit(token).rest.checks.create({ owner, repo, name: 'n', head_sha: SHA, output }),
      );
    expect(await create('ghs_reader')).toMatchObject({
      status: 403,
      data: { message: 'Resource not accessible by integration' },
    });
    expect(await create('ghs_nochecks')).toMatchObject({
      status: 403,
      data: { message: 'Resource not accessible by integration' },
    });
    expect(await create('ghp_user')).toMatchObject({
      status: 403,
      data: { message: 'You must authenticate via a GitHub App.' },
    });
    // The token without checks may still comment, and every token may read check runs.
    const { data } = await octokit('ghs_writer').rest.checks.create({
      owner,
      repo,
      name: 'n',
      head_sha: SHA,
      output,
    });
    expect(data.status).toBe('queued');
    expect(
      await rejection(
        octokit('ghs_nochecks').rest.checks.update({ owner, repo, check_run_id: data.id, output }),
      ),
    ).toMatchObject({ status: 403 });
    expect(
      (
        await octokit('ghs_nochecks').rest.issues.createComment({
          owner,
          repo,
          issue_number,
          body: 'x',
        })
      ).status,
    ).toBe(201);
    expect(
      (await octokit('ghs_reader').rest.checks.listForRef({ owner, repo, ref: SHA })).data
        .total_count,
    ).toBe(1);
    expect(emulator.checkRuns(owner, repo)).toHaveLength(1);
  });
});

describe('repositories, pull requests and commits', () => {
  const sha = (n: number) => n.toString(16).padStart(40, '0');

  it("answers the default branch, the open pull requests newest first, and a branch's commits in pages", async () => {
    const github = octokit('ghs_reader');
    emulator.defaultBranch = 'trunk';
    expect((await github.rest.repos.get({ owner, repo })).data.default_branch).toBe('trunk');

    emulator.addPullRequest(owner, repo, 1, sha(1));
    emulator.addPullRequest(owner, repo, 2, sha(2), 'closed');
    emulator.addPullRequest(owner, repo, 3, sha(3).toUpperCase());
    const open = await github.rest.pulls.list({ owner, repo, state: 'open' });
    expect(open.data.map((pr) => [pr.number, pr.state, pr.head.sha])).toEqual([
      [3, 'open', sha(3)],
      [1, 'open', sha(1)],
    ]);
    const all = await github.rest.pulls.list({ owner, repo, state: 'all' });
    expect(all.data.map((pr) => pr.number)).toEqual([3, 2, 1]);
    expect((await github.rest.pulls.list({ owner, repo: 'other' })).data).toEqual([]);

    emulator.setBranch(owner, repo, 'trunk', [sha(30), sha(29), sha(28)]);
    const first = await github.rest.repos.listCommits({ owner, repo, sha: 'trunk', per_page: 2 });
    expect(first.data.map((c) => c.sha)).toEqual([sha(30), sha(29)]);
    expect(first.headers.link).toContain('page=2');
    const byDefault = await github.rest.repos.listCommits({ owner, repo });
    expect(byDefault.data.map((c) => c.sha)).toEqual([sha(30), sha(29), sha(28)]);
    expect(
      (await rejection(github.rest.repos.listCommits({ owner, repo, sha: 'gone' }))).status,
    ).toBe(404);
    expect((await rejection(octokit('ghs_unknown').rest.pulls.list({ owner, repo }))).status).toBe(
      401,
    );
  });
});

describe("the runner's OIDC token endpoint", () => {
  /** Runs `fn` with the emulator's ACTIONS_ID_TOKEN_* variables, capturing standard output. */
  async function asRunner<T>(
    fn: () => Promise<T>,
    env: Record<string, string> = emulator.idTokenEnv,
  ): Promise<{ value?: T; error?: Error; stdout: string }> {
    const saved = { ...process.env };
    const write = process.stdout.write;
    let stdout = '';
    Object.assign(process.env, env);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      return { value: await fn(), stdout };
    } catch (e) {
      return { error: e as Error, stdout };
    } finally {
      process.stdout.write = write;
      process.env = saved;
    }
  }

  const claimsOf = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;

  it("answers @actions/core's getIDToken with a new token for the audience, masked", async () => {
    await emulator.close();
    await start({ idToken: { lifetimeMs: 300_000 } });
    const first = await asRunner(() => actionsCore.getIDToken('sts.amazonaws.com'));
    clock += 1_000;
    const second = await asRunner(() => actionsCore.getIDToken('sts.amazonaws.com'));
    const token = first.value!;
    expect(token.split('.')).toHaveLength(3);
    expect(first.stdout.split('\n')).toContain(`::add-mask::${token}`);
    expect(second.value).not.toBe(token);

    expect(claimsOf(token)).toEqual({
      jti: expect.any(String),
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/models:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      iat: START / 1000,
      nbf: START / 1000 - 5,
      exp: START / 1000 + 300,
      repository: 'octo-org/models',
      ref: 'refs/heads/main',
    });
    expect(emulator.idTokens().map((c) => [c.iat, c.aud])).toEqual([
      [START / 1000, 'sts.amazonaws.com'],
      [START / 1000 + 1, 'sts.amazonaws.com'],
    ]);
    const calls = emulator.requests.map((r) => [r.method, r.query.audience, r.status]);
    expect(calls).toEqual([
      ['GET', 'sts.amazonaws.com', 200],
      ['GET', 'sts.amazonaws.com', 200],
    ]);
  });

  it('gives the owner as the audience when none is asked for', async () => {
    const answer = await fetch(emulator.idTokenEnv.ACTIONS_ID_TOKEN_REQUEST_URL, {
      headers: { authorization: `Bearer ${emulator.idTokenEnv.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    });
    const body = (await answer.json()) as { count: number; value: string };
    expect(body.count).toBe(1);
    expect(claimsOf(body.value).aud).toBe('https://github.com/octo-org');
  });

  it('refuses a request without the runtime token, and getIDToken fails without the variables', async () => {
    const wrong = await asRunner(() => actionsCore.getIDToken('sts.amazonaws.com'), {
      ACTIONS_ID_TOKEN_REQUEST_URL: emulator.idTokenEnv.ACTIONS_ID_TOKEN_REQUEST_URL,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-token',
    });
    expect(wrong.error?.message).toContain('Failed to get ID Token');
    expect(emulator.requests.map((r) => r.status)).toEqual([401]);

    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const missing = await asRunner(() => actionsCore.getIDToken('sts.amazonaws.com'), {});
    expect(missing.error?.message).toBe(NO_ID_TOKEN);
    expect(emulator.idTokens()).toEqual([]);
  });
});
