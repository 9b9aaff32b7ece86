/**
 * npm run demo: runs the built action on examples/ the way the runner would for a
 * pull request, and prints its log, the job summary and the outputs it wrote.
 *
 * The run is a dry run: it needs no AWS account and sends nothing to AWS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'smp-demo-'));
const files = {
  output: path.join(dir, 'output.txt'),
  summary: path.join(dir, 'summary.md'),
  event: path.join(dir, 'event.json'),
};
writeFileSync(files.output, '');
writeFileSync(files.summary, '');
writeFileSync(
  files.event,
  JSON.stringify({
    action: 'synchronize',
    number: 42,
    pull_request: { number: 42, head: { sha: '0123456789abcdef0123456789abcdef01234567' } },
    repository: { full_name: 'octo-org/models' },
  }),
);

const env = {
  PATH: process.env.PATH,
  HOME: dir,
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: root,
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: files.event,
  GITHUB_OUTPUT: files.output,
  GITHUB_STEP_SUMMARY: files.summary,
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF_NAME: '42/merge',
  GITHUB_REPOSITORY: 'octo-org/models',
  GITHUB_RUN_ID: '1000',
  GITHUB_RUN_NUMBER: '7',
  GITHUB_SERVER_URL: 'https://github.com',
  INPUT_MANIFEST: 'examples/*/model-package.yml',
  'INPUT_DRY-RUN': 'true',
  INPUT_REGION: 'us-east-1',
};

const rule = (title) =>
  console.log(`\n${'─'.repeat(8)} ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`);
rule('action log');
const run = spawnSync(process.execPath, [path.join(root, 'dist', 'index.js')], {
  env,
  cwd: root,
  encoding: 'utf8',
});
process.stdout.write(run.stdout);
process.stderr.write(run.stderr);
rule(`exit code ${run.status}`);
rule('job summary (GITHUB_STEP_SUMMARY)');
console.log(readFileSync(files.summary, 'utf8'));
rule('outputs (GITHUB_OUTPUT)');
const outputs = readFileSync(files.output, 'utf8').replace(
  /^(.+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm,
  '$1=$3',
);
console.log(outputs);
rm();
process.exitCode = run.status ?? 1;

function rm() {
  rmSync(dir, { recursive: true, force: true });
}
