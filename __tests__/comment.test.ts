import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  pullRequestOf,
  PullRequestComments,
  type CommentClient,
  type IssueComment,
} from '../src/report/comment.js';
import { commentMarker } from '../src/report/render.js';

const PR = { owner: 'octo-org', repo: 'models', number: 7 };
const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

function fake(existing: IssueComment[] = [], overrides: Partial<CommentClient> = {}) {
  const calls: string[] = [];
  let next = 100;
  const client: CommentClient = {
    login: async () => 'github-actions[bot]',
    listComments: async () => {
      calls.push('list');
      return existing;
    },
    createComment: async (_pr, body) => {
      calls.push(`create ${body}`);
      return { id: next++, body, html_url: `https://github.com/c/${next}` };
    },
    updateComment: async (_pr, id, body) => {
      calls.push(`update ${id} ${body}`);
      return { id, body, html_url: `https://github.com/c/${id}` };
    },
    ...overrides,
  };
  const warnings: string[] = [];
  const log = { info: () => undefined, warning: (m: string) => warnings.push(m) };
  return { client, calls, warnings, log };
}

describe('PullRequestComments', () => {
  it('edits its own earlier comment, skips unchanged bodies, and lists only once', async () => {
    const marker = commentMarker('a.yml');
    const { client, calls, log } = fake([
      { id: 1, body: `${marker}\nold`, user: { login: 'octocat' }, html_url: 'u1' },
      { id: 2, body: `${marker}\nold`, user: { login: 'github-actions[bot]' }, html_url: 'u2' },
    ]);
    const comments = new PullRequestComments(client, PR, 'update', log);
    await comments.publish('a.yml', `${marker}\nnew`);
    await comments.publish('a.yml', `${marker}\nnew`);
    await comments.publish('b.yml', 'b');
    expect(calls).toEqual(['list', `update 2 ${marker}\nnew`, 'create b']);
    expect(comments.url('a.yml')).toBe('https://github.com/c/2');
  });

  it("writes new comments in 'new' mode without listing", async () => {
    const { client, calls, log } = fake();
    const comments = new PullRequestComments(client, PR, 'new', log);
    await comments.publish('a.yml', 'one');
    await comments.publish('a.yml', 'two');
    expect(calls).toEqual(['create one', 'update 100 two']);
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
    expect(calls).toEqual(['create one', 'create two']);
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
    expect(calls).toEqual(['list', 'list', 'create two']);
  });
});

describe('pullRequestOf', () => {
  const event = (payload: object) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'smp-event-')), 'event.json');
    writeFileSync(file, JSON.stringify(payload));
    return file;
  };

  it('finds the pull request of pull_request, pull_request_target and issue_comment events', () => {
    const pr = event({ pull_request: { number: 7 } });
    expect(pullRequestOf('pull_request', pr, 'octo-org/models')).toEqual(PR);
    expect(pullRequestOf('pull_request_target', pr, 'octo-org/models')).toEqual(PR);
    const comment = event({ issue: { number: 7, pull_request: { url: 'x' } } });
    expect(pullRequestOf('issue_comment', comment, 'octo-org/models')).toEqual(PR);
  });

  it('has none for other events and for comments on issues', () => {
    expect(pullRequestOf('push', event({}), 'octo-org/models')).toBeUndefined();
    const issue = event({ issue: { number: 7 } });
    expect(pullRequestOf('issue_comment', issue, 'octo-org/models')).toBeUndefined();
    expect(pullRequestOf('pull_request', '/no/such/file', 'octo-org/models')).toBeUndefined();
  });
});
