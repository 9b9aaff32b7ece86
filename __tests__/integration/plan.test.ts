/**
 * What a pull request changes (SPEC §4, §6), the built action against the project's
 * SageMaker emulator over HTTP: a group whose version 1 is Approved in stage Production
 * and version 2 Rejected; a pull request that moves the image and adds an instance type
 * (planned against version 1, a new version 3); a follow-up that only edits the card
 * (version 3 updated in place); what people set in SageMaker Studio left alone; verify
 * with require-stage; a dry run that plans without writing; a stage IAM refuses.
 */
import { describe, expect, it } from '@jest/globals';
import { type CreateModelPackageInput } from '@aws-sdk/client-sagemaker';
import type { ActionRun } from '../harness/dist-action.js';
import { renderGfm } from '../harness/gfm.js';
import { studio, STUDIO_KEY } from '../harness/studio.js';
import { integration } from '../harness/integration.js';

const PR = 21;
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud';
const WRITES = ['CreateModelPackage', 'CreateModelPackageGroup', 'UpdateModelPackage'];

const t = integration({
  inputs: { region: 'us-east-1', 'check-run': 'false', 'github-token': 'ghs_writer' },
  event: { name: 'pull_request', payload: { number: PR, pull_request: { number: PR } } },
  sagemaker: { pendingMs: 100, inProgressMs: 200 },
  github: {},
});

const manifest = (
  tag: string,
  realtime: string[],
  purpose = 'fraud',
) => `ModelPackageGroupName: fraud-detector
InferenceSpecification:
  Containers:
    - Image: ${IMAGE}:${tag}
  SupportedTransformInstanceTypes: [ml.m5.xlarge]
  SupportedRealtimeInferenceInstanceTypes: [${realtime.join(', ')}]
  SupportedContentTypes: [application/json]
  SupportedResponseMIMETypes: [application/json]
ModelCard:
  ModelCardStatus: Draft
  ModelCardContent:
    intended_uses:
      purpose_of_model: ${purpose}
`;

/** Versions 1 (Approved, Production/Approved) and 2 (Rejected), registered by hand. */
async function registry(): Promise<void> {
  const person = studio(t.sagemaker.url);
  try {
    await person.group('fraud-detector');
    const spec = (tag: string): CreateModelPackageInput => ({
      ModelPackageGroupName: 'fraud-detector',
      InferenceSpecification: {
        Containers: [{ Image: `${IMAGE}:${tag}` }],
        SupportedTransformInstanceTypes: ['ml.m5.xlarge' as const],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.xlarge' as const],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
    });
    await person.create({
      ...spec('1.4.1'),
      ModelApprovalStatus: 'Approved',
      ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
    });
    await person.create({ ...spec('1.4.2-rc'), ModelApprovalStatus: 'Rejected' });
  } finally {
    person.destroy();
  }
}

async function act(file: string, inputs: Record<string, string> = {}) {
  const from = t.sagemaker.requests.length;
  const run = await t.run({ inputs: { manifest: file, ...inputs } });
  const operations = t.sagemaker.requests
    .slice(from)
    .filter((r) => r.accessKeyId !== STUDIO_KEY)
    .map((r) => r.operation);
  return { run, operations, writes: operations.filter((o) => WRITES.includes(o)) };
}

type Result = {
  version: number;
  approvalStatus: string | null;
  lifeCycle: { stage: string; stageStatus: string } | null;
  plan?: {
    cost: string;
    live: { version: number; approvalStatus: string; lifeCycle: unknown } | null;
    changes: { path: string; change: string; old?: string; new?: string }[];
    inPlace: { path: string }[];
  };
  error: string | null;
};
const result = (run: ActionRun) => (JSON.parse(run.outputs.results ?? '[]') as Result[])[0]!;

describe('a pull request’s plan', () => {
  it('plans against the live version, updates metadata in place, and leaves Studio’s decisions alone', async () => {
    await t.start();
    await registry();
    const file = t.manifest('fraud', manifest('1.4.2', ['ml.m5.xlarge', 'ml.g5.xlarge']));

    // A dry run with credentials plans with read-only calls.
    const dry = await act(file, { 'dry-run': 'true' });
    expect(dry.run.code).toBe(0);
    expect(dry.writes).toEqual([]);
    expect(result(dry.run).plan).toMatchObject({ cost: 'new-version', live: { version: 1 } });

    // The pull request: version 3, planned against version 1.
    const first = await act(file);
    expect(first.run.code).toBe(0);
    expect(first.writes).toEqual(['CreateModelPackage']);
    const v3 = result(first.run);
    expect(v3).toMatchObject({ version: 3, approvalStatus: 'PendingManualApproval' });
    expect(v3.plan).toMatchObject({
      cost: 'new-version',
      live: {
        version: 1,
        approvalStatus: 'Approved',
        lifeCycle: { stage: 'Production', stageStatus: 'Approved' },
      },
    });
    expect(v3.plan!.changes).toEqual([
      expect.objectContaining({
        path: 'InferenceSpecification.Containers[0].Image',
        change: 'changed',
        old: `${IMAGE}:1.4.1`,
        new: `${IMAGE}:1.4.2`,
      }),
      expect.objectContaining({
        path: 'InferenceSpecification.SupportedRealtimeInferenceInstanceTypes',
        change: 'added',
        new: 'ml.g5.xlarge',
      }),
      expect.objectContaining({ path: 'ModelCard', change: 'added' }),
    ]);
    // The comment, the summary and the plan output carry the same plan.
    const comment = t.github.comments('octo-org', 'models', PR).at(-1)!.body;
    for (const report of [comment, first.run.summary]) {
      expect(report).toContain('**Plan:** a new version, which SageMaker validates again');
      expect(report).toMatch(/\*\*Approval status:\*\* PendingManualApproval/);
      expect(renderGfm(report).rows).toContainEqual([
        'InferenceSpecification.Containers[0].Image',
        `${IMAGE}:1.4.1`,
        `${IMAGE}:1.4.2`,
      ]);
    }
    const [planned] = JSON.parse(first.run.outputs.plan ?? '[]') as Result['plan'][];
    expect(planned).toEqual({
      manifest: 'fraud/model-package.yml',
      name: null,
      group: 'fraud-detector',
      ...v3.plan,
    });

    // A follow-up that only edits the card: version 3 updated in place, nothing validated.
    t.manifest('fraud', manifest('1.4.2', ['ml.m5.xlarge', 'ml.g5.xlarge'], 'fraud scoring'));
    const edit = await act(file);
    expect(edit.run.code).toBe(0);
    expect(edit.writes).toEqual(['UpdateModelPackage']);
    expect(result(edit.run)).toMatchObject({
      version: 3,
      plan: {
        cost: 'in-place',
        inPlace: [{ path: 'ModelCard.ModelCardContent.intended_uses.purpose_of_model' }],
      },
    });
    expect(edit.run.stdout).toMatch(/updated in place \(ModelCard\.ModelCardContent/);

    // A person approves version 3 and moves it to Production; later runs leave both.
    const person = studio(t.sagemaker.url);
    try {
      await person.update({
        ModelPackageArn: first.run.outputs['model-package-arn'],
        ModelApprovalStatus: 'Approved',
        ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
      });
    } finally {
      person.destroy();
    }
    const later = await act(file, {
      'approve-on-success': 'true',
      'stage-on-success': 'Staging',
    });
    expect(later.run.code).toBe(0);
    expect(later.writes).toEqual([]);
    expect(result(later.run)).toMatchObject({
      approvalStatus: 'Approved',
      lifeCycle: { stage: 'Production', stageStatus: 'Approved' },
      plan: { cost: 'none', live: { version: 3 } },
    });

    // verify gates on the stage.
    const production = await act(file, { mode: 'verify', 'require-stage': 'Production/Approved' });
    expect(production.run.code).toBe(0);
    expect(production.writes).toEqual([]);
    const qa = await act(file, { mode: 'verify', 'require-stage': 'QA' });
    expect(qa.run.code).toBe(1);
    expect(qa.run.outputs['failure-reason']).toBe('not-in-stage');
    expect(result(qa.run).error).toBe(
      'version 3 of fraud-detector is in stage Production/Approved; require-stage needs QA',
    );
  }, 120_000);

  it('stage-on-success moves a validated version, and names the permission IAM refused', async () => {
    await t.start();
    const file = t.manifest('staged', manifest('2.0.0', ['ml.m5.xlarge']));
    const moved = await act(file, { 'stage-on-success': 'Staging' });
    expect(moved.run.code).toBe(0);
    expect(result(moved.run).lifeCycle).toMatchObject({
      stage: 'Staging',
      stageStatus: 'PendingApproval',
    });

    t.sagemaker.setDeniedStages(['Production']);
    const refused = await act(t.manifest('refused', manifest('2.0.1', ['ml.m5.xlarge'])), {
      'stage-on-success': 'Production/Approved',
    });
    expect(refused.run.code).toBe(1);
    expect(refused.run.outputs['failure-reason']).toBe('stage-failed');
    expect(result(refused.run).error).toMatch(
      /^could not move .+ to stage Production\/Approved: the credentials may not move it to stage Production\/Approved: allow sagemaker:UpdateModelPackage with the conditions sagemaker:ModelLifeCycle:stage = Production and sagemaker:ModelLifeCycle:stageStatus = Approved/,
    );
  }, 60_000);
});
