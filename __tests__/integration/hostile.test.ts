/**
 * A hostile repository and hostile API answers (SPEC §8), against the built action run as
 * the runner runs it: names that look like workflow commands, markdown in manifests,
 * credentials in expressions, globs that would walk everything, runner files that cannot
 * be written, and text too large for GitHub's limits.
 */
import { describe, expect, it } from '@jest/globals';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { SUMMARY_BYTES } from '../../src/limits.js';
import type { ActionRun } from '../harness/dist-action.js';
import { renderGfm } from '../harness/gfm.js';
import { integration } from '../harness/integration.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../harness/manifests.js';
import { pullRequestEvent } from '../harness/run-context.js';

/** Each test has a workspace of its own: a folder of this one. */
const t = integration();

/** Lines of standard output that the runner would read as a workflow command. */
function commandLines(run: ActionRun): string[] {
  return run.stdout.split(/\r?\n|\r/).filter((line) => /^\s*::/.test(line) || line.includes('##['));
}

describe('workflow commands in names', () => {
  it('file names cannot forge annotations, stop commands or start a line', async () => {
    const forged = '::error title=Forged annotation,file=README.md,line=1::injected';
    const dir = t.files('commands', {
      [`${forged}/model-package.yml`]: MARKETPLACE,
      ['::stop-commands::pwn/model-package.yml']: MARKETPLACE.replace(
        'churn-predictor',
        'churn-two',
      ),
      ['new\n::warning::line/model-package.yml']: MARKETPLACE,
    });
    const run = await t.run({
      workspace: dir,
      inputs: { manifest: '**/model-package.yml', 'dry-run': 'true', region: 'us-east-1' },
    });
    expect(run.code).toBe(0);
    // Only the action's own commands: groups, and no annotation at all.
    for (const line of commandLines(run)) expect(line).toMatch(/^::(group|endgroup)::/);
    expect(run.annotations).toEqual([]);
    // A name with a line break in it is no manifest to a glob.
    const results = JSON.parse(run.outputs.results!) as { manifest: string }[];
    expect(results.map((r) => r.manifest)).toEqual([
      '::error title=Forged annotation,file=README.md,line=1::injected/model-package.yml',
      '::stop-commands::pwn/model-package.yml',
    ]);
    // The names still read as they are.
    expect(run.stdout.replaceAll('\u200b', '')).toContain(`${forged}/model-package.yml: valid`);
  });
});

describe('markdown in a manifest', () => {
  it('renders as text in the comment and the summary: no link, image or mention', async () => {
    await t.start({ github: {} });
    const evil = '[pwn](https://evil.example) ![t](https://evil.example/t.png) @octocat #1';
    const dir = t.files('markdown', {
      [`models/${evil.replace(/\//g, '_')}/model-package.yml`]: `${MARKETPLACE}'${evil}': 1\n`,
    });
    const run = await t.run({
      workspace: dir,
      inputs: {
        manifest: 'models/*/model-package.yml',
        'dry-run': 'true',
        region: 'us-east-1',
        'github-token': 'ghs_writer',
      },
      event: pullRequestEvent(7),
    });
    expect(run.code).toBe(1);
    const [comment] = t.github.comments('octo-org', 'models', 7);
    for (const body of [comment!.body, run.summary]) {
      const rendered = renderGfm(body);
      expect(rendered.links.filter((l) => !l.startsWith('https://github.com/octo-org/'))).toEqual(
        [],
      );
      expect(rendered.images).toEqual([]);
      expect(rendered.mentions).toEqual([]);
      expect(rendered.references).toEqual([]);
    }
  });
});

describe('credentials in expressions', () => {
  it('refuses them by name and by value, and never prints the value', async () => {
    const secret = 'sk-proj-0123456789abcdefghijklmnopqrstuv';
    const url = 'postgres://admin:hunter2-secret@db.example.com/models';
    const dir = t.files('credentials', {
      'model-package.yml': MARKETPLACE.replace(
        'Predicts churn.',
        '"${{ env.OPENAI_API_KEY }} ${{ env.DATABASE_URL }}"',
      ),
    });
    const run = await t.run({
      workspace: dir,
      inputs: { 'dry-run': 'true', region: 'us-east-1' },
      env: { OPENAI_API_KEY: secret, DATABASE_URL: url },
    });
    expect(run.code).toBe(1);
    const messages = run.annotations.map((a) => a.message).join('\n');
    expect(messages).toContain('env.OPENAI_API_KEY looks like a credential');
    expect(messages).toContain('the value of env.DATABASE_URL looks like a URL with a password');
    for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('hunter2');
    }
  });
});

describe('globs', () => {
  it('refuse too many manifests before any GitHub or AWS call', async () => {
    await t.start({ github: {} });
    const files = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`m${i}/config.yml`, 'a: 1\n']),
    );
    const dir = t.files('many', files);
    const run = await t.run({
      workspace: dir,
      inputs: { manifest: '**/*.yml', region: 'us-east-1', 'github-token': 'ghs_writer' },
      env: { AWS_ENDPOINT_URL_SAGEMAKER: 'http://127.0.0.1:9' },
      event: pullRequestEvent(7),
    });
    expect(run.code).toBe(1);
    expect(run.outputs['failure-reason']).toBe('invalid-manifest');
    expect(run.stdout).toContain("matches more than 20 files (input 'max-manifests')");
    expect(t.github.requests).toEqual([]);
    expect(run.annotations.length).toBe(1);
  });

  it('skip .git/ and node_modules/, and walk no link', async () => {
    const dir = t.files('walk', {
      'models/a/model-package.yml': MARKETPLACE,
      '.git/model-package.yml': 'not: a manifest',
      'node_modules/x/model-package.yml': 'not: a manifest',
    });
    symlinkSync('/', path.join(dir, 'root'));
    symlinkSync('.', path.join(dir, 'loop'));
    const run = await t.run({
      workspace: dir,
      inputs: { manifest: '**/model-package.yml', 'dry-run': 'true', region: 'us-east-1' },
    });
    expect(run.code).toBe(0);
    const results = JSON.parse(run.outputs.results!) as { manifest: string }[];
    expect(results.map((r) => r.manifest)).toEqual(['models/a/model-package.yml']);
  });
});

describe('the runner and the environment', () => {
  it('an output file that cannot be written is one clear error, not a stack trace', async () => {
    const dir = t.files('output', { 'model-package.yml': MARKETPLACE });
    const run = await t.run({
      workspace: dir,
      inputs: { 'dry-run': 'true', region: 'us-east-1' },
      env: { GITHUB_OUTPUT: path.join(t.workspace, 'no-such-dir', 'output.txt') },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::Could not write the step's outputs (GITHUB_OUTPUT)");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad AWS_REGION names the variable it came from', async () => {
    const dir = t.files('region', { 'model-package.yml': MARKETPLACE });
    const run = await t.run({
      workspace: dir,
      inputs: { 'dry-run': 'true' },
      env: { AWS_REGION: 'us_east_1' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs['failure-reason']).toBe('invalid-input');
    expect(run.stdout).toContain(
      "::error::environment variable AWS_REGION: 'us_east_1' is not an AWS region name",
    );
  });
});

describe("GitHub's limits", () => {
  it('a huge failure reason in Chinese keeps the summary under 1 MiB in bytes', async () => {
    const { sagemaker } = await t.start({ sagemaker: { pendingMs: 100, inProgressMs: 100 } });
    const reason = '容器退出'.repeat(150_000);
    sagemaker.setOutcome('fraud-detector', { status: 'Failed', failureReason: reason });
    const dir = t.files('limits', { 'model-package.yml': VERSIONED + VALIDATION });
    const run = await t.run({ workspace: dir, inputs: { region: 'us-east-1' } });
    expect(run.code).toBe(1);
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(SUMMARY_BYTES + 1);
    expect(run.summary).toContain('*(cut; 600000 characters');
    expect(Buffer.byteLength(run.outputs.results!)).toBeLessThanOrEqual(1_000_000);
    expect(JSON.parse(run.outputs.results!)[0].validation[0].failureReason).toMatch(/… \(cut\)$/);
  }, 60_000);
});
