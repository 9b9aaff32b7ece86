/**
 * Create or version a package (SPEC §4): plan it (plan/plan.ts), then reuse the package
 * a previous run made from the same manifest, updating its metadata in place when only
 * that differs; or create the group of a versioned package when it is missing, and the
 * package with its fingerprint, its manifest's key, where its run reports on it and the
 * run's provenance.
 */
import type {
  CreateModelPackageInput,
  DescribeModelPackageOutput,
  UpdateModelPackageInput,
} from '@aws-sdk/client-sagemaker';
import {
  actionEntries,
  actionTags,
  REPORT_KEY,
  type ActionEntrySource,
} from '../action-entries.js';
import type { Log } from '../runner/port.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import { planManifest, type PlanOptions } from '../plan/plan.js';
import type { MemberChange, PackagePlan } from '../plan/types.js';
import { runKey, type WorkflowRun } from '../workflow-run.js';
import { credentialsError, describeError, errorKind } from '../sagemaker/errors.js';
import { clientToken, fingerprint } from './fingerprint.js';
import { findExisting, type Search } from './find.js';
import { withProvenance } from './provenance.js';
import { hasEnded } from './status.js';
import { differences } from '../plan/diff.js';
import { reportRecordOf } from '../sync/report-record.js';

export interface CreateOptions extends PlanOptions {
  workflow: WorkflowRun;
  createGroup: boolean;
  log: Log;
}

/** The package of a manifest: the one this run created, or the one it found and reused. */
export interface Package {
  arn: string;
  reused: boolean;
  /** The package as it was found, when it was reused. */
  existing?: DescribeModelPackageOutput;
  /** What the manifest changes against the live version, and what that cost. */
  plan?: PackagePlan;
}

/** A package could not be created; the message says why and what to do. */
export class CreateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateError';
  }
}

export async function createOrReuse(
  request: ModelPackageManifest,
  options: CreateOptions,
): Promise<Package> {
  try {
    const { search, plan } = await planManifest(request, options);
    if ('found' in search) {
      return await reuse(request, search.found, plan, options, search.report);
    }
    const entries = {
      fingerprint: fingerprint(request),
      manifest: options.manifestKey,
      report: reportRecordOf(options.workflow),
    };
    const arn = request.ModelPackageGroupName
      ? await createVersion(request, request.ModelPackageGroupName, search, entries, options)
      : await createUnversioned(request, request.ModelPackageName!, search, entries, options);
    if (typeof arn !== 'string') return { ...arn, plan };
    options.log.info(`Created ${arn}.`);
    return { arn, reused: false, plan };
  } catch (e) {
    if (e instanceof CreateError || options.signal?.aborted) throw e;
    throw credentialsError(e) ?? new CreateError(describeError(e));
  }
}

function what(found: DescribeModelPackageOutput): string {
  return found.ModelPackageVersion !== undefined
    ? `${found.ModelPackageGroupName}: version ${found.ModelPackageVersion}`
    : `${found.ModelPackageName}`;
}

/**
 * The package found; its metadata updated in place first when the plan says so. A package
 * still validating that another commit's run reported on records this run's commit
 * instead (REPORT_KEY), so that a dispatched sync concludes this run's check run: in the
 * same UpdateModelPackage for a version, with AddTags for an unversioned package.
 * `recorded`: an unversioned package's record, from its tags.
 */
async function reuse(
  request: ModelPackageManifest,
  found: DescribeModelPackageOutput,
  plan: PackagePlan,
  { api, log, signal, workflow }: CreateOptions,
  recorded?: string,
): Promise<Package> {
  const arn = found.ModelPackageArn!;
  const versioned = Boolean(found.ModelPackageGroupName);
  const report = reportRecordOf(workflow);
  const moved =
    report !== undefined &&
    !hasEnded(found.ModelPackageStatus) &&
    report !== (versioned ? found.CustomerMetadataProperties?.[REPORT_KEY] : recorded);
  if (plan.cost === 'in-place') {
    const input = inPlaceUpdate(arn, request, plan.inPlace);
    if (moved && versioned) {
      input.CustomerMetadataProperties = {
        ...input.CustomerMetadataProperties,
        [REPORT_KEY]: report,
      };
    }
    await api.updateModelPackage(input, { abortSignal: signal });
    log.info(
      `${what(found)} has this manifest's definition; updated in place (${plan.inPlace.map((c) => c.path).join(', ')}): no new version, no validation.`,
    );
  } else {
    log.info(`${what(found)} has this manifest's definition; reusing ${arn}.`);
  }
  if (moved && !(versioned && plan.cost === 'in-place')) {
    await recordReport(arn, versioned, report, { api, log, signal });
  }
  for (const note of plan.notes) log.info(`${what(found)}: ${note}`);
  return { arn, reused: true, existing: found, plan };
}

/**
 * Records where this run reports on a package it reuses; a refusal is a warning, since the
 * scheduled sync still concludes this run's check run.
 */
async function recordReport(
  arn: string,
  versioned: boolean,
  report: string,
  { api, log, signal }: Pick<CreateOptions, 'api' | 'log' | 'signal'>,
): Promise<void> {
  try {
    if (versioned) {
      await api.updateModelPackage(
        { ModelPackageArn: arn, CustomerMetadataProperties: { [REPORT_KEY]: report } },
        { abortSignal: signal },
      );
    } else {
      await api.addTags(arn, [{ Key: REPORT_KEY, Value: report }], { abortSignal: signal });
    }
  } catch (e) {
    if (signal?.aborted) throw e;
    log.warning(
      `Could not record on ${arn} that this run reports on it (${REPORT_KEY}): ${describeError(e)}. A dispatched sync will not find this run's check run; a scheduled sync concludes it.`,
    );
  }
}

/**
 * The UpdateModelPackage of a plan's metadata changes: the customer metadata properties
 * that changed (only those: a property someone else set stays), the card's content (its
 * status is a value at creation), the source URI.
 */
export function inPlaceUpdate(
  arn: string,
  request: ModelPackageManifest,
  changes: readonly MemberChange[],
): UpdateModelPackageInput {
  const input: UpdateModelPackageInput = { ModelPackageArn: arn };
  const PROPERTIES = 'CustomerMetadataProperties';
  const keys = changes.filter((c) => c.path.startsWith(`${PROPERTIES}.`));
  if (changes.some((c) => c.path === PROPERTIES)) {
    input.CustomerMetadataProperties = { ...request.CustomerMetadataProperties };
  } else if (keys.length) {
    input.CustomerMetadataProperties = Object.fromEntries(
      keys.map((c) => {
        const key = c.path.slice(PROPERTIES.length + 1);
        return [key, request.CustomerMetadataProperties![key]!];
      }),
    );
  }
  if (changes.some((c) => c.path === 'ModelCard')) {
    input.ModelCard = request.ModelCard;
  } else if (changes.some((c) => c.path.startsWith('ModelCard.'))) {
    input.ModelCard = { ModelCardContent: request.ModelCard?.ModelCardContent };
  }
  if (changes.some((c) => c.path === 'SourceUri')) input.SourceUri = request.SourceUri;
  return input;
}

async function createVersion(
  request: ModelPackageManifest,
  group: string,
  search: Search,
  entries: ActionEntrySource,
  { api, workflow: run, createGroup, log, signal }: CreateOptions,
): Promise<string> {
  if ('missing' in search && search.missing === 'group') {
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
      ...actionEntries(entries),
    },
    ClientToken: clientToken(entries.fingerprint, runKey(run)),
  };
  return api.createModelPackage(input, { abortSignal: signal });
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

/** The first member in which a package differs from the request, when one does. */
export function firstDifference(
  request: ModelPackageManifest,
  description: DescribeModelPackageOutput,
): string | undefined {
  return differences(request, description).changes[0]?.path;
}

function nameTaken(request: ModelPackageManifest, search: Search, region: string): CreateError {
  const differs =
    'missing' in search && search.missing === 'fingerprint' && search.candidate
      ? firstDifference(request, search.candidate)
      : undefined;
  return new CreateError(nameTakenMessage(request.ModelPackageName!, region, differs));
}

/** The package created, or, when another run created it since the search, that one reused. */
async function createUnversioned(
  request: ModelPackageManifest,
  name: string,
  search: Search,
  entries: ActionEntrySource,
  options: CreateOptions,
): Promise<string | Package> {
  const { api, workflow: run, log, signal } = options;
  if (!('missing' in search && search.missing === 'package')) {
    throw nameTaken(request, search, api.region);
  }
  const input: CreateModelPackageInput = {
    ...(withProvenance(request, run) as CreateModelPackageInput),
    Tags: [...(request.Tags ?? []), ...actionTags(entries)],
    ClientToken: clientToken(entries.fingerprint, runKey(run)),
  };
  try {
    return await api.createModelPackage(input, { abortSignal: signal });
  } catch (e) {
    // Another run may have created it since we looked.
    if (errorKind(e) !== 'exists') throw e;
    const raced = await findExisting(request, api, signal);
    if (!('found' in raced)) throw nameTaken(request, raced, api.region);
    log.info(`${name} was created by another run in the meantime; reusing it.`);
    return { arn: raced.found.ModelPackageArn!, reused: true, existing: raced.found };
  }
}
