import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AddTagsCommand,
  BatchDescribeModelPackageCommand,
  CreateModelPackageCommand,
  type CreateModelPackageInput,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  type ModelPackage,
  SageMakerClient,
  SearchCommand,
  type SearchCommandInput,
  UpdateModelPackageCommand,
  type UpdateModelPackageInput,
} from '@aws-sdk/client-sagemaker';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  startSageMakerEmulator,
  type EmulatorOptions,
  type SageMakerEmulator,
} from './harness/sagemaker-emulator.js';

const START = Date.UTC(2025, 0, 15, 12, 0, 0);
const PREFIX = 'arn:aws:sagemaker:us-east-1:123456789012:';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:abc123';

let clock = START;
let emulator: SageMakerEmulator;
let client: SageMakerClient;

async function start(options: EmulatorOptions = {}): Promise<void> {
  emulator = await startSageMakerEmulator({ now: () => clock, ...options });
  client = new SageMakerClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

beforeEach(() => {
  clock = START;
});

afterEach(async () => {
  client?.destroy();
  await emulator?.close();
});

const inference = {
  Containers: [{ Image: IMAGE, ModelDataUrl: 's3://models/churn/model.tar.gz' }],
  SupportedTransformInstanceTypes: ['ml.m5.large' as const],
  SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large' as const],
  SupportedContentTypes: ['text/csv'],
  SupportedResponseMIMETypes: ['text/csv'],
};

const validation = {
  ValidationRole: 'arn:aws:iam::123456789012:role/validation',
  ValidationProfiles: [
    {
      ProfileName: 'smoke-test',
      TransformJobDefinition: {
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: 's3://in/' } },
        },
        TransformOutput: { S3OutputPath: 's3://out/' },
        TransformResources: { InstanceType: 'ml.m5.large' as const, InstanceCount: 1 },
      },
    },
  ],
};

const unversioned = (name: string, more: Partial<CreateModelPackageInput> = {}) =>
  new CreateModelPackageCommand({
    ModelPackageName: name,
    InferenceSpecification: inference,
    ...more,
  });

const marketplace = (name: string) =>
  unversioned(name, { CertifyForMarketplace: true, ValidationSpecification: validation });

const version = (group: string, more: Partial<CreateModelPackageInput> = {}) =>
  new CreateModelPackageCommand({
    ModelPackageGroupName: group,
    InferenceSpecification: inference,
    ...more,
  });

const describePackage = (name: string) =>
  client.send(new DescribeModelPackageCommand({ ModelPackageName: name }));

const update = (input: UpdateModelPackageInput) =>
  client.send(new UpdateModelPackageCommand(input));

const specification = (Name: string) => ({ Name, Containers: [{ Image: IMAGE }] });

function rejection(name: string, status: number, message?: string | RegExp): object {
  return {
    name,
    $metadata: expect.objectContaining({ httpStatusCode: status }),
    ...(message === undefined
      ? {}
      : { message: typeof message === 'string' ? message : expect.stringMatching(message) }),
  };
}

async function rawPost(target: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(emulator.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as unknown,
  };
}

describe('unversioned model packages', () => {
  beforeEach(() => start());

  it('creates a package and describes it with everything that was sent', async () => {
    const created = await client.send(
      unversioned('Churn-Predictor', {
        ModelPackageDescription: 'churn model',
        MetadataProperties: { CommitId: 'abc123', Repository: 'octo/repo' },
        CustomerMetadataProperties: { fingerprint: 'f1' },
        Tags: [{ Key: 'team', Value: 'ml' }],
      }),
    );
    expect(created.ModelPackageArn).toBe(`${PREFIX}model-package/churn-predictor`);

    clock += 60_000;
    const described = await describePackage('Churn-Predictor');
    expect(described).toMatchObject({
      ModelPackageName: 'Churn-Predictor',
      ModelPackageArn: `${PREFIX}model-package/churn-predictor`,
      ModelPackageDescription: 'churn model',
      InferenceSpecification: inference,
      MetadataProperties: { CommitId: 'abc123', Repository: 'octo/repo' },
      CustomerMetadataProperties: { fingerprint: 'f1' },
      CertifyForMarketplace: false,
      ModelPackageStatus: 'Completed',
      ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    });
    expect(described.CreationTime).toEqual(new Date(START));
    expect(described.LastModifiedTime).toEqual(new Date(START));
    expect(described.ModelPackageGroupName).toBeUndefined();
    expect(described.ModelApprovalStatus).toBeUndefined();

    const byArn = await describePackage(`${PREFIX}model-package/churn-predictor`);
    expect(byArn.ModelPackageName).toBe('Churn-Predictor');
  });

  it('refuses a name that already exists, also in another case', async () => {
    await client.send(unversioned('churn'));
    for (const name of ['churn', 'CHURN']) {
      await expect(client.send(unversioned(name))).rejects.toMatchObject(
        rejection(
          'ValidationException',
          400,
          `ModelPackage already exists: ${PREFIX}model-package/churn`,
        ),
      );
    }
    expect(emulator.counts()).toEqual({ CreateModelPackage: 3 });
  });

  it('answers ValidationException "does not exist" for an unknown package', async () => {
    await expect(describePackage('missing')).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        `ModelPackage ${PREFIX}model-package/missing does not exist.`,
      ),
    );
    await expect(
      describePackage('arn:aws:sagemaker:eu-west-1:123456789012:model-package/missing'),
    ).rejects.toMatchObject(
      rejection('ValidationException', 400, 'ARN should be scoped to correct region: us-east-1'),
    );
  });

  it('rejects what the service rejects on the basics', async () => {
    const cases: Array<[CreateModelPackageInput, RegExp]> = [
      [
        { ModelPackageName: 'bad_name', InferenceSpecification: inference },
        /^1 validation error detected: Value 'bad_name' at 'modelPackageName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      ],
      [
        { ModelPackageName: 'a', ModelPackageGroupName: 'g', InferenceSpecification: inference },
        /^Both ModelPackageName and ModelPackageGroupName are provided/,
      ],
      [{ InferenceSpecification: inference }, /^Missing ARN\.$/],
      [{ ModelPackageName: 'a' }, /InferenceSpecification or SourceAlgorithmSpecification/],
      [
        { ModelPackageName: 'a', InferenceSpecification: inference, ClientToken: 'not a token!' },
        /at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: \^\[a-zA-Z0-9-\]\+\$/,
      ],
      [
        { ModelPackageName: 'a', InferenceSpecification: inference, ClientToken: 'x'.repeat(37) },
        /at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 36/,
      ],
      [
        { ModelPackageName: 'a', InferenceSpecification: { Containers: [] } },
        /at 'inferenceSpecification\.containers' failed to satisfy constraint: Member must have size greater than or equal to 1/,
      ],
      [
        { ModelPackageName: 'a', InferenceSpecification: inference, CertifyForMarketplace: true },
        /ValidationSpecification is required/,
      ],
    ];
    for (const [input, message] of cases) {
      await expect(client.send(new CreateModelPackageCommand(input))).rejects.toMatchObject(
        rejection('ValidationException', 400, message),
      );
    }
    expect(emulator.counts().CreateModelPackage).toBe(cases.length);
  });

  it('counts two violations in one message', async () => {
    await expect(
      client.send(unversioned('-bad-', { ModelPackageDescription: 'd'.repeat(1025) })),
    ).rejects.toMatchObject(
      rejection('ValidationException', 400, /^2 validation errors detected: /),
    );
  });
});

describe('model package groups and versions', () => {
  beforeEach(() => start());

  it('creates a group and versions 1 and 2 with the service ARNs', async () => {
    const group = await client.send(
      new CreateModelPackageGroupCommand({
        ModelPackageGroupName: 'Churn-Group',
        ModelPackageGroupDescription: 'versions of churn',
      }),
    );
    expect(group.ModelPackageGroupArn).toBe(`${PREFIX}model-package-group/churn-group`);

    const first = await client.send(version('Churn-Group'));
    clock += 1000;
    const second = await client.send(
      version(`${PREFIX}model-package-group/churn-group`, { ModelApprovalStatus: 'Rejected' }),
    );
    expect(first.ModelPackageArn).toBe(`${PREFIX}model-package/churn-group/1`);
    expect(second.ModelPackageArn).toBe(`${PREFIX}model-package/churn-group/2`);

    const described = await describePackage(`${PREFIX}model-package/churn-group/1`);
    expect(described).toMatchObject({
      ModelPackageGroupName: 'Churn-Group',
      ModelPackageVersion: 1,
      ModelApprovalStatus: 'PendingManualApproval',
      CertifyForMarketplace: false,
    });
    expect(described.ModelPackageName).toBeUndefined();
    expect((await describePackage('Churn-Group/2')).ModelApprovalStatus).toBe('Rejected');

    const groupDescribed = await client.send(
      new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'Churn-Group' }),
    );
    expect(groupDescribed).toMatchObject({
      ModelPackageGroupName: 'Churn-Group',
      ModelPackageGroupArn: `${PREFIX}model-package-group/churn-group`,
      ModelPackageGroupDescription: 'versions of churn',
      ModelPackageGroupStatus: 'Completed',
      CreationTime: new Date(START),
    });
  });

  it('refuses an existing group, a missing group, and Tags on a version', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'g1' }));
    await expect(
      client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'g1' })),
    ).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        `Model Package Group already exists: ${PREFIX}model-package-group/g1`,
      ),
    );
    await expect(client.send(version('nope'))).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        `ModelPackageGroup ${PREFIX}model-package-group/nope does not exist.`,
      ),
    );
    await expect(
      client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'nope' })),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /does not exist\.$/));
    await expect(
      client.send(version('g1', { Tags: [{ Key: 'a', Value: 'b' }] })),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /Tags/));
  });
});

describe('ClientToken idempotency', () => {
  beforeEach(() => start());

  it('returns the same ARN for a repeated token and request, without a new version', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'grp' }));
    const first = await client.send(version('grp', { ClientToken: 'token-1' }));
    const again = await client.send(version('grp', { ClientToken: 'token-1' }));
    const other = await client.send(version('grp', { ClientToken: 'token-2' }));
    expect(first.ModelPackageArn).toBe(`${PREFIX}model-package/grp/1`);
    expect(again.ModelPackageArn).toBe(first.ModelPackageArn);
    expect(other.ModelPackageArn).toBe(`${PREFIX}model-package/grp/2`);

    const unversionedFirst = await client.send(unversioned('solo', { ClientToken: 'token-3' }));
    const unversionedAgain = await client.send(unversioned('solo', { ClientToken: 'token-3' }));
    expect(unversionedAgain.ModelPackageArn).toBe(unversionedFirst.ModelPackageArn);

    const listed = await client.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: 'grp' }),
    );
    expect(listed.ModelPackageSummaryList?.map((s) => s.ModelPackageVersion)).toEqual([1, 2]);
  });

  it('answers ConflictException for a repeated token with another request', async () => {
    await client.send(unversioned('one', { ClientToken: 'token-1' }));
    await expect(client.send(unversioned('two', { ClientToken: 'token-1' }))).rejects.toMatchObject(
      rejection('ConflictException', 400, /token-1/),
    );
  });

  it('fills ClientToken itself when the caller does not (the SDK does)', async () => {
    await client.send(unversioned('auto'));
    expect(emulator.requests[0]?.body.ClientToken).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('validation played forward in time', () => {
  it('goes Pending, InProgress, then Completed, per profile', async () => {
    await start({ pendingMs: 1000, inProgressMs: 2000 });
    await client.send(unversioned('timed', { ValidationSpecification: validation }));
    const at = async (ms: number) => {
      clock = START + ms;
      const d = await describePackage('timed');
      return [d.ModelPackageStatus, d.ModelPackageStatusDetails?.ValidationStatuses];
    };
    expect(await at(0)).toEqual(['Pending', [{ Name: 'smoke-test', Status: 'NotStarted' }]]);
    expect(await at(999)).toEqual(['Pending', [{ Name: 'smoke-test', Status: 'NotStarted' }]]);
    expect(await at(1000)).toEqual(['InProgress', [{ Name: 'smoke-test', Status: 'InProgress' }]]);
    expect(await at(2999)).toEqual(['InProgress', [{ Name: 'smoke-test', Status: 'InProgress' }]]);
    expect(await at(3000)).toEqual(['Completed', [{ Name: 'smoke-test', Status: 'Completed' }]]);
  });

  it('fails with the FailureReason of the outcome option', async () => {
    await start({
      pendingMs: 10,
      inProgressMs: 10,
      outcome: (request) =>
        request.ModelPackageName === 'bad'
          ? { status: 'Failed', failureReason: 'Transform job failed: ClientError' }
          : { status: 'Completed' },
    });
    await client.send(unversioned('bad', { ValidationSpecification: validation }));
    await client.send(unversioned('good', { ValidationSpecification: validation }));
    clock += 20;
    const bad = await describePackage('bad');
    expect(bad.ModelPackageStatus).toBe('Failed');
    expect(bad.ModelPackageStatusDetails?.ValidationStatuses).toEqual([
      { Name: 'smoke-test', Status: 'Failed', FailureReason: 'Transform job failed: ClientError' },
    ]);
    expect((await describePackage('good')).ModelPackageStatus).toBe('Completed');
  });

  it('applies setOutcome to packages created afterwards, by name or group', async () => {
    await start({ pendingMs: 0, inProgressMs: 0 });
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'reg' }));
    await client.send(version('reg', { ValidationSpecification: validation }));
    emulator.setOutcome('reg', { status: 'Failed', failureReason: 'bad metrics' });
    await client.send(version('reg', { ValidationSpecification: validation }));
    expect((await describePackage('reg/1')).ModelPackageStatus).toBe('Completed');
    const second = await describePackage('reg/2');
    expect(second.ModelPackageStatus).toBe('Failed');
    expect(second.ModelPackageStatusDetails?.ValidationStatuses?.[0]?.FailureReason).toBe(
      'bad metrics',
    );
  });

  it('completes a package without ValidationSpecification with no validation statuses', async () => {
    await start({ pendingMs: 5, inProgressMs: 5, outcome: () => ({ status: 'Failed' }) });
    await client.send(unversioned('plain'));
    expect((await describePackage('plain')).ModelPackageStatus).toBe('Pending');
    clock += 10;
    const done = await describePackage('plain');
    expect(done.ModelPackageStatus).toBe('Completed');
    expect(done.ModelPackageStatusDetails).toEqual({
      ValidationStatuses: [],
      ImageScanStatuses: [],
    });
  });

  it('scans the images of a Marketplace package', async () => {
    await start({ pendingMs: 100, inProgressMs: 100 });
    emulator.setOutcome('scan-fails', {
      status: 'Completed',
      imageScan: { status: 'Failed', failureReason: 'CVE-2024-0001 found' },
    });
    await client.send(marketplace('listed'));
    await client.send(marketplace('scan-fails'));
    expect((await describePackage('listed')).ModelPackageStatusDetails?.ImageScanStatuses).toEqual([
      { Name: IMAGE, Status: 'NotStarted' },
    ]);
    clock += 150;
    expect((await describePackage('listed')).ModelPackageStatusDetails?.ImageScanStatuses).toEqual([
      { Name: IMAGE, Status: 'InProgress' },
    ]);
    clock += 50;
    const listed = await describePackage('listed');
    expect(listed.ModelPackageStatus).toBe('Completed');
    expect(listed.CertifyForMarketplace).toBe(true);
    expect(listed.ModelPackageStatusDetails?.ImageScanStatuses).toEqual([
      { Name: IMAGE, Status: 'Completed' },
    ]);
    const failed = await describePackage('scan-fails');
    expect(failed.ModelPackageStatus).toBe('Failed');
    expect(failed.ModelPackageStatusDetails).toEqual({
      ValidationStatuses: [{ Name: 'smoke-test', Status: 'Completed' }],
      ImageScanStatuses: [{ Name: IMAGE, Status: 'Failed', FailureReason: 'CVE-2024-0001 found' }],
    });
  });
});

describe('BatchDescribeModelPackage', () => {
  beforeEach(() => start({ pendingMs: 100, inProgressMs: 100 }));

  it('describes known ARNs and maps unknown ones to errors', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'batch' }));
    await client.send(version('batch', { ModelPackageDescription: 'v1' }));
    const known = `${PREFIX}model-package/batch/1`;
    const unknown = `${PREFIX}model-package/batch/9`;
    clock += 150;
    const result = await client.send(
      new BatchDescribeModelPackageCommand({ ModelPackageArnList: [known, unknown] }),
    );
    expect(result.ModelPackageSummaries).toEqual({
      [known]: {
        ModelPackageGroupName: 'batch',
        ModelPackageVersion: 1,
        ModelPackageArn: known,
        ModelPackageDescription: 'v1',
        CreationTime: new Date(START),
        InferenceSpecification: inference,
        ModelPackageStatus: 'InProgress',
        ModelApprovalStatus: 'PendingManualApproval',
      },
    });
    expect(result.BatchDescribeModelPackageErrorMap).toEqual({
      [unknown]: {
        ErrorCode: 'ValidationException',
        ErrorResponse: `ModelPackage ${unknown} does not exist.`,
      },
    });
  });

  it('requires 1 to 100 ARNs', async () => {
    await expect(
      client.send(new BatchDescribeModelPackageCommand({ ModelPackageArnList: [] })),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /greater than or equal to 1/));
    const many = Array.from({ length: 101 }, (_, i) => `${PREFIX}model-package/x/${i + 1}`);
    await expect(
      client.send(new BatchDescribeModelPackageCommand({ ModelPackageArnList: many })),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /less than or equal to 100/));
  });
});

describe('ListModelPackages', () => {
  beforeEach(() => start());

  async function seed(): Promise<void> {
    for (const name of ['delta', 'alpha', 'echo', 'charlie', 'bravo']) {
      await client.send(unversioned(name));
      clock += 1000;
    }
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'grp' }));
    await client.send(version('grp'));
    await client.send(version('grp'));
  }

  it('pages through unversioned packages by creation time, ascending by default', async () => {
    await seed();
    const names: string[] = [];
    const pages: number[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListModelPackagesCommand({ MaxResults: 2, NextToken }));
      pages.push(page.ModelPackageSummaryList?.length ?? 0);
      names.push(...(page.ModelPackageSummaryList ?? []).map((s) => s.ModelPackageName ?? ''));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(pages).toEqual([2, 2, 1]);
    expect(names).toEqual(['delta', 'alpha', 'echo', 'charlie', 'bravo']);
  });

  it('sorts by name, descending, and filters by name, type and group', async () => {
    await seed();
    const byName = await client.send(
      new ListModelPackagesCommand({ SortBy: 'Name', SortOrder: 'Descending' }),
    );
    expect(byName.ModelPackageSummaryList?.map((s) => s.ModelPackageName)).toEqual([
      'echo',
      'delta',
      'charlie',
      'bravo',
      'alpha',
    ]);
    expect(byName.NextToken).toBeUndefined();

    const contains = await client.send(new ListModelPackagesCommand({ NameContains: 'ha' }));
    expect(contains.ModelPackageSummaryList?.map((s) => s.ModelPackageName)).toEqual([
      'alpha',
      'charlie',
    ]);

    const both = await client.send(new ListModelPackagesCommand({ ModelPackageType: 'Both' }));
    expect(both.ModelPackageSummaryList).toHaveLength(7);

    const group = await client.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: 'grp', SortOrder: 'Descending' }),
    );
    expect(group.ModelPackageSummaryList).toEqual([
      expect.objectContaining({
        ModelPackageGroupName: 'grp',
        ModelPackageVersion: 2,
        ModelPackageArn: `${PREFIX}model-package/grp/2`,
        ModelApprovalStatus: 'PendingManualApproval',
        ModelPackageStatus: 'Pending',
      }),
      expect.objectContaining({ ModelPackageVersion: 1 }),
    ]);
  });

  it('defaults to 10 results and refuses MaxResults over 100', async () => {
    for (let i = 0; i < 12; i++) await client.send(unversioned(`p${i}`));
    const page = await client.send(new ListModelPackagesCommand({}));
    expect(page.ModelPackageSummaryList).toHaveLength(10);
    expect(page.NextToken).toEqual(expect.any(String));
    await expect(
      client.send(new ListModelPackagesCommand({ MaxResults: 101 })),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /at 'maxResults'/));
  });

  it('filters by approval status and creation time, and summarises each with its lifecycle', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'life' }));
    const stage = { Stage: 'Development', StageStatus: 'InProgress', StageDescription: 'trained' };
    await client.send(version('life', { ModelLifeCycle: stage }));
    clock += 1000;
    await client.send(version('life', { ModelApprovalStatus: 'Rejected' }));
    clock += 1000;
    await client.send(version('life', { ModelApprovalStatus: 'Rejected' }));

    const rejected = await client.send(
      new ListModelPackagesCommand({
        ModelPackageType: 'Versioned',
        ModelApprovalStatus: 'Rejected',
      }),
    );
    expect(rejected.ModelPackageSummaryList?.map((s) => s.ModelPackageVersion)).toEqual([2, 3]);

    // Both bounds are strict: only version 2 was created after START and before START + 2 s.
    const window = await client.send(
      new ListModelPackagesCommand({
        ModelPackageGroupName: 'life',
        CreationTimeAfter: new Date(START),
        CreationTimeBefore: new Date(START + 2000),
      }),
    );
    expect(window.ModelPackageSummaryList?.map((s) => s.ModelPackageVersion)).toEqual([2]);

    const all = await client.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'life' }));
    expect(all.ModelPackageSummaryList?.[0]?.ModelLifeCycle).toEqual(stage);
    expect(all.ModelPackageSummaryList?.[1]?.ModelLifeCycle).toBeUndefined();
  });

  it('refuses a NameContains outside [a-zA-Z0-9-]+', async () => {
    await expect(
      client.send(new ListModelPackagesCommand({ NameContains: 'churn model' })),
    ).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        "1 validation error detected: Value 'churn model' at 'nameContains' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\-]+",
      ),
    );
  });
});

describe('UpdateModelPackage', () => {
  beforeEach(() => start({ pendingMs: 100, inProgressMs: 100 }));

  it('approves a version only once validation completed, and merges metadata', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'upd' }));
    await client.send(version('upd', { CustomerMetadataProperties: { a: '1', b: '2' } }));
    const arn = `${PREFIX}model-package/upd/1`;
    await expect(
      client.send(
        new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: 'Approved' }),
      ),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /status is Pending/));

    clock += 200;
    const updated = await client.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: arn,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: 'validated',
        CustomerMetadataProperties: { c: '3' },
        CustomerMetadataPropertiesToRemove: ['a'],
      }),
    );
    expect(updated.ModelPackageArn).toBe(arn);
    const described = await describePackage(arn);
    expect(described).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'validated',
      CustomerMetadataProperties: { b: '2', c: '3' },
      LastModifiedTime: new Date(START + 200),
    });
  });

  it('refuses an unknown package', async () => {
    await expect(
      client.send(
        new UpdateModelPackageCommand({ ModelPackageArn: `${PREFIX}model-package/none/1` }),
      ),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /does not exist\.$/));
  });

  it('replaces the inference specification, source, card and lifecycle, and appends additional specifications', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'full' }));
    await client.send(
      version('full', {
        AdditionalInferenceSpecifications: [specification('neo-1')],
        SourceUri: 'https://github.com/octo/repo/commit/abc',
        ModelCard: { ModelCardContent: '{"model_overview":{}}', ModelCardStatus: 'Draft' },
        ModelLifeCycle: { Stage: 'Development', StageStatus: 'InProgress', StageDescription: 'ci' },
      }),
    );
    const arn = `${PREFIX}model-package/full/1`;
    const created = await describePackage(arn);
    expect(created).toMatchObject({
      SourceUri: 'https://github.com/octo/repo/commit/abc',
      ModelCard: { ModelCardContent: '{"model_overview":{}}', ModelCardStatus: 'Draft' },
      ModelLifeCycle: { Stage: 'Development', StageStatus: 'InProgress', StageDescription: 'ci' },
    });

    clock += 1000;
    const retrained = { ...inference, Containers: [{ Image: `${IMAGE}-retrained` }] };
    await update({
      ModelPackageArn: arn,
      InferenceSpecification: retrained,
      AdditionalInferenceSpecificationsToAdd: [specification('neo-2'), specification('neo-3')],
      SourceUri: 's3://models/churn/source.tar.gz',
      ModelCard: { ModelCardStatus: 'PendingReview' },
      ModelLifeCycle: { Stage: 'Staging', StageStatus: 'PendingApproval' },
      ModelPackageRegistrationType: 'Registered',
    });
    const described = await describePackage(arn);
    expect(described).toMatchObject({
      InferenceSpecification: retrained,
      SourceUri: 's3://models/churn/source.tar.gz',
      ModelCard: { ModelCardContent: '{"model_overview":{}}', ModelCardStatus: 'PendingReview' },
      ModelPackageRegistrationType: 'Registered',
      CreationTime: new Date(START),
      LastModifiedTime: new Date(START + 1000),
    });
    // The lifecycle is replaced as a whole: the old StageDescription is gone.
    expect(described.ModelLifeCycle).toEqual({ Stage: 'Staging', StageStatus: 'PendingApproval' });
    expect(described.AdditionalInferenceSpecifications?.map((s) => s.Name)).toEqual([
      'neo-1',
      'neo-2',
      'neo-3',
    ]);
    const batch = await client.send(
      new BatchDescribeModelPackageCommand({ ModelPackageArnList: [arn] }),
    );
    expect(batch.ModelPackageSummaries?.[arn]?.InferenceSpecification).toEqual(retrained);
  });

  it('refuses more than 15 additional specifications in all, and a name used twice', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'neo' }));
    const ten = Array.from({ length: 10 }, (_, i) => specification(`a-${i + 1}`));
    await client.send(version('neo', { AdditionalInferenceSpecifications: ten }));
    const arn = `${PREFIX}model-package/neo/1`;
    const five = Array.from({ length: 5 }, (_, i) => specification(`b-${i + 1}`));
    await update({ ModelPackageArn: arn, AdditionalInferenceSpecificationsToAdd: five });
    await expect(
      update({
        ModelPackageArn: arn,
        AdditionalInferenceSpecificationsToAdd: [specification('c')],
      }),
    ).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        `Model package ${arn} would have 16 AdditionalInferenceSpecifications; at most 15 are allowed.`,
      ),
    );
    const sixteen = Array.from({ length: 16 }, (_, i) => specification(`d-${i + 1}`));
    await expect(
      update({ ModelPackageArn: arn, AdditionalInferenceSpecificationsToAdd: sixteen }),
    ).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        /at 'additionalInferenceSpecificationsToAdd' failed to satisfy constraint: Member must have size less than or equal to 15/,
      ),
    );

    await client.send(version('neo'));
    const second = `${PREFIX}model-package/neo/2`;
    await update({ ModelPackageArn: second, AdditionalInferenceSpecificationsToAdd: [ten[0]!] });
    await expect(
      update({ ModelPackageArn: second, AdditionalInferenceSpecificationsToAdd: [ten[0]!] }),
    ).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        `AdditionalInferenceSpecifications of model package ${second} must have unique names; a-1 is used twice.`,
      ),
    );
    expect((await describePackage(arn)).AdditionalInferenceSpecifications).toHaveLength(15);
  });

  it('refuses an unversioned package, whatever the update', async () => {
    await client.send(unversioned('solo'));
    const arn = `${PREFIX}model-package/solo`;
    const inputs: UpdateModelPackageInput[] = [
      { ModelPackageArn: arn, ModelLifeCycle: { Stage: 'QA', StageStatus: 'Approved' } },
      { ModelPackageArn: arn, ModelApprovalStatus: 'Rejected' },
      { ModelPackageArn: arn, CustomerMetadataProperties: { a: '1' } },
    ];
    for (const input of inputs) {
      await expect(update(input)).rejects.toMatchObject(
        rejection(
          'ValidationException',
          400,
          `Model package ${arn} is unversioned; UpdateModelPackage updates versioned model packages only.`,
        ),
      );
    }
    expect((await describePackage(arn)).LastModifiedTime).toEqual(new Date(START));
  });

  it('refuses any ModelCard update once the card is Archived', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'card' }));
    await client.send(
      version('card', { ModelCard: { ModelCardContent: '{}', ModelCardStatus: 'Approved' } }),
    );
    const arn = `${PREFIX}model-package/card/1`;
    await update({ ModelPackageArn: arn, ModelCard: { ModelCardStatus: 'Archived' } });
    for (const ModelCard of [
      { ModelCardContent: '{"intended_uses":{}}' },
      { ModelCardStatus: 'Draft' as const },
    ]) {
      await expect(update({ ModelPackageArn: arn, ModelCard })).rejects.toMatchObject(
        rejection('ValidationException', 400, 'Model Card is in Archived state'),
      );
    }
    await update({
      ModelPackageArn: arn,
      ModelLifeCycle: { Stage: 'Retired', StageStatus: 'Done' },
    });
    expect((await describePackage(arn)).ModelCard).toEqual({
      ModelCardContent: '{}',
      ModelCardStatus: 'Archived',
    });
  });

  it('replays a repeated ClientToken without applying it twice, and refuses it for another request', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'token' }));
    await client.send(version('token'));
    const arn = `${PREFIX}model-package/token/1`;
    const add: UpdateModelPackageInput = {
      ModelPackageArn: arn,
      AdditionalInferenceSpecificationsToAdd: [specification('once')],
      ClientToken: 'update-1',
    };
    await expect(update(add)).resolves.toMatchObject({ ModelPackageArn: arn });
    await expect(update(add)).resolves.toMatchObject({ ModelPackageArn: arn });
    expect((await describePackage(arn)).AdditionalInferenceSpecifications).toHaveLength(1);
    await expect(update({ ...add, SourceUri: 's3://models/other' })).rejects.toMatchObject(
      rejection('ConflictException', 400, /update-1/),
    );
    // CreateModelPackage's tokens are its own.
    const created = await client.send(version('token', { ClientToken: 'update-1' }));
    expect(created.ModelPackageArn).toBe(`${PREFIX}model-package/token/2`);
  });

  it('checks the members of CreateModelPackage and UpdateModelPackage as the service does', async () => {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'rules' }));
    await client.send(version('rules'));
    const arn = `${PREFIX}model-package/rules/1`;
    const stage = (more: object) => ({ Stage: 'QA', StageStatus: 'Approved', ...more });
    const cases: Array<[Partial<UpdateModelPackageInput>, string | RegExp]> = [
      [
        { ModelLifeCycle: stage({ Stage: '' }) },
        /^2 validation errors detected: Value '' at 'modelLifeCycle\.stage' failed to satisfy constraint: Member must have length greater than or equal to 1; /,
      ],
      [
        { ModelLifeCycle: stage({ Stage: 'in_review' }) },
        "1 validation error detected: Value 'in_review' at 'modelLifeCycle.stage' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
      ],
      [
        { ModelLifeCycle: stage({ StageStatus: 'a'.repeat(64) }) },
        /at 'modelLifeCycle\.stageStatus' failed to satisfy constraint: Member must have length less than or equal to 63/,
      ],
      [
        { ModelLifeCycle: { Stage: 'QA' } as never },
        "1 validation error detected: Value null at 'modelLifeCycle.stageStatus' failed to satisfy constraint: Member must not be null",
      ],
      [
        { ModelLifeCycle: stage({ StageDescription: 'two\nlines' }) },
        /at 'modelLifeCycle\.stageDescription' failed to satisfy constraint: Member must satisfy regular expression pattern: \.\{0,1024\}/,
      ],
      [
        { ModelLifeCycle: stage({ StageDescription: 'd'.repeat(1025) }) },
        /at 'modelLifeCycle\.stageDescription' failed to satisfy constraint: Member must have length less than or equal to 1024/,
      ],
      [
        { ModelCard: { ModelCardStatus: 'Final' as never } },
        "1 validation error detected: Value 'Final' at 'modelCard.modelCardStatus' failed to satisfy constraint: Member must satisfy enum value set: [Draft, PendingReview, Approved, Archived]",
      ],
      [
        { ModelCard: { ModelCardContent: 'x'.repeat(100_001) } },
        /at 'modelCard\.modelCardContent' failed to satisfy constraint: Member must have length less than or equal to 100000/,
      ],
      [
        { SourceUri: 'https://example.com/model?version=2' },
        /at 'sourceUri' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      ],
      [
        { SourceUri: `s3://models/${'k'.repeat(1020)}` },
        /at 'sourceUri' failed to satisfy constraint: Member must have length less than or equal to 1024/,
      ],
      [
        { CustomerMetadataProperties: {} },
        /at 'customerMetadataProperties' failed to satisfy constraint: Member must have size greater than or equal to 1/,
      ],
      [
        { ModelPackageRegistrationType: 'Other' as never },
        /at 'modelPackageRegistrationType' failed to satisfy constraint: Member must satisfy enum value set: \[Logged, Registered\]/,
      ],
      [
        { ApprovalDescription: 'a'.repeat(1025) },
        /at 'approvalDescription' failed to satisfy constraint: Member must have length less than or equal to 1024/,
      ],
      [
        { ClientToken: 'not a token' },
        /at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      ],
      [
        { AdditionalInferenceSpecificationsToAdd: [{ Name: 'bad_name', Containers: [] }] },
        /^2 validation errors detected: Value 'bad_name' at 'additionalInferenceSpecificationsToAdd\.1\.member\.name' .*; Value '\[\]' at 'additionalInferenceSpecificationsToAdd\.1\.member\.containers' failed to satisfy constraint: Member must have size greater than or equal to 1$/,
      ],
      [
        { InferenceSpecification: { Containers: [] } },
        /at 'inferenceSpecification\.containers' failed to satisfy constraint: Member must have size greater than or equal to 1/,
      ],
    ];
    for (const [input, message] of cases) {
      await expect(update({ ModelPackageArn: arn, ...input })).rejects.toMatchObject(
        rejection('ValidationException', 400, message),
      );
    }
    await expect(update({ ModelPackageArn: 'model-package/rules/1' })).rejects.toMatchObject(
      rejection('ValidationException', 400, /at 'modelPackageArn'/),
    );

    // The same rules on CreateModelPackage.
    for (const [input, message] of cases.slice(0, 12)) {
      await expect(
        client.send(version('rules', input as Partial<CreateModelPackageInput>)),
      ).rejects.toMatchObject(rejection('ValidationException', 400, message));
    }
    await expect(
      client.send(version('rules', { AdditionalInferenceSpecifications: [] })),
    ).rejects.toMatchObject(
      rejection(
        'ValidationException',
        400,
        /at 'additionalInferenceSpecifications' failed to satisfy constraint: Member must have size greater than or equal to 1/,
      ),
    );
    expect((await describePackage(arn)).LastModifiedTime).toEqual(new Date(START));
  });
});

describe('IAM per lifecycle stage', () => {
  const denied = (
    operation: string,
    resource: string,
    user = 'arn:aws:sts::123456789012:assumed-role/ci/session',
  ) =>
    `User: ${user} is not authorized to perform: sagemaker:${operation} on resource: ${resource} because no identity-based policy allows the sagemaker:${operation} action`;

  it('refuses creating or updating a package into a denied stage, in IAM words', async () => {
    await start({ deniedStages: ['Production'], pendingMs: 0, inProgressMs: 0 });
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'Gated' }));
    const arn = `${PREFIX}model-package/gated/1`;
    const production = { Stage: 'Production', StageStatus: 'Approved' };
    await expect(
      client.send(version('Gated', { ModelLifeCycle: production })),
    ).rejects.toMatchObject(
      rejection('AccessDeniedException', 400, denied('CreateModelPackage', arn)),
    );
    // The refused request made no version.
    const created = await client.send(
      version('Gated', { ModelLifeCycle: { Stage: 'Development', StageStatus: 'Approved' } }),
    );
    expect(created.ModelPackageArn).toBe(arn);

    await expect(
      update({ ModelPackageArn: arn, ModelLifeCycle: production }),
    ).rejects.toMatchObject(
      rejection('AccessDeniedException', 400, denied('UpdateModelPackage', arn)),
    );
    // Another stage, the stage in another case, and updates without ModelLifeCycle are allowed.
    await update({
      ModelPackageArn: arn,
      ModelLifeCycle: { Stage: 'production', StageStatus: 'x' },
    });
    await update({
      ModelPackageArn: arn,
      ModelLifeCycle: { Stage: 'QA', StageStatus: 'Approved' },
    });
    await update({ ModelPackageArn: arn, ModelApprovalStatus: 'Approved' });
    expect((await describePackage(arn)).ModelLifeCycle).toEqual({
      Stage: 'QA',
      StageStatus: 'Approved',
    });

    emulator.setDeniedStages([]);
    await update({ ModelPackageArn: arn, ModelLifeCycle: production });
    emulator.setDeniedStages(['QA']);
    await expect(
      update({ ModelPackageArn: arn, ModelLifeCycle: { Stage: 'QA', StageStatus: 'Approved' } }),
    ).rejects.toMatchObject(
      rejection('AccessDeniedException', 400, denied('UpdateModelPackage', arn)),
    );
    expect((await describePackage(arn)).ModelLifeCycle).toEqual(production);
    expect(emulator.counts()).toMatchObject({ CreateModelPackage: 2, UpdateModelPackage: 6 });
  });

  it('names the role session of credentials that the emulated STS issued', async () => {
    await start({ deniedStages: ['Production'] });
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const jwt = `${part({ typ: 'JWT', alg: 'none' })}.${part({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/models:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      iat: Math.floor(clock / 1000),
      exp: Math.floor(clock / 1000) + 300,
    })}.`;
    const sts = new STSClient({ endpoint: emulator.url, region: 'us-east-1', maxAttempts: 1 });
    const { Credentials } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/ci/publisher',
        RoleSessionName: 'run-42',
        WebIdentityToken: jwt,
        DurationSeconds: 900,
      }),
    );
    sts.destroy();
    const assumed = new SageMakerClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
      maxAttempts: 1,
    });
    try {
      await expect(
        assumed.send(
          unversioned('gated', {
            ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
          }),
        ),
      ).rejects.toMatchObject(
        rejection(
          'AccessDeniedException',
          400,
          denied(
            'CreateModelPackage',
            `${PREFIX}model-package/gated`,
            'arn:aws:sts::123456789012:assumed-role/publisher/run-42',
          ),
        ),
      );
    } finally {
      assumed.destroy();
    }
  });
});

describe('Search', () => {
  beforeEach(() => start({ pendingMs: 0, inProgressMs: 0 }));

  const search = (input: Partial<SearchCommandInput> = {}) =>
    client.send(new SearchCommand({ Resource: 'ModelPackage', ...input }));

  const where = (Name: string, Operator: string, Value?: string) =>
    ({ Name, Operator, Value }) as NonNullable<
      NonNullable<SearchCommandInput['SearchExpression']>['Filters']
    >[number];

  /** The packages found, as `group/version` or the name, in the order found. */
  const found = (result: { Results?: { ModelPackage?: ModelPackage }[] }) =>
    result.Results?.map((r) =>
      r.ModelPackage?.ModelPackageArn?.replace(`${PREFIX}model-package/`, ''),
    );

  /** churn/1 (Development, approved last), churn/2 (Production, tagged env), churn/3, solo (tagged team). */
  async function seed(): Promise<void> {
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'Churn' }));
    await client.send(
      version('Churn', { ModelLifeCycle: { Stage: 'Development', StageStatus: 'Approved' } }),
    );
    clock += 1000;
    await client.send(
      version('Churn', {
        ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved', StageDescription: 'live' },
      }),
    );
    clock += 1000;
    await client.send(version('Churn'));
    clock += 1000;
    await client.send(unversioned('solo', { Tags: [{ Key: 'team', Value: 'ml' }] }));
    clock += 1000;
    await client.send(
      new AddTagsCommand({
        ResourceArn: `${PREFIX}model-package/churn/2`,
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    );
    await update({
      ModelPackageArn: `${PREFIX}model-package/churn/1`,
      ModelApprovalStatus: 'Approved',
    });
  }

  it('finds every package, last modified first, each as DescribeModelPackage describes it with its tags', async () => {
    await seed();
    const result = await search();
    expect(found(result)).toEqual(['churn/1', 'solo', 'churn/3', 'churn/2']);
    expect(result.NextToken).toBeUndefined();
    expect(result.TotalHits).toEqual({ Value: 4, Relation: 'EqualTo' });
    const described = await describePackage(`${PREFIX}model-package/churn/2`);
    expect(result.Results?.[3]?.ModelPackage).toEqual({
      ...described,
      $metadata: undefined,
      Tags: [{ Key: 'env', Value: 'prod' }],
    });
    expect(result.Results?.[3]?.ModelPackage?.ModelLifeCycle).toEqual({
      Stage: 'Production',
      StageStatus: 'Approved',
      StageDescription: 'live',
    });
    expect(result.Results?.[1]?.ModelPackage).toMatchObject({
      ModelPackageName: 'solo',
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(result.Results?.[2]?.ModelPackage?.Tags).toEqual([]);
  });

  it('filters on group, name, approval, lifecycle and tags', async () => {
    await seed();
    const cases: Array<[string, string, string | undefined, string[]]> = [
      ['ModelPackageGroupName', 'Equals', 'Churn', ['churn/1', 'churn/3', 'churn/2']],
      ['ModelPackageGroupName', 'NotEquals', 'Churn', ['solo']],
      ['ModelPackageName', 'Equals', 'solo', ['solo']],
      ['ModelApprovalStatus', 'Equals', 'Approved', ['churn/1']],
      // A property a package does not have is not equal to any value.
      ['ModelApprovalStatus', 'NotEquals', 'Approved', ['solo', 'churn/3', 'churn/2']],
      ['ModelLifeCycle.Stage', 'Equals', 'Production', ['churn/2']],
      ['ModelLifeCycle.Stage', 'NotEquals', 'Production', ['churn/1', 'solo', 'churn/3']],
      ['ModelLifeCycle.StageStatus', 'Equals', 'Approved', ['churn/1', 'churn/2']],
      ['ModelLifeCycle.Stage', 'Exists', undefined, ['churn/1', 'churn/2']],
      ['ModelLifeCycle.Stage', 'NotExists', undefined, ['solo', 'churn/3']],
      ['ModelLifeCycle.Stage', 'In', 'Development,QA', ['churn/1']],
      ['ModelPackageGroupName', 'Contains', 'hur', ['churn/1', 'churn/3', 'churn/2']],
      ['Tags.team', 'Equals', 'ml', ['solo']],
      ['Tags.env', 'NotEquals', 'prod', ['churn/1', 'solo', 'churn/3']],
      ['Tags.missing', 'Equals', 'x', []],
    ];
    for (const [name, operator, value, expected] of cases) {
      const result = await search({
        SearchExpression: { Filters: [where(name, operator, value)] },
      });
      expect([name, operator, value, found(result)]).toEqual([name, operator, value, expected]);
    }
    // Without an Operator, a filter is Equals.
    const equals = await search({
      SearchExpression: { Filters: [{ Name: 'ModelPackageName', Value: 'solo' }] },
    });
    expect(found(equals)).toEqual(['solo']);
  });

  it('combines filters with And by default, Or when asked, and SubExpressions', async () => {
    await seed();
    const and = await search({
      SearchExpression: {
        Filters: [
          where('ModelPackageGroupName', 'Equals', 'Churn'),
          where('ModelLifeCycle.StageStatus', 'Equals', 'Approved'),
        ],
      },
    });
    expect(found(and)).toEqual(['churn/1', 'churn/2']);
    const or = await search({
      SearchExpression: {
        Operator: 'Or',
        Filters: [
          where('ModelLifeCycle.Stage', 'Equals', 'Production'),
          where('Tags.team', 'Equals', 'ml'),
        ],
      },
    });
    expect(found(or)).toEqual(['solo', 'churn/2']);
    const nested = await search({
      SearchExpression: {
        Filters: [where('ModelPackageGroupName', 'Equals', 'Churn')],
        SubExpressions: [
          {
            Operator: 'Or',
            Filters: [
              where('ModelApprovalStatus', 'Equals', 'PendingManualApproval'),
              where('ModelLifeCycle.Stage', 'Equals', 'Development'),
            ],
          },
        ],
      },
    });
    expect(found(nested)).toEqual(['churn/1', 'churn/3', 'churn/2']);
    const visible = await search({ VisibilityConditions: [{ Key: 'Tags.env', Value: 'prod' }] });
    expect(found(visible)).toEqual(['churn/2']);
    const crossAccount = await search({ CrossAccountFilterOption: 'CrossAccount' });
    expect(crossAccount.Results).toEqual([]);
  });

  it('sorts by CreationTime or LastModifiedTime, either way, and pages with NextToken', async () => {
    await seed();
    const first = await search({ SortBy: 'CreationTime', SortOrder: 'Ascending', MaxResults: 3 });
    expect(found(first)).toEqual(['churn/1', 'churn/2', 'churn/3']);
    expect(first.TotalHits?.Value).toBe(4);
    const rest = await search({
      SortBy: 'CreationTime',
      SortOrder: 'Ascending',
      MaxResults: 3,
      NextToken: first.NextToken,
    });
    expect(found(rest)).toEqual(['solo']);
    expect(rest.NextToken).toBeUndefined();
    expect(found(await search({ SortBy: 'CreationTime' }))).toEqual([
      'solo',
      'churn/3',
      'churn/2',
      'churn/1',
    ]);
    expect(found(await search({ SortOrder: 'Ascending' }))).toEqual([
      'churn/2',
      'churn/3',
      'solo',
      'churn/1',
    ]);
  });

  it('refuses what the service refuses, and what the emulator does not emulate', async () => {
    await seed();
    const cases: Array<[Partial<SearchCommandInput>, string | RegExp]> = [
      [
        { Resource: 'TrainingJob' },
        "The emulator's Search supports Resource ModelPackage only, not TrainingJob.",
      ],
      [
        { Resource: 'Models' as never },
        /^1 validation error detected: Value 'Models' at 'resource' failed to satisfy constraint: Member must satisfy enum value set: \[Endpoint, /,
      ],
      [
        { Resource: undefined },
        "1 validation error detected: Value null at 'resource' failed to satisfy constraint: Member must not be null",
      ],
      [
        { SearchExpression: { Filters: [where('ModelPackageDescription', 'Equals', 'x')] } },
        "The emulator's Search filters ModelPackage on ModelPackageArn, ModelPackageName, ModelPackageGroupName, ModelPackageVersion, ModelPackageStatus, ModelApprovalStatus, ModelLifeCycle.Stage, ModelLifeCycle.StageStatus and Tags.<key>, not on ModelPackageDescription.",
      ],
      [
        { SearchExpression: { Filters: [where('ModelPackageVersion', 'GreaterThan', '1')] } },
        "The emulator's Search supports the operators Equals, NotEquals, Exists, NotExists, Contains, In, not GreaterThan.",
      ],
      [
        { SearchExpression: { Filters: [where('ModelLifeCycle.Stage', 'Equals')] } },
        'The filter on ModelLifeCycle.Stage with operator Equals needs a Value.',
      ],
      [
        { SearchExpression: { Filters: [where('ModelLifeCycle.Stage', 'Equals', '')] } },
        /at 'searchExpression\.filters\.1\.member\.value' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      ],
      [
        { SearchExpression: { Filters: [where('ModelLifeCycle.Stage', 'Like', 'QA')] } },
        /at 'searchExpression\.filters\.1\.member\.operator' failed to satisfy constraint: Member must satisfy enum value set/,
      ],
      [
        { SearchExpression: { Filters: [] } },
        /at 'searchExpression\.filters' failed to satisfy constraint: Member must have size greater than or equal to 1/,
      ],
      [
        {
          SearchExpression: {
            NestedFilters: [
              { NestedPropertyName: 'Tags', Filters: [where('Tags.team', 'Equals', 'ml')] },
            ],
          },
        },
        "The emulator's Search does not support NestedFilters; use Filters and SubExpressions.",
      ],
      [
        { SearchExpression: {} },
        'A SearchExpression must have at least one of Filters, NestedFilters or SubExpressions.',
      ],
      [
        {
          SearchExpression: {
            SubExpressions: Array.from({ length: 3 }, () => ({
              Filters: Array.from({ length: 20 }, () => where('Tags.a', 'Exists')),
            })),
          },
        },
        'A SearchExpression can have at most 50 Filters, NestedFilters and SubExpressions in all; this one has 63.',
      ],
      [
        { MaxResults: 0 },
        /at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      ],
      [
        { MaxResults: 101 },
        /at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100/,
      ],
      [
        { SortBy: 'Name' },
        "The emulator's Search sorts ModelPackage by LastModifiedTime or CreationTime, not Name.",
      ],
      [
        { VisibilityConditions: [{ Key: 'team', Value: 'ml' }] },
        'VisibilityConditions keys have the form Tags.<key>, not team.',
      ],
    ];
    for (const [input, message] of cases) {
      await expect(search(input)).rejects.toMatchObject(
        rejection('ValidationException', 400, message),
      );
    }
    expect(emulator.counts().Search).toBe(cases.length);
  });
});

describe('a person in SageMaker Studio', () => {
  it('rejects a completed version and moves it to Production, told apart from the action by its credentials', async () => {
    await start({ pendingMs: 10, inProgressMs: 10 });
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'studio' }));
    await client.send(
      version('studio', { ModelLifeCycle: { Stage: 'Development', StageStatus: 'Approved' } }),
    );
    const arn = `${PREFIX}model-package/studio/1`;
    clock += 20;
    // The action approves the completed version.
    await update({ ModelPackageArn: arn, ModelApprovalStatus: 'Approved' });

    const before = emulator.counts();
    const studio = new SageMakerClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSTUDIOPERSON', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    try {
      await studio.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: arn,
          ModelApprovalStatus: 'Rejected',
          ApprovalDescription: 'bias found in review',
        }),
      );
      clock += 1000;
      await studio.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: arn,
          ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
        }),
      );
    } finally {
      studio.destroy();
    }

    expect(emulator.counts().UpdateModelPackage).toBe((before.UpdateModelPackage ?? 0) + 2);
    const byPerson = emulator.requests.filter((r) => r.accessKeyId === 'AKIDSTUDIOPERSON');
    expect(byPerson.map((r) => r.operation)).toEqual(['UpdateModelPackage', 'UpdateModelPackage']);
    expect(emulator.requests.filter((r) => r.accessKeyId === 'AKIDEXAMPLE')).toHaveLength(3);

    expect(await describePackage(arn)).toMatchObject({
      ModelPackageStatus: 'Completed',
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'bias found in review',
      ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
      LastModifiedTime: new Date(START + 1020),
    });
    const listed = await client.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: 'studio' }),
    );
    expect(listed.ModelPackageSummaryList?.[0]).toMatchObject({
      ModelApprovalStatus: 'Rejected',
      ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
    });
    const searched = await client.send(
      new SearchCommand({
        Resource: 'ModelPackage',
        SearchExpression: {
          Filters: [{ Name: 'ModelLifeCycle.Stage', Operator: 'Equals', Value: 'Production' }],
        },
      }),
    );
    expect(searched.Results?.map((r) => r.ModelPackage?.ModelPackageArn)).toEqual([arn]);
  });
});

describe('tags', () => {
  beforeEach(() => start());

  it('lists and adds tags of packages and groups', async () => {
    await client.send(unversioned('tagged', { Tags: [{ Key: 'fingerprint', Value: 'old' }] }));
    const arn = `${PREFIX}model-package/tagged`;
    expect((await client.send(new ListTagsCommand({ ResourceArn: arn }))).Tags).toEqual([
      { Key: 'fingerprint', Value: 'old' },
    ]);
    const added = await client.send(
      new AddTagsCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'fingerprint', Value: 'new' },
          { Key: 'team', Value: 'ml' },
        ],
      }),
    );
    expect(added.Tags).toHaveLength(2);
    expect((await client.send(new ListTagsCommand({ ResourceArn: arn }))).Tags).toEqual([
      { Key: 'fingerprint', Value: 'new' },
      { Key: 'team', Value: 'ml' },
    ]);

    const group = await client.send(
      new CreateModelPackageGroupCommand({
        ModelPackageGroupName: 'tg',
        Tags: [{ Key: 'owner', Value: 'me' }],
      }),
    );
    expect(
      (await client.send(new ListTagsCommand({ ResourceArn: group.ModelPackageGroupArn }))).Tags,
    ).toEqual([{ Key: 'owner', Value: 'me' }]);

    await expect(
      client.send(new ListTagsCommand({ ResourceArn: `${PREFIX}model-package/ghost` })),
    ).rejects.toMatchObject(rejection('ValidationException', 400, /does not exist/));
  });
});

describe('faults', () => {
  beforeEach(() => start());

  it.each([
    [{ kind: 'throttle' } as const, 'ThrottlingException', 400, 'Rate exceeded'],
    [{ kind: 'internal-error' } as const, 'InternalFailure', 500, undefined],
    [{ kind: 'unavailable' } as const, 'ServiceUnavailable', 503, undefined],
    [
      { kind: 'expired-token' } as const,
      'ExpiredTokenException',
      400,
      'The security token included in the request is expired',
    ],
  ])('%o surfaces as %s (%d)', async (fault, name, status, message) => {
    emulator.inject(fault);
    await expect(client.send(new ListModelPackagesCommand({}))).rejects.toMatchObject(
      rejection(name, status, message),
    );
    const next = await client.send(new ListModelPackagesCommand({}));
    expect(next.ModelPackageSummaryList).toEqual([]);
    expect(emulator.counts()).toEqual({ ListModelPackages: 2 });
  });

  it('drops the connection so that the SDK throws a network error', async () => {
    emulator.inject({ kind: 'drop-connection' });
    // Under jest's VM modules the SDK wraps the cross-realm ECONNRESET error ("AWS SDK error
    // wrapper for TimeoutError: socket hang up"); either way there is no HTTP status.
    const error: unknown = await client.send(new ListModelPackagesCommand({})).catch((e) => e);
    expect(String((error as Error).message)).toMatch(/socket hang up/);
    expect(error).toHaveProperty('$metadata.attempts', 1);
    expect(error).not.toHaveProperty('$metadata.httpStatusCode');
    expect(emulator.requests).toHaveLength(1);
    await expect(client.send(new ListModelPackagesCommand({}))).resolves.toBeDefined();
  });

  it('faults only the named operation, count times, and records every request', async () => {
    await client.send(unversioned('f'));
    emulator.inject({ kind: 'throttle' }, { count: 2, operation: 'DescribeModelPackage' });
    await client.send(new ListModelPackagesCommand({}));
    await expect(describePackage('f')).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(describePackage('f')).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(describePackage('f')).resolves.toMatchObject({ ModelPackageName: 'f' });
    expect(emulator.counts()).toEqual({
      CreateModelPackage: 1,
      ListModelPackages: 1,
      DescribeModelPackage: 3,
    });
    expect(emulator.requests.map((r) => r.operation)).toEqual([
      'CreateModelPackage',
      'ListModelPackages',
      'DescribeModelPackage',
      'DescribeModelPackage',
      'DescribeModelPackage',
    ]);
    expect(emulator.requests[2]).toMatchObject({
      body: { ModelPackageName: 'f' },
      at: START,
      headers: expect.objectContaining({ 'x-amz-target': 'SageMaker.DescribeModelPackage' }),
    });
  });
});

describe('waiting for a request', () => {
  beforeEach(() => start());

  it('hands a test a request recorded already, or the next that matches once it is answered', async () => {
    await client.send(unversioned('w'));
    const created = await emulator.when((r) => r.operation === 'CreateModelPackage');
    expect(created).toBe(emulator.requests[0]);

    let seen: unknown;
    const described = emulator.when((r) => r.operation === 'DescribeModelPackage');
    void described.then((request) => (seen = request));
    await client.send(new ListModelPackagesCommand({}));
    expect(seen).toBeUndefined();
    // Resolved after the answer was sent: the clock moved by the test affects later requests only.
    const answer = describePackage('w');
    const request = await described;
    clock += 60 * 60_000;
    await expect(answer).resolves.toMatchObject({ ModelPackageStatus: 'Pending' });
    expect(request).toBe(emulator.requests[2]);
    await expect(describePackage('w')).resolves.toMatchObject({ ModelPackageStatus: 'Completed' });
  });
});

describe('protocol', () => {
  beforeEach(() => start());

  it('answers 400 MissingAuthenticationTokenException without a SigV4 Authorization', async () => {
    const variants: Array<Record<string, string>> = [{}, { authorization: 'Bearer abc' }];
    for (const headers of variants) {
      const response = await rawPost('SageMaker.ListModelPackages', '{}', headers);
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(response.body).toEqual({
        __type: 'MissingAuthenticationTokenException',
        message: 'Request is missing Authentication Token',
      });
    }
    expect(emulator.counts()).toEqual({ ListModelPackages: 2 });
  });

  it('sends errors in the service shape, with x-amzn-ErrorType', async () => {
    const auth = { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x, Signature=y' };
    const response = await rawPost(
      'SageMaker.DescribeModelPackage',
      JSON.stringify({ ModelPackageName: 'ghost' }),
      auth,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(response.body).toEqual({
      __type: 'ValidationException',
      message: `ModelPackage ${PREFIX}model-package/ghost does not exist.`,
    });
    const malformed = await rawPost('SageMaker.ListModelPackages', '{not json', auth);
    expect(malformed).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
  });

  it('answers UnknownOperationException for operations it does not emulate', async () => {
    await expect(client.send(new ListModelPackageGroupsCommand({}))).rejects.toMatchObject(
      rejection('UnknownOperationException', 400, /ListModelPackageGroups/),
    );
  });
});
