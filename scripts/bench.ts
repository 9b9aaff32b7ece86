/**
 * npm run bench: the figures the issues set targets for, measured on this machine.
 *
 * Start-up (the built action as a process, as the runner starts it): median wall time
 * of a dry run of examples/ and of an invalid manifest, next to a baseline measured in
 * the same run, a node process that only imports @aws-sdk/client-sagemaker.
 * Size: all JavaScript under dist/.
 * Waiting, against the project's SageMaker emulator: the requests of a full run of one
 * package, the delay between a validation finishing and the action reporting it, and
 * the wall time of 20 packages in one run against one package. Requests per hour of
 * waiting come from the poller itself on a simulated clock.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SageMakerApi } from '../src/sagemaker/api.js';
import { waitForPackages } from '../src/package/wait.js';
import { RUN_ENV, runAction } from '../__tests__/support/action.js';
import { VALIDATION, VERSIONED } from '../__tests__/support/manifests.js';
import { startGitHubEmulator } from '../__tests__/support/github-emulator.js';
import { startSageMakerEmulator } from '../__tests__/support/sagemaker-emulator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const work = mkdtempSync(path.join(tmpdir(), 'smp-bench-'));
const rows: [string, string, string][] = [];
const report = (name: string, value: string, target = '') => {
  rows.push([name, value, target]);
  console.log(`${name.padEnd(64)} ${value.padStart(12)}  ${target}`);
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// ------------------------------------------------------------------ start-up and size

function time(args: string[], env: NodeJS.ProcessEnv, expectStatus: number): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, cwd: root, encoding: 'utf8' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (result.status !== expectStatus) {
      throw new Error(
        `${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`,
      );
    }
  }
  return median(samples);
}

function actionEnv(workspace: string, inputs: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...RUN_ENV,
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
    GITHUB_OUTPUT: path.join(work, 'output.txt'),
    GITHUB_EVENT_NAME: 'push',
  };
  writeFileSync(env.GITHUB_STEP_SUMMARY!, '');
  writeFileSync(env.GITHUB_OUTPUT!, '');
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

function jsBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += jsBytes(full);
    else if (/\.(c|m)?js$/.test(entry.name)) total += statSync(full).size;
  }
  return total;
}

const invalidWorkspace = path.join(work, 'invalid');
mkdirSync(invalidWorkspace);
writeFileSync(
  path.join(invalidWorkspace, 'model-package.yml'),
  'ModelPackageName: bad_name\nModelPackageGroupName: also-set\nClientToken: x\n',
);

console.log(`node ${process.version}; start-up figures are medians of ${RUNS} runs\n`);
// The same minimal environment for every process measured: variables such as
// NODE_EXTRA_CA_CERTS change node's own start-up by tens of milliseconds.
const baseline = time(
  ['--input-type=module', '-e', "import '@aws-sdk/client-sagemaker'"],
  { PATH: process.env.PATH },
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
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
report('baseline: node importing @aws-sdk/client-sagemaker', ms(baseline));
report(
  'dry run of examples/',
  `${ms(dryRun)} x${(dryRun / baseline).toFixed(2)}`,
  'target <= x0.60',
);
report('invalid manifest', `${ms(invalid)} x${(invalid / baseline).toFixed(2)}`, 'target <= x0.60');
report(
  'JavaScript under dist/',
  `${(jsBytes(path.join(root, 'dist')) / 1e6).toFixed(2)} MB`,
  'target <= 2.6 MB',
);

// ------------------------------------------------------------------ requests per hour

{
  // The poller against a package that validates for 3 hours, on a simulated clock.
  let t = 0;
  let requests = 0;
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/bench/1';
  const status = () => (t >= 3 * 3600_000 ? 'Completed' : 'InProgress');
  const api = {
    region: 'us-east-1',
    async batchDescribeModelPackage(arns: string[]) {
      requests++;
      return {
        ModelPackageSummaries: Object.fromEntries(
          arns.map((a) => [a, { ModelPackageStatus: status() }]),
        ),
      };
    },
    async describeModelPackage() {
      requests++;
      return { ModelPackageArn: arn, ModelPackageStatus: status() };
    },
  } as unknown as SageMakerApi;
  await waitForPackages([{ ModelPackageArn: arn, ModelPackageStatus: 'InProgress' } as never], {
    api,
    log: { info: () => undefined, warning: () => undefined },
    timeoutMs: 5 * 3600_000,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  });
  report(
    'SageMaker requests per hour of waiting, one package',
    (requests / 3).toFixed(0),
    'target <= 150',
  );
}

// ------------------------------------------------------------------ against the emulator

const PENDING_MS = 5_000;
const IN_PROGRESS_MS = 25_000;

async function emulatedRun(count: number) {
  const emulator = await startSageMakerEmulator({
    pendingMs: PENDING_MS,
    inProgressMs: IN_PROGRESS_MS,
  });
  const github = await startGitHubEmulator();
  const workspace = path.join(work, `packages-${count}`);
  for (let i = 1; i <= count; i++) {
    mkdirSync(path.join(workspace, `p${i}`), { recursive: true });
    writeFileSync(
      path.join(workspace, `p${i}`, 'model-package.yml'),
      (VERSIONED + VALIDATION).replace('fraud-detector', `bench-${i}`),
    );
  }
  const reported: number[] = [];
  const start = Date.now();
  const run = await runAction({
    workspace,
    inputs: { manifest: 'p*/model-package.yml', region: 'us-east-1', 'github-token': 'ghs_writer' },
    event: { name: 'pull_request', payload: { number: 7, pull_request: { number: 7 } } },
    env: {
      GITHUB_API_URL: github.url,
      AWS_ENDPOINT_URL_SAGEMAKER: emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    onOutput: (text) => {
      for (const line of text.split('\n'))
        if (line.endsWith('→ Completed')) reported.push(Date.now());
    },
  });
  const wall = (Date.now() - start) / 1000;
  const created = emulator.requests
    .filter((r) => r.operation === 'CreateModelPackage')
    .map((r) => r.at);
  const requests = emulator.requests.length;
  const gitHubCalls = (method: string) => github.requests.filter((r) => r.method === method).length;
  const gitHub = `${gitHubCalls('POST')} created, ${gitHubCalls('PATCH')} edited, ${gitHubCalls('GET')} read`;
  await emulator.close();
  await github.close();
  if (run.code !== 0 || run.outputs.status !== 'Completed') {
    throw new Error(`the emulated run failed (${run.code}):\n${run.stdout}${run.stderr}`);
  }
  const finished = Math.max(...created) + PENDING_MS + IN_PROGRESS_MS;
  return { wall, requests, gitHub, delay: (Math.max(...reported) - finished) / 1000 };
}

const one = await emulatedRun(1);
report('SageMaker requests, full run of one package (create path, 30 s)', String(one.requests));
report(
  'validation finished -> reported (30 s validation)',
  `${one.delay.toFixed(1)} s`,
  'target <= 6 s',
);
report(
  'GitHub API calls, one package: created, Pending -> InProgress -> Completed',
  one.gitHub,
  'target <= 1 created + 3 edited + listing',
);
const twenty = await emulatedRun(20);
report('wall time, one package', `${one.wall.toFixed(1)} s`);
report(
  'wall time, 20 packages in one run',
  `${twenty.wall.toFixed(1)} s x${(twenty.wall / one.wall).toFixed(2)}`,
  'target <= x1.30',
);
report('SageMaker requests, 20 packages', String(twenty.requests));

rmSync(work, { recursive: true, force: true });
