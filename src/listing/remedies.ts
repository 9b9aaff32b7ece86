/**
 * What to do about each error a failed listing change set reports (SPEC §9): the codes of
 * the Catalog API reference's machine-learning "Add a new version" page. Other codes are
 * quoted without a remedy.
 */
export const REMEDIES: Readonly<Record<string, string>> = {
  DUPLICATE_ASSET:
    'This model package is already the source of a version of the product. Each version needs its own package: change the manifest so that it makes a new one (for example a new ModelPackageName), or leave the version that lists it.',
  DUPLICATE_VERSION_TITLE:
    "Another version of the product has this title. Change Version.VersionTitle in the listing file, for example to '${{ github.ref_name }}' in a release workflow.",
  ASSET_NOT_FOUND:
    'AWS Marketplace could not find the model package. It must be in the seller account, in a region AWS Marketplace supports, and its validation must have completed (CertifyForMarketplace with a ValidationSpecification).',
  ASSET_VALIDATION_EXCEPTION:
    "AWS Marketplace's own checks of the model package failed; the message says which. Fix the package's manifest and publish a new package.",
  INVALID_ACCESS_ROLE:
    'AWS Marketplace could not use AccessRoleArn. The role must trust assets.marketplace.amazonaws.com and allow sagemaker:DescribeModelPackage on the package; iam/marketplace-access-role.yml creates one.',
  INCOMPATIBLE_DELIVERY_OPTIONS:
    "The product's versions deliver another kind of asset (for example an algorithm, or a package with other input and output properties). List this package on a product of its kind.",
  INVALID_RECOMMENDED_INSTANCE_TYPE:
    "RecommendedInstanceTypes must be instance types the package supports: one of the manifest's InferenceSpecification.SupportedRealtimeInferenceInstanceTypes for RealtimeInference, of SupportedTransformInstanceTypes for BatchTransform.",
  UPDATE_PRICING_REQUIRED:
    'The package supports instance types the product has no price for. Set their prices in the AWS Marketplace Management Portal (or an UpdatePricingTerms change set), then run the listing again.',
};

export function remedyOf(code: string): string | null {
  return Object.hasOwn(REMEDIES, code) ? REMEDIES[code]! : null;
}
