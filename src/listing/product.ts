/**
 * A machine-learning product as DescribeEntity gives it (SPEC §9): its type, title and
 * versions, with the model packages each version lists.
 *
 * The shape of a machine-learning product's details is not in the Catalog API's service
 * model (DetailsDocument is a free document) and AWS's reference gives no full example for
 * this entity type (unverified). So a version's packages are every model package ARN found
 * in the version's details, wherever it sits (Sources[], DeliveryOptions[]), and its title
 * is `VersionTitle`; the product's title is `Description.ProductTitle`. The walk is bounded:
 * the answer is treated as hostile.
 */
import type { DescribeEntityResponse } from '@aws-sdk/client-marketplace-catalog';
import { ENTITY_TYPE } from './schema.js';

export interface ProductVersion {
  title: string | null;
  /** The model package ARNs the version lists, lower-cased. */
  packages: string[];
}

export interface Product {
  /** The entity type without its version: MachineLearningProduct, SaaSProduct, ... */
  type: string;
  isMachineLearning: boolean;
  title: string | null;
  versions: ProductVersion[];
}

const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/\S+$/i;
/** How deep into a version, and how many versions, are looked at. */
const MAX_DEPTH = 8;
const MAX_VERSIONS = 10_000;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function detailsOf(entity: DescribeEntityResponse): Json {
  if (isObject(entity.DetailsDocument)) return entity.DetailsDocument;
  if (typeof entity.Details === 'string') {
    try {
      const parsed: unknown = JSON.parse(entity.Details);
      if (isObject(parsed)) return parsed;
    } catch {
      // Not JSON: no details.
    }
  }
  return {};
}

function packagesIn(value: unknown, depth: number, found: Set<string>): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (MODEL_PACKAGE_ARN.test(value)) found.add(value.toLowerCase());
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) packagesIn(item, depth + 1, found);
    return;
  }
  if (isObject(value)) for (const item of Object.values(value)) packagesIn(item, depth + 1, found);
}

const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function productOf(entity: DescribeEntityResponse): Product {
  const details = detailsOf(entity);
  const type = (entity.EntityType ?? '').split('@')[0] ?? '';
  const versions = Array.isArray(details.Versions) ? details.Versions.slice(0, MAX_VERSIONS) : [];
  return {
    type,
    isMachineLearning: entity.EntityType === ENTITY_TYPE || type === ENTITY_TYPE.split('@')[0],
    title: isObject(details.Description) ? textOf(details.Description.ProductTitle) : null,
    versions: versions.filter(isObject).map((v) => {
      const packages = new Set<string>();
      packagesIn(v, 0, packages);
      return { title: textOf(v.VersionTitle), packages: [...packages] };
    }),
  };
}

/** The product's version whose source is `packageArn`, if any. */
export function versionOfPackage(product: Product, packageArn: string): ProductVersion | undefined {
  const arn = packageArn.toLowerCase();
  return product.versions.find((v) => v.packages.includes(arn));
}

/** The product's version titled `title`, if any. */
export function versionTitled(product: Product, title: string): ProductVersion | undefined {
  return product.versions.find((v) => v.title === title);
}

/**
 * Whether `arn` is the ARN of the unversioned package `name` in `region`: what a listing can
 * be matched on before the package exists (its account is not known without a call).
 */
export function isArnOfPackage(arn: string, region: string, name: string): boolean {
  const lower = arn.toLowerCase();
  return (
    lower.startsWith(`arn:`) &&
    lower.split(':')[3] === region.toLowerCase() &&
    lower.endsWith(`:model-package/${name.toLowerCase()}`)
  );
}
