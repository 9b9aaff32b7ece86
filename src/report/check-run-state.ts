/**
 * What a check run carries for a later `sync` run (SPEC §4, §10): the
 * manifest, the job's label, the pull request commented on and the package's result as
 * the run last knew it, so that `sync`, which reads no manifest, concludes the check run
 * and updates the comment with the report a waiting run would have written. It is a
 * hidden line at the end of the check run's summary, base64url JSON, written and read
 * here only. A concluded check run carries it too, with the result it was concluded with:
 * a dispatched `sync` of an approval or stage change (sync/dispatch.ts) writes that report
 * again with the package's new approval status and stage.
 *
 * A listing's check run (SPEC §9) carries the same, with `listing: true`: the result's
 * validation has ended, and its listing's change set is what the sync describes.
 */
import type { PackagePlan } from '../plan/types.js';
import { cutTo } from '../limits.js';
import { emptyResult, type ListingResult, type PackageResult } from '../results.js';

const PREFIX = '<!-- sagemaker-model-package-action state=';
const SUFFIX = ' -->';
/**
 * The state's format. `listing` was added without a new version: a sync of an earlier
 * release takes only check runs named `SageMaker validation: …`, never a listing's, and
 * reads no member it does not know; a state without `listing` is a validation's.
 */
const VERSION = 1;

/** The most characters the state line may take; the result is shortened beyond it. */
export const MAX_STATE_CHARACTERS = 30_000;

export interface CheckRunState {
  /** The result before validation ended: identity, manifest, links, problems. */
  result: PackageResult;
  label?: string;
  /** The URL of the run that created the package: the report's run link and details_url. */
  runUrl?: string;
  /** The commit the run's comment names (the workflow's commit). */
  commit?: string;
  /** The pull request whose comment reports the package; none: no comment to update. */
  pullRequest?: number;
  /** The state of a listing's check run: the sync concludes the result's listing. */
  listing?: true;
}

function encode(state: CheckRunState): string {
  const json = JSON.stringify({ v: VERSION, ...state });
  return `${PREFIX}${Buffer.from(json, 'utf8').toString('base64url')}${SUFFIX}`;
}

/** A plan with its first few changes only, the rest counted. */
function briefPlan(plan: PackagePlan): PackagePlan {
  const keep = 10;
  return {
    ...plan,
    changes: plan.changes.slice(0, keep),
    changesOmitted: plan.changesOmitted + Math.max(0, plan.changes.length - keep),
    inPlace: plan.inPlace.slice(0, keep),
    notes: [],
  };
}

/**
 * A listing with what identifies it and its change set only, each text cut to 200
 * characters: its failure, errors and note left out.
 */
function briefListing(listing: ListingResult): ListingResult {
  const short = <T extends string | null>(value: T): T =>
    (typeof value === 'string' ? cutTo(value, 200, 'characters') : value) as T;
  return {
    file: short(listing.file),
    product: short(listing.product),
    productTitle: short(listing.productTitle),
    versionTitle: short(listing.versionTitle),
    intent: short(listing.intent),
    status: short(listing.status),
    changeSetId: short(listing.changeSetId),
    changeSetName: short(listing.changeSetName),
    startedAt: short(listing.startedAt),
    endedAt: short(listing.endedAt),
    failureCode: short(listing.failureCode),
    failureDescription: null,
    errors: [],
    link: listing.link && listing.link.length <= 600 ? listing.link : null,
    note: null,
  };
}

/**
 * Ever shorter forms of a result for the state line: without its problems, without the
 * validation's statuses, with a brief plan, without a plan, and at last its identity (and
 * a brief listing) alone. Text from a manifest, from SageMaker or from AWS Marketplace
 * can make any of the others too long.
 */
const SHORTER: ((result: PackageResult) => PackageResult)[] = [
  (r) => ({ ...r, problems: [] }),
  (r) => ({ ...r, validation: [], imageScans: [] }),
  (r) => ({ ...r, plan: r.plan && briefPlan(r.plan) }),
  (r) => ({ ...r, plan: undefined }),
  (r) => ({ ...r, listing: r.listing && briefListing(r.listing) }),
  (r) => ({
    ...emptyResult(r.manifest, r.status),
    name: r.name,
    group: r.group,
    version: r.version,
    arn: r.arn,
    region: r.region,
    reused: r.reused,
    createdAt: r.createdAt,
    validatedAt: r.validatedAt,
    ...(r.listing ? { listing: briefListing(r.listing) } : {}),
  }),
];

/** The hidden line of `state`, within {@link MAX_STATE_CHARACTERS}. */
export function stateLine(state: CheckRunState): string {
  // While it validates, the validation's statuses come from SageMaker when it ends. Once
  // it ended (a concluded check run, or a listing's), they are kept: a dispatched sync of
  // an approval or stage change writes the report again with them.
  let result: PackageResult =
    state.result.status === 'InProgress'
      ? { ...state.result, validation: [], imageScans: [] }
      : state.result;
  let line = encode({ ...state, result });
  for (const shorter of SHORTER) {
    if (line.length <= MAX_STATE_CHARACTERS) break;
    result = shorter(result);
    line = encode({ ...state, result });
  }
  return line;
}

/** The state at the end of a check run's summary, when it has one this version can read. */
export function readState(summary: string | null | undefined): CheckRunState | undefined {
  const lastLine = (summary ?? '').trimEnd().split('\n').pop() ?? '';
  if (!lastLine.startsWith(PREFIX) || !lastLine.endsWith(SUFFIX)) return undefined;
  try {
    const value: unknown = JSON.parse(
      Buffer.from(lastLine.slice(PREFIX.length, -SUFFIX.length), 'base64url').toString('utf8'),
    );
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, ...state } = value as CheckRunState & { v?: unknown };
    const result = state.result as Partial<PackageResult> | undefined;
    if (v !== VERSION || typeof result?.manifest !== 'string') return undefined;
    if (state.pullRequest !== undefined && !Number.isInteger(state.pullRequest)) return undefined;
    if (state.listing !== undefined && state.listing !== true) return undefined;
    return state;
  } catch {
    return undefined;
  }
}
