/**
 * Why a validation failed (SPEC §6): for each failed validation profile, its batch
 * transform job (found by its definition, find-job.ts), the job's FailureReason, an
 * excerpt of its CloudWatch log (log-excerpt.ts) and console links to both.
 *
 * A diagnosis never changes the gate and never fails the run: a refused permission, an
 * error or the time limit leave a note on the profile, and the report keeps its generic
 * links. Per failed profile it sends at most 3 + 8 SageMaker requests (find-job.ts) and
 * 1 + 2 CloudWatch Logs requests. CloudWatch Logs is loaded only when a log is read.
 */
import type { DescribeTransformJobResponse } from '@aws-sdk/client-sagemaker';
import type { Diagnosis, PackageResult, StatusItem } from '../results.js';
import { packageLabel } from '../results.js';
import { transformJobLink, transformLogLink } from '../report/links.js';
import type { Log } from '../runner/port.js';
import type { CallOptions, SageMakerApi } from '../sagemaker/api.js';
import { describeError, isAccessDenied } from '../sagemaker/errors.js';
import { definitionOf, findTransformJob, findTransformJobs } from './find-job.js';
import { excerpt, toLines } from './log-excerpt.js';

export const LOG_GROUP = '/aws/sagemaker/TransformJobs';

export const DIAGNOSIS_LIMITS = {
  /** The whole diagnosis of a run, all profiles. */
  timeoutMs: 60_000,
  /** Log streams listed, and read. */
  streamsListed: 10,
  streamsRead: 2,
  /** The last events read of each stream. */
  events: 200,
} as const;

export interface LogEvent {
  timestamp?: number;
  message?: string;
}

/** The CloudWatch Logs operations a diagnosis uses (logs-client.ts). */
export interface LogsApi {
  describeLogStreams(
    group: string,
    prefix: string,
    limit: number,
    options?: CallOptions,
  ): Promise<{ name?: string; lastEventTimestamp?: number }[]>;
  /** The last `limit` events of a stream, oldest first. */
  lastEvents(
    group: string,
    stream: string,
    limit: number,
    options?: CallOptions,
  ): Promise<LogEvent[]>;
  destroy(): void;
}

export interface DiagnoseOptions {
  api: Pick<SageMakerApi, 'listTransformJobs' | 'describeTransformJob'>;
  /** CloudWatch Logs in a region; called once, when the first log is read. */
  logs: (region: string) => Promise<LogsApi>;
  log: Log;
  signal?: AbortSignal;
  timeoutMs?: number;
  limits?: { pages?: number; pageSize?: number; describes?: number; skewMs?: number };
  /** The job found for a package's profile while it ran, if any (see RunningJobs). */
  known?: (packageArn: string, profile: string) => string | undefined;
}

/** Where a package's validation profiles are defined: its ValidationSpecification. */
export type Specification = unknown;

/** An operation that failed, named as IAM names its permission. */
class StepError extends Error {
  constructor(
    readonly permission: string,
    override readonly cause: unknown,
  ) {
    super(describeError(cause));
  }
}

async function step<T>(permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new StepError(permission, e);
  }
}

/** A note for an error of the diagnosis: a refused permission is named. */
function noteOf(
  error: unknown,
  signal: AbortSignal,
  what: string,
  timeoutMs: number,
  cancelled?: AbortSignal,
): string {
  if (cancelled?.aborted) return `${what}: the run was cancelled`;
  if (signal.aborted)
    return `${what}: the diagnosis stopped after ${Math.round(timeoutMs / 1000)} s`;
  if (error instanceof StepError && isAccessDenied(error.cause)) {
    return `${what}: the credentials may not call ${error.permission} (AccessDenied); grant it to see the job's failure reason and log here`;
  }
  const permission = error instanceof StepError ? ` (${error.permission})` : '';
  return `${what}${permission}: ${describeError(error instanceof StepError ? error.cause : error)}`;
}

function profilesOf(specification: Specification): Map<string, unknown> {
  const profiles = new Map<string, unknown>();
  const list = (specification as { ValidationProfiles?: unknown } | undefined)?.ValidationProfiles;
  if (!Array.isArray(list)) return profiles;
  for (const p of list as unknown[]) {
    const profile = p as { ProfileName?: unknown; TransformJobDefinition?: unknown } | null;
    if (profile && typeof profile.ProfileName === 'string') {
      profiles.set(profile.ProfileName, profile.TransformJobDefinition);
    }
  }
  return profiles;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** What the report says of a job that was found, before its log is read. */
function jobDiagnosis(
  job: DescribeTransformJobResponse,
  result: PackageResult,
  region: string,
): Diagnosis {
  const name = job.TransformJobName!;
  const arn = str(job.TransformJobArn);
  return {
    jobName: name,
    ...(arn ? { jobArn: arn } : {}),
    failureReason: str(job.FailureReason) ?? null,
    logExcerpt: [],
    links: {
      job: transformJobLink(region, result.arn ?? region, name),
      logStream: transformLogLink(region, result.arn ?? region, `${name}/`, true),
    },
  };
}

/** The job's log streams to read: the container's first, then its data log. */
function streamsToRead(streams: { name?: string }[], job: string, count: number): string[] {
  const names = streams
    .map((s) => str(s.name))
    .filter((n): n is string => n !== undefined && n.startsWith(`${job}/`) && n.length <= 512);
  const rank = (n: string) => (n.endsWith('/data-log') ? 1 : 0);
  return [...new Set(names)]
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, count);
}

/** The excerpt of the job's log, with the link to its first stream. */
async function readLog(
  diagnosis: Diagnosis,
  logs: LogsApi,
  region: string,
  partitionOf: string,
  call: CallOptions,
): Promise<Diagnosis> {
  const job = diagnosis.jobName!;
  const streams = await step('logs:DescribeLogStreams', () =>
    logs.describeLogStreams(LOG_GROUP, `${job}/`, DIAGNOSIS_LIMITS.streamsListed, call),
  );
  const names = streamsToRead(streams, job, DIAGNOSIS_LIMITS.streamsRead);
  if (names.length === 0) {
    return { ...diagnosis, note: `the job wrote no log stream to ${LOG_GROUP}` };
  }
  const events: LogEvent[] = [];
  for (const name of names) {
    const read = await step('logs:GetLogEvents', () =>
      logs.lastEvents(LOG_GROUP, name, DIAGNOSIS_LIMITS.events, call),
    );
    events.push(...(Array.isArray(read) ? read.slice(-DIAGNOSIS_LIMITS.events) : []));
  }
  const time = (e: LogEvent) => (typeof e.timestamp === 'number' ? e.timestamp : 0);
  const messages = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => time(a.e) - time(b.e) || a.i - b.i)
    .map(({ e }) => (typeof e.message === 'string' ? e.message : ''));
  return {
    ...diagnosis,
    logExcerpt: excerpt(toLines(messages)),
    links: { ...diagnosis.links, logStream: transformLogLink(region, partitionOf, names[0]!) },
  };
}

/**
 * The results with a diagnosis on each failed validation profile of each failed package.
 * `specification(result, i)` is the ValidationSpecification the package was created with.
 */
export async function diagnoseResults(
  results: readonly PackageResult[],
  specification: (result: PackageResult, index: number) => Specification,
  options: DiagnoseOptions,
): Promise<PackageResult[]> {
  const timeoutMs = options.timeoutMs ?? DIAGNOSIS_LIMITS.timeoutMs;
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  const call = { abortSignal: signal };
  let logs: Promise<LogsApi> | undefined;
  const out: PackageResult[] = [];
  try {
    for (const [index, result] of results.entries()) {
      const failed = result.validation.some((v) => v.status === 'Failed' && !v.diagnosis);
      if (result.status !== 'Failed' || !failed || !result.region || !result.createdAt) {
        out.push(result);
        continue;
      }
      const region = result.region;
      const createdAt = new Date(result.createdAt);
      const profiles = profilesOf(specification(result, index));
      const validation: StatusItem[] = [];
      for (const item of result.validation) {
        if (item.status !== 'Failed' || item.diagnosis || options.signal?.aborted) {
          validation.push(item);
          continue;
        }
        const what = `validation profile ${item.name}`;
        const definition = definitionOf(profiles.get(item.name));
        let diagnosis: Diagnosis = {
          jobName: null,
          failureReason: null,
          logExcerpt: [],
          links: {},
        };
        if (!definition || Number.isNaN(createdAt.getTime())) {
          diagnosis.note = `${what}: its transform job definition is not known, so its job cannot be looked for`;
        } else {
          try {
            const found = await findTransformJob(
              {
                listTransformJobs: (input, o) =>
                  step('sagemaker:ListTransformJobs', () =>
                    options.api.listTransformJobs(input, o),
                  ),
                describeTransformJob: (name, o) =>
                  step('sagemaker:DescribeTransformJob', () =>
                    options.api.describeTransformJob(name, o),
                  ),
              },
              definition,
              {
                createdAt,
                status: 'Failed',
                failureReason: item.failureReason,
                abortSignal: signal,
                limits: options.limits,
                knownJob: result.arn ? options.known?.(result.arn, item.name) : undefined,
              },
            );
            if (!found.job) {
              diagnosis.note = found.note;
            } else {
              diagnosis = jobDiagnosis(found.job, result, region);
              try {
                logs ??= options.logs(region);
                diagnosis = await readLog(
                  diagnosis,
                  await logs,
                  region,
                  result.arn ?? region,
                  call,
                );
              } catch (e) {
                diagnosis.note = noteOf(
                  e,
                  signal,
                  "the job's log could not be read",
                  timeoutMs,
                  options.signal,
                );
              }
            }
          } catch (e) {
            diagnosis.note = noteOf(
              e,
              signal,
              'the transform job could not be looked for',
              timeoutMs,
              options.signal,
            );
          }
        }
        logDiagnosis(options.log, result, item.name, diagnosis);
        validation.push({ ...item, diagnosis });
      }
      out.push({ ...result, validation });
    }
  } finally {
    if (logs) await logs.then((l) => l.destroy()).catch(() => undefined);
  }
  return out;
}

function logDiagnosis(log: Log, result: PackageResult, profile: string, d: Diagnosis): void {
  const label = packageLabel(result);
  if (d.jobName) {
    log.info(
      `${label}: validation profile ${profile} ran as transform job ${d.jobName}: ${d.failureReason ?? 'no failure reason given'}`,
    );
  }
  if (d.note) log.info(`${label}: ${d.note}.`);
  if (d.logExcerpt.length) {
    log.info(`Log excerpt of transform job ${d.jobName}:`);
    for (const line of d.logExcerpt) log.info(`  | ${line}`);
  }
}

/** A profile of a package that started validating: its running job is looked for. */
export interface RunningProfile {
  result: PackageResult;
  specification: Specification;
  profile: string;
}

/**
 * The transform jobs of running validations, looked for once when their packages start
 * validating so the reports can link them: all the profiles that started together in one
 * lookup (find-job.ts, findTransformJobs), within one time limit. Undefined where a job is
 * not (yet) found. Errors are left out: the final diagnosis says what went wrong, if
 * anything does.
 */
export async function runningJobs(
  running: readonly RunningProfile[],
  options: Omit<DiagnoseOptions, 'logs' | 'log'>,
): Promise<(Diagnosis | undefined)[]> {
  const wanted = running.map(({ result, specification, profile }) => {
    const definition = definitionOf(profilesOf(specification).get(profile));
    return result.region && result.createdAt && definition
      ? { definition, createdAt: new Date(result.createdAt), region: result.region }
      : undefined;
  });
  const looked = wanted.flatMap((w, i) => (w ? [{ ...w, i }] : []));
  if (looked.length === 0) return running.map(() => undefined);
  const timeoutMs = Math.min(options.timeoutMs ?? 10_000, DIAGNOSIS_LIMITS.timeoutMs);
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  try {
    const { jobs } = await findTransformJobs(options.api, looked, {
      status: 'InProgress',
      abortSignal: signal,
      limits: { pages: 1, ...options.limits },
    });
    const found: (Diagnosis | undefined)[] = running.map(() => undefined);
    looked.forEach(({ i, region }, k) => {
      const job = jobs[k];
      if (job) found[i] = jobDiagnosis(job, running[i]!.result, region);
    });
    return found;
  } catch {
    return running.map(() => undefined);
  }
}
