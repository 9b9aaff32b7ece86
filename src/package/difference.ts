/**
 * Where a package found in SageMaker differs from a manifest's resolved request: the first
 * member, as a path such as `InferenceSpecification.Containers[0].Image`. DescribeModelPackage
 * returns the members of the request that created the package; the provenance the action
 * adds and its own customer metadata properties are not part of a manifest's definition.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { ACTION_KEY_PREFIX } from '../action-entries.js';
import type { ModelPackageManifest } from '../manifest/schema.js';

/** Members of a request that name or label a package rather than define it. */
const NOT_DEFINITION = new Set([
  'ModelPackageName',
  'ModelPackageGroupName',
  'ModelApprovalStatus',
  'Tags',
  'ClientToken',
]);

/** Definition members DescribeModelPackage echoes, for a member the manifest no longer has. */
const ECHOED = [
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
];

/** Provenance the action fills from the run when the manifest does not set it. */
const PROVENANCE = ['CommitId', 'Repository', 'GeneratedBy'];

type Value = unknown;

const isObject = (v: Value): v is Record<string, Value> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** The description without what the action added: provenance and its own entries. */
function definitionOf(
  request: ModelPackageManifest,
  description: DescribeModelPackageOutput,
): Record<string, Value> {
  const own = { ...description } as Record<string, Value>;
  const metadata = description.MetadataProperties as Record<string, Value> | undefined;
  if (metadata) {
    const set = (request.MetadataProperties ?? {}) as Record<string, Value>;
    const kept = Object.entries(metadata).filter(
      ([key]) => !PROVENANCE.includes(key) || set[key] !== undefined,
    );
    own.MetadataProperties = kept.length ? Object.fromEntries(kept) : undefined;
  }
  const properties = description.CustomerMetadataProperties;
  if (properties) {
    const kept = Object.entries(properties).filter(([key]) => !key.startsWith(ACTION_KEY_PREFIX));
    own.CustomerMetadataProperties = kept.length ? Object.fromEntries(kept) : undefined;
  }
  return own;
}

/** Absent and false are the same for a flag such as CertifyForMarketplace. */
const absent = (v: Value) => v === undefined || v === null || v === false;

/**
 * The first path under `at` where `wanted` and `found` differ. `strict`: members only
 * `found` has count too; otherwise only the members `wanted` sets are compared (SageMaker
 * may fill in defaults, such as a container's ImageDigest).
 */
function firstAt(wanted: Value, found: Value, at: string, strict: boolean): string | undefined {
  if (absent(wanted) && absent(found)) return undefined;
  if (Array.isArray(wanted) && Array.isArray(found)) {
    for (let i = 0; i < wanted.length; i++) {
      const d = firstAt(wanted[i], found[i], `${at}[${i}]`, strict);
      if (d) return d;
    }
    return found.length > wanted.length ? `${at}[${wanted.length}]` : undefined;
  }
  if (isObject(wanted) && isObject(found)) {
    const keys = Object.keys(wanted);
    if (strict) keys.push(...Object.keys(found).filter((k) => !(k in wanted)));
    for (const key of keys) {
      const d = firstAt(wanted[key], found[key], at ? `${at}.${key}` : key, strict);
      if (d) return d;
    }
    return undefined;
  }
  if (found instanceof Date && typeof wanted === 'string') {
    return Date.parse(wanted) === found.getTime() ? undefined : at;
  }
  return wanted === found ? undefined : at;
}

/**
 * The first member of the definition where the package differs from the request, or
 * undefined when every member the description shows is the same.
 */
export function firstDifference(
  request: ModelPackageManifest,
  description: DescribeModelPackageOutput,
): string | undefined {
  const found = definitionOf(request, description);
  const wanted = Object.fromEntries(
    Object.entries(request).filter(([key]) => !NOT_DEFINITION.has(key)),
  ) as Record<string, Value>;
  // The members the manifest sets first; then every echoed member, with those only the
  // package has (a member the manifest no longer sets).
  const pick = (value: Record<string, Value>) =>
    Object.fromEntries(ECHOED.map((key) => [key, value[key]]));
  return firstAt(wanted, found, '', false) ?? firstAt(pick(wanted), pick(found), '', true);
}
