import { context } from '@actions/github';
import { run } from './main.js';
import { actionsCore } from './runner/actions-core.js';

await run({
  runner: actionsCore,
  run: context,
  env: process.env,
  workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
});
