/**
 * The plan (SPEC §6) and metadata in place (SPEC §4), on the in-memory SageMaker: what a
 * manifest changes against the live version, what it costs, and how many reads it takes.
 */
import { describe, expect, it } from '@jest/globals';
import type { CreateModelPackageInput } from '@aws-sdk/client-sagemaker';
import { FINGERPRINT_KEY, MANIFEST_KEY } from '../src/action-entries.js';
import type { ModelPackageManifest } from '../src/manifest/schema.js';
import { createOrReuse } from '../src/package/create-or-reuse.js';
import { wholeRequestFingerprint } from '../src/package/fingerprint.js';
import { differences, VALUE_CHARACTERS } from '../src/plan/diff.js';
import { DEFAULT_COMPARE_TO, type CompareTo } from '../src/plan/live.js';
import { planManifest } from '../src/plan/plan.js';
import { silentLog } from '../src/runner/port.js';
import { fakeSageMaker, type FakeSageMaker } from './harness/fake-sagemaker.js';
import { check } from './harness/manifests.js';
import { runContext } from './harness/run-context.js';

const PREFIX = 'arn:aws:sagemaker:us-east-1:123456789012:model-package';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud';

const manifest = (tag: string, realtime: string[], extra = '') =>
  check(`ModelPackageGroupName: fraud-detector
InferenceSpecification:
  Containers:
    - Image: ${IMAGE}:${tag}
  SupportedTransformInstanceTypes: [ml.m5.xlarge]
  SupportedRealtimeInferenceInstanceTypes: [${realtime.join(', ')}]
  SupportedContentTypes: [application/json]
  SupportedResponseMIMETypes: [application/json]
${extra}`).request!;

/**
 * fraud-detector: version 1 Approved in stage Production/Approved (image 1.4.1), version 2
 * Rejected (image 1.4.2-rc); neither made by this action.
 */
function registry(): FakeSageMaker {
  const sagemaker = fakeSageMaker();
  const version = (request: ModelPackageManifest, more: Partial<CreateModelPackageInput>) =>
    sagemaker.api.createModelPackage({ ...(request as CreateModelPackageInput), ...more });
  return Object.assign(sagemaker, {
    ready: (async () => {
      await sagemaker.api.createModelPackageGroup({ ModelPackageGroupName: 'fraud-detector' });
      await version(manifest('1.4.1', ['ml.m5.xlarge']), {
        ModelApprovalStatus: 'Approved',
        ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
      });
      await version(manifest('1.4.2-rc', ['ml.m5.xlarge']), { ModelApprovalStatus: 'Rejected' });
      sagemaker.calls.length = 0;
      sagemaker.created.length = 0;
    })(),
  });
}

async function ready(): Promise<FakeSageMaker> {
  const sagemaker = registry() as FakeSageMaker & { ready: Promise<void> };
  await sagemaker.ready;
  return sagemaker;
}

const options = (sagemaker: FakeSageMaker, compareTo: CompareTo = DEFAULT_COMPARE_TO) => ({
  api: sagemaker.api,
  compareTo,
  manifestKey: 'fraud-key',
});

const publish = (sagemaker: FakeSageMaker, request: ModelPackageManifest) =>
  createOrReuse(request, {
    ...options(sagemaker),
    workflow: runContext(),
    createGroup: true,
    log: silentLog,
  });

describe('the plan against the live version', () => {
  it('compares with the newest Approved version: the image moved, an instance type added', async () => {
    const sagemaker = await ready();
    const { plan } = await planManifest(
      manifest('1.4.2', ['ml.m5.xlarge', 'ml.g5.xlarge']),
      options(sagemaker),
    );
    expect(plan.live).toMatchObject({
      arn: `${PREFIX}/fraud-detector/1`,
      version: 1,
      approvalStatus: 'Approved',
      lifeCycle: { stage: 'Production', stageStatus: 'Approved', stageDescription: null },
    });
    expect(plan.changes).toEqual([
      {
        path: 'InferenceSpecification.Containers[0].Image',
        change: 'changed',
        old: `${IMAGE}:1.4.1`,
        new: `${IMAGE}:1.4.2`,
        metadata: false,
      },
      {
        path: 'InferenceSpecification.SupportedRealtimeInferenceInstanceTypes',
        change: 'added',
        new: 'ml.g5.xlarge',
        metadata: false,
      },
    ]);
    expect(plan).toMatchObject({ cost: 'new-version', package: null, compareTo: 'approved' });
  });

  it('takes at most 3 reads beyond the search for its own package', async () => {
    const sagemaker = await ready();
    await planManifest(manifest('1.4.2', ['ml.m5.xlarge']), options(sagemaker));
    // The search: the group, its newest versions, each described (2 here). The plan: one
    // list; the live version was described by the search already.
    expect(sagemaker.calls).toEqual([
      'DescribeModelPackageGroup',
      'ListModelPackages',
      'DescribeModelPackage',
      'DescribeModelPackage',
      'ListModelPackages',
    ]);
  });

  it('compares with the newest version, or the newest in a stage', async () => {
    const sagemaker = await ready();
    const request = manifest('1.4.2', ['ml.m5.xlarge']);
    const latest = await planManifest(request, options(sagemaker, { kind: 'latest' }));
    expect(latest.plan.live).toMatchObject({ version: 2, approvalStatus: 'Rejected' });
    expect(latest.plan.changes.map((c) => [c.old, c.new])).toEqual([
      [`${IMAGE}:1.4.2-rc`, `${IMAGE}:1.4.2`],
    ]);
    const production = await planManifest(
      request,
      options(sagemaker, { kind: 'stage', stage: 'Production' }),
    );
    expect(production.plan.live).toMatchObject({ version: 1 });
    const qa = await planManifest(request, options(sagemaker, { kind: 'stage', stage: 'QA' }));
    expect(qa.plan).toMatchObject({
      live: null,
      changes: [],
      note: 'new: nothing to compare (none of the newest 100 versions of fraud-detector is in stage QA)',
    });
  });

  it('says there is nothing to compare in a group that does not exist yet', async () => {
    const sagemaker = fakeSageMaker();
    const { plan } = await planManifest(manifest('1', ['ml.m5.xlarge']), options(sagemaker));
    expect(plan).toMatchObject({
      live: null,
      cost: 'new-version',
      note: 'new: nothing to compare (the group fraud-detector does not exist yet)',
    });
  });

  it('finds the unversioned package this manifest made before by its manifest key', async () => {
    const sagemaker = fakeSageMaker();
    const unversioned = (name: string, tag: string) =>
      check(`ModelPackageName: ${name}
InferenceSpecification:
  Containers:
    - Image: ${IMAGE}:${tag}
  SupportedTransformInstanceTypes: [ml.m5.xlarge]
  SupportedRealtimeInferenceInstanceTypes: [ml.m5.xlarge]
  SupportedContentTypes: [text/csv]
  SupportedResponseMIMETypes: [text/csv]
`).request!;
    const first = await publish(sagemaker, unversioned('churn-1', '1.0'));
    expect(first.plan).toMatchObject({
      live: null,
      note: 'new: nothing to compare (no earlier package of this manifest)',
    });
    const second = await publish(sagemaker, unversioned('churn-2', '2.0'));
    expect(second.plan!.live).toMatchObject({ arn: first.arn, name: 'churn-1', version: null });
    expect(second.plan!.changes.map((c) => c.path)).toEqual([
      'ModelPackageName',
      'InferenceSpecification.Containers[0].Image',
    ]);
    expect(sagemaker.created[1]!.Tags).toContainEqual({ Key: MANIFEST_KEY, Value: 'fraud-key' });
  });

  it('leaves provenance, the action’s entries and what SageMaker fills in out', () => {
    const request = manifest('1', ['ml.m5.xlarge'], 'MetadataProperties: {ProjectId: p}\n');
    const found = {
      ...request,
      InferenceSpecification: {
        ...request.InferenceSpecification,
        Containers: [{ Image: `${IMAGE}:1`, ImageDigest: 'sha256:abc' }],
      },
      MetadataProperties: { ProjectId: 'p', CommitId: 'other', GeneratedBy: 'https://x' },
      CustomerMetadataProperties: { [FINGERPRINT_KEY]: 'sha256:0' },
      ModelApprovalStatus: 'Rejected',
    };
    expect(differences(request, found as never).changes).toEqual([]);
  });

  it('shortens long values with their length and a digest', () => {
    const long = 'x'.repeat(100_000);
    const request = { ...manifest('1', ['ml.m5.xlarge']), ModelPackageDescription: `${long}y` };
    const found = { ...request, ModelPackageDescription: `${long}z` };
    const [change] = differences(request, found as never).changes;
    expect(change!.old!.length).toBeLessThan(VALUE_CHARACTERS);
    expect(change!.old).toMatch(/… \(100001 characters, sha256:[0-9a-f]{12}\)$/);
    expect(change!.old).not.toBe(change!.new);
  });

  it('lists at most 100 changes and counts the rest', () => {
    const entries = (v: string) =>
      Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, v]));
    const request = { ...manifest('1', ['ml.m5.xlarge']) };
    const found = { ...request, InferenceSpecification: { ...request.InferenceSpecification } };
    request.InferenceSpecification = {
      ...request.InferenceSpecification!,
      Containers: [{ Image: `${IMAGE}:1`, Environment: entries('a') }],
    };
    found.InferenceSpecification.Containers = [{ Image: `${IMAGE}:1`, Environment: entries('b') }];
    const { changes, omitted } = differences(request, found as never);
    expect([changes.length, omitted]).toEqual([100, 50]);
  });
});

describe('metadata in place', () => {
  const CARD = (purpose: string) =>
    `ModelCard:\n  ModelCardStatus: Draft\n  ModelCardContent: '{"intended_uses": {"purpose_of_model": "${purpose}"}}'\n`;

  it('updates only the card of the version this manifest made: no new version, no validation', async () => {
    const sagemaker = await ready();
    const v3 = await publish(
      sagemaker,
      manifest(
        '1.4.2',
        ['ml.m5.xlarge'],
        `${CARD('fraud')}CustomerMetadataProperties: {team: ml}\n`,
      ),
    );
    expect(v3).toMatchObject({ reused: false, plan: { cost: 'new-version' } });
    sagemaker.setApproval(v3.arn, 'Approved'); // a reviewer, in SageMaker Studio
    sagemaker.calls.length = 0;

    const edited = manifest(
      '1.4.2',
      ['ml.m5.xlarge'],
      `${CARD('fraud detection')}CustomerMetadataProperties: {team: ml, owner: risk}\n`,
    );
    const again = await publish(sagemaker, edited);
    expect(again).toMatchObject({ arn: v3.arn, reused: true });
    expect(again.plan).toMatchObject({
      cost: 'in-place',
      package: { version: 3, approvalStatus: 'Approved' },
      // Version 3 is the newest Approved: the live version, which differs in metadata only.
      live: { version: 3 },
    });
    expect(again.plan!.inPlace.map((c) => [c.path, c.change])).toEqual([
      ['ModelCard.ModelCardContent.intended_uses.purpose_of_model', 'changed'],
      ['CustomerMetadataProperties.owner', 'added'],
    ]);
    expect(sagemaker.calls).not.toContain('CreateModelPackage');
    expect(sagemaker.updates).toEqual([
      {
        ModelPackageArn: v3.arn,
        CustomerMetadataProperties: { owner: 'risk' },
        ModelCard: { ModelCardContent: edited.ModelCard!.ModelCardContent },
      },
    ]);
    // The reviewer's approval stays.
    expect(sagemaker.describe(v3.arn).ModelApprovalStatus).toBe('Approved');

    const third = await publish(sagemaker, edited);
    expect(third.plan).toMatchObject({ cost: 'none', inPlace: [] });
    expect(sagemaker.updates).toHaveLength(1);
  });

  it('sends the whole card without a field the manifest removed; a removed property stays', async () => {
    const sagemaker = await ready();
    const card = (content: string) =>
      `ModelCard:\n  ModelCardContent: '${content}'\nCustomerMetadataProperties: {team: ml}\n`;
    await publish(
      sagemaker,
      manifest(
        '5',
        ['ml.m5.xlarge'],
        card('{"intended_uses": {"purpose_of_model": "a", "risk_rating": "Low"}}'),
      ),
    );
    const trimmed = manifest(
      '5',
      ['ml.m5.xlarge'],
      'ModelCard:\n  ModelCardContent: \'{"intended_uses": {"purpose_of_model": "a"}}\'\n',
    );
    const again = await publish(sagemaker, trimmed);
    expect(again.plan!.inPlace.map((c) => [c.path, c.change])).toEqual([
      ['ModelCard.ModelCardContent.intended_uses.risk_rating', 'removed'],
    ]);
    expect(again.plan!.notes).toEqual([
      'Left on the package, though not in the manifest: CustomerMetadataProperties (a run never removes metadata).',
    ]);
    expect(sagemaker.updates).toEqual([
      {
        ModelPackageArn: again.arn,
        ModelCard: { ModelCardContent: '{"intended_uses": {"purpose_of_model": "a"}}' },
      },
    ]);
  });

  it('never changes the approval or stage a manifest set at creation', async () => {
    const sagemaker = await ready();
    const first = await publish(
      sagemaker,
      manifest('2', ['ml.m5.xlarge'], 'ModelApprovalStatus: PendingManualApproval\n'),
    );
    const changed = manifest(
      '2',
      ['ml.m5.xlarge'],
      'ModelApprovalStatus: Approved\nModelLifeCycle: {Stage: Production, StageStatus: Approved}\n',
    );
    const again = await publish(sagemaker, changed);
    expect(again).toMatchObject({ arn: first.arn, reused: true, plan: { cost: 'none' } });
    expect(sagemaker.updates).toEqual([]);
  });

  it('reuses a package an earlier release fingerprinted by its whole request', async () => {
    const sagemaker = await ready();
    const request = manifest('2', ['ml.m5.xlarge'], CARD('old'));
    await sagemaker.api.createModelPackage({
      ...(request as CreateModelPackageInput),
      CustomerMetadataProperties: { [FINGERPRINT_KEY]: wholeRequestFingerprint(request) },
    });
    sagemaker.created.length = 0;
    const again = await publish(sagemaker, request);
    expect(again).toMatchObject({ reused: true, plan: { cost: 'none' } });
    expect(sagemaker.created).toEqual([]);
  });

  it('keeps the metadata of an unversioned package, which SageMaker does not update in place', async () => {
    const sagemaker = fakeSageMaker();
    const unversioned = (purpose: string) =>
      check(`ModelPackageName: churn
InferenceSpecification:
  Containers:
    - Image: ${IMAGE}:1
  SupportedTransformInstanceTypes: [ml.m5.xlarge]
  SupportedRealtimeInferenceInstanceTypes: [ml.m5.xlarge]
  SupportedContentTypes: [text/csv]
  SupportedResponseMIMETypes: [text/csv]
${CARD(purpose)}`).request!;
    await publish(sagemaker, unversioned('a'));
    const again = await publish(sagemaker, unversioned('b'));
    expect(again).toMatchObject({ reused: true, plan: { cost: 'none', inPlace: [] } });
    expect(again.plan!.notes[0]).toMatch(/SageMaker updates metadata in place on versions only/);
    expect(sagemaker.updates).toEqual([]);
  });
});
