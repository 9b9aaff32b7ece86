/**
 * npm run bench: the figures the issues set targets for, measured on this machine.
 *
 * Start-up (the built action as a process, as the runner starts it): median wall time
 * of a dry run of examples/ and of an invalid manifest, measured alternately with a baseline in
 * the same run, a node process that only imports @aws-sdk/client-sagemaker.
 * Size: all JavaScript under dist/.
 * Hostile manifests: the built action's wall time and peak memory on a 1 MiB manifest of
 * each hostile shape (scripts/bench-hostile.ts).
 * Waiting, against the project's SageMaker and GitHub emulators, for a pull request (a
 * comment and a check run per package): the requests of a full run of one package, the
 * delay between a validation finishing and the action reporting it, and the wall time of
 * 20 and of 100 packages of a monorepo in one run (`max-manifests: 100`) against one
 * package; for 100 packages also the run's peak memory (its RSS high-water mark), its
 * SageMaker requests and batched polls, its GitHub calls and the size of its job summary
 * and `results` output. Requests per hour of waiting come from the poller itself on a
 * simulated clock.
 * Sync: the GitHub and SageMaker calls of an idle `mode: sync` (nothing finished) over 20
 * open pull requests, each with a package of its own left validating by a `wait: false`
 * run, and over the 100 packages one `wait: false` run of one pull request left
 * validating. Dispatched (`repository_dispatch` naming one package whose validation
 * ended): the GitHub and SageMaker calls of the run, and the time from its start to the
 * GitHub emulator receiving the update that concludes the check run.
 * Plan: the SageMaker reads a plan makes beyond the search for the manifest's own package,
 * for each `compare-to` and for an unversioned package; and the time to plan a 1 MiB
 * request against a 1 MiB live version (in process, on the in-memory SageMaker).
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForPackages } from '../src/package/wait.js';
import { findExisting } from '../src/package/find.js';
import { differences } from '../src/plan/diff.js';
import type { CompareTo } from '../src/plan/live.js';
import { planManifest } from '../src/plan/plan.js';
import type { ModelPackageManifest } from '../src/manifest/schema.js';
import type { CreateModelPackageInput } from '@aws-sdk/client-sagemaker';
import { silentLog } from '../src/runner/port.js';
import { fakeSageMaker } from '../__tests__/harness/fake-sagemaker.js';
import { runAction } from '../__tests__/harness/dist-action.js';
import { inputEnv } from '../__tests__/harness/inputs.js';
import { pullRequestEvent, RUN_ENV } from '../__tests__/harness/run-context.js';
import { MARKETPLACE, VALIDATION, VERSIONED } from '../__tests__/harness/manifests.js';
import {
  startGitHubEmulator,
  type RecordedGitHubRequest,
} from '../__tests__/harness/github-emulator.js';
import {
  startSageMakerEmulator,
  type RecordedRequest,
} from '../__tests__/harness/sagemaker-emulator.js';
import { startMarketplaceEmulator } from '../__tests__/harness/marketplace-emulator.js';
import { seedArtifacts, seedWorkspace } from '../__tests__/harness/storage-emulator.js';
import { benchHostileManifests } from './bench-hostile.js';

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

interface Case {
  args: string[];
  env: NodeJS.ProcessEnv;
  status: number;
}

/** Median wall time of each case, in seconds; the cases are run alternately, RUNS times. */
function timeAlternately(cases: Record<string, Case>): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [name, { args, env, status }] of Object.entries(cases)) {
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, args, { env, cwd: root, encoding: 'utf8' });
      (samples[name] ??= []).push(Number(process.hrtime.bigint() - start) / 1e9);
      if (result.status !== status) {
        throw new Error(
          `${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`,
        );
      }
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, v]) => [name, median(v)]));
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
  return { ...env, ...inputEnv(inputs) };
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
const { baseline, dryRun, invalid } = timeAlternately({
  baseline: {
    args: ['--input-type=module', '-e', "import '@aws-sdk/client-sagemaker'"],
    env: { PATH: process.env.PATH },
    status: 0,
  },
  dryRun: {
    args: ['dist/index.js'],
    env: actionEnv(root, {
      manifest: 'examples/*/model-package.yml',
      'dry-run': 'true',
      region: 'us-east-1',
    }),
    status: 0,
  },
  invalid: {
    args: ['dist/index.js'],
    env: actionEnv(invalidWorkspace, { region: 'us-east-1' }),
    status: 1,
  },
}) as Record<'baseline' | 'dryRun' | 'invalid', number>;
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
report('baseline: node importing @aws-sdk/client-sagemaker', ms(baseline));
report(
  'dry run of examples/',
  `${ms(dryRun)} x${(dryRun / baseline).toFixed(2)}`,
  'target <= x0.80',
);
report('invalid manifest', `${ms(invalid)} x${(invalid / baseline).toFixed(2)}`, 'target <= x0.80');
report(
  'JavaScript under dist/',
  `${(jsBytes(path.join(root, 'dist')) / 1e6).toFixed(2)} MB`,
  'target <= 2.6 MB',
);

// ------------------------------------------------------------------ hostile manifests

benchHostileManifests(report);

// ------------------------------------------------------------------ requests per hour

{
  // The poller against a package that validates for 3 hours, on a simulated clock.
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/bench/1';
  const fake = fakeSageMaker();
  fake.add(arn, [[3 * 3600_000, 'Completed']]);
  await waitForPackages([fake.describe(arn)], {
    api: fake.api,
    log: silentLog,
    timeoutMs: 5 * 3600_000,
    now: () => fake.clock.t,
    sleep: async (ms) => {
      fake.clock.t += ms;
    },
  });
  report(
    'SageMaker requests per hour of waiting, one package',
    (fake.calls.length / 3).toFixed(0),
    'target <= 150',
  );
}

// ------------------------------------------------------------------ against the emulator

/** Preflight's requests to the emulator, counted apart from SageMaker's. */
const PREFLIGHT_OPERATIONS = new Set([
  'HeadBucket',
  'HeadObject',
  'ListObjectsV2',
  'DescribeImages',
  'DescribeAlgorithm',
]);

const PENDING_MS = 5_000;
const IN_PROGRESS_MS = 25_000;

/** The emulators' endpoints and the static keys every emulated run is given. */
const emulatedEnv = (sagemaker: string, github: string) => ({
  GITHUB_API_URL: github,
  AWS_ENDPOINT_URL_SAGEMAKER: sagemaker,
  AWS_ENDPOINT_URL: sagemaker,
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** `count` versioned manifests, each its own group and validation output, laid out as a monorepo. */
function monorepo(workspace: string, count: number, name = 'bench') {
  for (let i = 1; i <= count; i++) {
    mkdirSync(path.join(workspace, 'models', `p${i}`), { recursive: true });
    writeFileSync(
      path.join(workspace, 'models', `p${i}`, 'model-package.yml'),
      (VERSIONED + VALIDATION)
        .replace('fraud-detector', `${name}-${i}`)
        .replace('s3://models/out/', `s3://models/p${i}/out/`),
    );
  }
}

/** The GitHub requests by what they are to: comments and check runs created and edited, reads. */
function gitHubCalls(requests: readonly RecordedGitHubRequest[]) {
  const count = (method: string, kind: string) =>
    requests.filter((r) => r.method === method && r.path.includes(kind)).length;
  return {
    created: { comments: count('POST', '/comments'), checkRuns: count('POST', '/check-runs') },
    edited: { comments: count('PATCH', '/comments'), checkRuns: count('PATCH', '/check-runs') },
    reads: requests.filter((r) => r.method === 'GET').length,
  };
}

const describeCalls = ({ created, edited, reads }: ReturnType<typeof gitHubCalls>) =>
  `${created.comments}+${created.checkRuns} created, ${edited.comments}+${edited.checkRuns} edited, ${reads} read`;

/**
 * One pull-request run of the built action that publishes `count` versions of a monorepo
 * (models/p<i>/model-package.yml) and waits for their validation (5 s Pending, then 25 s
 * InProgress, with the transform job SageMaker runs for it), writing a comment and a
 * check run per package.
 */
async function emulatedRun(count: number) {
  const emulator = await startSageMakerEmulator({
    pendingMs: PENDING_MS,
    inProgressMs: IN_PROGRESS_MS,
    transformJobs: {},
  });
  const github = await startGitHubEmulator();
  const workspace = path.join(work, `packages-${count}`);
  monorepo(workspace, count);
  seedWorkspace(emulator, workspace);
  const reported: number[] = [];
  const start = Date.now();
  const run = await runAction({
    workspace,
    inputs: {
      manifest: 'models/*/model-package.yml',
      ...(count > 20 ? { 'max-manifests': String(count) } : {}),
      region: 'us-east-1',
      'github-token': 'ghs_writer',
    },
    event: pullRequestEvent(7),
    env: emulatedEnv(emulator.url, github.url),
    onOutput: (text) => {
      for (const line of text.split('\n'))
        if (line.endsWith('→ Completed')) reported.push(Date.now());
    },
    recordUsage: true,
  });
  const wall = (Date.now() - start) / 1000;
  const created = emulator.requests
    .filter((r) => r.operation === 'CreateModelPackage')
    .map((r) => r.at);
  const sageMaker = emulator.requests.filter((r) => !PREFLIGHT_OPERATIONS.has(r.operation));
  const gitHub = gitHubCalls(github.requests);
  await emulator.close();
  await github.close();
  if (run.code !== 0 || run.outputs.status !== 'Completed' || run.stderr) {
    throw new Error(`the emulated run failed (${run.code}):\n${run.stdout}${run.stderr}`);
  }
  const finished = Math.max(...created) + PENDING_MS + IN_PROGRESS_MS;
  return {
    wall,
    requests: sageMaker.length,
    polls: sageMaker.filter((r) => r.operation === 'BatchDescribeModelPackage').length,
    gitHub,
    delay: (Math.max(...reported) - finished) / 1000,
    megabytes: run.usage!.maxRSS / 1024,
    summaryBytes: Buffer.byteLength(run.summary),
    resultsBytes: Buffer.byteLength(run.outputs.results ?? ''),
  };
}

const one = await emulatedRun(1);
report('SageMaker requests, full run of one package (create path, 30 s)', String(one.requests));
report(
  'validation finished -> reported (30 s validation)',
  `${one.delay.toFixed(1)} s`,
  'target <= 6 s',
);
report(
  'GitHub API calls, one package (comment+check run), 3 statuses',
  describeCalls(one.gitHub),
  'target <= 1+1 created + 3+3 edited + listing',
);
const twenty = await emulatedRun(20);
report('wall time, one package', `${one.wall.toFixed(1)} s`);
report(
  'wall time, 20 packages in one run',
  `${twenty.wall.toFixed(1)} s x${(twenty.wall / one.wall).toFixed(2)}`,
  'target <= x1.30',
);
report('SageMaker requests, 20 packages', String(twenty.requests));
const hundred = await emulatedRun(100);
report(
  'wall time, 100 packages in one run (max-manifests: 100)',
  `${hundred.wall.toFixed(1)} s x${(hundred.wall / one.wall).toFixed(2)}`,
  'target <= x1.50',
);
report(
  'peak memory (RSS), 100 packages in one run / one package',
  `${hundred.megabytes.toFixed(0)} MB / ${one.megabytes.toFixed(0)} MB`,
  'target < 300 MB',
);
report(
  'SageMaker requests, 100 packages (of which batched polls)',
  `${hundred.requests} (${hundred.polls})`,
  'polls: 1 request per 100 versions',
);
report(
  'GitHub API calls, 100 packages (comments+check runs)',
  describeCalls(hundred.gitHub),
  'GitHub: 80 created/min; GITHUB_TOKEN 1,000 calls/h',
);
report(
  'job summary / results output, 100 packages',
  `${(hundred.summaryBytes / 1000).toFixed(0)} kB / ${(hundred.resultsBytes / 1000).toFixed(0)} kB`,
  'limit 1 MB each',
);

/**
 * Preflight of `count` Marketplace manifests (a model artifact, validation input and
 * output, an image each) in a dry run with credentials: the time preflight says it took,
 * from loading the S3 and ECR clients to the last answer, the median of five runs.
 */
async function preflightRun(count: number) {
  const emulator = await startSageMakerEmulator();
  const workspace = path.join(work, `preflight-${count}`);
  for (let i = 1; i <= count; i++) {
    const text = MARKETPLACE.replace('churn-predictor', `churn-${i}`).replace(
      'churn/model.tar.gz',
      `churn-${i}/model.tar.gz`,
    );
    mkdirSync(path.join(workspace, `p${i}`), { recursive: true });
    writeFileSync(path.join(workspace, `p${i}`, 'model-package.yml'), text);
  }
  seedWorkspace(emulator, workspace);
  const seconds: number[] = [];
  let checks = '';
  for (let round = 0; round < 5; round++) {
    const run = await runAction({
      workspace,
      inputs: { manifest: 'p*/model-package.yml', region: 'us-east-1', 'dry-run': 'true' },
      env: {
        AWS_ENDPOINT_URL: emulator.url,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    const said = /Preflight: (\d+) read-only checks? in ([\d.]+) s; nothing is missing/.exec(
      run.stdout,
    );
    if (run.code !== 0 || !said) {
      throw new Error(`the preflight run failed (${run.code}):\n${run.stdout}${run.stderr}`);
    }
    checks = said[1]!;
    seconds.push(Number(said[2]));
  }
  await emulator.close();
  seconds.sort((a, b) => a - b);
  return { seconds: seconds[2]!, checks };
}

for (const count of [1, 20]) {
  const { seconds, checks } = await preflightRun(count);
  report(
    `preflight, ${count} Marketplace ${count === 1 ? 'manifest' : 'manifests'} over loopback (${checks} checks)`,
    `${seconds.toFixed(1)} s`,
    'target <= 2 s',
  );
}

/** The GitHub and SageMaker requests of `mode: sync` runs, by where they went. */
function syncCalls(
  gitHub: readonly RecordedGitHubRequest[],
  sageMaker: readonly RecordedRequest[],
) {
  return {
    gitHub: `${gitHub.length} (${gitHub.filter((r) => r.method !== 'GET').length} writes)`,
    sageMaker: `${sageMaker.length} (${[...new Set(sageMaker.map((r) => r.operation))].join(', ')})`,
  };
}

const sha = (n: number, fill: string) => n.toString(16).padStart(40, fill);

/**
 * An idle `mode: sync` (nothing finished): over `count` open pull requests, each with a
 * package of its own left validating by a `wait: false` run; or (`monorepo`) over one
 * pull request whose one `wait: false` run left `count` packages validating.
 */
async function idleSync(count: number, layout: 'pull-requests' | 'monorepo') {
  const emulator = await startSageMakerEmulator({ pendingMs: 60_000, inProgressMs: 3_600_000 });
  const github = await startGitHubEmulator();
  const workspace = path.join(work, `sync-${layout}-${count}`);
  const env = emulatedEnv(emulator.url, github.url);
  github.setBranch(
    'octo-org',
    'models',
    'main',
    Array.from({ length: 30 }, (_, i) => sha(i, 'c')),
  );
  monorepo(workspace, count);
  seedWorkspace(emulator, workspace);
  const publish = async (pr: number, manifest: string) => {
    github.addPullRequest('octo-org', 'models', pr, sha(pr, 'a'));
    const run = await runAction({
      workspace,
      inputs: {
        manifest,
        'max-manifests': String(count),
        region: 'us-east-1',
        'github-token': 'ghs_writer',
        wait: 'false',
      },
      event: {
        name: 'pull_request',
        payload: { number: pr, pull_request: { number: pr, head: { sha: sha(pr, 'a') } } },
      },
      env,
    });
    if (run.code !== 0) throw new Error(`the pull request run failed:\n${run.stdout}`);
  };
  if (layout === 'monorepo') await publish(1, 'models/*/model-package.yml');
  else for (let i = 1; i <= count; i++) await publish(i, `models/p${i}/model-package.yml`);
  const gitHubBefore = github.requests.length;
  const sageMakerBefore = emulator.requests.length;
  const run = await runAction({
    workspace,
    inputs: { mode: 'sync', 'github-token': 'ghs_writer' },
    event: { name: 'schedule', payload: {} },
    env,
  });
  const calls = syncCalls(
    github.requests.slice(gitHubBefore),
    emulator.requests.slice(sageMakerBefore),
  );
  await emulator.close();
  await github.close();
  if (run.code !== 0 || run.outputs.status !== 'InProgress' || run.stderr) {
    throw new Error(`the sync failed (${run.code}):\n${run.stdout}${run.stderr}`);
  }
  return calls;
}

const sync = await idleSync(20, 'pull-requests');
report(
  'GitHub API calls, idle sync over 20 open pull requests',
  sync.gitHub,
  'target <= a few dozen',
);
report('SageMaker calls, idle sync over 20 packages', sync.sageMaker, 'target <= 1 per package');
const monorepoSync = await idleSync(100, 'monorepo');
report(
  'GitHub API calls, idle sync over 100 packages of one PR',
  monorepoSync.gitHub,
  'target <= a few dozen',
);
report(
  'SageMaker calls, idle sync over 100 packages',
  monorepoSync.sageMaker,
  'target about 1 per 100 versions',
);

/**
 * A dispatched `mode: sync` (a `repository_dispatch` event naming one package, as
 * SageMaker's event sends it through EventBridge): a pull request's `wait: false` run
 * leaves its package validating; once validation has ended on the emulator (its clock
 * is moved on, so nothing waits for it), the dispatched run concludes the check run.
 * Its GitHub and SageMaker requests, and the time from spawning it to the GitHub
 * emulator receiving the PATCH that completes the check run; `rounds` times, each with
 * a package and a pull request of its own.
 */
async function dispatchedSync(rounds: number) {
  let now = Date.now();
  const emulator = await startSageMakerEmulator({
    now: () => now,
    pendingMs: 1_000,
    inProgressMs: 1_000,
  });
  const github = await startGitHubEmulator();
  const env = emulatedEnv(emulator.url, github.url);
  const samples: { gitHub: number; sageMaker: number; concludedMs: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const workspace = path.join(work, `dispatch-${round}`);
    monorepo(workspace, 1, `dispatch-${round}`);
    seedWorkspace(emulator, workspace);
    const head = sha(round, 'd');
    github.addPullRequest('octo-org', 'models', round, head);
    const published = await runAction({
      workspace,
      inputs: {
        manifest: 'models/*/model-package.yml',
        region: 'us-east-1',
        'github-token': 'ghs_writer',
        wait: 'false',
      },
      event: {
        name: 'pull_request',
        payload: { number: round, pull_request: { number: round, head: { sha: head } } },
      },
      env,
    });
    if (published.code !== 0 || published.outputs.status !== 'InProgress') {
      throw new Error(`the pull request run failed:\n${published.stdout}${published.stderr}`);
    }
    const arn = published.outputs['model-package-arn']!;
    now += 2_000;
    const gitHubBefore = github.requests.length;
    const sageMakerBefore = emulator.requests.length;
    const start = Date.now();
    const run = await runAction({
      workspace,
      inputs: { mode: 'sync', 'github-token': 'ghs_writer' },
      event: {
        name: 'repository_dispatch',
        payload: { action: 'sagemaker-model-package', client_payload: { arn } },
      },
      env,
    });
    const gitHub = github.requests.slice(gitHubBefore);
    const concluded = gitHub.find(
      (r) =>
        r.method === 'PATCH' &&
        r.path.includes('/check-runs/') &&
        (r.body as { status?: string }).status === 'completed',
    );
    if (run.code !== 0 || run.outputs.status !== 'Completed' || run.stderr || !concluded) {
      throw new Error(`the dispatched sync failed (${run.code}):\n${run.stdout}${run.stderr}`);
    }
    samples.push({
      gitHub: gitHub.length,
      sageMaker: emulator.requests.length - sageMakerBefore,
      concludedMs: concluded.at - start,
    });
  }
  await emulator.close();
  await github.close();
  return {
    gitHub: Math.max(...samples.map((s) => s.gitHub)),
    sageMaker: Math.max(...samples.map((s) => s.sageMaker)),
    concludedMs: median(samples.map((s) => s.concludedMs)),
  };
}

const dispatched = await dispatchedSync(5);
report('GitHub API calls per dispatched sync run', String(dispatched.gitHub), 'target <= 6');
report('SageMaker calls per dispatched sync run', String(dispatched.sageMaker), 'target <= 2');
report(
  'dispatched run started -> check run concluded (median of 5)',
  `${(dispatched.concludedMs / 1000).toFixed(2)} s`,
  'target <= 5 s',
);

// ------------------------------------------------------------------ role-to-assume

{
  // A validation of about 20 s with credentials that live 4 s and OIDC tokens that live
  // 3 s: five lifetimes of credentials, with no AWS key in the environment.
  const emulator = await startSageMakerEmulator({
    pendingMs: 500,
    inProgressMs: 20_000,
    sts: { maxLifetimeMs: 4_000 },
  });
  const github = await startGitHubEmulator({ idToken: { lifetimeMs: 3_000 } });
  const workspace = path.join(work, 'role');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'model-package.yml'), VERSIONED);
  seedArtifacts(emulator, VERSIONED);
  const run = await runAction({
    workspace,
    inputs: {
      region: 'us-east-1',
      'role-to-assume': 'arn:aws:iam::123456789012:role/model-publisher',
      'role-duration-seconds': '900',
    },
    env: {
      AWS_ENDPOINT_URL_SAGEMAKER: emulator.url,
      AWS_ENDPOINT_URL_STS: emulator.url,
      AWS_ENDPOINT_URL: emulator.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...github.idTokenEnv,
    },
  });
  const sts = emulator.requests.filter((r) => r.operation === 'AssumeRoleWithWebIdentity');
  const sageMaker = emulator.requests.filter(
    (r) => r.operation !== 'AssumeRoleWithWebIdentity' && !PREFLIGHT_OPERATIONS.has(r.operation),
  );
  const refused = emulator.requests.filter((r) => r.refused).length;
  await emulator.close();
  await github.close();
  if (run.code !== 0 || run.outputs.status !== 'Completed') {
    throw new Error(`the role-to-assume run failed (${run.code}):\n${run.stdout}${run.stderr}`);
  }
  report(
    'role-to-assume, 20 s validation, 4 s credentials: STS calls',
    `${sts.length} (${sageMaker.length} SageMaker requests)`,
  );
  report('requests refused for expired credentials', String(refused), 'target 0');
}

// ------------------------------------------------------------------ plan

{
  /** A request of about `bytes`: 15 containers of 100 environment variables. */
  const big = (bytes: number, seed: string): ModelPackageManifest => {
    const value = (i: number) => `${seed}-${i}-`.padEnd(Math.floor(bytes / 1500), 'v');
    return {
      ModelPackageGroupName: 'big',
      InferenceSpecification: {
        Containers: Array.from({ length: 15 }, (_, c) => ({
          Image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/big:${seed}`,
          Environment: Object.fromEntries(
            Array.from({ length: 100 }, (_, i) => [`VAR_${i}`, value(c * 100 + i)]),
          ),
        })),
        SupportedTransformInstanceTypes: ['ml.m5.xlarge'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.xlarge'],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
    } as ModelPackageManifest;
  };
  const request = big(1024 * 1024, 'new');
  const live = big(1024 * 1024, 'old');
  const sizeOfRequest = Buffer.byteLength(JSON.stringify(request));

  // 20 versions of a group (the search's worst case), the oldest Approved in Production.
  const registry = async (count: number, compareTo: CompareTo) => {
    const sagemaker = fakeSageMaker();
    await sagemaker.api.createModelPackageGroup({ ModelPackageGroupName: 'big' });
    for (let i = 0; i < count; i++) {
      const version = i === 0 ? live : { ...live, ModelPackageDescription: `v${i}` };
      await sagemaker.api.createModelPackage({
        ...(version as CreateModelPackageInput),
        ...(i === 0
          ? {
              ModelApprovalStatus: 'Approved',
              ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
            }
          : {}),
      });
      sagemaker.clock.t += 1000;
    }
    sagemaker.calls.length = 0;
    await findExisting(request, sagemaker.api);
    const search = sagemaker.calls.length;
    sagemaker.calls.length = 0;
    const started = performance.now();
    await planManifest(request, { api: sagemaker.api, compareTo, manifestKey: 'k' });
    return { reads: sagemaker.calls.length - search, ms: performance.now() - started };
  };
  for (const [name, compareTo] of [
    ['approved', { kind: 'approved' }],
    ['latest', { kind: 'latest' }],
    ['stage:Production', { kind: 'stage', stage: 'Production' }],
  ] as [string, CompareTo][]) {
    const { reads } = await registry(20, compareTo);
    report(
      `plan reads beyond the search, compare-to ${name} (20 versions)`,
      String(reads),
      'target <= 3',
    );
  }
  {
    const sagemaker = fakeSageMaker();
    const unversioned = { ...request, ModelPackageGroupName: undefined, ModelPackageName: 'big' };
    sagemaker.calls.length = 0;
    await findExisting(unversioned, sagemaker.api);
    const search = sagemaker.calls.length;
    sagemaker.calls.length = 0;
    await planManifest(unversioned, {
      api: sagemaker.api,
      compareTo: { kind: 'approved' },
      manifestKey: 'k',
    });
    report(
      'plan reads beyond the search, unversioned package',
      String(sagemaker.calls.length - search),
      'target <= 3',
    );
  }
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const { changes, omitted } = differences(request, live as never);
    times.push(performance.now() - started);
    if (changes.length + omitted < 1500) throw new Error('the plan missed changes');
  }
  report(
    `plan of a ${(sizeOfRequest / 1024 / 1024).toFixed(2)} MiB request against a 1 MiB live version`,
    ms(median(times) / 1000),
    'target about 1 s',
  );
  const whole = await registry(1, { kind: 'approved' });
  report(
    'the same, with the search and the live version (in-memory SageMaker)',
    ms(whole.ms / 1000),
  );
}

// ------------------------------------------------------------------ listing

/**
 * One package published with `marketplace: apply`: validation (5 s + 5 s) then a change set
 * that prepares for 10 s and applies for 20 s, both on real time. The Catalog API's
 * requests by kind, and the time from the end of validation to StartChangeSet.
 */
{
  const PENDING = 5_000;
  const IN_PROGRESS = 5_000;
  const emulator = await startSageMakerEmulator({ pendingMs: PENDING, inProgressMs: IN_PROGRESS });
  const marketplace = await startMarketplaceEmulator({ preparingMs: 10_000, applyingMs: 20_000 });
  marketplace.seedProduct({ id: 'prod-abcdefgh12345', title: 'Churn predictor', versions: [] });
  const workspace = path.join(work, 'listing');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'model-package.yml'), MARKETPLACE);
  writeFileSync(
    path.join(workspace, 'marketplace-listing.yml'),
    readFileSync(path.join(root, 'examples/marketplace/marketplace-listing.yml'), 'utf8').replace(
      '${{ github.ref_name }}',
      'v2.0.0',
    ),
  );
  seedWorkspace(emulator, workspace);
  const run = await runAction({
    workspace,
    inputs: { region: 'us-east-1', marketplace: 'apply', 'check-run': 'false', comment: 'off' },
    env: {
      AWS_ENDPOINT_URL: emulator.url,
      AWS_ENDPOINT_URL_MARKETPLACE_CATALOG: marketplace.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  const counts = marketplace.counts();
  const created = emulator.requests.find((r) => r.operation === 'CreateModelPackage')!.at;
  const started = marketplace.requests.find((r) => r.operation === 'StartChangeSet')?.at;
  await emulator.close();
  await marketplace.close();
  if (run.code !== 0 || !started) {
    throw new Error(`the listing run failed (${run.code}):\n${run.stdout}${run.stderr}`);
  }
  const reads = (counts.DescribeEntity ?? 0) + (counts.ListChangeSets ?? 0);
  report(
    'Catalog API requests per listing (30 s change set): reads before / writes / polls',
    `${reads} / ${counts.StartChangeSet ?? 0} / ${counts.DescribeChangeSet ?? 0}`,
    'target: 1 write',
  );
  report(
    'validation completed -> change set started',
    `${((started - (created + PENDING + IN_PROGRESS)) / 1000).toFixed(1)} s`,
    'target <= 5 s',
  );
}

rmSync(work, { recursive: true, force: true });
