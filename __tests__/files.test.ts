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

  it('refuses a symbolic link that leads outside, and follows one that stays inside', async () => {
    await expect(names(['models/link.yml'])).rejects.toThrow(
      "manifest 'models/link.yml' leads outside the workspace through a symbolic link",
    );
    await expect(names(['models/*.yml'])).rejects.toThrow('through a symbolic link');
    expect(await names(['alias.yml', 'model-package.yml'])).toEqual(['alias.yml']);
  });
});
