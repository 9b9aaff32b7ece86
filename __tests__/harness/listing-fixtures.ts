/**
 * Results of an unversioned package listed on AWS Marketplace (SPEC §9), in each state a
 * listing's report and check run can show: for the rendering, check run and sync tests.
 */
import { changeSetLink } from '../../src/listing/catalog.js';
import { REMEDIES } from '../../src/listing/remedies.js';
import type { ListingResult, PackageResult } from '../../src/results.js';
import { REPORT_FIXTURES } from './report-fixtures.js';

export const PRODUCT = 'prod-abcdefghijklm';
export const CHANGE_SET = 'cs-1a2b3c4d5e6f7g8h9i0j';

/** A listing that nothing was submitted for yet: as a run starts. */
export const NOT_STARTED: ListingResult = {
  file: 'models/churn/marketplace-listing.yml',
  product: PRODUCT,
  productTitle: null,
  versionTitle: 'v1.4.0',
  intent: 'APPLY',
  status: 'NOT_STARTED',
  changeSetId: null,
  changeSetName: null,
  startedAt: null,
  endedAt: null,
  failureCode: null,
  failureDescription: null,
  errors: [],
  link: null,
  note: null,
};

/** The change set, started and being prepared. */
export const PREPARING: ListingResult = {
  ...NOT_STARTED,
  productTitle: 'Churn predictor',
  status: 'PREPARING',
  changeSetId: CHANGE_SET,
  changeSetName: 'listing churn-predictor apply 0123456789ab',
  startedAt: '2026-11-24T10:02:00Z',
  link: changeSetLink(CHANGE_SET),
};

export const SUCCEEDED: ListingResult = {
  ...PREPARING,
  status: 'SUCCEEDED',
  endedAt: '2026-11-24T10:14:00Z',
};

/** Refused by AWS Marketplace: CLIENT_ERROR, with two ErrorDetailList entries. */
export const FAILED: ListingResult = {
  ...PREPARING,
  status: 'FAILED',
  endedAt: '2026-11-24T10:05:00Z',
  failureCode: 'CLIENT_ERROR',
  failureDescription: 'The change set failed validation.',
  errors: [
    {
      code: 'DUPLICATE_VERSION_TITLE',
      message: 'Version title v1.4.0 already exists.',
      remedy: REMEDIES.DUPLICATE_VERSION_TITLE!,
    },
    { code: 'SOMETHING_NEW', message: 'An error without a remedy.', remedy: null },
  ],
};

/** The completed unversioned package of the report fixtures, with `listing`. */
export function listed(
  listing: ListingResult,
  overrides: Partial<PackageResult> = {},
): PackageResult & { listing: ListingResult } {
  return { ...REPORT_FIXTURES.reused!.result, ...overrides, listing };
}

/** The package as the listing step leaves it when AWS Marketplace refused the change. */
export function listingFailed(listing: ListingResult = FAILED) {
  return listed(listing, {
    status: 'Failed',
    failureReason: 'listing-failed',
    error: `AWS Marketplace refused change set ${CHANGE_SET}: CLIENT_ERROR (DUPLICATE_VERSION_TITLE, SOMETHING_NEW): The change set failed validation.`,
  });
}
