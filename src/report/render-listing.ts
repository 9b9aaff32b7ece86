/**
 * "AWS Marketplace listing" in a report (SPEC §9): the product and the version the listing
 * adds, what the run asked for (add the version, or validate the change only), where the
 * change set stands, with an icon, its ID linked to its page, when it started and ended,
 * why it failed (the failure code and description, each ErrorDetailList entry with what to
 * do) and the listing's note. Everything here comes from the listing file or from AWS
 * Marketplace: it is escaped through `text()`/`code()`, and every text is cut to a bound
 * whatever the listing step did, so the report stays within GitHub's limits.
 */
import { changeSetLink } from '../listing/catalog.js';
import type { ListingResult } from '../results.js';
import { plural } from '../text.js';
import { bounded, boundedCode, url } from './markdown.js';

/** Messages, descriptions and notes longer than this (characters) are cut in a report. */
export const LISTING_TEXT_CHARACTERS = 1000;
/** IDs, titles, codes and names longer than this are cut. */
export const LISTING_NAME_CHARACTERS = 200;
/** The most ErrorDetailList entries a report lists. */
export const LISTING_ERRORS = 20;

export interface ListingRenderOptions {
  /** The report's bound on long texts (see `fit()`); a listing's texts are cut shorter still. */
  limit?: number;
  /** The package failed with `listing-failed`: a listing with nothing submitted failed too. */
  failed?: boolean;
}

/** The change set's open statuses: the listing step, or a later sync, concludes them. */
const OPEN: readonly string[] = ['PREPARING', 'APPLYING'];

/** Whether the listing's change set is still open in AWS Marketplace. */
export function listingOpen(listing: ListingResult | undefined): boolean {
  return OPEN.includes(listing?.status ?? '');
}

const STATUS: Record<string, { icon: string; words: (intent: string) => string }> = {
  NOT_STARTED: { icon: '⏸️', words: () => 'nothing was submitted' },
  PREPARING: { icon: '⏳', words: () => 'AWS Marketplace is preparing the change' },
  APPLYING: { icon: '⏳', words: () => 'AWS Marketplace is applying the change' },
  SUCCEEDED: {
    icon: '✅',
    words: (intent) =>
      intent === 'VALIDATE'
        ? 'the change is valid; the product is unchanged'
        : 'the version was added to the product',
  },
  FAILED: { icon: '❌', words: () => 'AWS Marketplace refused the change' },
  CANCELLED: { icon: '⏹', words: () => 'the change set was cancelled in AWS Marketplace' },
  LISTED: { icon: '✅', words: () => 'the product already lists this package' },
};

const known = (status: string) => (Object.hasOwn(STATUS, status) ? STATUS[status] : undefined);

/** The listing's icon: its status's, or a cross for a listing that failed before submitting. */
export function listingIcon(listing: ListingResult, failed = false): string {
  const status = String(listing.status);
  if (failed && !listingOpen(listing) && status !== 'SUCCEEDED' && status !== 'LISTED') {
    return '❌';
  }
  return known(status)?.icon ?? '❔';
}

/** Where the listing stands, in a few words, escaped ("the version was added to the product"). */
export function listingStatusWords(listing: ListingResult): string {
  const status = String(listing.status);
  const words = known(status)?.words(String(listing.intent));
  return words ?? `status ${bounded(status, LISTING_NAME_CHARACTERS)}`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A time the Catalog API gave (ISO 8601) as the reports show times; anything else as text. */
function time(value: string): string {
  if (!ISO_TIME.test(value)) return bounded(value, LISTING_NAME_CHARACTERS);
  return `${value.slice(0, 10)} ${value.slice(11, 16)} UTC`;
}

/** How long the change set took, when both ends are times. */
function took(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return '';
  return ms < 60_000 ? ' (less than a minute)' : ` (after ${Math.round(ms / 60_000)} min)`;
}

/** The Catalog API's pattern of a change set ID (service model: 1–255 characters). */
export const CHANGE_SET_ID = /^[\w-]{1,255}$/;

/**
 * The change set's ID, linked to its page in the AWS Marketplace Management Portal: only
 * an ID of the Catalog API's pattern, and only the page changeSetLink() makes for it.
 */
function changeSetCell(listing: ListingResult, bound: number): string {
  const id = String(listing.changeSetId);
  const shown = boundedCode(id, bound);
  const linked = CHANGE_SET_ID.test(id) && listing.link === changeSetLink(id);
  return linked ? `[${shown}](${url(listing.link!)})` : shown;
}

/**
 * How many errors a report lists: all the step kept, up to LISTING_ERRORS, fewer as `fit()`
 * cuts the report's texts shorter to stay within GitHub's limits.
 */
function errorsWithin(limit: number): number {
  if (limit === Number.POSITIVE_INFINITY) return LISTING_ERRORS;
  return limit >= 4000 ? 10 : limit >= 1000 ? 5 : 3;
}

const INTENTS: Record<string, string> = { APPLY: 'add version', VALIDATE: 'validate only' };

/** The listing section of a package's report. */
export function renderListing(listing: ListingResult, options: ListingRenderOptions = {}): string {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const long = Math.min(LISTING_TEXT_CHARACTERS, limit);
  const short = Math.min(LISTING_NAME_CHARACTERS, limit);
  const rows: [string, string][] = [];
  const title = listing.productTitle ? ` (${bounded(String(listing.productTitle), short)})` : '';
  rows.push(['Product', `${boundedCode(String(listing.product), short)}${title}`]);
  rows.push(['Version title', boundedCode(String(listing.versionTitle), short)]);
  const intent = String(listing.intent);
  rows.push([
    'Intent',
    Object.hasOwn(INTENTS, intent) ? INTENTS[intent]! : boundedCode(intent, short),
  ]);
  const status = `${listingIcon(listing, options.failed)} ${boundedCode(String(listing.status), short)}: ${listingStatusWords(listing)}`;
  rows.push(['Status', status]);
  if (listing.changeSetId) rows.push(['Change set', changeSetCell(listing, short)]);
  if (listing.startedAt) {
    const started = time(String(listing.startedAt));
    const ended = listing.endedAt
      ? ` · **Ended:** ${time(String(listing.endedAt))}${took(listing.startedAt, listing.endedAt)}`
      : '';
    rows.push(['Started', `${started}${ended}`]);
  }
  if (listing.failureCode || listing.failureDescription) {
    const failure = [
      listing.failureCode ? boundedCode(String(listing.failureCode), short) : '',
      listing.failureDescription ? bounded(String(listing.failureDescription), long) : '',
    ].filter(Boolean);
    rows.push(['Failure', failure.join(': ')]);
  }
  rows.push(['Listing file', boundedCode(String(listing.file), short)]);
  if (listing.note) rows.push(['Note', bounded(String(listing.note), long)]);
  const parts = [
    '**AWS Marketplace listing**',
    rows.map(([label, value]) => `- **${label}:** ${value}`).join('\n'),
  ];
  const errors = (Array.isArray(listing.errors) ? listing.errors : []).filter(
    (e) => typeof e === 'object' && e !== null,
  );
  if (errors.length) {
    const shown = errors.slice(0, errorsWithin(limit)).map((e) => {
      const message = e.message ? `: ${bounded(String(e.message), long)}` : '';
      const remedy = e.remedy ? ` — ${bounded(String(e.remedy), long)}` : '';
      return `- ${boundedCode(String(e.code), short)}${message}${remedy}`;
    });
    if (errors.length > shown.length) {
      shown.push(`- … and ${plural(errors.length - shown.length, 'more error')}, not listed`);
    }
    parts.push(`**What AWS Marketplace reported**\n\n${shown.join('\n')}`);
  }
  return parts.join('\n\n');
}
