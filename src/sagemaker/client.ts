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
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
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
    listModelPackages(input, options) {
      return client.send(new ListModelPackagesCommand(input), options);
    },
    async updateModelPackage(input, options) {
      await client.send(new UpdateModelPackageCommand(input), options);
    },
    async listTags(arn, options) {
      const tags = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new ListTagsCommand({ ResourceArn: arn, NextToken }),
          options,
        );
        tags.push(...(page.Tags ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return tags;
    },
    destroy() {
      client.destroy();
    },
  };
}
