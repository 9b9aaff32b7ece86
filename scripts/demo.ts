/**
 * npm run demo: the built action on examples/, as the runner would start it, against the
 * project's SageMaker and GitHub emulators started in this process: a dry run; a pull
 * request run that creates the packages and leaves their check runs in progress
 * ('wait: false'); a scheduled 'mode: sync' run that concludes them once the simulated
 * validation ended; and a run that reuses the packages. Prints the log, the job summary
 * and the outputs, and the pull-request comment and check runs the emulator received.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAction, type ActionRun } from '../__tests__/harness/dist-action.js';
import { startGitHubEmulator } from '../__tests__/harness/github-emulator.js';
import { startSageMakerEmulator } from '../__tests__/harness/sagemaker-emulator.js';
import { seedWorkspace } from '../__tests__/harness/storage-emulator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const rule = (title: string) =>
  console.log(`\n${'─'.repeat(8)} ${title} ${'─'.repeat(Math.max(0, 64 - title.length))}`);

const emulator = await startSageMakerEmulator({ pendingMs: 2_000, inProgressMs: 4_000 });
const github = await startGitHubEmulator();
// The examples' model artifacts, validation data and images, for preflight to find.
seedWorkspace(emulator, path.join(root, 'examples'));
const PR = 42;
const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface';
const run = (
  title: string,
  { event: eventName = 'pull_request', ...inputs }: Record<string, string>,
): Promise<ActionRun> => {
  rule(title);
  return runAction({
    workspace: root,
    inputs: {
      manifest: 'examples/*/model-package.yml',
      region: 'us-east-1',
      'github-token': 'ghs_writer',
      ...inputs,
    },
    env: {
      GITHUB_API_URL: github.url,
      AWS_ENDPOINT_URL_SAGEMAKER: emulator.url,
      AWS_ENDPOINT_URL: emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'demo-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    event:
      eventName === 'pull_request'
        ? {
            name: 'pull_request',
            payload: {
              number: PR,
              pull_request: { number: PR, head: { sha: HEAD } },
              repository: { full_name: 'octo-org/models' },
            },
          }
        : { name: eventName, payload: { repository: { full_name: 'octo-org/models' } } },
    onOutput: (text) => process.stdout.write(text),
  });
};

function showCheckRuns(when: string): void {
  const checks = github.checkRuns('octo-org', 'models', HEAD);
  rule(`check runs on the pull request's head commit, ${when}`);
  for (const check of checks) {
    console.log(`${check.name}: ${check.status} ${check.conclusion ?? ''}`);
  }
}

function show(result: ActionRun): void {
  rule(`exit code ${result.code}; job summary (GITHUB_STEP_SUMMARY)`);
  console.log(result.summary);
  rule('outputs (GITHUB_OUTPUT)');
  for (const [name, value] of Object.entries(result.outputs)) {
    console.log(`${name}=${value.length > 200 ? `${value.slice(0, 200)}…` : value}`);
  }
}

try {
  const dry = await run('dry run: the requests the manifests resolve to', { 'dry-run': 'true' });
  console.log(`(dry run: exit code ${dry.code}; its summary lists each request)`);
  // A pull request gated by check runs, with no runner waiting for hours.
  github.addPullRequest('octo-org', 'models', PR, HEAD);
  const first = await run(
    'pull request run with wait: false: the packages are created, their check runs stay in progress',
    { wait: 'false' },
  );
  showCheckRuns('after the pull request run');
  console.log('\n(SageMaker validates for about 6 s; a scheduled sync run comes later)');
  await new Promise((resolve) => setTimeout(resolve, 7_000));
  const synced = await run('scheduled run with mode: sync: concludes the check runs', {
    mode: 'sync',
    event: 'schedule',
  });
  showCheckRuns('after the sync run');
  const second = await run('second run, same manifests: the packages are reused', {});
  show(second);
  const comments = github.comments('octo-org', 'models', PR);
  rule(`pull request #${PR}: ${comments.length} comments, one per manifest, edited in place`);
  console.log(comments[comments.length - 1]?.body ?? '(none)');
  rule(`SageMaker requests: ${JSON.stringify(emulator.counts())}`);
  const writes = (method: string, kind: RegExp) =>
    github.requests.filter((r) => r.method === method && kind.test(r.path)).length;
  const [commentPaths, checkRunPaths] = [/\/comments/, /\/check-runs/];
  rule(
    `GitHub API: comments ${writes('POST', commentPaths)} created, ${writes('PATCH', commentPaths)} edited; check runs ${writes('POST', checkRunPaths)} created, ${writes('PATCH', checkRunPaths)} updated`,
  );
  process.exitCode = first.code || synced.code || second.code || dry.code || 0;
} finally {
  await emulator.close();
  await github.close();
}
