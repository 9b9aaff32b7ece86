/**
 * Which manifests a `verify` run with `model-package-arn` acts on (SPEC §10): those whose
 * group (for a version's ARN) or name (for an unversioned package's) the ARN names. A
 * manifest whose identity could not be read stays, so that its mistakes still stop the
 * run: a release never goes ahead past a manifest it cannot tell apart.
 */
import { namesPackageOf, type PackageArn } from '../package/arn.js';
import { plural } from '../text.js';
import type { CheckedManifest } from './load.js';

export function manifestsOfPackage(
  checked: readonly CheckedManifest[],
  arn: PackageArn,
): { selected: CheckedManifest[] } | { none: string } {
  const selected = checked.filter(
    (m) =>
      !m.identity || (!m.identity.name && !m.identity.group) || namesPackageOf(arn, m.identity),
  );
  if (selected.some((m) => m.identity && namesPackageOf(arn, m.identity))) return { selected };
  const what =
    arn.version === undefined
      ? `the unversioned package ${arn.name}`
      : `version ${arn.version} of the group ${arn.name}`;
  return {
    none: `model-package-arn names ${what}, and none of the ${plural(checked.length, 'manifest')} the manifest input matches makes ${arn.version === undefined ? 'it' : 'versions of that group'}`,
  };
}
