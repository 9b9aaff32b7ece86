#!/usr/bin/env node
/** The `sagemaker-model-package` command; see cli/check-command.ts. */
import packageJson from '../package.json' with { type: 'json' };
import { COMMAND, printable, runCommand } from './cli/check-command.js';

try {
  const result = await runCommand(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    version: packageJson.version,
  });
  for (const line of result.stderr) process.stderr.write(`${line}\n`);
  for (const line of result.stdout) process.stdout.write(`${line}\n`);
  process.exitCode = result.code;
} catch (e) {
  // Not a problem of a manifest nor of the arguments: one line, no stack.
  process.stderr.write(
    printable(`${COMMAND}: unexpected error: ${e instanceof Error ? e.message : String(e)}`) + '\n',
  );
  process.exitCode = 2;
}
