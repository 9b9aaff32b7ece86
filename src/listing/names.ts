/**
 * The names of an AWS Marketplace listing file (SPEC §9): it sits beside an unversioned
 * package's manifest, and a manifest glob never takes it for a manifest.
 */
import path from 'node:path';

export const LISTING_FILE_NAMES = ['marketplace-listing.yml', 'marketplace-listing.yaml'] as const;

/** Whether the file at `file` (a path with either separator) is a listing file, by its name. */
export function isListingFile(file: string): boolean {
  const name = path.posix.basename(file.split(path.sep).join('/'));
  return (LISTING_FILE_NAMES as readonly string[]).includes(name);
}
