/**
 * npm run bench: the figures the issues set targets for, measured on this machine.
 *  - median wall time of the built action (a node process, as the runner starts it) for a
 *    dry run of examples/ and for an invalid manifest, next to a baseline measured in the
 *    same run: a node process that only imports @aws-sdk/client-sagemaker;
 *  - the size of all JavaScript under dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const work = mkdtempSync(path.join(tmpdir(), 'smp-bench-'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(args, env, expectStatus) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, cwd: root, encoding: 'utf8' });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== expectStatus) {
      throw new Error(
        `${args.join(' ')} exited ${result.status}, expected ${expectStatus}:\n${result.stdout}${result.stderr}`,
      );
    }
    samples.push(elapsed);
  }
  return median(samples);
}

function actionEnv(workspace, inputs) {
  const summary = path.join(work, 'summary.md');
  const output = path.join(work, 'output.txt');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  const env = {
    PATH: process.env.PATH,
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo-org/models',
    GITHUB_REF_NAME: 'main',
    GITHUB_RUN_ID: '1000',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_EVENT_NAME: 'push',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

const invalidWorkspace = path.join(work, 'invalid');
mkdirSync(invalidWorkspace);
writeFileSync(
  path.join(invalidWorkspace, 'model-package.yml'),
  'ModelPackageName: bad_name\nModelPackageGroupName: also-set\nClientToken: x\n',
);

const baseline = time(
  ['--input-type=module', '-e', "import '@aws-sdk/client-sagemaker'"],
  process.env,
  0,
);
const dryRun = time(
  ['dist/index.js'],
  actionEnv(root, {
    manifest: 'examples/*/model-package.yml',
    'dry-run': 'true',
    region: 'us-east-1',
  }),
  0,
);
const invalid = time(['dist/index.js'], actionEnv(invalidWorkspace, { region: 'us-east-1' }), 1);

function jsBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += jsBytes(full);
    else if (/\.(c|m)?js$/.test(entry.name)) total += statSync(full).size;
  }
  return total;
}
const distBytes = jsBytes(path.join(root, 'dist'));
rmSync(work, { recursive: true, force: true });

const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
const ratio = (s) => (s / baseline).toFixed(2);
const rows = [
  ['baseline: node importing @aws-sdk/client-sagemaker', ms(baseline), '1.00', ''],
  ['dry run of examples/ (built action)', ms(dryRun), ratio(dryRun), '<= 0.60'],
  ['invalid manifest (built action)', ms(invalid), ratio(invalid), '<= 0.60'],
];
console.log(`median of ${RUNS} runs each, node ${process.version}`);
for (const [name, value, r, target] of rows) {
  console.log(
    `${name.padEnd(54)} ${value.padStart(8)}  x${r.padEnd(5)} ${target ? `target ${target}` : ''}`,
  );
}
console.log(
  `${'JavaScript under dist/'.padEnd(54)} ${(distBytes / 1e6).toFixed(2).padStart(5)} MB  target <= 2.6 MB`,
);
