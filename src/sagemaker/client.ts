/**
 * The SageMaker client: the AWS SDK with its standard credential chain, retry strategy
 * and endpoint configuration (AWS_ENDPOINT_URL_SAGEMAKER is honoured by the SDK).
 * Loaded only when the action talks to AWS; a dry run never imports it.
 */
import {
  BatchDescribeModelPackageCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  paginateListModelPackages,
  paginateListTags,
  SageMakerClient,
  UpdateModelPackageCommand,
  type ModelPackageSummary,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerApi } from './api.js';
import { errorKind } from './errors.js';

async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (errorKind(e) === 'not-found') return undefined;
    throw e;
  }
}

export function createSageMakerApi(
  region: string,
  userAgent = 'sagemaker-model-package-action',
): SageMakerApi {
  const client = new SageMakerClient({ region, customUserAgent: userAgent });
  return {
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
    async updateModelPackage(input, options) {
      await client.send(new UpdateModelPackageCommand(input), options);
    },
    async listTags(arn, options) {
      const tags: Tag[] = [];
      for await (const page of paginateListTags({ client }, { ResourceArn: arn }, options)) {
        tags.push(...(page.Tags ?? []));
      }
      return tags;
    },
    destroy() {
      client.destroy();
    },
  };
}
