import { run } from './main.js';
import { actionsCore } from './runner/actions-core.js';

try {
  await run();
} catch (e) {
  // What run() could not turn into an outcome: one clear line, the stack only in debug.
  if (e instanceof Error && e.stack) actionsCore.debug(e.stack);
  actionsCore.setFailed(`unexpected error: ${e instanceof Error ? e.message : String(e)}`);
}
