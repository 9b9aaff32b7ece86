/**
 * Pull-request comments and the job summary, end to end: the built action against the
 * SageMaker emulator and the GitHub API emulator.
 */
import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/comment-marker.js';
import { renderGfm } from '../harness/gfm.js';
import { APP_BOT, GITHUB_ACTIONS_BOT, OCTOCAT } from '../harness/github-emulator.js';
import { heldValidation, integration, TWO_PACKAGES } from '../harness/integration.js';
import { MARKETPLACE } from '../harness/manifests.js';
import { RUN_ENV } from '../harness/run-context.js';

const PR = 7;
const t = integration(TWO_PACKAGES, {
  files: Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [
      `many/model-${i + 1}.yml`,
      MARKETPLACE.replace('churn-predictor', `churn-predictor-${i + 1}`),
    ]),
  ),
  inputs: {
    // Check runs have their own tests (check-runs.test.ts).
    'check-run': 'false',
  },
  event: { name: 'pull_request', payload: { number: PR, pull_request: { number: PR } } },
});

const act = (inputs: Record<string, string> = {}, event?: { name: string; payload: object }) =>
  t.run({ inputs, ...(event ? { event } : {}) });
const comments = () => t.github.comments('octo-org', 'models', PR);
const warningsOf = (run: { annotations: { level: string; message: string }[] }) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
const writes = (method: string) =>
  t.github.requests.filter((r) => r.method === method && r.status < 300).length;

describe('on a pull request', () => {
  it('keeps one comment per manifest, edited as the status changes, and again on the next run', async () => {
    const validation = heldValidation();
    await t.start({ sagemaker: validation.options });
    t.sagemaker.setOutcome('fraud-detector', {
      status: 'Failed',
      failureReason: 'ClientError: the container answered 500 to /invocations',
    });
    // 40 comments by others come before the action's.
    for (let i = 0; i < 40; i++) {
      t.github.addComment('octo-org', 'models', PR, `earlier comment ${i}`, OCTOCAT);
    }
    const run = await validation.playThrough(act(), [
      'churn-predictor',
      'fraud-detector (b/model-package.yml)',
    ]);
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
      t.github.addComment('octo-org', 'models', PR, `later comment ${i}`, OCTOCAT);
    }
    const again = await act();
    expect(again.code).toBe(1);
    expect(writes('POST')).toBe(2);
    const ours = comments().filter((c) => c.body.includes('sagemaker-model-package-action'));
    expect(ours.map((c) => c.id)).toEqual([a!.id, b!.id]);
    const lists = t.github.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith('/comments'),
    );
    expect(lists.map((r) => r.query.page ?? '1').slice(-2)).toEqual(['1', '2']);
    expect(ours[0]!.body).toContain('reused the package of an earlier run');
  }, 90_000);

  it("never edits another author's comment that carries the marker", async () => {
    await t.start({ sagemaker: heldValidation().options });
    const quoted = `> ${commentMarker('a/model-package.yml')}\nWhy did this fail?`;
    const theirs = t.github.addComment('octo-org', 'models', PR, quoted, OCTOCAT);
    const run = await act({ manifest: 'a/model-package.yml', wait: 'false' });
    expect(run.code).toBe(0);
    expect(comments().find((c) => c.id === theirs.id)!.body).toBe(quoted);
    expect(comments()).toHaveLength(2);
    expect(t.github.requests.some((r) => r.foreignAuthor)).toBe(false);
  }, 60_000);

  it('with a read-only token: the same result, one warning, the summary complete', async () => {
    await t.start({ sagemaker: heldValidation().options });
    const run = await act({ 'github-token': 'ghs_reader', wait: 'false' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'InProgress', 'comment-url': '' });
    expect(warningsOf(run)).toEqual([
      'Could not write pull-request comments: the token may not write to this pull request (HTTP 403: Resource not accessible by integration). Give the job `pull-requests: write` in its `permissions`. The job summary has the results.',
    ]);
    expect(comments()).toHaveLength(0);
    expect(run.summary).toContain('### ⏳ churn-predictor');
    expect(run.summary).toContain('### ⏳ fraud-detector');
  }, 60_000);

  it('on a pull request from a fork: one warning that says so', async () => {
    await t.start({ sagemaker: heldValidation().options });
    const run = await act(
      { 'github-token': 'ghs_reader', wait: 'false' },
      {
        name: 'pull_request',
        payload: {
          number: PR,
          pull_request: {
            number: PR,
            head: { repo: { full_name: 'contributor/models' } },
            base: { repo: { full_name: 'octo-org/models' } },
          },
        },
      },
    );
    expect(run.code).toBe(0);
    expect(warningsOf(run)).toEqual([
      'Could not write pull-request comments: the pull request comes from the fork contributor/models, and GitHub gives the workflows of such pull requests a read-only token (HTTP 403: Resource not accessible by integration). Comments need `pull-requests: write`. The job summary has the results.',
    ]);
    expect(t.github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(run.summary).toContain('### ⏳ churn-predictor');
    expect(run.summary).toContain('### ⏳ fraud-detector');
  }, 60_000);

  it('when the pull request does not exist: one warning that says so', async () => {
    await t.start({
      sagemaker: heldValidation().options,
      github: { issues: ['octo-org/models#8'] },
    });
    const run = await act({ wait: 'false' });
    expect(run.code).toBe(0);
    expect(warningsOf(run)).toEqual([
      'Could not write pull-request comments: pull request #7 of octo-org/models was not found, or the token cannot see it (HTTP 404: Not Found). The job summary has the results.',
    ]);
    // Nothing after the 404: GET /user and the listing of the first comment only.
    expect(t.github.requests).toHaveLength(2);
    expect(run.summary).toContain('### ⏳ churn-predictor');
    expect(run.summary).toContain('### ⏳ fraud-detector');
  }, 60_000);

  it('when the rate limit is spent: one warning with its reset time, no call until then', async () => {
    await t.start({ sagemaker: heldValidation().options });
    const resetAt = t.github.exhaustRateLimit();
    const run = await act({ wait: 'false' });
    expect(run.code).toBe(0);
    const at = new Date(resetAt).toISOString().slice(0, 19).replace('T', ' ');
    expect(warningsOf(run)).toEqual([
      `Could not write pull-request comments: GitHub's API rate limit was reached; it resets at ${at} UTC. Comments wait until then (HTTP 403: API rate limit exceeded for installation ID 52013742. If you reach out to GitHub Support for help, please include the request ID.). The job summary has the results.`,
    ]);
    expect(t.github.requests).toHaveLength(2);
    expect(run.summary).toContain('### ⏳ churn-predictor');
    expect(run.summary).toContain('### ⏳ fraud-detector');
  }, 60_000);

  it('when GitHub never answers the listing: a dry run ends within the budget, with a complete summary', async () => {
    await t.start();
    t.github.hang({ method: 'GET', path: /\/issues\/7\/comments$/, count: Infinity });
    const started = Date.now();
    const run = await act({ manifest: 'many/*.yml', 'dry-run': 'true' });
    const took = Date.now() - started;
    expect(run.code).toBe(0);
    // Six listings of 10 s each spend the 60 s budget; before, the first one took 300 s.
    expect(took).toBeLessThan(80_000);
    expect(warningsOf(run)).toEqual([
      'GitHub did not answer within 10 s (listing the comments of pull request #7): the pull-request comment for many/model-1.yml was not written; the next status change tries again. The job summary has the results.',
      'Stopped writing pull-request comments: their GitHub calls took 60 s in this run, the most a run gives them. The job summary has the results.',
    ]);
    expect(t.github.requests.filter((r) => r.hung)).toHaveLength(6);
    expect(comments()).toHaveLength(0);
    for (let i = 1; i <= 8; i++) expect(run.summary).toContain(`### 🔍 churn-predictor-${i}\n`);
    expect(run.outputs.status).toBe('DryRun');
  }, 120_000);

  it("with a GitHub App's token: finds the App's own comment and edits it", async () => {
    await t.start({ sagemaker: heldValidation().options });
    const marker = commentMarker('a/model-package.yml');
    const ours = t.github.addComment('octo-org', 'models', PR, `${marker}\nearlier run`, APP_BOT);
    const person = t.github.addComment('octo-org', 'models', PR, `${marker}\ncopied`, OCTOCAT);
    const other = `Deployment report\n${marker}`;
    const theirs = t.github.addComment('octo-org', 'models', PR, other, GITHUB_ACTIONS_BOT);
    const run = await act({
      manifest: 'a/model-package.yml',
      'github-token': 'ghs_app',
      wait: 'false',
    });
    expect(run.code).toBe(0);
    expect(warningsOf(run)).toEqual([]);
    const after = comments();
    expect(after.map((c) => c.id)).toEqual([ours.id, person.id, theirs.id]);
    expect(after[0]!.body.startsWith(`${marker}\n`)).toBe(true);
    expect(after[0]!.body).toContain('### ⏳ churn-predictor');
    expect(after[1]!.body).toBe(`${marker}\ncopied`);
    expect(after[2]!.body).toBe(other);
    expect(t.github.requests.some((r) => r.foreignAuthor)).toBe(false);
    expect(run.outputs['comment-url']).toBe(ours.html_url);
  }, 60_000);

  it("with GITHUB_TOKEN: leaves alone another workflow's comment that quotes the marker", async () => {
    await t.start({ sagemaker: heldValidation().options });
    const other = `Deployment report\n${commentMarker('a/model-package.yml')}`;
    const theirs = t.github.addComment('octo-org', 'models', PR, other, GITHUB_ACTIONS_BOT);
    const run = await act({ manifest: 'a/model-package.yml', wait: 'false' });
    expect(run.code).toBe(0);
    const after = comments();
    expect(after).toHaveLength(2);
    expect(after[0]).toEqual(theirs);
    expect(after[1]!.body.startsWith(commentMarker('a/model-package.yml'))).toBe(true);
    const edits = t.github.requests.filter((r) => r.method === 'PATCH');
    expect(edits.filter((r) => r.path.endsWith(`/comments/${theirs.id}`))).toEqual([]);
  }, 60_000);

  it('keeps a hostile, huge failure reason from breaking the comment or the summary', async () => {
    await t.start({ sagemaker: { pendingMs: 100, inProgressMs: 100 } });
    const hostile = `<img src=x onerror=alert(1)> @octo-org/admins | cell | ${'x'.repeat(100_000)}`;
    t.sagemaker.setOutcome('fraud-detector', { status: 'Failed', failureReason: hostile });
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
    await t.start();
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
      await t.start({ sagemaker: heldValidation().options });
      const run = await act({ wait: 'false', 'check-run': 'true' }, { name, payload: {} });
      expect(run.code).toBe(0);
      expect(t.github.requests.map((r) => [r.method, r.path])).toEqual([
        ['POST', '/repos/octo-org/models/check-runs'],
        ['POST', '/repos/octo-org/models/check-runs'],
      ]);
      expect(t.github.checkRuns('octo-org', 'models', RUN_ENV.GITHUB_SHA)).toHaveLength(2);
      expect(run.summary).toContain('### ⏳ churn-predictor');
      expect(run.summary).toContain(
        '[Workflow run](https://github.com/octo-org/models/actions/runs/1000)',
      );
    },
    60_000,
  );
});
