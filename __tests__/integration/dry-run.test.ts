/**
 * The built action, run as the runner runs it: dry runs of the examples and invalid
 * manifests, with no AWS credentials and an endpoint that counts any AWS request.
 */
import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { CREDENTIALS, integration } from '../harness/integration.js';
import { RUN_ENV } from '../harness/run-context.js';

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

/** AWS requests go to an endpoint that counts them, to show that none is sent. */
const t = integration({
  copy: ['examples'],
  manifests: { broken: INVALID },
  aws: 'counter',
  credentials: false,
});

describe('a dry run of the examples', () => {
  it('passes with no AWS credentials, reports the requests, and never loads the AWS SDK', async () => {
    const run = await t.run({
      inputs: { manifest: 'examples/*/model-package.yml', 'dry-run': 'true', region: 'us-east-1' },
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

    expect(t.counter.count()).toBe(0);
    expect(run.loaded).toEqual(['dist/index.js']);
  });
});

describe('an invalid manifest', () => {
  it('fails with every problem as an annotation at its line, and sends nothing to AWS', async () => {
    const before = t.counter.count();
    const run = await t.run({
      inputs: { manifest: 'broken/model-package.yml', region: 'us-east-1' },
      credentials: CREDENTIALS,
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

    expect(t.counter.count()).toBe(before);
    for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(CREDENTIALS.AWS_SECRET_ACCESS_KEY);
      expect(text).not.toContain(CREDENTIALS.AWS_SESSION_TOKEN);
    }
  });

  it('fails a dry run the same way', async () => {
    const run = await t.run({
      inputs: { manifest: 'broken/model-package.yml', 'dry-run': 'true', region: 'us-east-1' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'invalid-manifest' });
    expect(run.loaded).toEqual(['dist/index.js']);
  });
});

describe('the manifest input', () => {
  it('refuses a path outside the workspace and names it, relative or absolute', async () => {
    const elsewhere = path.join(path.dirname(t.workspace), 'elsewhere.yml');
    for (const manifest of ['../elsewhere.yml', elsewhere]) {
      const run = await t.run({ inputs: { manifest, 'dry-run': 'true' } });
      expect(run.code).toBe(1);
      expect(run.outputs['failure-reason']).toBe('invalid-manifest');
      expect(run.stdout).toContain(`::error::manifest '${manifest}' is outside the workspace`);
    }
  });

  it('names a pattern that matches nothing', async () => {
    const run = await t.run({
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
    const run = await t.run({
      inputs: { manifest: 'examples/*/model-package.yml', 'dry-run': 'maybe' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'invalid-input' });
    expect(run.stdout).toContain("::error::input 'dry-run' must be true or false, not 'maybe'");
  });

  it('a dry run without a region warns that the region checks were skipped', async () => {
    const run = await t.run({
      inputs: { manifest: 'examples/marketplace/model-package.yml', 'dry-run': 'true' },
    });
    expect(run.code).toBe(0);
    expect(run.annotations.map((a) => a.level)).toEqual(['warning']);
    expect(run.annotations[0]!.message).toContain('No region is set');
  });
});
