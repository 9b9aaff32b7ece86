/**
 * jest's globalSetup: the integration tests and the demo run the built dist/, so jest
 * refuses to start when dist/ was built from other sources than the working tree's
 * (the hash that `npm run build` recorded, scripts/source-hash.mjs). It reads the sources
 * and hashes them: a few milliseconds.
 */
import { recordedHash, sourceHash } from './source-hash.mjs';

export const STALE = 'dist/ was built from other sources than src/: run npm run build';

export default function guardDist() {
  if (recordedHash() === sourceHash()) return;
  // One line: no stack, which would only point here.
  const error = new Error(STALE);
  error.stack = STALE;
  throw error;
}
