/**
 * The SageMaker operations the action uses, as a narrow interface: the real client
 * (client.ts) implements it, and tests can pass their own. Types only; importing this
 * file loads nothing of the AWS SDK.
 */
import type {
  BatchDescribeModelPackageOutput,
  CreateModelPackageGroupInput,
  CreateModelPackageInput,
  DescribeModelPackageGroupOutput,
  DescribeModelPackageOutput,
  DescribeTransformJobResponse,
  ListModelPackagesInput,
  ListTransformJobsRequest,
  ListTransformJobsResponse,
  ModelPackage,
  ModelPackageSummary,
  SearchExpression,
  Tag,
  UpdateModelPackageInput,
} from '@aws-sdk/client-sagemaker';

export interface CallOptions {
  abortSignal?: AbortSignal;
}

export interface SageMakerApi {
  readonly region: string;
  createModelPackage(input: CreateModelPackageInput, options?: CallOptions): Promise<string>;
  createModelPackageGroup(
    input: CreateModelPackageGroupInput,
    options?: CallOptions,
  ): Promise<void>;
  /** Undefined when the group does not exist. */
  describeModelPackageGroup(
    name: string,
    options?: CallOptions,
  ): Promise<DescribeModelPackageGroupOutput | undefined>;
  /** Undefined when the package does not exist. */
  describeModelPackage(
    nameOrArn: string,
    options?: CallOptions,
  ): Promise<DescribeModelPackageOutput | undefined>;
  batchDescribeModelPackage(
    arns: string[],
    options?: CallOptions,
  ): Promise<BatchDescribeModelPackageOutput>;
  /** The newest `limit` versions of a group, newest first. */
  newestVersions(
    group: string,
    limit: number,
    options?: CallOptions,
  ): Promise<ModelPackageSummary[]>;
  /** One page of ListModelPackages: the summaries, each with its approval status and stage. */
  listModelPackages(
    input: ListModelPackagesInput,
    options?: CallOptions,
  ): Promise<ModelPackageSummary[]>;
  /**
   * Search over model packages (`Resource: ModelPackage`), newest first: at most `limit`
   * whole packages, with their tags.
   */
  searchModelPackages(
    expression: SearchExpression,
    limit: number,
    options?: CallOptions,
  ): Promise<ModelPackage[]>;
  updateModelPackage(input: UpdateModelPackageInput, options?: CallOptions): Promise<void>;
  /** Whether an algorithm (a name or an ARN) exists: DescribeAlgorithm, for preflight. */
  describeAlgorithm(nameOrArn: string, options?: CallOptions): Promise<boolean>;
  /** One page of transform jobs (diagnosis of failed validations). */
  listTransformJobs(
    input: ListTransformJobsRequest,
    options?: CallOptions,
  ): Promise<ListTransformJobsResponse>;
  /** Undefined when the job does not exist. */
  describeTransformJob(
    name: string,
    options?: CallOptions,
  ): Promise<DescribeTransformJobResponse | undefined>;
  /** Every tag of a resource, all pages. */
  listTags(arn: string, options?: CallOptions): Promise<Tag[]>;
  /** Adds tags to a resource, or sets the value of those it has. */
  addTags(arn: string, tags: Tag[], options?: CallOptions): Promise<void>;
  /** Frees the connections; the api is unusable afterwards. */
  destroy(): void;
}

/** AWS credentials, as the SDK's credential providers give them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When they stop working; undefined for credentials that do not expire. */
  expiration?: Date;
}

/**
 * A credential provider that keeps its credentials fresh itself (role-to-assume): the
 * SageMaker client asks it before every request and takes what it answers.
 */
export interface RenewableCredentials {
  (): Promise<Credentials>;
  /** Tells the AWS SDK that the provider memoizes itself: it is not wrapped in the SDK's cache. */
  readonly memoized: true;
  /**
   * Forgets the current credentials, which AWS refused for a request sent at `sentAt`
   * (default: whatever they are): the next call gets new ones.
   */
  renew(sentAt?: number): void;
  /** How many sets of credentials STS issued so far. */
  readonly issued: number;
  /** Frees the STS client's connections. */
  destroy(): void;
}
