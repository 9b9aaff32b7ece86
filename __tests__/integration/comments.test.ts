/**
 * Pull-request comments and the job summary, end to end: the built action against the
 * SageMaker emulator and the GitHub API emulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commentMarker } from '../../src/report/comment-marker.js';
import { runAction } from '../harness/dist-action.js';
import { renderGfm } from '../harness/gfm.js';
import { OCTOCAT, startGitHubEmulator, type GitHubEmulator } from '../harness/github-emulator.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../harness/manifests.js';
import { RUN_ENV } from '../harness/run-context.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../harness/sagemaker-emulator.js';

const PR = 7;
let workspace: string;
let sagemaker: SageMakerEmulator;
let github: GitHubEmulator;

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'smp-comments-'));
  for (const [dir, text] of [
    ['a', MARKETPLACE],
    ['b', VERSIONED + VALIDATION],
  ] as const) {
    mkdirSync(path.join(workspace, dir));
    writeFileSync(path.join(workspace, dir, 'model-package.yml'), text);
  }
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
afterEach(async () => {
  await sagemaker?.close();
  await github?.close();
});

async function start(options: Parameters<typeof startSageMakerEmulator>[0] = {}) {
  sagemaker = await startSageMakerEmulator({ pendingMs: 3000, inProgressMs: 3000, ...options });
  github = await startGitHubEmulator();
}

function act(
  inputs: Record<string, string> = {},
  event: { name: string; payload: object } = {
    name: 'pull_request',
    payload: { number: PR, pull_request: { number: PR } },
  },
) {
  return runAction({
    workspace,
    inputs: {
      manifest: 'a/model-package.yml\nb/model-package.yml',
      region: 'us-east-1',
      'github-token': 'ghs_writer',
      // Check runs have their own tests (check-runs.test.ts).
      'check-run': 'false',
      ...inputs,
    },
    env: {
      AWS_ENDPOINT_URL_SAGEMAKER: sagemaker.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      GITHUB_API_URL: github.url,
    },
    event,
  });
}

const comments = () => github.comments('octo-org', 'models', PR);
const writes = (method: string) =>
  github.requests.filter((r) => r.method === method && r.status < 300).length;

describe('on a pull request', () => {
  it('keeps one comment per manifest, edited as the status changes, and again on the next run', async () => {
    await start();
    sagemaker.setOutcome('fraud-detector', {
      status: 'Failed',
      failureReason: 'ClientError: the container answered 500 to /invocations',
    });
    // 40 comments by others come before the action's.
    for (let i = 0; i < 40; i++) {
      github.addComment('octo-org', 'models', PR, `earlier comment ${i}`, OCTOCAT);
    }
    const run = await act();
    expect(run.code).toBe(1);

    const [a, b] = comments().slice(40);
    expect(comments()).toHaveLength(42);
    expect(a!.body.startsWith(commentMarker('a/model-package.yml'))).toBe(true);
    expect(b!.body.startsWith(commentMarker('b/model-package.yml'))).toBe(true);
    expect(a!.body).toContain('### ✅ churn-predictor');
    expect(a!.body).toContain(
      '[Model package](https://console.aws.amazon.com/sagemaker/home?region=us-east-1#/model-packages/churn-predictor)',
    );
    expect(a!.body).toContain(
      '[Transform jobs](https://console.aws.amazon.com/sagemaker/home?region=us-east-1#/transform-jobs)',
    );
    expect(a!.body).toContain(
      '[Validation output](https://console.aws.amazon.com/s3/buckets/models?region=us-east-1&prefix=out%2F)',
    );
    expect(a!.body).toContain(
      '[Workflow run](https://github.com/octo-org/models/actions/runs/1000)',
    );
    expect(b!.body).toContain('### ❌ fraud-detector');
    expect(b!.body).toContain(
      '| smoke | Failed | ClientError: the container answered 500 to /invocations |',
    );
    expect(b!.body).toContain('#/model-registry/fraud-detector/versions/1)');
    expect(run.outputs['comment-url']).toBe(a!.html_url);

    // Created once (⏳), then edited on the two status changes: never on every poll.
    expect(writes('POST')).toBe(2);
    expect(writes('PATCH')).toBeLessThanOrEqual(4);

    // 110 more comments by others: the next run searches every page.
    for (let i = 0; i < 110; i++) {
      github.addComment('octo-org', 'models', PR, `later comment ${i}`, OCTOCAT);
    }
    const again = await act();
    expect(again.code).toBe(1);
    expect(writes('POST')).toBe(2);
    const ours = comments().filter((c) => c.body.includes('sagemaker-model-package-action'));
    expect(ours.map((c) => c.id)).toEqual([a!.id, b!.id]);
    const lists = github.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/comments'));
    expect(lists.map((r) => r.query.page ?? '1').slice(-2)).toEqual(['1', '2']);
    expect(ours[0]!.body).toContain('reused the package of an earlier run');
  }, 90_000);

  it("never edits another author's comment that carries the marker", async () => {
    await start({ pendingMs: 100, inProgressMs: 100 });
    const quoted = `> ${commentMarker('a/model-package.yml')}\nWhy did this fail?`;
    const theirs = github.addComment('octo-org', 'models', PR, quoted, OCTOCAT);
    const run = await act({ manifest: 'a/model-package.yml', wait: 'false' });
    expect(run.code).toBe(0);
    expect(comments().find((c) => c.id === theirs.id)!.body).toBe(quoted);
    expect(comments()).toHaveLength(2);
    expect(github.requests.some((r) => r.foreignAuthor)).toBe(false);
  }, 60_000);

  it('with a read-only token: the same result, one warning, the summary complete', async () => {
    await start({ pendingMs: 100, inProgressMs: 100 });
    const run = await act({ 'github-token': 'ghs_reader', wait: 'false' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'InProgress', 'comment-url': '' });
    const warnings = run.annotations.filter((a) => a.level === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('Could not write pull-request comments');
    expect(comments()).toHaveLength(0);
    expect(run.summary).toContain('### ⏳ churn-predictor');
    expect(run.summary).toContain('### ⏳ fraud-detector');
  }, 60_000);

  it('keeps a hostile, huge failure reason from breaking the comment or the summary', async () => {
    await start({ pendingMs: 100, inProgressMs: 100 });
    const hostile = `<img src=x onerror=alert(1)> @octo-org/admins | cell | ${'x'.repeat(100_000)}`;
    sagemaker.setOutcome('fraud-detector', { status: 'Failed', failureReason: hostile });
    const run = await act({ manifest: 'b/model-package.yml' });
    expect(run.code).toBe(1);
    const [comment] = comments();
    // The comment is cut to GitHub's limit and points at the run, whose summary has it all.
    expect(comment!.body.length).toBeLessThanOrEqual(65_536);
    expect(comment!.body).toContain(`*(cut; ${hostile.length} characters in the [workflow run]`);
    expect(run.summary).toContain('x'.repeat(100_000));
    for (const body of [comment!.body, run.summary]) {
      expect(body).not.toContain('<img');
      expect(body).not.toContain('@octo-org');
      expect(body).toContain(
        '&lt;img src=x onerror=alert(1)&gt; @\u200bocto-org/admins &#124; cell',
      );
      const rendered = renderGfm(body);
      expect(rendered.mentions).toEqual([]);
      expect(rendered.elements).not.toContain('img');
      expect(rendered.rows.find((cells) => cells[0] === 'smoke')).toHaveLength(3);
    }
  }, 60_000);

  it('comments on a dry run too', async () => {
    await start();
    const run = await act({ 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(comments().map((c) => c.body.split('\n\n')[1])).toEqual([
      '### 🔍 churn-predictor',
      '### 🔍 fraud-detector',
    ]);
  }, 60_000);
});

describe('on other events', () => {
  it.each(['push', 'workflow_dispatch'])(
    '%s: no comment, the check runs on the pushed commit, a complete summary',
    async (name) => {
      await start({ pendingMs: 100, inProgressMs: 100 });
      const run = await act({ wait: 'false', 'check-run': 'true' }, { name, payload: {} });
      expect(run.code).toBe(0);
      expect(github.requests.map((r) => [r.method, r.path])).toEqual([
        ['POST', '/repos/octo-org/models/check-runs'],
        ['POST', '/repos/octo-org/models/check-runs'],
      ]);
      expect(github.checkRuns('octo-org', 'models', RUN_ENV.GITHUB_SHA)).toHaveLength(2);
      expect(run.summary).toContain('### ⏳ churn-predictor');
      expect(run.summary).toContain(
        '[Workflow run](https://github.com/octo-org/models/actions/runs/1000)',
      );
    },
    60_000,
  );
});
