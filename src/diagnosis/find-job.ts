/**
 * Finding a validation profile's batch transform job by its definition (SPEC §6 "Why it
 * failed"). SageMaker does not document how it names the jobs it runs for a validation,
 * and other jobs run in the same account at the same time, so the job is the one whose
 * input, output and instance type are the profile's, created after the package.
 *
 * The cost is bounded whatever the number of other jobs: ListTransformJobs narrows by
 * creation time (from shortly before the package on) and by status (Failed for a failed
 * profile), sorted oldest first because the validation's job starts soon after the
 * package; then at most `describes` candidates are described, from at most `pages`
 * pages. No upper bound of time is used: whether SageMaker updates a package's
 * LastModifiedTime when its validation ends is not documented.
 */
import type { DescribeTransformJobResponse, TransformJobStatus } from '@aws-sdk/client-sagemaker';
import type { CallOptions, SageMakerApi } from '../sagemaker/api.js';

/** What identifies a validation profile's transform job. */
export interface JobDefinition {
  /** TransformInput.DataSource.S3DataSource.S3Uri */
  inputUri: string;
  /** TransformOutput.S3OutputPath */
  outputPath: string;
  /** TransformResources.InstanceType */
  instanceType: string;
}

export const FIND_LIMITS = {
  /** ListTransformJobs pages read at most. */
  pages: 3,
  /** Jobs per page (the API's maximum). */
  pageSize: 100,
  /** DescribeTransformJob calls at most. */
  describes: 8,
  /** The window opens this long before the package's CreationTime (both are SageMaker's clock). */
  skewMs: 60_000,
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** A validation profile's TransformJobDefinition as a JobDefinition; undefined when incomplete. */
export function definitionOf(transformJobDefinition: unknown): JobDefinition | undefined {
  if (!isRecord(transformJobDefinition)) return undefined;
  const input = transformJobDefinition.TransformInput;
  const output = transformJobDefinition.TransformOutput;
  const resources = transformJobDefinition.TransformResources;
  const source =
    isRecord(input) && isRecord(input.DataSource) ? input.DataSource.S3DataSource : undefined;
  const inputUri = isRecord(source) ? str(source.S3Uri) : undefined;
  const outputPath = isRecord(output) ? str(output.S3OutputPath) : undefined;
  const instanceType = isRecord(resources) ? str(resources.InstanceType) : undefined;
  if (!inputUri || !outputPath || !instanceType) return undefined;
  return { inputUri, outputPath, instanceType };
}

/** An S3 location without its trailing slashes: `s3://b/p/` and `s3://b/p` are the same. */
function location(value: string): string {
  return value.replace(/\/+$/, '');
}

/**
 * Whether `job` runs `definition`: the same input (trailing slashes aside), the same
 * instance type, and an output path that is the profile's or below it (SageMaker may
 * write a validation's output under a prefix of its own inside the profile's path).
 */
export function matchesDefinition(job: unknown, definition: JobDefinition): boolean {
  const found = definitionOf(job);
  if (!found) return false;
  const wanted = location(definition.outputPath);
  const output = location(found.outputPath);
  return (
    location(found.inputUri) === location(definition.inputUri) &&
    found.instanceType === definition.instanceType &&
    (output === wanted || output.startsWith(`${wanted}/`))
  );
}

/** SageMaker's pattern for transform job names. */
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export interface FindOptions extends CallOptions {
  /** When the package was created: the window opens `skewMs` before it. */
  createdAt: Date;
  /** Only jobs in this status (Failed for a failed profile, InProgress while it runs). */
  status?: TransformJobStatus;
  /**
   * The profile's failure reason: candidates whose own failure reason it contains, or that
   * contain it, are described first. Only the order changes; the definition decides.
   */
  failureReason?: string | null;
  limits?: { pages?: number; pageSize?: number; describes?: number; skewMs?: number };
  /**
   * A job found for this profile earlier in the run (while it ran): described first, and
   * taken without listing when it still matches the definition and the status.
   */
  knownJob?: string;
}

export interface Found {
  job?: DescribeTransformJobResponse;
  /** Why no job is given: none matched, or the search stopped at its limit. */
  note?: string;
  /** Requests sent. */
  requests: number;
}

interface Candidate {
  name: string;
  created: number;
  related: boolean;
}

/** A job of a ListTransformJobs page: its name, when it was created, and its summary. */
interface ListedJob {
  name: string;
  /** ms since the epoch; +Infinity when the summary does not say. */
  created: number;
  summary: Record<string, unknown>;
}

/**
 * The jobs created since `after` (in `status`), oldest first, a page at a time, at most
 * `pages` pages of `pageSize`: each page's jobs with a valid name and a creation time in
 * the window, and whether it was the last.
 */
async function* listedJobs(
  api: Pick<SageMakerApi, 'listTransformJobs'>,
  after: Date,
  status: TransformJobStatus | undefined,
  pageSize: number,
  pages: number,
  call: CallOptions,
): AsyncGenerator<{ jobs: ListedJob[]; last: boolean }> {
  let nextToken: string | undefined;
  for (let page = 0; page < pages; page++) {
    const answer = await api.listTransformJobs(
      {
        CreationTimeAfter: after,
        ...(status ? { StatusEquals: status } : {}),
        SortBy: 'CreationTime',
        SortOrder: 'Ascending',
        MaxResults: pageSize,
        ...(nextToken ? { NextToken: nextToken } : {}),
      },
      call,
    );
    const summaries: unknown[] = Array.isArray(answer?.TransformJobSummaries)
      ? answer.TransformJobSummaries.slice(0, pageSize)
      : [];
    const jobs: ListedJob[] = [];
    for (const item of summaries) {
      const summary = (item ?? {}) as Record<string, unknown>;
      const name = str(summary.TransformJobName);
      if (!name || !JOB_NAME.test(name)) continue;
      const created =
        summary.CreationTime instanceof Date ? summary.CreationTime.getTime() : Number.NaN;
      if (created < after.getTime()) continue;
      jobs.push({
        name,
        created: Number.isNaN(created) ? Number.POSITIVE_INFINITY : created,
        summary,
      });
    }
    nextToken = str(answer?.NextToken);
    yield { jobs, last: !nextToken };
    if (!nextToken) return;
  }
}

const REASON_CHARACTERS = 2048;

/** Whether two failure reasons tell of the same failure: one holds the other. */
function related(reason: unknown, profileReason: string | null | undefined): boolean {
  if (typeof reason !== 'string' || !profileReason) return false;
  const a = reason.trim().slice(0, REASON_CHARACTERS);
  const b = profileReason.trim().slice(0, REASON_CHARACTERS);
  return a.length >= 8 && b.length >= 8 && (a.includes(b) || b.includes(a));
}

/**
 * The transform job of `definition`. Candidates are listed oldest first from shortly
 * before the package was created (at most `pages` pages; listing stops early once a page
 * is the last, or enough candidates are known and one tells of the same failure), then
 * described in order (related failures first, then those created after the package,
 * oldest first) until one matches or `describes` were.
 */
export async function findTransformJob(
  api: Pick<SageMakerApi, 'listTransformJobs' | 'describeTransformJob'>,
  definition: JobDefinition,
  options: FindOptions,
): Promise<Found> {
  const limits: Record<keyof typeof FIND_LIMITS, number> = { ...FIND_LIMITS, ...options.limits };
  const call = { abortSignal: options.abortSignal };
  if (options.knownJob) {
    const job = await api.describeTransformJob(options.knownJob, call);
    const sameStatus = !options.status || job?.TransformJobStatus === options.status;
    if (
      job?.TransformJobName === options.knownJob &&
      sameStatus &&
      matchesDefinition(job, definition)
    ) {
      return { job, requests: 1 };
    }
  }
  const described = options.knownJob ? 1 : 0;
  const after = new Date(options.createdAt.getTime() - limits.skewMs);
  const candidates = new Map<string, Candidate>();
  let requests = described;
  let complete = false;
  for await (const page of listedJobs(
    api,
    after,
    options.status,
    limits.pageSize,
    limits.pages,
    call,
  )) {
    requests++;
    for (const { name, created, summary } of page.jobs) {
      if (candidates.has(name)) continue;
      candidates.set(name, {
        name,
        created,
        related: related(summary.FailureReason, options.failureReason),
      });
    }
    if (page.last) {
      complete = true;
      break;
    }
    const known = [...candidates.values()];
    if (known.length >= limits.describes && known.some((c) => c.related)) break;
  }
  // A job created before the package cannot be its validation's; those in the skew margin
  // come after the others.
  const start = options.createdAt.getTime();
  const ordered = [...candidates.values()].sort(
    (a, b) =>
      Number(b.related) - Number(a.related) ||
      Number(b.created >= start) - Number(a.created >= start) ||
      a.created - b.created,
  );
  for (const candidate of ordered.slice(0, limits.describes)) {
    requests++;
    const job = await api.describeTransformJob(candidate.name, call);
    if (job && job.TransformJobName === candidate.name && matchesDefinition(job, definition)) {
      return { job, requests };
    }
  }
  const capped = !complete || ordered.length > limits.describes;
  return { requests, note: notFound(ordered.length, limits.describes, capped) };
}

/** A profile whose job is looked for together with others' (findTransformJobs). */
export interface WantedJob {
  definition: JobDefinition;
  /** When the profile's package was created. */
  createdAt: Date;
}

/** Jobs described at a time by findTransformJobs. */
export const CONCURRENT_JOB_DESCRIBES = 5;

/**
 * The transform jobs of many profiles at once, each found as findTransformJob finds one:
 * the candidates are listed once for all of them, from shortly before the first package
 * on (`pages` pages, and one more per `pageSize` profiles), then described once each, a
 * few at a time (those created after the first package oldest first, then those within
 * the skew before it), until every profile has its job or `describes` per profile were
 * described. A job is one profile's only: the oldest package whose definition it runs
 * and that it could be the validation of (created before the job, else within the skew
 * after it) takes it. With 100 packages validating side by side, looking for each job
 * alone would list the same jobs 100 times, describe the same oldest 8 each time, and
 * find no more than those 8.
 */
export async function findTransformJobs(
  api: Pick<SageMakerApi, 'listTransformJobs' | 'describeTransformJob'>,
  wanted: readonly WantedJob[],
  options: Omit<FindOptions, 'createdAt' | 'failureReason' | 'knownJob'>,
): Promise<{ jobs: (DescribeTransformJobResponse | undefined)[]; requests: number }> {
  const limits: Record<keyof typeof FIND_LIMITS, number> = { ...FIND_LIMITS, ...options.limits };
  const jobs: (DescribeTransformJobResponse | undefined)[] = wanted.map(() => undefined);
  const times = wanted.map((w) => w.createdAt.getTime()).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return { jobs, requests: 0 };
  const call = { abortSignal: options.abortSignal };
  const first = Math.min(...times);
  const after = new Date(first - limits.skewMs);
  const pages = limits.pages + Math.floor(wanted.length / limits.pageSize);
  const candidates = new Map<string, number>();
  let requests = 0;
  for await (const page of listedJobs(api, after, options.status, limits.pageSize, pages, call)) {
    requests++;
    for (const { name, created } of page.jobs)
      if (!candidates.has(name)) candidates.set(name, created);
  }
  // The packages oldest first: an older package takes a job before a newer one may.
  const order = wanted
    .map((w, i) => ({ i, created: w.createdAt.getTime() }))
    .filter((w) => !Number.isNaN(w.created))
    .sort((a, b) => a.created - b.created);
  // Jobs created after the first package, oldest first, then those within the skew before it.
  const ordered = [...candidates]
    .sort((a, b) => Number(b[1] >= first) - Number(a[1] >= first) || a[1] - b[1])
    .map(([name]) => name);
  const budget = Math.min(ordered.length, limits.describes * wanted.length);
  for (let at = 0; at < budget && order.some((w) => !jobs[w.i]);) {
    const names = ordered.slice(at, Math.min(budget, at + CONCURRENT_JOB_DESCRIBES));
    at += names.length;
    requests += names.length;
    const described = await Promise.all(names.map((name) => api.describeTransformJob(name, call)));
    described.forEach((job, k) => {
      if (!job || job.TransformJobName !== names[k]) return;
      const created = job.CreationTime instanceof Date ? job.CreationTime.getTime() : Number.NaN;
      const runs = (w: { i: number; created: number }) =>
        !jobs[w.i] &&
        created >= w.created - limits.skewMs &&
        matchesDefinition(job, wanted[w.i]!.definition);
      const taker =
        order.find((w) => runs(w) && created >= w.created) ?? order.find((w) => runs(w));
      if (taker) jobs[taker.i] = job;
    });
  }
  return { jobs, requests };
}

function notFound(candidates: number, describes: number, capped: boolean): string {
  if (capped) {
    return `the validation's transform job was not found among the first ${describes} candidate jobs created after the package (more jobs ran in the account at the time)`;
  }
  return candidates === 0
    ? 'no transform job of the validation was found: none in that status was created after the package'
    : `none of the ${candidates} transform jobs created after the package has the validation profile's input, output and instance type`;
}
