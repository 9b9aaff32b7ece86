import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CancelChangeSetCommand,
  type Change,
  DescribeChangeSetCommand,
  DescribeEntityCommand,
  ListChangeSetsCommand,
  ListEntitiesCommand,
  MarketplaceCatalogClient,
  StartChangeSetCommand,
  type StartChangeSetCommandInput,
} from '@aws-sdk/client-marketplace-catalog';
import {
  startMarketplaceEmulator,
  type MarketplaceEmulator,
  type MarketplaceEmulatorOptions,
} from './harness/marketplace-emulator.js';

const START = Date.UTC(2025, 0, 15, 12, 0, 0);
const PRODUCT = 'prod-abcdefghijklm';
const PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn';
const OLD_PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-old';
const ROLE = 'arn:aws:iam::123456789012:role/MarketplaceAccess';
const MINUTE = 60_000;

let clock = START;
let emulator: MarketplaceEmulator;
let client: MarketplaceCatalogClient;

async function start(options: MarketplaceEmulatorOptions = {}): Promise<void> {
  emulator = await startMarketplaceEmulator({ now: () => clock, ...options });
  emulator.seedProduct({
    id: PRODUCT,
    title: 'Churn predictor',
    versions: [{ title: '1.0.0', modelPackageArn: OLD_PACKAGE, releaseNotes: 'First' }],
  });
  emulator.seedEntity({ id: 'prod-saasproduct1', type: 'SaaSProduct@1.0', name: 'A SaaS product' });
  client = new MarketplaceCatalogClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

beforeEach(async () => {
  clock = START;
  await start();
});

afterEach(async () => {
  client?.destroy();
  await emulator?.close();
});

function details(more: { title?: string; arn?: string; role?: string; realtime?: string } = {}) {
  return {
    Version: { VersionTitle: more.title ?? '1.1.0', ReleaseNotes: 'Better recall' },
    DeliveryOptions: [
      {
        Details: {
          SageMakerModelPackageDeliveryOptionDetails: {
            SageMakerModelPackageArn: more.arn ?? PACKAGE,
            AccessRoleArn: more.role ?? ROLE,
            UsageInstructions: 'Send CSV rows.',
            RecommendedInstanceTypes: {
              RealtimeInference: more.realtime ?? 'ml.m5.large',
              BatchTransform: 'ml.m5.large',
            },
          },
        },
      },
    ],
  };
}

const change = (more: Parameters<typeof details>[0] = {}, entity = PRODUCT): Change => ({
  ChangeType: 'AddDeliveryOptions',
  Entity: { Type: 'MachineLearningProduct@1.0', Identifier: `${entity}@1` },
  DetailsDocument: details(more),
});

const startChangeSet = (input: Partial<StartChangeSetCommandInput> = {}) =>
  client.send(
    new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: [change()], ...input }),
  );

const describe_ = (id: string) =>
  client.send(new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId: id }));

const entity = (id = PRODUCT) =>
  client.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: id }));

function rejection(name: string, status: number, message?: RegExp): object {
  return {
    name,
    $metadata: expect.objectContaining({ httpStatusCode: status }),
    ...(message ? { message: expect.stringMatching(message) } : {}),
  };
}

describe('the Marketplace Catalog emulator through the SDK', () => {
  it('plays AddDeliveryOptions forward on the test clock and adds a version', async () => {
    const { ChangeSetId, ChangeSetArn } = await startChangeSet({ ChangeSetName: 'churn-1-1-0' });
    expect(ChangeSetArn).toBe(
      `arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/${ChangeSetId}`,
    );
    expect((await describe_(ChangeSetId!)).Status).toBe('PREPARING');
    clock += MINUTE;
    expect((await describe_(ChangeSetId!)).Status).toBe('APPLYING');
    clock += 2 * MINUTE;
    const done = await describe_(ChangeSetId!);
    expect(done).toMatchObject({
      Status: 'SUCCEEDED',
      Intent: 'APPLY',
      ChangeSetName: 'churn-1-1-0',
      StartTime: '2025-01-15T12:00:00Z',
      EndTime: '2025-01-15T12:03:00Z',
      ChangeSet: [{ ChangeType: 'AddDeliveryOptions', ErrorDetailList: [] }],
    });
    expect(emulator.product(PRODUCT)?.versions.map((v) => [v.title, v.modelPackageArn])).toEqual([
      ['1.0.0', OLD_PACKAGE],
      ['1.1.0', PACKAGE],
    ]);
    const described = await entity();
    expect(described.EntityType).toBe('MachineLearningProduct@1.0');
    expect(described.EntityIdentifier).toBe(`${PRODUCT}@2`);
    const document = described.DetailsDocument as {
      Versions: { VersionTitle: string; Sources: { ModelPackageArn: string }[] }[];
    };
    expect(document.Versions.map((v) => [v.VersionTitle, v.Sources[0]?.ModelPackageArn])).toEqual([
      ['1.0.0', OLD_PACKAGE],
      ['1.1.0', PACKAGE],
    ]);
    expect(JSON.parse(described.Details!)).toEqual(document);
  });

  it('accepts Details as a JSON string', async () => {
    const { ChangeSetId } = await startChangeSet({
      ChangeSet: [
        {
          ChangeType: 'AddDeliveryOptions',
          Entity: { Type: 'MachineLearningProduct@1.0', Identifier: PRODUCT },
          Details: JSON.stringify(details()),
        },
      ],
    });
    clock += 3 * MINUTE;
    expect((await describe_(ChangeSetId!)).Status).toBe('SUCCEEDED');
  });

  it('answers the same change set for the same ClientRequestToken and request', async () => {
    const first = await startChangeSet({ ClientRequestToken: 'release-abc' });
    const again = await startChangeSet({ ClientRequestToken: 'release-abc' });
    expect(again.ChangeSetId).toBe(first.ChangeSetId);
    expect(emulator.changeSets()).toHaveLength(1);
    await expect(
      startChangeSet({ ClientRequestToken: 'release-abc', ChangeSetName: 'other' }),
    ).rejects.toMatchObject(rejection('ValidationException', 422, /ClientRequestToken/));
  });

  it('locks the product while a change set runs', async () => {
    const { ChangeSetId } = await startChangeSet();
    await expect(startChangeSet({ ChangeSet: [change({ title: '1.2.0' })] })).rejects.toMatchObject(
      rejection('ResourceInUseException', 423, new RegExp(ChangeSetId!)),
    );
    clock += MINUTE; // APPLYING: still locked
    await expect(startChangeSet({ ChangeSet: [change({ title: '1.2.0' })] })).rejects.toMatchObject(
      rejection('ResourceInUseException', 423),
    );
    clock += 2 * MINUTE;
    await expect(
      startChangeSet({
        ChangeSet: [change({ title: '1.2.0', arn: `${PACKAGE}-2` })],
      }),
    ).resolves.toHaveProperty('ChangeSetId');
  });

  it.each([
    ['DUPLICATE_VERSION_TITLE', { title: '1.0.0' }],
    ['DUPLICATE_ASSET', { arn: OLD_PACKAGE }],
    ['INVALID_ACCESS_ROLE', { role: 'arn:aws:iam::123456789012:user/someone' }],
  ])('fails with CLIENT_ERROR and %s', async (code, more) => {
    const { ChangeSetId } = await startChangeSet({ ChangeSet: [change(more)] });
    clock += 3 * MINUTE;
    const done = await describe_(ChangeSetId!);
    expect(done).toMatchObject({ Status: 'FAILED', FailureCode: 'CLIENT_ERROR' });
    expect(done.ChangeSet?.[0]?.ErrorDetailList?.map((e) => e.ErrorCode)).toEqual([code]);
    expect(emulator.product(PRODUCT)?.versions).toHaveLength(1);
  });

  it('fails recommended instance types the package does not support', async () => {
    emulator.setPackageInstanceTypes(PACKAGE, {
      realtimeInference: ['ml.m5.large'],
      batchTransform: ['ml.m5.large'],
    });
    const { ChangeSetId } = await startChangeSet({
      ChangeSet: [change({ realtime: 'ml.g5.xlarge' })],
    });
    clock += 3 * MINUTE;
    const done = await describe_(ChangeSetId!);
    expect(done.ChangeSet?.[0]?.ErrorDetailList).toEqual([
      expect.objectContaining({ ErrorCode: 'INVALID_RECOMMENDED_INSTANCE_TYPE' }),
    ]);
  });

  it('lets tests force UPDATE_PRICING_REQUIRED and SERVER_FAULT', async () => {
    emulator.forceOutcome({
      failureCode: 'CLIENT_ERROR',
      errors: [{ ErrorCode: 'UPDATE_PRICING_REQUIRED', ErrorMessage: 'Price the new types.' }],
    });
    const first = await startChangeSet();
    clock += 3 * MINUTE;
    expect((await describe_(first.ChangeSetId!)).ChangeSet?.[0]?.ErrorDetailList).toEqual([
      { ErrorCode: 'UPDATE_PRICING_REQUIRED', ErrorMessage: 'Price the new types.' },
    ]);
    emulator.forceOutcome({ failureCode: 'SERVER_FAULT' });
    const second = await startChangeSet();
    clock += 3 * MINUTE;
    expect(await describe_(second.ChangeSetId!)).toMatchObject({
      Status: 'FAILED',
      FailureCode: 'SERVER_FAULT',
      FailureDescription: expect.any(String),
    });
    expect(emulator.product(PRODUCT)?.versions).toHaveLength(1);
  });

  it('refuses Intent VALIDATE for ML products by default, and plays it when allowed', async () => {
    await expect(startChangeSet({ Intent: 'VALIDATE' })).rejects.toMatchObject(
      rejection('ValidationException', 422, /VALIDATE/),
    );
    emulator.setRefuseValidateForMl(false);
    const { ChangeSetId } = await startChangeSet({ Intent: 'VALIDATE' });
    clock += MINUTE;
    expect(await describe_(ChangeSetId!)).toMatchObject({
      Status: 'SUCCEEDED',
      Intent: 'VALIDATE',
    });
    expect(emulator.product(PRODUCT)?.versions).toHaveLength(1);
  });

  it('cancels only before APPLYING', async () => {
    const first = await startChangeSet();
    const cancel = (id: string) =>
      client.send(new CancelChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId: id }));
    await expect(cancel(first.ChangeSetId!)).resolves.toMatchObject({
      ChangeSetId: first.ChangeSetId,
    });
    expect((await describe_(first.ChangeSetId!)).Status).toBe('CANCELLED');
    const second = await startChangeSet();
    clock += MINUTE;
    await expect(cancel(second.ChangeSetId!)).rejects.toMatchObject(
      rejection('ResourceInUseException', 423, /APPLYING/),
    );
    const request = emulator.requests.find((r) => r.operation === 'CancelChangeSet');
    expect(request).toMatchObject({ method: 'PATCH', query: { catalog: 'AWSMarketplace' } });
  });

  it('lists change sets with filters and pages of at most MaxResults', async () => {
    for (let i = 0; i < 3; i++) {
      await startChangeSet({
        ChangeSetName: `release-${i}`,
        ChangeSet: [change({ title: `2.${i}`, arn: `${PACKAGE}-${i}` })],
      });
      clock += 3 * MINUTE;
    }
    const list = (input: object) =>
      client.send(new ListChangeSetsCommand({ Catalog: 'AWSMarketplace', ...input }));
    const named = await list({ FilterList: [{ Name: 'ChangeSetName', ValueList: ['release-1'] }] });
    expect(named.ChangeSetSummaryList?.map((c) => c.ChangeSetName)).toEqual(['release-1']);
    const byEntity = await list({
      FilterList: [
        { Name: 'EntityId', ValueList: [PRODUCT] },
        { Name: 'Status', ValueList: ['SUCCEEDED'] },
      ],
    });
    expect(byEntity.ChangeSetSummaryList).toHaveLength(3);
    expect(byEntity.ChangeSetSummaryList?.[0]).toMatchObject({
      ChangeSetName: 'release-2',
      EntityIdList: [PRODUCT],
      Status: 'SUCCEEDED',
    });
    const first = await list({ MaxResults: 2 });
    expect(first.ChangeSetSummaryList).toHaveLength(2);
    const rest = await list({ MaxResults: 2, NextToken: first.NextToken });
    expect(rest.ChangeSetSummaryList?.map((c) => c.ChangeSetName)).toEqual(['release-0']);
    expect(rest.NextToken).toBeUndefined();
    await expect(list({ MaxResults: 21 })).rejects.toMatchObject(
      rejection('ValidationException', 422, /MaxResults/),
    );
  });

  it('lists entities of a type', async () => {
    const listed = await client.send(
      new ListEntitiesCommand({ Catalog: 'AWSMarketplace', EntityType: 'MachineLearningProduct' }),
    );
    expect(listed.EntitySummaryList).toEqual([
      expect.objectContaining({
        EntityId: PRODUCT,
        EntityType: 'MachineLearningProduct',
        MachineLearningProductSummary: { ProductTitle: 'Churn predictor', Visibility: 'Limited' },
      }),
    ]);
  });

  it('describes entities of other types, and refuses an ML change on them', async () => {
    expect((await entity('prod-saasproduct1')).EntityType).toBe('SaaSProduct@1.0');
    await expect(
      startChangeSet({ ChangeSet: [change({}, 'prod-saasproduct1')] }),
    ).rejects.toMatchObject(rejection('ValidationException', 422, /Entity\.Type/));
  });

  it('answers ResourceNotFound for unknown entities and change sets', async () => {
    await expect(entity('prod-unknown1')).rejects.toMatchObject(
      rejection('ResourceNotFoundException', 404),
    );
    await expect(describe_('nochangeset')).rejects.toMatchObject(
      rejection('ResourceNotFoundException', 404),
    );
    await expect(
      startChangeSet({ ChangeSet: [change({}, 'prod-unknown1')] }),
    ).rejects.toMatchObject(rejection('ResourceNotFoundException', 404));
  });

  it('refuses shape violations with ValidationException naming the member', async () => {
    await expect(startChangeSet({ Catalog: 'Other' })).rejects.toMatchObject(
      rejection('ValidationException', 422, /Catalog/),
    );
    await expect(startChangeSet({ ChangeSet: [] })).rejects.toMatchObject(
      rejection('ValidationException', 422, /ChangeSet must have size greater than or equal to 1/),
    );
    const many = Array.from({ length: 21 }, (_, i) => change({ title: `t${i}` }));
    await expect(startChangeSet({ ChangeSet: many })).rejects.toMatchObject(
      rejection('ValidationException', 422, /less than or equal to 20/),
    );
    await expect(
      startChangeSet({ ChangeSet: [change({ title: 'x'.repeat(65) })] }),
    ).rejects.toMatchObject(
      rejection('ValidationException', 422, /DetailsDocument\.Version\.VersionTitle/),
    );
    const error = await startChangeSet({ ChangeSet: [change({ arn: 'not-an-arn' })] }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      name: 'ValidationException',
      ValidationExceptionFieldList: [
        expect.objectContaining({
          Field: expect.stringMatching(/SageMakerModelPackageArn$/),
          EntityId: PRODUCT,
          ChangeType: 'AddDeliveryOptions',
        }),
      ],
    });
    await expect(startChangeSet({ ClientRequestToken: 'x'.repeat(65) })).rejects.toMatchObject(
      rejection('ValidationException', 422, /ClientRequestToken/),
    );
  });

  it('refuses denied operations with AccessDenied', async () => {
    emulator.deny('StartChangeSet');
    await expect(startChangeSet()).rejects.toMatchObject(
      rejection('AccessDeniedException', 403, /aws-marketplace:StartChangeSet/),
    );
    emulator.allow('StartChangeSet');
    await expect(startChangeSet()).resolves.toHaveProperty('ChangeSetId');
  });

  it('injects throttling, and records requests per operation', async () => {
    emulator.inject({ kind: 'throttle' }, { operation: 'DescribeEntity' });
    await expect(entity()).rejects.toMatchObject(rejection('ThrottlingException', 429));
    await expect(entity()).resolves.toHaveProperty('EntityType');
    expect(emulator.counts()).toEqual({ DescribeEntity: 2 });
    expect(emulator.requests[0]).toMatchObject({
      method: 'GET',
      query: { catalog: 'AWSMarketplace', entityId: PRODUCT },
      refused: 'ThrottlingException',
    });
  });

  it('requires a SigV4 signature for aws-marketplace in us-east-1', async () => {
    const unsigned = await fetch(
      `${emulator.url}/DescribeEntity?catalog=AWSMarketplace&entityId=${PRODUCT}`,
    );
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const elsewhere = new MarketplaceCatalogClient({
      endpoint: emulator.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    await expect(
      elsewhere.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: PRODUCT })),
    ).rejects.toMatchObject(rejection('InvalidSignatureException', 403, /valid region/));
    elsewhere.destroy();
    const signed = emulator.requests.find((r) => r.accessKeyId === 'AKIDEXAMPLE');
    expect(String(signed?.headers.authorization)).toContain('/aws-marketplace/aws4_request');
  });

  it('is found by the SDK through AWS_ENDPOINT_URL_MARKETPLACE_CATALOG', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_MARKETPLACE_CATALOG;
    process.env.AWS_ENDPOINT_URL_MARKETPLACE_CATALOG = emulator.url;
    const fromEnv = new MarketplaceCatalogClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    try {
      await expect(
        fromEnv.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: PRODUCT })),
      ).resolves.toHaveProperty('EntityType', 'MachineLearningProduct@1.0');
    } finally {
      fromEnv.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_MARKETPLACE_CATALOG;
      else process.env.AWS_ENDPOINT_URL_MARKETPLACE_CATALOG = saved;
    }
  });
});
