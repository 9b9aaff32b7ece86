/**
 * What a CreateModelPackage request names outside itself, with the member that names it:
 * S3 objects and prefixes (model artifacts, validation input), output buckets, ECR
 * images and algorithms. Pure: nothing here talks to AWS.
 */
import type { MemberPath } from '../manifest/problems.js';

/** An S3 location that must exist: one object, or at least one object under a prefix. */
export interface S3Target {
  kind: 's3';
  bucket: string;
  /** The object's key, or the prefix (possibly empty) for a prefix. */
  key: string;
  prefix: boolean;
  /** What the location is for, in messages: "model artifact", "validation input", ... */
  what: string;
  path: MemberPath;
}

/** A bucket that must exist (an output path, whose objects do not exist yet). */
export interface BucketTarget {
  kind: 'bucket';
  bucket: string;
  what: string;
  path: MemberPath;
}

export interface ImageTarget {
  kind: 'image';
  /** The image URI as the manifest gives it. */
  uri: string;
  registryId: string;
  region: string;
  repository: string;
  tag?: string;
  digest?: string;
  path: MemberPath;
}

export interface AlgorithmTarget {
  kind: 'algorithm';
  name: string;
  path: MemberPath;
}

export type Target = S3Target | BucketTarget | ImageTarget | AlgorithmTarget;

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** s3://bucket/key → bucket and key; undefined for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/s.exec(uri);
  if (!match) return undefined;
  return { bucket: match[1]!, key: match[2]! };
}

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/**
 * An ECR image URI `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repo>[:tag][@sha256:...]`;
 * undefined for an image elsewhere (Docker Hub, a private registry).
 */
export function parseEcrImage(uri: string): Omit<ImageTarget, 'kind' | 'path'> | undefined {
  const match = ECR_IMAGE.exec(uri);
  if (!match) return undefined;
  const [, registryId, region, repository, tag, digest] = match;
  return {
    uri,
    registryId: registryId!,
    region: region!,
    repository: repository!,
    // An image without a tag or digest is pulled as `latest`.
    ...(tag || !digest ? { tag: tag ?? 'latest' } : {}),
    ...(digest ? { digest } : {}),
  };
}

/**
 * An S3 location: a URI ending in `/`, or one that the request says is a prefix
 * (S3DataType S3Prefix), must have at least one object under it; any other names an object.
 */
function s3(
  uri: unknown,
  path: MemberPath,
  what: string,
  dataType?: unknown,
): S3Target | undefined {
  const value = text(uri);
  const parsed = value === undefined ? undefined : parseS3Uri(value);
  if (!parsed) return undefined;
  const prefix = dataType === 'S3Prefix' || parsed.key === '' || parsed.key.endsWith('/');
  return { kind: 's3', ...parsed, prefix, what, path };
}

function containerTargets(container: Json, path: MemberPath): (Target | undefined)[] {
  const found: (Target | undefined)[] = [];
  const image = text(container.Image);
  const ecr = image === undefined ? undefined : parseEcrImage(image);
  if (ecr) found.push({ kind: 'image', ...ecr, path: [...path, 'Image'] });
  found.push(...modelData(container, path));
  for (const [i, source] of list(container.AdditionalModelDataSources).entries()) {
    const s3Source = record(record(source)?.S3DataSource);
    if (!s3Source) continue;
    const at = [...path, 'AdditionalModelDataSources', i, 'S3DataSource', 'S3Uri'];
    found.push(s3(s3Source.S3Uri, at, 'model artifact', s3Source.S3DataType));
  }
  const additional = record(container.AdditionalS3DataSource);
  if (additional) {
    const at = [...path, 'AdditionalS3DataSource', 'S3Uri'];
    found.push(s3(additional.S3Uri, at, 'additional S3 data', additional.S3DataType));
  }
  return found;
}

/** ModelDataUrl and ModelDataSource.S3DataSource.S3Uri of a container or a source algorithm. */
function modelData(holder: Json, path: MemberPath): (Target | undefined)[] {
  const found: (Target | undefined)[] = [];
  found.push(s3(holder.ModelDataUrl, [...path, 'ModelDataUrl'], 'model artifact'));
  const source = record(record(holder.ModelDataSource)?.S3DataSource);
  if (source) {
    const at = [...path, 'ModelDataSource', 'S3DataSource', 'S3Uri'];
    found.push(s3(source.S3Uri, at, 'model artifact', source.S3DataType));
  }
  return found;
}

/** Every S3 location, image and algorithm of a request, in the order the request lists them. */
export function collectTargets(request: unknown): Target[] {
  const root = record(request) ?? {};
  const found: (Target | undefined)[] = [];
  const specs: [unknown, MemberPath][] = [
    [root.InferenceSpecification, ['InferenceSpecification']],
    ...list(root.AdditionalInferenceSpecifications).map((spec, i): [unknown, MemberPath] => [
      spec,
      ['AdditionalInferenceSpecifications', i],
    ]),
  ];
  for (const [spec, path] of specs) {
    for (const [i, container] of list(record(spec)?.Containers).entries()) {
      const value = record(container);
      if (value) found.push(...containerTargets(value, [...path, 'Containers', i]));
    }
  }
  const algorithms = list(record(root.SourceAlgorithmSpecification)?.SourceAlgorithms);
  for (const [i, algorithm] of algorithms.entries()) {
    const value = record(algorithm);
    if (!value) continue;
    const path = ['SourceAlgorithmSpecification', 'SourceAlgorithms', i];
    const name = text(value.AlgorithmName);
    if (name) found.push({ kind: 'algorithm', name, path: [...path, 'AlgorithmName'] });
    found.push(...modelData(value, path));
  }
  const profiles = list(record(root.ValidationSpecification)?.ValidationProfiles);
  for (const [i, profile] of profiles.entries()) {
    const path = ['ValidationSpecification', 'ValidationProfiles', i, 'TransformJobDefinition'];
    const job = record(record(profile)?.TransformJobDefinition);
    const input = record(record(record(job?.TransformInput)?.DataSource)?.S3DataSource);
    if (input) {
      const at = [...path, 'TransformInput', 'DataSource', 'S3DataSource', 'S3Uri'];
      // A manifest file is an object, whatever its name ends with.
      const type = input.S3DataType;
      const target = s3(
        input.S3Uri,
        at,
        'validation input',
        type === 'S3Prefix' ? type : undefined,
      );
      if (target && type === 'ManifestFile') target.prefix = false;
      if (target && type === 'ManifestFile') target.what = 'validation input manifest';
      found.push(target);
    }
    const output = text(record(job?.TransformOutput)?.S3OutputPath);
    const parsed = output === undefined ? undefined : parseS3Uri(output);
    if (parsed) {
      found.push({
        kind: 'bucket',
        bucket: parsed.bucket,
        what: 'validation output',
        path: [...path, 'TransformOutput', 'S3OutputPath'],
      });
    }
  }
  return found.filter((t): t is Target => t !== undefined);
}
