/**
 * Links to the AWS console for a package, built for its partition and region (SPEC §6):
 * the package (or the group's version), the region's transform jobs, the CloudWatch log
 * group of transform jobs, the validation profile's S3 output, and the workflow run.
 */
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { PackageResult } from '../results.js';
import { runUrl, type WorkflowRun } from '../workflow-run.js';

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

const CONSOLE_DOMAINS: Record<Partition, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** The partition of an ARN (arn:<partition>:...) or of a region name. */
export function partitionOf(arnOrRegion: string): Partition {
  const arnPartition = /^arn:(aws(?:-cn|-us-gov)?):/.exec(arnOrRegion)?.[1];
  if (arnPartition) return arnPartition as Partition;
  if (arnOrRegion.startsWith('cn-')) return 'aws-cn';
  if (arnOrRegion.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * Console fragments of the SageMaker pages. The one for a version in a model package
 * group is not documented by AWS; it lives here alone so that it can be corrected in one
 * place.
 */
const SAGEMAKER_FRAGMENTS = {
  modelPackage: (name: string) => `#/model-packages/${encodeURIComponent(name)}`,
  groupVersion: (group: string, version: number) =>
    `#/model-registry/${encodeURIComponent(group)}/versions/${version}`,
  transformJobs: () => '#/transform-jobs',
};

export interface LinkInput {
  region: string;
  arn?: string | null;
  name?: string | null;
  group?: string | null;
  version?: number | null;
  /** The validation profile's TransformOutput.S3OutputPath. */
  s3OutputPath?: string;
  runUrl?: string;
}

/** Links of a package; each only when it applies. */
export interface PackageLinks {
  /** The package, or the group's version, in the SageMaker console. */
  modelPackage?: string;
  /** The region's batch transform jobs, which run the validation. */
  transformJobs?: string;
  /** The CloudWatch log group of transform jobs (`/aws/sagemaker/TransformJobs`). */
  logs?: string;
  /** The first validation profile's S3 output path, in the S3 console. */
  validationOutput?: string;
  /** The workflow run. */
  run?: string;
}

/** The group's name, also when the manifest gives its ARN. */
function groupName(group: string): string {
  return group.startsWith('arn:') ? group.slice(group.lastIndexOf('/') + 1) : group;
}

export function packageLinks(input: LinkInput): PackageLinks {
  const partition = partitionOf(input.arn ?? input.region);
  const consoleUrl = `https://${CONSOLE_DOMAINS[partition]}`;
  const region = encodeURIComponent(input.region);
  const sagemaker = `${consoleUrl}/sagemaker/home?region=${region}`;
  const links: PackageLinks = {};
  if (input.group && input.version != null) {
    links.modelPackage =
      sagemaker + SAGEMAKER_FRAGMENTS.groupVersion(groupName(input.group), input.version);
  } else if (input.name) {
    links.modelPackage = sagemaker + SAGEMAKER_FRAGMENTS.modelPackage(input.name);
  }
  links.transformJobs = sagemaker + SAGEMAKER_FRAGMENTS.transformJobs();
  links.logs = `${consoleUrl}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FTransformJobs`;
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(input.s3OutputPath ?? '');
  if (s3) {
    const [, bucket, prefix] = s3 as unknown as [string, string, string];
    const prefixQuery = prefix ? `&prefix=${encodeURIComponent(prefix)}` : '';
    links.validationOutput = `${consoleUrl}/s3/buckets/${encodeURIComponent(bucket)}?region=${region}${prefixQuery}`;
  }
  if (input.runUrl) links.run = input.runUrl;
  return links;
}

export const LINK_TITLES: Record<keyof PackageLinks, string> = {
  modelPackage: 'Model package',
  transformJobs: 'Transform jobs',
  logs: 'Transform job logs',
  validationOutput: 'Validation output',
  run: 'Workflow run',
};

/**
 * The results with their links: console links for packages that exist, the workflow run
 * for all. `requests` are the manifests' resolved requests, by manifest path.
 */
export function withLinks(
  results: readonly PackageResult[],
  requests: ReadonlyMap<string, ModelPackageManifest>,
  run: WorkflowRun,
): PackageResult[] {
  const url = runUrl(run);
  return results.map((result) => {
    if (!result.region || !result.arn) return { ...result, links: url ? { run: url } : {} };
    const profile = requests.get(result.manifest)?.ValidationSpecification?.ValidationProfiles[0];
    const links = packageLinks({
      region: result.region,
      arn: result.arn,
      name: result.name,
      group: result.group,
      version: result.version,
      s3OutputPath: profile?.TransformJobDefinition.TransformOutput.S3OutputPath,
      runUrl: url,
    });
    return { ...result, links: { ...links } };
  });
}

/** The SageMaker console's page of one transform job, for the partition of `arnOrRegion`. */
export function transformJobLink(region: string, arnOrRegion: string, name: string): string {
  const consoleUrl = `https://${CONSOLE_DOMAINS[partitionOf(arnOrRegion)]}`;
  return `${consoleUrl}/sagemaker/home?region=${encodeURIComponent(region)}#/transform-jobs/${encodeURIComponent(name)}`;
}

/**
 * The CloudWatch console's page of a log stream of `/aws/sagemaker/TransformJobs`, or, with
 * `prefix`, the group's streams whose names start with it. The console's fragment encodes
 * names twice, with `$` for `%`; the form of the stream filter is *unverified*.
 */
export function transformLogLink(
  region: string,
  arnOrRegion: string,
  stream: string,
  prefix = false,
): string {
  const consoleUrl = `https://${CONSOLE_DOMAINS[partitionOf(arnOrRegion)]}`;
  const twice = (value: string) => encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$');
  const group = `${consoleUrl}/cloudwatch/home?region=${encodeURIComponent(region)}#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FTransformJobs`;
  return prefix
    ? `${group}$3FlogStreamNameFilter$3D${twice(stream)}`
    : `${group}/log-events/${twice(stream)}`;
}
