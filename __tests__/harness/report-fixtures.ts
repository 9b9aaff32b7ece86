/**
 * Results in each state a report can show, for the rendering snapshots and for
 * docs/report-examples.md (npm run generate).
 */
import { packageLinks, transformJobLink, transformLogLink } from '../../src/report/links.js';
import type { PackagePlan, PlannedPackage } from '../../src/plan/types.js';
import { emptyResult, type PackageResult } from '../../src/results.js';

import { RUN_ENV, RUN_URL } from './run-context.js';

export { RUN_URL };
export const COMMIT = RUN_ENV.GITHUB_SHA;
const REGION = 'us-east-1';
const GROUP_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/3';
const UNVERSIONED_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-detector';
const PRODUCTION = { stage: 'Production', stageStatus: 'Approved', stageDescription: null };

/** Version 1 of fraud-detector, Approved and in production: what a plan compares with. */
export const LIVE_VERSION: PlannedPackage = {
  arn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/1',
  version: 1,
  name: null,
  approvalStatus: 'Approved',
  lifeCycle: PRODUCTION,
  createdAt: '2026-11-02T10:15:00.000Z',
};

/** A new image and one more instance type against the live version: a new version. */
export const NEW_VERSION_PLAN: PackagePlan = {
  compareTo: 'approved',
  live: LIVE_VERSION,
  note: null,
  changes: [
    {
      path: 'InferenceSpecification.Containers[0].Image',
      change: 'changed',
      old: `${IMAGE}:1.4.1`,
      new: `${IMAGE}:1.4.2`,
      metadata: false,
    },
    {
      path: 'InferenceSpecification.SupportedRealtimeInferenceInstanceTypes',
      change: 'added',
      new: 'ml.g5.xlarge',
      metadata: false,
    },
  ],
  changesOmitted: 0,
  cost: 'new-version',
  package: null,
  inPlace: [],
  notes: [],
};

function versioned(overrides: Partial<PackageResult>): PackageResult {
  const result: PackageResult = {
    ...emptyResult('models/fraud/model-package.yml', 'Completed'),
    group: 'fraud-detector',
    version: 3,
    arn: GROUP_ARN,
    region: REGION,
    approvalStatus: 'PendingManualApproval',
    createdAt: '2026-11-24T09:00:12.000Z',
    validation: [{ name: 'fraud-smoke-test', status: 'Completed', failureReason: null }],
    ...overrides,
  };
  result.links = {
    ...packageLinks({
      region: REGION,
      arn: result.arn,
      group: result.group,
      version: result.version,
      s3OutputPath: 's3://example-models/fraud/validation/output/',
      runUrl: RUN_URL,
    }),
  };
  return result;
}

function marketplace(overrides: Partial<PackageResult>): PackageResult {
  const result: PackageResult = {
    ...emptyResult('models/churn/model-package.yml', 'Completed'),
    name: 'churn-predictor',
    arn: UNVERSIONED_ARN,
    region: REGION,
    createdAt: '2026-11-24T09:00:05.000Z',
    validation: [{ name: 'churn-sample-batch', status: 'Completed', failureReason: null }],
    imageScans: [
      {
        name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-predictor:1.4.0',
        status: 'Completed',
        failureReason: null,
      },
    ],
    ...overrides,
  };
  result.links = {
    ...packageLinks({
      region: REGION,
      arn: result.arn,
      name: result.name,
      s3OutputPath: 's3://example-models/churn/validation/output/',
      runUrl: RUN_URL,
    }),
  };
  return result;
}

const VERSION_3: PlannedPackage = {
  ...LIVE_VERSION,
  arn: GROUP_ARN,
  version: 3,
  createdAt: '2026-11-24T09:00:12.000Z',
};
const CARD_CHANGES: PackagePlan['changes'] = [
  {
    path: 'ModelCard.ModelCardContent',
    change: 'changed',
    old: '{"model_overview":{"model_description":"Fraud scores for card payments"}}',
    new: '{"model_overview":{"model_description":"Fraud scores for card and wallet payments"}}',
    metadata: true,
  },
  {
    path: 'CustomerMetadataProperties.owner',
    change: 'added',
    new: 'payments-ml',
    metadata: true,
  },
];

export const REPORT_FIXTURES: Record<
  string,
  { title: string; result: PackageResult; request?: unknown }
> = {
  completed: {
    title: 'Completed',
    result: versioned({ validatedAt: '2026-11-24T09:41:40.000Z' }),
  },
  failed: {
    title: 'Failed, with an image scan failure',
    result: marketplace({
      status: 'Failed',
      failureReason: 'image-scan-failed',
      validatedAt: '2026-11-24T09:12:30.000Z',
      imageScans: [
        {
          name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-predictor:1.4.0',
          status: 'Failed',
          failureReason:
            'The image has 2 critical vulnerabilities (CVE-2026-1234 in openssl 3.0.2, CVE-2026-5678 in glibc 2.35). Rebuild it on a patched base image.',
        },
      ],
    }),
  },
  timedOut: {
    title: 'Timed out',
    result: versioned({
      status: 'InProgress',
      failureReason: 'timed-out',
      error: 'still validating after 300 minutes; SageMaker keeps validating',
      validation: [{ name: 'fraud-smoke-test', status: 'InProgress', failureReason: null }],
    }),
  },
  cancelled: {
    title: 'Cancelled',
    result: versioned({
      status: 'InProgress',
      failureReason: 'cancelled',
      error: 'the run was cancelled; SageMaker keeps validating',
      validation: [{ name: 'fraud-smoke-test', status: 'NotStarted', failureReason: null }],
    }),
  },
  dryRun: {
    title: 'Dry run',
    result: {
      ...emptyResult('models/churn/model-package.yml', 'DryRun'),
      name: 'churn-predictor',
      region: REGION,
      links: { run: RUN_URL },
      problems: [
        {
          severity: 'warning',
          line: 14,
          column: 7,
          member: 'InferenceSpecification.SupportedRealtimeInferenceInstanceTypes[1]',
          message:
            "'ml.m7i.large' is not a real-time inference instance type known to this version of the AWS SDK; nearest known: ml.m7i.xlarge, ml.m6i.large, ml.m5.large",
        },
      ],
    },
    request: {
      ModelPackageName: 'churn-predictor',
      CertifyForMarketplace: true,
      MetadataProperties: { CommitId: COMMIT, GeneratedBy: RUN_URL },
    },
  },
  reused: {
    title: 'Reused',
    result: marketplace({
      reused: true,
      validatedAt: '2026-11-20T15:03:05.000Z',
      createdAt: '2026-11-20T14:40:00.000Z',
    }),
  },
  planned: {
    title: 'Validating a new version, with what it changes against the live version',
    result: versioned({
      status: 'InProgress',
      validation: [{ name: 'fraud-smoke-test', status: 'InProgress', failureReason: null }],
      plan: NEW_VERSION_PLAN,
    }),
  },
  updatedInPlace: {
    title: 'Updated in place: only metadata changed',
    result: versioned({
      reused: true,
      approvalStatus: 'Approved',
      lifeCycle: PRODUCTION,
      validatedAt: '2026-11-24T09:41:40.000Z',
      plan: {
        compareTo: 'approved',
        live: VERSION_3,
        note: null,
        changes: CARD_CHANGES,
        changesOmitted: 0,
        cost: 'in-place',
        package: VERSION_3,
        inPlace: CARD_CHANGES,
        notes: [],
      },
    }),
  },
  validationFailed: {
    title: 'Validation failed, with the transform job that failed',
    result: versioned({
      status: 'Failed',
      failureReason: 'validation-failed',
      validatedAt: '2026-11-24T09:18:02.000Z',
      validation: [
        {
          name: 'fraud-smoke-test',
          status: 'Failed',
          failureReason: 'Transform job failed for profile fraud-smoke-test.',
          diagnosis: {
            jobName: '7e1f0c2a9d3b-4c55',
            jobArn: 'arn:aws:sagemaker:us-east-1:123456789012:transform-job/7e1f0c2a9d3b-4c55',
            failureReason:
              'AlgorithmError: See job logs for more information. ClientError: Received server error (500) from the model container.',
            logExcerpt: [
              '…',
              '2026-11-24T09:14:41.112Z INFO  Loading the model from /opt/ml/model',
              'Traceback (most recent call last):',
              '  File "/opt/program/predictor.py", line 41, in load_model',
              '    model = pickle.load(f)',
              "ModuleNotFoundError: No module named 'sklearn'",
              '2026-11-24T09:14:41.530Z ERROR Worker exited with code 1',
            ],
            links: {
              job: transformJobLink(REGION, GROUP_ARN, '7e1f0c2a9d3b-4c55'),
              logStream: transformLogLink(
                REGION,
                GROUP_ARN,
                '7e1f0c2a9d3b-4c55/i-0a1b2c3d4e5f67890',
              ),
            },
          },
        },
      ],
    }),
  },
};
