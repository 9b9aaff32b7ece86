/**
 * The entries the action adds to every package it creates (SPEC §4): tags on unversioned
 * packages, customer metadata properties on versions. Their keys share one prefix that
 * manifests may not use, and a manifest must leave room for them under the API's limit.
 * ENTRIES below is the one place that says what they are: what is added, how many a
 * manifest leaves room for, and how messages describe them all derive from it.
 */

/** The prefix of every key the action writes. */
export const ACTION_KEY_PREFIX = 'sagemaker-model-package-action:';

/** The customer metadata property (versions) or tag (unversioned packages) of the fingerprint. */
export const FINGERPRINT_KEY = `${ACTION_KEY_PREFIX}fingerprint`;

/**
 * The tag (unversioned packages) or customer metadata property (versions) that names the
 * manifest a package was made from, so that the plan finds the unversioned package this
 * manifest made before in one search (package/fingerprint.ts `manifestKey`).
 */
export const MANIFEST_KEY = `${ACTION_KEY_PREFIX}manifest`;

/**
 * The tag (unversioned packages) or customer metadata property (versions) that says where
 * the run that created the package reported on it: `owner/repo@<sha>`, the repository and
 * the commit its check run is on (a pull request's head commit). A dispatched `sync`
 * (sync/dispatch.ts) finds the check run by it, and acts only on its own repository's.
 */
export const REPORT_KEY = `${ACTION_KEY_PREFIX}report`;

/** What the entries of a package are made of. */
export interface ActionEntrySource {
  /** The package's fingerprint (package/fingerprint.ts). */
  fingerprint: string;
  /** Its manifest's key: a digest of the repository and the manifest's path. */
  manifest: string;
  /** Where its check run is (sync/report-record.ts); none when the run names no commit. */
  report?: string;
}

/**
 * Each entry the action adds, by key: what it holds (for messages) and its value, none
 * when the run has nothing to put there (the entry still counts in the room it takes).
 */
const ENTRIES: Record<
  string,
  { holds: string; value: (source: ActionEntrySource) => string | undefined }
> = {
  [FINGERPRINT_KEY]: { holds: 'its fingerprint', value: (source) => source.fingerprint },
  [MANIFEST_KEY]: { holds: 'its manifest', value: (source) => source.manifest },
  [REPORT_KEY]: { holds: 'where it is reported', value: (source) => source.report },
};

/** The customer metadata properties the action adds to a version it creates. */
export function actionEntries(source: ActionEntrySource): Record<string, string> {
  return Object.fromEntries(
    Object.entries(ENTRIES).flatMap(([key, e]) => {
      const value = e.value(source);
      return value === undefined ? [] : [[key, value]];
    }),
  );
}

/** The tags the action adds to an unversioned package it creates. */
export function actionTags(source: ActionEntrySource): { Key: string; Value: string }[] {
  return Object.entries(actionEntries(source)).map(([Key, Value]) => ({ Key, Value }));
}

/** How many entries the action adds, which a manifest must leave room for. */
export const ACTION_ENTRIES = Object.keys(ENTRIES).length;

/** What the action's entries are, for messages: "its fingerprint, its manifest and ...". */
export const ACTION_ENTRIES_DESCRIPTION = Object.values(ENTRIES)
  .map((e) => e.holds)
  .join(', ')
  .replace(/, ([^,]*)$/, ' and $1');
