/**
 * mode: verify (SPEC §3, §4): find the package this commit's manifest made, by the same
 * search that reuse does, and never write to SageMaker. A manifest without its package
 * fails with `not-found`, saying why in words; with require-approval, a version that is
 * not Approved fails with `not-approved`. With `model-package-arn` (a dispatched event's
 * package, SPEC §10), a package found that is not that one fails with `not-found` too.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { PackageResult } from '../results.js';
import type { Log } from '../runner/port.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { credentialsError, describeError } from '../sagemaker/errors.js';
import { sameArn } from './arn.js';
import { firstDifference, type Package } from './create-or-reuse.js';
import { VERSIONS_SEARCHED, type Search } from './find.js';
import { planManifest, type PlanOptions } from '../plan/plan.js';
import type { PackagePlan } from '../plan/types.js';

interface VerifyOptions {
  api: SageMakerApi;
  log: Log;
  signal: AbortSignal;
}

type FindOptions = VerifyOptions &
  Omit<PlanOptions, 'api'> & {
    /** `model-package-arn`: the package found must be this one. */
    expected?: string;
  };

/** Finds one manifest's package; a missing one is that manifest's failed result. */
export async function verifyOne(
  manifest: { file: string; request: ModelPackageManifest },
  result: PackageResult,
  options: FindOptions,
): Promise<{ result: PackageResult; package?: Package }> {
  const { api, log, signal } = options;
  let search: Search;
  let plan: PackagePlan;
  try {
    ({ search, plan } = await planManifest(manifest.request, options));
  } catch (e) {
    if (signal.aborted) throw e;
    const denied = credentialsError(e);
    if (denied) throw denied;
    return notFound(manifest.file, result, `could not search for it: ${describeError(e)}`, log);
  }
  if ('found' in search) {
    const found = search.found;
    const what = found.ModelPackageVersion
      ? `version ${found.ModelPackageVersion} of ${found.ModelPackageGroupName ?? manifest.request.ModelPackageGroupName}`
      : `${manifest.request.ModelPackageName}`;
    log.info(`${manifest.file}: ${what} has this manifest's definition: ${found.ModelPackageArn}.`);
    const { expected } = options;
    if (expected && !sameArn(found.ModelPackageArn ?? '', expected)) {
      return notFound(
        manifest.file,
        { ...result, plan },
        `model-package-arn is ${expected}, but this commit's manifest made ${what} (${found.ModelPackageArn}): the package named is not what this commit defines`,
        log,
      );
    }
    // verify never writes: metadata that differs is a note, never a failure.
    if (plan.inPlace.length) {
      log.notice(
        `${manifest.file}: ${what} differs from the manifest in its metadata (${plan.inPlace.map((c) => c.path).join(', ')}); a publish run updates it in place.`,
        { file: manifest.file, title: 'Model package metadata' },
      );
    }
    const differs = plan.inPlace.map((c) => c.path).join(', ');
    const verified: PackagePlan = {
      ...plan,
      cost: 'none',
      inPlace: [],
      notes: differs
        ? [
            ...plan.notes,
            `Its metadata differs from the manifest (${differs}); a publish run updates it in place.`,
          ]
        : plan.notes,
    };
    return {
      result: {
        ...result,
        arn: found.ModelPackageArn ?? null,
        reused: true,
        verified: true,
        plan: verified,
      },
      package: { arn: found.ModelPackageArn!, reused: true, existing: found, plan: verified },
    };
  }
  const why = whyNotFound(manifest.request, search, api.region);
  const error = options.expected
    ? `${why}; so model-package-arn ${options.expected} is not what this commit defines`
    : why;
  return notFound(manifest.file, { ...result, plan }, error, log);
}

function notFound(file: string, result: PackageResult, error: string, log: Log) {
  log.error(`${file}: no package of this manifest: ${error}`, { file, title: 'Model package' });
  return {
    result: {
      ...result,
      status: 'Failed' as const,
      failureReason: 'not-found' as const,
      verified: true,
      error,
    },
  };
}

/** Why no package has the manifest's fingerprint, naming the first member that differs. */
export function whyNotFound(
  request: ModelPackageManifest,
  search: Exclude<Search, { found: DescribeModelPackageOutput }>,
  region: string,
): string {
  const group = request.ModelPackageGroupName;
  const name = request.ModelPackageName;
  if (search.missing === 'group') {
    return `model package group '${group}' does not exist in ${region}`;
  }
  if (search.missing === 'package') {
    return `model package '${name}' does not exist in ${region}`;
  }
  const { candidate } = search;
  if (!candidate) return `model package group '${group}' has no versions in ${region}`;
  const what = group
    ? `version ${candidate.ModelPackageVersion} of ${group}`
    : `model package '${name}'`;
  const member = firstDifference(request, candidate);
  const differs = member
    ? `${what} has a different \`${member}\``
    : `${what} has the same members but another fingerprint: it was made from a different manifest or not by this action`;
  return group
    ? `none of the newest ${VERSIONS_SEARCHED} versions of ${group} has this definition; ${differs}`
    : `${differs} (names are unique: it cannot be this manifest's package)`;
}

/**
 * require-approval: a version whose validation completed must be Approved, else it fails
 * with `not-approved` and its current approval status. Unversioned packages have no
 * approval status.
 */
export async function requireApproved(
  result: PackageResult,
  { api, log, signal }: VerifyOptions,
): Promise<PackageResult> {
  if (!result.group || result.status !== 'Completed' || !result.arn) return result;
  const described = await api.describeModelPackage(result.arn, { abortSignal: signal });
  const approval = described?.ModelApprovalStatus ?? 'no approval status';
  if (approval === 'Approved') {
    log.info(`${result.manifest}: version ${result.version} of ${result.group} is Approved.`);
    return result;
  }
  const error = `version ${result.version} of ${result.group} is ${approval}; require-approval needs Approved`;
  log.error(`${result.manifest}: ${error}`, { file: result.manifest, title: 'Model package' });
  return { ...result, status: 'Failed', failureReason: 'not-approved', error };
}

/** require-approval's warnings for the manifests it has no effect on, said once. */
export function requireApprovalWarnings(
  manifests: readonly { file: string; request: ModelPackageManifest }[],
  log: Log,
): void {
  for (const m of manifests.filter((m) => !m.request.ModelPackageGroupName)) {
    log.warning(
      `${m.file}: require-approval has no effect on the unversioned package ${m.request.ModelPackageName}: only versions have an approval status.`,
    );
  }
}
