/**
 * The real PreflightApi: @aws-sdk/client-s3 and @aws-sdk/client-ecr, imported here and
 * only when preflight runs, configured by the client factory (src/aws/clients.ts).
 * DescribeAlgorithm goes through the SageMaker client it is given.
 */
import type { RenewableCredentials, SageMakerApi } from '../sagemaker/api.js';
import { sdkConfig } from '../aws/clients.js';
import type { PreflightApi } from './checks.js';

interface ErrorLike {
  name?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  BucketRegion?: string;
}

function status(error: unknown): number | undefined {
  return (error as ErrorLike | undefined)?.$metadata?.httpStatusCode;
}

function isMissing(error: unknown, names: readonly string[]): boolean {
  const e = (error ?? {}) as ErrorLike;
  return names.includes(e.name ?? '') || status(error) === 404;
}

/** Whether an endpoint override applies to a service (the SDK reads the same variables). */
function hasEndpointOverride(env: NodeJS.ProcessEnv, service: string): boolean {
  return Boolean(env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL);
}

export interface AwsPreflightOptions {
  /** The package's region. */
  region: string;
  credentials?: RenewableCredentials;
  env?: NodeJS.ProcessEnv;
  /** SageMaker, for DescribeAlgorithm; destroyed with the preflight api. */
  sagemaker: SageMakerApi;
}

export async function createPreflightApi(options: AwsPreflightOptions): Promise<PreflightApi> {
  const env = options.env ?? process.env;
  const [s3sdk, ecrsdk] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-ecr'),
  ]);
  const { sagemaker } = options;
  // An endpoint override (an emulator, an IP address) cannot take the bucket in its host name.
  const forcePathStyle = hasEndpointOverride(env, 'S3');
  const clients: { destroy(): void }[] = [];
  /** One client per region, made when first used. */
  const perRegion = <T extends { destroy(): void }>(make: (region: string) => T) => {
    const made = new Map<string, T>();
    return (region: string): T => {
      let client = made.get(region);
      if (!client) {
        client = make(region);
        made.set(region, client);
        clients.push(client);
      }
      return client;
    };
  };
  const s3 = perRegion(
    (region) =>
      new s3sdk.S3Client({ ...sdkConfig('s3', region, options.credentials), forcePathStyle }),
  );
  const ecr = perRegion(
    (region) => new ecrsdk.ECRClient(sdkConfig('ecr', region, options.credentials)),
  );

  return {
    async bucketRegion(bucket, callOptions) {
      try {
        const answer = await s3(options.region).send(
          new s3sdk.HeadBucketCommand({ Bucket: bucket }),
          callOptions,
        );
        return answer.BucketRegion ?? options.region;
      } catch (e) {
        // A bucket of another region answers 301 with its region in a header.
        const headers = (e as ErrorLike | undefined)?.$response?.headers ?? {};
        const region = headers['x-amz-bucket-region'] ?? (e as ErrorLike | undefined)?.BucketRegion;
        if (status(e) === 301 && region) return region;
        if (isMissing(e, ['NotFound', 'NoSuchBucket'])) return undefined;
        throw e;
      }
    },
    async headObject(bucket, key, region, callOptions) {
      try {
        await s3(region).send(
          new s3sdk.HeadObjectCommand({ Bucket: bucket, Key: key }),
          callOptions,
        );
        return true;
      } catch (e) {
        if (isMissing(e, ['NotFound', 'NoSuchKey'])) return false;
        throw e;
      }
    },
    async listPrefix(bucket, prefix, region, callOptions) {
      const answer = await s3(region).send(
        new s3sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }),
        callOptions,
      );
      return (answer.KeyCount ?? answer.Contents?.length ?? 0) > 0;
    },
    async describeImages(image, callOptions) {
      try {
        const answer = await ecr(image.region).send(
          new ecrsdk.DescribeImagesCommand({
            registryId: image.registryId,
            repositoryName: image.repository,
            imageIds: [image.digest ? { imageDigest: image.digest } : { imageTag: image.tag }],
          }),
          callOptions,
        );
        const detail = answer.imageDetails?.[0];
        if (!detail) return undefined;
        return { tags: (detail.imageTags ?? []).filter((t): t is string => typeof t === 'string') };
      } catch (e) {
        if (isMissing(e, ['ImageNotFoundException', 'RepositoryNotFoundException'])) {
          return undefined;
        }
        throw e;
      }
    },
    async describeAlgorithm(name, callOptions) {
      return sagemaker.describeAlgorithm(name, callOptions);
    },
    destroy() {
      for (const client of clients) client.destroy();
      sagemaker.destroy();
    },
  };
}
