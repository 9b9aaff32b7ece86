/**
 * mode: verify on the harness's SageMaker: it finds the package a publish run made from
 * the same manifest, waits and gates like publish, says why a manifest has no package,
 * and never writes to SageMaker.
 */
import { describe, expect, it } from '@jest/globals';
import type { Mode } from '../src/inputs.js';
import { FINGERPRINT_KEY } from '../src/package/fingerprint.js';
import { getInputs } from '../src/inputs.js';
import { modeOf } from '../src/modes.js';
import { followPackages } from '../src/package/follow.js';
import { emptyResult } from '../src/results.js';
import { fakeSageMaker, type FakeSageMaker } from './harness/fake-sagemaker.js';
import { check, MARKETPLACE, replaceLine, VALIDATION, VERSIONED } from './harness/manifests.js';
import { memoryRunner } from './harness/memory-runner.js';
import { runContext } from './harness/run-context.js';

const WRITES = ['CreateModelPackage', 'CreateModelPackageGroup', 'UpdateModelPackage'];
const FRAUD = VERSIONED + VALIDATION;
const CHANGED_IMAGE = replaceLine(
  FRAUD,
  '- Image:',
  '    - Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud:retrained',
);

interface Options {
  mode?: Mode;
  wait?: boolean;
  requireApproval?: boolean;
  approveOnSuccess?: boolean;
}

/** Runs the AWS stage on one manifest; returns the outcome, the log and the calls it made. */
async function act(sagemaker: FakeSageMaker, text: string, options: Options = {}) {
  const request = check(text).request!;
  const log = memoryRunner();
  const from = sagemaker.calls.length;
  const settings = getInputs(
    memoryRunner({
      region: 'us-east-1',
      mode: options.mode ?? 'verify',
      wait: String(options.wait ?? true),
      'require-approval': String(options.requireApproval ?? false),
      'approve-on-success': String(options.approveOnSuccess ?? false),
      'wait-timeout-minutes': '10',
    }),
    {},
  );
  const steps = modeOf(settings);
  // What main does with the mode's notes before the AWS stage.
  for (const note of steps.notes) log.warning(note);
  const outcome = await followPackages({
    steps,
    manifests: [{ file: 'model-package.yml', request }],
    results: [
      {
        ...emptyResult('model-package.yml', 'InProgress'),
        group: request.ModelPackageGroupName ?? null,
        name: request.ModelPackageName ?? null,
        region: 'us-east-1',
      },
    ],
    settings,
    region: 'us-east-1',
    workflow: runContext(),
    log,
    group: (_name, fn) => fn(),
    signal: new AbortController().signal,
    aws: sagemaker.aws,
    now: () => sagemaker.clock.t,
    sleep: async (ms) => {
      sagemaker.clock.t += ms;
    },
  });
  return { outcome, result: outcome.results[0]!, log, calls: sagemaker.calls.slice(from) };
}

/** A SageMaker where a publish run made (and, unless `wait` is false, validated) `text`. */
async function published(text: string, wait = true) {
  const sagemaker = fakeSageMaker();
  const { result } = await act(sagemaker, text, { mode: 'publish', wait });
  expect(result.arn).toBeTruthy();
  return sagemaker;
}

const writes = (calls: string[]) => calls.filter((c) => WRITES.includes(c));

describe('mode: verify', () => {
  it('finds the completed package of the manifest and succeeds, writing nothing', async () => {
    const sagemaker = await published(FRAUD);
    const { outcome, result, calls } = await act(sagemaker, FRAUD);
    expect(outcome.failure).toBeUndefined();
    expect(result).toMatchObject({
      status: 'Completed',
      failureReason: null,
      version: 1,
      reused: true,
      verified: true,
      arn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/1',
    });
    expect(calls).toContain('ListModelPackages');
    expect(writes(calls)).toEqual([]);
  });

  it('waits for a package that is still validating, and gates on its result', async () => {
    const sagemaker = await published(FRAUD, false);
    const startedAt = sagemaker.clock.t;
    const { outcome, result, calls } = await act(sagemaker, FRAUD);
    expect(sagemaker.clock.t - startedAt).toBeGreaterThanOrEqual(60_000);
    expect(outcome.failure).toBeUndefined();
    expect(result).toMatchObject({ status: 'Completed', verified: true });
    expect(result.validation).toEqual([
      { name: 'smoke', status: 'Completed', failureReason: null },
    ]);
    expect(writes(calls)).toEqual([]);
  });

  it('with wait: false, reports a package still validating as InProgress', async () => {
    const sagemaker = await published(FRAUD, false);
    const { outcome, result } = await act(sagemaker, FRAUD, { wait: false });
    expect(outcome.failure).toBeUndefined();
    expect(result.status).toBe('InProgress');
  });

  it('a changed manifest: not-found, naming the newest version and the member that differs', async () => {
    const sagemaker = await published(FRAUD);
    const { outcome, result, log, calls } = await act(sagemaker, CHANGED_IMAGE);
    expect(result).toMatchObject({ status: 'Failed', failureReason: 'not-found', arn: null });
    expect(result.error).toBe(
      'none of the newest 20 versions of fraud-detector has this definition; version 1 of fraud-detector has a different `InferenceSpecification.Containers[0].Image`',
    );
    expect(outcome.failure?.message).toBe(
      'Model packages: 1 without a package of its manifest (of 1).',
    );
    expect(log.lines('error')).toEqual([
      `model-package.yml: no package of this manifest: ${result.error}`,
    ]);
    expect(writes(calls)).toEqual([]);
  });

  it('names a member the manifest no longer has', async () => {
    const sagemaker = await published(FRAUD);
    const { result } = await act(sagemaker, VERSIONED);
    expect(result.error).toMatch(
      /version 1 of fraud-detector has a different `ValidationSpecification`$/,
    );
  });

  it("ignores provenance and the action's own entries when it compares", async () => {
    const sagemaker = fakeSageMaker();
    const request = check(FRAUD).request!;
    await sagemaker.api.createModelPackageGroup({ ModelPackageGroupName: 'fraud-detector' });
    sagemaker.add('arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/4', [], {
      ...(request as object),
      MetadataProperties: { CommitId: 'another', GeneratedBy: 'https://example.com/run' },
      CustomerMetadataProperties: { [FINGERPRINT_KEY]: 'sha256:other' },
    });
    const { result } = await act(sagemaker, FRAUD);
    expect(result.failureReason).toBe('not-found');
    expect(result.error).toMatch(
      /version 4 of fraud-detector has the same members but another fingerprint/,
    );
  });

  it('a missing group: not-found, and the group is not created', async () => {
    const sagemaker = fakeSageMaker();
    const { result, calls } = await act(sagemaker, FRAUD);
    expect(result).toMatchObject({ status: 'Failed', failureReason: 'not-found' });
    expect(result.error).toBe("model package group 'fraud-detector' does not exist in us-east-1");
    expect(calls).toEqual(['DescribeModelPackageGroup']);
  });

  it('require-approval: a PendingManualApproval version is not-approved until it is Approved', async () => {
    const sagemaker = await published(FRAUD);
    const first = await act(sagemaker, FRAUD, { requireApproval: true });
    expect(first.result).toMatchObject({ status: 'Failed', failureReason: 'not-approved' });
    expect(first.result.error).toBe(
      'version 1 of fraud-detector is PendingManualApproval; require-approval needs Approved',
    );
    expect(first.outcome.failure?.message).toMatch(/1 not approved \(require-approval\)/);
    expect(writes(first.calls)).toEqual([]);

    sagemaker.setApproval(first.result.arn!, 'Approved');
    const second = await act(sagemaker, FRAUD, { requireApproval: true });
    expect(second.outcome.failure).toBeUndefined();
    expect(second.result).toMatchObject({ status: 'Completed', failureReason: null });
  });

  it('ignores approve-on-success, with a warning', async () => {
    const sagemaker = await published(FRAUD);
    const { result, log, calls } = await act(sagemaker, FRAUD, { approveOnSuccess: true });
    expect(result.status).toBe('Completed');
    expect(log.lines('warning')).toEqual([
      "approve-on-success is ignored with 'mode: verify', which never writes to SageMaker.",
    ]);
    expect(writes(calls)).toEqual([]);
  });

  it('an unversioned package: found by its fingerprint tag; require-approval has no effect', async () => {
    const sagemaker = await published(MARKETPLACE);
    const { outcome, result, log, calls } = await act(sagemaker, MARKETPLACE, {
      requireApproval: true,
    });
    expect(outcome.failure).toBeUndefined();
    expect(result).toMatchObject({ status: 'Completed', verified: true });
    expect(log.lines('warning')).toEqual([
      'model-package.yml: require-approval has no effect on the unversioned package churn-predictor: only versions have an approval status.',
    ]);
    expect(writes(calls)).toEqual([]);
  });

  it('an unversioned package: a missing name, or a name taken by another definition', async () => {
    const missing = await act(fakeSageMaker(), MARKETPLACE);
    expect(missing.result.error).toBe(
      "model package 'churn-predictor' does not exist in us-east-1",
    );
    const sagemaker = await published(MARKETPLACE);
    const changed = MARKETPLACE.replace('Predicts churn.', 'Predicts churn better.');
    const { result } = await act(sagemaker, changed);
    expect(result).toMatchObject({ status: 'Failed', failureReason: 'not-found' });
    expect(result.error).toMatch(
      /^model package 'churn-predictor' has a different `ModelPackageDescription`/,
    );
  });
});
