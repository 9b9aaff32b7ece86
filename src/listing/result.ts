/** A listing's result before anything was submitted (SPEC §9): what the reports show first. */
import type { ListingResult } from '../results.js';
import type { Listing } from './attach.js';

export type Intent = ListingResult['intent'];

/** A listing nothing was submitted for yet. */
export function initialListing(
  listing: Listing,
  intent: Intent,
  note: string | null = null,
): ListingResult {
  const { change } = listing;
  return {
    file: listing.file,
    product: change.Entity.Identifier,
    productTitle: null,
    versionTitle: change.DetailsDocument.Version.VersionTitle,
    intent,
    status: 'NOT_STARTED',
    changeSetId: null,
    changeSetName: null,
    startedAt: null,
    endedAt: null,
    failureCode: null,
    failureDescription: null,
    errors: [],
    link: null,
    note,
  };
}
