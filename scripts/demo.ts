/**
 * npm run demo: the built action, as the runner starts it, against the project's SageMaker
 * and GitHub emulators started in this process, on a pull request of a repository that
 * holds examples/ and one broken manifest. In order:
 *   1. an invalid manifest: every problem at once, at its line and column;
 *   2. a dry run: the request a manifest resolves to;
 *   3. a validation that fails, and why (the transform job, its error and its log);
 *   4. a pull request gated by a check run: `wait: false`, then a scheduled `mode: sync`
 *      run concludes it once validation ended;
 *   5. a run on the same manifests: the packages are reused;
 *   6. a new commit on the pull request, once someone approved version 1 in SageMaker
 *      Studio and moved it to Production: the plan against that live version (the image
 *      moved, an instance type added), a new version moved to Staging once validated;
 *   7. a commit that only edits the model card: that version updated in place, nothing
 *      validated again;
 *   8. AWS Marketplace: a fixed churn model's pull request checks its listing file against
 *      the product ('marketplace: check'); the release ('mode: verify', 'marketplace:
 *      apply') adds the validated package to the product as a new version, against the
 *      project's AWS Marketplace Catalog API emulator; a re-run submits nothing;
 *   9. SageMaker's own events: a pull request's run with `wait: false`; the event that
 *      EventBridge sends when validation ends, as a `repository_dispatch`, concludes its
 *      check run and comment; an approval in SageMaker Studio, another event, updates
 *      them; the release on approval verifies that package ('model-package-arn',
 *      'require-approval') for a deployment step.
 * Each run's log is printed as the runner shows it (masked values as ***), and the
 * pull-request comment as it reads on GitHub.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { runAction, type ActionRun } from '../__tests__/harness/dist-action.js';
import { startGitHubEmulator } from '../__tests__/harness/github-emulator.js';
import { startMarketplaceEmulator } from '../__tests__/harness/marketplace-emulator.js';
import { startSageMakerEmulator } from '../__tests__/harness/sagemaker-emulator.js';
import { seedWorkspace } from '../__tests__/harness/storage-emulator.js';
import { readable, RunnerView } from './terminal-view.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
const rule = (title: string) =>
  console.log(
    `\n${bold(`${'━'.repeat(4)} ${title} ${'━'.repeat(Math.max(2, 76 - title.length))}`)}`,
  );
const note = (text: string) => console.log(`\n  ${text}`);

/** A repository: the examples, and a manifest with several mistakes. */
const workspace = mkdtempSync(path.join(tmpdir(), 'smp-demo-'));
cpSync(path.join(root, 'examples'), path.join(workspace, 'examples'), { recursive: true });
mkdirSync(path.join(workspace, 'models', 'broken'), { recursive: true });
writeFileSync(
  path.join(workspace, 'models', 'broken', 'model-package.yml'),
  [
    'ModelPackageName: churn_predictor',
    'CertifyForMarketplace: true',
    'InferenceSpecification:',
    '  Containers:',
    '    - Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:${{ github.sha }}',
    '      ModelDataUrl: s3://example-models/churn/model.tar.gz',
    '  SupportedTransformInstanceTypes: [ml.m5.large]',
    '  SupportedRealtimeInstanceTypes: [ml.m5.large]',
    '  SupportedContentTypes: [text/csv]',
    'ModelPackageDescription: ${{ secrets.AWS_SECRET_ACCESS_KEY }}',
    '',
  ].join('\n'),
);

// A failed validation runs its transform job among other jobs of the account, as on AWS.
const emulator = await startSageMakerEmulator({
  pendingMs: 2_000,
  inProgressMs: 4_000,
  transformJobs: { noiseJobs: 6 },
});
const github = await startGitHubEmulator();
// AWS Marketplace: the seller's machine-learning product, with its first version.
const marketplace = await startMarketplaceEmulator({ preparingMs: 2_000, applyingMs: 3_000 });
marketplace.seedProduct({
  id: 'prod-abcdefgh12345',
  title: 'Churn predictor',
  versions: [
    {
      title: 'v1.0.0',
      modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor-v1',
    },
  ],
});
// The examples' model artifacts, validation data and images, for preflight to find.
seedWorkspace(emulator, path.join(root, 'examples'));
const PR = 42;
const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface';
github.addPullRequest('octo-org', 'models', PR, HEAD);
github.setBranch('octo-org', 'models', 'main', ['0123456789abcdef0123456789abcdef01234567']);

async function run(
  title: string,
  { event: eventName = 'pull_request', sha, ref, dispatch, ...inputs }: Record<string, string>,
): Promise<ActionRun> {
  rule(title);
  const view = new RunnerView();
  const result = await runAction({
    workspace,
    inputs: { region: 'us-east-1', 'github-token': 'ghs_writer', ...inputs },
    env: {
      GITHUB_API_URL: github.url,
      AWS_ENDPOINT_URL: emulator.url,
      AWS_ENDPOINT_URL_SAGEMAKER: emulator.url,
      AWS_ENDPOINT_URL_MARKETPLACE_CATALOG: marketplace.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'demo-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(sha ? { GITHUB_SHA: sha } : {}),
      GITHUB_REF_NAME: ref ?? `${PR}/merge`,
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
        : {
            name: eventName,
            payload: {
              repository: { full_name: 'octo-org/models' },
              // What the events template's input transformer sends (iam/sagemaker-events-to-github.yml).
              ...(dispatch
                ? { action: 'sagemaker-model-package', client_payload: JSON.parse(dispatch) }
                : {}),
            },
          },
    onOutput: (text) => process.stdout.write(view.push(text)),
  });
  process.stdout.write(view.end());
  console.log(
    `\n  exit code ${result.code}; status=${result.outputs.status ?? ''}; failure-reason=${result.outputs['failure-reason'] ?? ''}`,
  );
  return result;
}

function showComment(manifest: string): void {
  const marker = `manifest=${encodeURIComponent(manifest)}`;
  const comment = github
    .comments('octo-org', 'models', PR)
    .filter((c) => c.body.split('\n', 1)[0]!.includes(marker))
    .at(-1);
  rule(`the pull-request comment for ${manifest}, as it reads`);
  console.log(comment ? readable(comment.body) : '(none)');
}

function showCheckRuns(when: string): void {
  rule(`check runs on the pull request's head commit, ${when}`);
  for (const check of github.checkRuns('octo-org', 'models', HEAD)) {
    console.log(
      `  ${check.name}: ${check.status}${check.conclusion ? ` → ${check.conclusion}` : ''}`,
    );
  }
}

/** Someone approves a version in SageMaker Studio and moves it to Production. */
async function approveInStudio(arn: string): Promise<void> {
  const studio = new SageMakerClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTUDIOPERSON', secretAccessKey: 'demo-secret' },
  });
  try {
    await studio.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: arn,
        ModelApprovalStatus: 'Approved',
        ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
      }),
    );
  } finally {
    studio.destroy();
  }
}

/** The part of a dry run's job summary that shows the request of `manifest`. */
function requestOf(summary: string, manifest: string): string {
  const section = summary.split(/\n(?=### )/).find((s) => s.includes(manifest)) ?? summary;
  const block = /```[a-z]*\n([\s\S]*?)\n```/.exec(section);
  return block ? block[1]! : readable(section);
}

const codes: (number | null)[] = [];
try {
  const invalid = await run('1. an invalid manifest: every problem at once, before any AWS call', {
    manifest: 'models/broken/model-package.yml',
  });
  codes.push(invalid.code === 1 ? 0 : 1);

  const dry = await run(
    '2. a dry run: what each manifest would send; read-only checks, nothing created',
    {
      manifest: 'examples/*/model-package.yml',
      'dry-run': 'true',
    },
  );
  rule('the request examples/registry/model-package.yml resolves to (from the job summary)');
  console.log(requestOf(dry.summary, 'examples/registry/model-package.yml'));
  codes.push(dry.code);

  emulator.setOutcome('churn-predictor', {
    status: 'Failed',
    failureReason:
      'ClientError: Validation failed for profile churn-sample-batch. See job logs for more information.',
  });
  const failed = await run('3. a validation that fails, and why', {
    manifest: 'examples/marketplace/model-package.yml',
  });
  showComment('examples/marketplace/model-package.yml');
  codes.push(failed.code === 1 ? 0 : 1);

  const first = await run(
    "4. a pull request gated by its check run: 'wait: false' creates and leaves it in progress",
    { manifest: 'examples/registry/model-package.yml', wait: 'false' },
  );
  showCheckRuns('after the pull request run');
  note('SageMaker validates for about 6 s; a scheduled sync run comes later.');
  await new Promise((resolve) => setTimeout(resolve, 7_000));
  const synced = await run("   a scheduled run with 'mode: sync' concludes it", {
    mode: 'sync',
    event: 'schedule',
  });
  showCheckRuns('after the sync run');
  showComment('examples/registry/model-package.yml');
  codes.push(first.code, synced.code);

  const again = await run('5. the same manifest again: the package is reused', {
    manifest: 'examples/registry/model-package.yml',
  });
  codes.push(again.code);

  await approveInStudio(again.outputs['model-package-arn'] ?? '');
  note('In SageMaker Studio, someone approved version 1 and moved it to stage Production.');
  const registry = path.join(workspace, 'examples', 'registry', 'model-package.yml');
  const text = readFileSync(registry, 'utf8');
  writeFileSync(
    registry,
    text.replace('    - ml.g5.xlarge\n', '    - ml.g5.xlarge\n    - ml.g5.2xlarge\n'),
  );
  const NEXT = 'c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff';
  seedWorkspace(emulator, path.join(workspace, 'examples'), { GITHUB_SHA: NEXT });
  const planned = await run(
    "6. a new commit: the plan against the live version, and 'stage-on-success: Staging'",
    { manifest: 'examples/registry/model-package.yml', sha: NEXT, 'stage-on-success': 'Staging' },
  );
  showComment('examples/registry/model-package.yml');
  codes.push(planned.code);

  writeFileSync(
    registry,
    readFileSync(registry, 'utf8').replace('risk_rating: Medium', 'risk_rating: High'),
  );
  const edited = await run('7. a commit that only edits the model card: updated in place', {
    manifest: 'examples/registry/model-package.yml',
    sha: NEXT,
  });
  showComment('examples/registry/model-package.yml');
  codes.push(edited.code);

  // A fixed churn model: a new package, validated, then listed by the release.
  const churn = path.join(workspace, 'examples', 'marketplace', 'model-package.yml');
  writeFileSync(
    churn,
    readFileSync(churn, 'utf8').replace(
      'ModelPackageName: churn-predictor',
      'ModelPackageName: churn-predictor-v2',
    ),
  );
  const checked = await run(
    "8. AWS Marketplace: the pull request checks the listing file against the product ('marketplace: check')",
    { manifest: 'examples/marketplace/model-package.yml', marketplace: 'check' },
  );
  showComment('examples/marketplace/model-package.yml');
  codes.push(checked.code);
  const released = await run(
    "   the release: 'mode: verify' with 'marketplace: apply' adds the package as version v2.0.0",
    {
      manifest: 'examples/marketplace/model-package.yml',
      mode: 'verify',
      marketplace: 'apply',
      event: 'release',
      ref: 'v2.0.0',
    },
  );
  rule("the listing in the release run's job summary");
  const listingSection = released.summary.split(/\n(?=#+ )/).filter((s) => /Marketplace/.test(s));
  console.log(readable(listingSection.join('\n') || released.summary));
  note(`listing-change-set-id=${released.outputs['listing-change-set-id'] ?? ''}`);
  codes.push(released.code);
  const rerun = await run('   the release job re-run: the version is there, nothing is submitted', {
    manifest: 'examples/marketplace/model-package.yml',
    mode: 'verify',
    marketplace: 'apply',
    event: 'release',
    ref: 'v2.0.0',
  });
  codes.push(rerun.code);
  rule(
    `AWS Marketplace: the product's versions: ${marketplace
      .product('prod-abcdefgh12345')!
      .versions.map((v) => v.title)
      .join(', ')}; requests: ${JSON.stringify(marketplace.counts())}`,
  );

  // SageMaker's own events: no runner waits, no schedule.
  writeFileSync(
    registry,
    readFileSync(registry, 'utf8').replace(
      '    - ml.g5.2xlarge\n',
      '    - ml.g5.2xlarge\n    - ml.g5.4xlarge\n',
    ),
  );
  const waiting = await run(
    "9. SageMaker's events, no waiting runner: the pull request's run with 'wait: false'",
    { manifest: 'examples/registry/model-package.yml', sha: NEXT, wait: 'false' },
  );
  codes.push(waiting.code);
  const arn = waiting.outputs['model-package-arn'] ?? '';
  const event = (approval: string, stage = '') =>
    JSON.stringify({
      arn,
      name: '',
      group: 'fraud-detector',
      version: waiting.outputs['model-package-version'] ?? '',
      status: 'Completed',
      approval,
      stage,
      stage_status: stage ? 'Approved' : '',
    });
  note(
    'SageMaker validates; when it ends, EventBridge sends its event to GitHub as a repository_dispatch.',
  );
  await new Promise((resolve) => setTimeout(resolve, 7_000));
  const started = Date.now();
  const dispatched = await run(
    "   the dispatched run ('mode: sync' on repository_dispatch): that one package, described again",
    { mode: 'sync', event: 'repository_dispatch', dispatch: event('PendingManualApproval') },
  );
  note(`Dispatched run: ${((Date.now() - started) / 1000).toFixed(1)} s from start to end.`);
  showCheckRuns('after the dispatched run');
  codes.push(dispatched.code);
  await approveInStudio(arn);
  note(
    `In SageMaker Studio, someone approved version ${waiting.outputs['model-package-version'] ?? ''} and moved it to Production: another event.`,
  );
  const approvedRun = await run(
    '   the dispatched run updates the concluded check run and the comment',
    { mode: 'sync', event: 'repository_dispatch', dispatch: event('Approved', 'Production') },
  );
  showComment('examples/registry/model-package.yml');
  codes.push(approvedRun.code);
  const deploy = await run(
    "   the release on approval: 'mode: verify', 'require-approval', 'model-package-arn' from the event",
    {
      manifest: 'examples/*/model-package.yml',
      mode: 'verify',
      'require-approval': 'true',
      'model-package-arn': arn,
      event: 'repository_dispatch',
      dispatch: event('Approved', 'Production'),
      sha: NEXT,
      ref: 'main',
    },
  );
  note(`A deployment step gets model-package-arn=${deploy.outputs['model-package-arn'] ?? ''}.`);
  codes.push(deploy.code);

  rule(`AWS requests the emulator answered: ${JSON.stringify(emulator.counts())}`);
  const writes = (method: string, kind: RegExp) =>
    github.requests.filter((r) => r.method === method && kind.test(r.path)).length;
  const [commentPaths, checkRunPaths] = [/\/comments/, /\/check-runs/];
  console.log(
    `  GitHub API: comments ${writes('POST', commentPaths)} created, ${writes('PATCH', commentPaths)} edited; check runs ${writes('POST', checkRunPaths)} created, ${writes('PATCH', checkRunPaths)} updated`,
  );
  process.exitCode = codes.find((code) => code !== 0) ?? 0;
} finally {
  await emulator.close();
  await github.close();
  await marketplace.close();
  rmSync(workspace, { recursive: true, force: true });
}
