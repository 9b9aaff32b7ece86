/**
 * The guard jest runs first (scripts/jest-dist-guard.mjs): it refuses a dist/ built from
 * other sources than the working tree's, by the hash the build records
 * (scripts/source-hash.mjs), in one line and in well under a second. Each case runs in a
 * copy of the scripts with sources of its own.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './harness/dist-action.js';

const SCRIPTS = ['source-hash.mjs', 'jest-dist-guard.mjs', 'minify-chunks.mjs'];
const PACKAGE = { name: 'p', version: '1.0.0', type: 'module', scripts: { build: 'ncc build' } };

let tree: string;
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
  writeFileSync(path.join(tree, file), text);
};

beforeEach(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'smp-guard-'));
  for (const script of SCRIPTS) {
    write(`scripts/${script}`, '');
    copyFileSync(path.join(ROOT, 'scripts', script), path.join(tree, 'scripts', script));
  }
  write('src/main.ts', 'export const a = 1;\n');
  write('src/manifest/load.ts', 'export const b = 2;\n');
  write('tsconfig.json', '{}\n');
  write('package-lock.json', '{"lockfileVersion": 3}\n');
  write('package.json', JSON.stringify(PACKAGE));
  mkdirSync(path.join(tree, 'dist'));
});
afterEach(() => rmSync(tree, { recursive: true, force: true }));

const node = (args: string[]) =>
  spawnSync(process.execPath, args, { cwd: tree, encoding: 'utf8', env: { PATH: '' } });
/** What the build does last: record the hash of the sources. */
const build = () => expect(node(['scripts/source-hash.mjs', '--write']).status).toBe(0);
/** jest's globalSetup, as jest calls it (the default export, awaited) and prints its error (the stack). */
const guard = () =>
  node([
    '--input-type=module',
    '-e',
    "import guard from './scripts/jest-dist-guard.mjs'; try { await guard(); } catch (e) { process.stderr.write(e.stack); process.exitCode = 1; }",
  ]);
const passes = () => guard().status === 0;

describe('the dist/ guard', () => {
  it('passes after a build, and refuses with one line when dist/ has no recorded hash', () => {
    const refused = guard();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('dist/ was built from other sources than src/: run npm run build');
    build();
    expect(guard()).toMatchObject({ status: 0, stderr: '' });
  });

  it.each([
    ['a changed file of src/', () => write('src/manifest/load.ts', 'export const b = 3;\n')],
    ['a new file in src/', () => write('src/manifest/new.ts', '')],
    ['a removed file of src/', () => rmSync(path.join(tree, 'src/manifest/load.ts'))],
    [
      'a renamed file of src/',
      () => {
        rmSync(path.join(tree, 'src/manifest/load.ts'));
        write('src/manifest/loader.ts', 'export const b = 2;\n');
      },
    ],
    ['package-lock.json', () => write('package-lock.json', '{"lockfileVersion": 3, "x": 1}\n')],
    ['tsconfig.json', () => write('tsconfig.json', '{"compilerOptions": {}}\n')],
    ['the version', () => write('package.json', JSON.stringify({ ...PACKAGE, version: '1.0.1' }))],
    [
      'the build command',
      () =>
        write('package.json', JSON.stringify({ ...PACKAGE, scripts: { build: 'ncc build -m' } })),
    ],
    ['the minification', () => write('scripts/minify-chunks.mjs', '// terser\n')],
  ])('refuses dist/ after %s', (_, change) => {
    build();
    change();
    expect(passes()).toBe(false);
    build();
    expect(passes()).toBe(true);
  });

  it('ignores what the build does not read: other scripts, tests, line endings', () => {
    build();
    write('package.json', JSON.stringify({ ...PACKAGE, scripts: { ...PACKAGE.scripts, x: 'y' } }));
    write('__tests__/a.test.ts', '');
    write('README.md', 'x');
    write('src/main.ts', 'export const a = 1;\r\n');
    expect(passes()).toBe(true);
  });

  it('hashes the repository in well under a second', async () => {
    const { sourceHash } = (await import(path.join(ROOT, 'scripts', 'source-hash.mjs'))) as {
      sourceHash: () => string;
    };
    const start = performance.now();
    expect(sourceHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(performance.now() - start).toBeLessThan(250);
  });
});

describe('the build and the freshness check', () => {
  const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };

  it('record the hash last, after everything else the build writes to dist/', () => {
    expect(packageJson.scripts.build!.split(' && ').at(-1)).toBe(
      'node scripts/source-hash.mjs --write',
    );
  });

  it('agree: check-fresh rebuilds dist/ and compares it, the recorded hash included', () => {
    const script = readFileSync(path.join(ROOT, 'scripts', 'check-fresh.sh'), 'utf8');
    expect(script).toMatch(/^paths=\([^)]*\bdist\b[^)]*\)$/m);
    expect(script).toContain('npm run --silent build');
    expect(readFileSync(path.join(ROOT, 'jest.config.js'), 'utf8')).toContain(
      "globalSetup: '<rootDir>/scripts/jest-dist-guard.mjs'",
    );
  });
});
