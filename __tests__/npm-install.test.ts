/**
 * `npm ci` on a fresh clone installs without a warning: every dependency with an install
 * script is settled in package.json's `allowScripts` (npm warns about the ones that are
 * not), and every installed package's `engines.node` accepts this Node (npm warns
 * EBADENGINE otherwise; CI runs the oldest Node the project supports).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { ROOT } from './harness/dist-action.js';

interface LockedPackage {
  version?: string;
  name?: string;
  hasInstallScript?: boolean;
  optional?: boolean;
  engines?: { node?: string } | string[];
  os?: string[];
  cpu?: string[];
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** The installed packages: path in node_modules → name and lock entry. */
const installed = Object.entries(lock.packages)
  .filter(([where]) => where !== '')
  .map(([where, entry]) => ({
    name: entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length),
    entry,
  }));

/** The package an allowScripts key names: `name` or `name@version`, scoped or not. */
const nameOf = (key: string) => {
  const at = key.indexOf('@', 1);
  return at === -1 ? key : key.slice(0, at);
};

/** Whether an allowScripts key covers this package (by name, or pinned to its version). */
const covers = (key: string, name: string, version: string | undefined) =>
  nameOf(key) === name &&
  (key === name ||
    key
      .slice(name.length + 1)
      .split('||')
      .some((v) => v.trim() === version));

/** Optional packages for another platform are not installed here, so npm checks nothing of them. */
const forThisPlatform = ({ entry }: { entry: LockedPackage }) =>
  !entry.optional ||
  ((!entry.os || entry.os.includes(process.platform)) &&
    (!entry.cpu || entry.cpu.includes(process.arch)));

describe('npm ci', () => {
  const allowScripts = Object.keys(manifest.allowScripts ?? {});

  it('finds every install script settled in allowScripts', () => {
    const withScripts = installed.filter(({ entry }) => entry.hasInstallScript);
    expect(withScripts.length).toBeGreaterThan(0);
    const unsettled = withScripts
      .filter(({ name, entry }) => !allowScripts.some((key) => covers(key, name, entry.version)))
      .map(({ name, entry }) => `${name}@${entry.version}`);
    expect(unsettled).toEqual([]);
  });

  it('has no allowScripts entry for a package without an install script', () => {
    const stale = allowScripts.filter(
      (key) =>
        !installed.some(
          ({ name, entry }) => entry.hasInstallScript && covers(key, name, entry.version),
        ),
    );
    expect(stale).toEqual([]);
  });

  it(`installs only packages whose engines accept Node ${process.version}`, () => {
    const refusing = installed
      .filter(forThisPlatform)
      .filter(({ entry }) => {
        const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return node !== undefined && !semver.satisfies(process.version, node);
      })
      .map(({ name, entry }) => `${name}@${entry.version}`);
    expect(refusing).toEqual([]);
  });

  it('tells a covered package from one that is not', () => {
    expect(covers('esbuild', 'esbuild', '0.28.2')).toBe(true);
    expect(covers('esbuild@0.28.2 || 0.28.3', 'esbuild', '0.28.3')).toBe(true);
    expect(covers('esbuild@0.28.1', 'esbuild', '0.28.2')).toBe(false);
    expect(covers('@parcel/watcher', '@parcel/watcher', '2.6.0')).toBe(true);
    expect(covers('@parcel/watcher', '@parcel/watcher-linux-x64-glibc', '2.6.0')).toBe(false);
  });
});
