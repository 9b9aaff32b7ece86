import { describe, expect, it } from '@jest/globals';
import { emptyResult, type PackageResult } from '../src/results.js';
import { MAX_STATE_CHARACTERS, readState, stateLine } from '../src/report/check-run-state.js';
import { checkRunOf } from '../src/report/check-runs.js';
import { commentMarker } from '../src/report/comment-marker.js';
import type { ListedCheckRun, SyncClient } from '../src/sync/github.js';
import type { CheckRunClient } from '../src/report/github-checks.js';
import type { CommentClient } from '../src/report/github-comments.js';
import { Reporter } from '../src/report/reporter.js';
import { collectOpenPackages, type SyncOptions } from '../src/sync/sync.js';
import { silentLog } from '../src/runner/port.js';
import { fakeCheckRuns } from './harness/fake-check-runs.js';
import { fakeComments } from './harness/fake-comments.js';
import { fakeSageMaker, type FakeSageMaker } from './harness/fake-sagemaker.js';
import { memoryRunner } from './harness/memory-runner.js';
import { RUN_URL, runContext } from './harness/run-context.js';

const REPO = { owner: 'octo-org', repo: 'models' };
const ACCOUNT = 'arn:aws:sagemaker:us-east-1:123456789012:model-package';
const sha = (n: number) => n.toString(16).padStart(40, 'a');
const versionArn = (v: number) => `${ACCOUNT}/fraud/${v}`;

function pending(manifest: string, arn: string): PackageResult {
  const versioned = /\/\d+$/.test(arn);
  return {
    ...emptyResult(manifest, 'InProgress'),
    arn,
    region: 'us-east-1',
    name: versioned ? null : arn.slice(arn.lastIndexOf('/') + 1),
    group: versioned ? 'fraud' : null,
    version: versioned ? Number(arn.slice(arn.lastIndexOf('/') + 1)) : null,
    links: { run: RUN_URL },
  };
}

/** GitHub as a sync reads it: open pull requests, the default branch, check runs by commit. */
function fakeGitHub(pulls: number, open: Map<string, ListedCheckRun[]>) {
  const calls: string[] = [];
  const client: SyncClient = {
    async openPullRequests() {
      calls.push('pulls');
      return Array.from({ length: pulls }, (_, i) => ({ number: i + 1, headSha: sha(i + 1) }));
    },
    async defaultBranch() {
      calls.push('repo');
      return 'main';
    },
    async recentCommits(_repo, branch, count) {
      calls.push(`commits ${branch} ${count}`);
      return Array.from({ length: count }, (_, i) => sha(1000 + i));
    },
    async inProgressCheckRuns(_repo, ref) {
      calls.push(`check-runs ${ref}`);
      return open.get(ref) ?? [];
    },
  };
  return { client, calls };
}

/** A check run left in progress by a pull request's run that did not wait. */
function leftOpen(id: number, headSha: string, result: PackageResult, pr: number): ListedCheckRun {
  const fields = checkRunOf(result, true, {
    runUrl: RUN_URL,
    headSha,
    waits: false,
    commit: sha(99),
    syncedPullRequest: pr,
  })!;
  return {
    id,
    name: fields.name,
    head_sha: headSha,
    external_id: fields.external_id!,
    output: { summary: fields.output.summary },
  };
}

describe('check run state', () => {
  it('reads back what it wrote, and nothing from a summary without it', () => {
    const result = {
      ...pending('models/fraud.yml', versionArn(3)),
      validation: [{ name: 'smoke', status: 'InProgress', failureReason: null }],
    };
    const line = stateLine({ result, label: 'gpu', runUrl: RUN_URL, pullRequest: 7 });
    expect(line.indexOf('-->')).toBe(line.length - 3);
    const state = readState(`⏳ headline\n\n${line}\n`);
    expect(state).toEqual({
      result: { ...result, validation: [] },
      label: 'gpu',
      runUrl: RUN_URL,
      pullRequest: 7,
    });
    expect(readState('⏳ headline')).toBeUndefined();
    expect(readState(`${line}\nmore`)).toBeUndefined();
    expect(readState(line.replace('state=', 'state=x'))).toBeUndefined();
  });

  it('stays within its bound whatever the plan holds: a brief plan, then none', () => {
    const change = (i: number, size: number) => ({
      path: `CustomerMetadataProperties.k${i}`,
      change: 'changed' as const,
      old: '\u0001'.repeat(size),
      new: '|'.repeat(size),
      metadata: true,
    });
    const planned = (size: number) => ({
      ...pending('models/fraud.yml', versionArn(3)),
      plan: {
        compareTo: 'approved',
        live: null,
        note: null,
        changes: Array.from({ length: 100 }, (_, i) => change(i, size)),
        changesOmitted: 0,
        cost: 'in-place' as const,
        package: null,
        inPlace: [],
        notes: [],
      },
    });
    const brief = readState(stateLine({ result: planned(200) }))!;
    expect(stateLine({ result: planned(200) }).length).toBeLessThanOrEqual(MAX_STATE_CHARACTERS);
    expect(brief.result.plan).toMatchObject({ changesOmitted: 90 });
    expect(brief.result.plan!.changes).toHaveLength(10);
    const none = readState(stateLine({ result: planned(3000) }))!;
    expect(stateLine({ result: planned(3000) }).length).toBeLessThanOrEqual(MAX_STATE_CHARACTERS);
    expect(none.result).toMatchObject({ manifest: 'models/fraud.yml', arn: versionArn(3) });
    expect(none.result.plan).toBeUndefined();
  });
});

describe('syncReports', () => {
  /** 150 versions and one unversioned package, on the heads of 20 pull requests. */
  function setUp(finished: (arn: string) => 'Completed' | 'Failed' | undefined) {
    const sagemaker: FakeSageMaker = fakeSageMaker();
    const open = new Map<string, ListedCheckRun[]>();
    const arns = [...Array.from({ length: 150 }, (_, i) => versionArn(i + 1)), `${ACCOUNT}/churn`];
    arns.forEach((arn, i) => {
      const end = finished(arn);
      sagemaker.add(
        arn,
        end
          ? [
              [0, 'InProgress'],
              [1000, end],
            ]
          : [[0, 'InProgress']],
      );
      const pr = (i % 20) + 1;
      const runs = open.get(sha(pr)) ?? [];
      runs.push(leftOpen(i + 1, sha(pr), pending(`m${i}/model-package.yml`, arn), pr));
      open.set(sha(pr), runs);
    });
    // Not ours, or from a version that did not leave its state: left alone.
    open.get(sha(1))!.push(
      { id: 900, name: 'build', head_sha: sha(1), external_id: null, output: { summary: '' } },
      {
        id: 901,
        name: 'SageMaker validation: old',
        head_sha: sha(1),
        external_id: versionArn(1),
        output: { summary: '⏳ validating' },
      },
    );
    sagemaker.clock.t = 5000;
    const github = fakeGitHub(20, open);
    const checks = fakeCheckRuns();
    const comments = fakeComments();
    const run = () =>
      syncReports({
        workflow: runContext({ name: 'schedule', payload: {} }),
        log: silentLog,
        github: github.client,
        checks: {
          ...checks.client,
          // The check runs exist already: the fake records the update.
          updateCheckRun: async (_repo, id, fields) => {
            checks.calls.push(`update ${id} ${fields.conclusion}`);
            checks.runs.push({ ...fields, id, repo: REPO, head_sha: '' });
            return { id };
          },
        },
        comments: comments.client,
        aws: sagemaker.aws,
      });
    return { sagemaker, github, checks, comments, run };
  }

  it('when nothing finished: one batch call per 100 versions, a describe per unversioned package, and no writes', async () => {
    const { sagemaker, github, checks, comments, run } = setUp(() => undefined);
    const outcome = await run();
    expect(sagemaker.calls).toEqual([
      'BatchDescribeModelPackage',
      'BatchDescribeModelPackage',
      'DescribeModelPackage',
    ]);
    expect(checks.calls).toEqual([]);
    expect(comments.calls).toEqual([]);
    // pulls, default branch, its 20 commits, and the check runs of 40 commits.
    expect(github.calls).toHaveLength(43);
    expect(github.calls.slice(0, 3)).toEqual(['pulls', 'repo', 'commits main 20']);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.results).toHaveLength(151);
    expect(outcome.results.every((r) => r.status === 'InProgress')).toBe(true);
    expect(outcome.syncNote).toContain('0 concluded, 151 still validating');
  });

  it('concludes the check runs of the packages that finished and updates their comments', async () => {
    const { sagemaker, checks, comments, run } = setUp((arn) =>
      arn === versionArn(2) ? 'Failed' : arn.endsWith('/churn') ? 'Completed' : undefined,
    );
    const outcome = await run();
    expect(sagemaker.calls.filter((c) => c === 'DescribeModelPackage')).toHaveLength(2);
    expect(checks.calls.sort()).toEqual(['update 151 success', 'update 2 failure']);
    const failed = checks.runs.find((r) => r.id === 2)!;
    expect(failed.name).toBe('SageMaker validation: fraud (m1/model-package.yml)');
    expect(failed.status).toBe('completed');
    expect(failed.details_url).toBe(RUN_URL);
    expect(failed.output.title).toBe('Validation failed');
    expect(readState(failed.output.summary)).toBeUndefined();
    // One listing of each pull request's comments, then a comment per package that ended.
    expect(comments.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
    expect(comments.comments.map((c) => c.body.split('\n')[0]).sort()).toEqual([
      commentMarker('m1/model-package.yml'),
      commentMarker('m150/model-package.yml'),
    ]);
    expect(comments.comments.find((c) => c.body.includes('m1/'))!.body).toContain('❌');
    expect(outcome.failure).toBeUndefined();
    expect(outcome.syncNote).toContain('2 concluded, 149 still validating');
  });

  it('fails when it can read neither the pull requests nor the commits, not for a failed validation', async () => {
    const { github, run } = setUp(() => 'Failed');
    const broken = Object.assign(new Error('Server Error'), { status: 500 });
    github.client.openPullRequests = () => Promise.reject(broken);
    github.client.defaultBranch = () => Promise.reject(broken);
    const outcome = await run();
    expect(outcome.failure?.message).toMatch(/^sync could not read GitHub: /);

    const fine = await setUp(() => 'Failed').run();
    expect(fine.failure).toBeUndefined();
    expect(fine.results.every((r) => r.status === 'Failed')).toBe(true);
  });
});

/** A sync run as main runs it: the open packages collected, then reported on. */
async function syncReports(
  options: SyncOptions & { checks: CheckRunClient; comments: CommentClient },
) {
  const outcome = await collectOpenPackages(options);
  const reporter = new Reporter({
    workflow: options.workflow,
    settings: { comment: 'update', githubToken: 'ghs_x', checkRun: true, label: '', wait: true },
    own: { checkRuns: false, comments: false },
    runner: memoryRunner(),
    github: () => options.comments,
    checks: () => options.checks,
  });
  await reporter.finish(outcome);
  return outcome;
}

describe('syncReports diagnoses what it concludes', () => {
  it("names a failed validation's transform job in the comment it writes", async () => {
    const sagemaker = fakeSageMaker();
    const arn = versionArn(7);
    const definition = {
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://m/in' } },
      },
      TransformOutput: { S3OutputPath: 's3://m/out' },
      TransformResources: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 },
    };
    sagemaker.add(
      arn,
      [
        [0, 'InProgress'],
        [1000, 'Failed'],
      ],
      {
        ModelPackageGroupName: 'fraud',
        ValidationSpecification: {
          ValidationRole: 'arn:aws:iam::123456789012:role/V',
          ValidationProfiles: [
            { ProfileName: 'smoke', TransformJobDefinition: definition as never },
          ],
        },
      },
    );
    for (const [name, input] of [
      ['other-input', 's3://m/in-2'],
      ['d1a9-validation', 's3://m/in'],
    ] as const) {
      sagemaker.transformJobs.push({
        TransformJobName: name,
        TransformJobStatus: 'Failed',
        FailureReason: `AlgorithmError: ${name}`,
        CreationTime: new Date(100),
        ...definition,
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: input } } },
        $metadata: {},
      } as never);
    }
    sagemaker.clock.t = 5000;
    const open = new Map([[sha(1), [leftOpen(1, sha(1), pending('m/model-package.yml', arn), 1)]]]);
    const comments = fakeComments();
    const checks = fakeCheckRuns();
    const logReads: string[] = [];
    const outcome = await syncReports({
      workflow: runContext({ name: 'schedule', payload: {} }),
      log: silentLog,
      github: fakeGitHub(1, open).client,
      checks: { ...checks.client, updateCheckRun: async (_repo, id) => ({ id }) },
      comments: comments.client,
      aws: {
        sagemaker: sagemaker.aws.sagemaker,
        logs: async () => ({
          describeLogStreams: async (_group, prefix) => {
            logReads.push(prefix);
            return [{ name: `${prefix}i-1` }];
          },
          lastEvents: async () => [{ timestamp: 1, message: 'ValueError: bad input shape' }],
          destroy: () => undefined,
        }),
      },
    });
    const d = outcome.results[0]!.validation[0]!.diagnosis!;
    expect(d.jobName).toBe('d1a9-validation');
    expect(d.failureReason).toBe('AlgorithmError: d1a9-validation');
    expect(logReads).toEqual(['d1a9-validation/']);
    const body = comments.comments[0]!.body;
    expect(body).toContain('<code>d1a9-validation</code>');
    expect(body).toContain('ValueError: bad input shape');
  });
});
