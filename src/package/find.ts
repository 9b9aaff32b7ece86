/**
 * The package a previous run made from the same manifest (SPEC §4): a version whose
 * fingerprint is this request's among the newest of its group, or the unversioned package
 * of its name with its fingerprint tag. Read-only; publish, verify and the plan share it.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { REPORT_KEY } from '../action-entries.js';
import { FINGERPRINT_KEY, isFingerprintOf } from './fingerprint.js';

/** How many of a group's newest versions are searched for an identical one. */
export const VERSIONS_SEARCHED = 20;

/**
 * What a search for a manifest's package found: the package with its fingerprint, or
 * why there is none, with the candidate it was compared with.
 */
export type Search =
  /**
   * `report`: an unversioned package's record of where it was reported (its tag; a
   * version's is in its description).
   */
  (
    | { found: DescribeModelPackageOutput; report?: string }
    | { missing: 'group' }
    | { missing: 'package' }
    /** A versioned package: `candidate` is the group's newest version, when it has one. */
    | { missing: 'fingerprint'; candidate?: DescribeModelPackageOutput }
  ) & {
    /** Every package the search described, by ARN, for the plan to use again. */
    described: ReadonlyMap<string, DescribeModelPackageOutput>;
  };

export async function findExisting(
  request: ModelPackageManifest,
  api: SageMakerApi,
  signal?: AbortSignal,
): Promise<Search> {
  const described = new Map<string, DescribeModelPackageOutput>();
  const describe = async (arn: string) => {
    const d = await api.describeModelPackage(arn, { abortSignal: signal });
    if (d?.ModelPackageArn) described.set(d.ModelPackageArn, d);
    return d;
  };
  const group = request.ModelPackageGroupName;
  if (group) {
    if (!(await api.describeModelPackageGroup(group, { abortSignal: signal }))) {
      return { missing: 'group', described };
    }
    const versions = await api.newestVersions(group, VERSIONS_SEARCHED, { abortSignal: signal });
    let candidate: DescribeModelPackageOutput | undefined;
    for (const version of versions) {
      const d = await describe(version.ModelPackageArn!);
      if (isFingerprintOf(d?.CustomerMetadataProperties?.[FINGERPRINT_KEY], request)) {
        return { found: d!, described };
      }
      candidate ??= d;
    }
    return { missing: 'fingerprint', candidate, described };
  }
  const existing = await describe(request.ModelPackageName!);
  if (!existing) return { missing: 'package', described };
  const tags = await api.listTags(existing.ModelPackageArn!, { abortSignal: signal });
  const recorded = tags.find((t) => t.Key === FINGERPRINT_KEY)?.Value;
  return isFingerprintOf(recorded, request)
    ? { found: existing, described, report: tags.find((t) => t.Key === REPORT_KEY)?.Value }
    : { missing: 'fingerprint', candidate: existing, described };
}
