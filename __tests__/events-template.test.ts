/**
 * iam/sagemaker-events-to-github.yml: its parameters and parts, and its rule on moto's
 * EventBridge. moto implements rules, targets and input transformers but does not call API
 * destinations as AWS does, so the rule's target here is an SQS queue with the template's
 * input transformer: what the queue receives is the body the API destination would POST
 * to GitHub's repository_dispatch.
 *
 * moto and AWS's documentation differ on a path missing from the event: moto leaves the
 * placeholder (`<stage>`), AWS documents that the variable "won't appear in the output"
 * (EventBridge user guide, "Transforming target input"). Every event that a rule matches
 * is also rendered as AWS documents it (with the missing value empty, and with the
 * placeholder left), and both must give the same payload as moto once a value not of its
 * form is read as absent. moto also inserts a string without quotes where the template
 * has none, where AWS's documented examples add them; the template quotes every value, so
 * that difference does not show.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { evaluate, readTemplate, stackOf } from './harness/cloudformation.js';
import { startMoto, type Moto } from './harness/moto.js';

const template = readTemplate('iam/sagemaker-events-to-github.yml');
const resources = template.Resources;
const ruleProperties = resources.Rule!.Properties;
const [target] = ruleProperties.Targets as Record<string, unknown>[];

const REQUIRED = {
  GitHubOwner: 'octo-org',
  GitHubRepository: 'models',
  GitHubTokenSecret: 'github/models-dispatch',
};
const EVENT_TYPE = 'sagemaker-model-package';
const ACCOUNT = '123456789012';
const SOURCE = 'aws.sagemaker';
const DETAIL_TYPE = 'SageMaker Model Package State Change';

interface Transformer {
  InputPathsMap: Record<string, string>;
  InputTemplate: string;
}

/** The rule's event pattern and its target's input transformer for these parameters. */
function ruleFor(parameters: Record<string, string>) {
  const stack = stackOf(template, { ...REQUIRED, ...parameters });
  return {
    pattern: evaluate(ruleProperties.EventPattern, stack) as string,
    transformer: evaluate(target!.InputTransformer, stack) as Transformer,
  };
}

// ---------------------------------------------------------------- names at their limits

/** ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ at its length limit, with a run of hyphens. */
const LONG_GROUP = `Churn-${'x'.repeat(51)}---a-9`;
const LONG_STAGE = `A${'-'.repeat(30)}${'z'.repeat(31)}Z`;
/** ModelPackageVersion is an Integer: at most 2^31 - 1. */
const MAX_VERSION = 2147483647;

const arnOf = (name: string, partition = 'aws', region = 'us-east-2') =>
  `arn:${partition}:sagemaker:${region}:${ACCOUNT}:model-package/${name}`;

/**
 * The sample of the SageMaker developer guide ("Events that Amazon SageMaker sends to
 * Amazon EventBridge", "SageMaker model package state change"): a version of a group,
 * Completed and Rejected, with no ModelLifeCycle; its containers and metrics shortened.
 */
const SAMPLE = {
  ModelPackageGroupName: 'versionedmp-p-idy6c3e1fiqj',
  ModelPackageVersion: 2,
  ModelPackageArn: arnOf('versionedmp-p-idy6c3e1fiqj/2'),
  CreationTime: '2021-02-24T17:00:14Z',
  InferenceSpecification: {
    Containers: [{ Image: 'example.dkr.ecr.us-east-2.amazonaws.com/xgboost:1.0-1-cpu-py3' }],
    SupportedContentTypes: ['text/csv'],
    SupportedResponseMIMETypes: ['text/csv'],
  },
  ModelPackageStatus: 'Completed',
  ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
  CertifyForMarketplace: false,
  ModelApprovalStatus: 'Rejected',
  MetadataProperties: { GeneratedBy: 'arn:aws:sagemaker:us-east-2:123456789012:pipeline/p' },
  LastModifiedTime: '2021-02-24T17:00:14Z',
};

/** An unversioned package: no group, no version, no approval. */
const UNVERSIONED = {
  ModelPackageName: 'fraud-detector',
  ModelPackageArn: arnOf('fraud-detector'),
  CreationTime: '2021-02-24T17:00:14Z',
  ModelPackageStatus: 'Completed',
  ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
  CertifyForMarketplace: false,
};

/** A version of one of this repository's groups. */
const version = (group: string, n: number, extra: Record<string, unknown> = {}) => ({
  ModelPackageGroupName: group,
  ModelPackageVersion: n,
  ModelPackageArn: arnOf(`${group.toLowerCase()}/${n}`),
  ModelPackageStatus: 'Completed',
  ModelApprovalStatus: 'PendingManualApproval',
  ...extra,
});

// ---------------------------------------------------------------- the payload

/** The forms of the values, from the SageMaker API reference (the template's sources). */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const FORMS: Record<string, RegExp> = {
  arn: /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]{9,16}:[0-9]{12}:model-package\/[^\s"\\]{1,2048}$/,
  name: NAME,
  group: NAME,
  version: /^[1-9][0-9]*$/,
  status: /^(Completed|Failed)$/,
  approval: /^(Approved|Rejected|PendingManualApproval)$/,
  stage: NAME,
  stage_status: NAME,
};

/** The variable of the transformer that each key of client_payload is made of. */
const VARIABLES = Object.fromEntries(
  [
    ...ruleFor({ ModelPackageGroups: 'a' }).transformer.InputTemplate.matchAll(
      /"(\w+)":"<(\w+)>"/g,
    ),
  ].map((m) => [m[1]!, m[2]!]),
);

/**
 * The client_payload of a dispatch body, checked: the body is JSON of the two members
 * GitHub reads, the event type is the stack's, at most 10 keys under 64 KB, every value a
 * string of its form or absent (empty, or the placeholder left). Absent values are left out.
 */
function payloadOf(body: string): Record<string, string> {
  const parsed = JSON.parse(body) as { event_type: unknown; client_payload: unknown };
  expect(Object.keys(parsed)).toEqual(['event_type', 'client_payload']);
  expect(parsed.event_type).toBe(EVENT_TYPE);
  const payload = parsed.client_payload as Record<string, unknown>;
  expect(Object.keys(payload).length).toBeLessThanOrEqual(10);
  expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(64 * 1024);
  expect(Object.keys(payload).sort()).toEqual(Object.keys(FORMS).sort());
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    expect(typeof value).toBe('string');
    if (value === '' || value === `<${VARIABLES[key]}>`) continue;
    expect([key, value]).toEqual([key, expect.stringMatching(FORMS[key]!)]);
    present[key] = value as string;
  }
  return present;
}

/**
 * The transformer's output as the EventBridge user guide describes it: each value inserted
 * as it is, a string without its quotes and unescaped; a path missing from the event
 * leaves nothing (`omitted`, our reading of "won't appear in the output") or its
 * placeholder (`placeholder`, what moto does).
 */
function renderAsDocumented(
  { InputPathsMap, InputTemplate }: Transformer,
  event: Record<string, unknown>,
  missing: 'omitted' | 'placeholder',
): string {
  return InputTemplate.replace(/<([\w.-]+)>/g, (whole, variable: string) => {
    const jsonPath = InputPathsMap[variable];
    if (!jsonPath) return whole;
    const value = jsonPath
      .replace(/^\$\./, '')
      .split('.')
      .reduce<unknown>(
        (node, key) =>
          node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
        event,
      );
    if (value === undefined || value === null) return missing === 'omitted' ? '' : whole;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

// ---------------------------------------------------------------- moto

/** The stacks of the tests, by their parameters; each rule's target is a queue of its own. */
const STACKS = {
  // Both filters: the sample's group, a prefix, a name at its limits; an unversioned name.
  both: {
    ModelPackageGroups: `versionedmp-p-idy6c3e1fiqj,churn-*,${LONG_GROUP}`,
    ModelPackageNames: 'fraud-detector',
  },
  groupsOnly: { ModelPackageGroups: 'churn-*' },
  namesOnly: { ModelPackageNames: 'fraud-*' },
} as const;
type StackName = keyof typeof STACKS;

let moto: Moto;
let events: EventBridgeClient;
let sqs: SQSClient;
const queues = {} as Record<StackName, string>;

beforeAll(async () => {
  moto = await startMoto();
  const config = {
    region: 'us-east-2',
    endpoint: moto.url,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  events = new EventBridgeClient(config);
  sqs = new SQSClient(config);
  for (const [name, parameters] of Object.entries(STACKS) as [StackName, object][]) {
    const { pattern, transformer } = ruleFor(parameters as Record<string, string>);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `dispatch-${name}` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(new PutRuleCommand({ Name: `github-${name}`, EventPattern: pattern }));
    await events.send(
      new PutTargetsCommand({
        Rule: `github-${name}`,
        Targets: [{ Id: 'dispatch', Arn: Attributes!.QueueArn!, InputTransformer: transformer }],
      }),
    );
    queues[name] = QueueUrl!;
  }
}, 30_000);

afterAll(async () => {
  events?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

/** What the queue of `stack` has received, emptied. moto delivers within PutEvents. */
async function received(stack: StackName): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues[stack], MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body!));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queues[stack],
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

/**
 * Puts one event and returns what each stack's target received. The bodies of the stacks
 * that matched are checked against the documented rendering too.
 */
async function put(
  detail: Record<string, unknown>,
  { source = SOURCE, detailType = DETAIL_TYPE } = {},
): Promise<Record<StackName, string[]>> {
  const result = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: source,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
          Resources: [String(detail.ModelPackageArn)],
        },
      ],
    }),
  );
  expect(result.FailedEntryCount).toBe(0);
  const out = {} as Record<StackName, string[]>;
  for (const stack of Object.keys(STACKS) as StackName[]) {
    out[stack] = await received(stack);
    const { transformer } = ruleFor(STACKS[stack]);
    const event = { source, 'detail-type': detailType, account: ACCOUNT, detail };
    for (const body of out[stack]) {
      for (const missing of ['omitted', 'placeholder'] as const) {
        expect(payloadOf(renderAsDocumented(transformer, event, missing))).toEqual(payloadOf(body));
      }
    }
  }
  return out;
}

/** The one payload that `stack` received for the event. */
async function onlyPayload(detail: Record<string, unknown>, stack: StackName = 'both') {
  const out = await put(detail);
  expect(out[stack]).toHaveLength(1);
  return payloadOf(out[stack][0]!);
}

// ---------------------------------------------------------------- the template

describe('the events template', () => {
  it('deploys a rule whose one target is the API destination, with a retry policy and a dead-letter queue', () => {
    const types = Object.fromEntries(Object.entries(resources).map(([n, r]) => [n, r.Type]));
    expect(types).toEqual({
      Rule: 'AWS::Events::Rule',
      Connection: 'AWS::Events::Connection',
      ApiDestination: 'AWS::Events::ApiDestination',
      InvokeRole: 'AWS::IAM::Role',
      DeadLetterQueue: 'AWS::SQS::Queue',
      DeadLetterQueuePolicy: 'AWS::SQS::QueuePolicy',
      DeadLetterAlarm: 'AWS::CloudWatch::Alarm',
    });
    expect(ruleProperties.Targets).toHaveLength(1);
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': ['ApiDestination', 'Arn'] },
      RoleArn: { 'Fn::GetAtt': ['InvokeRole', 'Arn'] },
      RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    });
    expect(template.Outputs).toEqual({
      RuleArn: expect.objectContaining({ Value: { 'Fn::GetAtt': ['Rule', 'Arn'] } }),
      DeadLetterQueueUrl: expect.objectContaining({ Value: { Ref: 'DeadLetterQueue' } }),
    });
  });

  it("POSTs to the repository's dispatches with the token from Secrets Manager and GitHub's headers", () => {
    const stack = stackOf(template, {
      ...REQUIRED,
      ModelPackageGroups: 'churn-*',
      GitHubTokenSecret:
        'arn:aws:secretsmanager:us-east-2:123456789012:secret:github/models-AbC123',
    });
    const destination = evaluate(resources.ApiDestination!.Properties, stack);
    expect(destination).toMatchObject({
      InvocationEndpoint: 'https://api.github.com/repos/octo-org/models/dispatches',
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 1,
    });
    expect(evaluate(resources.Connection!.Properties, stack)).toMatchObject({
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'Authorization',
          ApiKeyValue:
            'Bearer {{resolve:secretsmanager:arn:aws:secretsmanager:us-east-2:123456789012:secret:github/models-AbC123}}',
        },
        InvocationHttpParameters: {
          HeaderParameters: [
            { Key: 'Accept', Value: 'application/vnd.github+json', IsValueSecret: false },
            { Key: 'X-GitHub-Api-Version', Value: '2022-11-28', IsValueSecret: false },
          ],
        },
      },
    });
  });

  it('lets EventBridge invoke the API destination, and send to the dead-letter queue from this rule only', () => {
    const role = resources.InvokeRole!.Properties;
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const [policy] = role.Policies as { PolicyDocument: { Statement: unknown[] } }[];
    expect(policy!.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['events:InvokeApiDestination'],
        Resource: [{ 'Fn::GetAtt': ['ApiDestination', 'Arn'] }],
      },
    ]);
    const queuePolicy = resources.DeadLetterQueuePolicy!.Properties;
    expect(queuePolicy.Queues).toEqual([{ Ref: 'DeadLetterQueue' }]);
    expect(queuePolicy.PolicyDocument).toMatchObject({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['Rule', 'Arn'] } } },
        },
      ],
    });
  });

  it('alarms on any visible message of the dead-letter queue, notifying the topic when one is given', () => {
    const alarm = (topic: string) =>
      evaluate(
        resources.DeadLetterAlarm!.Properties,
        stackOf(template, { ...REQUIRED, ModelPackageNames: 'a', AlarmTopicArn: topic }),
      ) as Record<string, unknown>;
    const topic = 'arn:aws:sns:us-east-2:123456789012:model-alerts';
    expect(alarm(topic)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
    expect(alarm('')).not.toHaveProperty('AlarmActions');
  });

  it('refuses a stack that filters nothing, rather than matching every package', () => {
    expect(() => stackOf(template, REQUIRED)).toThrow(/^SomePackages: Give ModelPackageGroups/);
    expect(() => stackOf(template, { ...REQUIRED, ModelPackageGroups: '' })).toThrow(
      /^SomePackages/,
    );
    expect(() => stackOf(template, { ...REQUIRED, ModelPackageNames: 'a' })).not.toThrow();
  });

  it.each([
    ['ModelPackageGroups', 'churn-"*'],
    ['ModelPackageGroups', 'churn\\*'],
    ['ModelPackageGroups', 'churn-**'],
    ['ModelPackageGroups', 'churn, fraud'],
    ['ModelPackageNames', 'a}]'],
    ['EventType', 'x","client_payload":{}'],
    ['EventType', 'x<arn>'],
    ['EventType', 'x'.repeat(101)],
    ['GitHubTokenSecret', 'github}}'],
    ['GitHubRepository', 'models/../x'],
  ])('refuses %s %j, which could break the pattern, the body or the URL', (name, value) => {
    expect(() => stackOf(template, { ...REQUIRED, ModelPackageNames: 'a', [name]: value })).toThrow(
      new RegExp(`^${name}: `),
    );
  });

  it('makes a pattern of valid JSON, with both filters or one, and no filter matching everything', () => {
    const detailOf = (parameters: Record<string, string>) =>
      (JSON.parse(ruleFor(parameters).pattern) as { detail: { $or: unknown } }).detail.$or;
    expect(detailOf({ ModelPackageGroups: `a,b-*,${LONG_GROUP}`, ModelPackageNames: '*' })).toEqual(
      [
        {
          ModelPackageGroupName: [{ wildcard: 'a' }, { wildcard: 'b-*' }, { wildcard: LONG_GROUP }],
        },
        { ModelPackageName: [{ wildcard: '*' }] },
      ],
    );
    // An empty list is [""]: EventBridge's "Empty" matching, which no name satisfies.
    expect(detailOf({ ModelPackageGroups: 'churn-*' })).toEqual([
      { ModelPackageGroupName: [{ wildcard: 'churn-*' }] },
      { ModelPackageName: [''] },
    ]);
    expect(JSON.parse(ruleFor({ ModelPackageNames: 'fraud' }).pattern)).toEqual({
      source: [SOURCE],
      'detail-type': [DETAIL_TYPE],
      detail: {
        ModelPackageStatus: ['Completed', 'Failed'],
        ModelPackageArn: [{ 'anything-but': { wildcard: ['*"*', '*\\\\*'] } }],
        $or: [{ ModelPackageGroupName: [''] }, { ModelPackageName: [{ wildcard: 'fraud' }] }],
      },
    });
  });

  it("builds a body of at most 10 keys, each value quoted, from the event's detail only", () => {
    const { transformer } = ruleFor({ ModelPackageNames: 'a', EventType: 'e'.repeat(100) });
    expect(transformer.InputTemplate.length).toBeLessThanOrEqual(8192);
    const placeholders = [...transformer.InputTemplate.matchAll(/<([\w.-]+)>/g)].map((m) => m[0]);
    // Every placeholder is a whole JSON string, so that a missing value leaves a string.
    expect(placeholders.length).toBe(Object.keys(transformer.InputPathsMap).length);
    for (const p of placeholders) expect(transformer.InputTemplate).toContain(`"${p}"`);
    expect(Object.values(transformer.InputPathsMap).every((p) => p.startsWith('$.detail.'))).toBe(
      true,
    );
    const body = JSON.parse(transformer.InputTemplate) as Record<string, Record<string, string>>;
    expect(body.event_type).toBe('e'.repeat(100));
    expect(Object.keys(body.client_payload!)).toHaveLength(8);
  });
});

// ---------------------------------------------------------------- moto

describe("the template's rule on moto's EventBridge", () => {
  it("sends SageMaker's sample event as the sample's package, and reports moto's placeholders", async () => {
    const out = await put(SAMPLE);
    expect(out.groupsOnly).toEqual([]);
    expect(out.namesOnly).toEqual([]);
    expect(out.both).toHaveLength(1);
    expect(payloadOf(out.both[0]!)).toEqual({
      arn: SAMPLE.ModelPackageArn,
      group: 'versionedmp-p-idy6c3e1fiqj',
      version: '2',
      status: 'Completed',
      approval: 'Rejected',
    });
    // moto leaves the placeholder of a path the event lacks; AWS documents that the value
    // does not appear. Both are strings, read as absent.
    const { client_payload } = JSON.parse(out.both[0]!) as { client_payload: object };
    expect(client_payload).toMatchObject({ name: '<name>', stage: '<stage>' });
  });

  it('sends an unversioned package by its name, without group, version or approval', async () => {
    const out = await put(UNVERSIONED);
    expect(out.groupsOnly).toEqual([]);
    expect(payloadOf(out.both[0]!)).toEqual({
      arn: UNVERSIONED.ModelPackageArn,
      name: 'fraud-detector',
      status: 'Completed',
    });
    expect(out.namesOnly.map(payloadOf)).toEqual([payloadOf(out.both[0]!)]);
  });

  it('matches the final statuses only: not Pending, InProgress or Deleting', async () => {
    for (const status of ['Pending', 'InProgress', 'Deleting']) {
      const out = await put(version('churn-a', 3, { ModelPackageStatus: status }));
      expect([status, out.both, out.groupsOnly]).toEqual([status, [], []]);
    }
    const failed = await put(version('churn-a', 3, { ModelPackageStatus: 'Failed' }));
    expect(failed.both.map(payloadOf)).toEqual([
      {
        arn: arnOf('churn-a/3'),
        group: 'churn-a',
        version: '3',
        status: 'Failed',
        approval: 'PendingManualApproval',
      },
    ]);
    expect(failed.groupsOnly).toHaveLength(1);
  });

  it('sends approval changes', async () => {
    for (const approval of ['Approved', 'Rejected', 'PendingManualApproval']) {
      const payload = await onlyPayload(version('churn-a', 4, { ModelApprovalStatus: approval }));
      expect(payload.approval).toBe(approval);
    }
  });

  it('sends stage changes, without the free text of the stage description', async () => {
    const payload = await onlyPayload(
      version('churn-a', 5, {
        ModelApprovalStatus: 'Approved',
        ModelLifeCycle: {
          Stage: 'Production',
          StageStatus: 'Approved',
          StageDescription: 'Moved by "release" \\ {"x": 1}',
        },
      }),
    );
    expect(payload).toEqual({
      arn: arnOf('churn-a/5'),
      group: 'churn-a',
      version: '5',
      status: 'Completed',
      approval: 'Approved',
      stage: 'Production',
      stage_status: 'Approved',
    });
  });

  it('sends a package without ModelLifeCycle, or with one of its members only, as valid JSON', async () => {
    expect(await onlyPayload(version('churn-a', 6))).not.toHaveProperty('stage');
    const half = await onlyPayload(version('churn-a', 7, { ModelLifeCycle: { Stage: 'Staging' } }));
    expect(half).toMatchObject({ stage: 'Staging' });
    expect(half).not.toHaveProperty('stage_status');
  });

  it('sends names, versions and stages at their length and pattern limits', async () => {
    for (const name of [LONG_GROUP, LONG_STAGE]) {
      expect(name).toHaveLength(63);
      expect(name).toMatch(NAME);
    }
    const detail = {
      ...version(LONG_GROUP, MAX_VERSION, {
        ModelLifeCycle: { Stage: LONG_STAGE, StageStatus: '0-0' },
      }),
      ModelPackageArn: arnOf(
        `${LONG_GROUP.toLowerCase()}/${MAX_VERSION}`,
        'aws-us-gov',
        'us-gov-west-1',
      ),
    };
    const payload = await onlyPayload(detail);
    expect(payload).toEqual({
      arn: detail.ModelPackageArn,
      group: LONG_GROUP,
      version: String(MAX_VERSION),
      status: 'Completed',
      approval: 'PendingManualApproval',
      stage: LONG_STAGE,
      stage_status: '0-0',
    });
  });

  it.each([
    ['a quote', '"'],
    ['a backslash', '\\'],
    ['a payload of its own', '","event_type":"evil","x":"'],
    ['the end of the payload', '"},"event_type":"evil","x":{"a":"'],
  ])('does not match an ARN with %s, which would change the body', async (_, inserted) => {
    const detail = version('churn-a', 8, { ModelPackageArn: `${arnOf('churn-a/8')}${inserted}` });
    // As AWS documents the insertion, the body would not be the one the template writes.
    const { transformer } = ruleFor(STACKS.both);
    const event = { source: SOURCE, 'detail-type': DETAIL_TYPE, detail };
    const rendered = renderAsDocumented(transformer, event, 'omitted');
    expect(() => payloadOf(rendered)).toThrow();
    const out = await put(detail);
    expect(out).toEqual({ both: [], groupsOnly: [], namesOnly: [] });
  });

  it("does not match foreign events: another source, another detail-type, another repository's package", async () => {
    const ours = version('churn-a', 9);
    expect((await put(ours)).both).toHaveLength(1);
    const foreign = [
      await put(ours, { source: 'com.example.sagemaker' }),
      await put(ours, { detailType: 'SageMaker Model State Change' }),
      await put(version('other-team-model', 1)),
      // A prefix without its '*' is the exact name only.
      await put(version('versionedmp-p-idy6c3e1fiqj-2', 1)),
      await put(version('churn', 1)),
      await put({ ...UNVERSIONED, ModelPackageName: 'fraud-detector-2' }),
    ];
    for (const out of foreign) expect(out.both).toEqual([]);
    expect(foreign.map((out) => out.groupsOnly.length + out.namesOnly.length)).toEqual([
      0, 0, 0, 0, 0, 1,
    ]);
  });

  it('matches nothing by an empty list, not even a name that the other list would match', async () => {
    // groupsOnly has no names ([""]): an unversioned package named like its groups.
    const unversioned = await put({ ...UNVERSIONED, ModelPackageName: 'churn-x' });
    expect([unversioned.groupsOnly, unversioned.namesOnly]).toEqual([[], []]);
    // namesOnly has no groups ([""]): a version of a group named like its names.
    const versioned = await put(version('fraud-x', 1));
    expect([versioned.groupsOnly, versioned.namesOnly]).toEqual([[], []]);
  });
});
