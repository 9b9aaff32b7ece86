/**
 * What a pull request changes (SPEC §6 "Plan"): per manifest, the live version it is
 * compared with (`compare-to`), each changed member, and what the change costs. Types
 * only: the `plan` output, `results[].plan` and every report show these.
 */

/** What a manifest's change costs (SPEC §4): a version SageMaker validates again, an update in place, or nothing. */
export type PlanCost = 'new-version' | 'in-place' | 'none';

/** A package's `ModelLifeCycle`, as SageMaker describes it. */
export interface LifeCycle {
  /** `Stage`, such as `Production`. */
  stage: string;
  /** `StageStatus`, such as `Approved`. */
  stageStatus: string;
  /** `StageDescription`, when it has one. */
  stageDescription: string | null;
}

/** A package as a plan shows it: the live version, or the package of this manifest. */
export interface PlannedPackage {
  /** The package's ARN. */
  arn: string;
  /** Its version in the group; null for an unversioned package. */
  version: number | null;
  /** `ModelPackageName` of an unversioned package; null for a version. */
  name: string | null;
  /** `ModelApprovalStatus`; null for an unversioned package. */
  approvalStatus: string | null;
  /** `ModelLifeCycle`; null when it has no stage. */
  lifeCycle: LifeCycle | null;
  /** When SageMaker created it (ISO 8601). */
  createdAt: string | null;
}

/** One member that differs, by its path as the manifest spells it. */
export interface MemberChange {
  /** `InferenceSpecification.Containers[0].Image`; for a list of values, the list's path. */
  path: string;
  /**
   * `changed`: `old` → `new`; `added`: a member or list item only the manifest has (`new`);
   * `removed`: one only the other package has (`old`).
   */
  change: 'changed' | 'added' | 'removed';
  /** The other package's value, as text (JSON for what is not a string), long values shortened with a digest. */
  old?: string;
  /** The manifest's value, as `old` is written. */
  new?: string;
  /** Repository metadata (`ModelCard`, `CustomerMetadataProperties`, `SourceUri`): updated in place, never validated. */
  metadata: boolean;
}

export interface PackagePlan {
  /** The `compare-to` input: `approved`, `latest` or `stage:<Stage>`. */
  compareTo: string;
  /** The live version the manifest is compared with; null when there is none. */
  live: PlannedPackage | null;
  /** Why there is no live version, or what bounded the search for it. */
  note: string | null;
  /** What differs between the manifest and the live version, in the manifest's order. */
  changes: MemberChange[];
  /** How many more changes there are after `changes` (each list is bounded). */
  changesOmitted: number;
  /** What the change costs: `new-version`, `in-place` or `none`. */
  cost: PlanCost;
  /**
   * The package this manifest made before, reused or updated in place; null when the
   * change makes a new one (or in a dry run without one).
   */
  package: PlannedPackage | null;
  /** The metadata members the package differs in: what `publish` updates in place (cost `in-place`). */
  inPlace: MemberChange[];
  /** Said with the plan: metadata left as it is, and why (an unversioned package, an archived card). */
  notes: string[];
}
