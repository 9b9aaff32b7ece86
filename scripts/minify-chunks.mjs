/**
 * ncc minifies the entry file but not the chunks that dynamic imports produce (the AWS
 * SDK and the GitHub client): minify those with terser, keeping dist/ small.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
for (const file of readdirSync(dist)
  .filter((f) => /^\d+\.index\.js$/.test(f))
  .sort()) {
  const full = path.join(dist, file);
  const { code } = await minify(readFileSync(full, 'utf8'), {
    module: true,
    ecma: 2022,
    compress: { passes: 2 },
    format: { comments: false },
  });
  writeFileSync(full, code);
}
