/**
 * A package's identity (SPEC §4): a fingerprint of the resolved request, without the
 * provenance the action adds. It is recorded on the package, so that a re-run on an
 * unchanged manifest finds the package it made instead of minting a new one.
 */
import { createHash } from 'node:crypto';
import type { ModelPackageManifest } from '../manifest/schema.js';

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

export function fingerprint(request: ModelPackageManifest): string {
  return `sha256:${sha256(canonicalJson(request))}`;
}

/**
 * The ClientToken of a creation: the same for the same package in the same run attempt,
 * so a retried request cannot create a second package.
 */
export function clientToken(packageFingerprint: string, runKey: string): string {
  return sha256(`${packageFingerprint}\n${runKey}`).slice(0, 32);
}
