/**
 * The listing file beside each manifest (src/listing/attach.ts, SPEC §9): read with the
 * manifest when the run has `marketplace` set, its problems among the manifest's at their
 * own file, and refused for a versioned package, a partition without AWS Marketplace and a
 * symbolic link out of the workspace.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkFiles } from '../src/manifest/check.js';
import {
  CONTEXT,
  listingText,
  MARKETPLACE,
  VERSIONED,
  writeManifest,
} from './harness/manifests.js';

const workspace = mkdtempSync(path.join(tmpdir(), 'smp-attach-'));
const outside = mkdtempSync(path.join(tmpdir(), 'smp-outside-'));
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** A folder with a manifest and, unless `listing` is undefined, a listing file. */
function folder(
  name: string,
  manifest: string,
  listing?: string,
  file = 'marketplace-listing.yml',
) {
  writeManifest(workspace, name, manifest);
  if (listing !== undefined) writeFileSync(path.join(workspace, name, file), listing);
  return `${name}/model-package.yml`;
}

async function check(manifest: string, options: { region?: string; listings?: boolean } = {}) {
  const [checked] = await checkFiles({
    patterns: [manifest],
    maxManifests: 5,
    workspace,
    region: options.region ?? 'us-east-1',
    context: CONTEXT,
    listings: options.listings ?? true,
  });
  return checked!;
}

const errors = (checked: Awaited<ReturnType<typeof check>>) =>
  checked.problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.file}:${p.line}:${p.column} ${p.member} ${p.message}`);

describe('the listing file beside a manifest', () => {
  it("is read with the manifest, its change with the run's expressions resolved", async () => {
    const checked = await check(folder('churn', MARKETPLACE, listingText()));
    expect(errors(checked)).toEqual([]);
    expect(checked.request).toBeDefined();
    expect(checked.listingFile).toBe('churn/marketplace-listing.yml');
    expect(checked.listing).toMatchObject({
      file: 'churn/marketplace-listing.yml',
      change: {
        ChangeType: 'AddDeliveryOptions',
        Entity: { Type: 'MachineLearningProduct@1.0', Identifier: 'prod-abcdefgh12345' },
        DetailsDocument: { Version: { VersionTitle: CONTEXT.github.ref_name } },
      },
    });
    expect(checked.locateListing?.(['DetailsDocument', 'Version', 'VersionTitle'])).toMatchObject({
      line: 5,
      column: 19,
    });
  });

  it('is not read when the run does not list (marketplace: off), nor when there is none', async () => {
    const off = await check(folder('off', MARKETPLACE, 'not: [a listing'), { listings: false });
    expect(off.listing).toBeUndefined();
    expect(errors(off)).toEqual([]);
    const none = await check(folder('none', MARKETPLACE));
    expect(none.listingFile).toBeUndefined();
    expect(none.request).toBeDefined();
  });

  it('takes the .yaml spelling too', async () => {
    const checked = await check(
      folder('yaml', MARKETPLACE, listingText(), 'marketplace-listing.yaml'),
    );
    expect(checked.listing?.file).toBe('yaml/marketplace-listing.yaml');
  });

  it("makes the listing file's mistakes the manifest's, at the listing file: nothing is sent", async () => {
    const text = listingText().replace(
      'ml.m5.large, BatchTransform',
      'ml m5 large, BatchTransform',
    );
    const checked = await check(folder('mistake', MARKETPLACE, text));
    expect(checked.request).toBeUndefined();
    expect(checked.listing).toBeUndefined();
    expect(errors(checked)).toEqual([
      expect.stringMatching(
        /^mistake\/marketplace-listing\.yml:16:\d+ DetailsDocument\.DeliveryOptions\[0\]\.Details\.SageMakerModelPackageDeliveryOptionDetails\.RecommendedInstanceTypes\.RealtimeInference /,
      ),
    ]);
  });

  it('refuses a listing file beside a versioned package', async () => {
    const checked = await check(folder('versioned', VERSIONED, listingText()));
    expect(checked.request).toBeUndefined();
    expect(errors(checked)).toEqual([
      expect.stringContaining(
        'versioned/marketplace-listing.yml:1:1  a listing file lists an unversioned package on AWS Marketplace, and versioned/model-package.yml makes a version of the model package group fraud-detector',
      ),
    ]);
  });

  it('refuses a region of a partition without AWS Marketplace', async () => {
    const manifest = folder(
      'china',
      MARKETPLACE.replaceAll('us-east-1', 'cn-north-1'),
      listingText(),
    );
    const checked = await check(manifest, { region: 'cn-north-1' });
    expect(checked.request).toBeUndefined();
    expect(errors(checked)).toContainEqual(
      expect.stringContaining(
        'china/marketplace-listing.yml:1:1  AWS Marketplace does not sell in the partition aws-cn (region cn-north-1)',
      ),
    );
  });

  it('does not follow a symbolic link out of the workspace', async () => {
    writeFileSync(path.join(outside, 'listing.yml'), listingText());
    const manifest = folder('linked', MARKETPLACE);
    symlinkSync(
      path.join(outside, 'listing.yml'),
      path.join(workspace, 'linked', 'marketplace-listing.yml'),
    );
    const checked = await check(manifest);
    expect(checked.request).toBeUndefined();
    expect(checked.listing).toBeUndefined();
    expect(errors(checked)).toEqual([
      'linked/marketplace-listing.yml:1:1  the listing file leads outside the workspace (a symbolic link); it is not read',
    ]);
  });
});
