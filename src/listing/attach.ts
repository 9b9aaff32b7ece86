/**
 * The listing file of each manifest (SPEC §9): `marketplace-listing.yml` in the folder of
 * an unversioned package's manifest, read and checked with the manifest when the run has
 * `marketplace` set. Its problems join the manifest's, each naming the listing file, so a
 * mistake in it stops the run before anything is created, as a manifest's does. Nothing
 * here talks to AWS.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../manifest/files.js';
import {
  fileError,
  MAX_PROBLEMS,
  type CheckedManifest,
  type CheckOptions,
} from '../manifest/load.js';
import { countProblems, type Problem } from '../manifest/problems.js';
import { partitionOf } from '../report/links.js';
import { MARKETPLACE_PARTITIONS } from './catalog.js';
import { loadListing, type CheckedListing } from './load.js';
import { LISTING_FILE_NAMES } from './names.js';

/** A manifest's valid listing: its file and the change, for the steps after validation. */
export interface Listing {
  file: string;
  change: NonNullable<CheckedListing['change']>;
}

/** The listing file beside the manifest at `absolute`, if there is one. */
async function listingBeside(absolute: string): Promise<string | undefined> {
  for (const name of LISTING_FILE_NAMES) {
    const candidate = path.join(path.dirname(absolute), name);
    try {
      await lstat(candidate);
      return candidate;
    } catch {
      // Not there: the next name.
    }
  }
  return undefined;
}

const relativeTo = (workspace: string, absolute: string) =>
  path.relative(workspace, absolute).split(path.sep).join('/');

/** Why the listing cannot list this manifest's package, whatever the file says. */
function refusal(manifest: CheckedManifest, region: string | undefined): string | undefined {
  const group = manifest.identity?.group;
  if (group && !manifest.identity?.name) {
    return `a listing file lists an unversioned package on AWS Marketplace, and ${manifest.file} makes a version of the model package group ${group}; move the listing file, or make the manifest an unversioned package (ModelPackageName, no ModelPackageGroupName)`;
  }
  const partition = region && partitionOf(region);
  if (partition && !MARKETPLACE_PARTITIONS.includes(partition)) {
    return `AWS Marketplace does not sell in the partition ${partition} (region ${region}); packages of that partition cannot be listed. Run with 'marketplace: off' there`;
  }
  return undefined;
}

/**
 * The manifest with its listing file's problems, and its listing when the file is valid.
 * A manifest without a listing file is returned as it is.
 */
export async function withListing(
  manifest: CheckedManifest,
  absolute: string,
  options: CheckOptions & { workspace: string },
): Promise<CheckedManifest> {
  const found = await listingBeside(absolute);
  if (!found) return manifest;
  const root = await realpath(options.workspace);
  const file = relativeTo(
    root,
    path.join(await realpath(path.dirname(found)), path.basename(found)),
  );
  let checked: CheckedListing;
  const real = await realpath(found).catch(() => undefined);
  if (!real || !isInside(root, real)) {
    checked = fileError(
      file,
      'the listing file leads outside the workspace (a symbolic link); it is not read',
    );
  } else {
    checked = await loadListing(real, file, options);
    const why = checked.change ? refusal(manifest, options.region) : undefined;
    if (why) checked = { ...fileError(file, why), change: undefined };
  }
  const all: Problem[] = [...manifest.problems, ...checked.problems];
  const over = countProblems(all.slice(MAX_PROBLEMS));
  const listingErrors = checked.problems.some((p) => p.severity === 'error');
  return {
    ...manifest,
    problems: all.slice(0, MAX_PROBLEMS),
    omitted: {
      errors: manifest.omitted.errors + checked.omitted.errors + over.errors,
      warnings: manifest.omitted.warnings + checked.omitted.warnings + over.warnings,
    },
    ...(listingErrors ? { request: undefined } : {}),
    listingFile: file,
    ...(checked.change && !listingErrors
      ? { listing: { file, change: checked.change }, locateListing: checked.locate }
      : {}),
  };
}
