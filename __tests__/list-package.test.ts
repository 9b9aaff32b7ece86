/**
 * The listing step (src/listing/list-package.ts) through the SDK's Catalog client against
 * the project's Marketplace Catalog API emulator, on the emulator's clock: what it submits,
 * what a re-run finds, a locked product, retries, and each failure with its remedy.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness/dist-action.js';
import { checkListingText } from '../src/listing/load.js';
import type { Listing } from '../src/listing/attach.js';
import { createCatalogApi } from '../src/listing/catalog-client.js';
import {
  changeFor,
  changeSetNaming,
  listPackage,
  type ListOptions,
} from '../src/listing/list-package.js';
import { REMEDIES } from '../src/listing/remedies.js';
import { emptyResult, type ListingResult, type PackageResult } from '../src/results.js';
import { memoryRunner } from './harness/memory-runner.js';
import {
  startMarketplaceEmulator,
  type MarketplaceEmulator,
} from './harness/marketplace-emulator.js';

const START = Date.UTC(2026, 11, 2, 9, 0, 0);
const PRODUCT = 'prod-churn1234567';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-2';
const OLD = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-1';
const MINUTE = 60_000;

// The example listing file, for this test's product and with a fixed title.
const LISTING_TEXT = readFileSync(
  path.join(ROOT, 'examples/marketplace/marketplace-listing.yml'),
  'utf8',
)
  .replace('prod-abcdefgh12345', PRODUCT)
  .replace('${{ github.ref_name }}', '"2.0.0"');

function listingFile(text = LISTING_TEXT): Listing {
  const checked = checkListingText(text, 'models/churn/marketplace-listing.yml', {
    context: { github: {}, env: {}, vars: {}, inputs: {} } as never,
  });
  expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return { file: checked.file, change: checked.change! };
}

const completed: PackageResult = {
  ...emptyResult('models/churn/model-package.yml', 'Completed'),
  name: 'churn-2',
  arn: ARN,
  region: 'us-east-1',
};

let clock = START;
let emulator: MarketplaceEmulator;
const saved = { ...process.env };

beforeEach(async () => {
  clock = START;
  emulator = await startMarketplaceEmulator({ now: () => clock });
  emulator.seedProduct({
    id: PRODUCT,
    title: 'Churn predictor',
    versions: [{ title: '1.0.0', modelPackageArn: OLD }],
  });
  process.env.AWS_ENDPOINT_URL_MARKETPLACE_CATALOG = emulator.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

afterEach(async () => {
  process.env = { ...saved };
  await emulator.close();
});

function options(more: Partial<ListOptions> = {}) {
  const runner = memoryRunner();
  const updates: ListingResult[] = [];
  const api = createCatalogApi();
  const opts: ListOptions = {
    catalog: async () => api,
    intent: 'APPLY',
    timeoutMs: 60 * MINUTE,
    follow: true,
    log: runner,
    signal: new AbortController().signal,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    onUpdate: (listing) => void updates.push(listing),
    ...more,
  };
  return { opts, runner, updates, destroy: () => api.destroy() };
}

async function list(result = completed, more: Partial<ListOptions> = {}, text?: string) {
  const o = options(more);
  try {
    const after = await listPackage(result, listingFile(text), o.opts);
    return { ...o, after, listing: after.listing! };
  } finally {
    o.destroy();
  }
}

/** Another job's change on the product: another package, another title. */
function otherChange() {
  const { DetailsDocument } = changeFor(listingFile(), OLD.replace('churn-1', 'other'));
  return {
    ...DetailsDocument,
    Version: { ...DetailsDocument.Version, VersionTitle: '1.5.0' },
  } as never;
}

/** Another job's change set, which holds the product for 3 minutes (PREPARING, APPLYING). */
async function holdProduct(): Promise<void> {
  const api = createCatalogApi();
  try {
    await api.startChangeSet({
      ChangeSet: [
        {
          ChangeType: 'AddDeliveryOptions',
          Entity: { Type: 'MachineLearningProduct@1.0', Identifier: PRODUCT },
          DetailsDocument: otherChange(),
        },
      ],
      ChangeSetName: 'someone else',
    });
  } finally {
    api.destroy();
  }
}

describe('listing a validated package', () => {
  it('adds the package to the product as a new version with one change set', async () => {
    const { after, listing, updates } = await list();
    expect(after.status).toBe('Completed');
    expect(after.failureReason).toBeNull();
    expect(listing).toMatchObject({
      product: PRODUCT,
      productTitle: 'Churn predictor',
      versionTitle: '2.0.0',
      intent: 'APPLY',
      status: 'SUCCEEDED',
      errors: [],
    });
    expect(listing.changeSetId).toMatch(/^\w+/);
    expect(listing.link).toContain(listing.changeSetId);
    expect(emulator.product(PRODUCT)!.versions.map((v) => [v.title, v.modelPackageArn])).toEqual([
      ['1.0.0', OLD],
      ['2.0.0', ARN],
    ]);
    const counts = emulator.counts();
    expect(counts).toMatchObject({ DescribeEntity: 1, ListChangeSets: 1, StartChangeSet: 1 });
    // PREPARING 1 min, APPLYING 2 min: polls every 5 s at first, then back off to 30 s.
    expect(counts.DescribeChangeSet).toBeGreaterThanOrEqual(3);
    expect(counts.DescribeChangeSet).toBeLessThanOrEqual(40);
    expect(updates.map((u) => u.status)).toEqual(['PREPARING', 'APPLYING', 'SUCCEEDED']);
    // The package's ARN is filled in; the name and token are the change's digests.
    const start = emulator.requests.find((r) => r.operation === 'StartChangeSet')!;
    const naming = changeSetNaming('churn-2', 'APPLY', changeFor(listingFile(), ARN));
    expect(start.body).toMatchObject({
      Catalog: 'AWSMarketplace',
      Intent: 'APPLY',
      ChangeSetName: naming.base,
      ClientRequestToken: naming.token(1),
    });
    expect(JSON.stringify(start.body)).toContain(ARN);
    expect(naming.base).toMatch(/^[\w\s+=.:@-]{1,100}$/);
    expect(naming.token(12)).toMatch(/^[!-~]{1,64}$/);
  });

  it('submits nothing on a re-run: the version exists, or the change set is still running', async () => {
    await list(completed, { follow: false });
    const running = await list();
    expect(running.listing.status).toBe('SUCCEEDED');
    expect(emulator.counts().StartChangeSet).toBe(1);
    const again = await list();
    expect(again.listing).toMatchObject({
      status: 'LISTED',
      changeSetId: running.listing.changeSetId,
    });
    expect(again.listing.note).toContain("version '2.0.0'");
    expect(emulator.counts().StartChangeSet).toBe(1);
    expect(emulator.product(PRODUCT)!.versions).toHaveLength(2);
  });

  it('waits for a product locked by another change set, then starts', async () => {
    await holdProduct();
    const { listing, runner } = await list();
    expect(listing.status).toBe('SUCCEEDED');
    const refused = emulator.requests.filter(
      (r) => r.operation === 'StartChangeSet' && r.refused === 'ResourceInUseException',
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(runner.lines('info').join('\n')).toContain('locked by another change set');
  });

  it('gives up on a product locked past the timeout with listing-failed, nothing submitted', async () => {
    await holdProduct();
    const { after } = await list(completed, { timeoutMs: MINUTE });
    expect(after).toMatchObject({ status: 'Failed', failureReason: 'listing-failed' });
    expect(after.error).toContain('locked by another change set');
    expect(after.listing!.changeSetId).toBeNull();
  });

  it.each(Object.keys(REMEDIES))('quotes %s with its remedy', async (code) => {
    emulator.forceOutcome({
      failureCode: 'CLIENT_ERROR',
      errors: [{ ErrorCode: code, ErrorMessage: `AWS says ${code}` }],
    });
    const { after, listing, runner } = await list();
    expect(after).toMatchObject({ status: 'Failed', failureReason: 'listing-failed' });
    expect(after.error).toContain(code);
    expect(listing).toMatchObject({
      status: 'FAILED',
      failureCode: 'CLIENT_ERROR',
      errors: [{ code, message: `AWS says ${code}`, remedy: REMEDIES[code] }],
    });
    expect(runner.log.find((l) => l.level === 'error')?.annotation?.file).toBe(
      'models/churn/marketplace-listing.yml',
    );
    expect(emulator.product(PRODUCT)!.versions).toHaveLength(1);
  });

  it('starts a change set that failed with SERVER_FAULT once more, and only once', async () => {
    emulator.forceOutcome({ failureCode: 'SERVER_FAULT' });
    const retried = await list();
    expect(retried.listing.status).toBe('SUCCEEDED');
    const starts = emulator.requests.filter((r) => r.operation === 'StartChangeSet');
    expect(starts.map((r) => r.body.ChangeSetName)).toEqual([
      expect.not.stringMatching(/ r\d+$/),
      expect.stringMatching(/ r2$/),
    ]);
    expect(starts[0]!.body.ClientRequestToken).not.toBe(starts[1]!.body.ClientRequestToken);
  });

  it('fails after a second SERVER_FAULT', async () => {
    emulator.forceOutcome({ failureCode: 'SERVER_FAULT' }, { count: 2 });
    const { after } = await list();
    expect(after.failureReason).toBe('listing-failed');
    expect(after.error).toContain('SERVER_FAULT');
    expect(emulator.counts().StartChangeSet).toBe(2);
  });

  it('finds a title already taken before submitting anything', async () => {
    const text = LISTING_TEXT.replace('"2.0.0"', '"1.0.0"');
    const { after, listing } = await list(completed, {}, text);
    expect(after.failureReason).toBe('listing-failed');
    expect(listing.errors).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_VERSION_TITLE',
        remedy: REMEDIES.DUPLICATE_VERSION_TITLE,
      }),
    ]);
    expect(emulator.counts().StartChangeSet).toBeUndefined();
  });

  it('lists nothing for a package whose validation failed, without calling AWS Marketplace', async () => {
    const failed = {
      ...completed,
      status: 'Failed' as const,
      failureReason: 'validation-failed' as const,
    };
    const { after, listing } = await list(failed);
    expect(after.failureReason).toBe('validation-failed');
    expect(listing.status).toBe('NOT_STARTED');
    expect(listing.note).toContain('validation-failed');
    expect(emulator.requests).toEqual([]);
  });

  it('leaves a change set running at the timeout as it is: the package stays Completed', async () => {
    const { after, listing, runner } = await list(completed, { timeoutMs: 2 * MINUTE });
    expect(after.status).toBe('Completed');
    expect(after.failureReason).toBeNull();
    expect(listing.status).toBe('APPLYING');
    expect(runner.lines('warning').join('\n')).toContain('marketplace-timeout-minutes');
  });

  it('starts and does not follow with wait: false', async () => {
    const { listing } = await list(completed, { follow: false });
    expect(listing.status).toBe('PREPARING');
    expect(emulator.counts().DescribeChangeSet).toBe(1);
  });

  it('makes a refused VALIDATE change set a note, and follows an accepted one', async () => {
    const refused = await list(completed, { intent: 'VALIDATE' });
    expect(refused.after.failureReason).toBeNull();
    expect(refused.listing.status).toBe('NOT_STARTED');
    expect(refused.listing.note).toContain("AWS's documents disagree");
    emulator.setRefuseValidateForMl(false);
    const accepted = await list(completed, { intent: 'VALIDATE' });
    expect(accepted.listing).toMatchObject({ intent: 'VALIDATE', status: 'SUCCEEDED' });
    expect(emulator.product(PRODUCT)!.versions).toHaveLength(1);
  });

  it('names the permission AWS Marketplace refused', async () => {
    emulator.deny('StartChangeSet');
    const { after } = await list();
    expect(after.failureReason).toBe('listing-failed');
    expect(after.error).toContain('aws-marketplace:StartChangeSet');
  });

  it('says when the product does not exist, or is not a machine-learning product', async () => {
    emulator.seedEntity({ id: 'prod-saas12345678', type: 'SaaSProduct@1.0', name: 'SaaS' });
    const missing = await list(completed, {}, LISTING_TEXT.replace(PRODUCT, 'prod-nothere12345'));
    expect(missing.after.error).toContain('no product prod-nothere12345');
    const saas = await list(completed, {}, LISTING_TEXT.replace(PRODUCT, 'prod-saas12345678'));
    expect(saas.after.error).toContain('not a machine-learning product');
    expect(emulator.counts().StartChangeSet).toBeUndefined();
  });

  it('tries reads again while AWS Marketplace throttles', async () => {
    emulator.inject({ kind: 'throttle' }, { count: 4, operation: 'DescribeChangeSet' });
    const { listing } = await list();
    expect(listing.status).toBe('SUCCEEDED');
  });
});
