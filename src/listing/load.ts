/**
 * Checks an AWS Marketplace listing file (marketplace-listing.yml, SPEC §9) as a manifest
 * is checked, with the same machinery (src/manifest/load.ts): every problem at once, each
 * with its line, column and member path; expressions resolved as in manifests; a file that
 * is not UTF-8, too large or not YAML refused as a manifest is. Nothing here talks to AWS.
 */
import { isStringMember, schemaFindings } from '../manifest/findings.js';
import {
  checkDocumentText,
  loadDocument,
  locator,
  type CheckOptions,
  type DocumentKind,
  type FileProblems,
} from '../manifest/load.js';
import type { MemberPath, Problem } from '../manifest/problems.js';
import { CHANGE_TYPE, ENTITY_TYPE, listingSchema, type MarketplaceListing } from './schema.js';

/** The change a valid listing file describes, with ChangeType and Entity.Type filled in. */
export type ListingChange = MarketplaceListing & {
  ChangeType: typeof CHANGE_TYPE;
  Entity: { Type: typeof ENTITY_TYPE; Identifier: string };
};

export interface CheckedListing extends FileProblems {
  /** The change with expressions resolved; undefined when there is an error. */
  change?: ListingChange;
  /** Where a member of a valid listing file is, for findings made later. */
  locate?: (path: MemberPath) => Pick<Problem, 'line' | 'column' | 'endLine' | 'endColumn'>;
}

const LISTING: DocumentKind = {
  noun: 'listing file',
  expectedTopLevel:
    'a mapping of one StartChangeSet change: ChangeType, Entity and DetailsDocument',
  findings: (resolved) => schemaFindings(resolved, listingSchema),
  isStringMember: (path) => isStringMember(path, listingSchema),
};

export function checkListingText(
  text: string,
  file: string,
  options: CheckOptions,
): CheckedListing {
  const { problems, omitted, errors, parsed } = checkDocumentText(text, file, options, LISTING);
  if (!parsed || errors > 0) return { file, problems, omitted };
  const listing = parsed.value as MarketplaceListing;
  return {
    file,
    problems,
    omitted,
    change: {
      ...listing,
      ChangeType: CHANGE_TYPE,
      Entity: { ...listing.Entity, Type: ENTITY_TYPE },
    },
    locate: locator(parsed.source),
  };
}

/** Reads and checks a listing file. `file` is how it is named in reports. */
export function loadListing(
  absolutePath: string,
  file: string,
  options: CheckOptions,
): Promise<CheckedListing> {
  return loadDocument(absolutePath, file, 'listing file', (text) =>
    checkListingText(text, file, options),
  );
}
