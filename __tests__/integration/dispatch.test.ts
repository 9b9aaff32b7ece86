/**
 * A dispatched `mode: sync` (SPEC §10), end to end: the built action against the SageMaker
 * emulator and the GitHub API emulator. A pull-request run with `wait: false` leaves its
 * check runs in progress; a `repository_dispatch` run for one package, as SageMaker's
 * event sends it through EventBridge, concludes that package's check run and comment from
 * what SageMaker says, whatever the payload claims, in at most 6 GitHub calls and 2
 * SageMaker calls; a foreign, unknown or malformed ARN, and a repeated event, write nothing.
 * An approval in SageMaker Studio updates the concluded check run and the comment, and the
 * release workflow's `verify` of the event's package passes.
 */
import { describe, expect, it } from '@jest/globals';
import { REPORT_KEY } from '../../src/action-entries.js';
import { heldValidation, integration } from '../harness/integration.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../harness/manifests.js';
import { commandLines, inert, visible } from '../harness/inert.js';
import { PR_HEAD_SHA, pullRequestEvent, RUN_ENV, RUN_URL } from '../harness/run-context.js';
import { studio } from '../harness/studio.js';

const PR = 7;
const OWNER = 'octo-org';
const REPO = 'models';
const CHURN = 'SageMaker validation: churn-predictor';
const FRAUD = 'SageMaker validation: fraud-detector (b/model-package.yml)';
const FAILURE = 'ClientError: the container answered 500 to /invocations';
const t = integration({
  manifests: { a: MARKETPLACE, b: VERSIONED + VALIDATION },
  github: {},
  inputs: { 'github-token': 'ghs_writer' },
});

let held: ReturnType<typeof heldValidation>;

async function start() {
  held = heldValidation();
  await t.start({ sagemaker: held.options });
  t.github.addPullRequest(OWNER, REPO, PR, PR_HEAD_SHA);
}

/** The pull request's run that does not wait: the ARNs of churn-predictor and fraud-detector. */
async function publish(): Promise<{ churn: string; fraud: string }> {
  t.sagemaker.setOutcome('fraud-detector', { status: 'Failed', failureReason: FAILURE });
  const run = await t.run({
    inputs: {
      manifest: 'a/model-package.yml\nb/model-package.yml',
      region: 'us-east-1',
      wait: 'false',
    },
    event: pullRequestEvent(PR),
  });
  expect(run.code).toBe(0);
  expect(runs().map((r) => [r.name, r.status])).toEqual([
    [CHURN, 'in_progress'],
    [FRAUD, 'in_progress'],
  ]);
  const [churn, fraud] = (JSON.parse(run.outputs.results!) as { arn: string }[]).map((r) => r.arn);
  return { churn: churn!, fraud: fraud! };
}

/**
 * A dispatched sync with `clientPayload`, and what it cost: the GitHub requests and the
 * SageMaker requests it made (by operation), and the GitHub writes.
 */
async function dispatch(clientPayload: unknown, env: Record<string, string> = {}) {
  const github = t.github.requests.length;
  const sagemaker = t.sagemaker.requests.length;
  const writes = t.github.writes();
  const run = await t.run({
    inputs: { mode: 'sync', manifest: 'does/not/exist.yml' },
    event: {
      name: 'repository_dispatch',
      payload: { action: 'sagemaker-model-package', client_payload: clientPayload },
    },
    env,
  });
  return {
    run,
    github: t.github.requests.slice(github).map((r) => `${r.method} ${r.path}`),
    sagemaker: t.sagemaker.requests.slice(sagemaker).map((r) => r.operation),
    writes: t.github.writes() - writes,
  };
}

/** What EventBridge's input transformer sends (iam/sagemaker-events-to-github.yml). */
const payload = (arn: string, status = 'Completed') => ({
  arn,
  name: '',
  group: '',
  version: '',
  status,
  approval: 'PendingManualApproval',
  stage: '',
  stage_status: '',
});

/** The GitHub calls of a dispatched run that concludes one check run and its comment. */
const CONCLUDING = [
  `GET /repos/${OWNER}/${REPO}/commits/${PR_HEAD_SHA}/check-runs`,
  'GET /user',
  `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
  expect.stringMatching(new RegExp(`^PATCH /repos/${OWNER}/${REPO}/issues/comments/\\d+$`)),
  expect.stringMatching(new RegExp(`^PATCH /repos/${OWNER}/${REPO}/check-runs/\\d+$`)),
];

const comments = () => t.github.comments(OWNER, REPO, PR);
const runs = () => t.github.checkRuns(OWNER, REPO, PR_HEAD_SHA);
const byName = (name: string) => runs().find((r) => r.name === name)!;

describe('a dispatched sync', () => {
  it('concludes the check run and the comment of the package its event names, from what SageMaker says', async () => {
    await start();
    const { churn, fraud } = await publish();
    // Where the pull request's run reported: its head commit, not the merge commit.
    const created = t.sagemaker.requests
      .filter((r) => r.operation === 'CreateModelPackage')
      .map((r) => r.body as { Tags?: { Key: string }[]; CustomerMetadataProperties?: object });
    const record = `${OWNER}/${REPO}@${PR_HEAD_SHA}`;
    expect(created.map((body) => body.Tags ?? [])).toContainEqual(
      expect.arrayContaining([{ Key: REPORT_KEY, Value: record }]),
    );
    expect(created.map((body) => body.CustomerMetadataProperties)).toContainEqual(
      expect.objectContaining({ [REPORT_KEY]: record }),
    );

    // Still validating: described, nothing written, whatever the payload claims.
    const early = await dispatch(payload(churn));
    expect(early.run.code).toBe(0);
    expect(early.writes).toBe(0);
    expect(early.sagemaker).toEqual(['DescribeModelPackage']);
    expect(early.run.stdout).toContain('is still validating');
    expect(byName(CHURN).status).toBe('in_progress');

    held.next(2);
    // The unversioned package: its record is a tag (one ListTags).
    const done = await dispatch(payload(churn));
    expect(done.run.code).toBe(0);
    expect(done.sagemaker).toEqual(['DescribeModelPackage', 'ListTags']);
    // Five GitHub calls (the target is at most six): the check runs of the recorded commit,
    // then the comment (who the token is, the pull request's comments, the update) and the
    // check run's update.
    expect(done.github).toEqual(CONCLUDING);
    expect(done.run.outputs.status).toBe('Completed');
    const concluded = byName(CHURN);
    expect([concluded.status, concluded.conclusion]).toEqual(['completed', 'success']);
    expect(concluded.details_url).toBe(RUN_URL);
    // A concluded check run keeps its state, hidden, for a later approval or stage change.
    expect(concluded.output.summary).toMatch(
      /\n<!-- sagemaker-model-package-action state=\S+ -->$/,
    );
    // Only this package: fraud-detector's check run stays as it was.
    expect(byName(FRAUD).status).toBe('in_progress');
    expect(comments()[0]!.body).toContain('✅');
    expect(comments()[1]!.body).toContain('⏳');

    // A forged payload: fraud-detector "Completed", but SageMaker says its validation failed.
    const forged = await dispatch(payload(fraud, 'Completed'));
    expect(forged.run.code).toBe(0);
    // The version's record is in its description: DescribeModelPackage alone for the
    // package; the diagnosis of its failed validation reads the transform jobs.
    expect(forged.sagemaker.filter((op) => /ModelPackage|Tags/.test(op))).toEqual([
      'DescribeModelPackage',
    ]);
    expect(forged.github).toEqual(CONCLUDING);
    expect(forged.run.outputs.status).toBe('Failed');
    expect(forged.run.outputs['failure-reason']).toBe('validation-failed');
    const failed = byName(FRAUD);
    expect([failed.status, failed.conclusion]).toEqual(['completed', 'failure']);
    expect(failed.output.text).toContain(`| smoke | Failed | ${FAILURE} |`);
    expect(comments()).toHaveLength(2);
    expect(comments()[1]!.body).toContain('❌');
    expect(comments()[1]!.body).toContain(FAILURE);

    // The same event again, and a late one: the check runs are concluded; nothing is written.
    for (const arn of [fraud, churn]) {
      const again = await dispatch(payload(arn, 'Failed'));
      expect(again.run.code).toBe(0);
      expect(again.writes).toBe(0);
      expect(again.github).toHaveLength(1);
      expect(again.run.stdout).toContain('a late or repeated event');
    }
  });

  it('concludes the check run of the latest commit whose run reused the package while it validated', async () => {
    await start();
    const { churn, fraud } = await publish();
    const head = 'beefbeefbeefbeefbeefbeefbeefbeefbeefbeef';
    const pushed = {
      name: 'pull_request',
      payload: { number: PR, pull_request: { number: PR, head: { sha: head } } },
    };
    const rerun = async () => {
      const before = t.sagemaker.requests.length;
      const run = await t.run({
        inputs: {
          manifest: 'a/model-package.yml\nb/model-package.yml',
          region: 'us-east-1',
          wait: 'false',
        },
        event: pushed,
      });
      expect(run.code).toBe(0);
      return t.sagemaker.requests.slice(before);
    };
    // The new head's run reuses both packages, still validating, and records its commit:
    // AddTags on the unversioned package, UpdateModelPackage on the version.
    const moved = await rerun();
    const record = `${OWNER}/${REPO}@${head}`;
    expect(moved.filter((r) => r.operation === 'CreateModelPackage')).toEqual([]);
    // The packages are obtained side by side: in either order.
    expect(
      moved
        .filter((r) => r.operation === 'AddTags' || r.operation === 'UpdateModelPackage')
        .sort((x, y) => x.operation.localeCompare(y.operation)),
    ).toEqual([
      expect.objectContaining({
        operation: 'AddTags',
        body: { ResourceArn: churn, Tags: [{ Key: REPORT_KEY, Value: record }] },
      }),
      expect.objectContaining({
        operation: 'UpdateModelPackage',
        body: { ModelPackageArn: fraud, CustomerMetadataProperties: { [REPORT_KEY]: record } },
      }),
    ]);
    // Once recorded, a run of the same commit writes nothing.
    const again = await rerun();
    expect(
      again.filter((r) => r.operation === 'AddTags' || r.operation === 'UpdateModelPackage'),
    ).toEqual([]);

    held.next(2);
    for (const arn of [churn, fraud]) {
      const done = await dispatch(payload(arn));
      expect(done.run.code).toBe(0);
      expect(done.github[0]).toBe(`GET /repos/${OWNER}/${REPO}/commits/${head}/check-runs`);
    }
    // Each run of the commit made its check runs; the newest of each name, which GitHub
    // shows, is concluded.
    const latest = t.github.checkRuns(OWNER, REPO, head).slice(-2);
    expect(latest.map((r) => [r.name, r.status, r.conclusion]).sort()).toEqual([
      [CHURN, 'completed', 'success'],
      [FRAUD, 'completed', 'failure'],
    ]);
    // The first commit's check runs are left to the scheduled sync.
    expect(runs().map((r) => r.status)).toEqual(['in_progress', 'in_progress']);
  });

  it('shows an approval and stage set in SageMaker Studio on the concluded check run and comment, and the release verifies the package', async () => {
    await start();
    const manifests = 'a/model-package.yml\nb/model-package.yml';
    const pr = await t.run({
      inputs: { manifest: manifests, region: 'us-east-1', wait: 'false' },
      event: pullRequestEvent(PR),
    });
    expect(pr.code).toBe(0);
    const fraud = (JSON.parse(pr.outputs.results!) as { arn: string }[])[1]!.arn;
    held.next(2);
    const done = await dispatch(payload(fraud));
    expect(done.run.outputs.status).toBe('Completed');
    expect([byName(FRAUD).status, byName(FRAUD).conclusion]).toEqual(['completed', 'success']);
    expect(visible(comments()[1]!.body)).toContain('PendingManualApproval');

    // Someone approves version 1 in SageMaker Studio and moves it to Production, with a
    // stage description that tries to be a workflow command, markup and a mention.
    const person = studio(t.sagemaker.url);
    const hostile =
      '::error::forged <img src=x onerror=alert(1)> @octo-org/admins [x](https://evil.example) #1';
    try {
      await person.update({
        ModelPackageArn: fraud,
        ModelApprovalStatus: 'Approved',
        ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved', StageDescription: hostile },
      });
    } finally {
      person.destroy();
    }
    const checkRun = byName(FRAUD);
    const approved = await dispatch({
      ...payload(fraud),
      approval: 'Approved',
      stage: 'Production',
    });
    expect(approved.run.code).toBe(0);
    expect(approved.sagemaker).toEqual(['DescribeModelPackage']);
    expect(approved.github).toEqual(CONCLUDING);
    expect(approved.run.stdout).toContain('PendingManualApproval');
    expect(approved.run.stdout).toContain("→ 'Approved', 'Production/Approved'");
    expect(approved.run.stdout).toContain(
      `Updated ${FRAUD} on ${PR_HEAD_SHA}, concluded success already.`,
    );
    for (const line of commandLines(approved.run)) {
      expect(line).toMatch(/^::(group|endgroup|add-mask|warning)::/);
      expect(line).not.toContain('forged');
    }
    // The same check run, with its conclusion, now showing the approval and the stage.
    const updated = byName(FRAUD);
    const summary = updated.output.summary ?? '';
    const text = updated.output.text ?? '';
    expect(updated.id).toBe(checkRun.id);
    expect([updated.status, updated.conclusion]).toEqual(['completed', 'success']);
    expect(visible(text)).toContain('Approved');
    expect(visible(text)).toContain('Production');
    const comment = comments()[1]!.body;
    expect(visible(comment)).toContain('Production');
    expect(visible(comment)).not.toContain('PendingManualApproval');
    expect(visible(comment)).toContain('✅');
    inert(comment);
    inert(summary);
    inert(text);
    // The other package's check run and comment are left as they were.
    expect(byName(CHURN).status).toBe('in_progress');

    // The same event again: nothing changed since; nothing is written.
    const again = await dispatch({ ...payload(fraud), approval: 'Approved' });
    expect(again.writes).toBe(0);
    expect(again.github).toHaveLength(1);
    expect(again.run.stdout).toContain('a late or repeated event');

    // The release workflow on the approval event (examples/workflows/sagemaker-events.yml):
    // verify with require-approval, for the event's package only, on the default branch.
    const release = (arn: string) =>
      t.run({
        inputs: {
          mode: 'verify',
          manifest: manifests,
          region: 'us-east-1',
          'require-approval': 'true',
          'model-package-arn': arn,
        },
        event: {
          name: 'repository_dispatch',
          payload: { action: 'sagemaker-model-package', client_payload: payload(arn) },
        },
      });
    const before = t.sagemaker.requests.length;
    const verified = await release(fraud);
    expect(verified.code).toBe(0);
    expect(verified.outputs.status).toBe('Completed');
    expect(verified.outputs['model-package-arn']).toBe(fraud);
    expect(JSON.parse(verified.outputs.results!)).toHaveLength(1);
    expect(verified.stdout).toContain('1 manifest of 2 is for');
    expect(
      t.sagemaker.requests.slice(before).filter((r) => /^(Create|Update)/.test(r.operation)),
    ).toEqual([]);
    // Its own check run, on the commit it ran on.
    expect(
      t.github.checkRuns(OWNER, REPO, RUN_ENV.GITHUB_SHA).map((r) => [r.name, r.conclusion]),
    ).toEqual([[FRAUD, 'success']]);

    // Another version of the group than this commit's manifest made: not deployed.
    const other = await release(fraud.replace(/\/1$/, '/2'));
    expect(other.code).toBe(1);
    expect(other.outputs['failure-reason']).toBe('not-found');
    expect(other.stdout).toContain('is not what this commit defines');
    // A package none of the manifests makes.
    const none = await release(fraud.replace('fraud-detector', 'another-group'));
    expect(none.code).toBe(1);
    expect(none.outputs['failure-reason']).toBe('not-found');
    expect(none.stdout).toContain('none of the 2 manifests the manifest input matches');
    // A payload's ARN that is no ARN: refused before any call, its text not shown.
    const calls = t.sagemaker.requests.length;
    const notAnArn = `${fraud}\n::error file=x::forged`;
    const forged = await release(notAnArn);
    expect(forged.code).toBe(1);
    expect(forged.outputs['failure-reason']).toBe('invalid-input');
    expect(forged.stdout).toContain(
      `input 'model-package-arn' (${notAnArn.length} characters) is not`,
    );
    expect(forged.stdout).not.toContain('forged');
    expect(t.sagemaker.requests.length).toBe(calls);
  });

  it("writes nothing for an unknown ARN, another repository's package, or a payload without an ARN", async () => {
    await start();
    const { churn } = await publish();
    held.next(2);
    const writes = t.github.writes();

    const unknown = await dispatch(
      payload('arn:aws:sagemaker:us-east-1:123456789012:model-package/no-such-package'),
    );
    expect(unknown.run.code).toBe(0);
    expect(unknown.github).toEqual([]);
    expect(unknown.sagemaker).toEqual(['DescribeModelPackage']);
    expect(unknown.run.stdout).toContain('nothing was written');
    expect(unknown.run.stdout).toContain('does not exist');

    const foreign = await dispatch(payload(churn), { GITHUB_REPOSITORY: 'someone-else/models' });
    expect(foreign.run.code).toBe(0);
    expect(foreign.github).toEqual([]);
    expect(foreign.run.stdout).toContain('was reported on by another repository');

    for (const [bad, why] of [
      [undefined, 'no client_payload object'],
      [['arn'], 'no client_payload object'],
      [{ status: 'Completed' }, 'client_payload.arn is missing'],
      [{ arn: 7 }, 'client_payload.arn is not a string'],
      [
        { arn: 'arn:aws:sagemaker:us-east-1:123456789012:model/churn' },
        "is not a model package's ARN",
      ],
      [{ arn: `${churn}\n::stop-commands::x` }, "is not a model package's ARN"],
      [{ arn: `${churn}/../../x` }, "is not a model package's ARN"],
      [{ arn: `${churn}${'x'.repeat(3000)}` }, "is not a model package's ARN"],
    ] as const) {
      const refused = await dispatch(bad);
      expect(refused.run.code).toBe(1);
      expect(refused.run.outputs['failure-reason']).toBe('invalid-input');
      expect(refused.run.stdout).toContain(why);
      expect(refused.github).toEqual([]);
      expect(refused.sagemaker).toEqual([]);
    }

    expect(t.github.writes()).toBe(writes);
    expect(byName(CHURN).status).toBe('in_progress');
  });
});
