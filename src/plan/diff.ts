/**
 * What differs between a manifest's resolved request and a package SageMaker describes
 * (SPEC §6): each member by its path as the manifest spells it, old → new; items of a list
 * of values added and removed rather than the whole list; long values shortened with a
 * digest. The provenance and the entries the action adds are left out, and so are the
 * values people set outside the repository (approval status, lifecycle stage), which a
 * plan shows beside the changes. Linear in the size of both sides.
 */
import { createHash } from 'node:crypto';
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { ACTION_KEY_PREFIX } from '../action-entries.js';
import { cutTo } from '../limits.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import type { MemberChange } from './types.js';

/** The members updated in place (SPEC §4): the repository's metadata, which validation does not depend on. */
export const METADATA_MEMBERS = ['ModelCard', 'CustomerMetadataProperties', 'SourceUri'] as const;

/**
 * Request members a plan never compares: names (a version's group is the same by
 * construction), values at creation that people change in SageMaker Studio, and what
 * the action manages.
 */
const NOT_COMPARED = new Set([
  'ModelPackageGroupName',
  'ModelApprovalStatus',
  'ModelLifeCycle',
  'Tags',
  'ClientToken',
]);

/** Definition members DescribeModelPackage echoes: one only the package has was removed from the manifest. */
const ECHOED = new Set([
  'ModelPackageName',
  'ModelPackageDescription',
  'InferenceSpecification',
  'SourceAlgorithmSpecification',
  'ValidationSpecification',
  'ModelMetrics',
  'Domain',
  'Task',
  'SamplePayloadUrl',
  'DriftCheckBaselines',
  'AdditionalInferenceSpecifications',
  'CustomerMetadataProperties',
  'MetadataProperties',
  'CertifyForMarketplace',
  'SkipModelValidation',
  'SourceUri',
  'SecurityConfig',
  'ModelCard',
]);

/**
 * Members SageMaker fills in itself (a container's image digest, ETags): they differ only
 * when the manifest sets them. Kept here, in one place, as SageMaker adds more.
 */
const FILLED_BY_SAGEMAKER = new Set(['ImageDigest', 'ModelDataETag', 'ETag', 'ManifestEtag']);

/** Provenance the action fills from the run (SPEC §4): never part of a plan. */
const PROVENANCE = new Set(['CommitId', 'Repository', 'GeneratedBy']);

/** Values longer than this are shortened: their start, their length and a digest. */
export const VALUE_CHARACTERS = 200;

/** At most this many changes are listed; the rest are counted. */
export const MAX_CHANGES = 100;

type Value = unknown;

const isObject = (v: Value): v is Record<string, Value> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** Absent, null and false are the same for a flag such as CertifyForMarketplace. */
const absent = (v: Value) => v === undefined || v === null || v === false;

/** A value as text: a string as it is, anything else as JSON; long ones shortened. */
export function valueText(value: Value): string {
  const full =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : JSON.stringify(value);
  if (full.length <= VALUE_CHARACTERS) return full;
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 12);
  const start = cutTo(full, VALUE_CHARACTERS / 2, 'characters');
  return `${start}… (${full.length} characters, sha256:${digest})`;
}

/** A model card's content compares as JSON: the same card written differently is the same. */
function cardContent(value: Value): Value {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as Value;
  } catch {
    return value;
  }
}

const scalar = (v: Value) => v === null || typeof v !== 'object' || v instanceof Date;

/** The description as a request: what the action added left out, the card's content parsed. */
function comparable(value: Record<string, Value>, action: boolean): Record<string, Value> {
  const own: Record<string, Value> = { ...value };
  const metadata = own.MetadataProperties;
  if (isObject(metadata)) {
    const kept = Object.entries(metadata).filter(([k]) => !PROVENANCE.has(k));
    own.MetadataProperties = kept.length ? Object.fromEntries(kept) : undefined;
  }
  const properties = own.CustomerMetadataProperties;
  if (action && isObject(properties)) {
    const kept = Object.entries(properties).filter(([k]) => !k.startsWith(ACTION_KEY_PREFIX));
    own.CustomerMetadataProperties = kept.length ? Object.fromEntries(kept) : undefined;
  }
  // The card's status is a value at creation, as approvals are: reviewers change it in
  // SageMaker Studio. Its content is the repository's.
  if (isObject(own.ModelCard)) {
    own.ModelCard = { ModelCardContent: cardContent(own.ModelCard.ModelCardContent) };
  }
  return own;
}

class Changes {
  readonly list: MemberChange[] = [];
  omitted = 0;

  add(path: string, change: MemberChange['change'], old: Value, now: Value): void {
    if (this.list.length >= MAX_CHANGES) {
      this.omitted++;
      return;
    }
    const top = /^[A-Za-z]+/.exec(path)?.[0] ?? '';
    const entry: MemberChange = {
      path,
      change,
      metadata: (METADATA_MEMBERS as readonly string[]).includes(top),
    };
    if (change !== 'added') entry.old = valueText(old);
    if (change !== 'removed') entry.new = valueText(now);
    this.list.push(entry);
  }
}

const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

function compare(wanted: Value, found: Value, at: string, out: Changes): void {
  if (absent(wanted) && absent(found)) return;
  if (absent(found)) return out.add(at, 'added', undefined, wanted);
  if (absent(wanted)) return out.add(at, 'removed', found, undefined);
  if (Array.isArray(wanted) && Array.isArray(found)) return compareLists(wanted, found, at, out);
  if (isObject(wanted) && isObject(found)) {
    for (const key of Object.keys(wanted)) compare(wanted[key], found[key], join(at, key), out);
    for (const key of Object.keys(found)) {
      if (key in wanted || FILLED_BY_SAGEMAKER.has(key)) continue;
      compare(undefined, found[key], join(at, key), out);
    }
    return;
  }
  if (found instanceof Date && typeof wanted === 'string') {
    if (Date.parse(wanted) !== found.getTime()) out.add(at, 'changed', found, wanted);
    return;
  }
  if (wanted !== found) out.add(at, 'changed', found, wanted);
}

/** A list of values by its items (added, removed); a list of objects item by item. */
function compareLists(wanted: Value[], found: Value[], at: string, out: Changes): void {
  if (wanted.every(scalar) && found.every(scalar)) {
    const had = new Set(found.map((v) => JSON.stringify(v)));
    const has = new Set(wanted.map((v) => JSON.stringify(v)));
    for (const v of wanted) if (!had.has(JSON.stringify(v))) out.add(at, 'added', undefined, v);
    for (const v of found) if (!has.has(JSON.stringify(v))) out.add(at, 'removed', v, undefined);
    return;
  }
  const n = Math.max(wanted.length, found.length);
  for (let i = 0; i < n; i++) compare(wanted[i], found[i], `${at}[${i}]`, out);
}

export interface Difference {
  changes: MemberChange[];
  /** How many changes there are beyond {@link MAX_CHANGES}. */
  omitted: number;
}

/**
 * What the manifest changes against a package: every member the manifest sets, then the
 * echoed members only the package has (removed from the manifest). A member SageMaker
 * fills in counts only when the manifest sets it.
 */
export function differences(
  request: ModelPackageManifest,
  description: DescribeModelPackageOutput,
  members?: readonly string[],
): Difference {
  const wanted = comparable(request as Record<string, Value>, false);
  const found = comparable(description as unknown as Record<string, Value>, true);
  // A version has no name; an unversioned package is compared with one of another name.
  if (!request.ModelPackageName) delete found.ModelPackageName;
  const keep = (key: string) => !NOT_COMPARED.has(key) && (!members || members.includes(key));
  const out = new Changes();
  for (const key of Object.keys(wanted).filter(keep)) {
    compare(wanted[key], found[key], key, out);
  }
  for (const key of Object.keys(found).filter((k) => keep(k) && ECHOED.has(k))) {
    if (!(key in wanted)) compare(undefined, found[key], key, out);
  }
  return { changes: out.list, omitted: out.omitted };
}
