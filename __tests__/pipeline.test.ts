/**
 * The whole action in process: main's run() with the runner port in memory, the run's
 * context as a fixture, the harness's SageMaker and pull-request comments, and a clock
 * the test owns. The tests under integration/ run the built dist/ the same way a runner does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run, type Dependencies } from '../src/main.js';
import { fakeCheckRuns } from './harness/fake-check-runs.js';
import { fakeComments } from './harness/fake-comments.js';
import { fakePreflight, type FakePreflight } from './harness/fake-preflight.js';
import { fakeSageMaker, type FakeSageMaker } from './harness/fake-sagemaker.js';
import { MARKETPLACE, VALIDATION, VERSIONED, writeManifest } from './harness/manifests.js';
import { memoryRunner } from './harness/memory-runner.js';
import { ROOT } from './harness/dist-action.js';
import { PR_HEAD_SHA, pullRequestEvent, RUN_ENV, runContext } from './harness/run-context.js';

let workspace: string;

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'smp-pipeline-'));
  cpSync(path.join(ROOT, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  for (const [dir, text] of [
    ['churn', MARKETPLACE],
    ['fraud', VERSIONED + VALIDATION],
    ['broken', 'ModelPackageName: bad_name\nModelPackageGroupName: also-set\n'],
  ] as const) {
    writeManifest(workspace, dir, text);
  }
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** Runs the action with `inputs`; SageMaker and the clock are the harness's. */
async function act(
  inputs: Record<string, string>,
  options: {
    sagemaker?: FakeSageMaker;
    preflight?: FakePreflight;
    event?: { name: string; payload: object };
  } = {},
) {
  const preflight = options.preflight ?? fakePreflight('us-east-1', { everything: true });
  const runner = memoryRunner({ region: 'us-east-1', ...inputs });
  const sagemaker = options.sagemaker ?? fakeSageMaker();
  const github = fakeComments();
  const checks = fakeCheckRuns();
  let sagemakerCreated = 0;
  const deps: Dependencies = {
    runner,
    workflow: runContext(options.event),
    env: { GITHUB_REF_NAME: RUN_ENV.GITHUB_REF_NAME },
    workspace,
    aws: {
      sagemaker: async () => {
        sagemakerCreated++;
        return sagemaker.api;
      },
      preflight: async () => preflight.api,
    },
    github: () => github.client,
    checks: () => checks.client,
    signal: new AbortController().signal,
    now: () => sagemaker.clock.t,
    sleep: async (ms) => {
      sagemaker.clock.t += ms;
    },
  };
  await run(deps);
  const results = JSON.parse(runner.outputs.results ?? '[]') as Record<string, unknown>[];
  return { runner, sagemaker, github, checks, results, sagemakerCreated, preflight };
}

describe('the pipeline in process', () => {
  it('dry run: the plan in the summary, every output, no SageMaker client at all', async () => {
    const { runner, results, sagemakerCreated } = await act({
      manifest: 'examples/*/model-package.yml',
      'dry-run': 'true',
    });
    expect(runner.failed).toBeUndefined();
    expect(runner.outputs).toMatchObject({
      status: 'DryRun',
      'failure-reason': '',
      'model-package-arn': '',
      'comment-url': '',
    });
    expect(results).toHaveLength(3);
    expect(runner.summary).toContain('Request that would be sent (CreateModelPackage)');
    expect(runner.summary).toContain(`"CommitId": "${RUN_ENV.GITHUB_SHA}"`);
    expect(runner.groups).toEqual(['Checking the manifests', 'Reporting']);
    expect(sagemakerCreated).toBe(0);
  });

  it('an invalid manifest: annotations with their spans, in the checking group', async () => {
    const { runner, results } = await act({ manifest: 'broken/model-package.yml' });
    expect(runner.outputs).toMatchObject({
      status: 'Failed',
      'failure-reason': 'invalid-manifest',
    });
    const errors = runner.log.filter((e) => e.level === 'error' && e.annotation);
    expect(errors.map((e) => e.annotation)).toContainEqual({
      title: 'ModelPackageName',
      file: 'broken/model-package.yml',
      startLine: 1,
      endLine: 1,
      startColumn: 19,
      endColumn: 27,
    });
    expect(errors.every((e) => e.group === 'Checking the manifests')).toBe(true);
    expect(runner.failed).toMatch(/^1 of 1 manifests is invalid \(\d+ errors?\); nothing was sent/);
    expect(results[0]).toMatchObject({
      failureReason: 'invalid-manifest',
      name: 'bad_name',
      group: 'also-set',
    });
  });

  it('a wrong input: the step fails, naming it, and the summary says so', async () => {
    const { runner } = await act({ comment: 'sometimes' });
    expect(runner.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'invalid-input' });
    expect(runner.failed).toBe(
      "input 'comment' must be one of update, new, combined, off, not 'sometimes'",
    );
    expect(runner.summary).toContain('must be one of update, new, combined, off');
    // The report output is the summary's markdown, also when the run stopped early.
    expect(runner.outputs.report).toBe(runner.summary);
  });

  it('role-to-assume without id-token: write: invalid-input naming the permission, before any AWS call', async () => {
    const { runner, sagemaker, sagemakerCreated } = await act({
      manifest: 'fraud/model-package.yml',
      'role-to-assume': 'arn:aws:iam::123456789012:role/publisher',
    });
    expect(runner.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'invalid-input' });
    expect(runner.failed).toBe(
      "role-to-assume needs the job's OIDC token, and the runner gave none (Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable). " +
        "Give the job 'permissions: id-token: write' (with 'contents: read'); nothing was sent to AWS.",
    );
    expect(runner.idTokenRequests).toEqual(['sts.amazonaws.com']);
    expect(runner.groups).toEqual([
      'Checking the manifests',
      'Assuming role-to-assume',
      'Reporting',
    ]);
    expect(sagemakerCreated).toBe(0);
    expect(sagemaker.calls).toEqual([]);
  });

  it('a dry run without an OIDC token for role-to-assume skips preflight, and does not fail', async () => {
    const { runner, preflight } = await act({
      manifest: 'fraud/model-package.yml',
      'dry-run': 'true',
      'role-to-assume': 'arn:aws:iam::123456789012:role/publisher',
    });
    expect(runner.outputs).toMatchObject({ status: 'DryRun', 'failure-reason': '' });
    expect(runner.failed).toBeUndefined();
    expect(runner.idTokenRequests).toEqual(['sts.amazonaws.com']);
    expect(runner.lines('info')).toContainEqual(
      expect.stringMatching(/^Preflight skipped: role-to-assume needs the job's OIDC token/),
    );
    expect(preflight.calls).toEqual([]);
  });

  it('a dry run without preflight, or one of verify, asks for the OIDC token once, for its plan', async () => {
    for (const inputs of [{ preflight: 'false' }, { mode: 'verify' }] as Record<string, string>[]) {
      const { runner, preflight } = await act({
        manifest: 'fraud/model-package.yml',
        'dry-run': 'true',
        'role-to-assume': 'arn:aws:iam::123456789012:role/publisher',
        ...inputs,
      });
      expect(runner.outputs.status).toBe('DryRun');
      expect(runner.idTokenRequests).toEqual(['sts.amazonaws.com']);
      expect(runner.lines('info')).toContainEqual(
        expect.stringMatching(
          /^No plan against the live version: role-to-assume needs the job's OIDC token/,
        ),
      );
      expect(preflight.calls).toEqual([]);
    }
  });

  it('publish stops before creating anything when preflight finds something missing', async () => {
    const preflight = fakePreflight();
    preflight.putImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0');
    preflight.putObject('s3://models/in/part-0');
    preflight.putBucket('models');
    const { runner, sagemaker, results } = await act(
      { manifest: 'churn/model-package.yml\nfraud/model-package.yml' },
      { preflight },
    );
    expect(runner.outputs).toMatchObject({
      status: 'Failed',
      'failure-reason': 'preflight-failed',
    });
    expect(runner.failed).toBe(
      'preflight found 2 errors: something a manifest names is missing; nothing was created',
    );
    expect(sagemaker.calls).toEqual([]);
    expect(results.map((r) => [r.manifest, r.status, r.failureReason, r.error])).toEqual([
      [
        'churn/model-package.yml',
        'Failed',
        'preflight-failed',
        "preflight found 1 error in the manifest's references; nothing was created",
      ],
      [
        'fraud/model-package.yml',
        'Failed',
        'preflight-failed',
        "preflight found 1 error in the manifest's references; nothing was created",
      ],
    ]);
    expect(
      runner.log.filter((l) => l.level === 'error').map((l) => l.annotation?.startLine),
    ).toEqual([7, 5]);
  });

  it('publish on a pull request: one comment per manifest, edited as statuses change', async () => {
    const { runner, github, checks, sagemaker, results } = await act(
      { manifest: 'churn/model-package.yml\nfraud/model-package.yml', 'github-token': 'ghs_x' },
      { event: pullRequestEvent(7) },
    );
    expect(runner.failed).toBeUndefined();
    expect(runner.secrets).toEqual(['ghs_x']);
    expect(runner.outputs.status).toBe('Completed');
    expect(results.map((r) => [r.status, r.reused])).toEqual([
      ['Completed', false],
      ['Completed', false],
    ]);
    expect(sagemaker.created).toHaveLength(2);
    // Status changes are logged outside any group, so they stay visible.
    const changes = runner.log.filter((e) => e.message.includes('→'));
    expect(changes.length).toBe(4);
    expect(changes.every((e) => e.group === undefined)).toBe(true);
    expect(runner.groups).toEqual([
      'Checking the manifests',
      'Preflight: the S3 objects, images and algorithms',
      'Creating the model packages',
      'Reporting',
    ]);
    // Created once each, then edited: the reporter is one object for the whole run.
    expect(github.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]!.body).toContain('### ✅ churn-predictor');
    expect(runner.outputs['comment-url']).toBe(github.comments[0]!.html_url);
    expect(runner.summary).toContain('### ✅ fraud-detector');
    // A check run per package on the pull request's head, concluded at the end.
    expect(checks.runs.map((r) => [r.name, r.head_sha, r.conclusion])).toEqual([
      ['SageMaker validation: churn-predictor', PR_HEAD_SHA, 'success'],
      ['SageMaker validation: fraud-detector (fraud/model-package.yml)', PR_HEAD_SHA, 'success'],
    ]);
    expect(checks.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
  });

  it('a failed validation fails the step with the reason, annotated at the profile', async () => {
    const sagemaker = fakeSageMaker({
      timeline: () => [
        [0, 'InProgress'],
        [30_000, 'Failed'],
      ],
      failureReason: 'ClientError: the container exited with code 1',
    });
    const { runner } = await act({ manifest: 'fraud/model-package.yml' }, { sagemaker });
    expect(runner.outputs).toMatchObject({
      status: 'Failed',
      'failure-reason': 'validation-failed',
    });
    expect(runner.failed).toBe('Model packages: 1 failed validation (of 1).');
    const annotation = runner.log.find((e) => e.message.includes('validation profile smoke'));
    expect(annotation?.annotation).toMatchObject({ file: 'fraud/model-package.yml', startLine: 9 });
  });

  it('approval that SageMaker refuses fails that package with approval-failed, as the step', async () => {
    const sagemaker = fakeSageMaker();
    sagemaker.api.updateModelPackage = async () => {
      throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    };
    const { runner, results } = await act(
      { manifest: 'fraud/model-package.yml', 'approve-on-success': 'true' },
      { sagemaker },
    );
    expect(results[0]).toMatchObject({ status: 'Failed', failureReason: 'approval-failed' });
    expect(results[0]!.error).toMatch(/^could not approve .*AccessDeniedException: not allowed$/);
    expect(runner.outputs['failure-reason']).toBe('approval-failed');
    expect(runner.failed).toBe('Model packages: 1 not approved (of 1).');
  });

  it('a timeout leaves the packages in progress, named in the outputs', async () => {
    const { runner, results } = await act({
      manifest: 'fraud/model-package.yml',
      'wait-timeout-minutes': '0.5',
    });
    expect(runner.outputs).toMatchObject({ status: 'InProgress', 'failure-reason': 'timed-out' });
    expect(results[0]!.error).toContain('still validating after 0.5 minutes');
  });

  it('verify after publish: the same package, reported as verified; a missing one fails the step', async () => {
    const sagemaker = fakeSageMaker();
    await act({ manifest: 'fraud/model-package.yml' }, { sagemaker });
    const from = sagemaker.calls.length;
    const { runner, checks, results } = await act(
      { manifest: 'fraud/model-package.yml', mode: 'verify', 'github-token': 'ghs_x' },
      { sagemaker },
    );
    expect(runner.failed).toBeUndefined();
    expect(runner.outputs).toMatchObject({ status: 'Completed', 'failure-reason': '' });
    expect(results[0]).toMatchObject({ version: 1, reused: true, verified: true });
    expect(sagemaker.calls.slice(from).filter((c) => /^(Create|Update)/.test(c))).toEqual([]);
    expect(runner.groups).toContain('Finding the model packages');
    expect(runner.summary).toContain('verified: validation completed');
    expect(checks.runs.map((r) => [r.conclusion, r.output?.title])).toEqual([
      ['success', 'Verified'],
    ]);

    const missing = await act({ manifest: 'fraud/model-package.yml', mode: 'verify' });
    expect(missing.runner.outputs).toMatchObject({
      status: 'Failed',
      'failure-reason': 'not-found',
    });
    expect(missing.runner.failed).toBe(
      'Model packages: 1 without a package of its manifest (of 1).',
    );
    expect(missing.runner.summary).toContain(
      'no package of this manifest: model package group &#39;fraud-detector&#39; does not exist in us-east-1',
    );
    expect(missing.runner.summary).toContain('(no version of this manifest)');
    expect(missing.sagemaker.created).toEqual([]);
  });
});
