/** The action's outputs (action.yml), derived from a run's outcome, each within GitHub's limit. */
import { OUTPUT_BYTES, sizeOf } from './limits.js';
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
    },
    notes: note ? [note] : [],
  };
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

/** A result with long texts cut and only its first problems. */
function brief(result: PackageResult): PackageResult {
  return {
    ...result,
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
      note: `${cut}: long texts were cut, log excerpts keep their last ${FEW_LOG_LINES} lines and each manifest keeps its first ${FEW_PROBLEMS} problems; the job summary has more.`,
    };
  }
  let kept = briefer.length;
  while (kept > 0 && sizeOf(JSON.stringify(briefer.slice(0, kept)), 'bytes') > max) kept--;
  return {
    json: JSON.stringify(briefer.slice(0, kept)),
    note: `${cut}: it holds the first ${kept} of ${results.length} manifests, shortened; the job summary has the rest.`,
  };
}
