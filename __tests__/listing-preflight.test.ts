/**
 * Preflight of the AWS Marketplace listings (SPEC §9, "Before creating"): the manifests and
 * their listing files as the action loads them from a workspace, the products read through
 * the SDK's Catalog client from the project's Marketplace Catalog API emulator over HTTP,
 * and the whole action in process for the stage that decides when the products are read.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CatalogApi } from '../src/listing/catalog.js';
import { createCatalogApi } from '../src/listing/catalog-client.js';
import { preflightListings } from '../src/listing/preflight.js';
import { run, type Dependencies } from '../src/main.js';
import { checkFiles } from '../src/manifest/check.js';
import type { CheckedManifest } from '../src/manifest/load.js';
import { preflight } from '../src/preflight/run.js';
import { fakePreflight } from './harness/fake-preflight.js';
import { fakeSageMaker } from './harness/fake-sagemaker.js';
import { CONTEXT, listingText, MARKETPLACE, replaceLine } from './harness/manifests.js';
import {
  startMarketplaceEmulator,
  type MarketplaceEmulator,
} from './harness/marketplace-emulator.js';
import { memoryRunner } from './harness/memory-runner.js';
import { RUN_ENV, runContext } from './harness/run-context.js';

const PRODUCT = 'prod-abcdefgh12345';
const OTHER = 'prod-zyxwvuts98765';
const ACCOUNT = '123456789012';
const arnOf = (name: string, region = 'us-east-1') =>
  `arn:aws:sagemaker:${region}:${ACCOUNT}:model-package/${name}`;
const IDENTIFIER_AT = '2:15';
const TITLE_AT = '5:19';

/** A valid listing file; Entity.Identifier is at 2:15, VersionTitle at 5:19. */
const listing = (product: string, title: string) => listingText(product, title);

/** The Marketplace manifest of the harness, made the package `name`. */
const manifestOf = (name: string) =>
  replaceLine(MARKETPLACE, 'ModelPackageName:', `ModelPackageName: ${name}`);

interface Entry {
  dir: string;
  name: string;
  /** The listing file's product and title; no listing file when left out. */
  product?: string;
  title?: string;
}

const workspaces: string[] = [];

/** A workspace with a manifest (and its listing file) per entry. */
function workspaceWith(entries: readonly Entry[]): string {
  const root = mkdtempSync(path.join(tmpdir(), 'smp-listing-preflight-'));
  workspaces.push(root);
  for (const entry of entries) {
    mkdirSync(path.join(root, entry.dir), { recursive: true });
    writeFileSync(path.join(root, entry.dir, 'model-package.yml'), manifestOf(entry.name));
    if (entry.product) {
      writeFileSync(
        path.join(root, entry.dir, 'marketplace-listing.yml'),
        listing(entry.product, entry.title ?? 'v1.4.0'),
      );
    }
  }
  return root;
}

/** The manifests as the action loads them, with their listing files. */
async function load(entries: readonly Entry[]): Promise<CheckedManifest[]> {
  const workspace = workspaceWith(entries);
  const checked = await checkFiles({
    patterns: entries.map((e) => `${e.dir}/model-package.yml`),
    maxManifests: 100,
    workspace,
    region: 'us-east-1',
    context: CONTEXT,
    listings: true,
  });
  for (const m of checked) expect(m.problems).toEqual([]);
  return checked;
}

afterAll(() => {
  for (const root of workspaces) rmSync(root, { recursive: true, force: true });
});

/** Preflight of the manifests with `catalog`; S3, ECR and algorithms all exist. */
async function preflightWith(manifests: CheckedManifest[], catalog: CatalogApi) {
  const runner = memoryRunner({});
  const outcome = await preflight({
    manifests,
    region: 'us-east-1',
    log: runner,
    api: fakePreflight('us-east-1', { everything: true }).api,
    catalog,
  });
  const problems = outcome.manifests.map((m) =>
    m.problems.map(
      (p) => `${p.file}:${p.line}:${p.column} ${p.severity} ${p.member}: ${p.message}`,
    ),
  );
  return { ...outcome, problems, runner };
}

describe('preflight of the listings against the Catalog API emulator', () => {
  const saved = { ...process.env };
  let emulator: MarketplaceEmulator;
  let catalog: CatalogApi;

  beforeEach(async () => {
    emulator = await startMarketplaceEmulator({ accountId: ACCOUNT });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_MARKETPLACE_CATALOG: emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    catalog = createCatalogApi();
  });

  afterEach(async () => {
    catalog.destroy();
    process.env = { ...saved };
    await emulator.close();
  });

  const describes = () => emulator.requests.filter((r) => r.operation === 'DescribeEntity');

  it('finds nothing for an existing machine-learning product with a free title', async () => {
    emulator.seedProduct({
      id: PRODUCT,
      title: 'Churn predictor',
      versions: [{ title: 'v1.3.0', modelPackageArn: arnOf('churn-v1-3-0') }],
    });
    const manifests = await load([
      { dir: 'churn', name: 'churn-v1-4-0', product: PRODUCT, title: 'v1.4.0' },
    ]);
    const { errors, listingErrors, problems } = await preflightWith(manifests, catalog);
    expect(problems).toEqual([[]]);
    expect([errors, listingErrors]).toEqual([0, 0]);
    expect(describes().map((r) => r.query)).toEqual([
      { catalog: 'AWSMarketplace', entityId: PRODUCT },
    ]);
  });

  it('describes each product once, however many manifests name it, and none without a listing', async () => {
    emulator.seedProduct({ id: PRODUCT, title: 'Churn predictor' });
    const manifests = await load([
      { dir: 'a', name: 'churn-a', product: PRODUCT, title: 'a' },
      { dir: 'b', name: 'churn-b', product: OTHER, title: 'b' },
      { dir: 'c', name: 'churn-c', product: PRODUCT, title: 'c' },
      { dir: 'd', name: 'churn-d' },
    ]);
    expect(manifests.map((m) => m.listingFile)).toEqual([
      'a/marketplace-listing.yml',
      'b/marketplace-listing.yml',
      'c/marketplace-listing.yml',
      undefined,
    ]);
    const report = await preflightListings(manifests, catalog, { region: 'us-east-1' });
    expect(report.calls).toBe(2);
    expect(
      describes()
        .map((r) => r.query.entityId)
        .sort(),
    ).toEqual([PRODUCT, OTHER].sort());
    // The missing product is an error in the one listing file that names it.
    expect(report.findings.map((f) => f.map((x) => x.severity))).toEqual([[], ['error'], [], []]);
  });

  it('refuses a product that does not exist, in each listing file that names it', async () => {
    const manifests = await load([
      { dir: 'churn', name: 'churn-1', product: OTHER },
      { dir: 'fraud', name: 'fraud-1', product: OTHER },
    ]);
    const { errors, listingErrors, problems, runner } = await preflightWith(manifests, catalog);
    const message = `AWS Marketplace has no product '${OTHER}' that this account can see: check Entity.Identifier (the product's entity ID, as the AWS Marketplace Management Portal shows it, such as prod-abcdefgh12345) and that the credentials are the seller account's`;
    expect(problems).toEqual([
      [`churn/marketplace-listing.yml:${IDENTIFIER_AT} error Entity.Identifier: ${message}`],
      [`fraud/marketplace-listing.yml:${IDENTIFIER_AT} error Entity.Identifier: ${message}`],
    ]);
    expect([errors, listingErrors]).toEqual([2, 2]);
    expect(describes()).toHaveLength(1);
    // Annotated in the listing file, at the member's span.
    expect(runner.log.filter((l) => l.level === 'error').map((l) => l.annotation)).toEqual([
      {
        title: 'Entity.Identifier',
        file: 'churn/marketplace-listing.yml',
        startLine: 2,
        endLine: 2,
        startColumn: 15,
        endColumn: 15 + OTHER.length,
      },
      {
        title: 'Entity.Identifier',
        file: 'fraud/marketplace-listing.yml',
        startLine: 2,
        endLine: 2,
        startColumn: 15,
        endColumn: 15 + OTHER.length,
      },
    ]);
    expect(runner.lines('info')).toContainEqual(
      'churn/model-package.yml: preflight (1 error, 0 warnings)',
    );
  });

  it('refuses an entity that is not a machine-learning product, naming its type', async () => {
    emulator.seedEntity({ id: OTHER, type: 'SaaSProduct@1.0', name: 'A SaaS product' });
    const manifests = await load([{ dir: 'churn', name: 'churn-1', product: OTHER }]);
    const { problems } = await preflightWith(manifests, catalog);
    expect(problems).toEqual([
      [
        `churn/marketplace-listing.yml:${IDENTIFIER_AT} error Entity.Identifier: '${OTHER}' is a 'SaaSProduct' entity, not a machine-learning product (MachineLearningProduct@1.0): a model package is listed as a version of a machine-learning product; check Entity.Identifier`,
      ],
    ]);
  });

  it('refuses a version title taken by a version of another package, with the remedy', async () => {
    emulator.seedProduct({
      id: PRODUCT,
      title: 'Churn predictor',
      versions: [
        { title: 'v1.4.0', modelPackageArn: arnOf('churn-old') },
        // The same name in another region is another package.
        { title: 'v1.3.0', modelPackageArn: arnOf('churn-v1-4-0', 'eu-west-1') },
      ],
    });
    const manifests = await load([
      { dir: 'churn', name: 'churn-v1-4-0', product: PRODUCT, title: 'v1.4.0' },
      { dir: 'eu', name: 'churn-v1-4-0', product: PRODUCT, title: 'v1.3.0' },
    ]);
    const { errors, listingErrors, problems } = await preflightWith(manifests, catalog);
    const taken = (title: string) =>
      `DetailsDocument.Version.VersionTitle: the product '${PRODUCT}' already has a version titled '${title}', and its source is another package: AWS Marketplace would refuse the change (DUPLICATE_VERSION_TITLE). Change VersionTitle, for example to '\${{ github.ref_name }}' in a release workflow`;
    expect(problems).toEqual([
      [`churn/marketplace-listing.yml:${TITLE_AT} error ${taken('v1.4.0')}`],
      [`eu/marketplace-listing.yml:${TITLE_AT} error ${taken('v1.3.0')}`],
    ]);
    expect([errors, listingErrors]).toEqual([2, 2]);
  });

  it('takes a package the product lists already for a re-run: a warning, not an error', async () => {
    emulator.seedProduct({
      id: PRODUCT,
      title: 'Churn predictor',
      versions: [
        { title: 'v1.4.0', modelPackageArn: arnOf('churn-v1-4-0') },
        { title: 'v1.5.0', modelPackageArn: arnOf('churn-v1-5-0') },
      ],
    });
    const manifests = await load([
      // The same title: a re-run, and the title is not reported as taken.
      { dir: 'same', name: 'churn-v1-4-0', product: PRODUCT, title: 'v1.4.0' },
      // Another title, taken by another version: apply submits nothing, so no error either.
      { dir: 'renamed', name: 'churn-v1-5-0', product: PRODUCT, title: 'v1.4.0' },
    ]);
    const { errors, problems } = await preflightWith(manifests, catalog);
    expect(problems).toEqual([
      [
        `same/marketplace-listing.yml:${IDENTIFIER_AT} warning Entity.Identifier: the package 'churn-v1-4-0' is already listed as version 'v1.4.0' of the product '${PRODUCT}' (a re-run, or it was listed before); apply will submit nothing for it`,
      ],
      [
        `renamed/marketplace-listing.yml:${IDENTIFIER_AT} warning Entity.Identifier: the package 'churn-v1-5-0' is already listed as version 'v1.5.0' of the product '${PRODUCT}' (a re-run, or it was listed before); apply will submit nothing for it (the listing file's VersionTitle 'v1.4.0' is not used)`,
      ],
    ]);
    expect(errors).toBe(0);
  });

  it('is an error when the credentials may not call DescribeEntity, said once, naming the permission', async () => {
    emulator.seedProduct({ id: PRODUCT, title: 'Churn predictor' });
    emulator.deny('DescribeEntity');
    const manifests = await load([
      { dir: 'a', name: 'churn-a', product: PRODUCT },
      { dir: 'b', name: 'churn-b', product: OTHER },
      { dir: 'c', name: 'churn-c', product: PRODUCT },
    ]);
    const { errors, listingErrors, problems } = await preflightWith(manifests, catalog);
    expect(problems).toEqual([
      [
        `a/marketplace-listing.yml:${IDENTIFIER_AT} error Entity.Identifier: preflight could not check the AWS Marketplace products '${PRODUCT}', '${OTHER}': the credentials may not call aws-marketplace:DescribeEntity, which listing needs too; give the role aws-marketplace:DescribeEntity (iam/policies), or set 'marketplace: off'`,
      ],
      [],
      [],
    ]);
    expect([errors, listingErrors]).toEqual([1, 1]);
    expect(describes().map((r) => r.refused)).toEqual([
      'AccessDeniedException',
      'AccessDeniedException',
    ]);
  });

  it("waits out throttling within the SDK's retries, and warns when it outlasts them", async () => {
    emulator.seedProduct({ id: PRODUCT, title: 'Churn predictor' });
    const manifests = await load([{ dir: 'churn', name: 'churn-1', product: PRODUCT }]);

    emulator.inject({ kind: 'throttle' }, { count: 1, operation: 'DescribeEntity' });
    const retried = await preflightWith(manifests, catalog);
    expect(retried.problems).toEqual([[]]);
    expect(describes().map((r) => r.refused)).toEqual(['ThrottlingException', undefined]);

    emulator.inject({ kind: 'throttle' }, { count: 3, operation: 'DescribeEntity' });
    const throttled = await preflightWith(manifests, createCatalogApi());
    expect(throttled.problems).toEqual([
      [
        `churn/marketplace-listing.yml:${IDENTIFIER_AT} warning Entity.Identifier: preflight could not check the AWS Marketplace product '${PRODUCT}' (aws-marketplace:DescribeEntity): ThrottlingException: Rate exceeded`,
      ],
    ]);
    expect(throttled.errors).toBe(0);
    expect(describes()).toHaveLength(2 + 3);

    emulator.inject({ kind: 'internal-error' }, { count: 3, operation: 'DescribeEntity' });
    const failing = await preflightWith(manifests, createCatalogApi());
    expect(failing.problems[0]).toEqual([
      expect.stringMatching(
        /warning Entity\.Identifier: preflight could not check the AWS Marketplace product '.*' \(aws-marketplace:DescribeEntity\): InternalServiceException: An internal error occurred\.$/,
      ),
    ]);
    expect(failing.errors).toBe(0);
  });

  it("quotes a hostile product's texts on one line, cut", async () => {
    const hostile = `\n::error::pwned\n[click](https://evil.example) @octo-org/admins ${'x'.repeat(100_000)}`;
    emulator.seedProduct({
      id: PRODUCT,
      title: hostile,
      versions: [{ title: hostile, modelPackageArn: arnOf('churn-v1-4-0') }],
    });
    emulator.seedEntity({ id: OTHER, type: `SaaS${hostile.replace('@', '')}@1.0` });
    const manifests = await load([
      { dir: 'listed', name: 'churn-v1-4-0', product: PRODUCT },
      { dir: 'saas', name: 'churn-v1-4-0', product: OTHER },
    ]);
    const { manifests: found, runner } = await preflightWith(manifests, catalog);
    const messages = found.map((m) => m.problems.map((p) => p.message));
    expect(messages).toEqual([
      [
        expect.stringMatching(
          /^the package 'churn-v1-4-0' is already listed as version ':: ?error::pwned \[click\]\(https:\/\/evil\.example\) @octo-org\/admins x+…' of the product/,
        ),
      ],
      [
        expect.stringMatching(
          /^'prod-zyxwvuts98765' is a 'SaaS ::error::pwned .*x…' entity, not a/,
        ),
      ],
    ]);
    for (const message of messages.flat()) {
      expect(message).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
      expect(message.length).toBeLessThan(600);
      // The quoted text is at most 200 characters.
      expect(message.match(/'(:[^']*)'/)?.[1]?.length ?? 0).toBeLessThanOrEqual(200);
    }
    // No log line carries a line the runner would read as a command.
    for (const entry of runner.log) expect(entry.message).not.toMatch(/(^|[\r\n])\s*::/);
  });
});

describe('preflight of the listings with a fake Catalog API', () => {
  /** A Catalog API whose DescribeEntity never answers until aborted. */
  const hung: CatalogApi = {
    describeEntity: (_id, options) =>
      new Promise((_resolve, reject) =>
        options?.abortSignal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        ),
      ),
    startChangeSet: () => Promise.reject(new Error('not called')),
    describeChangeSet: () => Promise.reject(new Error('not called')),
    listChangeSets: () => Promise.reject(new Error('not called')),
    destroy: () => undefined,
  };

  it('warns that the product could not be checked when preflight runs out of time', async () => {
    const manifests = await load([{ dir: 'churn', name: 'churn-1', product: PRODUCT }]);
    const started = Date.now();
    const outcome = await preflight({
      manifests,
      region: 'us-east-1',
      log: memoryRunner({}),
      api: fakePreflight('us-east-1', { everything: true }).api,
      catalog: hung,
      timeoutMs: 200,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome.errors).toBe(0);
    expect(outcome.manifests[0]!.problems.map((p) => `${p.severity} ${p.message}`)).toEqual([
      `warning preflight could not check the AWS Marketplace product '${PRODUCT}' (aws-marketplace:DescribeEntity): no answer in time`,
    ]);
  });

  it('makes at most 4 calls at once', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: CatalogApi = {
      ...hung,
      async describeEntity() {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight--;
        return undefined;
      },
    };
    const manifests = await load(
      Array.from({ length: 10 }, (_, i) => ({
        dir: `m${i}`,
        name: `churn-${i}`,
        product: `prod-${i}`,
      })),
    );
    const report = await preflightListings(manifests, counting, { region: 'us-east-1' });
    expect(report.calls).toBe(10);
    expect(most).toBe(4);
    expect(report.findings.every((f) => f.length === 1 && f[0]!.severity === 'error')).toBe(true);
  });
});

describe('the preflight stage with listings', () => {
  /** Runs the action in process on a workspace, with `catalog` as the Catalog API. */
  async function act(
    entries: readonly Entry[],
    inputs: Record<string, string>,
    catalog: CatalogApi,
    env: NodeJS.ProcessEnv = {},
  ) {
    const workspace = workspaceWith(entries);
    const runner = memoryRunner({
      region: 'us-east-1',
      manifest: entries.map((e) => `${e.dir}/model-package.yml`).join('\n'),
      ...inputs,
    });
    const sagemaker = fakeSageMaker();
    let made = 0;
    let destroyed = 0;
    const deps: Dependencies = {
      runner,
      workflow: runContext(),
      env: { GITHUB_REF_NAME: RUN_ENV.GITHUB_REF_NAME, ...env },
      workspace,
      aws: {
        sagemaker: async () => sagemaker.api,
        preflight: async () => fakePreflight('us-east-1', { everything: true }).api,
        marketplace: async () => {
          made++;
          return {
            ...catalog,
            destroy: () => {
              destroyed++;
            },
          };
        },
      },
      signal: new AbortController().signal,
      now: () => sagemaker.clock.t,
      sleep: async (ms) => {
        sagemaker.clock.t += ms;
      },
    };
    await run(deps);
    const results = JSON.parse(runner.outputs.results ?? '[]') as Record<string, unknown>[];
    return { runner, sagemaker, results, made, destroyed };
  }

  /** A Catalog API that knows one machine-learning product, with one version. */
  const calls: string[] = [];
  const catalog: CatalogApi = {
    async describeEntity(id) {
      calls.push(id);
      if (id !== PRODUCT) return undefined;
      return {
        EntityType: 'MachineLearningProduct@1.0',
        DetailsDocument: {
          Versions: [
            {
              VersionTitle: 'v1.3.0',
              Sources: [{ ModelPackageArn: arnOf('churn-v1-3-0') }],
            },
          ],
        },
        $metadata: {},
      };
    },
    startChangeSet: () => Promise.reject(new Error('not called')),
    describeChangeSet: () => Promise.reject(new Error('not called')),
    listChangeSets: () => Promise.reject(new Error('not called')),
    destroy: () => undefined,
  };
  beforeEach(() => {
    calls.length = 0;
  });

  it('stops a publish before creating anything when a listing cannot be made', async () => {
    const { runner, sagemaker, results, made, destroyed } = await act(
      [
        { dir: 'churn', name: 'churn-v1-4-0', product: PRODUCT, title: 'v1.3.0' },
        { dir: 'fraud', name: 'fraud-v1-4-0', product: OTHER },
      ],
      { marketplace: 'check' },
      catalog,
    );
    expect([made, destroyed]).toEqual([1, 1]);
    expect(calls.sort()).toEqual([PRODUCT, OTHER].sort());
    expect(sagemaker.created).toEqual([]);
    expect(runner.outputs['failure-reason']).toBe('preflight-failed');
    expect(runner.failed).toBe(
      'preflight found 2 errors: a listing cannot be made as its listing file says; nothing was created',
    );
    expect(results.map((r) => [r.manifest, r.failureReason, r.error])).toEqual([
      [
        'churn/model-package.yml',
        'preflight-failed',
        'preflight found 1 error in the listing file churn/marketplace-listing.yml; nothing was created',
      ],
      [
        'fraud/model-package.yml',
        'preflight-failed',
        'preflight found 1 error in the listing file fraud/marketplace-listing.yml; nothing was created',
      ],
    ]);
    expect(runner.groups).toContain(
      'Preflight: the S3 objects, images and algorithms, and the AWS Marketplace listings',
    );
    const annotations = runner.log.filter((l) => l.level === 'error' && l.annotation?.file);
    expect(annotations.map((l) => [l.annotation!.file, l.annotation!.startLine])).toEqual([
      ['churn/marketplace-listing.yml', 5],
      ['fraud/marketplace-listing.yml', 2],
    ]);
  });

  it('makes no Catalog API client without a listing, or with marketplace off', async () => {
    for (const [entries, inputs] of [
      [[{ dir: 'churn', name: 'churn-v1-4-0' }], { marketplace: 'check' }],
      [[{ dir: 'churn', name: 'churn-v1-4-0', product: OTHER }], { marketplace: 'off' }],
      [
        [{ dir: 'churn', name: 'churn-v1-4-0', product: OTHER }],
        { marketplace: 'check', preflight: 'false' },
      ],
      // A dry run without credentials makes no AWS call.
      [
        [{ dir: 'churn', name: 'churn-v1-4-0', product: OTHER }],
        { marketplace: 'check', 'dry-run': 'true' },
      ],
    ] as [Entry[], Record<string, string>][]) {
      const { runner, made } = await act(entries, inputs, catalog);
      expect(made).toBe(0);
      expect(runner.outputs['failure-reason']).toBe('');
      expect(runner.groups).not.toContain(
        'Preflight: the S3 objects, images and algorithms, and the AWS Marketplace listings',
      );
    }
    expect(calls).toEqual([]);
  });

  it('goes on to create a package whose listing is free; a dry run with credentials checks it too', async () => {
    const entries = [{ dir: 'churn', name: 'churn-v1-4-0', product: PRODUCT, title: 'v1.4.0' }];
    const published = await act(entries, { marketplace: 'check' }, catalog);
    expect(published.runner.outputs['failure-reason']).toBe('');
    expect(published.sagemaker.created).toHaveLength(1);
    expect([published.made, published.destroyed]).toEqual([1, 1]);
    expect(calls).toEqual([PRODUCT]);

    const dry = await act(
      entries.map((e) => ({ ...e, title: 'v1.3.0' })),
      { marketplace: 'check', 'dry-run': 'true' },
      catalog,
      { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
    );
    expect([dry.made, dry.destroyed]).toEqual([1, 1]);
    expect(dry.runner.outputs['failure-reason']).toBe('preflight-failed');
    expect(dry.results[0]).toMatchObject({
      failureReason: 'preflight-failed',
      problems: [expect.objectContaining({ file: 'churn/marketplace-listing.yml', line: 5 })],
    });
  });
});
