/**
 * The SageMaker client: the AWS SDK configured by the client factory (src/aws/clients.ts).
 * With renewable credentials (role-to-assume), a call that AWS refuses for its
 * credentials is sent once more with new ones.
 * Loaded only when the action talks to AWS; a dry run never imports it.
 */
import {
  AddTagsCommand,
  BatchDescribeModelPackageCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeAlgorithmCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  DescribeTransformJobCommand,
  ListModelPackagesCommand,
  ListTransformJobsCommand,
  SearchCommand,
  paginateListModelPackages,
  paginateListTags,
  SageMakerClient,
  UpdateModelPackageCommand,
  type ModelPackageSummary,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import { sdkConfig } from '../aws/clients.js';
import type { RenewableCredentials, SageMakerApi } from './api.js';
import { CredentialsError, describeError, errorKind, RenewalError } from './errors.js';
import type { Log } from '../runner/port.js';

async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (errorKind(e) === 'not-found') return undefined;
    throw e;
  }
}

export interface ClientOptions {
  /** Credentials that renew themselves; the SDK's chain by default. */
  credentials?: RenewableCredentials;
  /** Where a renewal after a refused request is said. */
  log?: Log;
}

export function createSageMakerApi(region: string, options: ClientOptions = {}): SageMakerApi {
  const { credentials, log } = options;
  const client = new SageMakerClient(sdkConfig('sagemaker', region, credentials));
  /** The call; once more with new credentials when AWS refused the renewable ones. */
  const send = async <T>(call: () => Promise<T>): Promise<T> => {
    const sentAt = Date.now();
    try {
      return await call();
    } catch (e) {
      if (!credentials || e instanceof RenewalError || errorKind(e) !== 'credentials') throw e;
      log?.info(
        `AWS refused the credentials of role-to-assume (${describeError(e)}); renewing them and sending the request again.`,
      );
      credentials.renew(sentAt);
      try {
        return await call();
      } catch (again) {
        if (again instanceof RenewalError || errorKind(again) !== 'credentials') throw again;
        throw new CredentialsError(again, { renewed: true });
      }
    }
  };
  return withRenewal(send, {
    region,
    async createModelPackage(input, options) {
      const output = await client.send(new CreateModelPackageCommand(input), options);
      return output.ModelPackageArn!;
    },
    async createModelPackageGroup(input, options) {
      await client.send(new CreateModelPackageGroupCommand(input), options);
    },
    describeModelPackageGroup(name, options) {
      return unlessMissing(
        client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: name }), options),
      );
    },
    describeModelPackage(nameOrArn, options) {
      return unlessMissing(
        client.send(new DescribeModelPackageCommand({ ModelPackageName: nameOrArn }), options),
      );
    },
    batchDescribeModelPackage(arns, options) {
      return client.send(
        new BatchDescribeModelPackageCommand({ ModelPackageArnList: arns }),
        options,
      );
    },
    async newestVersions(group, limit, options) {
      const versions: ModelPackageSummary[] = [];
      const pages = paginateListModelPackages(
        { client, pageSize: limit },
        {
          ModelPackageGroupName: group,
          ModelPackageType: 'Versioned',
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
        },
        options,
      );
      for await (const page of pages) {
        versions.push(...(page.ModelPackageSummaryList ?? []));
        if (versions.length >= limit) break;
      }
      return versions.slice(0, limit);
    },
    async listModelPackages(input, options) {
      const page = await client.send(new ListModelPackagesCommand(input), options);
      return page.ModelPackageSummaryList ?? [];
    },
    async searchModelPackages(expression, limit, options) {
      const page = await client.send(
        new SearchCommand({
          Resource: 'ModelPackage',
          SearchExpression: expression,
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: limit,
        }),
        options,
      );
      return (page.Results ?? []).flatMap((r) => (r.ModelPackage ? [r.ModelPackage] : []));
    },
    async updateModelPackage(input, options) {
      await client.send(new UpdateModelPackageCommand(input), options);
    },
    async describeAlgorithm(nameOrArn, options) {
      try {
        await client.send(new DescribeAlgorithmCommand({ AlgorithmName: nameOrArn }), options);
        return true;
      } catch (e) {
        if (errorKind(e) === 'not-found' || /could not find/i.test(describeError(e))) return false;
        throw e;
      }
    },
    listTransformJobs(input, options) {
      return client.send(new ListTransformJobsCommand(input), options);
    },
    async describeTransformJob(name, options) {
      try {
        return await client.send(
          new DescribeTransformJobCommand({ TransformJobName: name }),
          options,
        );
      } catch (e) {
        // A missing job is a ValidationException "Could not find ... job ...".
        if (/could not find\b.*\bjob/i.test((e as Error).message ?? '')) return undefined;
        throw e;
      }
    },
    async listTags(arn, options) {
      const tags: Tag[] = [];
      for await (const page of paginateListTags({ client }, { ResourceArn: arn }, options)) {
        tags.push(...(page.Tags ?? []));
      }
      return tags;
    },
    async addTags(arn, tags, options) {
      await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags }), options);
    },
    destroy() {
      client.destroy();
    },
  });
}

/** Every operation of `api` through `send`. */
function withRenewal(
  send: <T>(call: () => Promise<T>) => Promise<T>,
  api: SageMakerApi,
): SageMakerApi {
  const wrapped = { ...api };
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function' || name === 'destroy') continue;
    const operation = value as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = (...args: unknown[]) =>
      send(() => operation(...args));
  }
  return wrapped;
}
