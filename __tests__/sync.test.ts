import { afterEach, describe, expect, it } from '@jest/globals';
import type { DescribeChangeSetResponse } from '@aws-sdk/client-marketplace-catalog';
import { changeSetLink, type CatalogApi } from '../src/listing/catalog.js';
import { createCatalogApi } from '../src/listing/catalog-client.js';
import { emptyResult, type PackageResult } from '../src/results.js';
import { MAX_STATE_CHARACTERS, readState, stateLine } from '../src/report/check-run-state.js';
import { checkRunOf, listingCheckRunOf } from '../src/report/check-runs.js';
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
import { renderGfm } from './harness/gfm.js';
import { CHANGE_SET, listed, PREPARING, PRODUCT } from './harness/listing-fixtures.js';
import { startMarketplaceEmulator } from './harness/marketplace-emulator.js';
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
    async checkRuns(_repo, ref) {
      calls.push(`all check-runs ${ref}`);
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
    status: fields.status,
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

describe("a listing's check run state", () => {
  it('marks a listing, keeps the validation statuses, and refuses any other mark', () => {
    const result = listed(PREPARING);
    const line = stateLine({ result, listing: true, pullRequest: 3 });
    expect(readState(line)).toEqual({ result, listing: true, pullRequest: 3 });
    const forged = (listing: unknown) =>
      `<!-- sagemaker-model-package-action state=${Buffer.from(
        JSON.stringify({ v: 1, result, listing }),
      ).toString('base64url')} -->`;
    expect(readState(forged(true))).toMatchObject({ listing: true });
    expect(readState(forged('yes'))).toBeUndefined();
    expect(readState(forged(1))).toBeUndefined();
  });

  it('stays within its bound whatever the listing holds, and keeps its change set', () => {
    const huge = 'x'.repeat(100_000);
    const result = listed({
      ...PREPARING,
      productTitle: huge,
      versionTitle: huge,
      note: huge,
      failureCode: huge,
      errors: Array.from({ length: 20 }, () => ({ code: huge, message: huge, remedy: huge })),
    });
    const line = stateLine({ result, listing: true });
    expect(line.length).toBeLessThanOrEqual(MAX_STATE_CHARACTERS);
    const { listing } = readState(line)!.result;
    expect(listing).toMatchObject({ changeSetId: CHANGE_SET, status: 'PREPARING', errors: [] });
    expect(listing!.versionTitle).toHaveLength(200);
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
      {
        id: 900,
        name: 'build',
        head_sha: sha(1),
        external_id: null,
        status: 'in_progress',
        output: { summary: '' },
      },
      {
        id: 901,
        name: 'SageMaker validation: old',
        head_sha: sha(1),
        external_id: versionArn(1),
        status: 'in_progress',
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
    // Concluded, it still carries its state (for a dispatched approval or stage change):
    // the result it was concluded with, and the pull request whose comment it updates.
    expect(readState(failed.output.summary)).toMatchObject({
      pullRequest: 2,
      result: { status: 'Failed', failureReason: 'validation-failed' },
    });
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
        marketplace: sagemaker.aws.marketplace,
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

// ------------------------------------------------------------------ AWS Marketplace listings

/** A listing's check run left in progress on `headSha` by a run that stopped following it. */
function leftOpenListing(
  id: number,
  headSha: string,
  result: PackageResult,
  pr?: number,
): ListedCheckRun {
  const fields = listingCheckRunOf(result, true, {
    runUrl: RUN_URL,
    headSha,
    waits: true,
    commit: sha(99),
    syncedPullRequest: pr,
  })!;
  expect(fields.status).toBe('in_progress');
  return {
    id,
    name: fields.name,
    head_sha: headSha,
    external_id: fields.external_id!,
    status: fields.status,
    output: { summary: fields.output.summary },
  };
}

/** The Catalog API as a sync calls it: DescribeChangeSet answers by ID, counted. */
function fakeCatalog(answers: Record<string, DescribeChangeSetResponse | Error>) {
  const calls: string[] = [];
  let made = 0;
  let destroyed = 0;
  const api: CatalogApi = {
    describeEntity: () => Promise.reject(new Error('not called by a sync')),
    startChangeSet: () => Promise.reject(new Error('a sync never submits')),
    listChangeSets: () => Promise.reject(new Error('not called by a sync')),
    async describeChangeSet(id) {
      calls.push(id);
      const answer = answers[id];
      if (!answer)
        throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      if (answer instanceof Error) throw answer;
      return answer;
    },
    destroy: () => void destroyed++,
  };
  return {
    calls,
    made: () => made,
    destroyed: () => destroyed,
    marketplace: async () => {
      made++;
      return api;
    },
  };
}

const answer = (
  status: string,
  more: Partial<DescribeChangeSetResponse> = {},
): DescribeChangeSetResponse => ({
  ChangeSetId: CHANGE_SET,
  Status: status as DescribeChangeSetResponse['Status'],
  StartTime: '2026-11-24T10:02:00Z',
  ...(['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status)
    ? { EndTime: '2026-11-24T10:20:00Z' }
    : {}),
  ...more,
});

describe('syncReports concludes listings on AWS Marketplace', () => {
  const cs = (n: number) => `cs-${String(n).padStart(20, '0')}`;
  /** The package of manifest `m<n>`, its listing's change set `cs(n)` still open. */
  const open = (n: number) =>
    listed(
      { ...PREPARING, changeSetId: cs(n), link: changeSetLink(cs(n)) },
      { manifest: `m${n}/model-package.yml`, name: `churn-${n}` },
    );

  function setUp(answers: Record<string, DescribeChangeSetResponse | Error>) {
    const sagemaker = fakeSageMaker();
    const catalog = fakeCatalog(answers);
    const runs = new Map<string, ListedCheckRun[]>([
      [sha(1), [leftOpenListing(11, sha(1), open(1), 1)]],
      [sha(2), [leftOpenListing(12, sha(2), open(2), 2)]],
      [sha(3), [leftOpenListing(13, sha(3), open(3), 3)]],
      // The default branch: the same change set's check run on a commit of its own, and
      // one without a pull request to comment on.
      [
        sha(1000),
        [leftOpenListing(14, sha(1000), open(1)), leftOpenListing(15, sha(1000), open(4))],
      ],
    ]);
    const checks = fakeCheckRuns();
    const comments = fakeComments();
    const warnings: string[] = [];
    const run = () =>
      syncReports({
        workflow: runContext({ name: 'schedule', payload: {} }),
        log: { ...silentLog, warning: (m) => void warnings.push(m) },
        github: fakeGitHub(3, runs).client,
        checks: {
          ...checks.client,
          updateCheckRun: async (_repo, id, fields) => {
            checks.calls.push(`update ${id} ${fields.conclusion ?? fields.status}`);
            checks.runs.push({ ...fields, id, repo: REPO, head_sha: '' });
            return { id };
          },
        },
        comments: comments.client,
        aws: { ...sagemaker.aws, marketplace: catalog.marketplace },
      });
    return { sagemaker, catalog, checks, comments, warnings, run };
  }

  it("describes each change set once and concludes the listings' check runs that ended, only those", async () => {
    const { sagemaker, catalog, checks, comments, run } = setUp({
      [cs(1)]: answer('SUCCEEDED', { ChangeSetId: cs(1) }),
      [cs(2)]: answer('FAILED', {
        ChangeSetId: cs(2),
        FailureCode: 'CLIENT_ERROR',
        FailureDescription: 'The change set failed validation.',
        ChangeSet: [
          {
            ErrorDetailList: [
              { ErrorCode: 'DUPLICATE_ASSET', ErrorMessage: 'The package is version 1.3.0.' },
            ],
          },
        ],
      }),
      [cs(3)]: answer('APPLYING', { ChangeSetId: cs(3) }),
      [cs(4)]: answer('CANCELLED', { ChangeSetId: cs(4) }),
    });
    const outcome = await run();
    expect(catalog.calls.sort()).toEqual([cs(1), cs(2), cs(3), cs(4)]);
    expect([catalog.made(), catalog.destroyed()]).toEqual([1, 1]);
    expect(sagemaker.calls).toEqual([]);
    // The listings' check runs only: no validation check run is written or created.
    expect(checks.calls.sort()).toEqual([
      'update 11 success',
      'update 12 failure',
      'update 14 success',
      'update 15 failure',
    ]);
    for (const written of checks.runs) {
      expect(written.name).toMatch(/^Marketplace listing: prod-/);
      expect(written.status).toBe('completed');
      expect(written.details_url).toBe(RUN_URL);
      expect(readState(written.output.summary)).toBeUndefined();
    }
    const refused = checks.runs.find((r) => r.id === 12)!;
    expect(refused.output.title).toBe('Listing failed');
    expect(refused.output.text).toContain(
      '<code>DUPLICATE\\_ASSET</code>: The package is version 1.3.0. — This model package is already the source',
    );

    const [succeeded, failed, applying] = outcome.results;
    expect(succeeded).toMatchObject({
      status: 'Completed',
      failureReason: null,
      listing: { status: 'SUCCEEDED', endedAt: '2026-11-24T10:20:00Z', errors: [] },
    });
    expect(failed).toMatchObject({
      status: 'Failed',
      failureReason: 'listing-failed',
      error: `AWS Marketplace refused change set ${cs(2)}: CLIENT_ERROR (DUPLICATE_ASSET): The change set failed validation.`,
      listing: {
        status: 'FAILED',
        failureCode: 'CLIENT_ERROR',
        errors: [
          {
            code: 'DUPLICATE_ASSET',
            message: 'The package is version 1.3.0.',
            remedy: expect.stringMatching(/^This model package is already the source/),
          },
        ],
      },
    });
    expect(applying).toMatchObject({ status: 'Completed', listing: { status: 'APPLYING' } });
    expect(outcome.results[4]).toMatchObject({
      status: 'Failed',
      failureReason: 'listing-failed',
      error: `change set ${cs(4)} was cancelled in AWS Marketplace; nothing was listed`,
    });

    // The comments of the pull requests whose listing ended; the third is left as it is.
    expect(comments.comments.map((c) => c.body.split('\n')[0]).sort()).toEqual([
      commentMarker('m1/model-package.yml'),
      commentMarker('m2/model-package.yml'),
    ]);
    expect(comments.comments.find((c) => c.body.includes('m2/'))!.body).toContain(
      '❌ <code>FAILED</code>: AWS Marketplace refused the change',
    );
    expect(outcome.failure).toBeUndefined();
    expect(outcome.syncNote).toContain(
      '**Sync**: 5 check runs in progress found; 4 concluded, 0 still validating, 1 AWS Marketplace listing still in progress.',
    );
    expect(outcome.syncNote).toContain(
      `- Listings still in progress: <code>churn-3</code> on AWS Marketplace (<code>${PRODUCT}</code>, <code>APPLYING</code>)`,
    );
  });

  it('leaves a change set that cannot be described as it is, with a warning', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const { checks, comments, warnings, run } = setUp({
      [cs(1)]: denied,
      [cs(2)]: answer('SUCCEEDED', { ChangeSetId: cs(2) }),
      [cs(3)]: answer('APPLYING', { ChangeSetId: cs(3) }),
      [cs(4)]: answer('APPLYING', { ChangeSetId: cs(4) }),
    });
    const outcome = await run();
    expect(checks.calls).toEqual(['update 12 success']);
    expect(comments.comments).toHaveLength(1);
    expect(warnings).toEqual([
      `Could not describe the AWS Marketplace change set ${cs(1)} (the role needs aws-marketplace:DescribeChangeSet): AccessDeniedException: not authorized. Its check run is left as it is.`,
    ]);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.results[0]).toEqual(open(1));
  });

  it('fails when no change set could be described, nor AWS Marketplace reached', async () => {
    const broken = Object.assign(new Error('expired'), { name: 'ExpiredTokenException' });
    const all = await setUp({
      [cs(1)]: broken,
      [cs(2)]: broken,
      [cs(3)]: broken,
      [cs(4)]: broken,
    }).run();
    expect(all.failure?.message).toBe(
      'sync could not describe any of 4 change sets (AWS credentials and region, and aws-marketplace:DescribeChangeSet?); nothing was concluded',
    );
    const unreachable = setUp({});
    unreachable.catalog.marketplace = async () => {
      throw new Error('no credentials');
    };
    const outcome = await syncReports({
      workflow: runContext({ name: 'schedule', payload: {} }),
      log: silentLog,
      github: fakeGitHub(0, new Map([[sha(1000), [leftOpenListing(15, sha(1000), open(4))]]]))
        .client,
      checks: fakeCheckRuns().client,
      comments: fakeComments().client,
      aws: { ...unreachable.sagemaker.aws, marketplace: unreachable.catalog.marketplace },
    });
    expect(outcome.failure?.message).toMatch(/^sync could not describe any of 1 change set /);
  });

  it("takes only this action's listing check runs that carry a listing's state", async () => {
    const catalog = fakeCatalog({ [cs(1)]: answer('SUCCEEDED', { ChangeSetId: cs(1) }) });
    const real = leftOpenListing(11, sha(1), open(1), 1);
    const validationState = leftOpen(12, sha(1), pending('v/model-package.yml', versionArn(1)), 1);
    const runs = new Map([
      [
        sha(1),
        [
          // A listing's name, without the state.
          { ...real, id: 20, output: { summary: '⏳ listing' } },
          // A listing's name and a change set ID, with a validation's state.
          { ...real, id: 21, output: validationState.output },
          // Not a change set ID.
          { ...real, id: 22, external_id: 'cs-1/../../x' },
          // A listing's state whose listing is not one.
          {
            ...real,
            id: 25,
            output: {
              summary: listingCheckRunOf(
                { ...open(1), listing: { ...open(1).listing, errors: 'none' as never } },
                true,
                { headSha: sha(1), waits: true },
              )!.output.summary,
            },
          },
          { ...real, id: 23, external_id: null },
          // Another app's check run of the same name prefix is not this action's without a state.
          { ...real, id: 24, name: 'Marketplace listing: other', output: { summary: null } },
        ],
      ],
    ]);
    const checks = fakeCheckRuns();
    const outcome = await syncReports({
      workflow: runContext({ name: 'schedule', payload: {} }),
      log: silentLog,
      github: fakeGitHub(1, runs).client,
      checks: checks.client,
      comments: fakeComments().client,
      aws: { ...fakeSageMaker().aws, marketplace: catalog.marketplace },
    });
    expect(outcome.results).toEqual([]);
    expect(catalog.made()).toBe(0);
    expect(checks.calls).toEqual([]);
  });

  it('makes no AWS Marketplace client when no listing is open', async () => {
    const catalog = fakeCatalog({});
    const sagemaker = fakeSageMaker();
    sagemaker.add(versionArn(1), [
      [0, 'InProgress'],
      [1000, 'Completed'],
    ]);
    sagemaker.clock.t = 5000;
    const runs = new Map([
      [sha(1), [leftOpen(1, sha(1), pending('a/model-package.yml', versionArn(1)), 1)]],
    ]);
    const outcome = await syncReports({
      workflow: runContext({ name: 'schedule', payload: {} }),
      log: silentLog,
      github: fakeGitHub(1, runs).client,
      checks: { ...fakeCheckRuns().client, updateCheckRun: async (_repo, id) => ({ id }) },
      comments: fakeComments().client,
      aws: { ...sagemaker.aws, marketplace: catalog.marketplace },
    });
    expect(outcome.results.map((r) => r.status)).toEqual(['Completed']);
    expect(catalog.made()).toBe(0);
    expect(outcome.syncNote).toBe(
      '**Sync**: 1 check run in progress found; 1 concluded, 0 still validating.\n- Concluded: <code>fraud</code> v1 (Completed)',
    );
  });

  it('escapes the names it lists in the job summary', async () => {
    const hostile = '`x` @octocat #1 <b>y</b> [l](https://evil.example)';
    const result = { ...open(3), name: null, manifest: `${hostile}/model-package.yml` };
    const outcome = await syncReports({
      workflow: runContext({ name: 'schedule', payload: {} }),
      log: silentLog,
      github: fakeGitHub(1, new Map([[sha(1), [leftOpenListing(11, sha(1), result, 1)]]])).client,
      checks: fakeCheckRuns().client,
      comments: fakeComments().client,
      aws: {
        ...fakeSageMaker().aws,
        marketplace: fakeCatalog({ [cs(3)]: answer('APPLYING', { ChangeSetId: cs(3) }) })
          .marketplace,
      },
    });
    const rendered = renderGfm(outcome.syncNote!);
    expect(rendered.links).toEqual([]);
    expect(rendered.mentions).toEqual([]);
    expect(rendered.references).toEqual([]);
    expect(rendered.elements).not.toContain('b');
  });
});

describe('syncReports against the Marketplace Catalog emulator', () => {
  const START = Date.UTC(2026, 10, 24, 10, 0, 0);
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('concludes a listing once its change set ended, describing it through the SDK', async () => {
    let clock = START;
    const emulator = await startMarketplaceEmulator({ now: () => clock });
    try {
      process.env.AWS_ENDPOINT_URL_MARKETPLACE_CATALOG = emulator.url;
      process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
      process.env.AWS_SECRET_ACCESS_KEY = 'secret';
      delete process.env.AWS_SESSION_TOKEN;
      delete process.env.AWS_PROFILE;
      const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-predictor';
      emulator.seedProduct({ id: PRODUCT, title: 'Churn predictor' });
      const started = createCatalogApi();
      const { ChangeSetId } = await started.startChangeSet({
        ChangeSetName: 'listing churn-predictor apply 0123456789ab',
        Intent: 'APPLY',
        ChangeSet: [
          {
            ChangeType: 'AddDeliveryOptions',
            Entity: { Type: 'MachineLearningProduct@1.0', Identifier: PRODUCT },
            DetailsDocument: {
              Version: { VersionTitle: 'v1.4.0', ReleaseNotes: 'Better recall' },
              DeliveryOptions: [
                {
                  Details: {
                    SageMakerModelPackageDeliveryOptionDetails: {
                      SageMakerModelPackageArn: arn,
                      AccessRoleArn: 'arn:aws:iam::123456789012:role/MarketplaceAccess',
                      UsageInstructions: 'Send CSV rows.',
                      RecommendedInstanceTypes: {
                        RealtimeInference: 'ml.m5.large',
                        BatchTransform: 'ml.m5.large',
                      },
                    },
                  },
                },
              ],
            },
          },
        ],
      });
      started.destroy();
      const id = ChangeSetId!;
      const result = listed({ ...PREPARING, changeSetId: id, link: changeSetLink(id) });
      const runs = new Map([[sha(1), [leftOpenListing(11, sha(1), result, 1)]]]);
      const sync = async () => {
        const checks = fakeCheckRuns();
        const calls: string[] = [];
        const outcome = await syncReports({
          workflow: runContext({ name: 'schedule', payload: {} }),
          log: silentLog,
          github: fakeGitHub(1, runs).client,
          checks: {
            ...checks.client,
            updateCheckRun: async (_repo, checkRunId, fields) => {
              calls.push(`update ${checkRunId} ${fields.conclusion}`);
              return { id: checkRunId };
            },
          },
          comments: fakeComments().client,
          aws: { ...fakeSageMaker().aws, marketplace: async () => createCatalogApi() },
        });
        return { outcome, calls };
      };

      clock += 60_000; // APPLYING: left as it is.
      const early = await sync();
      expect(early.calls).toEqual([]);
      expect(early.outcome.results[0]!.listing!.status).toBe('APPLYING');

      clock += 10 * 60_000;
      const late = await sync();
      expect(late.calls).toEqual(['update 11 success']);
      expect(late.outcome.results[0]!.listing).toMatchObject({
        status: 'SUCCEEDED',
        startedAt: '2026-11-24T10:00:00Z',
        endedAt: '2026-11-24T10:03:00Z',
      });
      expect(emulator.counts().DescribeChangeSet).toBe(2);
      expect(emulator.product(PRODUCT)!.versions.map((v) => v.title)).toEqual(['v1.4.0']);
    } finally {
      await emulator.close();
    }
  });
});
