/**
 * Check runs, end to end: the built action against the SageMaker emulator and the GitHub
 * API emulator, on a pull request whose head commit differs from the merge commit the
 * workflow checked out.
 */
import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/comment-marker.js';
import type { RecordedGitHubRequest } from '../harness/github-emulator.js';
import { heldValidation, integration, TWO_PACKAGES } from '../harness/integration.js';
import { PR_HEAD_SHA, pullRequestEvent, RUN_ENV, RUN_URL } from '../harness/run-context.js';

const PR = 7;
const CHURN = 'SageMaker validation: churn-predictor';
const FRAUD = 'SageMaker validation: fraud-detector (b/model-package.yml)';
const t = integration(TWO_PACKAGES, {
  manifests: { broken: 'ModelPackageName: bad_name\n' },
  event: pullRequestEvent(PR),
});

const act = (inputs: Record<string, string> = {}) => t.run({ inputs });
const checkRunRequests = () =>
  t.github.requests.filter((r) => r.path.includes('/check-runs') && r.status < 300);
const checkRuns = () => t.github.checkRuns('octo-org', 'models');
type Body = {
  name?: string;
  status?: string;
  conclusion?: string;
  output?: { title: string; summary: string; text: string };
};
const bodyOf = (r: RecordedGitHubRequest) => r.body as Body;

describe('check runs', () => {
  it('in progress while validating, updated on changes only, concluded on the head commit; a reused package is created concluded', async () => {
    const validation = heldValidation();
    await t.start({ sagemaker: validation.options });
    t.sagemaker.setOutcome('fraud-detector', {
      status: 'Failed',
      failureReason: 'ClientError: the container answered 500 to /invocations',
    });
    const run = await validation.playThrough(act(), [
      'churn-predictor',
      'fraud-detector (b/model-package.yml)',
    ]);
    expect(run.code).toBe(1);

    const runs = checkRuns();
    expect(runs.map((r) => [r.name, r.head_sha, r.status, r.conclusion])).toEqual([
      [CHURN, PR_HEAD_SHA, 'completed', 'success'],
      [FRAUD, PR_HEAD_SHA, 'completed', 'failure'],
    ]);
    expect(PR_HEAD_SHA).not.toBe(RUN_ENV.GITHUB_SHA);
    const [churn, fraud] = runs;
    const results = JSON.parse(run.outputs.results!) as { arn: string }[];
    expect(churn!.external_id).toBe(results[0]!.arn);
    expect(fraud!.external_id).toBe(results[1]!.arn);
    expect(churn!.details_url).toBe(RUN_URL);
    expect(churn!.output.title).toBe('Validation completed');
    expect(fraud!.output.title).toBe('Validation failed');
    expect(fraud!.output.text).toContain(
      '| smoke | Failed | ClientError: the container answered 500 to /invocations |',
    );

    // Each created in progress once, then written again only when its content changed.
    const requests = checkRunRequests();
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [bodyOf(r).name, bodyOf(r).status])).toEqual([
      [CHURN, 'in_progress'],
      [FRAUD, 'in_progress'],
    ]);
    for (const check of runs) {
      const writes = requests
        .filter((r) =>
          r.method === 'POST' ? bodyOf(r).name === check.name : r.path.endsWith(`/${check.id}`),
        )
        .map((r) => JSON.stringify({ ...bodyOf(r), name: undefined }));
      expect(writes.length).toBeGreaterThanOrEqual(2);
      expect(writes.length).toBeLessThanOrEqual(4);
      writes.slice(1).forEach((body, i) => expect(body).not.toBe(writes[i]));
    }
    const polls = t.sagemaker.counts().DescribeModelPackage ?? 0;
    expect(requests.filter((r) => r.method === 'PATCH').length).toBeLessThan(polls);

    // The next run reuses both packages, which have finished: created already concluded.
    const again = await act();
    expect(again.code).toBe(1);
    const later = checkRunRequests().slice(requests.length);
    expect(later.map((r) => [r.method, bodyOf(r).name, bodyOf(r).conclusion])).toEqual([
      ['POST', CHURN, 'success'],
      ['POST', FRAUD, 'failure'],
    ]);
  }, 90_000);

  it('wait: false leaves the check run in progress, saying a later run concludes it', async () => {
    await t.start({ sagemaker: heldValidation().options });
    const run = await act({ manifest: 'a/model-package.yml', wait: 'false' });
    expect(run.code).toBe(0);
    expect(checkRunRequests().map((r) => r.method)).toEqual(['POST']);
    const [check] = checkRuns();
    expect(check).toMatchObject({ name: CHURN, status: 'in_progress', conclusion: null });
    expect(check!.output.summary).toContain('(`wait: false`)');
    expect(check!.output.summary).toContain(
      'Re-run this job, or run the action again on this commit: it reuses the package and concludes a check run of this name once validation has ended.',
    );
  }, 60_000);

  it('the timeout leaves the check run in progress too', async () => {
    await t.start({ sagemaker: heldValidation().options });
    const run = await act({ manifest: 'a/model-package.yml', 'wait-timeout-minutes': '0.05' });
    expect(run.outputs).toMatchObject({ status: 'InProgress', 'failure-reason': 'timed-out' });
    const [check] = checkRuns();
    expect(check).toMatchObject({ status: 'in_progress', output: { title: 'Still validating' } });
    expect(check!.output.summary).toContain('This run stopped waiting.');
    expect(checkRunRequests().map((r) => r.method)).toEqual(['POST', 'PATCH']);
  }, 60_000);

  it('a matrix over one manifest: a comment and a check run per label', async () => {
    await t.start({ sagemaker: heldValidation().options });
    for (const label of ['cpu', 'gpu', 'cpu']) {
      const run = await act({ manifest: 'a/model-package.yml', wait: 'false', label });
      expect(run.code).toBe(0);
    }
    const comments = t.github.comments('octo-org', 'models', PR);
    expect(comments.map((c) => c.body.split('\n', 1)[0])).toEqual([
      commentMarker('a/model-package.yml', 'cpu'),
      commentMarker('a/model-package.yml', 'gpu'),
    ]);
    expect(comments[1]!.body).toMatch(/^### \S+ churn-predictor \(gpu\)$/m);
    expect(checkRuns().map((r) => r.name)).toEqual([
      `${CHURN} (cpu)`,
      `${CHURN} (gpu)`,
      `${CHURN} (cpu)`,
    ]);
    // GitHub shows the latest check run of each name: one per job.
    const latest = await fetch(
      `${t.github.url}/repos/octo-org/models/commits/${PR_HEAD_SHA}/check-runs`,
      { headers: { authorization: 'token ghs_writer' } },
    ).then((r) => r.json() as Promise<{ total_count: number }>);
    expect(latest.total_count).toBe(2);
  }, 60_000);

  it('a token without checks: write: one warning, the same exit code, comments still written', async () => {
    await t.start({ sagemaker: { pendingMs: 100, inProgressMs: 100 } });
    t.sagemaker.setOutcome('fraud-detector', { status: 'Failed', failureReason: 'broken' });
    const run = await act({ 'github-token': 'ghs_nochecks' });
    const without = await act({ 'github-token': 'ghs_nochecks', 'check-run': 'false' });
    expect(run.code).toBe(1);
    expect(without.code).toBe(1);
    expect(run.outputs.status).toBe(without.outputs.status);
    const warnings = run.annotations.filter((a) => a.level === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('Resource not accessible by integration');
    expect(warnings[0]!.message).toContain("'checks: write'");
    expect(without.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    // One refused attempt, then no more calls for the run.
    const attempts = t.github.requests.filter((r) => r.path.includes('/check-runs'));
    expect(attempts.map((r) => [r.method, r.status])).toEqual([['POST', 403]]);
    expect(checkRuns()).toEqual([]);
    expect(t.github.comments('octo-org', 'models', PR)).toHaveLength(2);
  }, 60_000);

  it('a dry run creates no check run', async () => {
    await t.start();
    const run = await act({ 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(t.github.requests.filter((r) => r.path.includes('/check-runs'))).toEqual([]);
    expect(t.github.comments('octo-org', 'models', PR)).toHaveLength(2);
  }, 60_000);

  it('an invalid manifest: a failed check run named after its package, without an external_id', async () => {
    await t.start();
    const run = await act({ manifest: 'broken/model-package.yml\na/model-package.yml' });
    expect(run.code).toBe(1);
    expect(
      checkRuns().map((r) => [r.name, r.status, r.conclusion, r.external_id, r.output.title]),
    ).toEqual([
      ['SageMaker validation: bad_name', 'completed', 'failure', null, 'Invalid manifest'],
      [CHURN, 'completed', 'failure', null, 'Failed'],
    ]);
    expect(t.sagemaker.requests).toEqual([]);
  }, 60_000);
});
