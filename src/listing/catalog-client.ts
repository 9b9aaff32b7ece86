/**
 * The AWS SDK's Marketplace Catalog client behind CatalogApi (catalog.ts), configured by the
 * client factory (src/aws/clients.ts) for the Catalog API's one region. Loaded only when a
 * run lists a package or checks a listing with AWS.
 */
import {
  DescribeChangeSetCommand,
  DescribeEntityCommand,
  ListChangeSetsCommand,
  MarketplaceCatalogClient,
  ResourceNotFoundException,
  StartChangeSetCommand,
  type ChangeSetSummaryListItem,
} from '@aws-sdk/client-marketplace-catalog';
import { sdkConfig } from '../aws/clients.js';
import type { RenewableCredentials } from '../sagemaker/api.js';
import { CATALOG, CATALOG_REGION, type CatalogApi } from './catalog.js';

/** ListChangeSets' largest page (the service model's MaxResults). */
const PAGE = 20;

export function createCatalogApi(options: { credentials?: RenewableCredentials } = {}): CatalogApi {
  const client = new MarketplaceCatalogClient(
    sdkConfig('marketplace', CATALOG_REGION, options.credentials),
  );
  return {
    async describeEntity(entityId, call) {
      try {
        return await client.send(
          new DescribeEntityCommand({ Catalog: CATALOG, EntityId: entityId }),
          call,
        );
      } catch (e) {
        if (e instanceof ResourceNotFoundException) return undefined;
        throw e;
      }
    },
    startChangeSet(request, call) {
      return client.send(new StartChangeSetCommand({ ...request, Catalog: CATALOG }), call);
    },
    describeChangeSet(changeSetId, call) {
      return client.send(
        new DescribeChangeSetCommand({ Catalog: CATALOG, ChangeSetId: changeSetId }),
        call,
      );
    },
    async listChangeSets(entityId, limit, call) {
      const found: ChangeSetSummaryListItem[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new ListChangeSetsCommand({
            Catalog: CATALOG,
            FilterList: [{ Name: 'EntityId', ValueList: [entityId] }],
            Sort: { SortBy: 'StartTime', SortOrder: 'DESCENDING' },
            MaxResults: Math.min(PAGE, limit - found.length),
            NextToken,
          }),
          call,
        );
        found.push(...(page.ChangeSetSummaryList ?? []));
        NextToken = page.NextToken;
      } while (NextToken && found.length < limit);
      return found.slice(0, limit);
    },
    destroy() {
      client.destroy();
    },
  };
}
