// Module hooks for the integration tests: every file the action loads is appended to
// the file named by RECORD_LOADS, so tests can assert what a run did not load.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (process.env.RECORD_LOADS && url.startsWith('file:'))
    appendFileSync(process.env.RECORD_LOADS, `${url}\n`);
  return nextLoad(url, context);
}
