import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as runner from '../src/runner.js';
import { parseAnnotations, parseOutputFile } from './support/action.js';

let written: string[];
const saved = { ...process.env };
const exitCode = process.exitCode;

beforeEach(() => {
  written = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...saved };
  process.exitCode = exitCode;
});

describe('workflow commands', () => {
  it('encode messages and properties as the runner reads them', () => {
    runner.error('50% done\nnext line', {
      title: 'a: b, c',
      file: 'models/a,b.yml',
      startLine: 3,
      startColumn: 7,
    });
    expect(written.join('')).toBe(
      '::error title=a%3A b%2C c,file=models/a%2Cb.yml,line=3,col=7::50%25 done%0Anext line\n',
    );
    expect(parseAnnotations(written.join(''))).toEqual([
      {
        level: 'error',
        properties: { title: 'a: b, c', file: 'models/a,b.yml', line: '3', col: '7' },
        message: '50% done\nnext line',
      },
    ]);
  });

  it('leaves out empty properties, masks secrets and fails the step', () => {
    runner.warning('careful');
    runner.setSecret('s3cr3t');
    runner.setFailed('broken');
    expect(written).toEqual(['::warning::careful\n', '::add-mask::s3cr3t\n', '::error::broken\n']);
    expect(process.exitCode).toBe(1);
  });
});

describe('inputs', () => {
  it('reads INPUT_ variables with hyphens kept and spaces as underscores, trimmed', () => {
    const env = {
      'INPUT_DRY-RUN': ' true ',
      INPUT_MY_INPUT: 'x',
      INPUT_MANIFEST: ' a.yml\n\n  b.yml \n',
    };
    expect(runner.getInput('dry-run', env)).toBe('true');
    expect(runner.getInput('my input', env)).toBe('x');
    expect(runner.getInput('missing', env)).toBe('');
    expect(runner.getMultilineInput('manifest', env)).toEqual(['a.yml', 'b.yml']);
  });
});

describe('environment files', () => {
  it('write outputs with a delimiter and append to the job summary', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smp-runner-'));
    process.env.GITHUB_OUTPUT = path.join(dir, 'output');
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
    writeFileSync(process.env.GITHUB_OUTPUT, '');
    writeFileSync(process.env.GITHUB_STEP_SUMMARY, 'before\n');
    runner.setOutput('results', '[1,\n2]');
    runner.setOutput('status', 'DryRun');
    expect(parseOutputFile(readFileSync(process.env.GITHUB_OUTPUT, 'utf8'))).toEqual({
      results: '[1,\n2]',
      status: 'DryRun',
    });
    expect(runner.appendSummary('## Title')).toBe(true);
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('before\n## Title\n');

    delete process.env.GITHUB_STEP_SUMMARY;
    expect(runner.appendSummary('x')).toBe(false);
  });
});
