/**
 * A package's identity (SPEC §4): a fingerprint of what validation depends on in the
 * resolved request, without the provenance the action adds, the repository's metadata
 * (updated in place) and the values at creation that people change in SageMaker Studio.
 * It is recorded on the package, so that a re-run finds the package it made instead of
 * minting a new one. Packages of earlier releases carry the fingerprint of the whole
 * request; they are still found.
 */
import { createHash } from 'node:crypto';
import type { ModelPackageManifest } from '../manifest/schema.js';
import { METADATA_MEMBERS } from '../plan/diff.js';
import { repositoryOf, type WorkflowRun } from '../workflow-run.js';

/** The customer metadata property (versions) or tag (unversioned packages) that holds it. */
export { FINGERPRINT_KEY } from '../action-entries.js';

/** JSON with the keys of every mapping sorted, so equal requests give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Members that are not part of a package's identity: metadata and values at creation. */
const NOT_IDENTITY = new Set<string>([
  ...METADATA_MEMBERS,
  'ModelApprovalStatus',
  'ModelLifeCycle',
]);

/** The identity fingerprint, which new packages carry. */
export function fingerprint(request: ModelPackageManifest): string {
  const identity = Object.fromEntries(
    Object.entries(request).filter(([key]) => !NOT_IDENTITY.has(key)),
  );
  return `sha256:${sha256(canonicalJson(identity))}`;
}

/** The fingerprint earlier releases recorded: the whole request. */
export function wholeRequestFingerprint(request: ModelPackageManifest): string {
  return `sha256:${sha256(canonicalJson(request))}`;
}

/**
 * Whether a recorded fingerprint is this request's: its identity, or, for a package an
 * earlier release made, the whole request.
 */
export function isFingerprintOf(
  recorded: string | undefined,
  request: ModelPackageManifest,
): boolean {
  return (
    recorded !== undefined &&
    (recorded === fingerprint(request) || recorded === wholeRequestFingerprint(request))
  );
}

/**
 * The ClientToken of a creation: the same for the same package in the same run attempt,
 * so a retried request cannot create a second package.
 */
export function clientToken(packageFingerprint: string, runKey: string): string {
  return sha256(`${packageFingerprint}\n${runKey}`).slice(0, 32);
}

/**
 * The key of a manifest, recorded on the packages it makes: a digest of the repository
 * and the manifest's path, so that the packages of one manifest are found again by it.
 */
export function manifestKey(repository: string, manifest: string): string {
  return sha256(`${repository}\n${manifest}`).slice(0, 32);
}

/** The key of a manifest of this run's repository. */
export function manifestKeyOf(run: WorkflowRun, manifest: string): string {
  const repository = repositoryOf(run);
  return manifestKey(repository ? `${repository.owner}/${repository.repo}` : '', manifest);
}
