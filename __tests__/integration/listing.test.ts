/**
 * Listing on AWS Marketplace (SPEC §9), the built action against the project's SageMaker
 * and AWS Marketplace Catalog API emulators over HTTP: the pull request checks the listing
 * and creates nothing on AWS Marketplace; the release lists the validated package as a new
 * version; a re-run submits nothing; a locked product is waited for; each refusal is quoted
 * with its remedy; a failed validation lists nothing; a listing-file mistake and a title
 * already used stop the run before anything is created.
 */
import { describe, expect, it } from '@jest/globals';
import {
  MarketplaceCatalogClient,
  StartChangeSetCommand,
} from '@aws-sdk/client-marketplace-catalog';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../harness/dist-action.js';
import { integration } from '../harness/integration.js';
import { MARKETPLACE } from '../harness/manifests.js';
import { REMEDIES } from '../../src/listing/remedies.js';
import { CHECK_RUN_OUTPUT_CHARACTERS, OUTPUT_BYTES, SUMMARY_BYTES } from '../../src/limits.js';
import { commandLines, inert } from '../harness/inert.js';
import { RUN_ENV } from '../harness/run-context.js';
import type { PackageResult } from '../../src/results.js';

const PRODUCT = 'prod-churn1234567';
const MANIFEST = 'models/churn/model-package.yml';
const LISTING = 'models/churn/marketplace-listing.yml';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor';
const OLD = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor-1';

/** The example listing file, for this test's product, with `title`. */
const listing = (title = '2.0.0') =>
  readFileSync(path.join(ROOT, 'examples/marketplace/marketplace-listing.yml'), 'utf8')
    .replace('prod-abcdefgh12345', PRODUCT)
    .replace('${{ github.ref_name }}', JSON.stringify(title));

/** Text the runner, GitHub's markdown or a browser would act on. */
const HOSTILE_TEXT = [
  '<img src=x onerror=alert(1)>',
  '[link](https://evil.example)',
  '</details></summary></td></table>',
  '@octo-org/team @octocat',
  '#1 GH-2',
  'a | b',
  '::warning::forged',
].join(' ');

const t = integration({
  manifests: { 'models/churn': MARKETPLACE },
  files: { [LISTING]: listing() },
  inputs: { region: 'us-east-1', manifest: MANIFEST, 'check-run': 'false', comment: 'off' },
  sagemaker: { pendingMs: 100, inProgressMs: 200 },
  marketplace: { preparingMs: 300, applyingMs: 300 },
});

async function start() {
  await t.start();
  t.marketplace.seedProduct({
    id: PRODUCT,
    title: 'Churn predictor',
    versions: [{ title: '1.0.0', modelPackageArn: OLD }],
  });
}

const resultsOf = (run: { outputs: Record<string, string> }) =>
  JSON.parse(run.outputs.results!) as PackageResult[];

const published = () => t.run({ inputs: { marketplace: 'check' } });
const release = (inputs: Record<string, string> = {}) =>
  t.run({ inputs: { mode: 'verify', marketplace: 'apply', ...inputs } });

/** The listing file's details with `title`, filled in with `arn` as the action fills them. */
function detailsWithPackage(title: string, arn: string) {
  const { DetailsDocument } = parse(listing(title)) as {
    DetailsDocument: {
      DeliveryOptions: { Details: { SageMakerModelPackageDeliveryOptionDetails: object } }[];
    };
  };
  const option = DetailsDocument.DeliveryOptions[0]!.Details;
  option.SageMakerModelPackageDeliveryOptionDetails = {
    ...option.SageMakerModelPackageDeliveryOptionDetails,
    SageMakerModelPackageArn: arn,
  };
  return DetailsDocument;
}

/** Another job's change set on the product: another package, another title. */
async function someoneElsesChangeSet(): Promise<string> {
  const client = new MarketplaceCatalogClient({
    endpoint: t.marketplace.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDOTHERJOB', secretAccessKey: 'secret' },
  });
  try {
    const { ChangeSetId } = await client.send(
      new StartChangeSetCommand({
        Catalog: 'AWSMarketplace',
        ChangeSet: [
          {
            ChangeType: 'AddDeliveryOptions',
            Entity: { Type: 'MachineLearningProduct@1.0', Identifier: PRODUCT },
            DetailsDocument: detailsWithPackage('1.5.0', OLD) as never,
          },
        ],
      }),
    );
    return ChangeSetId!;
  } finally {
    client.destroy();
  }
}

describe('listing on AWS Marketplace', () => {
  it('checks on the pull request, lists on the release, and submits nothing on a re-run', async () => {
    await start();
    const pr = await published();
    expect(pr.code).toBe(0);
    const [checked] = resultsOf(pr);
    expect(checked!.listing).toMatchObject({
      product: PRODUCT,
      versionTitle: '2.0.0',
      status: 'NOT_STARTED',
      note: expect.stringContaining('marketplace: check'),
    });
    expect(t.marketplace.counts().StartChangeSet).toBeUndefined();

    const listed = await release();
    expect(listed.code).toBe(0);
    const [result] = resultsOf(listed);
    expect(result!.listing).toMatchObject({
      status: 'SUCCEEDED',
      intent: 'APPLY',
      productTitle: 'Churn predictor',
      errors: [],
    });
    expect(listed.outputs['listing-change-set-id']).toBe(result!.listing!.changeSetId);
    // The job summary reports the new version.
    const summary = inert(listed.summary).text;
    expect(summary).toContain('AWS Marketplace listing');
    expect(summary).toMatch(/Version title: ?2\.0\.0/);
    expect(summary).toContain('SUCCEEDED');
    expect(summary).toContain(result!.listing!.changeSetId!);
    expect(
      t.marketplace.product(PRODUCT)!.versions.map((v) => [v.title, v.modelPackageArn]),
    ).toEqual([
      ['1.0.0', OLD],
      ['2.0.0', ARN],
    ]);
    const [set] = t.marketplace.changeSets();
    expect(set).toMatchObject({ intent: 'APPLY', status: 'SUCCEEDED' });

    const again = await release();
    expect(again.code).toBe(0);
    expect(resultsOf(again)[0]!.listing).toMatchObject({
      status: 'LISTED',
      changeSetId: set!.id,
    });
    expect(again.outputs['listing-change-set-id']).toBe(set!.id);
    expect(t.marketplace.counts().StartChangeSet).toBe(1);
    expect(t.marketplace.product(PRODUCT)!.versions).toHaveLength(2);
  });

  it('waits for a product another change set holds, then lists', async () => {
    // AWS Marketplace's clock moves only when the test says: the other change set holds
    // the product until then, whenever the run's calls fall.
    let clock = Date.now();
    await t.start({ marketplace: { now: () => clock } });
    t.marketplace.seedProduct({ id: PRODUCT, title: 'Churn predictor', versions: [] });
    expect((await published()).code).toBe(0);
    const other = await someoneElsesChangeSet();
    const running = release();
    await running.until(/locked by another change set/);
    clock += 10 * 60_000;
    await running.until(/started change set/);
    clock += 10 * 60_000;
    const listed = await running;
    expect(listed.code).toBe(0);
    expect(resultsOf(listed)[0]!.listing!.status).toBe('SUCCEEDED');
    expect(t.marketplace.changeSets().map((c) => [c.id === other, c.status])).toEqual([
      [true, 'SUCCEEDED'],
      [false, 'SUCCEEDED'],
    ]);
    expect(t.marketplace.product(PRODUCT)!.versions.map((v) => v.title)).toEqual([
      '1.5.0',
      '2.0.0',
    ]);
  });

  it('quotes each error of a refused change set with what to do about it', async () => {
    await start();
    expect((await published()).code).toBe(0);
    const codes = Object.keys(REMEDIES);
    t.marketplace.forceOutcome({
      failureCode: 'CLIENT_ERROR',
      errors: codes.map((code) => ({
        ErrorCode: code,
        ErrorMessage: `AWS Marketplace says ${code}.`,
      })),
    });
    const refused = await release();
    expect(refused.code).not.toBe(0);
    expect(refused.outputs['failure-reason']).toBe('listing-failed');
    const [result] = resultsOf(refused);
    expect(result!.listing!.errors).toEqual(
      codes.map((code) => ({
        code,
        message: `AWS Marketplace says ${code}.`,
        remedy: REMEDIES[code],
      })),
    );
    const summary = inert(refused.summary).text;
    for (const code of codes) expect(summary).toContain(code);
    expect(summary).toContain(REMEDIES.UPDATE_PRICING_REQUIRED!.slice(0, 60));
    const error = refused.annotations.find(
      (a) => a.level === 'error' && a.message.includes('refused change set'),
    );
    expect(error?.properties.file).toBe(LISTING);
    expect(t.marketplace.product(PRODUCT)!.versions).toHaveLength(1);
  });

  it('lists nothing when validation failed', async () => {
    await t.start({
      sagemaker: { outcome: () => ({ status: 'Failed', failureReason: 'ClientError: exit 1' }) },
    });
    t.marketplace.seedProduct({ id: PRODUCT, title: 'Churn predictor', versions: [] });
    const run = await t.run({ inputs: { marketplace: 'apply' } });
    expect(run.outputs['failure-reason']).toBe('validation-failed');
    const [result] = resultsOf(run);
    expect(result!.listing).toMatchObject({ status: 'NOT_STARTED', changeSetId: null });
    expect(result!.listing!.note).toContain('validation-failed');
    expect(run.outputs['listing-change-set-id']).toBe('');
    expect(t.marketplace.counts().StartChangeSet).toBeUndefined();
  });

  it('reports a listing-file mistake at its line before anything is created', async () => {
    await start();
    t.files('', {
      [LISTING]: listing().replace(
        'RealtimeInference: ml.m5.large',
        'RealtimeInference: ml.m5.large with spaces',
      ),
    });
    try {
      const run = await t.run({ inputs: { marketplace: 'apply' } });
      expect(run.code).not.toBe(0);
      expect(run.outputs['failure-reason']).toBe('invalid-manifest');
      const annotation = run.annotations.find((a) => a.properties.file === LISTING);
      expect(annotation?.properties.line).toBe(
        String(
          listing()
            .split('\n')
            .findIndex((l) => l.includes('RealtimeInference:')) + 1,
        ),
      );
      expect(t.sagemaker.requests.map((r) => r.operation)).not.toContain('CreateModelPackage');
      expect(t.marketplace.requests).toEqual([]);
    } finally {
      t.files('', { [LISTING]: listing() });
    }
  });

  it('finds a version title already used before anything is created', async () => {
    await t.start();
    t.marketplace.seedProduct({
      id: PRODUCT,
      title: 'Churn predictor',
      versions: [{ title: '2.0.0', modelPackageArn: OLD }],
    });
    const run = await t.run({ inputs: { marketplace: 'check' } });
    expect(run.code).not.toBe(0);
    expect(run.outputs['failure-reason']).toBe('preflight-failed');
    const line =
      listing()
        .split('\n')
        .findIndex((l) => l.includes('VersionTitle:')) + 1;
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        properties: expect.objectContaining({ file: LISTING, line: String(line) }),
        message: expect.stringContaining('DUPLICATE_VERSION_TITLE'),
      }),
    );
    expect(t.sagemaker.requests.map((r) => r.operation)).not.toContain('CreateModelPackage');
    expect(t.marketplace.counts()).toEqual({ DescribeEntity: 1 });
  });

  it("leaves the listing's check run in progress with 'wait: false', and sync concludes it", async () => {
    let clock = Date.now();
    await t.start({ marketplace: { now: () => clock }, github: {} });
    t.marketplace.seedProduct({ id: PRODUCT, title: 'Churn predictor', versions: [] });
    t.github.setBranch('octo-org', 'models', 'main', [RUN_ENV.GITHUB_SHA]);
    expect((await published()).code).toBe(0);
    const reports = { 'check-run': 'true', 'github-token': 'ghs_writer' };
    const released = await release({ ...reports, wait: 'false' });
    expect(released.code).toBe(0);
    expect(resultsOf(released)[0]!.listing!.status).toBe('PREPARING');
    const name = `Marketplace listing: ${PRODUCT}`;
    const listingRun = () =>
      t.github.checkRuns('octo-org', 'models', RUN_ENV.GITHUB_SHA).find((r) => r.name === name);
    expect(listingRun()).toMatchObject({ status: 'in_progress' });
    expect(listingRun()!.external_id).toBe(released.outputs['listing-change-set-id']);

    const sync = () =>
      t.run({ inputs: { mode: 'sync', ...reports }, event: { name: 'schedule', payload: {} } });
    const early = await sync();
    expect(early.code).toBe(0);
    expect(listingRun()).toMatchObject({ status: 'in_progress' });
    clock += 10 * 60_000;
    const late = await sync();
    expect(late.code).toBe(0);
    expect(listingRun()).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(t.marketplace.counts().StartChangeSet).toBe(1);
  });

  it('shows hostile listing text and AWS Marketplace answers as text, within limits', async () => {
    await t.start({ github: {} });
    t.marketplace.seedProduct({
      id: PRODUCT,
      title: `Churn ${HOSTILE_TEXT}`,
      versions: [{ title: `1.0 ${HOSTILE_TEXT}`.slice(0, 64), modelPackageArn: OLD }],
    });
    t.marketplace.forceOutcome({
      failureCode: 'CLIENT_ERROR',
      errors: [
        {
          ErrorCode: '::error::CODE',
          ErrorMessage: `${HOSTILE_TEXT}\n::error::forged\r\n${'x'.repeat(200_000)}`,
        },
      ],
    });
    const title = '2.0 <img src=x> @octocat #1';
    t.files('', {
      [LISTING]: listing(title).replace(
        /ReleaseNotes: \|[\s\S]*?\n {2}DeliveryOptions/,
        `ReleaseNotes: ${JSON.stringify(`${HOSTILE_TEXT}\n::error::notes`)}\n  DeliveryOptions`,
      ),
    });
    try {
      const run = await t.run({
        inputs: { marketplace: 'apply', 'check-run': 'true', 'github-token': 'ghs_writer' },
      });
      expect(run.stderr).toBe('');
      expect(run.outputs['failure-reason']).toBe('listing-failed');
      for (const line of commandLines(run)) {
        expect(line).toMatch(/^::(group|endgroup|add-mask|error [^:]*::|error::Model packages: )/);
      }
      // The annotations are the action's own: the refusal, at the listing file, and the step's failure.
      expect(run.annotations).toEqual([
        expect.objectContaining({
          level: 'error',
          properties: expect.objectContaining({ file: LISTING }),
        }),
        {
          level: 'error',
          properties: {},
          message: 'Model packages: 1 not listed on AWS Marketplace (of 1).',
        },
      ]);
      expect(run.stdout).not.toMatch(/^[\s\u0085]*::error::forged/m);
      const [result] = resultsOf(run);
      expect(result!.listing!.errors[0]!.message.length).toBeLessThanOrEqual(1_100);
      for (const name of ['results', 'report']) {
        expect(Buffer.byteLength(run.outputs[name] ?? '')).toBeLessThanOrEqual(OUTPUT_BYTES);
      }
      expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(SUMMARY_BYTES);
      const summary = inert(run.summary);
      expect(summary.text).toContain('::error::CODE');
      const outputs = t.github.requests
        .filter((r) => r.path.includes('/check-runs') && r.status < 300)
        .map((r) => (r.body as { output?: { summary: string; text: string } }).output)
        .filter((o): o is { summary: string; text: string } => Boolean(o));
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) {
        expect(output.summary.length).toBeLessThanOrEqual(CHECK_RUN_OUTPUT_CHARACTERS);
        expect(output.text.length).toBeLessThanOrEqual(CHECK_RUN_OUTPUT_CHARACTERS);
        inert(output.summary);
        inert(output.text);
      }
    } finally {
      t.files('', { [LISTING]: listing() });
    }
  });

  it('does not read a listing file that links out of the workspace', async () => {
    await start();
    const outside = mkdtempSync(path.join(tmpdir(), 'smp-outside-'));
    const linked = path.join(t.workspace, LISTING);
    try {
      writeFileSync(path.join(outside, 'secret.yml'), `${listing()}# not the workspace's\n`);
      rmSync(linked);
      symlinkSync(path.join(outside, 'secret.yml'), linked);
      const run = await t.run({ inputs: { marketplace: 'apply' } });
      expect(run.code).not.toBe(0);
      expect(run.outputs['failure-reason']).toBe('invalid-manifest');
      expect(run.annotations).toContainEqual(
        expect.objectContaining({
          level: 'error',
          properties: expect.objectContaining({ file: LISTING, line: '1' }),
          message: expect.stringContaining('leads outside the workspace'),
        }),
      );
      expect(run.stdout).not.toContain("not the workspace's");
      expect(t.sagemaker.requests.map((r) => r.operation)).not.toContain('CreateModelPackage');
      expect(t.marketplace.requests).toEqual([]);
    } finally {
      rmSync(linked, { force: true });
      t.files('', { [LISTING]: listing() });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
