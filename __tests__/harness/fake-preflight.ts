/**
 * An in-memory PreflightApi: buckets with their regions and objects, ECR images with
 * their tags and digests, algorithms; operations it refuses (403) or fails (a fault
 * that outlasted the retries); and what it was asked, with the most calls in flight.
 */
import type { ImageQuery, PreflightApi } from '../../src/preflight/checks.js';
import { collectTargets, parseEcrImage, parseS3Uri } from '../../src/preflight/targets.js';

export type PreflightOperation =
  'HeadBucket' | 'HeadObject' | 'ListObjectsV2' | 'DescribeImages' | 'DescribeAlgorithm';

export interface FakePreflight {
  api: PreflightApi;
  /** Every call, as `Operation argument`. */
  calls: string[];
  /** The most calls that were in flight at once. */
  maxInFlight(): number;
  putBucket(bucket: string, region?: string): void;
  /** s3://bucket/key; the bucket is made in the default region when missing. */
  putObject(uri: string): void;
  /** An ECR image URI with its tag or digest, and the tags its digest has. */
  putImage(uri: string, options?: { tags?: string[]; digest?: string }): void;
  putAlgorithm(name: string): void;
  /** Every bucket, object, image and algorithm a request names. */
  seed(request: unknown): void;
  deny(operation: PreflightOperation): void;
  fail(operation: PreflightOperation, error: Error): void;
  /** Each call takes this long. */
  delayMs: number;
}

interface Image {
  digest: string;
  tags: string[];
}

/**
 * `everything`: whatever is asked about exists (in `region`, images tagged as asked), for
 * tests about other stages.
 */
export function fakePreflight(
  region = 'us-east-1',
  options: { everything?: boolean } = {},
): FakePreflight {
  const all = options.everything === true;
  const buckets = new Map<string, { region: string; keys: Set<string> }>();
  const images = new Map<string, Image[]>();
  const algorithms = new Set<string>();
  const denied = new Set<PreflightOperation>();
  const failures = new Map<PreflightOperation, Error>();
  const calls: string[] = [];
  let inFlight = 0;
  let most = 0;
  let digests = 0;

  const answer = async <T>(operation: PreflightOperation, arg: string, value: () => T) => {
    calls.push(`${operation} ${arg}`);
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
      if (denied.has(operation)) {
        throw Object.assign(new Error('Access Denied'), {
          name:
            operation === 'DescribeImages' || operation === 'DescribeAlgorithm'
              ? 'AccessDeniedException'
              : 'Forbidden',
          $metadata: { httpStatusCode: 403 },
        });
      }
      const failure = failures.get(operation);
      if (failure) throw failure;
      return value();
    } finally {
      inFlight--;
    }
  };
  const repositoryKey = (q: Pick<ImageQuery, 'registryId' | 'region' | 'repository'>) =>
    `${q.registryId}/${q.region}/${q.repository}`;

  const api: PreflightApi = {
    bucketRegion: (bucket) =>
      answer('HeadBucket', bucket, () => (all ? region : buckets.get(bucket)?.region)),
    headObject: (bucket, key) =>
      answer(
        'HeadObject',
        `${bucket}/${key}`,
        () => all || (buckets.get(bucket)?.keys.has(key) ?? false),
      ),
    listPrefix: (bucket, prefix) =>
      answer(
        'ListObjectsV2',
        `${bucket}/${prefix}`,
        () => all || [...(buckets.get(bucket)?.keys ?? [])].some((k) => k.startsWith(prefix)),
      ),
    describeImages: (q) =>
      answer(
        'DescribeImages',
        `${repositoryKey(q)}${q.digest ? `@${q.digest}` : `:${q.tag}`}`,
        () => {
          const found = (images.get(repositoryKey(q)) ?? []).find((i) =>
            q.digest ? i.digest === q.digest : i.tags.includes(q.tag!),
          );
          if (all) return { tags: q.tag ? [q.tag] : ['latest'] };
          return found ? { tags: [...found.tags] } : undefined;
        },
      ),
    describeAlgorithm: (name) =>
      answer('DescribeAlgorithm', name, () => all || algorithms.has(name)),
    destroy: () => undefined,
  };

  const putBucket = (bucket: string, bucketRegion = region) => {
    if (!buckets.has(bucket)) buckets.set(bucket, { region: bucketRegion, keys: new Set() });
    else buckets.get(bucket)!.region = bucketRegion;
  };
  const putObject = (uri: string) => {
    const { bucket, key } = parseS3Uri(uri)!;
    if (!buckets.has(bucket)) putBucket(bucket);
    buckets.get(bucket)!.keys.add(key);
  };
  const putImage = (uri: string, options: { tags?: string[]; digest?: string } = {}) => {
    const image = parseEcrImage(uri)!;
    const list = images.get(repositoryKey(image)) ?? [];
    images.set(repositoryKey(image), list);
    const digest =
      image.digest ?? options.digest ?? `sha256:${(++digests).toString(16).padStart(64, '0')}`;
    const tags = options.tags ?? (image.tag ? [image.tag] : []);
    const existing = list.find((i) => i.digest === digest);
    if (existing) existing.tags.push(...tags);
    else list.push({ digest, tags: [...tags] });
  };

  const fake: FakePreflight = {
    api,
    calls,
    maxInFlight: () => most,
    putBucket,
    putObject,
    putImage,
    putAlgorithm: (name) => algorithms.add(name),
    seed: (request) => {
      for (const target of collectTargets(request)) {
        if (target.kind === 'bucket') putBucket(target.bucket);
        else if (target.kind === 's3')
          putObject(`s3://${target.bucket}/${target.key}${target.prefix ? 'data' : ''}`);
        else if (target.kind === 'image') putImage(target.uri);
        else algorithms.add(target.name);
      }
    },
    deny: (operation) => denied.add(operation),
    fail: (operation, error) => failures.set(operation, error),
    delayMs: 0,
  };
  return fake;
}
