/**
 * mode: verify, the built action against the project's SageMaker emulator over HTTP: a
 * release workflow finds the package a publish run made from the same manifest, and
 * fails with not-found or not-approved when it should, without writing to SageMaker.
 */
import { describe, expect, it } from '@jest/globals';
import { SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import type { ActionRun } from '../harness/dist-action.js';
import { heldValidation, integration, type RunningAction } from '../harness/integration.js';
import { VALIDATION, VERSIONED } from '../harness/manifests.js';

const WRITES = ['CreateModelPackage', 'CreateModelPackageGroup', 'UpdateModelPackage'];
const FRAUD = VERSIONED + VALIDATION;
const t = integration({ inputs: { region: 'us-east-1' } });

/**
 * Runs the built action, doing `meanwhile` while it runs; returns the run and the SageMaker
 * operations it sent.
 */
async function act(
  file: string,
  inputs: Record<string, string> = {},
  meanwhile?: (running: RunningAction) => Promise<void>,
) {
  const from = t.sagemaker.requests.length;
  const running = t.run({ inputs: { manifest: file, ...inputs } });
  await meanwhile?.(running);
  const run = await running;
  return { run, operations: t.sagemaker.requests.slice(from).map((r) => r.operation) };
}

const result = (run: ActionRun) =>
  (JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[])[0];

describe('mode: verify', () => {
  it('after publish, finds the same package without creating anything', async () => {
    const validation = heldValidation();
    await t.start({ sagemaker: validation.options });
    const file = t.manifest('same', FRAUD);
    const published = await act(file, { wait: 'false' });
    expect(published.run.code).toBe(0);
    expect(published.operations).toContain('CreateModelPackage');

    // Still validating when verify finds it: verify waits for the end.
    validation.next();
    const { run, operations } = await act(file, { mode: 'verify' }, async (running) => {
      await running.until(/Waiting for the validation/);
      validation.next();
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'Completed',
      'failure-reason': '',
      'model-package-version': '1',
      'model-package-arn': published.run.outputs['model-package-arn'],
    });
    expect(result(run)).toMatchObject({ verified: true, reused: true });
    expect(operations.filter((o) => WRITES.includes(o))).toEqual([]);
    expect(run.stdout).toMatch(/InProgress → Completed/);
    expect(run.summary).toContain('verified: validation completed');
  }, 60_000);

  it('a changed manifest: not-found, naming the member that differs', async () => {
    await t.start({ sagemaker: { pendingMs: 100, inProgressMs: 200 } });
    expect((await act(t.manifest('changed', FRAUD), { wait: 'false' })).run.code).toBe(0);
    const changed = t.manifest('changed', FRAUD.replace('${{ github.sha }}', 'retrained'));
    const { run, operations } = await act(changed, { mode: 'verify' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'not-found' });
    expect(result(run)!.error).toBe(
      'none of the newest 20 versions of fraud-detector has this definition; version 1 of fraud-detector has a different `InferenceSpecification.Containers[0].Image`',
    );
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(
          'has a different `InferenceSpecification.Containers[0].Image`',
        ),
      }),
    );
    expect(operations.filter((o) => WRITES.includes(o))).toEqual([]);
  }, 60_000);

  it('require-approval: not-approved until the version is approved, then Completed', async () => {
    await t.start({ sagemaker: { pendingMs: 100, inProgressMs: 200 } });
    const file = t.manifest('approval', FRAUD);
    const published = await act(file);
    expect(published.run.outputs.status).toBe('Completed');

    const pending = await act(file, { mode: 'verify', 'require-approval': 'true' });
    expect(pending.run.code).toBe(1);
    expect(pending.run.outputs).toMatchObject({
      status: 'Failed',
      'failure-reason': 'not-approved',
    });
    expect(result(pending.run)!.error).toBe(
      'version 1 of fraud-detector is PendingManualApproval; require-approval needs Approved',
    );
    expect(pending.run.summary).toContain(
      'not approved: version 1 of fraud-detector is PendingManualApproval',
    );
    expect(pending.operations.filter((o) => WRITES.includes(o))).toEqual([]);

    const client = new SageMakerClient({
      endpoint: t.sagemaker.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    try {
      await client.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: published.run.outputs['model-package-arn'],
          ModelApprovalStatus: 'Approved',
        }),
      );
    } finally {
      client.destroy();
    }

    const approved = await act(file, { mode: 'verify', 'require-approval': 'true' });
    expect(approved.run.code).toBe(0);
    expect(approved.run.outputs).toMatchObject({ status: 'Completed', 'failure-reason': '' });
    expect(approved.operations.filter((o) => WRITES.includes(o))).toEqual([]);
  }, 60_000);
});
