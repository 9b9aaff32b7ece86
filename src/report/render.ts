/**
 * Rendering of a run's results, one module for both places people look: the job summary
 * (every package of the run) and the pull-request comment (one package, with a hidden
 * marker). Per package: status with an icon, identity (with its approval status and
 * stage), timings, what the manifest changes against the live version (render-plan.ts),
 * the validation profiles and image scans with their failure reasons, the AWS Marketplace
 * listing (render-listing.ts), links, the manifest's problems and, for a dry run, the
 * request. The check run of a package carries the same report; a listing's check run, its
 * listing. Text from AWS or a manifest is escaped; long bodies are cut.
 */
import {
  CHECK_RUN_OUTPUT_CHARACTERS,
  COMMENT_CHARACTERS,
  cutTo,
  sizeOf,
  SUMMARY_BYTES,
  type Measure,
} from '../limits.js';
import { countProblems, formatCounts } from '../manifest/problems.js';
import { REASONS } from '../reasons.js';
import { displayName, type PackageResult, type PackageStatus } from '../results.js';
import { plural } from '../text.js';
import { combinedMarker, commentMarker } from './comment-marker.js';
import { LINK_TITLES, type PackageLinks } from './links.js';
import { code, codeBlock, details, table, text, url } from './markdown.js';
import { renderDiagnoses, withoutGenericJobLinks } from './render-diagnosis.js';
import {
  listingIcon,
  listingOpen,
  listingStatusWords,
  LISTING_NAME_CHARACTERS,
  renderListing,
} from './render-listing.js';
import {
  approvalAndStage,
  PLAN_FOLD_ROWS,
  planCell,
  planHeadline,
  renderPlan,
  stageLine,
} from './render-plan.js';

const ICONS: Record<PackageStatus, string> = {
  DryRun: '🔍',
  Completed: '✅',
  Failed: '❌',
  InProgress: '⏳',
};

function icon(result: PackageResult): string {
  return (result.failureReason && REASONS[result.failureReason].icon) || ICONS[result.status];
}

export interface RenderOptions {
  commit?: string;
  runUrl?: string;
  /** The resolved request of a dry run. */
  request?: unknown;
  /** Failure reasons and errors longer than this are cut. */
  reasonLimit?: number;
  /** The job's `label`, shown next to the package's name. */
  label?: string;
  /**
   * The repository's files at the commit the problems are about
   * (`<server>/<owner>/<repo>/blob/<sha>`): each problem links to its file and line.
   */
  sourceUrl?: string;
  /** Fold the plan's table of changes when it has more rows than this (comments). */
  foldPlanAbove?: number;
}

function cut(value: string, limit: number, runUrl: string | undefined): string {
  if (value.length <= limit) return text(value);
  const where = runUrl ? ` in the [workflow run](${url(runUrl)})` : ' in the workflow run';
  return `${text(value.slice(0, limit))}… *(cut; ${value.length} characters${where})*`;
}

function headline(result: PackageResult, limit: number, runUrl?: string): string {
  const { errors } = countProblems(result.problems, result.problemsOmitted);
  const origin = result.verified
    ? 'the package of this manifest, found by its fingerprint'
    : result.reused
      ? 'reused the package of an earlier run'
      : 'new package';
  if (result.failureReason) {
    const why = (fallback: string) => cut(result.error ?? fallback, limit, runUrl);
    return REASONS[result.failureReason].headline(why, origin, errors);
  }
  switch (result.status) {
    case 'DryRun':
      return 'dry run: the manifest is valid; nothing was created';
    case 'Completed':
      return `${result.verified ? 'verified: ' : ''}validation completed (${origin})`;
    case 'Failed':
      return cut(result.error ?? 'failed', limit, runUrl);
    default:
      return `validating (${origin})`;
  }
}

/** How long validation took: in minutes, or "less than a minute". */
function durationBetween(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return ms < 60_000 ? 'less than a minute' : `${Math.round(ms / 60_000)} min`;
}

function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function identity(result: PackageResult, commit: string | undefined, limit: number): string {
  const rows: string[][] = [];
  if (result.name) rows.push(['Package', `${code(result.name)} (unversioned)`]);
  if (result.group) {
    const version =
      result.version != null
        ? `version ${result.version}`
        : result.verified
          ? 'no version of this manifest'
          : 'new version';
    rows.push(['Group', `${code(result.group)} (${version})`]);
  }
  if (result.arn) rows.push(['ARN', code(result.arn)]);
  if (result.approvalStatus) {
    rows.push(['Approval status', approvalAndStage(result.approvalStatus, null, limit)]);
  }
  if (result.lifeCycle) rows.push(['Stage', stageLine(result.lifeCycle, limit)]);
  rows.push(['Region', result.region ? code(result.region) : 'not set']);
  if (commit) rows.push(['Commit', code(commit.slice(0, 12))]);
  if (result.createdAt) {
    const by = result.reused ? 'by an earlier run' : 'by this run';
    rows.push(['Created', `${formatTime(result.createdAt)} ${by}`]);
  }
  if (result.createdAt && result.validatedAt) {
    const duration = durationBetween(result.createdAt, result.validatedAt);
    rows.push(['Validated', `after ${duration} (${formatTime(result.validatedAt)})`]);
  }
  return rows.map(([label, value]) => `- **${label}:** ${value}`).join('\n');
}

function statusTable(
  title: string,
  items: PackageResult['validation'],
  limit: number,
  runUrl?: string,
): string {
  const rows = items.map((i) => [
    text(i.name),
    text(i.status),
    i.failureReason ? cut(i.failureReason, limit, runUrl) : '',
  ]);
  return table([title, 'Status', 'Failure reason'], rows);
}

function links(result: PackageResult): string {
  const entries = (Object.keys(LINK_TITLES) as (keyof PackageLinks)[])
    .map((key) => [LINK_TITLES[key], result.links[key]] as const)
    .filter((entry): entry is readonly [string, string] => Boolean(entry[1]));
  return entries.map(([title, href]) => `[${title}](${url(href)})`).join(' · ');
}

/**
 * The URL of a line of a file under `sourceUrl`: each segment of the path percent-encoded,
 * so no file name can end the link, add a query or a fragment, or climb out of the commit.
 */
export function sourceLineUrl(sourceUrl: string, path: string, line: number): string {
  const segments = path.split('/').map((segment) =>
    // encodeURIComponent leaves these; parentheses could end a markdown link.
    encodeURIComponent(segment).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    ),
  );
  const anchor = Number.isInteger(line) && line > 0 ? `#L${line}` : '';
  return `${sourceUrl.replace(/\/+$/, '')}/${segments.join('/')}${anchor}`;
}

function problems(
  result: PackageResult,
  limit: number,
  runUrl?: string,
  sourceUrl?: string,
): string {
  const lines = result.problems.map((p) => {
    const mark = p.severity === 'error' ? '❌' : '⚠️';
    const member = p.member ? ` ${code(p.member)}` : '';
    const file = p.file ?? result.manifest;
    const position = code(`${file}:${p.line}:${p.column}`);
    const where = sourceUrl
      ? `[${position}](${url(sourceLineUrl(sourceUrl, file, p.line))})`
      : position;
    return `- ${mark} ${where}${member}: ${cut(p.message, limit, runUrl)}`;
  });
  const omitted = result.problemsOmitted;
  const count = omitted.errors + omitted.warnings;
  if (count > 0) {
    lines.push(`- … and ${plural(count, 'more problem')} (${formatCounts(omitted)}), not listed`);
  }
  return lines.join('\n');
}

/** One package's section, without a heading level of its own choosing. */
function renderPackage(result: PackageResult, options: RenderOptions = {}): string {
  const limit = options.reasonLimit ?? Number.POSITIVE_INFINITY;
  const title = displayName(result);
  const label = options.label ? ` (${text(options.label)})` : '';
  const parts = [
    `### ${icon(result)} ${text(title)}${label}`,
    `${code(result.manifest)}: ${headline(result, limit, options.runUrl)}`,
  ];
  if (result.failureReason !== 'invalid-manifest') {
    parts.push(identity(result, options.commit, limit));
  }
  if (result.plan) {
    parts.push(
      renderPlan(result.plan, { group: result.group, limit, foldAbove: options.foldPlanAbove }),
    );
  }
  if (result.validation.length) {
    parts.push(statusTable('Validation profile', result.validation, limit, options.runUrl));
    const why = renderDiagnoses(result.validation, limit);
    if (why) parts.push(why);
  }
  if (result.imageScans.length) {
    parts.push(statusTable('Image scan', result.imageScans, limit, options.runUrl));
  }
  if (result.listing) {
    parts.push(
      renderListing(result.listing, { limit, failed: result.failureReason === 'listing-failed' }),
    );
  }
  const linkLine = links(withoutGenericJobLinks(result));
  if (linkLine) parts.push(linkLine);
  const found = problems(result, limit, options.runUrl, options.sourceUrl);
  if (found) parts.push(found);
  if (options.request !== undefined) {
    parts.push(
      details(
        'Request that would be sent (CreateModelPackage)',
        codeBlock(JSON.stringify(options.request, null, 2), 'json'),
      ),
    );
  }
  return parts.join('\n\n');
}

/**
 * The longest rendering within `max` (characters or bytes): failure reasons are cut shorter
 * and shorter, and as a last resort the body itself, with a note that says where the rest is.
 */
export function fit(
  render: (reasonLimit: number) => string,
  max: number,
  runUrl?: string,
  measure: Measure = 'characters',
): string {
  for (const limit of [Number.POSITIVE_INFINITY, 4000, 1000, 200]) {
    const body = render(limit);
    if (sizeOf(body, measure) <= max) return body;
  }
  const where = runUrl ? `the [workflow run](${url(runUrl)})` : 'the workflow run';
  const note = `\n\n*… cut at ${max} ${measure}; the full report is in ${where}.*\n`;
  return cutTo(render(200), max - sizeOf(note, measure), measure) + note;
}

export interface SummaryInput {
  results: readonly PackageResult[];
  /** Per manifest path, the resolved request (dry runs). */
  requests?: ReadonlyMap<string, unknown>;
  commit?: string;
  runUrl?: string;
  /** A failure of the whole run, before any manifest was read. */
  runError?: string;
  /** Markdown shown after the heading (a `sync` run's account). */
  note?: string;
  /** See {@link RenderOptions.sourceUrl}. */
  sourceUrl?: string;
}

/** The job summary: every package of the run, within `max` bytes. */
export function renderSummary(input: SummaryInput, max = SUMMARY_BYTES): string {
  return fit(
    (reasonLimit) => {
      const parts: string[] = ['## SageMaker model package'];
      if (input.note) parts.push(input.note);
      if (input.runError) parts.push(`❌ ${cut(input.runError, reasonLimit, input.runUrl)}`);
      for (const result of input.results) {
        parts.push(
          renderPackage(result, {
            commit: input.commit,
            runUrl: input.runUrl,
            request: input.requests?.get(result.manifest),
            reasonLimit,
            sourceUrl: input.sourceUrl,
          }),
        );
      }
      return `${parts.join('\n\n')}\n`;
    },
    max,
    input.runUrl,
    'bytes',
  );
}

/** A pull-request comment for one package, starting with its marker. */
export function renderComment(
  result: PackageResult,
  options: Omit<RenderOptions, 'reasonLimit'> = {},
): string {
  return fit(
    (reasonLimit) =>
      [
        commentMarker(result.manifest, options.label),
        renderPackage(result, { foldPlanAbove: PLAN_FOLD_ROWS, ...options, reasonLimit }),
        COMMENT_FOOTER,
      ].join('\n\n'),
    COMMENT_CHARACTERS,
    options.runUrl,
  );
}

const COMMENT_FOOTER =
  '<sub>SageMaker model package action · this comment is updated on every status change</sub>';

function statusCell(result: PackageResult): string {
  return `${icon(result)} ${text(result.status)}`;
}

/** The failure-reason keyword, and what the report says about it, in a few words. */
function reasonCell(result: PackageResult, runUrl?: string): string {
  if (!result.failureReason) return '';
  const failed = [...result.validation, ...result.imageScans].find((i) => i.failureReason);
  const why = result.error ?? failed?.failureReason;
  return `${code(result.failureReason)}${why ? `: ${cut(why, 200, runUrl)}` : ''}`;
}

/**
 * The table atop a combined comment: one row per package of the run, with what each
 * manifest changes when any was planned.
 */
function packageTable(results: readonly PackageResult[], runUrl?: string): string {
  const planned = results.some((r) => r.plan);
  return table(
    ['Package', 'Status', 'Version', ...(planned ? ['Plan'] : []), 'Failure reason'],
    results.map((r) => [
      code(displayName(r)),
      statusCell(r),
      r.version != null ? String(r.version) : r.name ? 'unversioned' : '',
      ...(planned ? [planCell(r.plan)] : []),
      reasonCell(r, runUrl),
    ]),
  );
}

/**
 * The one pull-request comment of `comment: combined`: its marker, a table of every
 * package of the run, then each package's section as in its own comment. Within GitHub's
 * limit, failure reasons are cut first, then the sections from the last (the table stays),
 * with a note that links to the run.
 */
export function renderCombinedComment(
  results: readonly PackageResult[],
  options: Omit<RenderOptions, 'reasonLimit' | 'request'> = {},
  max = COMMENT_CHARACTERS,
): string {
  const label = options.label ? ` (${text(options.label)})` : '';
  const head = [
    combinedMarker(options.label),
    `## SageMaker model packages${label}`,
    packageTable(results, options.runUrl),
  ].join('\n\n');
  const where = options.runUrl ? `the [workflow run](${url(options.runUrl)})` : 'the workflow run';
  const body = (sections: readonly string[], note?: string) =>
    [head, ...sections, ...(note ? [note] : []), COMMENT_FOOTER].join('\n\n');
  let sections: string[] = [];
  for (const limit of [Number.POSITIVE_INFINITY, 4000, 1000, 200]) {
    sections = results.map((r) =>
      renderPackage(r, { foldPlanAbove: PLAN_FOLD_ROWS, ...options, reasonLimit: limit }),
    );
    const whole = body(sections);
    if (whole.length <= max) return whole;
  }
  // Keep the sections that fit, in order, with a note that says how many were left out.
  const noteOf = (kept: number) =>
    `*… ${results.length - kept} of ${results.length} package sections were left out to stay within GitHub's ${max} characters; the table above lists every package, and the full report is in ${where}.*`;
  const fixed = body([], noteOf(0)).length;
  let kept = 0;
  for (let size = fixed; kept < sections.length; kept++) {
    size += sections[kept]!.length + 2;
    if (size > max) break;
  }
  const fitted = body(sections.slice(0, kept), noteOf(kept));
  return fitted.length <= max ? fitted : fit(() => fitted, max, options.runUrl);
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text: string;
}

/** The check run's title: a few plain words, no markdown. */
function checkRunTitle(result: PackageResult): string {
  if (result.failureReason) return REASONS[result.failureReason].title;
  if (result.status === 'Completed') return result.verified ? 'Verified' : 'Validation completed';
  if (result.status === 'Failed') return 'Failed';
  return 'Validating';
}

/**
 * A package's check run output: a short title, the headline (with the plan's first line and
 * `note`) as its summary, and the package's report, as in its comment, with the plan open,
 * as its text; each within GitHub's limits.
 */
export function renderCheckRunOutput(
  result: PackageResult,
  options: Omit<RenderOptions, 'reasonLimit' | 'request'> & { note?: string } = {},
): CheckRunOutput {
  const { note, ...rest } = options;
  const summary = fit(
    (reasonLimit) =>
      [`${icon(result)} ${code(result.manifest)}: ${headline(result, reasonLimit, rest.runUrl)}`]
        .concat(
          result.plan
            ? [planHeadline(result.plan, { group: result.group, limit: reasonLimit })]
            : [],
        )
        .concat(note ? [note] : [])
        .join('\n\n'),
    CHECK_RUN_OUTPUT_CHARACTERS,
    rest.runUrl,
  );
  const report = fit(
    (reasonLimit) => renderPackage(result, { ...rest, reasonLimit }),
    CHECK_RUN_OUTPUT_CHARACTERS,
    rest.runUrl,
  );
  return { title: checkRunTitle(result), summary, text: report };
}

/** A listing's check run title: a few plain words, no markdown. */
function listingCheckRunTitle(result: PackageResult): string {
  const listing = result.listing!;
  switch (listing.status) {
    case 'PREPARING':
    case 'APPLYING':
      return 'Listing in progress';
    case 'SUCCEEDED':
      return listing.intent === 'VALIDATE' ? 'Listing validated' : 'Version added';
    case 'LISTED':
      return 'Already listed';
    case 'CANCELLED':
      return 'Change set cancelled';
    case 'FAILED':
      return 'Listing failed';
    default:
      return result.failureReason === 'listing-failed' ? 'Not listed' : 'Nothing submitted';
  }
}

/**
 * The output of a package's AWS Marketplace listing check run: a short title; the listing
 * in one line (with why it failed, and `note`) as its summary; the package's name and
 * the listing section as its text; each within GitHub's limits.
 */
export function renderListingCheckRunOutput(
  result: PackageResult & { listing: NonNullable<PackageResult['listing']> },
  options: Omit<RenderOptions, 'reasonLimit' | 'request'> & { note?: string } = {},
): CheckRunOutput {
  const { listing } = result;
  const failed = result.failureReason === 'listing-failed';
  const { note, runUrl } = options;
  const summary = fit(
    (reasonLimit) => {
      const bound = Math.min(LISTING_NAME_CHARACTERS, reasonLimit);
      const version = `version ${code(cutTo(String(listing.versionTitle), bound, 'characters'))} of ${code(cutTo(String(listing.product), bound, 'characters'))}`;
      const why =
        failed && result.error && !listingOpen(listing)
          ? `: ${cut(result.error, Math.min(reasonLimit, 4000), runUrl)}`
          : '';
      const line = `${listingIcon(listing, failed)} ${code(result.manifest)}: ${version}: ${listingStatusWords(listing)}${why}`;
      return [line, ...(note ? [note] : [])].join('\n\n');
    },
    CHECK_RUN_OUTPUT_CHARACTERS,
    runUrl,
  );
  const label = options.label ? ` (${text(options.label)})` : '';
  const report = fit(
    (reasonLimit) =>
      [
        `### ${listingIcon(listing, failed)} ${text(displayName(result))}${label}`,
        `${code(result.manifest)}${result.arn ? `: ${code(result.arn)}` : ''}`,
        renderListing(listing, { limit: reasonLimit, failed }),
        ...(runUrl ? [`[Workflow run](${url(runUrl)})`] : []),
      ].join('\n\n'),
    CHECK_RUN_OUTPUT_CHARACTERS,
    runUrl,
  );
  return { title: listingCheckRunTitle(result), summary, text: report };
}
