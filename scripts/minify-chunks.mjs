/**
 * ncc minifies the entry file but not the chunks that dynamic imports produce (the AWS
 * SDK and the GitHub client): minify those with terser, keeping dist/ and dist/cli/ small.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
// The action's bundle and the check command's (dist/cli).
const chunks = [dist, path.join(dist, 'cli')].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^\d+\.index\.js$/.test(f))
        .sort()
        .map((f) => path.join(dir, f))
    : [],
);
for (const full of chunks) {
  const { code } = await minify(readFileSync(full, 'utf8'), {
    module: true,
    ecma: 2022,
    compress: { passes: 2 },
    format: { comments: false },
  });
  writeFileSync(full, code);
}
