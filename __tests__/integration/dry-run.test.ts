/**
 * The built action, run as the runner runs it: dry runs of the examples and invalid
 * manifests, with no AWS credentials and an endpoint that counts any AWS request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runAction } from '../harness/dist-action.js';
import { RUN_ENV } from '../harness/run-context.js';
import { startRequestCounter, type RequestCounter } from '../harness/request-counter.js';

let aws: RequestCounter;
let workspace: string;

const INVALID = `ModelPackageName: churn_predictor
ModelPackageDescription: Predicts churn.
ClientToken: abc
InferenceSpecification:
  Containers:
    - Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0
  SupportedTransformInstanceTypes: [ml.m5.large]
  SupportedRealtimeInferenceInstanceTypes: [ml.m5.large]
  SupportedResponseMIMETypes: [textcsv]
`;

beforeAll(async () => {
  aws = await startRequestCounter();
  workspace = mkdtempSync(path.join(tmpdir(), 'smp-workspace-'));
  cpSync(path.join(ROOT, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  mkdirSync(path.join(workspace, 'broken'));
  writeFileSync(path.join(workspace, 'broken', 'model-package.yml'), INVALID);
});

afterAll(async () => {
  await aws.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** Where AWS requests would go; the counter proves none is sent. */
const endpoint = () => ({ AWS_ENDPOINT_URL_SAGEMAKER: aws.url, AWS_ENDPOINT_URL: aws.url });

describe('a dry run of the examples', () => {
  it('passes with no AWS credentials, reports the requests, and never loads the AWS SDK', async () => {
    const run = await runAction({
      workspace,
      inputs: { manifest: 'examples/*/model-package.yml', 'dry-run': 'true', region: 'us-east-1' },
      env: endpoint(),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.annotations).toEqual([]);
    expect(run.outputs).toMatchObject({
      status: 'DryRun',
      'failure-reason': '',
      'model-package-arn': '',
      'model-package-version': '',
      'comment-url': '',
    });
    const results = JSON.parse(run.outputs.results!);
    expect(
      results.map((r: { manifest: string; status: string }) => [r.manifest, r.status]),
    ).toEqual([
      ['examples/algorithm/model-package.yml', 'DryRun'],
      ['examples/marketplace/model-package.yml', 'DryRun'],
      ['examples/registry/model-package.yml', 'DryRun'],
    ]);
    expect(results[2]).toMatchObject({ name: null, group: 'fraud-detector', region: 'us-east-1' });

    expect(run.summary).toContain('### 🔍 churn-predictor');
    expect(run.summary).toContain('Request that would be sent (CreateModelPackage)');
    // Expressions resolved and provenance filled from the run.
    expect(run.summary).toContain(`fraud-detector:${RUN_ENV.GITHUB_SHA}`);
    expect(run.summary).toContain(`"CommitId": "${RUN_ENV.GITHUB_SHA}"`);
    expect(run.summary).toContain(
      '"GeneratedBy": "https://github.com/octo-org/models/actions/runs/1000"',
    );

    expect(aws.count()).toBe(0);
    expect(run.loaded).toEqual(['dist/index.js']);
  });
});

describe('an invalid manifest', () => {
  it('fails with every problem as an annotation at its line, and sends nothing to AWS', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const before = aws.count();
    const run = await runAction({
      workspace,
      inputs: { manifest: 'broken/model-package.yml', region: 'us-east-1' },
      env: {
        ...endpoint(),
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: secret,
        AWS_SESSION_TOKEN: 'session-token-value',
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('Failed');
    expect(run.outputs['failure-reason']).toBe('invalid-manifest');

    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors.map((a) => [a.properties.file, a.properties.line, a.properties.col])).toEqual([
      ['broken/model-package.yml', '1', '19'],
      ['broken/model-package.yml', '3', '1'],
      ['broken/model-package.yml', '9', '32'],
      // the step's own failure
      [undefined, undefined, undefined],
    ]);
    expect(errors[0]!.message).toContain('ModelPackageName: expected a name');
    expect(errors[1]!.message).toContain('ClientToken');
    expect(errors[2]!.message).toContain('InferenceSpecification.SupportedResponseMIMETypes[0]');
    expect(errors[3]!.message).toBe(
      '1 of 1 manifests is invalid (3 errors); nothing was sent to AWS',
    );

    const results = JSON.parse(run.outputs.results!);
    expect(results[0]).toMatchObject({ status: 'Failed', failureReason: 'invalid-manifest' });
    expect(results[0].problems).toHaveLength(3);
    expect(run.summary).toContain('invalid manifest: 3 errors, nothing was sent to AWS');

    expect(aws.count()).toBe(before);
    for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('session-token-value');
    }
  });

  it('fails a dry run the same way', async () => {
    const run = await runAction({
      workspace,
      inputs: { manifest: 'broken/model-package.yml', 'dry-run': 'true', region: 'us-east-1' },
      env: endpoint(),
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'invalid-manifest' });
    expect(run.loaded).toEqual(['dist/index.js']);
  });
});

describe('the manifest input', () => {
  it('refuses a path outside the workspace and names it, relative or absolute', async () => {
    const elsewhere = path.join(path.dirname(workspace), 'elsewhere.yml');
    for (const manifest of ['../elsewhere.yml', elsewhere]) {
      const run = await runAction({ workspace, inputs: { manifest, 'dry-run': 'true' } });
      expect(run.code).toBe(1);
      expect(run.outputs['failure-reason']).toBe('invalid-manifest');
      expect(run.stdout).toContain(`::error::manifest '${manifest}' is outside the workspace`);
    }
  });

  it('names a pattern that matches nothing', async () => {
    const run = await runAction({
      workspace,
      inputs: { manifest: 'models/**/*.yml', 'dry-run': 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "manifest pattern 'models/**/*.yml' matches no file in the workspace",
    );
    expect(run.summary).toContain('matches no file in the workspace');
  });
});

describe('inputs', () => {
  it('a wrong input value fails the step with the input named', async () => {
    const run = await runAction({
      workspace,
      inputs: { manifest: 'examples/*/model-package.yml', 'dry-run': 'maybe' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'invalid-input' });
    expect(run.stdout).toContain("::error::input 'dry-run' must be true or false, not 'maybe'");
  });

  it('a dry run without a region warns that the region checks were skipped', async () => {
    const run = await runAction({
      workspace,
      inputs: { manifest: 'examples/marketplace/model-package.yml', 'dry-run': 'true' },
    });
    expect(run.code).toBe(0);
    expect(run.annotations.map((a) => a.level)).toEqual(['warning']);
    expect(run.annotations[0]!.message).toContain('No region is set');
  });
});
