/** The AWS Marketplace listing file, checked as a manifest is (SPEC §9). */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkListingText, loadListing } from '../src/listing/load.js';
import { isListingFile } from '../src/listing/names.js';
import { CONTEXT, listingText } from './harness/manifests.js';

const EXAMPLE = readFileSync('examples/marketplace/marketplace-listing.yml', 'utf8');
const DETAILS =
  'DetailsDocument.DeliveryOptions[0].Details.SageMakerModelPackageDeliveryOptionDetails';

/** A valid listing; line numbers are referred to by the tests. */
const LISTING = listingText();

const check = (text: string) =>
  checkListingText(text, 'marketplace-listing.yml', { context: CONTEXT });
const found = (text: string) =>
  check(text).problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.member}: ${p.message}`);

describe('the listing file', () => {
  it('is valid as the example has it, with its expressions resolved and the defaults filled in', () => {
    const checked = check(EXAMPLE);
    expect(checked.problems).toEqual([]);
    expect(checked.change?.DetailsDocument.Version.VersionTitle).toBe(CONTEXT.github.ref_name);
    const minimal = check(LISTING);
    expect(minimal.problems).toEqual([]);
    expect(minimal.change).toMatchObject({
      ChangeType: 'AddDeliveryOptions',
      Entity: { Type: 'MachineLearningProduct@1.0', Identifier: 'prod-abcdefgh12345' },
    });
    expect(minimal.locate?.(['Entity', 'Identifier'])).toMatchObject({ line: 2, column: 15 });
  });

  it('reports every problem at once, at its line and column, with the member path', () => {
    const text = LISTING.replace('prod-abcdefgh12345', 'prod abc')
      .replace('${{ github.ref_name }}', 'x'.repeat(65))
      .replace('https://github.com/octo-org/models\n', 'http://github.com/octo-org/models\n')
      .replace('RealtimeInference: ml.m5.large', 'RealtimeInference: ml m5')
      .replace('UsageInstructions', 'UsageInstruction');
    expect(found(text)).toEqual([
      '2:15 error Entity.Identifier: expected an entity ID of letters, digits, _, - and @, such as prod-abcdefgh12345',
      '5:19 error DetailsDocument.Version.VersionTitle: must be at most 64 characters long (is 65)',
      `9:9 error ${DETAILS}.UsageInstructions: is required (a string)`,
      `11:11 error ${DETAILS}.UsageInstruction: unknown member 'UsageInstruction' (did you mean 'UsageInstructions'?)`,
      `13:26 error ${DETAILS}.RepositoryUrl: expected an https:// URL such as https://github.com/octo-org/models`,
      `16:57 error ${DETAILS}.RecommendedInstanceTypes.RealtimeInference: expected an instance type such as ml.m5.large (1 to 24 characters, no spaces)`,
    ]);
    expect(check(text).change).toBeUndefined();
  });

  it('refuses the package ARN, which the action fills in', () => {
    const text = LISTING.replace(
      '          UsageInstructions',
      '          SageMakerModelPackageArn: arn:aws:sagemaker:us-east-1:123456789012:model-package/churn\n          UsageInstructions',
    );
    expect(found(text)).toEqual([
      `11:11 error ${DETAILS}.SageMakerModelPackageArn: SageMakerModelPackageArn is filled in by the action with the ARN of the package it created; remove it from the listing file`,
    ]);
  });

  it("takes the shapes' spelling SageMaker and suggests it for Sagemaker", () => {
    const text = LISTING.replace(
      'SageMakerModelPackageDeliveryOptionDetails',
      'SagemakerModelPackageDeliveryOptionDetails',
    );
    expect(found(text)).toContain(
      "9:9 error DetailsDocument.DeliveryOptions[0].Details.SagemakerModelPackageDeliveryOptionDetails: unknown member 'SagemakerModelPackageDeliveryOptionDetails' (did you mean 'SageMakerModelPackageDeliveryOptionDetails'?)",
    );
  });

  it('checks the fixed values, the one delivery option and the list limits', () => {
    const parameters = Array.from({ length: 36 }, (_, i) => `{Name: p${i}}`).join(', ');
    const text =
      `ChangeType: AddDeliveryOption\nEntity: {Type: MachineLearningProduct@2.0}\n${LISTING.slice(LISTING.indexOf('DetailsDocument'))}`
        .replace('{Description: CSV rows.}', `{Parameters: [${parameters}]}`)
        .replace(/ {4}- Details:[\s\S]*$/, (option) => option + option);
    expect(found(text)).toEqual([
      `1:13 error ChangeType: expected one of AddDeliveryOptions; found the string "AddDeliveryOption" (did you mean 'AddDeliveryOptions'?)`,
      '2:1 error Entity.Identifier: is required (a string)',
      '2:16 error Entity.Type: expected one of MachineLearningProduct@1.0; found the string "MachineLearningProduct@2.0" (did you mean \'MachineLearningProduct@1.0\'?)',
      '7:3 error DetailsDocument.DeliveryOptions: must have at most 1 item (has 2)',
      `14:29 error ${DETAILS}.InputProperties.Parameters: must have at most 35 items (has 36)`,
      `23:29 error DetailsDocument.DeliveryOptions[1].Details.SageMakerModelPackageDeliveryOptionDetails.InputProperties.Parameters: must have at most 35 items (has 36)`,
    ]);
  });

  it('reports an expression that does not resolve at the expression', () => {
    expect(found(LISTING.replace('github.ref_name', 'github.ref'))).toEqual([
      '5:19 error DetailsDocument.Version.VersionTitle: ${{ github.ref }}: unknown property github.ref; an expression may use github.sha, github.ref_name, github.run_id, github.run_number, github.repository',
    ]);
  });

  it('refuses YAML errors, an empty file and another top level as a manifest is refused', () => {
    expect(found('Entity: [\n')[0]).toMatch(/^\d+:\d+ error : YAML: /);
    expect(found('')).toEqual([
      '1:1 error : the listing file is empty; expected a mapping of one StartChangeSet change: ChangeType, Entity and DetailsDocument',
    ]);
    expect(found('- a\n')[0]).toContain('the top level of a listing file must be');
  });

  it('refuses a file that is not UTF-8 or is too large', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'listing-'));
    const latin1 = path.join(dir, 'marketplace-listing.yml');
    writeFileSync(latin1, Buffer.from('Entity:\n  Identifier: caf\xe9\n', 'latin1'));
    const notUtf8 = await loadListing(latin1, 'marketplace-listing.yml', { context: CONTEXT });
    expect(notUtf8.problems.map((p) => p.message)).toEqual([
      'not UTF-8: byte 0xE9 at line 2, column 18; save the listing file as UTF-8',
    ]);
    const large = path.join(dir, 'large.yml');
    writeFileSync(large, `# ${'x'.repeat(1024 * 1024)}\n`);
    const tooLarge = await loadListing(large, 'large.yml', { context: CONTEXT });
    expect(tooLarge.problems[0]?.message).toMatch(
      /^the listing file is \d+ bytes; listing files of more than 1048576 bytes are refused$/,
    );
  });

  it('is known by its name', () => {
    expect(isListingFile('models/churn/marketplace-listing.yml')).toBe(true);
    expect(isListingFile('marketplace-listing.yaml')).toBe(true);
    expect(isListingFile('models/churn/model-package.yml')).toBe(false);
    expect(isListingFile('models/marketplace-listing.yml/model-package.yml')).toBe(false);
  });
});
