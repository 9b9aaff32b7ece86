/**
 * The hash of what dist/ is built from: every file of src/, tsconfig.json,
 * package-lock.json (the bundled dependencies), the build (package.json's scripts.build,
 * scripts/minify-chunks.mjs and this file), and package.json's version and type (the check
 * command prints the version). `npm run build` writes it to dist/source-hash.txt
 * (`node scripts/source-hash.mjs --write`); jest's globalSetup (jest-dist-guard.mjs)
 * recomputes it, and scripts/check-fresh.sh, which rebuilds dist/, compares that file
 * with the rest. Line endings do not count, so a checkout with CRLF hashes the same.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the build records the hash of its sources, relative to the repository. */
export const HASH_FILE = 'dist/source-hash.txt';

/** The inputs of the build besides src/ and package.json. */
const FILES = [
  'tsconfig.json',
  'package-lock.json',
  'scripts/minify-chunks.mjs',
  'scripts/source-hash.mjs',
];

/** The files under `dir`, relative to `root` with forward slashes, sorted. */
function filesUnder(root, dir) {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .sort();
}

/** The hash of the sources of dist/ in the working tree at `root`, as hex. */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  const add = (name, text) => {
    const content = text.replace(/\r\n/g, '\n');
    hash.update(`${name}\0${Buffer.byteLength(content)}\0`).update(content);
  };
  for (const file of [...filesUnder(root, 'src'), ...FILES]) {
    add(file, readFileSync(path.join(root, file), 'utf8'));
  }
  const { version, type, scripts } = JSON.parse(
    readFileSync(path.join(root, 'package.json'), 'utf8'),
  );
  add('package.json', JSON.stringify({ version, type, build: scripts?.build }));
  return hash.digest('hex');
}

/** The hash the last build recorded, or undefined when there is none. */
export function recordedHash(root = ROOT) {
  try {
    return readFileSync(path.join(root, HASH_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--write') {
  writeFileSync(path.join(ROOT, HASH_FILE), `${sourceHash()}\n`);
}
