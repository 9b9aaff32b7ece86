/**
 * "Plan: what the pull request changes" in a report (SPEC §6), the way `terraform plan`
 * shows it: a first line with what the change costs (a new version that SageMaker validates
 * again, an update in place, or nothing) and what it is compared with (the live version,
 * with its approval status and stage), then a table of the changed members, old → new,
 * then the plan's notes. Everything in a plan comes from a manifest or from SageMaker: it
 * is escaped through `text()`/`code()`, and every value, path and note is cut to a bound
 * whatever the planner did.
 */
import { stageName } from '../plan/life-cycle.js';
import type { LifeCycle, MemberChange, PackagePlan, PlannedPackage } from '../plan/types.js';
import { plural } from '../text.js';
import { bounded, boundedCode, details, table } from './markdown.js';

/** Values, paths and notes longer than this (characters) are cut in a report. */
export const PLAN_TEXT_CHARACTERS = 300;
/** The most changes a report lists; the `plan` output lists what the planner kept. */
export const PLAN_ROWS = 50;
/** The most notes a report lists. */
const PLAN_NOTES = 10;
/** A pull-request comment folds the table of changes when it has more rows than this. */
export const PLAN_FOLD_ROWS = 10;
/** The most metadata members the first line names for an update in place. */
const IN_PLACE_NAMED = 5;

export interface PlanRenderOptions {
  /** The package's group (`ModelPackageGroupName`), to name the live version by. */
  group?: string | null;
  /** The report's bound on long texts (see `fit()`); a plan's texts are cut shorter still. */
  limit?: number;
  /** Fold the table of changes into a `<details>` block when it has more rows than this. */
  foldAbove?: number;
}

function textLimit(limit: number | undefined): number {
  return Math.min(PLAN_TEXT_CHARACTERS, limit ?? Number.POSITIVE_INFINITY);
}

/**
 * A package's approval status and stage in a few words, escaped ("Approved, stage
 * Production/Approved"); empty when it has neither.
 */
export function approvalAndStage(
  approvalStatus: string | null,
  lifeCycle: LifeCycle | null,
  limit?: number,
): string {
  const bound = textLimit(limit);
  const parts: string[] = [];
  if (approvalStatus) parts.push(bounded(approvalStatus, bound));
  if (lifeCycle) parts.push(`stage ${bounded(stageName(lifeCycle), bound)}`);
  return parts.join(', ');
}

/** A package's stage with its description, escaped ("Production/Approved: passed the load test"). */
export function stageLine(lifeCycle: LifeCycle, limit?: number): string {
  const bound = textLimit(limit);
  const stage = bounded(stageName(lifeCycle), bound);
  const description = lifeCycle.stageDescription
    ? `: ${bounded(lifeCycle.stageDescription, bound)}`
    : '';
  return `${stage}${description}`;
}

/** The live version, named ("version 7 of `fraud-detector` (Approved, stage Production/Approved)"). */
function livePackage(live: PlannedPackage, group: string | null | undefined, bound: number) {
  const what =
    live.version != null
      ? `version ${live.version}${group ? ` of ${boundedCode(group, bound)}` : ''}`
      : boundedCode(live.name ?? live.arn, bound);
  const state = approvalAndStage(live.approvalStatus, live.lifeCycle, bound);
  return state ? `${what} (${state})` : what;
}

/** What `compare-to` chose, in words. */
function compareToWords(compareTo: string, bound: number): string {
  if (compareTo === 'approved') return 'the newest Approved version';
  if (compareTo === 'latest') return 'the newest version';
  if (compareTo.startsWith('stage:')) {
    return `the newest version in stage ${boundedCode(compareTo.slice('stage:'.length), bound)}`;
  }
  return `the version ${boundedCode(`compare-to: ${compareTo}`, bound)} chose`;
}

/** The metadata members an update in place changes, by path, each once. */
function inPlaceMembers(plan: PackagePlan): string[] {
  const changes = plan.inPlace.length ? plan.inPlace : plan.changes.filter((c) => c.metadata);
  return [...new Set(changes.map((c) => c.path))];
}

/** What the change costs, in words. */
function costWords(plan: PackagePlan, bound: number): string {
  switch (plan.cost) {
    case 'new-version':
      return 'a new version, which SageMaker validates again';
    case 'in-place': {
      const paths = inPlaceMembers(plan);
      const named = paths.slice(0, IN_PLACE_NAMED).map((p) => boundedCode(p, bound));
      if (paths.length > named.length) named.push(`${paths.length - named.length} more`);
      const members = named.length ? `${named.join(', ')}, ` : '';
      return `updated in place: ${members}no new version, no validation`;
    }
    case 'none':
      return 'nothing: the package of this manifest is reused';
    default:
      return bounded(String(plan.cost), bound);
  }
}

/**
 * The plan's first line: what the change costs and what it is compared with, the live
 * version or, when there is none, why.
 */
export function planHeadline(plan: PackagePlan, options: PlanRenderOptions = {}): string {
  const bound = textLimit(options.limit);
  const cost = costWords(plan, bound);
  let against: string;
  if (plan.live) {
    const why = plan.note ? ` (${bounded(plan.note, bound)})` : '';
    const words = compareToWords(plan.compareTo, bound);
    against = `compared with ${livePackage(plan.live, options.group, bound)}, ${words}${why}`;
  } else {
    against = plan.note
      ? `no live version (${bounded(plan.note, bound)})`
      : 'no live version to compare with';
  }
  return `**Plan:** ${cost}; ${against}.`;
}

/** One row of the table: the member, its value in the live version, and in this manifest. */
function changeRow(change: MemberChange, plan: PackagePlan, bound: number): string[] {
  const inPlace = change.metadata && plan.cost === 'in-place' ? ' *(updated in place)*' : '';
  const member = `${boundedCode(change.path, bound)}${inPlace}`;
  const value = (v: string | undefined) => (v === undefined ? '' : boundedCode(v, bound));
  switch (change.change) {
    case 'added':
      return [member, '', `*added* ${value(change.new)}`.trimEnd()];
    case 'removed':
      return [member, value(change.old), '*removed*'];
    default:
      return [member, value(change.old), value(change.new)];
  }
}

/**
 * How many changes a report lists: all the planner kept, up to PLAN_ROWS, fewer as `fit()`
 * cuts the report's texts shorter to stay within GitHub's limits.
 */
function rowsWithin(limit = Number.POSITIVE_INFINITY): number {
  if (limit === Number.POSITIVE_INFINITY) return PLAN_ROWS;
  return limit >= 4000 ? 25 : limit >= 1000 ? 15 : 10;
}

/**
 * The plan section of a package's report: its first line, the table of changes (folded
 * when longer than `foldAbove` rows), how many changes are not listed, and the notes.
 */
export function renderPlan(plan: PackagePlan, options: PlanRenderOptions = {}): string {
  const bound = textLimit(options.limit);
  const parts = [planHeadline(plan, options)];
  const listed = plan.changes.slice(0, rowsWithin(options.limit));
  const omitted = plan.changes.length - listed.length + Math.max(0, plan.changesOmitted || 0);
  const changes: string[] = [];
  if (listed.length) {
    changes.push(
      table(
        ['Member', 'Live', 'This manifest'],
        listed.map((c) => changeRow(c, plan, bound)),
      ),
    );
  }
  if (omitted > 0) {
    changes.push(
      listed.length
        ? `*… and ${plural(omitted, 'more change')} after these, not listed.*`
        : `*${plural(omitted, 'change')}, not listed.*`,
    );
  } else if (!listed.length && plan.live) {
    changes.push('*No member differs from the live version.*');
  }
  if (listed.length > (options.foldAbove ?? Number.POSITIVE_INFINITY)) {
    const count = plural(listed.length + omitted, 'changed member');
    parts.push(details(count, changes.join('\n\n')));
  } else {
    parts.push(...changes);
  }
  const notes = plan.notes.slice(0, PLAN_NOTES).map((n) => `- ${bounded(n, bound)}`);
  if (plan.notes.length > notes.length) {
    notes.push(`- … and ${plural(plan.notes.length - notes.length, 'more note')}`);
  }
  if (notes.length) parts.push(notes.join('\n'));
  return parts.join('\n\n');
}

/** The plan in a few words, for a table of packages ("new version, 2 changes against version 1"). */
export function planCell(plan: PackagePlan | undefined): string {
  if (!plan) return '';
  const cost =
    plan.cost === 'new-version'
      ? 'new version'
      : plan.cost === 'in-place'
        ? 'update in place'
        : plan.cost === 'none'
          ? 'nothing (reused)'
          : bounded(String(plan.cost), PLAN_TEXT_CHARACTERS);
  if (!plan.live) return `${cost}, no live version`;
  const count = plan.changes.length + Math.max(0, plan.changesOmitted || 0);
  const live = plan.live.version != null ? `version ${plan.live.version}` : 'the live package';
  return `${cost}, ${plural(count, 'change')} against ${live}`;
}
