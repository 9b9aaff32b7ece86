/** Manifest texts, a checker for the manifest tests, and manifests written into a workspace. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkManifestText, type CheckOptions } from '../../src/manifest/load.js';
import type { Problem } from '../../src/manifest/problems.js';

export const CONTEXT: CheckOptions['context'] = {
  github: {
    sha: '0123456789abcdef0123456789abcdef01234567',
    ref_name: 'main',
    run_id: '1000',
    run_number: '7',
    repository: 'octo-org/models',
  },
  env: { MODEL_VERSION: '1.4.0' },
};

export function check(text: string, options: Partial<CheckOptions> = {}) {
  return checkManifestText(text, 'model-package.yml', {
    region: 'us-east-1',
    context: CONTEXT,
    ...options,
  });
}

export const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
export const warnings = (problems: Problem[]) => problems.filter((p) => p.severity === 'warning');

/** A valid unversioned Marketplace package; line numbers are referred to by the tests. */
export const MARKETPLACE = `ModelPackageName: churn-predictor
ModelPackageDescription: Predicts churn.
CertifyForMarketplace: true
InferenceSpecification:
  Containers:
    - Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0
      ModelDataUrl: s3://models/churn/model.tar.gz
  SupportedTransformInstanceTypes: [ml.m5.large]
  SupportedRealtimeInferenceInstanceTypes: [ml.m5.large]
  SupportedContentTypes: [text/csv]
  SupportedResponseMIMETypes: [text/csv]
ValidationSpecification:
  ValidationRole: arn:aws:iam::123456789012:role/Validation
  ValidationProfiles:
    - ProfileName: sample
      TransformJobDefinition:
        TransformInput:
          DataSource:
            S3DataSource: {S3DataType: S3Prefix, S3Uri: 's3://models/in/'}
        TransformOutput: {S3OutputPath: 's3://models/out/'}
        TransformResources:
          InstanceType: ml.m5.large
          InstanceCount: 1
Tags:
  - {Key: team, Value: ml}
`;

/** A valid versioned package in a group. */
export const VERSIONED = `ModelPackageGroupName: fraud-detector
ModelApprovalStatus: PendingManualApproval
InferenceSpecification:
  Containers:
    - Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud:\${{ github.sha }}
  SupportedTransformInstanceTypes: [ml.m5.xlarge]
  SupportedContentTypes: [application/json]
  SupportedResponseMIMETypes: [application/json]
`;

/** A validation profile, to append to VERSIONED. */
export const VALIDATION = `ValidationSpecification:
  ValidationRole: arn:aws:iam::123456789012:role/Validation
  ValidationProfiles:
    - ProfileName: smoke
      TransformJobDefinition:
        TransformInput:
          DataSource:
            S3DataSource: {S3DataType: S3Prefix, S3Uri: 's3://models/in/'}
        TransformOutput: {S3OutputPath: 's3://models/out/'}
        TransformResources: {InstanceType: ml.m5.xlarge, InstanceCount: 1}
`;

/** Replaces the line that starts with `prefix` (after indentation) by `replacement`. */
export function replaceLine(text: string, prefix: string, replacement: string): string {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.trimStart().startsWith(prefix));
  if (index < 0) throw new Error(`no line starts with ${prefix}`);
  lines[index] = replacement;
  return lines.join('\n');
}

export function removeLines(text: string, ...prefixes: string[]): string {
  return text
    .split('\n')
    .filter((line) => !prefixes.some((p) => line.trimStart().startsWith(p)))
    .join('\n');
}

/**
 * Writes `text` as `<dir>/model-package.yml` in the workspace, creating the directories;
 * returns the manifest's path relative to the workspace.
 */
export function writeManifest(workspace: string, dir: string, text: string): string {
  mkdirSync(path.join(workspace, dir), { recursive: true });
  writeFileSync(path.join(workspace, dir, 'model-package.yml'), text);
  return `${dir}/model-package.yml`;
}

/**
 * A valid listing file (SPEC §9) with every member its details require, in a few lines:
 * Entity.Identifier is at 2:15 and VersionTitle at 5:19.
 */
export const listingText = (product = 'prod-abcdefgh12345', title = '${{ github.ref_name }}') =>
  `Entity:
  Identifier: ${product}
DetailsDocument:
  Version:
    VersionTitle: ${title}
    ReleaseNotes: Retrained.
  DeliveryOptions:
    - Details:
        SageMakerModelPackageDeliveryOptionDetails:
          AccessRoleArn: arn:aws:iam::123456789012:role/MarketplaceAccess
          UsageInstructions: Send CSV.
          SampleNotebookUrl: https://github.com/octo-org/models/blob/main/sample.ipynb
          RepositoryUrl: https://github.com/octo-org/models
          InputProperties: {Description: CSV rows.}
          OutputProperties: {Description: Probabilities.}
          RecommendedInstanceTypes: {RealtimeInference: ml.m5.large, BatchTransform: ml.m5.large}
`;
