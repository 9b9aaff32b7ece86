/**
 * Create or version a package (SPEC §4): reuse the identical package a previous run
 * made, create the group of a versioned package when it is missing, and otherwise
 * create the package with its fingerprint and the run's provenance.
 */
import type {
  CreateModelPackageInput,
  DescribeModelPackageOutput,
} from '@aws-sdk/client-sagemaker';
import { actionEntries, actionTags } from '../action-entries.js';
import type { Log } from '../runner/port.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import { runKey, type WorkflowRun } from '../workflow-run.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { credentialsError, describeError, errorKind } from '../sagemaker/errors.js';
import { firstDifference } from './difference.js';
import { clientToken, fingerprint, FINGERPRINT_KEY } from './fingerprint.js';
import { withProvenance } from './provenance.js';

export interface CreateOptions {
  api: SageMakerApi;
  workflow: WorkflowRun;
  createGroup: boolean;
  log: Log;
  signal?: AbortSignal;
}

/** The package of a manifest: the one this run created, or the identical one it found. */
export interface Package {
  arn: string;
  reused: boolean;
  /** The package as it was found, when it was reused. */
  existing?: DescribeModelPackageOutput;
}

/** A package could not be created; the message says why and what to do. */
export class CreateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateError';
  }
}

/** How many of a group's newest versions are searched for an identical one. */
export const VERSIONS_SEARCHED = 20;

export async function createOrReuse(
  request: ModelPackageManifest,
  options: CreateOptions,
): Promise<Package> {
  try {
    return request.ModelPackageGroupName
      ? await createOrReuseVersion(request, request.ModelPackageGroupName, options)
      : await createOrReuseUnversioned(request, request.ModelPackageName!, options);
  } catch (e) {
    if (e instanceof CreateError || options.signal?.aborted) throw e;
    throw credentialsError(e) ?? new CreateError(describeError(e));
  }
}

/**
 * What a search for a manifest's package found: the package with the same fingerprint,
 * or why there is none, with the candidate it was compared with.
 */
export type Search =
  | { found: DescribeModelPackageOutput }
  | { missing: 'group' }
  | { missing: 'package' }
  /** A versioned package: `candidate` is the group's newest version, when it has one. */
  | { missing: 'fingerprint'; candidate?: DescribeModelPackageOutput };

/**
 * The package a previous run made from the same request: a version with its fingerprint
 * among the newest of the group, or the unversioned package of its name with its
 * fingerprint tag. Read-only; publish and verify share it.
 */
export async function findExisting(
  request: ModelPackageManifest,
  api: SageMakerApi,
  signal?: AbortSignal,
): Promise<Search> {
  const print = fingerprint(request);
  const group = request.ModelPackageGroupName;
  if (group) {
    if (!(await api.describeModelPackageGroup(group, { abortSignal: signal }))) {
      return { missing: 'group' };
    }
    const versions = await api.newestVersions(group, VERSIONS_SEARCHED, { abortSignal: signal });
    let candidate: DescribeModelPackageOutput | undefined;
    for (const version of versions) {
      const described = await api.describeModelPackage(version.ModelPackageArn!, {
        abortSignal: signal,
      });
      if (described?.CustomerMetadataProperties?.[FINGERPRINT_KEY] === print) {
        return { found: described };
      }
      candidate ??= described;
    }
    return { missing: 'fingerprint', candidate };
  }
  const existing = await api.describeModelPackage(request.ModelPackageName!, {
    abortSignal: signal,
  });
  if (!existing) return { missing: 'package' };
  const tags = await api.listTags(existing.ModelPackageArn!, { abortSignal: signal });
  return tags.some((t) => t.Key === FINGERPRINT_KEY && t.Value === print)
    ? { found: existing }
    : { missing: 'fingerprint', candidate: existing };
}

async function createOrReuseVersion(
  request: ModelPackageManifest,
  group: string,
  { api, workflow: run, createGroup, log, signal }: CreateOptions,
): Promise<Package> {
  const print = fingerprint(request);
  const search = await findExisting(request, api, signal);
  if ('found' in search) {
    const existing = search.found;
    log.info(
      `${group}: version ${existing.ModelPackageVersion} has the same definition; reusing ${existing.ModelPackageArn}.`,
    );
    return { arn: existing.ModelPackageArn!, reused: true, existing };
  }
  if (search.missing === 'group') {
    if (!createGroup) {
      throw new CreateError(
        `model package group '${group}' does not exist in ${api.region}; create it, or set 'create-group: true'`,
      );
    }
    try {
      await api.createModelPackageGroup({ ModelPackageGroupName: group }, { abortSignal: signal });
      log.info(`Created model package group ${group}.`);
    } catch (e) {
      // Another run may have created it in the meantime.
      if (errorKind(e) !== 'exists') throw e;
    }
  }

  const input: CreateModelPackageInput = {
    ...(withProvenance(request, run) as CreateModelPackageInput),
    CustomerMetadataProperties: {
      ...request.CustomerMetadataProperties,
      ...actionEntries({ fingerprint: print }),
    },
    ClientToken: clientToken(print, runKey(run)),
  };
  const arn = await api.createModelPackage(input, { abortSignal: signal });
  log.info(`Created ${arn}.`);
  return { arn, reused: false };
}

/**
 * Why an unversioned package cannot be created under a name that is taken, and exactly
 * what to change in the manifest: a new name, or a group to version it in.
 */
export function nameTakenMessage(name: string, region: string, differs?: string): string {
  const where = differs ? ` (it differs in \`${differs}\`)` : '';
  return (
    `model package '${name}' already exists in ${region} with a different definition${where}, ` +
    'and model packages are immutable and their names unique: give this manifest a new ' +
    `\`ModelPackageName\`, one per release (for example \`${name}-\${{ env.RELEASE }}\` with RELEASE set from the release tag; names allow letters, digits and hyphens), ` +
    `or version it in a group: replace \`ModelPackageName\` with \`ModelPackageGroupName: ${name}\``
  );
}

async function createOrReuseUnversioned(
  request: ModelPackageManifest,
  name: string,
  { api, workflow: run, log, signal }: CreateOptions,
): Promise<Package> {
  const print = fingerprint(request);
  const reuse = async (): Promise<Package | undefined> => {
    const search = await findExisting(request, api, signal);
    if ('found' in search) {
      const existing = search.found;
      log.info(`${name} exists with the same definition; reusing ${existing.ModelPackageArn}.`);
      return { arn: existing.ModelPackageArn!, reused: true, existing };
    }
    if (search.missing === 'package') return undefined;
    const differs =
      search.missing === 'fingerprint' && search.candidate
        ? firstDifference(request, search.candidate)
        : undefined;
    throw new CreateError(nameTakenMessage(name, api.region, differs));
  };

  const existing = await reuse();
  if (existing) return existing;
  const input: CreateModelPackageInput = {
    ...(withProvenance(request, run) as CreateModelPackageInput),
    Tags: [...(request.Tags ?? []), ...actionTags({ fingerprint: print })],
    ClientToken: clientToken(print, runKey(run)),
  };
  try {
    const arn = await api.createModelPackage(input, { abortSignal: signal });
    log.info(`Created ${arn}.`);
    return { arn, reused: false };
  } catch (e) {
    // Another run may have created it since we looked.
    if (errorKind(e) === 'exists') {
      const raced = await reuse();
      if (raced) return raced;
    }
    throw e;
  }
}
