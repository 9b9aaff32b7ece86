import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** Every file name in the repository, outside what is installed, built or versioned. */
function fileNames(dir: string, out = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', 'dist', 'coverage'].includes(entry.name)) continue;
    if (entry.isDirectory()) fileNames(path.join(dir, entry.name), out);
    else out.add(entry.name);
  }
  return out;
}

const topLevel = new Set(readdirSync(root).filter((name) => name !== 'node_modules'));

/** Whether `target`, relative to the repository, exists; a `*` matches within one directory. */
function exists(target: string): boolean {
  const clean = target.replace(/\/$/, '');
  if (!clean.includes('*')) return existsSync(path.join(root, clean));
  const dir = path.dirname(clean);
  const pattern = new RegExp(
    `^${path
      .basename(clean)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  return (
    existsSync(path.join(root, dir)) &&
    readdirSync(path.join(root, dir)).some((f) => pattern.test(f))
  );
}

/**
 * What the README names as a repository path: relative link targets, and code spans that
 * start with one of the repository's top-level entries (`src/…`, `scripts/…`) or are the
 * bare name of a source file (`render.ts`).
 */
function namedPaths(markdown: string): { paths: string[]; fileNames: string[] } {
  const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((t) => t && !/^[a-z][a-z0-9+.-]*:/i.test(t));
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
  const paths = spans.filter(
    (s) => !/\s/.test(s) && s.includes('/') && topLevel.has(s.split('/')[0]!),
  );
  // Bare names of the project's own code; manifests and workflows are named for the user's repository.
  const names = spans.filter((s) => /^[\w.-]+\.(?:ts|mjs|cjs|js|sh)$/.test(s));
  return { paths: [...new Set([...links, ...paths])], fileNames: [...new Set(names)] };
}

describe('README.md', () => {
  const named = namedPaths(readme);

  it('names only repository paths that exist', () => {
    expect(named.paths.length).toBeGreaterThan(10);
    expect(named.paths.filter((p) => !exists(p))).toEqual([]);
  });

  it('names only file names that some file of the repository has', () => {
    const all = fileNames(root);
    expect(named.fileNames.length).toBeGreaterThan(10);
    expect(named.fileNames.filter((name) => !all.has(name))).toEqual([]);
  });

  it('would catch a path or a file name that does not exist', () => {
    const wrong = namedPaths(
      'Run `scripts/demo.mjs`, see [the docs](docs/missing.md#x) and `bench.mjs`; `src/main.ts` is [fine](src/main.ts).',
    );
    expect(wrong.paths.filter((p) => !exists(p))).toEqual(['docs/missing.md', 'scripts/demo.mjs']);
    expect(wrong.fileNames.filter((name) => !fileNames(root).has(name))).toEqual(['bench.mjs']);
  });
});
