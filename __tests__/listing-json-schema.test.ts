/**
 * The committed JSON Schema of the listing file as editors read it, validated as
 * __tests__/json-schema.test.ts validates the manifest's.
 */
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { listingJsonSchema } from '../src/listing/schema.js';

const schema = JSON.parse(readFileSync('schema/marketplace-listing.schema.json', 'utf8')) as Record<
  string,
  unknown
>;

function compile() {
  const ajv = new Ajv2020({ strict: true, allErrors: true, unicodeRegExp: true });
  ajv.addVocabulary(['patternErrorMessage']);
  return ajv.compile(schema);
}

const example = () =>
  parse(readFileSync('examples/marketplace/marketplace-listing.yml', 'utf8')) as {
    DetailsDocument: {
      DeliveryOptions: { Details: { SageMakerModelPackageDeliveryOptionDetails: object } }[];
    };
  };

describe('the committed JSON Schema of the listing file', () => {
  it('is up to date', () => {
    expect(schema).toEqual(JSON.parse(JSON.stringify(listingJsonSchema())));
  });

  it('compiles in strict mode, with patterns valid under the u flag', () => {
    expect(compile).not.toThrow();
  });

  it('accepts the example, whose yaml-language-server line points at it', () => {
    const text = readFileSync('examples/marketplace/marketplace-listing.yml', 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../schema/marketplace-listing.schema.json',
    );
    const validate = compile();
    expect(validate(example())).toBe(true);
  });

  it('refuses the package ARN, an unknown member and a second delivery option', () => {
    const validate = compile();
    const listing = example();
    const details = listing.DetailsDocument.DeliveryOptions[0]!.Details
      .SageMakerModelPackageDeliveryOptionDetails as Record<string, unknown>;
    details.SageMakerModelPackageArn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/x';
    details.SagemakerCustomAttributes = [];
    listing.DetailsDocument.DeliveryOptions.push(listing.DetailsDocument.DeliveryOptions[0]!);
    expect(validate(listing)).toBe(false);
    const paths = new Set(validate.errors?.map((e) => e.instancePath));
    expect(paths).toEqual(
      new Set([
        '/DetailsDocument/DeliveryOptions',
        '/DetailsDocument/DeliveryOptions/0/Details/SageMakerModelPackageDeliveryOptionDetails',
        '/DetailsDocument/DeliveryOptions/0/Details/SageMakerModelPackageDeliveryOptionDetails/SageMakerModelPackageArn',
        '/DetailsDocument/DeliveryOptions/1/Details/SageMakerModelPackageDeliveryOptionDetails',
        '/DetailsDocument/DeliveryOptions/1/Details/SageMakerModelPackageDeliveryOptionDetails/SageMakerModelPackageArn',
      ]),
    );
  });
});
