import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../src/report/comment-marker.js';
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
