/**
 * The listing file's schema: one `Change` of the AWS Marketplace Catalog API's
 * `StartChangeSet` that adds a version (a delivery option) to a machine-learning product,
 * as the Catalog API spells it (SPEC §9). This is the only description of the listing
 * file in the code; schema/marketplace-listing.schema.json is generated from it. It is
 * built from the manifest schema's helpers (src/manifest/schema.ts), so its problems are
 * reported as a manifest's are.
 *
 * Where each constraint comes from:
 * - The change's details: awslabs/aws-marketplace-catalog-api-shapes-for-python at commit
 *   e2fef2264d48b3166807d592924e6e3caa1a2f95 (these files last changed in
 *   c9e09835aa19ba94a41f9d63f2208a4818d90659), folder
 *   src/aws_marketplace_catalog_shapes_machinelearningproduct_1_0_changetypes/models/:
 *   - add_delivery_options_change_detail.py: DetailsDocument's Version and DeliveryOptions,
 *     both required;
 *   - add_version.py: VersionTitle ≤ 64 and ReleaseNotes ≤ 30000, both required and
 *     matching ^\S+[\S\s]* (they start with a character other than white space);
 *   - add_delivery_option.py and add_delivery_options_details.py: Details and its
 *     SageMakerModelPackageDeliveryOptionDetails (optional there, as an algorithm's
 *     details are the other choice; required here, as the action lists a model package);
 *   - add_delivery_options_sage_maker_model_package_delivery_option_details.py: every
 *     member required; UsageInstructions ≤ 10000; SampleNotebookUrl and RepositoryUrl
 *     ≤ 2000 matching the https pattern below; AccessRoleArn matching
 *     ^arn:aws:iam::\d{12}:role(\/[A-Za-z0-9_+=,.@-]+)?$; SageMakerModelPackageArn,
 *     which the action fills in and a listing file may not set;
 *   - input_properties.py: Description 1–10000, Limitations 1–1000, SampleInput,
 *     Parameters and SageMakerCustomAttributes of at most 35 items;
 *   - output_properties.py: Description 1–10000, SampleOutput, Parameters ≤ 35;
 *   - parameter.py: Name 1–100 starting with a printable ASCII character (^[ -~]+),
 *     Description 1–1000, Constraints 1–1500, Required (a boolean);
 *   - output_parameter.py: Name as parameter.py's, Description 1–1000, AlwaysReturned;
 *   - sample.py: RealtimeInferenceText and BatchTransformText 1–10000,
 *     RealtimeInferenceUrl and BatchTransformUrl ≤ 10000 matching the https pattern;
 *   - sage_maker_model_package_recommended_instance_types.py: RealtimeInference and
 *     BatchTransform, each ^\S{1,24}$.
 *   The shapes match patterns with Python's re.match, anchored at the start only; so do
 *   these.
 * - The change itself: the Catalog API's service model (botocore 1.43.11,
 *   marketplace-catalog/2018-09-17/service-2.json): Entity.Identifier 1–255 matching
 *   ^[\w\-@]+$. ChangeType and Entity.Type are the values SPEC §9 and the Catalog API
 *   reference ("Add a new version") give for this change: AddDeliveryOptions and
 *   MachineLearningProduct@1.0; each may be left out.
 * - One delivery option (DeliveryOptions has exactly one item): a listing adds one
 *   package as one version (SPEC §9); the shapes set no limit.
 *
 * Some AWS pages spell the members `Sagemaker…`; the shapes, and this schema, say
 * `SageMaker…`. The other spelling is an unknown member with a "did you mean".
 */
import * as z from 'zod/mini';
import { documentJsonSchema, list, opt, pattern, text } from '../manifest/schema.js';

export const CHANGE_TYPE = 'AddDeliveryOptions';
export const ENTITY_TYPE = 'MachineLearningProduct@1.0';

export const PACKAGE_ARN_MESSAGE =
  'SageMakerModelPackageArn is filled in by the action with the ARN of the package it created; remove it from the listing file';

// The shapes' pattern for URLs, unchanged.
const HTTPS_URL_RE =
  /^https:\/\/(www\.)?[-a-zA-Z0-9@._]{1,256}\.[a-zA-Z0-9()]{2,63}\b([-a-zA-Z0-9@_+./]*)/;
const httpsUrl = (max: number) =>
  pattern(max, HTTPS_URL_RE, 'an https:// URL such as https://github.com/octo-org/models');

const STARTS_WITH_TEXT_RE = /^\S+[\S\s]*/;
const titled = (max: number, what: string) =>
  pattern(max, STARTS_WITH_TEXT_RE, `${what} that does not start with white space`);

const PARAMETER_NAME_RE = /^[ -~]+/;
const parameterName = () =>
  pattern(100, PARAMETER_NAME_RE, 'a name that starts with a printable ASCII character', 1);

const ACCESS_ROLE_RE = /^arn:aws:iam::\d{12}:role(\/[A-Za-z0-9_+=,.@-]+)?$/;
const INSTANCE_TYPE_RE = /^\S{1,24}$/;
const instanceType = () =>
  pattern(
    24,
    INSTANCE_TYPE_RE,
    'an instance type such as ml.m5.large (1 to 24 characters, no spaces)',
  );

const IDENTIFIER_RE = /^[\w\-@]+$/;

const sample = () =>
  z.strictObject({
    RealtimeInferenceText: opt(text(10000, 1)),
    RealtimeInferenceUrl: opt(httpsUrl(10000)),
    BatchTransformText: opt(text(10000, 1)),
    BatchTransformUrl: opt(httpsUrl(10000)),
  });

const parameter = z
  .strictObject({
    Name: opt(parameterName()),
    Description: opt(text(1000, 1)),
    Constraints: opt(text(1500, 1)),
    Required: opt(z.boolean()),
  })
  .check(z.meta({ id: 'Parameter' }));

const outputParameter = z.strictObject({
  Name: opt(parameterName()),
  Description: opt(text(1000, 1)),
  AlwaysReturned: opt(z.boolean()),
});

const deliveryOptionDetails = z.strictObject({
  AccessRoleArn: pattern(
    Number.POSITIVE_INFINITY,
    ACCESS_ROLE_RE,
    'an IAM role ARN such as arn:aws:iam::123456789012:role/MarketplaceAccess, which AWS Marketplace assumes to read the package',
  ).check(
    z.meta({
      description:
        'The role AWS Marketplace assumes (trusted by assets.marketplace.amazonaws.com) to describe the model package.',
    }),
  ),
  UsageInstructions: text(10000),
  SampleNotebookUrl: httpsUrl(2000),
  RepositoryUrl: httpsUrl(2000),
  InputProperties: z.strictObject({
    Description: opt(text(10000, 1)),
    Limitations: opt(text(1000, 1)),
    SampleInput: opt(sample()),
    Parameters: opt(list(parameter, 0, 35)),
    SageMakerCustomAttributes: opt(list(parameter, 0, 35)),
  }),
  OutputProperties: z.strictObject({
    Description: opt(text(10000, 1)),
    SampleOutput: opt(sample()),
    Parameters: opt(list(outputParameter, 0, 35)),
  }),
  RecommendedInstanceTypes: z.strictObject({
    RealtimeInference: opt(instanceType()),
    BatchTransform: opt(instanceType()),
  }),
  SageMakerModelPackageArn: opt(z.never({ error: PACKAGE_ARN_MESSAGE })),
});

const listingShape = {
  ChangeType: opt(
    z
      .literal(CHANGE_TYPE)
      .check(
        z.meta({ description: `The change that adds a version; ${CHANGE_TYPE} when left out.` }),
      ),
  ),
  Entity: z.strictObject({
    Type: opt(
      z
        .literal(ENTITY_TYPE)
        .check(z.meta({ description: `The product's entity type; ${ENTITY_TYPE} when left out.` })),
    ),
    Identifier: pattern(
      255,
      IDENTIFIER_RE,
      'an entity ID of letters, digits, _, - and @, such as prod-abcdefgh12345',
      1,
    ).check(z.meta({ description: "The product's entity ID in AWS Marketplace." })),
  }),
  DetailsDocument: z.strictObject({
    Version: z.strictObject({
      VersionTitle: titled(64, 'a title').check(
        z.meta({ description: 'The title of the new version, unique within the product.' }),
      ),
      ReleaseNotes: titled(30000, 'text'),
    }),
    DeliveryOptions: list(
      z.strictObject({
        Details: z.strictObject({
          SageMakerModelPackageDeliveryOptionDetails: deliveryOptionDetails,
        }),
      }),
      1,
      1,
    ),
  }),
};

/** The members a listing file may have at its top level. */
export const LISTING_MEMBERS = Object.keys(listingShape);

export const listingSchema = z.strictObject(listingShape);

export type MarketplaceListing = z.infer<typeof listingSchema>;

/** The JSON Schema committed as schema/marketplace-listing.schema.json. */
export function listingJsonSchema(): Record<string, unknown> {
  return documentJsonSchema(
    listingSchema,
    'AWS Marketplace listing: one AddDeliveryOptions change of StartChangeSet, without the model package ARN',
  );
}
