/**
 * GitHub's @github/local-action runs the action from source (src/main.ts's run(), called
 * with no arguments) with its own @actions/core and @actions/github context, inputs and
 * runner variables from a .env file: here the README's .env.example, a dry run of
 * examples/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAnnotations, ROOT } from '../harness/dist-action.js';

let dir: string;
let run: { code: number | null; stdout: string; stderr: string };
let summary: string;
let outputFile: string;
let example: Record<string, string>;

/** The KEY=value lines of a .env file, as dotenv reads these simple ones. */
function parseDotenv(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => /^([\w-]+)=(?:"([^"]*)"|(.*))$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => [match[1]!, match[2] ?? match[3]!.trim()]);
  return Object.fromEntries(entries);
}

/** The rows of local-action's "Action Outputs" table: output name → printed value. */
function outputsTable(stdout: string): Record<string, string> {
  const table = stdout.slice(stdout.lastIndexOf('Action Outputs'));
  const rows: Record<string, string> = {};
  for (const line of table.split('\n')) {
    const match = /^│\s*\d+\s*│\s*'([\w-]+)'\s*│\s*(.*?)\s*│$/.exec(line);
    if (match) rows[match[1]!] = match[2]!;
  }
  return rows;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'smp-local-action-'));
  const text = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  example = parseDotenv(text);
  const summaryFile = path.join(dir, 'summary.md');
  // The example as given, but with the job summary in the test's directory.
  const envFile = path.join(dir, '.env');
  writeFileSync(
    envFile,
    text.replace(/^GITHUB_STEP_SUMMARY=.*$/m, `GITHUB_STEP_SUMMARY=${summaryFile}`),
  );
  // Where the real @actions/core would write the outputs: it stays empty when
  // local-action's replacement is the one the action calls.
  outputFile = path.join(dir, 'output.txt');
  writeFileSync(outputFile, '');
  const result = spawnSync(
    'npx',
    ['--no-install', '@github/local-action', 'run', '.', 'src/main.ts', envFile],
    {
      cwd: ROOT,
      encoding: 'utf8',
      // No credentials, no runner variables and no colours from the test's own environment.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: outputFile },
      timeout: 90_000,
    },
  );
  run = { code: result.status, stdout: result.stdout, stderr: result.stderr };
  summary = readFileSync(summaryFile, 'utf8');
}, 100_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npx @github/local-action run . src/main.ts .env', () => {
  it('runs the dry run of .env.example through its replacement of @actions/core', () => {
    expect(run.code).toBe(0);
    expect(example['INPUT_DRY-RUN']).toBe('true');
    expect(run.stdout).toContain('Running Action');
    const outputs = outputsTable(run.stdout);
    expect(outputs).toMatchObject({
      status: "'DryRun'",
      'failure-reason': "''",
      'model-package-arn': "''",
    });
    expect(readFileSync(outputFile, 'utf8')).toBe('');
    // local-action's step failure does not change its exit status: its log does.
    expect(parseAnnotations(run.stdout)).toEqual([]);
  });

  it('sets the results of every example, with the run of .env.example', () => {
    const line = run.stdout.split('\n').find((l) => l.startsWith('::set-output name=results::'));
    const results = JSON.parse(line!.slice('::set-output name=results::'.length)) as {
      manifest: string;
      status: string;
    }[];
    expect(results.map((r) => [r.manifest, r.status])).toEqual([
      ['examples/algorithm/model-package.yml', 'DryRun'],
      ['examples/marketplace/model-package.yml', 'DryRun'],
      ['examples/registry/model-package.yml', 'DryRun'],
    ]);
  });

  it('writes the job summary, with expressions resolved from the .env file', () => {
    expect(summary).toContain('### 🔍 churn-predictor');
    expect(summary).toContain('### 🔍 fraud-detector');
    expect(summary).toContain('Request that would be sent (CreateModelPackage)');
    expect(summary).toContain(`fraud-detector:${example.GITHUB_SHA}`);
    expect(summary).toContain(
      `"GeneratedBy": "https://github.com/${example.GITHUB_REPOSITORY}/actions/runs/${example.GITHUB_RUN_ID}"`,
    );
  });
});
