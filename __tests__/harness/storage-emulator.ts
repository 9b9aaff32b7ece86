/**
 * What preflight reads, served on the SageMaker emulator's URL next to SageMaker and
 * STS, told apart by the request's shape:
 *
 * - S3 in path style (the SDK's `forcePathStyle`, which the action sets with an endpoint
 *   override): `HEAD /bucket` (HeadBucket), `HEAD /bucket/key` (HeadObject),
 *   `GET /bucket?list-type=2&prefix=...&max-keys=1` (ListObjectsV2). A bucket of another
 *   region than the request's signature answers 301 with `x-amz-bucket-region`, as S3
 *   does when a client in the wrong region asks.
 * - ECR DescribeImages: `POST /` with `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.DescribeImages`.
 * - SageMaker DescribeAlgorithm (`X-Amz-Target: SageMaker.DescribeAlgorithm`). The error
 *   for a missing algorithm (ValidationException, "Could not find algorithm") is
 *   *unverified* against the service.
 *
 * Tests seed it with buckets, objects, images and algorithms, and make it refuse
 * operations with 403 as a role without the permission would.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { checkManifestText } from '../../src/manifest/load.js';
import { expressionContextOf } from '../../src/manifest/expressions.js';
import { collectTargets, parseEcrImage, parseS3Uri } from '../../src/preflight/targets.js';
import { RUN_ENV, runContext } from './run-context.js';

export type StorageOperation =
  'HeadBucket' | 'HeadObject' | 'ListObjectsV2' | 'DescribeImages' | 'DescribeAlgorithm';

export interface StorageSeeding {
  /** A bucket in `region` (the emulator's by default); moves it when it exists. */
  setBucketRegion(bucket: string, region: string): void;
  /** s3://bucket/key: the object, and its bucket when missing. */
  putObject(uri: string): void;
  /**
   * An ECR image URI `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag][@digest]`, with
   * `tags` (default: its tag) on its digest (default: one made up from the URI).
   */
  putImage(uri: string, tags?: string[]): void;
  putAlgorithm(name: string): void;
  /** Answers `operation` with 403 AccessDenied from now on. */
  deny(operation: StorageOperation): void;
}

export interface Storage extends StorageSeeding {
  /** Whether a request is for S3, ECR or DescribeAlgorithm. */
  handles(request: IncomingMessage): boolean;
  handle(
    request: IncomingMessage,
    response: ServerResponse<IncomingMessage>,
    body: string,
    record: (operation: string, body: Record<string, unknown>) => void,
  ): void;
}

const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921.';

function target(request: IncomingMessage): string {
  const value = request.headers['x-amz-target'];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The region of a SigV4 signature's credential scope. */
function signedRegion(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  return typeof authorization === 'string'
    ? /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization)?.[1]
    : undefined;
}

function xmlEscape(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

export function createStorage(defaultRegion: string): Storage {
  const buckets = new Map<string, { region: string; keys: Set<string> }>();
  /** By `registry/region/repository`: the digests with their tags. */
  const images = new Map<string, Map<string, Set<string>>>();
  const algorithms = new Set<string>();
  const denied = new Set<StorageOperation>();

  const setBucketRegion = (bucket: string, region: string) => {
    const existing = buckets.get(bucket);
    if (existing) existing.region = region;
    else buckets.set(bucket, { region, keys: new Set() });
  };

  const s3Error = (
    response: ServerResponse<IncomingMessage>,
    head: boolean,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) => {
    const text = head
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
    response.writeHead(status, {
      'content-type': 'application/xml',
      'x-amz-request-id': randomUUID(),
      ...(head ? {} : { 'content-length': Buffer.byteLength(text) }),
      ...headers,
    });
    response.end(text);
  };

  const json = (
    response: ServerResponse<IncomingMessage>,
    status: number,
    payload: Record<string, unknown>,
  ) => {
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...(status >= 400 ? { 'x-amzn-errortype': String(payload.__type) } : {}),
    });
    response.end(text);
  };

  const handleS3: Storage['handle'] = (request, response, _body, record) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [bucketPart = '', ...keyParts] = url.pathname.slice(1).split('/');
    const bucket = decodeURIComponent(bucketPart);
    const key = keyParts.map(decodeURIComponent).join('/');
    const head = request.method === 'HEAD';
    const operation: StorageOperation = head
      ? key
        ? 'HeadObject'
        : 'HeadBucket'
      : 'ListObjectsV2';
    record(operation, { bucket, ...(key ? { key } : {}), ...Object.fromEntries(url.searchParams) });
    const stored = buckets.get(bucket);
    if (denied.has(operation)) {
      return s3Error(
        response,
        head,
        403,
        'AccessDenied',
        'Access Denied',
        stored ? { 'x-amz-bucket-region': stored.region } : {},
      );
    }
    if (!stored)
      return s3Error(response, head, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    const region = signedRegion(request);
    if (region && region !== stored.region) {
      return s3Error(
        response,
        head,
        301,
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint.',
        { 'x-amz-bucket-region': stored.region },
      );
    }
    if (operation === 'HeadBucket') {
      response.writeHead(200, {
        'x-amz-bucket-region': stored.region,
        'x-amz-request-id': randomUUID(),
      });
      return response.end();
    }
    if (operation === 'HeadObject') {
      if (!stored.keys.has(key)) return s3Error(response, true, 404, 'NotFound', 'Not Found');
      response.writeHead(200, {
        'content-length': 0,
        etag: `"${createHash('md5').update(key).digest('hex')}"`,
        'last-modified': new Date(0).toUTCString(),
        'x-amz-request-id': randomUUID(),
      });
      return response.end();
    }
    if (request.method !== 'GET' || url.searchParams.get('list-type') !== '2') {
      return s3Error(
        response,
        false,
        501,
        'NotImplemented',
        'The emulator lists with ListObjectsV2 only',
      );
    }
    const prefix = url.searchParams.get('prefix') ?? '';
    const max = Number(url.searchParams.get('max-keys') ?? '1000');
    const keys = [...stored.keys].filter((k) => k.startsWith(prefix)).sort();
    const listed = keys.slice(0, max);
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${listed.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${keys.length > listed.length}</IsTruncated>${listed
      .map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>0</Size></Contents>`)
      .join('')}</ListBucketResult>`;
    response.writeHead(200, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(text),
      'x-amz-request-id': randomUUID(),
    });
    response.end(text);
  };

  const handleJson: Storage['handle'] = (request, response, body, record) => {
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      return json(response, 400, {
        __type: 'SerializationException',
        message: 'Malformed JSON body',
      });
    }
    const operation = target(request).startsWith(ECR_TARGET)
      ? target(request).slice(ECR_TARGET.length)
      : 'DescribeAlgorithm';
    record(operation, input);
    if (denied.has(operation as StorageOperation)) {
      return json(response, 400, {
        __type: 'AccessDeniedException',
        message: `User is not authorized to perform ${operation}`,
      });
    }
    if (operation === 'DescribeAlgorithm') {
      const name = String(input.AlgorithmName ?? '');
      const short = name.split('/').pop() ?? name;
      if (!algorithms.has(name) && !algorithms.has(short)) {
        return json(response, 400, {
          __type: 'ValidationException',
          message: `Could not find algorithm '${name}'.`,
        });
      }
      return json(response, 200, {
        AlgorithmName: short,
        AlgorithmArn: `arn:aws:sagemaker:${defaultRegion}:123456789012:algorithm/${short}`,
        AlgorithmStatus: 'Completed',
        CreationTime: 0,
      });
    }
    if (operation !== 'DescribeImages') {
      return json(response, 400, {
        __type: 'UnknownOperationException',
        message: `Unknown operation ${operation}`,
      });
    }
    const region = signedRegion(request) ?? defaultRegion;
    const registry = String(input.registryId ?? '123456789012');
    const repository = String(input.repositoryName ?? '');
    const repo = images.get(`${registry}/${region}/${repository}`);
    if (!repo) {
      return json(response, 400, {
        __type: 'RepositoryNotFoundException',
        message: `The repository with name '${repository}' does not exist in the registry with id '${registry}'`,
      });
    }
    const ids = Array.isArray(input.imageIds) ? (input.imageIds as Record<string, string>[]) : [];
    const details = [];
    for (const id of ids) {
      const digest =
        id.imageDigest ?? [...repo].find(([, tags]) => tags.has(id.imageTag ?? ''))?.[0];
      const tags = digest === undefined ? undefined : repo.get(digest);
      if (!digest || !tags) {
        return json(response, 400, {
          __type: 'ImageNotFoundException',
          message: `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository}' in the registry with id '${registry}'`,
        });
      }
      details.push({
        registryId: registry,
        repositoryName: repository,
        imageDigest: digest,
        ...(tags.size > 0 ? { imageTags: [...tags] } : {}),
        imagePushedAt: 0,
        imageSizeInBytes: 1024,
      });
    }
    return json(response, 200, { imageDetails: details });
  };

  return {
    setBucketRegion,
    putObject(uri) {
      const { bucket, key } = parseS3Uri(uri)!;
      if (!buckets.has(bucket)) setBucketRegion(bucket, defaultRegion);
      buckets.get(bucket)!.keys.add(key);
    },
    putImage(uri, tags) {
      const image = parseEcrImage(uri);
      if (!image) throw new Error(`not an ECR image URI: ${uri}`);
      const id = `${image.registryId}/${image.region}/${image.repository}`;
      const repo = images.get(id) ?? new Map<string, Set<string>>();
      images.set(id, repo);
      const digest = image.digest ?? `sha256:${createHash('sha256').update(uri).digest('hex')}`;
      const set = repo.get(digest) ?? new Set<string>();
      repo.set(digest, set);
      for (const tag of tags ?? (image.tag ? [image.tag] : [])) set.add(tag);
    },
    putAlgorithm: (name) => algorithms.add(name),
    deny: (operation) => denied.add(operation),
    handles(request) {
      return (
        request.method === 'HEAD' ||
        request.method === 'GET' ||
        target(request).startsWith(ECR_TARGET) ||
        target(request) === 'SageMaker.DescribeAlgorithm'
      );
    },
    handle(request, response, body, record) {
      if (request.method === 'HEAD' || request.method === 'GET') {
        return handleS3(request, response, body, record);
      }
      return handleJson(request, response, body, record);
    },
  };
}

/**
 * Seeds `storage` with everything a manifest names: its S3 objects (an object under each
 * prefix), buckets, ECR images (tagged as named) and algorithms, so that preflight finds
 * nothing missing. `manifestOrPath`: the manifest's text, or the path of its file. Expressions resolve as in the tests' runs (RUN_ENV, and `env`, whose GITHUB_SHA is `github.sha`).
 */
export function seedArtifacts(
  storage: StorageSeeding,
  manifestOrPath: string,
  env: Record<string, string> = {},
): void {
  const manifest =
    !manifestOrPath.includes('\n') && existsSync(manifestOrPath)
      ? readFileSync(manifestOrPath, 'utf8')
      : manifestOrPath;
  // A commit of `env` (GITHUB_SHA) is the commit `${{ github.sha }}` names.
  const run = runContext(undefined, env.GITHUB_SHA ? { sha: env.GITHUB_SHA } : {});
  const context = expressionContextOf(run, { ...RUN_ENV, ...env });
  const { request } = checkManifestText(manifest, 'model-package.yml', { context });
  if (!request) throw new Error('seedArtifacts: the manifest is invalid');
  for (const t of collectTargets(request)) {
    if (t.kind === 's3')
      storage.putObject(`s3://${t.bucket}/${t.key}${t.prefix ? 'part-00000' : ''}`);
    else if (t.kind === 'bucket') storage.putObject(`s3://${t.bucket}/.keep`);
    else if (t.kind === 'image') storage.putImage(t.uri);
    else storage.putAlgorithm(t.name);
  }
}

/** Every valid manifest (*.yml, *.yaml, *.json) under `workspace`, seeded as by seedArtifacts. */
export function seedWorkspace(
  storage: StorageSeeding,
  workspace: string,
  env: Record<string, string> = {},
): void {
  const files = readdirSync(workspace, { recursive: true, encoding: 'utf8' }).filter(
    (f) => /\.(ya?ml|json)$/.test(f) && !f.split(path.sep).includes('node_modules'),
  );
  for (const file of files) {
    const absolute = path.join(workspace, file);
    if (!statSync(absolute).isFile() || statSync(absolute).size > 1024 * 1024) continue;
    try {
      seedArtifacts(storage, readFileSync(absolute, 'utf8'), env);
    } catch {
      // Not a valid manifest (an event file, a broken manifest of a test): nothing to seed.
    }
  }
}
