/**
 * A manifest's plan (SPEC §6): the package this manifest made before (found by its
 * fingerprint), the live version it is compared with, what differs, and what the change
 * costs. Read-only: publish, verify and dry runs with credentials make the same plan.
 * Its reads: the search for the manifest's own package, and at most two for the live
 * version (none when the search described it already).
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { findExisting, type Search } from '../package/find.js';
import { differences, METADATA_MEMBERS } from './diff.js';
import { compareToText, liveVersion, type CompareTo } from './live.js';
import { lifeCycleOf } from './life-cycle.js';
import type { MemberChange, PackagePlan, PlannedPackage } from './types.js';

export interface PlanOptions {
  api: SageMakerApi;
  compareTo: CompareTo;
  /** The manifest's key (package/fingerprint.ts `manifestKey`). */
  manifestKey: string;
  signal?: AbortSignal;
}

export interface Planned {
  search: Search;
  plan: PackagePlan;
}

/**
 * Whether SageMaker updates this package in place: UpdateModelPackage "Updates a
 * versioned model" (API reference). Kept here, in one place: whether it also updates an
 * unversioned package is *unverified*.
 */
export function updatesInPlace(description: DescribeModelPackageOutput): boolean {
  return description.ModelPackageVersion !== undefined;
}

export function plannedPackage(d: DescribeModelPackageOutput): PlannedPackage {
  return {
    arn: d.ModelPackageArn ?? '',
    version: d.ModelPackageVersion ?? null,
    name: d.ModelPackageVersion === undefined ? (d.ModelPackageName ?? null) : null,
    approvalStatus: d.ModelApprovalStatus ?? null,
    lifeCycle: lifeCycleOf(d.ModelLifeCycle),
    createdAt: d.CreationTime instanceof Date ? d.CreationTime.toISOString() : null,
  };
}

/**
 * The metadata members the manifest changes on its package, and notes on what is left
 * as it is: members only the package has (the action never removes what it may not have
 * set), and everything on a package SageMaker does not update in place.
 */
export function metadataChanges(
  request: ModelPackageManifest,
  found: DescribeModelPackageOutput,
): { inPlace: MemberChange[]; notes: string[] } {
  const { changes } = differences(request, found, METADATA_MEMBERS);
  const notes: string[] = [];
  // The card's content is one document: what the manifest no longer has in it goes with
  // the rest. A property, the source URI or the whole card may have been set by others.
  const kept = changes.filter(
    (c) => c.change === 'removed' && !c.path.startsWith('ModelCard.ModelCardContent.'),
  );
  if (kept.length) {
    notes.push(
      `Left on the package, though not in the manifest: ${kept.map((c) => c.path).join(', ')} (a run never removes metadata).`,
    );
  }
  let inPlace = changes.filter((c) => !kept.includes(c));
  if (inPlace.length && !updatesInPlace(found)) {
    notes.push(
      `The manifest changes ${inPlace.map((c) => c.path).join(', ')}, which stay as they were: SageMaker updates metadata in place on versions only (an unversioned package keeps what it was created with).`,
    );
    inPlace = [];
  }
  if (
    found.ModelCard?.ModelCardStatus === 'Archived' &&
    inPlace.some((c) => c.path.startsWith('ModelCard'))
  ) {
    notes.push(
      'The model card is Archived: SageMaker does not update an archived card; it stays as it is.',
    );
    inPlace = inPlace.filter((c) => !c.path.startsWith('ModelCard'));
  }
  return { inPlace, notes };
}

export async function planManifest(
  request: ModelPackageManifest,
  options: PlanOptions,
): Promise<Planned> {
  const search = await findExisting(request, options.api, options.signal);
  const { live, note } = await liveVersion(request, search, options);
  const found = 'found' in search ? search.found : undefined;
  const { inPlace, notes } = found ? metadataChanges(request, found) : { inPlace: [], notes: [] };
  const difference = live ? differences(request, live) : { changes: [], omitted: 0 };
  return {
    search,
    plan: {
      compareTo: compareToText(options.compareTo),
      live: live ? plannedPackage(live) : null,
      note,
      changes: difference.changes,
      changesOmitted: difference.omitted,
      cost: !found ? 'new-version' : inPlace.length ? 'in-place' : 'none',
      package: found ? plannedPackage(found) : null,
      inPlace,
      notes,
    },
  };
}
