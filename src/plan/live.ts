/**
 * The live version a plan compares a manifest with (SPEC §3 `compare-to`, §6): for a
 * versioned package, the newest Approved version of its group, the newest version, or the
 * newest in a lifecycle stage; for an unversioned package, the newest package this
 * manifest made before (found by the manifest key the action records on each package).
 * At most two SageMaker reads, fewer when the search for the manifest's own package
 * already described it.
 */
import type { DescribeModelPackageOutput, ModelPackageSummary } from '@aws-sdk/client-sagemaker';
import { MANIFEST_KEY } from '../action-entries.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { describeError } from '../sagemaker/errors.js';
import type { Search } from '../package/find.js';

/** The `compare-to` input, read. */
export type CompareTo =
  { kind: 'approved' } | { kind: 'latest' } | { kind: 'stage'; stage: string };

export const DEFAULT_COMPARE_TO: CompareTo = { kind: 'approved' };

/** As the input spells it: `approved`, `latest`, `stage:Production`. */
export function compareToText(compareTo: CompareTo): string {
  return compareTo.kind === 'stage' ? `stage:${compareTo.stage}` : compareTo.kind;
}

/**
 * How many of a group's newest versions are looked through for one in a stage:
 * ListModelPackages has no stage filter, and its summaries carry `ModelLifeCycle`.
 */
export const STAGE_SEARCH = 100;

export interface Live {
  live: DescribeModelPackageOutput | null;
  note: string | null;
}

export interface LiveOptions {
  api: SageMakerApi;
  compareTo: CompareTo;
  /** The manifest's key (package/fingerprint.ts `manifestKey`). */
  manifestKey: string;
  signal?: AbortSignal;
}

/** The live version; a lookup SageMaker refuses is a note, never a failure of the run. */
export async function liveVersion(
  request: ModelPackageManifest,
  search: Search,
  options: LiveOptions,
): Promise<Live> {
  try {
    return request.ModelPackageGroupName
      ? await liveOfGroup(request.ModelPackageGroupName, search, options)
      : await liveOfManifest(options);
  } catch (e) {
    if (options.signal?.aborted) throw e;
    return { live: null, note: `the live version could not be looked up: ${describeError(e)}` };
  }
}

const WHICH: Record<CompareTo['kind'], (group: string, stage?: string) => string> = {
  approved: (group) => `no Approved version of ${group}`,
  latest: (group) => `${group} has no versions`,
  stage: (group, stage) =>
    `none of the newest ${STAGE_SEARCH} versions of ${group} is in stage ${stage}`,
};

async function liveOfGroup(group: string, search: Search, options: LiveOptions): Promise<Live> {
  const { api, compareTo, signal } = options;
  if ('missing' in search && search.missing === 'group') {
    return { live: null, note: `new: nothing to compare (the group ${group} does not exist yet)` };
  }
  const newest = {
    ModelPackageGroupName: group,
    SortBy: 'CreationTime' as const,
    SortOrder: 'Descending' as const,
  };
  let summary: ModelPackageSummary | undefined;
  if (compareTo.kind === 'stage') {
    const versions = await api.listModelPackages(
      { ...newest, MaxResults: STAGE_SEARCH },
      { abortSignal: signal },
    );
    summary = versions.find((v) => v.ModelLifeCycle?.Stage === compareTo.stage);
  } else {
    const approved =
      compareTo.kind === 'approved' ? { ModelApprovalStatus: 'Approved' as const } : {};
    [summary] = await api.listModelPackages(
      { ...newest, ...approved, MaxResults: 1 },
      { abortSignal: signal },
    );
  }
  if (!summary?.ModelPackageArn) {
    const stage = compareTo.kind === 'stage' ? compareTo.stage : undefined;
    return { live: null, note: `new: nothing to compare (${WHICH[compareTo.kind](group, stage)})` };
  }
  const live =
    search.described.get(summary.ModelPackageArn) ??
    (await api.describeModelPackage(summary.ModelPackageArn, { abortSignal: signal }));
  return {
    live: live ?? null,
    note: live ? null : `${summary.ModelPackageArn} could not be described`,
  };
}

/**
 * The newest unversioned package made from this manifest: one Search on the tag the
 * action records. Whether Search filters model packages on `Tags.<key>` is *unverified*
 * (the Search reference lists tags as searchable for resources that have them); a refusal
 * is a note. (Once a listing exists, SPEC §9, the package of the product's newest version
 * comes first.)
 */
async function liveOfManifest({ api, manifestKey, signal }: LiveOptions): Promise<Live> {
  const [newest] = await api.searchModelPackages(
    { Filters: [{ Name: `Tags.${MANIFEST_KEY}`, Operator: 'Equals', Value: manifestKey }] },
    1,
    { abortSignal: signal },
  );
  if (!newest) {
    return { live: null, note: 'new: nothing to compare (no earlier package of this manifest)' };
  }
  return { live: newest as DescribeModelPackageOutput, note: null };
}
