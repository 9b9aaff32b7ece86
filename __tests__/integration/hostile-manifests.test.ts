/**
 * The built action on hostile manifests (SPEC §8): a bounded number of annotations and a
 * bounded `results` output whatever the number of problems, and files that are not UTF-8
 * or nest too deep refused with an error at their position, not a stack trace.
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_ANNOTATIONS } from '../../src/manifest/check.js';
import { MAX_PROBLEMS } from '../../src/manifest/load.js';
import { integration } from '../harness/integration.js';
import { VERSIONED } from '../harness/manifests.js';

const t = integration({ inputs: { 'dry-run': 'true', region: 'us-east-1' } });

function dryRun(name: string, content: string | Uint8Array) {
  t.files(name, { 'model-package.yml': content });
  return t.run({ inputs: { manifest: `${name}/model-package.yml` } });
}

describe('a manifest with thousands of problems', () => {
  it('gives a bounded number of annotations, a note of the rest, and a bounded results output', async () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `Key${i}: v\n`).join('');
    const run = await dryRun('many', `${VERSIONED}${keys}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');

    const onFile = run.annotations.filter((a) => a.properties.file === 'many/model-package.yml');
    expect(onFile).toHaveLength(MAX_ANNOTATIONS + 1);
    expect(onFile.every((a) => a.level === 'error')).toBe(true);
    expect(onFile[0]!.message).toBe("many/model-package.yml:9:1: Key0: unknown member 'Key0'");
    expect(onFile[MAX_ANNOTATIONS]!.message).toBe(
      `many/model-package.yml: ${5000 - MAX_ANNOTATIONS} more problems (${5000 - MAX_ANNOTATIONS} errors, 0 warnings) not annotated; the job summary and the results output list the first ${MAX_PROBLEMS}`,
    );
    // The rest: the step's own failure, which counts every error.
    expect(run.annotations.filter((a) => !a.properties.file).map((a) => a.message)).toEqual([
      '1 of 1 manifests is invalid (5000 errors); nothing was sent to AWS',
    ]);

    expect(Buffer.byteLength(run.outputs.results!)).toBeLessThan(32 * 1024);
    const [result] = JSON.parse(run.outputs.results!);
    expect(result.problems).toHaveLength(MAX_PROBLEMS);
    expect(result.problemsOmitted).toEqual({ errors: 5000 - MAX_PROBLEMS, warnings: 0 });
    expect(run.summary).toContain('invalid manifest: 5000 errors, nothing was sent to AWS');
    expect(run.summary).toContain(
      `… and ${5000 - MAX_PROBLEMS} more problems (${5000 - MAX_PROBLEMS} errors, 0 warnings), not listed`,
    );
  });
});

describe('a manifest that cannot be read', () => {
  it.each([
    [
      'UTF-16',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VERSIONED, 'utf16le')]),
      ['1', '1'],
      'the manifest is UTF-16 (little-endian), not UTF-8; save the manifest as UTF-8',
    ],
    [
      'Latin-1',
      Buffer.from(`${VERSIONED}ModelPackageDescription: café\n`, 'latin1'),
      ['9', '29'],
      'not UTF-8: byte 0xE9 at line 9, column 29; save the manifest as UTF-8',
    ],
    [
      'deeply nested',
      `${VERSIONED}X: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      ['9', '103'],
      'YAML: the manifest nests mappings and lists deeper than 100 levels here',
    ],
  ])('%s: one error at its position, and no stack trace', async (name, content, at, message) => {
    const dir = name.replace(/\W/g, '-');
    const run = await dryRun(dir, content);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.outputs['failure-reason']).toBe('invalid-manifest');
    const onFile = run.annotations.filter((a) => a.properties.file);
    expect(onFile.map((a) => [a.level, a.properties.line, a.properties.col])).toEqual([
      ['error', ...at],
    ]);
    expect(onFile[0]!.message).toBe(`${dir}/model-package.yml:${at[0]}:${at[1]}: ${message}`);
  });
});
