/**
 * The AWS Marketplace Catalog API as the action uses it (SPEC §9): the narrow interface the
 * listing code calls, and the facts about the service it depends on. The SDK's client is
 * in catalog-client.ts, made by the client factory (src/aws/clients.ts); tests give their
 * own through the same seam.
 */
import type {
  ChangeSetSummaryListItem,
  DescribeChangeSetResponse,
  DescribeEntityResponse,
  StartChangeSetRequest,
  StartChangeSetResponse,
} from '@aws-sdk/client-marketplace-catalog';
import type { Partition } from '../report/links.js';

/** The catalog of every AWS Marketplace change (the Catalog API reference). */
export const CATALOG = 'AWSMarketplace';

/**
 * The only region the Catalog API is served from (Catalog API developer guide, "Supported
 * Regions"), whatever the package's region.
 */
export const CATALOG_REGION = 'us-east-1';

/**
 * The partitions AWS Marketplace sells in: the standard partition only. AWS's documents
 * name no Catalog API endpoint in aws-cn or aws-us-gov (unverified beyond that silence);
 * this is the one place to change it.
 */
export const MARKETPLACE_PARTITIONS: readonly Partition[] = ['aws'];

export interface CallOptions {
  abortSignal?: AbortSignal;
}

/** What the action calls; each method is one API call. */
export interface CatalogApi {
  /** The entity, or undefined when the Catalog API says it does not exist. */
  describeEntity(
    entityId: string,
    options?: CallOptions,
  ): Promise<DescribeEntityResponse | undefined>;
  startChangeSet(
    request: Omit<StartChangeSetRequest, 'Catalog'>,
    options?: CallOptions,
  ): Promise<StartChangeSetResponse>;
  describeChangeSet(changeSetId: string, options?: CallOptions): Promise<DescribeChangeSetResponse>;
  /**
   * The change sets on one entity, newest first: at most `limit`, in pages of 20 (the
   * API's largest).
   */
  listChangeSets(
    entityId: string,
    limit: number,
    options?: CallOptions,
  ): Promise<ChangeSetSummaryListItem[]>;
  destroy(): void;
}

/**
 * A change set's page in the AWS Marketplace Management Portal. The portal's address for a
 * request is not documented by AWS (unverified); it is built here only.
 */
export function changeSetLink(changeSetId: string): string {
  return `https://aws.amazon.com/marketplace/management/requests/${encodeURIComponent(changeSetId)}`;
}
