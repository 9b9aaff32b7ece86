/** The action's outputs (action.yml), derived from a run's outcome, each within GitHub's limit. */
import { OUTPUT_BYTES, sizeOf } from './limits.js';
import type { MemberChange, PackagePlan, PlannedPackage } from './plan/types.js';
import { aggregateStatus, type Outcome, type PackageResult, type StatusItem } from './results.js';

/** Every output of action.yml; a test keeps the two equal. */
export const OUTPUT_NAMES = [
  'model-package-arn',
  'model-package-version',
  'status',
  'failure-reason',
  'results',
  'comment-url',
  'report',
  'plan',
  'listing-change-set-id',
] as const;

export type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>;

/** What the reports produced: the comment's URL and the `report` output's markdown. */
export interface Reported {
  commentUrl?: string;
  /** The job summary's markdown, within an output's limit (the reporter shortens it). */
  report?: string;
}

/** The outputs, and a note for each one that had to be shortened. */
export function outputsOf(
  outcome: Outcome,
  { commentUrl = '', report = '' }: Reported = {},
  max = OUTPUT_BYTES,
): { outputs: Outputs; notes: string[] } {
  const { results, failure } = outcome;
  const first = results[0];
  const { json, note } = resultsJson(results, max);
  const plan = planJson(results, max);
  return {
    outputs: {
      'model-package-arn': first?.arn ?? '',
      'model-package-version': first?.version != null ? String(first.version) : '',
      // A sync that found nothing to conclude did all it had to.
      status: results.length === 0 && !failure ? 'Completed' : aggregateStatus(results),
      'failure-reason':
        failure?.reason ?? results.find((r) => r.failureReason)?.failureReason ?? '',
      results: json,
      'comment-url': commentUrl,
      report,
      plan: plan.json,
      'listing-change-set-id': listingChangeSetId(results),
    },
    notes: [note, plan.note].filter((n): n is string => Boolean(n)),
  };
}

/** A change set ID as the Catalog API's model allows it (1–255, ^[\w\-]+$); anything else is not one. */
const CHANGE_SET_ID = /^[\w-]{1,255}$/;

/** The change set of the first listing that has one. */
function listingChangeSetId(results: readonly PackageResult[]): string {
  const id = results.find((r) => r.listing?.changeSetId)?.listing?.changeSetId ?? '';
  return CHANGE_SET_ID.test(id) ? id : '';
}

const SHORT = 1000;
const FEW_PROBLEMS = 20;
const FEW_LOG_LINES = 10;

function shorten(value: string | null): string | null {
  return value && value.length > SHORT ? `${value.slice(0, SHORT)}… (cut)` : value;
}

/** A validation profile with long texts cut and its log excerpt's last lines only. */
function briefItem(item: StatusItem): StatusItem {
  const brief = { ...item, failureReason: shorten(item.failureReason) };
  const d = item.diagnosis;
  if (d) {
    brief.diagnosis = {
      ...d,
      failureReason: shorten(d.failureReason),
      logExcerpt: d.logExcerpt.slice(-FEW_LOG_LINES),
      ...(d.note ? { note: shorten(d.note)! } : {}),
    };
  }
  return brief;
}

/** The first changes a brief plan keeps. */
const FEW_CHANGES = 20;

function briefChange(change: MemberChange): MemberChange {
  const brief: MemberChange = { ...change, path: shorten(change.path)! };
  if (change.old !== undefined) brief.old = shorten(change.old)!;
  if (change.new !== undefined) brief.new = shorten(change.new)!;
  return brief;
}

function briefPackage(planned: PlannedPackage | null): PlannedPackage | null {
  if (!planned) return null;
  return {
    ...planned,
    approvalStatus: shorten(planned.approvalStatus),
    lifeCycle: briefLifeCycle(planned.lifeCycle),
  };
}

function briefLifeCycle(lifeCycle: PackageResult['lifeCycle']): PackageResult['lifeCycle'] {
  return (
    lifeCycle && {
      stage: shorten(lifeCycle.stage)!,
      stageStatus: shorten(lifeCycle.stageStatus)!,
      stageDescription: shorten(lifeCycle.stageDescription),
    }
  );
}

/** A plan with long texts cut and its first changes only (the rest counted as omitted). */
function briefPlan(plan: PackagePlan): PackagePlan {
  const changes = plan.changes.slice(0, FEW_CHANGES);
  return {
    ...plan,
    compareTo: shorten(plan.compareTo)!,
    live: briefPackage(plan.live),
    note: shorten(plan.note),
    changes: changes.map(briefChange),
    changesOmitted: plan.changesOmitted + plan.changes.length - changes.length,
    package: briefPackage(plan.package),
    inPlace: plan.inPlace.slice(0, FEW_CHANGES).map(briefChange),
    notes: plan.notes.slice(0, FEW_CHANGES).map((n) => shorten(n)!),
  };
}

/** A result with long texts cut and only its first problems. */
function brief(result: PackageResult): PackageResult {
  return {
    ...result,
    approvalStatus: shorten(result.approvalStatus),
    lifeCycle: briefLifeCycle(result.lifeCycle),
    ...(result.plan ? { plan: briefPlan(result.plan) } : {}),
    error: shorten(result.error),
    validation: result.validation.map(briefItem),
    imageScans: result.imageScans.map((v) => ({ ...v, failureReason: shorten(v.failureReason) })),
    problems: result.problems
      .slice(0, FEW_PROBLEMS)
      .map((p) => ({ ...p, member: shorten(p.member)!, message: shorten(p.message)! })),
  };
}

/**
 * `results` as JSON within `max` bytes: whole when it fits; else each result briefer (long
 * texts cut, its first problems); else the first results that fit. Always valid JSON.
 */
function resultsJson(
  results: readonly PackageResult[],
  max: number,
): { json: string; note?: string } {
  const whole = JSON.stringify(results);
  if (sizeOf(whole, 'bytes') <= max) return { json: whole };
  const briefer = results.map(brief);
  const json = JSON.stringify(briefer);
  const cut = `the 'results' output was ${sizeOf(whole, 'bytes')} bytes, over GitHub's limit of 1 MB`;
  if (sizeOf(json, 'bytes') <= max) {
    return {
      json,
      note: `${cut}: long texts were cut, log excerpts keep their last ${FEW_LOG_LINES} lines, each manifest keeps its first ${FEW_PROBLEMS} problems and each plan its first ${FEW_CHANGES} changes; the job summary has more.`,
    };
  }
  let kept = briefer.length;
  while (kept > 0 && sizeOf(JSON.stringify(briefer.slice(0, kept)), 'bytes') > max) kept--;
  return {
    json: JSON.stringify(briefer.slice(0, kept)),
    note: `${cut}: it holds the first ${kept} of ${results.length} manifests, shortened; the job summary has the rest.`,
  };
}

/** An item of the `plan` output: the manifest, its package's name or group, and its plan. */
export type PlanItem = Pick<PackageResult, 'manifest' | 'name' | 'group'> & PackagePlan;

/**
 * The `plan` output within `max` bytes: a JSON array, one item per manifest that has a
 * plan; whole when it fits, else each plan briefer (long texts cut, its first changes),
 * else the first plans that fit. Always valid JSON.
 */
function planJson(results: readonly PackageResult[], max: number): { json: string; note?: string } {
  const planned = results.filter((r) => r.plan);
  const item = (r: PackageResult, plan: PackagePlan): PlanItem => ({
    manifest: r.manifest,
    name: r.name,
    group: r.group,
    ...plan,
  });
  const whole = JSON.stringify(planned.map((r) => item(r, r.plan!)));
  if (sizeOf(whole, 'bytes') <= max) return { json: whole };
  const briefer = planned.map((r) => item(r, briefPlan(r.plan!)));
  const json = JSON.stringify(briefer);
  const cut = `the 'plan' output was ${sizeOf(whole, 'bytes')} bytes, over GitHub's limit of 1 MB`;
  if (sizeOf(json, 'bytes') <= max) {
    return {
      json,
      note: `${cut}: long texts were cut and each plan keeps its first ${FEW_CHANGES} changes (changesOmitted counts the rest); the job summary shows them.`,
    };
  }
  let kept = briefer.length;
  while (kept > 0 && sizeOf(JSON.stringify(briefer.slice(0, kept)), 'bytes') > max) kept--;
  return {
    json: JSON.stringify(briefer.slice(0, kept)),
    note: `${cut}: it holds the plans of the first ${kept} of ${planned.length} manifests, shortened; the job summary has the rest.`,
  };
}
