/**
 * Resolves the `manifest` input (paths and globs, one per line) to files. The action
 * confines them to the workspace: a path that leads outside it, also through a symbolic
 * link, is refused. The check command takes any path, as linters do. Globs skip .git/ and
 * node_modules/ and symbolic links (a path that names a link is followed), and may match
 * at most `limit` files in all. A glob never takes an AWS Marketplace listing file
 * (marketplace-listing.yml, src/listing/) for a manifest: it skips them, unless told to
 * take them (the check command, which checks them as listing files).
 */
import { plural } from '../text.js';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { convertPathToPattern, glob, isDynamicPattern } from 'tinyglobby';
import { isListingFile } from '../listing/names.js';

export interface ManifestFile {
  /** Absolute path on disk. */
  absolute: string;
  /**
   * How reports name it: its path relative to the workspace, with forward slashes. A file
   * outside the workspace (the check command's) is named as its pattern was written:
   * relative (`../other/model-package.yml`) or absolute.
   */
  relative: string;
}

export interface ResolveOptions {
  /** More files than this are refused. */
  limit?: number;
  /**
   * Whether files must be inside the workspace, also through symbolic links: the action's
   * rule, and the default. The check command takes files anywhere.
   */
  confine?: boolean;
  /** Whether globs take listing files (marketplace-listing.yml) too: false unless told. */
  listings?: boolean;
}

export class ManifestPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestPatternError';
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

function toRelative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

/** Folders a glob never walks into: a repository's history and its installed packages. */
const SKIPPED = ['**/.git/**', '**/node_modules/**'];

/**
 * What a glob skips: SKIPPED below the workspace, and below the folder a glob outside it
 * starts from (its leading segments without glob syntax), as its matches are not below
 * the workspace.
 */
function skippedFor(root: string, lexical: string): string[] {
  if (isInside(root, lexical)) return SKIPPED;
  const segments = lexical.split(path.sep);
  const at = segments.findIndex((s) => isDynamicPattern(s));
  const fixed = segments.slice(0, at === -1 ? -1 : at);
  const base = convertPathToPattern(fixed.join(path.sep) || path.sep).replace(/\/+$/, '');
  return SKIPPED.map((skip) => `${base}/${skip}`);
}

/**
 * The files the patterns name, in the order given (each glob's matches sorted), without
 * duplicates. Lines starting with `!` exclude what they match; blank lines and lines
 * starting with `#` are ignored.
 */
export async function resolveManifestFiles(
  patterns: readonly string[],
  workspace: string,
  { limit = Number.POSITIVE_INFINITY, confine = true, listings = false }: ResolveOptions = {},
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
    if (confine && !isInside(root, lexical)) {
      throw new ManifestPatternError(
        `manifest '${pattern}' is outside the workspace (${root}); manifests must be inside it`,
      );
    }
    const dynamic = isDynamicPattern(pattern);
    const matches = (
      await glob(pattern, {
        cwd: root,
        ignore: dynamic ? [...excludes, ...skippedFor(root, lexical)] : excludes,
        onlyFiles: true,
        absolute: true,
        dot: true,
        expandDirectories: false,
        // A glob never walks through a link; a path that names one is followed (and checked).
        followSymbolicLinks: !dynamic,
      })
    )
      .filter((match) => listings || !dynamic || !isListingFile(match))
      .sort();
    if (matches.length === 0) {
      throw new ManifestPatternError(await noMatch(pattern, lexical, confine, listings));
    }
    for (const match of matches) {
      const real = await realpath(match);
      if (confine && !isInside(root, real)) {
        throw new ManifestPatternError(
          `manifest '${toRelative(root, path.resolve(match))}' leads outside the workspace through a symbolic link; manifests must be inside it`,
        );
      }
      if (seen.has(real)) continue;
      seen.add(real);
      const outside = !isInside(root, path.resolve(match)) && path.isAbsolute(pattern);
      files.push({ absolute: real, relative: outside ? match : toRelative(root, match) });
      if (files.length > limit) {
        throw new ManifestPatternError(
          `the manifest input matches more than ${plural(limit, 'file')} (input 'max-manifests'); name fewer files, or raise 'max-manifests'`,
        );
      }
    }
  }
  return files;
}

async function noMatch(
  pattern: string,
  absolute: string,
  confine: boolean,
  listings: boolean,
): Promise<string> {
  const where = confine ? ' in the workspace' : '';
  if (isDynamicPattern(pattern)) {
    return `manifest pattern '${pattern}' matches no file${where} (globs skip .git/${listings ? ' and node_modules/' : ', node_modules/ and listing files'})`;
  }
  const kind = await stat(absolute).then(
    (s) => (s.isFile() ? 'file' : 'other'),
    () => 'missing',
  );
  if (kind === 'missing') return `manifest '${pattern}' does not exist${where}`;
  if (kind === 'other') return `manifest '${pattern}' is not a file`;
  return `manifest '${pattern}' is excluded by a '!' line of the manifest input`;
}
