/**
 * Resolves the `manifest` input (paths and globs, one per line) to files inside the
 * workspace. A path that leads outside it, also through a symbolic link, is refused.
 * Globs skip .git/ and node_modules/ and symbolic links (a path that names a link is
 * followed), and may match at most `limit` files in all.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

export interface ManifestFile {
  /** Absolute path on disk. */
  absolute: string;
  /** Path relative to the workspace, with forward slashes: how reports name it. */
  relative: string;
}

export class ManifestPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestPatternError';
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

function toRelative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

/**
 * The files the patterns name, in the order given (each glob's matches sorted), without
 * duplicates. Lines starting with `!` exclude what they match; blank lines and lines
 * starting with `#` are ignored.
 */
/** Folders a glob never walks into: a repository's history and its installed packages. */
const SKIPPED = ['**/.git/**', '**/node_modules/**'];

export async function resolveManifestFiles(
  patterns: readonly string[],
  workspace: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<ManifestFile[]> {
  const root = await realpath(workspace);
  const lines = patterns.map((p) => p.trim()).filter((p) => p && !p.startsWith('#'));
  const excludes = lines.filter((p) => p.startsWith('!')).map((p) => p.slice(1).trim());
  const includes = lines.filter((p) => !p.startsWith('!'));
  if (includes.length === 0) throw new ManifestPatternError('the manifest input names no file');

  const seen = new Set<string>();
  const files: ManifestFile[] = [];
  for (const pattern of includes) {
    const lexical = path.resolve(root, pattern);
    if (!isInside(root, lexical)) {
      throw new ManifestPatternError(
        `manifest '${pattern}' is outside the workspace (${root}); manifests must be inside it`,
      );
    }
    const dynamic = isDynamicPattern(pattern);
    const matches = (
      await glob(pattern, {
        cwd: root,
        ignore: dynamic ? [...excludes, ...SKIPPED] : excludes,
        onlyFiles: true,
        absolute: true,
        dot: true,
        expandDirectories: false,
        // A glob never walks through a link; a path that names one is followed (and checked).
        followSymbolicLinks: !dynamic,
      })
    ).sort();
    if (matches.length === 0) throw new ManifestPatternError(await noMatch(pattern, lexical));
    for (const match of matches) {
      const real = await realpath(match);
      if (!isInside(root, real)) {
        throw new ManifestPatternError(
          `manifest '${toRelative(root, path.resolve(match))}' leads outside the workspace through a symbolic link; manifests must be inside it`,
        );
      }
      if (seen.has(real)) continue;
      seen.add(real);
      files.push({ absolute: real, relative: toRelative(root, match) });
      if (files.length > limit) {
        throw new ManifestPatternError(
          `the manifest input matches more than ${limit} files (input 'max-manifests'); name fewer files, or raise 'max-manifests'`,
        );
      }
    }
  }
  return files;
}

async function noMatch(pattern: string, absolute: string): Promise<string> {
  if (isDynamicPattern(pattern)) {
    return `manifest pattern '${pattern}' matches no file in the workspace (globs skip .git/ and node_modules/)`;
  }
  const kind = await stat(absolute).then(
    (s) => (s.isFile() ? 'file' : 'other'),
    () => 'missing',
  );
  if (kind === 'missing') return `manifest '${pattern}' does not exist in the workspace`;
  if (kind === 'other') return `manifest '${pattern}' is not a file`;
  return `manifest '${pattern}' is excluded by a '!' line of the manifest input`;
}
