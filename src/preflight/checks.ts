/**
 * Runs the preflight checks of a run's requests through a PreflightApi: every distinct
 * call once, all of them at the same time within a bound, each finding tied to the
 * members that named what is missing. AWS answers are read as untrusted text.
 */
import { isAccessDenied, type ErrorLike } from '../sagemaker/errors.js';
import type { MemberPath } from '../manifest/problems.js';
import { clip } from '../manifest/problems.js';
import { collectTargets, type ImageTarget, type Target } from './targets.js';

export interface CallOptions {
  abortSignal?: AbortSignal;
}

/** An image as DescribeImages is asked about it. */
export interface ImageQuery {
  registryId: string;
  region: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * The read-only calls of preflight. A missing resource is an answer (false, undefined);
 * anything else the service refuses is thrown, and read by `failureOf`.
 */
export interface PreflightApi {
  /** The bucket's region; undefined when the bucket does not exist. */
  bucketRegion(bucket: string, options?: CallOptions): Promise<string | undefined>;
  /** Whether the object exists (HeadObject); `region` is the bucket's. */
  headObject(bucket: string, key: string, region: string, options?: CallOptions): Promise<boolean>;
  /** Whether at least one object has the prefix (ListObjectsV2, MaxKeys 1). */
  listPrefix(
    bucket: string,
    prefix: string,
    region: string,
    options?: CallOptions,
  ): Promise<boolean>;
  /** The image's tags; undefined when the image or its repository does not exist. */
  describeImages(image: ImageQuery, options?: CallOptions): Promise<{ tags: string[] } | undefined>;
  /** Whether the algorithm (a name or an ARN) exists. */
  describeAlgorithm(name: string, options?: CallOptions): Promise<boolean>;
  destroy(): void;
}

export interface PreflightFinding {
  severity: 'error' | 'warning';
  path: MemberPath;
  message: string;
}

export interface PreflightOptions {
  /** The package's region. */
  region: string;
  /** Aborts every call: the run's cancellation or preflight's time limit. */
  signal?: AbortSignal;
  /** Calls in flight at once. */
  concurrency?: number;
}

/** Calls in flight at once, by default. */
export const CONCURRENCY = 16;

/** Longest name, key or tag quoted in a message. */
const QUOTED = 200;

/** Why a call did not answer: refused for a permission, or a fault that outlasted the retries. */
export type CallFailure = { kind: 'denied' } | { kind: 'fault'; detail: string };

export function failureOf(error: unknown): CallFailure {
  const e = (error ?? {}) as ErrorLike;
  if (isAccessDenied(error)) {
    return { kind: 'denied' };
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return { kind: 'fault', detail: 'no answer in time' };
  }
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  const detail = `${name}${e.message ?? String(error)}`.replace(/\s+/g, ' ').trim();
  return { kind: 'fault', detail: clip(detail, QUOTED) };
}

function quote(value: string): string {
  return `'${clip(value, QUOTED)}'`;
}

/** Each distinct call once: later askers get the first one's promise. */
class Calls {
  private readonly started = new Map<string, Promise<unknown>>();

  /** The call's answer or failure, started once per key. */
  once<T>(key: string, call: () => Promise<T>): Promise<T | (CallFailure & { failed: true })> {
    let promise = this.started.get(key) as
      Promise<T | (CallFailure & { failed: true })> | undefined;
    if (!promise) {
      promise = call().catch((e: unknown) => ({ ...failureOf(e), failed: true as const }));
      this.started.set(key, promise);
    }
    return promise;
  }

  get size(): number {
    return this.started.size;
  }
}

function isFailure(value: unknown): value is CallFailure & { failed: true } {
  return typeof value === 'object' && value !== null && 'failed' in value;
}

/** A permission the credentials lack, or a call that faulted, and the members it left unchecked. */
interface Unchecked {
  permission: string;
  failure: CallFailure;
  path: MemberPath;
  resource: string;
  /** The request's index, and the member's among the request's targets. */
  index: number;
  order: number;
}

/**
 * A limiter shared by the checks of every request: each call waits for a slot, so no more
 * than `limit` are in flight however many targets there are.
 */
export function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    // A finished call hands its slot to the next waiting one, so none can slip in between.
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await call();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export interface PreflightReport {
  /** Findings per request, in the order given. */
  findings: PreflightFinding[][];
  /** How many distinct calls were made. */
  calls: number;
}

/**
 * Checks every request: findings per request (errors for what is missing, warnings for
 * what could not be checked and for a bucket or untagged image that Marketplace would
 * refuse elsewhere).
 */
export async function preflightRequests(
  requests: readonly unknown[],
  api: PreflightApi,
  options: PreflightOptions,
): Promise<PreflightReport> {
  const calls = new Calls();
  const slot = limiter(options.concurrency ?? CONCURRENCY);
  const call = <T>(key: string, fn: (o: CallOptions) => Promise<T>) =>
    calls.once(key, () => slot(() => fn({ abortSignal: options.signal })));

  const unchecked: Unchecked[] = [];
  const perRequest = await Promise.all(
    requests.map((request, index) =>
      checkRequest(request, api, call, options.region, (u) => unchecked.push({ ...u, index })),
    ),
  );
  // One warning per permission (or fault) for the whole run, on the first member it left
  // unchecked, in the order of the requests and their members.
  unchecked.sort((a, b) => a.index - b.index || a.order - b.order);
  for (const warning of uncheckedFindings(unchecked)) {
    perRequest[warning.index]!.push(warning.finding);
  }
  return { findings: perRequest, calls: calls.size };
}

type Call = <T>(
  key: string,
  fn: (o: CallOptions) => Promise<T>,
) => Promise<T | (CallFailure & { failed: true })>;

async function checkRequest(
  request: unknown,
  api: PreflightApi,
  call: Call,
  region: string,
  skipped: (u: Omit<Unchecked, 'index'>) => void,
): Promise<PreflightFinding[]> {
  const marketplace =
    (request as { CertifyForMarketplace?: unknown } | null)?.CertifyForMarketplace === true;
  const targets = collectTargets(request);
  const findings = await Promise.all(
    targets.map((target, order) =>
      checkTarget(target, api, call, region, marketplace, (u) => skipped({ ...u, order })),
    ),
  );
  return findings.flat();
}

/** One warning per permission the credentials lack, and per kind of fault, at the first member. */
function uncheckedFindings(
  unchecked: readonly Unchecked[],
): { index: number; finding: PreflightFinding }[] {
  const groups = new Map<string, Unchecked[]>();
  for (const u of unchecked) {
    const key =
      u.failure.kind === 'denied'
        ? `denied ${u.permission}`
        : `fault ${u.permission} ${u.failure.detail}`;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const resources = [...new Set(group.map((u) => u.resource))];
    const listed = resources.slice(0, 5).map(quote).join(', ');
    const more = resources.length > 5 ? ` and ${resources.length - 5} more` : '';
    const message =
      first.failure.kind === 'denied'
        ? `preflight could not check ${listed}${more}: the credentials may not call ${first.permission}; give the role ${first.permission} for preflight, or set 'preflight: false'`
        : `preflight could not check ${listed}${more} (${first.permission}): ${first.failure.detail}`;
    return { index: first.index, finding: { severity: 'warning', path: first.path, message } };
  });
}

async function checkTarget(
  target: Target,
  api: PreflightApi,
  call: Call,
  region: string,
  marketplace: boolean,
  skipped: (u: Omit<Unchecked, 'index' | 'order'>) => void,
): Promise<PreflightFinding[]> {
  const skip = (permission: string, failure: CallFailure, resource: string) => {
    skipped({ permission, failure, path: target.path, resource });
    return [];
  };
  switch (target.kind) {
    case 'algorithm': {
      const found = await call(`algorithm ${target.name}`, (o) =>
        api.describeAlgorithm(target.name, o),
      );
      if (isFailure(found)) return skip('sagemaker:DescribeAlgorithm', found, target.name);
      if (found) return [];
      return [
        {
          severity: 'error',
          path: target.path,
          message: `the algorithm ${quote(target.name)} does not exist in ${region} (or is not visible to this account)`,
        },
      ];
    }
    case 'image':
      return checkImage(target, api, call, marketplace, skip);
    case 's3':
    case 'bucket': {
      const s3uri = `s3://${target.bucket}/${target.kind === 's3' ? target.key : ''}`;
      const bucketRegion = await call(`bucket ${target.bucket}`, (o) =>
        api.bucketRegion(target.bucket, o),
      );
      if (isFailure(bucketRegion))
        return skip('s3:ListBucket', bucketRegion, `s3://${target.bucket}`);
      if (bucketRegion === undefined) {
        return [
          {
            severity: 'error',
            path: target.path,
            message: `the ${target.what} bucket ${quote(target.bucket)} does not exist`,
          },
        ];
      }
      const findings: PreflightFinding[] = [];
      if (bucketRegion !== region) {
        findings.push({
          severity: marketplace ? 'error' : 'warning',
          path: target.path,
          message: `the bucket ${quote(target.bucket)} is in ${clip(bucketRegion, 40)}, not in the package's region ${region}${marketplace ? ': SageMaker validates a Marketplace package with data of its own region' : '; SageMaker may not be able to read it'}`,
        });
      }
      if (target.kind === 'bucket') return findings;
      const exists = target.prefix
        ? await call(`prefix ${target.bucket}/${target.key}`, (o) =>
            api.listPrefix(target.bucket, target.key, bucketRegion, o),
          )
        : await call(`object ${target.bucket}/${target.key}`, (o) =>
            api.headObject(target.bucket, target.key, bucketRegion, o),
          );
      if (isFailure(exists)) {
        return [
          ...findings,
          ...skip(target.prefix ? 's3:ListBucket' : 's3:GetObject', exists, s3uri),
        ];
      }
      if (!exists) {
        findings.push({
          severity: 'error',
          path: target.path,
          message: target.prefix
            ? `no object under the ${target.what} prefix ${quote(s3uri)}`
            : `the ${target.what} object ${quote(s3uri)} does not exist`,
        });
      }
      return findings;
    }
  }
}

async function checkImage(
  target: ImageTarget,
  api: PreflightApi,
  call: Call,
  marketplace: boolean,
  skip: (permission: string, failure: CallFailure, resource: string) => never[],
): Promise<PreflightFinding[]> {
  const { registryId, region, repository, tag, digest } = target;
  const ref = digest ? `@${digest}` : `:${tag}`;
  const image = await call(`image ${registryId} ${region} ${repository}${ref}`, (o) =>
    api.describeImages({ registryId, region, repository, ...(digest ? { digest } : { tag }) }, o),
  );
  if (isFailure(image)) return skip('ecr:DescribeImages', image, target.uri);
  if (!image) {
    return [
      {
        severity: 'error',
        path: target.path,
        message: `the image ${quote(target.uri)} does not exist in ECR (repository ${quote(repository)} of ${registryId} in ${region}, ${digest ? 'digest' : 'tag'} ${quote(digest ?? tag!)})`,
      },
    ];
  }
  const findings: PreflightFinding[] = [];
  if (digest && tag && !image.tags.includes(tag)) {
    findings.push({
      severity: 'error',
      path: target.path,
      message: `the image ${quote(target.uri)}: the digest exists, but is not tagged ${quote(tag)}`,
    });
  } else if (marketplace && digest && !tag && image.tags.length === 0) {
    findings.push({
      severity: 'warning',
      path: target.path,
      message: `the image ${quote(target.uri)} has no tag in ECR: Marketplace image scans need a tagged image`,
    });
  }
  return findings;
}
