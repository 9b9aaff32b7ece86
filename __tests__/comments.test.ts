import { describe, expect, it } from '@jest/globals';
import { commentMarker, markedManifest } from '../src/report/comment-marker.js';
import { PullRequestComments } from '../src/report/comments.js';
import type { CommentClient, IssueComment } from '../src/report/github-comments.js';
import { pullRequestOf } from '../src/report/pull-request.js';
import { silentLog } from '../src/runner/port.js';
import { fakeComments } from './harness/fake-comments.js';
import { runContext } from './harness/run-context.js';

const PR = { owner: 'octo-org', repo: 'models', number: 7 };
const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

function fake(existing: IssueComment[] = [], overrides: Partial<CommentClient> = {}) {
  const { client, calls, comments } = fakeComments({ existing }, overrides);
  const warnings: string[] = [];
  const log = { ...silentLog, warning: (m: string) => void warnings.push(m) };
  return { client, calls, comments, warnings, log };
}

describe('PullRequestComments', () => {
  it('edits its own earlier comment, skips unchanged bodies, and lists only once', async () => {
    const marker = commentMarker('a.yml');
    const { client, calls, comments, log } = fake([
      { id: 1, body: `${marker}\nold`, user: { login: 'octocat' }, html_url: 'u1' },
      { id: 2, body: `${marker}\nold`, user: { login: 'github-actions[bot]' }, html_url: 'u2' },
    ]);
    const sink = new PullRequestComments(client, PR, 'update', log);
    await sink.publish('a.yml', `${marker}\nnew`);
    await sink.publish('a.yml', `${marker}\nnew`);
    await sink.publish('b.yml', 'b');
    expect(calls).toEqual(['list', 'update 2', 'create 100']);
    expect(comments.find((c) => c.id === 2)!.body).toBe(`${marker}\nnew`);
    expect(sink.url('a.yml')).toBe('u2');
  });

  it("writes new comments in 'new' mode without listing", async () => {
    const { client, calls, log } = fake();
    const comments = new PullRequestComments(client, PR, 'new', log);
    await comments.publish('a.yml', 'one');
    await comments.publish('a.yml', 'two');
    expect(calls).toEqual(['create 100', 'update 100']);
  });

  it('writes a new comment when its comment was deleted meanwhile', async () => {
    const { client, calls, log } = fake([], {
      updateComment: async () => {
        throw httpError(404);
      },
    });
    const comments = new PullRequestComments(client, PR, 'new', log);
    await comments.publish('a.yml', 'one');
    await comments.publish('a.yml', 'two');
    expect(calls).toEqual(['create 100', 'create 101']);
  });

  it('stops after one warning when the token may not write', async () => {
    const { client, warnings, log } = fake([], {
      createComment: async () => {
        throw httpError(403);
      },
    });
    const comments = new PullRequestComments(client, PR, 'update', log);
    await comments.publish('a.yml', 'one');
    await comments.publish('b.yml', 'two');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('may not write to this pull request');
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
    await comments.publish('a.yml', 'one');
    await comments.publish('a.yml', 'two');
    expect(warnings).toEqual([
      'Could not write the pull-request comment for a.yml: HTTP 502: HTTP 502',
    ]);
    expect(calls).toEqual(['list', 'list', 'create 100']);
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
    const gpu = new PullRequestComments(client, PR, 'update', log, 'gpu');
    await gpu.publish('a.yml', `${commentMarker('a.yml', 'gpu')}\nnew`);
    expect(calls).toEqual(['list', 'update 3']);
    const tpu = new PullRequestComments(client, PR, 'update', log, 'tpu');
    await tpu.publish('a.yml', `${commentMarker('a.yml', 'tpu')}\nnew`);
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
