/**
 * Preflight in the built action against the project's emulator (SageMaker, S3 and ECR on
 * one URL): findings annotated at their members, nothing created when something is
 * missing, refused permissions as warnings, dry runs with and without credentials, and
 * hostile names kept inert.
 */
import { describe, expect, it } from '@jest/globals';
import type { ActionRun } from '../harness/dist-action.js';
import { renderGfm } from '../harness/gfm.js';
import { CREDENTIALS, integration } from '../harness/integration.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../harness/manifests.js';
import type { SageMakerEmulator } from '../harness/sagemaker-emulator.js';
import { seedArtifacts } from '../harness/storage-emulator.js';

const SECRET = CREDENTIALS.AWS_SECRET_ACCESS_KEY;
// Each test seeds what it wants preflight to find.
const t = integration({
  sagemaker: { pendingMs: 200, inProgressMs: 400 },
  seed: false,
  inputs: { region: 'us-east-1' },
});

const act = (file: string, inputs: Record<string, string> = {}) =>
  t.run({ inputs: { manifest: file, ...inputs } });

const created = (e: SageMakerEmulator) =>
  e.requests.filter(
    (r) => r.operation === 'CreateModelPackage' || r.operation === 'CreateModelPackageGroup',
  );

function problems(run: ActionRun) {
  const [result] = JSON.parse(run.outputs.results ?? '[]') as {
    problems: Record<string, unknown>[];
  }[];
  return result!.problems;
}

describe('preflight before publishing', () => {
  it('creates the package when everything the manifest names exists', async () => {
    const { sagemaker: emulator } = await t.start();
    seedArtifacts(emulator, MARKETPLACE);
    const run = await act(t.manifest('ok', MARKETPLACE), { wait: 'false' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.annotations).toEqual([]);
    expect(run.stdout).toMatch(/Preflight: 4 read-only checks in \d+\.\d s; nothing is missing\./);
    expect(emulator.counts()).toMatchObject({
      HeadBucket: 1,
      HeadObject: 1,
      ListObjectsV2: 1,
      DescribeImages: 1,
      CreateModelPackage: 1,
    });
  });

  it('annotates what is missing at its line and column, and creates nothing for any manifest', async () => {
    const { sagemaker: emulator } = await t.start();
    const good = VERSIONED.replace('fraud-detector', 'other-group') + VALIDATION;
    seedArtifacts(emulator, good);
    // MARKETPLACE: its image is there under another tag, its model artifact is not; its
    // validation input and output are those of the other manifest.
    emulator.putImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.3.0');
    const run = await act(`${t.manifest('missing', MARKETPLACE)}\n${t.manifest('fine', good)}`);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'Failed', 'failure-reason': 'preflight-failed' });
    expect(created(emulator)).toEqual([]);
    const errors = run.annotations.filter((a) => a.level === 'error' && a.properties.file);
    expect(errors.map((a) => [a.properties.line, a.properties.col, a.properties.title])).toEqual([
      ['6', '14', 'InferenceSpecification.Containers[0].Image'],
      ['7', '21', 'InferenceSpecification.Containers[0].ModelDataUrl'],
    ]);
    expect(errors.every((a) => a.properties.file === 'missing/model-package.yml')).toBe(true);
    expect(errors[1]!.message).toBe(
      "missing/model-package.yml:7:21: InferenceSpecification.Containers[0].ModelDataUrl: the model artifact object 's3://models/churn/model.tar.gz' does not exist",
    );
    expect(problems(run).map((p) => p.line)).toEqual([6, 7]);
    expect(run.summary).toContain('the model artifact object');
    expect(run.stdout).not.toContain(SECRET);
  });

  it('warns once per permission the role lacks, and goes on to create', async () => {
    const { sagemaker: emulator } = await t.start();
    seedArtifacts(emulator, MARKETPLACE);
    emulator.deny('HeadObject');
    emulator.deny('DescribeImages');
    const run = await act(t.manifest('denied', MARKETPLACE), { wait: 'false' });
    expect(run.code).toBe(0);
    const warnings = run.annotations.filter((a) => a.level === 'warning');
    expect(
      warnings.map((w) => [w.properties.line, w.message.match(/may not call (\S+);/)?.[1]]),
    ).toEqual([
      ['6', 'ecr:DescribeImages'],
      ['7', 's3:GetObject'],
    ]);
    expect(created(emulator)).toHaveLength(1);
  });

  it('warns about a bucket in another region, and refuses it for a Marketplace package', async () => {
    const { sagemaker: emulator } = await t.start();
    const versioned = VERSIONED + VALIDATION;
    seedArtifacts(emulator, versioned);
    seedArtifacts(emulator, MARKETPLACE);
    emulator.setBucketRegion('models', 'eu-west-1');
    const warned = await act(t.manifest('far', versioned), { wait: 'false' });
    expect(warned.code).toBe(0);
    expect(
      warned.annotations.filter((a) => a.level === 'warning').map((a) => a.message),
    ).toContainEqual(
      expect.stringContaining(
        "the bucket 'models' is in eu-west-1, not in the package's region us-east-1",
      ),
    );
    const refused = await act(t.manifest('far-marketplace', MARKETPLACE), { wait: 'false' });
    expect(refused.outputs['failure-reason']).toBe('preflight-failed');
    expect(
      refused.annotations
        .filter((a) => a.level === 'error' && a.properties.file)
        .map((a) => a.properties.line),
    ).toEqual(['7', '19', '20']);
  });

  it('keeps hostile names inert in the log and escaped in the summary', async () => {
    const { sagemaker: emulator } = await t.start();
    const hostile = MARKETPLACE.replace(
      's3://models/churn/model.tar.gz',
      's3://models/%0A::error::owned/[x](https://evil.example)/@octo-org/admins <img src=x>.tar.gz',
    );
    seedArtifacts(emulator, MARKETPLACE);
    const run = await act(t.manifest('hostile', hostile), { wait: 'false' });
    expect(run.outputs['failure-reason']).toBe('preflight-failed');
    for (const line of run.stdout.split('\n')) {
      if (line.startsWith('::'))
        expect(line).toMatch(/^::(error|warning|notice|group|endgroup|debug|add-mask)/);
      expect(line.startsWith('::error::owned')).toBe(false);
    }
    // The finding is in the summary, as text: no link, image, mention or HTML.
    expect(run.summary).toContain('owned');
    const rendered = renderGfm(run.summary);
    expect(rendered.html).toContain('::error::owned');
    expect(rendered.links.filter((l) => l.includes('evil'))).toEqual([]);
    expect(rendered.images).toEqual([]);
    expect(rendered.mentions).toEqual([]);
    expect(rendered.elements).not.toContain('img');
  });
});

describe('preflight in a dry run', () => {
  it('runs with credentials, and fails on what is missing without creating anything', async () => {
    const { sagemaker: emulator } = await t.start();
    const run = await act(t.manifest('dry', VERSIONED + VALIDATION), { 'dry-run': 'true' });
    expect(run.outputs).toMatchObject({ 'failure-reason': 'preflight-failed' });
    expect(run.annotations.filter((a) => a.level === 'error').length).toBeGreaterThan(0);
    expect(created(emulator)).toEqual([]);
  });

  it('is skipped without credentials: no AWS call, no AWS module loaded', async () => {
    const { sagemaker: emulator } = await t.start();
    const run = await t.run({
      inputs: { manifest: t.manifest('dry-free', VERSIONED + VALIDATION), 'dry-run': 'true' },
      credentials: false,
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('DryRun');
    expect(run.stdout).toContain('Preflight skipped: a dry run without AWS credentials');
    expect(emulator.requests).toEqual([]);
    expect(run.loaded).toEqual(['dist/index.js']);
  });
});
