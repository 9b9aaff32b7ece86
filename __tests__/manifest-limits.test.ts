/**
 * The checker's limits (SPEC §8): problems are counted but only the first ones kept and
 * described, messages quote bounded text, duplicate keys are found at their position,
 * and nesting and aliases are limited with an error, never a crash.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkManifests, MAX_ANNOTATIONS } from '../src/manifest/check.js';
import { MAX_PROBLEMS } from '../src/manifest/load.js';
import { MAX_ALIASED_VALUES, MAX_ALIASES, MAX_DEPTH } from '../src/manifest/source.js';
import { renderSummary } from '../src/report/render.js';
import { emptyResult } from '../src/results.js';
import { HOSTILE_SHAPES } from './harness/hostile-manifests.js';
import {
  check,
  errors,
  MARKETPLACE,
  replaceLine,
  VERSIONED,
  warnings,
} from './harness/manifests.js';
import { memoryRunner } from './harness/memory-runner.js';
import { runContext } from './harness/run-context.js';

const unknownKeys = (count: number) =>
  Array.from({ length: count }, (_, i) => `Key${i}: v\n`).join('');

/** The only problem of a manifest that cannot be read. */
function onlyError(text: string) {
  const { problems, omitted, request } = check(text);
  expect(request).toBeUndefined();
  expect(problems).toHaveLength(1);
  expect(omitted).toEqual({ errors: 0, warnings: 0 });
  return problems[0]!;
}

describe('the number of problems', () => {
  it('keeps the first problems in reading order and counts the rest', () => {
    const { problems, omitted } = check(`${VERSIONED}${unknownKeys(5000)}`);
    expect(problems).toHaveLength(MAX_PROBLEMS);
    // 5,000 unknown members, nothing else.
    expect(omitted).toEqual({ errors: 5000 - MAX_PROBLEMS, warnings: 0 });
    const firstLine = VERSIONED.split('\n').length;
    expect(problems.map((p) => p.line)).toEqual(
      Array.from({ length: MAX_PROBLEMS }, (_, i) => firstLine + i),
    );
    expect(problems[0]).toMatchObject({
      column: 1,
      member: 'Key0',
      message: "unknown member 'Key0'",
    });
  });

  it('describes the kept problems in full, suggestions included', () => {
    const { problems } = check(`ModelPackageGroupNme: g\n${unknownKeys(500)}`);
    expect(problems[0]!.message).toBe(
      "unknown member 'ModelPackageGroupNme' (did you mean 'ModelPackageGroupName'?)",
    );
  });

  it('counts warnings apart from errors', () => {
    const types = Array.from({ length: 300 }, (_, i) => `    - ml.x${i}.large\n`).join('');
    const text = `${VERSIONED.replace('  SupportedTransformInstanceTypes: [ml.m5.xlarge]\n', '')}  SupportedTransformInstanceTypes:\n${types}`;
    const result = check(text);
    expect(result.request).toBeDefined();
    expect(warnings(result.problems)).toHaveLength(MAX_PROBLEMS);
    expect(result.omitted).toEqual({ errors: 0, warnings: 300 - MAX_PROBLEMS });
  });

  it('keeps every problem of a manifest that has few', () => {
    const text = replaceLine(MARKETPLACE, 'ModelPackageName:', 'ModelPackageName: bad_name');
    const { problems, omitted } = check(`${text}ClientToken: x\n`);
    expect(errors(problems)).toHaveLength(2);
    expect(omitted).toEqual({ errors: 0, warnings: 0 });
  });
});

describe('logging the problems', () => {
  it('annotates the first problems of a manifest, then says how many more there are', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'smp-limits-'));
    try {
      writeFileSync(path.join(workspace, 'many.yml'), `${VERSIONED}${unknownKeys(3000)}`);
      writeFileSync(path.join(workspace, 'few.yml'), `${VERSIONED}${unknownKeys(60)}`);
      const runner = memoryRunner();
      const [many, few] = await checkManifests({
        patterns: ['many.yml', 'few.yml'],
        maxManifests: 20,
        workspace,
        region: 'us-east-1',
        workflow: runContext(),
        env: {},
        log: runner,
      });
      expect(many!.omitted.errors).toBe(3000 - MAX_PROBLEMS);
      expect(few!.omitted.errors).toBe(0);

      const annotated = (file: string) =>
        runner.log.filter((e) => e.annotation?.file === file && e.level === 'error');
      const manyLines = annotated('many.yml');
      expect(manyLines).toHaveLength(MAX_ANNOTATIONS + 1);
      const note = manyLines[MAX_ANNOTATIONS]!;
      expect(note.message).toBe(
        `many.yml: ${3000 - MAX_ANNOTATIONS} more problems (${3000 - MAX_ANNOTATIONS} errors, 0 warnings) not annotated; the job summary and the results output list the first ${MAX_PROBLEMS}`,
      );
      // The note points at the first problem it counts.
      expect(note.annotation?.startLine).toBe(
        manyLines[MAX_ANNOTATIONS - 1]!.annotation!.startLine! + 1,
      );

      const fewLines = annotated('few.yml');
      expect(fewLines).toHaveLength(MAX_ANNOTATIONS + 1);
      expect(fewLines[MAX_ANNOTATIONS]!.message).toBe(
        'few.yml: 10 more problems (10 errors, 0 warnings) not annotated; the job summary and the results output list them all',
      );
      expect(runner.lines('info')).toContain('many.yml: invalid (3000 errors, 0 warnings)');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe('the report of a manifest with more problems than it lists', () => {
  it('counts every error in the headline and says how many are not listed', () => {
    const result = {
      ...emptyResult('many.yml', 'Failed' as const),
      failureReason: 'invalid-manifest' as const,
      problems: [
        {
          severity: 'error' as const,
          line: 1,
          column: 1,
          member: 'A',
          message: "unknown member 'A'",
        },
      ],
      problemsOmitted: { errors: 4999, warnings: 2 },
    };
    const summary = renderSummary({ results: [result] });
    expect(summary).toContain('invalid manifest: 5000 errors, nothing was sent to AWS');
    expect(summary).toContain('- … and 5001 more problems (4999 errors, 2 warnings), not listed');
  });
});

describe('duplicate keys', () => {
  it('are errors at the second key, naming where the first one is', () => {
    const text = replaceLine(
      MARKETPLACE,
      'ModelPackageDescription:',
      'ModelPackageDescription: a\nModelPackageDescription: b',
    );
    expect(onlyError(text)).toMatchObject({
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 24,
      member: '',
      message:
        "YAML: duplicate key 'ModelPackageDescription': it is already set at line 2, column 1",
    });
  });

  it('are found inside lists and flow mappings, and every one is reported', () => {
    const text = [
      'ModelPackageGroupName: g',
      'InferenceSpecification:',
      '  Containers:',
      '    - Image: a',
      '      Image: b',
      'Tags: [{Key: a, Key: b, Value: c}]',
      '',
    ].join('\n');
    const { problems } = check(text);
    expect(problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [5, 7, "YAML: duplicate key 'Image': it is already set at line 4, column 7"],
      [6, 17, "YAML: duplicate key 'Key': it is already set at line 6, column 9"],
    ]);
  });

  it('are the same key however it is written, as the request would hold it', () => {
    const e = onlyError("ModelPackageGroupName: g\n1: a\n'1': b\n");
    expect(e).toMatchObject({ line: 3, column: 1 });
    expect(e.message).toContain("duplicate key '1'");
  });

  it('are found among many keys, with multi-byte names, at their column', () => {
    const text = `${unknownKeys(20000)}模型包: a\n  \n模型包: b\n`;
    const e = check(text).problems.find((p) => p.message.includes('duplicate'));
    expect(e).toMatchObject({
      line: 20003,
      column: 1,
      endColumn: 4,
      message: "YAML: duplicate key '模型包': it is already set at line 20001, column 1",
    });
  });
});

describe('keys', () => {
  it('must be plain names, not mappings, lists or aliases', () => {
    expect(onlyError('? [a, b]\n: 1\n')).toMatchObject({
      line: 1,
      column: 3,
      message: 'YAML: a key must be a plain name; found a list',
    });
    expect(onlyError('ModelPackageGroupName: &k g\n*k : 2\n')).toMatchObject({
      line: 2,
      column: 1,
      message: 'YAML: a key must be a plain name; found an alias',
    });
  });
});

describe('nesting', () => {
  // The top-level mapping is the first level: the error is at the MAX_DEPTH-th bracket.
  it.each([
    ['flow lists', `X: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 1, 4 + (MAX_DEPTH - 1)],
    [
      'flow mappings',
      `X: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
      1,
      4 + 4 * (MAX_DEPTH - 1),
    ],
    ['block lists', `X:\n  ${'- '.repeat(10_000)}x\n`, 2, 3 + 2 * (MAX_DEPTH - 1)],
  ])(
    'of %s deeper than the limit is an error where it passes the limit',
    (_, text, line, column) => {
      expect(onlyError(text)).toMatchObject({
        line,
        column,
        message: `YAML: the manifest nests mappings and lists deeper than ${MAX_DEPTH} levels here`,
      });
    },
  );

  it('of block mappings, one level a line', () => {
    const text = Array.from({ length: 150 }, (_, depth) => `${' '.repeat(depth)}a:\n`).join('');
    expect(onlyError(text)).toMatchObject({ line: MAX_DEPTH + 1 });
  });

  it('up to the limit is read', () => {
    const depth = MAX_DEPTH - 1;
    const { problems } = check(`${VERSIONED}X: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    expect(problems.map((p) => p.message)).toEqual(["unknown member 'X'"]);
  });

  it('through an alias counts the levels of the value it repeats', () => {
    const inner = `${'['.repeat(60)}${']'.repeat(60)}`;
    const text = `A: &a ${inner}\nB: ${'['.repeat(45)}*a${']'.repeat(45)}\n`;
    expect(onlyError(text)).toMatchObject({
      line: 2,
      column: 4 + 45,
      message: `YAML: through alias '*a', the manifest nests mappings and lists deeper than ${MAX_DEPTH} levels`,
    });
  });
});

describe('aliases', () => {
  it('are resolved into the request, each a copy of its value', () => {
    const text = `${VERSIONED.replace('ModelApprovalStatus: PendingManualApproval', 'ModelApprovalStatus: &status PendingManualApproval')}ModelPackageDescription: *status\n`;
    const { request, problems } = check(text);
    expect(problems).toEqual([]);
    expect(request?.ModelPackageDescription).toBe('PendingManualApproval');
  });

  it('to no anchor before them are errors at the alias', () => {
    expect(onlyError('ModelPackageGroupName: *nope\nX: &nope v\n')).toMatchObject({
      line: 1,
      column: 24,
      message: "YAML: alias '*nope' refers to no anchor set before it",
    });
  });

  it('inside the value they refer to are errors, not endless values', () => {
    expect(onlyError('A: &x [1, *x]\n')).toMatchObject({
      line: 1,
      column: 11,
      message: "YAML: alias '*x' is inside the value it refers to",
    });
  });

  it('are at most MAX_ALIASES', () => {
    const text = `A: &a v\nB:\n${'  - *a\n'.repeat(5000)}`;
    expect(onlyError(text)).toMatchObject({
      line: 3 + MAX_ALIASES,
      column: 5,
      message: `YAML: more than ${MAX_ALIASES} aliases; a manifest may use at most ${MAX_ALIASES}`,
    });
  });

  it(`repeat at most ${MAX_ALIASED_VALUES} values in all`, () => {
    // Each level repeats the one before twice: 2^30 values if nothing stopped it.
    const lines = ['a0: &a0 [x, x]'];
    for (let i = 1; i <= 30; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
    const e = onlyError(`${lines.join('\n')}\n`);
    expect(e.message).toBe(
      `YAML: aliases repeat more than ${MAX_ALIASED_VALUES} values by here; a manifest may repeat at most ${MAX_ALIASED_VALUES} through aliases`,
    );
    expect(e.line).toBeLessThan(20);
  });
});

describe('long text', () => {
  it('is quoted cut short in messages and member paths', () => {
    const key = 'K'.repeat(1000);
    const { problems } = check(`${VERSIONED}? ${key}\n: v\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe(`unknown member '${'K'.repeat(59)}…'`);
    expect(problems[0]!.member.length).toBeLessThanOrEqual(200);
  });

  it('gets no suggestion, and a long instance type no nearest names', () => {
    const type = `ml.${'m'.repeat(500_000)}.large`;
    const text = VERSIONED.replace('[ml.m5.xlarge]', `[${type}]`);
    const [w] = warnings(check(text).problems);
    expect(w!.message).toBe(
      `'ml.${'m'.repeat(56)}…' is not a batch transform instance type known to this version of the AWS SDK; correct it unless the instance type is newer than the SDK`,
    );
  });

  it('in a failed expression is cut short', () => {
    const text = `${VERSIONED}ModelPackageDescription: "\${{ ${'x'.repeat(100_000)} }}"\n`;
    const [e] = errors(check(text).problems);
    expect(e!.message.length).toBeLessThan(400);
    expect(e!.message).toMatch(/^\$\{\{ x+…: 'x+…' is not supported/);
  });

  it('points at each of several identical failed expressions in one string', () => {
    const text = `${VERSIONED}ModelPackageDescription: "\${{ env.NOPE }} and \${{ env.NOPE }}"\n`;
    expect(errors(check(text).problems).map((p) => [p.line, p.column])).toEqual([
      [9, 27],
      [9, 47],
    ]);
  });
});

describe('the hostile shapes of npm run bench, small', () => {
  it.each(Object.keys(HOSTILE_SHAPES))('%s: a bounded list of problems, no exception', (shape) => {
    const result = check(HOSTILE_SHAPES[shape]!(64 * 1024));
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
    for (const problem of result.problems) expect(problem.message.length).toBeLessThanOrEqual(1000);
  });
});
