import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveManifestFiles } from '../src/manifest/files.js';

let root: string;
let workspace: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'smp-files-'));
  workspace = path.join(root, 'workspace');
  mkdirSync(path.join(workspace, 'models', 'a'), { recursive: true });
  mkdirSync(path.join(workspace, 'models', 'b'), { recursive: true });
  writeFileSync(path.join(workspace, 'model-package.yml'), '');
  writeFileSync(path.join(workspace, 'models', 'a', 'model-package.yml'), '');
  writeFileSync(path.join(workspace, 'models', 'b', 'model-package.yml'), '');
  writeFileSync(path.join(workspace, 'models', 'b', 'draft.yml'), '');
  writeFileSync(path.join(root, 'outside.yml'), '');
  symlinkSync(path.join(root, 'outside.yml'), path.join(workspace, 'models', 'link.yml'));
  symlinkSync(path.join(workspace, 'model-package.yml'), path.join(workspace, 'alias.yml'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const names = async (patterns: string[]) =>
  (await resolveManifestFiles(patterns, workspace)).map((f) => f.relative);

describe('resolveManifestFiles', () => {
  it('resolves a path', async () => {
    const [file] = await resolveManifestFiles(['model-package.yml'], workspace);
    expect(file).toEqual({
      relative: 'model-package.yml',
      absolute: path.join(workspace, 'model-package.yml'),
    });
  });

  it('never takes a listing file for a manifest in a glob, unless told to', async () => {
    mkdirSync(path.join(workspace, 'models', 'c'), { recursive: true });
    writeFileSync(path.join(workspace, 'models', 'c', 'marketplace-listing.yml'), '');
    writeFileSync(path.join(workspace, 'models', 'c', 'marketplace-listing.yaml'), '');
    try {
      expect(await names(['models/**/*.y*ml'])).toEqual([
        'models/a/model-package.yml',
        'models/b/draft.yml',
        'models/b/model-package.yml',
      ]);
      await expect(names(['models/c/*'])).rejects.toThrow(
        "manifest pattern 'models/c/*' matches no file in the workspace (globs skip .git/, node_modules/ and listing files)",
      );
      const all = await resolveManifestFiles(['models/c/*'], workspace, { listings: true });
      expect(all.map((f) => f.relative)).toEqual([
        'models/c/marketplace-listing.yaml',
        'models/c/marketplace-listing.yml',
      ]);
    } finally {
      rmSync(path.join(workspace, 'models', 'c'), { recursive: true, force: true });
    }
  });

  it('expands globs in sorted order, and skips blank lines, comments and duplicates', async () => {
    expect(
      await names(['models/*/model-package.yml', '', '# a comment', 'models/a/model-package.yml']),
    ).toEqual(['models/a/model-package.yml', 'models/b/model-package.yml']);
  });

  it("excludes what '!' lines match", async () => {
    expect(await names(['models/b/*.yml', '!models/b/draft.yml'])).toEqual([
      'models/b/model-package.yml',
    ]);
  });

  it('names a pattern that matches nothing', async () => {
    await expect(names(['nope/*.yml'])).rejects.toThrow(
      "manifest pattern 'nope/*.yml' matches no file in the workspace",
    );
    await expect(names(['missing.yml'])).rejects.toThrow(
      "manifest 'missing.yml' does not exist in the workspace",
    );
    await expect(names(['models'])).rejects.toThrow("manifest 'models' is not a file");
  });

  it('refuses paths outside the workspace', async () => {
    await expect(names(['../outside.yml'])).rejects.toThrow('is outside the workspace');
    await expect(names([path.join(root, 'outside.yml')])).rejects.toThrow(
      'is outside the workspace',
    );
    await expect(names(['../*.yml'])).rejects.toThrow('is outside the workspace');
  });

  it('with confine: false, takes paths outside, named as they were given', async () => {
    const anywhere = async (patterns: string[]) =>
      (await resolveManifestFiles(patterns, workspace, { confine: false })).map((f) => [
        f.relative,
        f.absolute,
      ]);
    const outside = path.join(root, 'outside.yml');
    expect(await anywhere(['../outside.yml'])).toEqual([['../outside.yml', outside]]);
    expect(await anywhere([outside])).toEqual([[outside, outside]]);
    expect(await anywhere(['../*.yml'])).toEqual([['../outside.yml', outside]]);
    // A link that leads outside is followed, and named by its own path.
    expect(await anywhere(['models/link.yml'])).toEqual([['models/link.yml', outside]]);
    // Inside, names stay relative, also for an absolute path.
    expect(await anywhere([path.join(workspace, 'model-package.yml')])).toEqual([
      ['model-package.yml', path.join(workspace, 'model-package.yml')],
    ]);
    await expect(anywhere(['../missing.yml'])).rejects.toThrow(
      /^manifest '\.\.\/missing\.yml' does not exist$/,
    );
  });

  it('refuses a named link that leads outside, follows one that stays inside, and globs skip links', async () => {
    await expect(names(['models/link.yml'])).rejects.toThrow(
      "manifest 'models/link.yml' leads outside the workspace through a symbolic link",
    );
    await expect(names(['models/*.yml'])).rejects.toThrow('matches no file');
    expect(await names(['alias.yml', 'model-package.yml'])).toEqual(['alias.yml']);
    expect(await names(['*.yml'])).toEqual(['model-package.yml']);
  });

  it('walks neither .git/ nor node_modules/, nor a symbolic link to a folder', async () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'smp-walk-'));
    for (const dir of ['.git/refs', 'node_modules/pkg', 'models/a', '.github/models']) {
      mkdirSync(path.join(tree, dir), { recursive: true });
      writeFileSync(path.join(tree, dir, 'model-package.yml'), '');
    }
    symlinkSync('/', path.join(tree, 'root'));
    symlinkSync('.', path.join(tree, 'loop'));
    try {
      const found = await resolveManifestFiles(['**/model-package.yml'], tree);
      expect(found.map((f) => f.relative)).toEqual([
        '.github/models/model-package.yml',
        'models/a/model-package.yml',
      ]);
      // A path that names such a file is still read.
      const named = await resolveManifestFiles(['node_modules/pkg/model-package.yml'], tree);
      expect(named.map((f) => f.relative)).toEqual(['node_modules/pkg/model-package.yml']);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('refuses more files than the limit, naming the input', async () => {
    expect(await resolveManifestFiles(['models/*/*.yml'], workspace, { limit: 3 })).toHaveLength(3);
    await expect(resolveManifestFiles(['models/*/*.yml'], workspace, { limit: 2 })).rejects.toThrow(
      "the manifest input matches more than 2 files (input 'max-manifests')",
    );
  });
});
