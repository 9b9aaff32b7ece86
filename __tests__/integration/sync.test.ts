/**
 * `mode: sync`, end to end: the built action against the SageMaker emulator and the GitHub
 * API emulator. A pull-request run with `wait: false` leaves its check runs in progress and
 * its comments saying the packages validate; a scheduled sync concludes them once
 * validation ended, and writes nothing while it goes on.
 */
import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/comment-marker.js';
import { heldValidation, integration } from '../harness/integration.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../harness/manifests.js';
import { PR_HEAD_SHA, pullRequestEvent, RUN_URL } from '../harness/run-context.js';

const PR = 7;
const OWNER = 'octo-org';
const REPO = 'models';
const CHURN = 'SageMaker validation: churn-predictor';
const FRAUD = 'SageMaker validation: fraud-detector (b/model-package.yml)';
const t = integration({
  manifests: { a: MARKETPLACE, b: VERSIONED + VALIDATION },
  github: {},
  inputs: { 'github-token': 'ghs_writer' },
});

const sha = (n: number) => n.toString(16).padStart(40, 'c');

/** Validation moves on only when a test says so. */
let held: ReturnType<typeof heldValidation>;

async function start() {
  held = heldValidation();
  const { github } = await t.start({ sagemaker: held.options });
  t.github.addPullRequest(OWNER, REPO, PR, PR_HEAD_SHA);
  github.setBranch(
    OWNER,
    REPO,
    'main',
    Array.from({ length: 25 }, (_, i) => sha(i)),
  );
}

/** The pull request's run that does not wait. */
const publish = () =>
  t.run({
    inputs: {
      manifest: 'a/model-package.yml\nb/model-package.yml',
      region: 'us-east-1',
      wait: 'false',
    },
    event: pullRequestEvent(PR),
  });

/** A scheduled sync; its manifest input, which it ignores, names nothing that exists. */
const sync = (payload: object = {}) =>
  t.run({
    inputs: { mode: 'sync', manifest: 'does/not/exist.yml' },
    event: { name: 'schedule', payload },
  });

const comments = () => t.github.comments(OWNER, REPO, PR);
const runs = () => t.github.checkRuns(OWNER, REPO, PR_HEAD_SHA);

describe('mode: sync', () => {
  it('changes nothing while the packages validate, then concludes the check runs and updates the comments', async () => {
    await start();
    t.sagemaker.setOutcome('fraud-detector', {
      status: 'Failed',
      failureReason: 'ClientError: the container answered 500 to /invocations',
    });
    const first = await publish();
    expect(first.code).toBe(0);
    expect(runs().map((r) => [r.name, r.status])).toEqual([
      [CHURN, 'in_progress'],
      [FRAUD, 'in_progress'],
    ]);
    expect(comments().map((c) => c.body!.split('\n')[0])).toEqual([
      commentMarker('a/model-package.yml'),
      commentMarker('b/model-package.yml'),
    ]);
    expect(comments()[0]!.body).toContain('⏳');
    const published = (JSON.parse(first.outputs.results!) as { arn: string }[]).map((r) => r.arn);

    // Still validating: nothing is written.
    held.next();
    const writesBefore = t.github.writes();
    const idle = await sync();
    expect(idle.code).toBe(0);
    expect(t.github.writes()).toBe(writesBefore);
    expect(idle.outputs.status).toBe('InProgress');
    expect(
      (JSON.parse(idle.outputs.results!) as { arn: string }[]).map((r) => r.arn).sort(),
    ).toEqual([...published].sort());
    expect(idle.summary).toContain('0 concluded, 2 still validating');
    expect(t.sagemaker.counts().CreateModelPackage).toBe(2);
    // One batch call for the version, one describe for the unversioned package; GET /repos
    // for the default branch the schedule event does not name.
    expect(t.github.requests.filter((r) => r.path === `/repos/${OWNER}/${REPO}`)).toHaveLength(1);

    held.next();
    const calls = t.sagemaker.requests.length;
    const done = await sync({ repository: { default_branch: 'main' } });
    expect(done.code).toBe(0);
    expect(t.sagemaker.counts().CreateModelPackage).toBe(2);
    expect(t.sagemaker.requests.length).toBeGreaterThan(calls);
    expect(done.outputs.status).toBe('Failed');
    expect(done.outputs['failure-reason']).toBe('validation-failed');
    expect(done.summary).toContain('2 concluded, 0 still validating');

    const [churn, fraud] = runs();
    expect([churn!.status, churn!.conclusion, fraud!.status, fraud!.conclusion]).toEqual([
      'completed',
      'success',
      'completed',
      'failure',
    ]);
    expect(churn!.output.title).toBe('Validation completed');
    expect(fraud!.output.title).toBe('Validation failed');
    expect(fraud!.output.text).toContain(
      '| smoke | Failed | ClientError: the container answered 500 to /invocations |',
    );
    // As the pull request's run would have written them: its run URL, not the sync's.
    expect(churn!.details_url).toBe(RUN_URL);
    // Concluded, it keeps its state hidden in its summary's last line, the status now final.
    expect(churn!.output.summary).toMatch(/\n<!-- sagemaker-model-package-action state=\S+ -->$/);

    const [a, b] = comments();
    expect(comments()).toHaveLength(2);
    expect(a!.body!.split('\n')[0]).toBe(commentMarker('a/model-package.yml'));
    expect(a!.body).toContain('✅');
    expect(a!.body).toContain(RUN_URL);
    expect(b!.body).toContain('❌');
    expect(b!.body).toContain('ClientError: the container answered 500 to /invocations');

    // Concluded check runs are no longer looked at.
    const writes = t.github.writes();
    const again = await sync();
    expect(again.outputs.status).toBe('Completed');
    expect(JSON.parse(again.outputs.results!)).toEqual([]);
    expect(t.github.writes()).toBe(writes);
  });

  it('fails only when it cannot read GitHub, and refuses a mode it does not know', async () => {
    await start();
    t.github.fail(500, {
      count: 10,
      method: 'GET',
      path: /\/(pulls|commits|repos\/[^/]+\/[^/]+)$/,
    });
    const broken = await sync();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('sync could not read GitHub');

    const wrong = await t.run({
      inputs: { mode: 'verify-all' },
      event: { name: 'schedule', payload: {} },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.outputs['failure-reason']).toBe('invalid-input');
    expect(wrong.stdout).toContain(
      "input 'mode' must be one of publish, verify, sync, not 'verify-all'",
    );
  });
});
