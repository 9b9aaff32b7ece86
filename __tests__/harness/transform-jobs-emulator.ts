/**
 * Batch transform jobs and their CloudWatch logs for the SageMaker emulator
 * (sagemaker-emulator.ts), played forward in time the way SageMaker runs a package's
 * validation: when the validation starts, its transform job appears, with a name that
 * has nothing to do with the package; it runs until the validation ends, then completes
 * or fails (with its own FailureReason), and writes log streams `<job>/<instance-id>`
 * and `<job>/<instance-id>/data-log` into `/aws/sagemaker/TransformJobs`. Unrelated
 * "noise" jobs run in the same account at the same time: some fail with other errors,
 * and some have definitions that differ from the validation's in only one of input,
 * output or instance type.
 *
 * Served on the emulator's URL: SageMaker ListTransformJobs (CreationTimeAfter/Before,
 * StatusEquals, SortBy/SortOrder, NextToken/MaxResults) and DescribeTransformJob, and
 * CloudWatch Logs (`X-Amz-Target: Logs_20140328.<Operation>`) DescribeLogStreams,
 * GetLogEvents and FilterLogEvents. Any operation can be refused with AccessDenied.
 */
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

export const LOG_GROUP = '/aws/sagemaker/TransformJobs';

export interface TransformJobsOptions {
  /** Unrelated jobs per package, created from 30 minutes before it to after its validation. */
  noiseJobs?: number;
  /** The FailureReason of a failed validation's job. */
  jobFailureReason?: string;
  /** The lines the failed validation's job writes to its container stream. */
  logLines?: string[];
  /** Where the job writes: the profile's S3OutputPath as given, or a prefix below it. */
  output?: 'same' | 'sub-path';
}

export interface EmulatedJob {
  name: string;
  arn: string;
  createdAt: number;
  endsAt: number;
  final: 'Completed' | 'Failed';
  failureReason?: string;
  input: string;
  output: string;
  instanceType: string;
  /** The package whose validation this job is, if it is one. */
  validationOf?: string;
  streams: { name: string; events: { timestamp: number; message: string }[] }[];
}

export class ServiceFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const DEFAULT_JOB_FAILURE = 'AlgorithmError: See job logs for more information';

export const DEFAULT_LOG = [
  'Starting the inference server with 2 workers',
  'Loading the model from /opt/ml/model',
  'Traceback (most recent call last):',
  '  File "/opt/program/predictor.py", line 41, in load_model',
  '    model = pickle.load(f)',
  "ModuleNotFoundError: No module named 'sklearn'",
  'Worker exited with code 1',
  'ERROR: inference server could not start',
];

/** A deterministic pseudo-random number in [0, 1) per key. */
function random(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

function hex(key: string, length: number): string {
  return createHash('sha256').update(key).digest('hex').slice(0, length);
}

interface Definition {
  input: string;
  output: string;
  instanceType: string;
}

function definitionOf(request: Json): Definition | undefined {
  const spec = request.ValidationSpecification;
  const profile =
    isRecord(spec) && Array.isArray(spec.ValidationProfiles)
      ? spec.ValidationProfiles[0]
      : undefined;
  const job = isRecord(profile) ? profile.TransformJobDefinition : undefined;
  if (!isRecord(job)) return undefined;
  const input = job.TransformInput;
  const source =
    isRecord(input) && isRecord(input.DataSource) ? input.DataSource.S3DataSource : undefined;
  const output = job.TransformOutput;
  const resources = job.TransformResources;
  const uri = isRecord(source) ? source.S3Uri : undefined;
  const path = isRecord(output) ? output.S3OutputPath : undefined;
  const type = isRecord(resources) ? resources.InstanceType : undefined;
  if (typeof uri !== 'string' || typeof path !== 'string' || typeof type !== 'string') {
    return undefined;
  }
  return { input: uri, output: path, instanceType: type };
}

function streamsOf(
  name: string,
  from: number,
  to: number,
  main: string[],
  data: string[],
): EmulatedJob['streams'] {
  const instance = `i-${hex(name, 17)}`;
  const spread = (lines: string[]) =>
    lines.map((message, i) => ({
      timestamp: Math.round(from + ((to - from) * (i + 1)) / (lines.length + 1)),
      message,
    }));
  return [
    { name: `${name}/${instance}`, events: spread(main) },
    { name: `${name}/${instance}/data-log`, events: spread(data) },
  ];
}

export interface TransformJobs {
  /** Called when a package is created: its validation's job and the noise around it. */
  packageCreated(
    arn: string,
    request: Json,
    at: { createdAt: number; startsAt: number; endsAt: number },
    outcome: 'Completed' | 'Failed',
  ): void;
  /** The handlers, by operation (`ListTransformJobs`, `Logs_20140328.GetLogEvents`, ...). */
  handlers: Record<string, (body: Json) => Json>;
  /** Operations refused with AccessDenied. */
  denied: Set<string>;
  jobs: EmulatedJob[];
}

export function transformJobs(
  options: TransformJobsOptions,
  env: { region: string; accountId: string; now: () => number },
): TransformJobs {
  const jobs: EmulatedJob[] = [];
  const arnOf = (name: string) =>
    `arn:aws:sagemaker:${env.region}:${env.accountId}:transform-job/${name}`;

  const add = (job: Omit<EmulatedJob, 'arn'>) => jobs.push({ ...job, arn: arnOf(job.name) });

  const packageCreated: TransformJobs['packageCreated'] = (arn, request, at, outcome) => {
    const definition = definitionOf(request);
    if (!definition) return;
    const name = `${hex(`${arn}/validation`, 8)}-${hex(`${arn}/suffix`, 12)}`;
    const output =
      options.output === 'sub-path'
        ? `${definition.output.replace(/\/+$/, '')}/${name}`
        : definition.output;
    const failed = outcome === 'Failed';
    add({
      name,
      createdAt: at.startsAt,
      endsAt: at.endsAt - 1,
      final: outcome,
      ...(failed ? { failureReason: options.jobFailureReason ?? DEFAULT_JOB_FAILURE } : {}),
      input: definition.input,
      output,
      instanceType: definition.instanceType,
      validationOf: arn,
      streams: streamsOf(
        name,
        at.startsAt,
        at.endsAt - 1,
        failed ? (options.logLines ?? DEFAULT_LOG) : ['Inference server started'],
        failed
          ? ['ClientError: Received server error (500) from the model container']
          : ['Processed 1 record'],
      ),
    });
    const count = options.noiseJobs ?? 0;
    const from = at.createdAt - 30 * 60_000;
    const to = at.endsAt + 30_000;
    for (let i = 0; i < count; i++) {
      const key = `${arn}/noise/${i}`;
      // The first few noise jobs fail just before the validation's and look like it.
      const near = i < 6;
      const createdAt = near
        ? at.createdAt + Math.floor(((at.startsAt - at.createdAt) * (i + 1)) / 8)
        : Math.floor(from + random(key) * (to - from));
      const endsAt = near
        ? Math.max(createdAt + 1, at.endsAt - 2 - i)
        : createdAt + 1_000 + Math.floor(random(`${key}/length`) * 60_000);
      const noiseName = `${hex(key, 8)}-${hex(`${key}/suffix`, 12)}`;
      const shape = i % 4;
      const noiseFailed = near || i % 3 === 0;
      add({
        name: noiseName,
        createdAt,
        endsAt,
        final: noiseFailed ? 'Failed' : 'Completed',
        ...(noiseFailed
          ? { failureReason: `ClientError: noise job ${i} could not read its input` }
          : {}),
        input: shape === 0 ? `${definition.input}-other` : definition.input,
        output: shape === 1 ? `${definition.output.replace(/\/+$/, '')}-other` : definition.output,
        instanceType: shape === 2 ? 'ml.c5.xlarge' : definition.instanceType,
        streams: noiseFailed
          ? streamsOf(
              noiseName,
              createdAt,
              endsAt,
              ['Traceback (most recent call last):', `RuntimeError: noise job ${i} failed`],
              [],
            )
          : [],
      });
      if (shape === 3) {
        const last = jobs[jobs.length - 1]!;
        last.input = `s3://unrelated-${i}/input`;
        last.output = `s3://unrelated-${i}/output`;
      }
    }
  };

  const statusOf = (job: EmulatedJob): string =>
    env.now() < job.endsAt ? 'InProgress' : job.final;
  const visible = () => jobs.filter((j) => j.createdAt <= env.now());
  const seconds = (ms: number) => ms / 1000;

  const summary = (job: EmulatedJob): Json => ({
    TransformJobName: job.name,
    TransformJobArn: job.arn,
    CreationTime: seconds(job.createdAt),
    ...(statusOf(job) !== 'InProgress' ? { TransformEndTime: seconds(job.endsAt) } : {}),
    LastModifiedTime: seconds(statusOf(job) === 'InProgress' ? job.createdAt : job.endsAt),
    TransformJobStatus: statusOf(job),
    ...(statusOf(job) === 'Failed' && job.failureReason
      ? { FailureReason: job.failureReason }
      : {}),
  });

  const listTransformJobs = (body: Json): Json => {
    const max = body.MaxResults ?? 10;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
      throw new ServiceFailure(
        'ValidationException',
        `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`,
      );
    }
    const time = (key: string) =>
      typeof body[key] === 'number' ? (body[key] as number) * 1000 : undefined;
    const after = time('CreationTimeAfter');
    const before = time('CreationTimeBefore');
    const status = body.StatusEquals;
    const order = body.SortOrder === 'Ascending' ? 1 : -1;
    const byName = body.SortBy === 'Name';
    const matching = visible()
      .filter(
        (j) =>
          (after === undefined || j.createdAt > after) &&
          (before === undefined || j.createdAt < before) &&
          (status === undefined || statusOf(j) === status),
      )
      .sort(
        (a, b) =>
          order *
          (byName ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.createdAt - b.createdAt),
      );
    const start = typeof body.NextToken === 'string' ? Number(body.NextToken.slice(5)) : 0;
    if (!Number.isInteger(start) || start < 0) {
      throw new ServiceFailure('ValidationException', 'Invalid pagination token');
    }
    const page = matching.slice(start, start + max);
    return {
      TransformJobSummaries: page.map(summary),
      ...(start + max < matching.length ? { NextToken: `page-${start + max}` } : {}),
    };
  };

  const describeTransformJob = (body: Json): Json => {
    const job = visible().find((j) => j.name === body.TransformJobName);
    if (!job) {
      // The real service's answer for a missing job.
      throw new ServiceFailure(
        'ValidationException',
        `Could not find requested job with name ${String(body.TransformJobName)}`,
      );
    }
    return {
      ...summary(job),
      ModelName: `model-${hex(job.name, 10)}`,
      MaxConcurrentTransforms: 1,
      BatchStrategy: 'MultiRecord',
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: job.input } },
        ContentType: 'text/csv',
        CompressionType: 'None',
        SplitType: 'None',
      },
      TransformOutput: { S3OutputPath: job.output, AssembleWith: 'None' },
      TransformResources: { InstanceType: job.instanceType, InstanceCount: 1 },
      TransformStartTime: seconds(job.createdAt + 1),
    };
  };

  const logGroup = (body: Json) => {
    if (body.logGroupName !== LOG_GROUP) {
      throw new ServiceFailure(
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    }
  };
  const streams = () =>
    visible()
      .flatMap((j) => j.streams)
      .map((s) => ({ ...s, events: s.events.filter((e) => e.timestamp <= env.now()) }))
      .filter((s) => s.events.length > 0);

  const describeLogStreams = (body: Json): Json => {
    logGroup(body);
    const prefix = typeof body.logStreamNamePrefix === 'string' ? body.logStreamNamePrefix : '';
    const limit = typeof body.limit === 'number' ? body.limit : 50;
    if (limit < 1 || limit > 50) {
      throw new ServiceFailure('InvalidParameterException', 'limit must be between 1 and 50');
    }
    const found = streams()
      .filter((s) => s.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return {
      logStreams: found.slice(0, limit).map((s) => ({
        logStreamName: s.name,
        creationTime: s.events[0]!.timestamp,
        firstEventTimestamp: s.events[0]!.timestamp,
        lastEventTimestamp: s.events[s.events.length - 1]!.timestamp,
        lastIngestionTime: s.events[s.events.length - 1]!.timestamp,
        arn: `arn:aws:logs:${env.region}:${env.accountId}:log-group:${LOG_GROUP}:log-stream:${s.name}`,
      })),
    };
  };

  const event = (e: { timestamp: number; message: string }) => ({
    timestamp: e.timestamp,
    message: e.message,
    ingestionTime: e.timestamp,
  });

  const getLogEvents = (body: Json): Json => {
    logGroup(body);
    const stream = streams().find((s) => s.name === body.logStreamName);
    if (!stream) {
      throw new ServiceFailure(
        'ResourceNotFoundException',
        'The specified log stream does not exist.',
      );
    }
    const limit = typeof body.limit === 'number' ? body.limit : 10_000;
    const events =
      body.startFromHead === true ? stream.events.slice(0, limit) : stream.events.slice(-limit);
    return {
      events: events.map(event),
      nextForwardToken: 'f/end',
      nextBackwardToken: 'b/start',
    };
  };

  const filterLogEvents = (body: Json): Json => {
    logGroup(body);
    const prefix = typeof body.logStreamNamePrefix === 'string' ? body.logStreamNamePrefix : '';
    const limit = typeof body.limit === 'number' ? body.limit : 10_000;
    const events = streams()
      .filter((s) => s.name.startsWith(prefix))
      .flatMap((s) => s.events.map((e) => ({ ...event(e), logStreamName: s.name })))
      .sort((a, b) => a.timestamp - b.timestamp);
    return { events: events.slice(0, limit), searchedLogStreams: [] };
  };

  return {
    packageCreated,
    handlers: {
      ListTransformJobs: listTransformJobs,
      DescribeTransformJob: describeTransformJob,
      'Logs_20140328.DescribeLogStreams': describeLogStreams,
      'Logs_20140328.GetLogEvents': getLogEvents,
      'Logs_20140328.FilterLogEvents': filterLogEvents,
    },
    denied: new Set(),
    jobs,
  };
}

/** The error of an operation refused for its permission, as IAM words it. */
export function accessDenied(operation: string, accountId: string): ServiceFailure {
  const [service, action] = operation.startsWith('Logs_20140328.')
    ? ['logs', operation.slice('Logs_20140328.'.length)]
    : ['sagemaker', operation];
  return new ServiceFailure(
    'AccessDeniedException',
    `User: arn:aws:sts::${accountId}:assumed-role/ci/session is not authorized to perform: ${service}:${action} because no identity-based policy allows the ${service}:${action} action`,
  );
}
