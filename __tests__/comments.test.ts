import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { commentMarker, markedManifest } from '../src/report/comment-marker.js';
import { PullRequestComments } from '../src/report/comments.js';
import { GitHubApiError, GitHubTimeoutError } from '../src/report/github-api.js';
import {
  createCommentClient,
  type CommentClient,
  type IssueComment,
} from '../src/report/github-comments.js';
import { pullRequestOf } from '../src/report/pull-request.js';
import { Reporter } from '../src/report/reporter.js';
import { emptyResult } from '../src/results.js';
import { silentLog } from '../src/runner/port.js';
import { fakeComments, type FakeIdentity } from './harness/fake-comments.js';
import {
  APP_BOT,
  GITHUB_ACTIONS_BOT,
  OCTOCAT,
  startGitHubEmulator,
  type GitHubEmulator,
} from './harness/github-emulator.js';
import { memoryRunner } from './harness/memory-runner.js';
import { pullRequestEvent, runContext } from './harness/run-context.js';
import { FAKE_CLOCK, until } from './harness/until.js';

const PR = { owner: 'octo-org', repo: 'models', number: 7 };
const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });
const RESET = Date.UTC(2025, 0, 15, 13, 0, 0);
const A = commentMarker('a.yml');

function fake(
  existing: IssueComment[] = [],
  overrides: Partial<CommentClient> = {},
  identity: FakeIdentity = {},
) {
  const { client, calls, comments } = fakeComments({ existing, ...identity }, overrides);
  const warnings: string[] = [];
  const log = { ...silentLog, warning: (m: string) => void warnings.push(m) };
  return { client, calls, comments, warnings, log };
}

const never = () => new Promise<never>(() => undefined);

// Tests that spend time do it on jest's clock, which they move themselves.
afterEach(() => {
  jest.useRealTimers();
});

describe('PullRequestComments', () => {
  it('edits its own earlier comment, skips unchanged bodies, and lists only once', async () => {
    const marker = commentMarker('a.yml');
    const { client, calls, comments, log } = fake([
      { id: 1, body: `${marker}\nold`, user: { login: 'octocat' }, html_url: 'u1' },
      { id: 2, body: `${marker}\nold`, user: { login: 'github-actions[bot]' }, html_url: 'u2' },
    ]);
    const sink = new PullRequestComments(client, PR, 'update', log);
    await sink.write('a.yml', `${marker}\nnew`);
    await sink.write('a.yml', `${marker}\nnew`);
    await sink.write('b.yml', 'b');
    expect(calls).toEqual(['list', 'update 2', 'create 100']);
    expect(comments.find((c) => c.id === 2)!.body).toBe(`${marker}\nnew`);
    expect(sink.url('a.yml')).toBe('u2');
  });

  it("writes new comments in 'new' mode without listing", async () => {
    const { client, calls, log } = fake();
    const comments = new PullRequestComments(client, PR, 'new', log);
    await comments.write('a.yml', 'one');
    await comments.write('a.yml', 'two');
    expect(calls).toEqual(['create 100', 'update 100']);
  });

  it('writes a new comment when its comment was deleted meanwhile', async () => {
    const { client, calls, log } = fake([], {
      updateComment: async () => {
        throw httpError(404);
      },
    });
    const comments = new PullRequestComments(client, PR, 'new', log);
    await comments.write('a.yml', 'one');
    await comments.write('a.yml', 'two');
    expect(calls).toEqual(['create 100', 'create 101']);
  });

  it('stops after one warning when the token may not write', async () => {
    const { client, calls, warnings, log } = fake([], {
      createComment: async () => {
        calls.push('create');
        throw new GitHubApiError(403, 'Resource not accessible by integration');
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log);
    await comments.write('a.yml', 'one');
    await comments.write('b.yml', 'two');
    expect(calls).toEqual(['list', 'create']);
    expect(warnings).toEqual([
      'Could not write pull-request comments: the token may not write to this pull request (HTTP 403: Resource not accessible by integration). Give the job `pull-requests: write` in its `permissions`. The job summary has the results.',
    ]);
  });

  it('says when the read-only token is that of a pull request from a fork', async () => {
    const refuse = async () => {
      throw new GitHubApiError(403, 'Resource not accessible by integration');
    };
    for (const [fork, from] of [
      ['contributor/models', 'the fork contributor/models'],
      ['', 'a fork'],
      ['evil\n::error::x/y', 'a fork'],
    ] as const) {
      const { client, warnings, log } = fake([], { createComment: refuse });
      const comments = new PullRequestComments(client, { ...PR, fork }, 'new', log);
      await comments.write('a.yml', 'one');
      await comments.write('b.yml', 'two');
      expect(warnings).toEqual([
        `Could not write pull-request comments: the pull request comes from ${from}, and GitHub gives the workflows of such pull requests a read-only token (HTTP 403: Resource not accessible by integration). Comments need \`pull-requests: write\`. The job summary has the results.`,
      ]);
    }
  });

  it('stops after one warning when the pull request is not found', async () => {
    const { client, calls, warnings, log } = fake([], {
      listComments: async () => {
        calls.push('list');
        throw new GitHubApiError(404, 'Not Found');
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log);
    await comments.write('a.yml', 'one');
    await comments.write('b.yml', 'two');
    expect(calls).toEqual(['list']);
    expect(warnings).toEqual([
      'Could not write pull-request comments: pull request #7 of octo-org/models was not found, or the token cannot see it (HTTP 404: Not Found). The job summary has the results.',
    ]);
  });

  it('stops after one warning when GitHub refuses the token', async () => {
    const { client, calls, warnings, log } = fake([], {
      listComments: async () => {
        calls.push('list');
        throw new GitHubApiError(401, 'Bad credentials');
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log);
    await comments.write('a.yml', 'one');
    await comments.write('b.yml', 'two');
    expect(calls).toEqual(['list']);
    expect(warnings).toEqual([
      'Could not write pull-request comments: GitHub refused the token (HTTP 401: Bad credentials). The job summary has the results.',
    ]);
  });

  it('waits for a rate limit to reset, with one warning that says when', async () => {
    let clock = RESET - 3_600_000;
    let limited = true;
    const { client, calls, warnings, log } = fake([], {
      listComments: async () => {
        calls.push('list');
        if (limited) throw new GitHubApiError(403, 'API rate limit exceeded', RESET);
        return [];
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log, { now: () => clock });
    await comments.write('a.yml', 'one');
    clock = RESET - 1000;
    await comments.write('a.yml', 'two');
    await comments.write('b.yml', 'two');
    expect(calls).toEqual(['list']);
    clock = RESET;
    limited = false;
    await comments.write('a.yml', 'three');
    expect(calls).toEqual(['list', 'list', 'create 100']);
    expect(warnings).toEqual([
      "Could not write pull-request comments: GitHub's API rate limit was reached; it resets at 2025-01-15 13:00:00 UTC. Comments wait until then (HTTP 403: API rate limit exceeded). The job summary has the results.",
    ]);
  });

  it('warns once about a timeout and tries again on the next change', async () => {
    let timeouts = 2;
    const { client, calls, warnings, log } = fake([], {
      listComments: async () => {
        calls.push('list');
        if (timeouts-- > 0) {
          throw new GitHubTimeoutError(10_000, 'listing the comments of pull request #7');
        }
        return [];
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log);
    await comments.write('a.yml', 'one');
    await comments.write('a.yml', 'two');
    await comments.write('a.yml', 'three');
    expect(calls).toEqual(['list', 'list', 'list', 'create 100']);
    expect(warnings).toEqual([
      'GitHub did not answer within 10 s (listing the comments of pull request #7): the pull-request comment for a.yml was not written; the next status change tries again. The job summary has the results.',
    ]);
  });

  it('gives up a write that outlasts the budget, and stops with one warning', async () => {
    jest.useFakeTimers();
    const signals: AbortSignal[] = [];
    const { client, calls, warnings, log } = fake([], {
      listComments: (_pr, signal) => {
        calls.push('list');
        signals.push(signal!);
        return never();
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log, { budgetMs: 200 });
    const started = performance.now();
    const publishing = comments.write('a.yml', 'one');
    await jest.advanceTimersByTimeAsync(200);
    await publishing;
    // Given up when the budget was spent, on the clock the test moves.
    expect(performance.now() - started).toBe(200);
    await comments.write('b.yml', 'two');
    expect(calls).toEqual(['list']);
    expect(signals[0]!.aborted).toBe(true);
    expect(warnings).toEqual([
      'Stopped writing pull-request comments: their GitHub calls took 0.2 s in this run, the most a run gives them. The job summary has the results.',
    ]);
  });

  it('counts the time of every write against the budget', async () => {
    // Writes of 60 ms each on a clock the test moves: 60 + 60 + 30 spend the 150 ms.
    jest.useFakeTimers();
    const { client, calls, warnings, log } = fake([], {
      createComment: async (_pr, body) => {
        calls.push(`create ${body}`);
        await new Promise((resolve) => setTimeout(resolve, 60));
        return { id: 1, body, html_url: 'u' };
      },
    });
    const comments = new PullRequestComments(client, PR, 'new', log, { budgetMs: 150 });
    const publishing = (async () => {
      for (const name of ['a', 'b', 'c', 'd', 'e']) await comments.write(`${name}.yml`, name);
    })();
    await jest.runAllTimersAsync();
    await publishing;
    expect(calls).toEqual(['create a', 'create b', 'create c']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Stopped writing pull-request comments/);
  });

  it("finds its comment by a bot's marker when the token's login cannot be read", async () => {
    const { client, calls, comments, log } = fake(
      [
        { id: 1, body: `${A}\nby a person`, user: OCTOCAT, html_url: 'u1' },
        { id: 2, body: `${A}\nours`, user: APP_BOT, html_url: 'u2' },
        { id: 3, body: `Other report\n${A}`, user: GITHUB_ACTIONS_BOT, html_url: 'u3' },
        { id: 4, body: ` ${A}\nindented`, user: GITHUB_ACTIONS_BOT, html_url: 'u4' },
      ],
      {},
      { login: APP_BOT.login, hidden: true },
    );
    const sink = new PullRequestComments(client, PR, 'update', log);
    await sink.write('a.yml', `${A}\nnew`);
    expect(calls).toEqual(['list', 'update 2']);
    expect(comments.map((c) => c.body)).toEqual([
      `${A}\nby a person`,
      `${A}\nnew`,
      `Other report\n${A}`,
      ` ${A}\nindented`,
    ]);
  });

  it("never takes a person's comment when the token's login cannot be read", async () => {
    const { client, calls, log } = fake(
      [{ id: 1, body: `${A}\nby a person`, user: OCTOCAT, html_url: 'u1' }],
      {},
      { hidden: true },
    );
    const sink = new PullRequestComments(client, PR, 'update', log);
    await sink.write('a.yml', `${A}\nnew`);
    expect(calls).toEqual(['list', 'create 100']);
  });

  it('warns about other errors and tries again on the next change', async () => {
    let failures = 1;
    const { client, calls, warnings, log } = fake([], {
      listComments: async () => {
        calls.push('list');
        if (failures-- > 0) throw httpError(502);
        return [];
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log);
    await comments.write('a.yml', 'one');
    await comments.write('a.yml', 'two');
    expect(warnings).toEqual([
      'Could not write the pull-request comment for a.yml: HTTP 502: HTTP 502',
    ]);
    expect(calls).toEqual(['list', 'list', 'create 100']);
  });
});

describe('Reporter', () => {
  it('writes the summary when GitHub hangs, once the comments spent their budget', async () => {
    jest.useFakeTimers();
    const runner = memoryRunner();
    const { client, calls } = fakeComments({}, { listComments: never });
    const reporter = new Reporter({
      workflow: runContext(pullRequestEvent(7)),
      settings: {
        comment: 'update',
        githubToken: 'ghs_writer',
        wait: true,
        label: '',
        checkRun: false,
      },
      runner,
      github: () => client,
      comments: { budgetMs: 200 },
    });
    const started = performance.now();
    const finishing = reporter.finish({
      results: [emptyResult('a.yml', 'DryRun'), emptyResult('b.yml', 'DryRun')],
    });
    await jest.advanceTimersByTimeAsync(200);
    const { summary, commentUrl } = await finishing;
    // Written when the budget was spent, on the clock the test moves.
    expect(performance.now() - started).toBe(200);
    expect(runner.summary).toBe(summary);
    expect(summary).toContain('a.yml');
    expect(summary).toContain('b.yml');
    expect(commentUrl).toBe('');
    expect(calls).toEqual([]);
    expect(runner.lines('warning')).toEqual([
      'Stopped writing pull-request comments: their GitHub calls took 0.2 s in this run, the most a run gives them. The job summary has the results.',
    ]);
  });
});

describe('the comment marker', () => {
  it('keeps the marker of a comment without a label exactly', () => {
    expect(commentMarker('models/a b.yml')).toBe(
      '<!-- sagemaker-model-package-action manifest=models%2Fa%20b.yml -->',
    );
    expect(commentMarker('a.yml', '')).toBe(commentMarker('a.yml'));
  });

  it('adds an encoded label, read back only with that label', () => {
    const marker = commentMarker('models/a.yml', 'gpu (us-east-1) -->');
    expect(marker).toBe(
      '<!-- sagemaker-model-package-action manifest=models%2Fa.yml label=gpu%20(us-east-1)%20--%3E -->',
    );
    expect(markedManifest(`${marker}\nbody`, 'gpu (us-east-1) -->')).toBe('models/a.yml');
    expect(markedManifest(`${marker}\nbody`)).toBeUndefined();
    expect(markedManifest(`${marker}\nbody`, 'cpu')).toBeUndefined();
    expect(markedManifest(`${commentMarker('models/a.yml')}\nbody`, 'gpu')).toBeUndefined();
    expect(markedManifest(`${commentMarker('models/a.yml')}\r\nbody`)).toBe('models/a.yml');
  });

  it('refuses markers that are not its own writing', () => {
    const prefix = '<!-- sagemaker-model-package-action manifest=';
    for (const line of [
      `${prefix}a.yml label= -->`,
      `${prefix}a.yml label=x label=y -->`,
      `${prefix}a.yml label=a b -->`,
      `${prefix}a.yml label=%E0%A4%A -->`,
      `${prefix}a.yml  label=x -->`,
    ]) {
      expect([markedManifest(line), markedManifest(line, 'x'), markedManifest(line, '')]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    }
  });
});

describe('PullRequestComments with a label', () => {
  it("edits only its own label's comment, and leaves the unlabelled one alone", async () => {
    const { client, calls, comments, log } = fake([
      {
        id: 1,
        body: `${commentMarker('a.yml')}\nplain`,
        user: { login: 'github-actions[bot]' },
        html_url: 'u1',
      },
      {
        id: 2,
        body: `${commentMarker('a.yml', 'cpu')}\ncpu`,
        user: { login: 'github-actions[bot]' },
        html_url: 'u2',
      },
      {
        id: 3,
        body: `${commentMarker('a.yml', 'gpu')}\ngpu`,
        user: { login: 'github-actions[bot]' },
        html_url: 'u3',
      },
    ]);
    const gpu = new PullRequestComments(client, PR, 'update', log, {}, 'gpu');
    await gpu.write('a.yml', `${commentMarker('a.yml', 'gpu')}\nnew`);
    expect(calls).toEqual(['list', 'update 3']);
    const tpu = new PullRequestComments(client, PR, 'update', log, {}, 'tpu');
    await tpu.write('a.yml', `${commentMarker('a.yml', 'tpu')}\nnew`);
    expect(calls.slice(2)).toEqual(['list', 'create 100']);
    expect(comments.map((c) => c.body.split('\n')[1])).toEqual(['plain', 'cpu', 'new', 'new']);
  });
});

describe('pullRequestOf', () => {
  const of = (name: string, payload: object) => pullRequestOf(runContext({ name, payload }));

  it('finds the pull request of pull_request, pull_request_target and issue_comment events', () => {
    expect(of('pull_request', { pull_request: { number: 7 } })).toEqual(PR);
    expect(of('pull_request_target', { pull_request: { number: 7 } })).toEqual(PR);
    expect(of('issue_comment', { issue: { number: 7, pull_request: { url: 'x' } } })).toEqual(PR);
  });

  it('names the fork a pull request comes from', () => {
    const head = (repo: unknown) => ({ pull_request: { number: 7, head: { repo } } });
    expect(of('pull_request', head({ full_name: 'contributor/models' }))).toEqual({
      ...PR,
      fork: 'contributor/models',
    });
    expect(of('pull_request_target', head(null))).toEqual({ ...PR, fork: '' });
    expect(of('pull_request', head({ full_name: 'Octo-Org/Models' }))).toEqual(PR);
    expect(of('pull_request', head({}))).toEqual(PR);
  });

  it('has none for other events, comments on issues, or a run without a repository', () => {
    expect(of('push', {})).toBeUndefined();
    expect(of('issue_comment', { issue: { number: 7 } })).toBeUndefined();
    expect(of('pull_request', {})).toBeUndefined();
    const noRepository = {
      ...runContext({ name: 'pull_request', payload: { pull_request: { number: 7 } } }),
      get repo(): { owner: string; repo: string } {
        throw new Error('context.repo requires a GITHUB_REPOSITORY environment variable');
      },
    };
    expect(pullRequestOf(noRepository)).toBeUndefined();
  });
});

describe('createCommentClient, against the GitHub emulator', () => {
  let github: GitHubEmulator;
  let clock = RESET - 3_600_000;
  const COMMENTS = /\/issues\/7\/comments$/;
  afterEach(async () => {
    await github?.close();
  });

  async function client(token: string, options: Parameters<typeof startGitHubEmulator>[0] = {}) {
    clock = RESET - 3_600_000;
    github = await startGitHubEmulator({ now: () => clock, ...options });
    return createCommentClient(token, { baseUrl: github.url, timeoutMs: 300, now: () => clock });
  }

  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    );
  }

  it('reads the login of a user token, and none for installation tokens', async () => {
    expect(await (await client('ghp_user')).login()).toBe('octocat');
    for (const token of ['ghs_writer', 'ghs_app']) {
      expect(await createCommentClient(token, { baseUrl: github.url }).login()).toBeUndefined();
    }
  });

  it('lists every page, writes and edits', async () => {
    const comments = await client('ghs_app');
    for (let i = 0; i < 230; i++) github.addComment('octo-org', 'models', 7, `c${i}`, OCTOCAT);
    const created = await comments.createComment(PR, 'mine');
    expect(created.user).toMatchObject({ login: APP_BOT.login, type: 'Bot' });
    await comments.updateComment(PR, created.id, 'mine, edited');
    const listed = await comments.listComments(PR);
    expect(listed.map((c) => c.body)).toEqual([
      ...Array.from({ length: 230 }, (_, i) => `c${i}`),
      'mine, edited',
    ]);
    expect(github.requests.filter((r) => r.method === 'GET').map((r) => r.query.page)).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('gives up a call GitHub does not answer, after its timeout', async () => {
    jest.useFakeTimers(FAKE_CLOCK);
    const comments = await client('ghs_writer');
    github.hang({ path: COMMENTS });
    const started = performance.now();
    const rejected = rejection(comments.listComments(PR));
    await until(() => github.requests.some((r) => r.hung));
    await jest.advanceTimersByTimeAsync(300);
    const error = await rejected;
    // At its timeout, on the clock the test moves.
    expect(performance.now() - started).toBe(300);
    expect(error).toBeInstanceOf(GitHubTimeoutError);
    expect((error as Error).message).toBe(
      'GitHub did not answer within 0.3 s (listing the comments of pull request #7)',
    );
    expect(github.requests[0]).toMatchObject({ hung: true, status: 0 });
    // The next call is answered.
    expect(await comments.listComments(PR)).toEqual([]);
  });

  it("gives up a call when the caller's signal aborts, with the caller's reason", async () => {
    const comments = await client('ghs_writer');
    github.hang({ path: COMMENTS });
    const controller = new AbortController();
    const reason = new Error('budget spent');
    const listing = rejection(comments.listComments(PR, controller.signal));
    // Aborted once the emulator holds the request.
    await until(() => github.requests.some((r) => r.hung));
    controller.abort(reason);
    expect(await listing).toBe(reason);
    // A call on a signal that was aborted already is not sent.
    expect(await rejection(comments.createComment(PR, 'x', controller.signal))).toBe(reason);
    expect(github.requests).toHaveLength(1);
  });

  it('tells a spent rate limit, and when it resets, also on GET /user', async () => {
    const comments = await client('ghs_writer');
    const resetAt = github.exhaustRateLimit({ resetAt: RESET });
    for (const call of [comments.listComments(PR), comments.login()]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(GitHubApiError);
      expect(error).toMatchObject({ status: 403, rateLimitResetsAt: resetAt });
      expect((error as Error).message).toMatch(/^API rate limit exceeded for installation/);
    }
  });

  it('tells secondary rate limits and 429 answers', async () => {
    const comments = await client('ghs_writer');
    github.fail(403, {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes.',
      headers: { 'retry-after': '30' },
    });
    expect(await rejection(comments.listComments(PR))).toMatchObject({
      status: 403,
      rateLimitResetsAt: clock + 30_000,
    });
    github.fail(429);
    expect(await rejection(comments.listComments(PR))).toMatchObject({
      status: 429,
      rateLimitResetsAt: clock + 60_000,
    });
    github.fail(403, { message: 'Resource not accessible by integration' });
    const refused = await rejection(comments.listComments(PR));
    expect(refused).toMatchObject({ status: 403, rateLimitResetsAt: undefined });
  });

  it('tells a pull request that does not exist and a token that may not write', async () => {
    const comments = await client('ghs_reader', { issues: ['octo-org/models#8'] });
    expect(await rejection(comments.listComments(PR))).toMatchObject({
      status: 404,
      message: 'Not Found',
    });
    expect(await rejection(comments.createComment({ ...PR, number: 8 }, 'x'))).toMatchObject({
      status: 403,
      message: 'Resource not accessible by integration',
      rateLimitResetsAt: undefined,
    });
  });

  it('keeps comments within their budget when GitHub hangs', async () => {
    jest.useFakeTimers(FAKE_CLOCK);
    github = await startGitHubEmulator();
    github.hang({ path: COMMENTS, count: Infinity });
    const warnings: string[] = [];
    const log = { ...silentLog, warning: (m: string) => void warnings.push(m) };
    const sink = new PullRequestComments(
      createCommentClient('ghs_writer', { baseUrl: github.url, timeoutMs: 120 }),
      PR,
      'update',
      log,
      { budgetMs: 300 },
    );
    const started = performance.now();
    const publishing = (async () => {
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await sink.write(`${name}.yml`, name);
    })();
    // Each listing hangs until the test moves the clock: two time out after 120 ms, and
    // the budget's last 60 ms end the third.
    for (const [hung, ms] of [
      [1, 120],
      [2, 120],
      [3, 60],
    ] as const) {
      await until(() => github.requests.filter((r) => r.hung).length === hung);
      await jest.advanceTimersByTimeAsync(ms);
    }
    await publishing;
    expect(performance.now() - started).toBe(300);
    expect(warnings).toEqual([
      'GitHub did not answer within 0.1 s (listing the comments of pull request #7): the pull-request comment for a.yml was not written; the next status change tries again. The job summary has the results.',
      'Stopped writing pull-request comments: their GitHub calls took 0.3 s in this run, the most a run gives them. The job summary has the results.',
    ]);
    expect(github.requests.filter((r) => r.hung)).toHaveLength(3);
  });
});
