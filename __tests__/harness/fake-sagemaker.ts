/**
 * One in-memory SageMaker for the unit tests, the in-process pipeline test and the bench:
 * the SageMakerApi interface over a few maps, with validation played forward on a clock
 * that the test owns. For SageMaker over HTTP, see sagemaker-emulator.ts.
 */
import type { AwsClients } from '../../src/aws/clients.js';
import type {
  CreateModelPackageInput,
  DescribeModelPackageOutput,
  DescribeTransformJobResponse,
  ModelPackage,
  SearchExpression,
  Tag,
  TransformJobSummary,
  UpdateModelPackageInput,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerApi } from '../../src/sagemaker/api.js';

/** ModelPackageStatus from a number of ms after creation on: [[0, 'Pending'], ...]. */
export type Timeline = [number, string][];

export interface FakeSageMakerOptions {
  region?: string;
  clock?: { t: number };
  /** The statuses of a package created by the action; by default it completes after 60 s. */
  timeline?: (input: CreateModelPackageInput) => Timeline;
  /** The FailureReason of a validation that fails. */
  failureReason?: string;
  /** An error to throw from `operation` at time `t`, or undefined. */
  fail?: (operation: string, t: number) => unknown;
  /** The algorithms DescribeAlgorithm finds, by name or ARN. */
  algorithms?: readonly string[];
}

interface Stored {
  arn: string;
  input: CreateModelPackageInput;
  version?: number;
  createdAt: number;
  timeline: Timeline;
  tags: Tag[];
  approval?: string;
  /** What UpdateModelPackage changed since creation. */
  updated: Partial<CreateModelPackageInput>;
}

export interface FakeSageMaker {
  api: SageMakerApi;
  /** The run's AWS clients on this SageMaker; CloudWatch Logs is not there. */
  aws: Pick<AwsClients, 'sagemaker' | 'logs' | 'marketplace'>;
  clock: { t: number };
  /** Every operation called, in order. */
  calls: string[];
  /** Every CreateModelPackage input. */
  created: CreateModelPackageInput[];
  /** Adds a package that exists already, with its timeline from now on. */
  add(arn: string, timeline: Timeline, input?: Partial<CreateModelPackageInput>): void;
  /** The package's description as SageMaker would give it now. */
  describe(arn: string): DescribeModelPackageOutput;
  /** Sets a version's ModelApprovalStatus, as a person in the console would. */
  setApproval(arn: string, status: string): void;
  /** Every UpdateModelPackage input. */
  updates: UpdateModelPackageInput[];
  /** The account's transform jobs, as DescribeTransformJob answers them; tests add to it. */
  transformJobs: DescribeTransformJobResponse[];
}

export const DEFAULT_TIMELINE: Timeline = [
  [0, 'Pending'],
  [10_000, 'InProgress'],
  [60_000, 'Completed'],
];

const ITEM_STATUS: Record<string, string> = {
  Pending: 'NotStarted',
  InProgress: 'InProgress',
  Completed: 'Completed',
  Failed: 'Failed',
  Deleting: 'Failed',
};

export function fakeSageMaker(options: FakeSageMakerOptions = {}): FakeSageMaker {
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? { t: 0 };
  const calls: string[] = [];
  const created: CreateModelPackageInput[] = [];
  const packages = new Map<string, Stored>();
  const groups = new Map<string, number>();
  const prefix = `arn:aws:sagemaker:${region}:123456789012:model-package`;
  const transformJobs: DescribeTransformJobResponse[] = [];

  const call = (operation: string) => {
    calls.push(operation);
    const failure = options.fail?.(operation, clock.t);
    if (failure) throw failure;
  };
  const statusOf = (p: Stored) => {
    let status = 'Pending';
    for (const [at, s] of p.timeline) if (clock.t - p.createdAt >= at) status = s;
    return status;
  };
  const find = (nameOrArn: string) =>
    packages.get(nameOrArn) ?? packages.get(`${prefix}/${nameOrArn.toLowerCase()}`);

  const describe = (arn: string): DescribeModelPackageOutput => {
    const p = packages.get(arn)!;
    const status = statusOf(p);
    const item = (Name: string) => ({
      Name,
      Status: ITEM_STATUS[status] as never,
      ...(status === 'Failed'
        ? { FailureReason: options.failureReason ?? 'validation failed' }
        : {}),
    });
    const profiles = p.input.ValidationSpecification?.ValidationProfiles ?? [];
    const done = status === 'Completed' || status === 'Failed';
    // DescribeModelPackage returns the members of the request that created the package.
    const members: Partial<CreateModelPackageInput> = { ...p.input, ...p.updated };
    for (const key of ['ClientToken', 'Tags', 'ModelApprovalStatus', 'ModelPackageName'] as const) {
      delete members[key];
    }
    return {
      ...members,
      ModelPackageArn: p.arn,
      ModelPackageName: p.input.ModelPackageName ?? p.input.ModelPackageGroupName,
      ModelPackageGroupName: p.input.ModelPackageGroupName,
      ModelPackageVersion: p.version,
      ModelPackageStatus: status as never,
      ModelPackageStatusDetails: {
        ValidationStatuses: (profiles.length
          ? profiles.map((v) => v.ProfileName!)
          : ['sample']
        ).map(item),
        ...(p.input.CertifyForMarketplace ? { ImageScanStatuses: [item('image')] } : {}),
      },
      ModelApprovalStatus: p.approval as never,
      CustomerMetadataProperties: members.CustomerMetadataProperties,
      CertifyForMarketplace: p.input.CertifyForMarketplace,
      CreationTime: new Date(p.createdAt),
      LastModifiedTime: done ? new Date(clock.t) : new Date(p.createdAt),
      $metadata: {},
    } as DescribeModelPackageOutput;
  };

  const add: FakeSageMaker['add'] = (arn, timeline, input = {}) => {
    const version = /\/(\d+)$/.exec(arn.slice(prefix.length + 1))?.[1];
    packages.set(arn, {
      arn,
      input: input as CreateModelPackageInput,
      version: version ? Number(version) : undefined,
      createdAt: clock.t,
      timeline,
      tags: input.Tags ?? [],
      updated: {},
      approval: input.ModelPackageGroupName
        ? (input.ModelApprovalStatus ?? 'PendingManualApproval')
        : undefined,
    });
  };

  const updates: UpdateModelPackageInput[] = [];
  const summary = (p: Stored) => {
    const d = describe(p.arn);
    return {
      ModelPackageArn: p.arn,
      ModelPackageVersion: p.version,
      ModelPackageGroupName: d.ModelPackageGroupName,
      ModelApprovalStatus: d.ModelApprovalStatus,
      ModelLifeCycle: d.ModelLifeCycle,
      CreationTime: d.CreationTime,
    } as never;
  };
  const newestFirst = (a: Stored, b: Stored) =>
    b.createdAt - a.createdAt || (b.version ?? 0) - (a.version ?? 0);
  /** Search filters: `Tags.<key>`, ModelPackageGroupName, ModelLifeCycle.Stage, Equals only. */
  const matches = (p: Stored, expression: SearchExpression) =>
    (expression.Filters ?? []).every(({ Name, Value }) => {
      if (Name?.startsWith('Tags.')) {
        return p.tags.some((t) => t.Key === Name.slice(5) && t.Value === Value);
      }
      const d = describe(p.arn) as unknown as Record<string, unknown>;
      if (Name === 'ModelLifeCycle.Stage')
        return d.ModelLifeCycle && (d.ModelLifeCycle as { Stage?: string }).Stage === Value;
      return d[Name ?? ''] === Value;
    });

  const api: SageMakerApi = {
    region,
    async createModelPackage(input) {
      call('CreateModelPackage');
      created.push(input);
      let arn: string;
      if (input.ModelPackageGroupName) {
        const version = (groups.get(input.ModelPackageGroupName) ?? 0) + 1;
        groups.set(input.ModelPackageGroupName, version);
        arn = `${prefix}/${input.ModelPackageGroupName.toLowerCase()}/${version}`;
      } else {
        arn = `${prefix}/${input.ModelPackageName!.toLowerCase()}`;
        if (packages.has(arn)) {
          throw Object.assign(new Error(`ModelPackage already exists: ${arn}`), {
            name: 'ValidationException',
          });
        }
      }
      add(arn, options.timeline?.(input) ?? DEFAULT_TIMELINE, input);
      return arn;
    },
    async createModelPackageGroup(input) {
      call('CreateModelPackageGroup');
      if (groups.has(input.ModelPackageGroupName!)) {
        throw Object.assign(new Error('Model Package Group already exists'), {
          name: 'ValidationException',
        });
      }
      groups.set(input.ModelPackageGroupName!, 0);
    },
    async describeModelPackageGroup(name) {
      call('DescribeModelPackageGroup');
      return groups.has(name)
        ? ({ ModelPackageGroupName: name, $metadata: {} } as never)
        : undefined;
    },
    async describeModelPackage(nameOrArn) {
      call('DescribeModelPackage');
      const p = find(nameOrArn);
      return p ? describe(p.arn) : undefined;
    },
    async batchDescribeModelPackage(arns) {
      call('BatchDescribeModelPackage');
      return {
        ModelPackageSummaries: Object.fromEntries(
          arns
            .filter((arn) => packages.has(arn))
            .map((arn) => [
              arn,
              { ModelPackageArn: arn, ModelPackageStatus: statusOf(packages.get(arn)!) },
            ]),
        ),
        $metadata: {},
      } as never;
    },
    async newestVersions(group, limit) {
      call('ListModelPackages');
      return [...packages.values()]
        .filter((p) => p.input.ModelPackageGroupName === group)
        .sort(newestFirst)
        .slice(0, limit)
        .map(summary);
    },
    async listModelPackages(input) {
      call('ListModelPackages');
      return [...packages.values()]
        .filter(
          (p) =>
            (!input.ModelPackageGroupName ||
              p.input.ModelPackageGroupName === input.ModelPackageGroupName) &&
            (!input.ModelApprovalStatus || p.approval === input.ModelApprovalStatus),
        )
        .sort(newestFirst)
        .slice(0, input.MaxResults ?? 10)
        .map(summary);
    },
    async searchModelPackages(expression, limit) {
      call('Search');
      return [...packages.values()]
        .filter((p) => matches(p, expression))
        .sort(newestFirst)
        .slice(0, limit)
        .map((p) => ({ ...describe(p.arn), Tags: p.tags }) as ModelPackage);
    },
    async updateModelPackage(input) {
      call('UpdateModelPackage');
      updates.push(input);
      const p = packages.get(input.ModelPackageArn!)!;
      if (input.ModelApprovalStatus && statusOf(p) !== 'Completed') {
        throw Object.assign(new Error('the model package is still validating'), {
          name: 'ValidationException',
        });
      }
      if (input.ModelApprovalStatus) p.approval = input.ModelApprovalStatus;
      const { ModelLifeCycle, ModelCard, SourceUri, CustomerMetadataProperties } = input;
      if (ModelLifeCycle) p.updated.ModelLifeCycle = ModelLifeCycle;
      if (ModelCard) p.updated.ModelCard = ModelCard;
      if (SourceUri) p.updated.SourceUri = SourceUri;
      if (CustomerMetadataProperties) {
        p.updated.CustomerMetadataProperties = {
          ...(p.updated.CustomerMetadataProperties ?? p.input.CustomerMetadataProperties),
          ...CustomerMetadataProperties,
        };
      }
    },
    async describeAlgorithm(name) {
      call('DescribeAlgorithm');
      return (options.algorithms ?? []).includes(name);
    },
    async listTransformJobs(input) {
      call('ListTransformJobs');
      const time = (j: DescribeTransformJobResponse) => j.CreationTime?.getTime() ?? 0;
      const sign = input.SortOrder === 'Descending' ? -1 : 1;
      const matching = transformJobs
        .filter(
          (j) =>
            (!input.CreationTimeAfter || time(j) > input.CreationTimeAfter.getTime()) &&
            (!input.CreationTimeBefore || time(j) < input.CreationTimeBefore.getTime()) &&
            (!input.StatusEquals || j.TransformJobStatus === input.StatusEquals),
        )
        .sort((a, b) => sign * (time(a) - time(b)));
      const start = Number(input.NextToken ?? 0);
      const size = input.MaxResults ?? 10;
      const page = matching.slice(start, start + size);
      return {
        TransformJobSummaries: page.map((j): TransformJobSummary => ({
          TransformJobName: j.TransformJobName,
          TransformJobArn: j.TransformJobArn,
          TransformJobStatus: j.TransformJobStatus,
          CreationTime: j.CreationTime,
          FailureReason: j.FailureReason,
        })),
        NextToken: start + size < matching.length ? String(start + size) : undefined,
        $metadata: {},
      };
    },
    async describeTransformJob(name) {
      call('DescribeTransformJob');
      return transformJobs.find((j) => j.TransformJobName === name);
    },
    async listTags(arn) {
      call('ListTags');
      return packages.get(arn)?.tags ?? [];
    },
    async addTags(arn, tags) {
      call('AddTags');
      const p = packages.get(arn);
      if (!p) throw new Error(`no package ${arn}`);
      const keys = new Set(tags.map((t) => t.Key));
      p.tags = [...p.tags.filter((t) => !keys.has(t.Key)), ...tags];
    },
    destroy: () => undefined,
  };
  const setApproval = (arn: string, status: string) => {
    packages.get(arn)!.approval = status;
  };
  const aws: FakeSageMaker['aws'] = {
    sagemaker: async () => api,
    logs: async () => {
      throw new Error('no CloudWatch Logs in the fake SageMaker');
    },
    marketplace: async () => {
      throw new Error('no AWS Marketplace in the fake SageMaker');
    },
  };
  return { api, aws, clock, calls, created, updates, add, describe, setApproval, transformJobs };
}
