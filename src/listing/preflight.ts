/**
 * Preflight of the AWS Marketplace listings (SPEC §9, "Before creating"): one read-only
 * DescribeEntity per product the run's listing files name, however many manifests name it,
 * and what the answer says about each listing before anything is created:
 *
 * - the product must exist and be visible to this account (an error at Entity.Identifier);
 * - it must be a machine-learning product (an error at Entity.Identifier, naming its type);
 * - the version title must not be taken by a version whose source is another package (an
 *   error at DetailsDocument.Version.VersionTitle, with the remedy);
 * - a version whose source is this package already is no error: a re-run, or the package
 *   was listed before, and apply submits nothing for it (a warning at Entity.Identifier).
 *   The package does not exist yet, so it is matched by region and name (isArnOfPackage).
 *
 * A call the credentials may not make is an error: listing needs aws-marketplace:DescribeEntity
 * too, so the run would fail after creating the package. A call that faulted after the
 * SDK's retries (throttling, 5xx, no answer in time) is a warning that the product could not
 * be checked. Either is said once per run, at the first listing it left unchecked.
 *
 * Every text of the answer (the entity's type, version titles) is untrusted: messages quote
 * it on one line, cut. AccessRoleArn needs no check here: the listing file's schema takes
 * only `arn:aws:iam::` role ARNs, and a region outside AWS Marketplace's partitions refuses
 * the listing before preflight (attach.ts).
 */
import type { DescribeEntityResponse } from '@aws-sdk/client-marketplace-catalog';
import type { CheckedManifest } from '../manifest/load.js';
import { clip, type MemberPath } from '../manifest/problems.js';
import {
  failureOf,
  limiter,
  type CallFailure,
  type PreflightFinding,
} from '../preflight/checks.js';
import type { CatalogApi } from './catalog.js';
import { isArnOfPackage, productOf, versionTitled, type Product } from './product.js';

/** Where the findings are, in the listing file. */
export const IDENTIFIER: MemberPath = ['Entity', 'Identifier'];
export const VERSION_TITLE: MemberPath = ['DetailsDocument', 'Version', 'VersionTitle'];

/** The permission each check needs. */
export const DESCRIBE_ENTITY = 'aws-marketplace:DescribeEntity';

/** DescribeEntity calls in flight at once: the Catalog API's rate limits are low. */
export const CATALOG_CONCURRENCY = 4;

/** Longest text of an answer (or of the listing file) quoted in a message. */
const QUOTED = 200;

/** Products listed in one finding about calls that could not be made. */
const LISTED = 5;

export interface ListingPreflightOptions {
  /** The packages' region, to match a version's package before it exists. */
  region: string;
  /** Aborts every call: the run's cancellation or preflight's time limit. */
  signal?: AbortSignal;
  concurrency?: number;
}

export interface ListingPreflightReport {
  /** Findings per manifest, in the order given; each is about the manifest's listing file. */
  findings: PreflightFinding[][];
  /** How many DescribeEntity calls were made. */
  calls: number;
}

/** Untrusted text as a message quotes it: on one line, without control characters, cut. */
export function quoteText(value: string): string {
  return `'${clip(value.replace(/[\s\p{Cc}]+/gu, ' ').trim(), QUOTED)}'`;
}

type Answer = { entity: DescribeEntityResponse | undefined } | { failure: CallFailure };

interface Unchecked {
  index: number;
  product: string;
  failure: CallFailure;
}

/**
 * Checks the listing of every manifest that has a valid one: findings per manifest, about
 * its listing file. Manifests without a listing get none, and make no call.
 */
export async function preflightListings(
  manifests: readonly CheckedManifest[],
  catalog: CatalogApi,
  options: ListingPreflightOptions,
): Promise<ListingPreflightReport> {
  const slot = limiter(options.concurrency ?? CATALOG_CONCURRENCY);
  const answers = new Map<string, Promise<Answer>>();
  const describe = (id: string): Promise<Answer> => {
    let answer = answers.get(id);
    if (!answer) {
      answer = slot(() => catalog.describeEntity(id, { abortSignal: options.signal })).then(
        (entity) => ({ entity }),
        (e: unknown) => ({ failure: failureOf(e) }),
      );
      answers.set(id, answer);
    }
    return answer;
  };

  const unchecked: Unchecked[] = [];
  const findings = await Promise.all(
    manifests.map(async (manifest, index): Promise<PreflightFinding[]> => {
      const name = manifest.identity?.name ?? manifest.request?.ModelPackageName;
      if (!manifest.listing || !name) return [];
      const product = manifest.listing.change.Entity.Identifier;
      const answer = await describe(product);
      if ('failure' in answer) {
        unchecked.push({ index, product, failure: answer.failure });
        return [];
      }
      return checkListing(manifest.listing.change, answer.entity, name, options.region);
    }),
  );
  unchecked.sort((a, b) => a.index - b.index);
  for (const { index, finding } of uncheckedFindings(unchecked)) findings[index]!.push(finding);
  return { findings, calls: answers.size };
}

type Change = NonNullable<CheckedManifest['listing']>['change'];

/** What the product's answer says about one listing. */
function checkListing(
  change: Change,
  entity: DescribeEntityResponse | undefined,
  packageName: string,
  region: string,
): PreflightFinding[] {
  const id = quoteText(change.Entity.Identifier);
  if (!entity) {
    return [
      {
        severity: 'error',
        path: IDENTIFIER,
        message: `AWS Marketplace has no product ${id} that this account can see: check Entity.Identifier (the product's entity ID, as the AWS Marketplace Management Portal shows it, such as prod-abcdefgh12345) and that the credentials are the seller account's`,
      },
    ];
  }
  const product = productOf(entity);
  if (!product.isMachineLearning) {
    const kind = product.type ? `a ${quoteText(product.type)} entity` : 'an entity of no type';
    return [
      {
        severity: 'error',
        path: IDENTIFIER,
        message: `${id} is ${kind}, not a machine-learning product (MachineLearningProduct@1.0): a model package is listed as a version of a machine-learning product; check Entity.Identifier`,
      },
    ];
  }
  const title = change.DetailsDocument.Version.VersionTitle;
  const listed = versionListing(product, packageName, region);
  if (listed) {
    const as =
      listed.title === null
        ? 'as a version without a title'
        : `as version ${quoteText(listed.title)}`;
    const unused =
      listed.title === title
        ? ''
        : ` (the listing file's VersionTitle ${quoteText(title)} is not used)`;
    return [
      {
        severity: 'warning',
        path: IDENTIFIER,
        message: `the package ${quoteText(packageName)} is already listed ${as} of the product ${id} (a re-run, or it was listed before); apply will submit nothing for it${unused}`,
      },
    ];
  }
  if (versionTitled(product, title)) {
    return [
      {
        severity: 'error',
        path: VERSION_TITLE,
        message: `the product ${id} already has a version titled ${quoteText(title)}, and its source is another package: AWS Marketplace would refuse the change (DUPLICATE_VERSION_TITLE). Change VersionTitle, for example to '\${{ github.ref_name }}' in a release workflow`,
      },
    ];
  }
  return [];
}

/** The product's version whose source is the package `name` of `region`, if any. */
function versionListing(product: Product, name: string, region: string) {
  return product.versions.find((v) => v.packages.some((arn) => isArnOfPackage(arn, region, name)));
}

/**
 * One finding per kind of failure for the whole run, at the first listing it left
 * unchecked: an error for a permission the credentials lack, a warning for each fault.
 */
function uncheckedFindings(
  unchecked: readonly Unchecked[],
): { index: number; finding: PreflightFinding }[] {
  const groups = new Map<string, Unchecked[]>();
  for (const u of unchecked) {
    const key = u.failure.kind === 'denied' ? 'denied' : `fault ${u.failure.detail}`;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const products = [...new Set(group.map((u) => u.product))];
    const more = products.length > LISTED ? ` and ${products.length - LISTED} more` : '';
    const listed = `the AWS Marketplace ${products.length === 1 ? 'product' : 'products'} ${products.slice(0, LISTED).map(quoteText).join(', ')}${more}`;
    const finding: PreflightFinding =
      first.failure.kind === 'denied'
        ? {
            severity: 'error',
            path: IDENTIFIER,
            message: `preflight could not check ${listed}: the credentials may not call ${DESCRIBE_ENTITY}, which listing needs too; give the role ${DESCRIBE_ENTITY} (iam/policies), or set 'marketplace: off'`,
          }
        : {
            severity: 'warning',
            path: IDENTIFIER,
            message: `preflight could not check ${listed} (${DESCRIBE_ENTITY}): ${first.failure.detail}`,
          };
    return { index: first.index, finding };
  });
}
