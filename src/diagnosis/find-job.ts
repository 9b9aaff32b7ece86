/**
 * Finding a validation profile's batch transform job by its definition (SPEC §6 "Why it
 * failed"). SageMaker does not document how it names the jobs it runs for a validation,
 * and other jobs run in the same account at the same time, so the job is the one whose
 * input, output and instance type are the profile's, created after the package.
 *
 * The cost is bounded whatever the number of other jobs: ListTransformJobs narrows by
 * creation time (from shortly before the package to shortly after its validation ended)
 * and by status (Failed for a failed profile), sorted oldest first because the
 * validation's job starts soon after the package; then at most `describes` candidates
 * are described, from at most `pages` pages.
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
  /** Clocks and SageMaker's own bookkeeping: the window opens this long before the package. */
  skewMs: 5 * 60_000,
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
  /** When the validation ended, if it did: the window closes `skewMs` after it. */
  endedBy?: Date;
  /** Only jobs in this status (Failed for a failed profile, InProgress while it runs). */
  status?: TransformJobStatus;
  limits?: { pages?: number; pageSize?: number; describes?: number; skewMs?: number };
}

export interface Found {
  job?: DescribeTransformJobResponse;
  /** Why no job is given: none matched, or the search stopped at its limit. */
  note?: string;
  /** Requests sent. */
  requests: number;
}

/** The transform job of `definition`, found by listing and describing candidates. */
export async function findTransformJob(
  api: Pick<SageMakerApi, 'listTransformJobs' | 'describeTransformJob'>,
  definition: JobDefinition,
  options: FindOptions,
): Promise<Found> {
  const limits: Record<keyof typeof FIND_LIMITS, number> = { ...FIND_LIMITS, ...options.limits };
  const call = { abortSignal: options.abortSignal };
  const after = new Date(options.createdAt.getTime() - limits.skewMs);
  const before = options.endedBy && new Date(options.endedBy.getTime() + limits.skewMs);
  const seen = new Set<string>();
  let requests = 0;
  let described = 0;
  let nextToken: string | undefined;
  for (let page = 0; page < limits.pages; page++) {
    requests++;
    const answer = await api.listTransformJobs(
      {
        CreationTimeAfter: after,
        ...(before ? { CreationTimeBefore: before } : {}),
        ...(options.status ? { StatusEquals: options.status } : {}),
        SortBy: 'CreationTime',
        SortOrder: 'Ascending',
        MaxResults: limits.pageSize,
        ...(nextToken ? { NextToken: nextToken } : {}),
      },
      call,
    );
    const summaries = Array.isArray(answer?.TransformJobSummaries)
      ? answer.TransformJobSummaries
      : [];
    for (const summary of summaries) {
      const name = str(summary?.TransformJobName);
      if (!name || !JOB_NAME.test(name) || seen.has(name)) continue;
      seen.add(name);
      if (described >= limits.describes) {
        return { requests, note: notFound(seen.size, limits.describes, true) };
      }
      described++;
      requests++;
      const job = await api.describeTransformJob(name, call);
      if (job && job.TransformJobName === name && matchesDefinition(job, definition)) {
        return { job, requests };
      }
    }
    nextToken = str(answer?.NextToken);
    if (!nextToken) return { requests, note: notFound(seen.size, limits.describes, false) };
  }
  return { requests, note: notFound(seen.size, limits.describes, true) };
}

function notFound(candidates: number, describes: number, capped: boolean): string {
  if (capped) {
    return `the validation's transform job was not found among the first ${describes} candidate jobs created after the package (more jobs ran in the account at the time)`;
  }
  return candidates === 0
    ? 'no transform job of the validation was found: none in that status was created after the package'
    : `none of the ${candidates} transform jobs created after the package has the validation profile's input, output and instance type`;
}
