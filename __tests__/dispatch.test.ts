/**
 * A dispatched sync's pieces: the package its payload names (only a model package's ARN,
 * whatever else the payload holds), the record a package carries of where it was
 * reported, and the mode's decision to act on the dispatched package alone.
 */
import { describe, expect, it } from '@jest/globals';
import { getInputs } from '../src/inputs.js';
import { modeOf } from '../src/modes.js';
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { emptyResult, type PackageResult } from '../src/results.js';
import { REPORT_KEY } from '../src/action-entries.js';
import { checkRunOf } from '../src/report/check-runs.js';
import { silentLog } from '../src/runner/port.js';
import {
  approvalChange,
  collectDispatchedPackage,
  dispatchedPackage,
} from '../src/sync/dispatch.js';
import type { ListedCheckRun } from '../src/sync/github.js';
import { fakeSageMaker } from './harness/fake-sagemaker.js';
import { readReportRecord, reportRecordOf, sameRepository } from '../src/sync/report-record.js';
import { memoryRunner } from './harness/memory-runner.js';
import { PR_HEAD_SHA, pullRequestEvent, RUN_ENV, runContext } from './harness/run-context.js';

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-detector/3';

describe('the package a dispatched payload names', () => {
  it('is its ARN, with the region the ARN says; the other keys are not read', () => {
    expect(dispatchedPackage({ client_payload: { arn: ARN, status: 'Completed' } })).toEqual({
      arn: ARN,
      region: 'eu-west-1',
    });
    const unversioned = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-2';
    expect(dispatchedPackage({ client_payload: { arn: unversioned } })).toEqual({
      arn: unversioned,
      region: 'cn-north-1',
    });
  });

  it.each([
    ['no payload', undefined, 'no client_payload object'],
    ['a string payload', { client_payload: 'arn' }, 'no client_payload object'],
    ['a list payload', { client_payload: [ARN] }, 'no client_payload object'],
    ['no arn', { client_payload: { status: 'Completed' } }, 'client_payload.arn is missing'],
    ['a null arn', { client_payload: { arn: null } }, 'client_payload.arn is not a string'],
    ['a list arn', { client_payload: { arn: [ARN] } }, 'client_payload.arn is not a string'],
    ['a model', { client_payload: { arn: ARN.replace('model-package', 'model') } }, 'not a'],
    ['a group', { client_payload: { arn: ARN.replace('/3', '') + '/' } }, 'not a'],
    ['a path', { client_payload: { arn: `${ARN}/../4` } }, 'not a'],
    ['a newline', { client_payload: { arn: `${ARN}\n::error::x` } }, 'not a'],
    ['a space', { client_payload: { arn: ` ${ARN}` } }, 'not a'],
    [
      'too long a name',
      { client_payload: { arn: `${ARN.slice(0, -16)}${'a'.repeat(64)}` } },
      'not a',
    ],
    ['too long', { client_payload: { arn: `${ARN}${'0'.repeat(2100)}` } }, 'not a'],
    ['another service', { client_payload: { arn: ARN.replace(':sagemaker:', ':s3:') } }, 'not a'],
  ])('refuses %s, saying why without repeating it', (_, payload, why) => {
    const found = dispatchedPackage(payload);
    expect(found).toEqual({ why: expect.stringContaining(why) });
    expect((found as { why: string }).why).not.toContain('::error::');
  });

  it("takes a name of 63 characters, SageMaker's longest", () => {
    const arn = `arn:aws:sagemaker:us-east-1:123456789012:model-package/${'a'.repeat(63)}`;
    expect(dispatchedPackage({ client_payload: { arn } })).toEqual({ arn, region: 'us-east-1' });
  });
});

describe('the record of where a package is reported', () => {
  it("is the pull request's head commit, not the merge commit, in the run's repository", () => {
    const record = reportRecordOf(runContext(pullRequestEvent(7)));
    expect(record).toBe(`octo-org/models@${PR_HEAD_SHA}`);
    expect(record!.length).toBeLessThanOrEqual(256);
    expect(record).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    expect(reportRecordOf(runContext())).toBe(`octo-org/models@${RUN_ENV.GITHUB_SHA}`);
  });

  it('is none when the run names no commit to check, or a repository GitHub would not name', () => {
    expect(reportRecordOf(runContext({ name: 'issue_comment', payload: {} }))).toBeUndefined();
    expect(reportRecordOf(runContext(undefined, { sha: '' }))).toBeUndefined();
    expect(
      reportRecordOf(runContext(undefined, { repo: { owner: 'octo org', repo: 'models' } })),
    ).toBeUndefined();
  });

  it('is read back, and nothing else is', () => {
    const sha = 'a'.repeat(40);
    expect(readReportRecord(`octo-org/models.v2@${sha}`)).toEqual({
      owner: 'octo-org',
      repo: 'models.v2',
      sha,
    });
    for (const bad of [
      undefined,
      7,
      '',
      `octo-org/models@${sha.slice(1)}`,
      `octo-org/models@${sha.toUpperCase()}`,
      `octo-org@${sha}`,
      `octo-org/models/x@${sha}`,
      `-octo/models@${sha}`,
      `octo-org/models@${sha} `,
    ]) {
      expect(readReportRecord(bad)).toBeUndefined();
    }
  });

  it('names this repository whatever the case of its letters, and no other', () => {
    const repo = { owner: 'octo-org', repo: 'models' };
    expect(sameRepository({ owner: 'Octo-Org', repo: 'Models' }, repo)).toBe(true);
    expect(sameRepository({ owner: 'octo-org', repo: 'models-2' }, repo)).toBe(false);
    expect(sameRepository({ owner: 'octo', repo: 'models' }, repo)).toBe(false);
  });
});

describe('a sync', () => {
  const settings = getInputs(memoryRunner({ mode: 'sync', 'github-token': 'ghs_x' }), {});

  it('on a repository_dispatch event acts on the package the event names', () => {
    expect(modeOf(settings, 'repository_dispatch').source).toBe('dispatch');
  });

  it('on any other event collects the check runs still in progress', () => {
    for (const event of ['schedule', 'workflow_dispatch', 'push', undefined]) {
      expect(modeOf(settings, event).source).toBe('check-runs');
    }
  });
});

describe("a concluded check run's approval and stage", () => {
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/3';
  const concluded: PackageResult = {
    ...emptyResult('b/model-package.yml', 'Failed'),
    group: 'fraud-detector',
    version: 3,
    arn,
    region: 'us-east-1',
    failureReason: 'listing-failed',
    error: 'AWS Marketplace refused change set cs-1',
    approvalStatus: 'PendingManualApproval',
    validation: [{ name: 'smoke', status: 'Completed', failureReason: null }],
  };
  const described = (
    more: Partial<DescribeModelPackageOutput> = {},
  ): DescribeModelPackageOutput => ({
    ModelPackageName: 'fraud-detector',
    CreationTime: new Date(0),
    ModelPackageArn: arn,
    ModelPackageGroupName: 'fraud-detector',
    ModelPackageVersion: 3,
    ModelPackageStatus: 'Completed' as const,
    ModelApprovalStatus: 'PendingManualApproval' as const,
    ModelPackageStatusDetails: {
      ValidationStatuses: [{ Name: 'other', Status: 'Completed' as const }],
    },
    ...more,
  });

  it('is no change when SageMaker says what the check run shows', () => {
    expect(approvalChange(concluded, described())).toBeUndefined();
  });

  it('takes the new approval and stage and keeps the conclusion, its failure and its statuses', () => {
    const change = approvalChange(
      concluded,
      described({
        ModelApprovalStatus: 'Approved',
        ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
      }),
    )!;
    expect(change.result).toEqual({
      ...concluded,
      approvalStatus: 'Approved',
      lifeCycle: { stage: 'Production', stageStatus: 'Approved', stageDescription: null },
    });
    expect(change.logged).toBe(
      "'fraud-detector' v3: 'PendingManualApproval', no stage → 'Approved', 'Production/Approved'",
    );
    expect(change.said).toContain('<code>Approved</code>');
  });

  it('counts a new stage description as a change, and quotes no line break into the log', () => {
    const staged = {
      ...concluded,
      lifeCycle: { stage: 'Staging', stageStatus: 'Approved', stageDescription: null },
    };
    const change = approvalChange(
      staged,
      described({
        ModelLifeCycle: {
          Stage: 'Staging\n::error::x',
          StageStatus: 'Approved',
          StageDescription: 'moved',
        },
      }),
    )!;
    expect(change.result.lifeCycle?.stageDescription).toBe('moved');
    expect(change.logged).not.toMatch(/\n/);
  });

  it("takes SageMaker's validation statuses when the state was too long to keep them", () => {
    const change = approvalChange(
      { ...concluded, validation: [] },
      described({ ModelApprovalStatus: 'Rejected' }),
    )!;
    expect(change.result.validation).toEqual([
      { name: 'other', status: 'Completed', failureReason: null },
    ]);
    expect(change.result.status).toBe('Failed');
  });
});

describe("verify's model-package-arn", () => {
  const read = (inputs: Record<string, string>) =>
    getInputs(memoryRunner({ 'github-token': 'ghs_x', ...inputs }), { AWS_REGION: 'eu-west-1' });

  it('is the package a verify run is for', () => {
    expect(read({ mode: 'verify', 'model-package-arn': ARN }).packageArn).toEqual({
      arn: ARN,
      region: 'eu-west-1',
      name: 'fraud-detector',
      version: 3,
    });
    expect(read({ mode: 'verify' }).packageArn).toBeUndefined();
  });

  it.each([
    [
      'publish',
      { mode: 'publish', 'model-package-arn': ARN },
      "is for mode 'verify', not 'publish'",
    ],
    [
      'sync',
      { mode: 'sync', 'model-package-arn': ARN },
      'a dispatched sync reads the ARN from its event',
    ],
    [
      'another region',
      { mode: 'verify', 'model-package-arn': ARN, region: 'us-east-1' },
      'names a package in eu-west-1, but the run',
    ],
    [
      'not an ARN',
      { mode: 'verify', 'model-package-arn': `${ARN}\n::error::forged` },
      '(87 characters) is not a model package',
    ],
  ])('is refused in %s', (_, inputs, message) => {
    expect(() => read(inputs)).toThrow(message);
    expect(() => read(inputs)).not.toThrow('forged');
  });
});

describe('a dispatched run over check runs of one package with two labels', () => {
  it('concludes the one in progress and updates the concluded one whose approval changed, in any order', async () => {
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/4';
    const sagemaker = fakeSageMaker();
    sagemaker.add(arn, [[0, 'Completed']], {
      ModelPackageGroupName: 'fraud',
      CustomerMetadataProperties: { [REPORT_KEY]: `octo-org/models@${PR_HEAD_SHA}` },
    });
    sagemaker.setApproval(arn, 'Approved');
    const base: PackageResult = {
      ...emptyResult('m/model-package.yml', 'InProgress'),
      arn,
      region: 'us-east-1',
      group: 'fraud',
      version: 4,
    };
    const listed = (id: number, result: PackageResult, label: string): ListedCheckRun => {
      const fields = checkRunOf(result, true, {
        headSha: PR_HEAD_SHA,
        waits: false,
        label,
        syncedPullRequest: 7,
      })!;
      return {
        id,
        name: fields.name,
        head_sha: PR_HEAD_SHA,
        external_id: fields.external_id!,
        status: fields.status,
        output: { summary: fields.output.summary },
      };
    };
    const runs = [
      // Concluded as failed by its run (approve-on-success was refused): kept so.
      listed(
        1,
        {
          ...base,
          status: 'Failed',
          failureReason: 'approval-failed',
          approvalStatus: 'PendingManualApproval',
        },
        'gpu',
      ),
      listed(2, base, 'cpu'),
    ];
    expect(runs.map((r) => r.status)).toEqual(['completed', 'in_progress']);
    const calls: string[] = [];
    const outcome = await collectDispatchedPackage({
      workflow: runContext({
        name: 'repository_dispatch',
        payload: { client_payload: { arn, status: 'Failed' } },
      }),
      log: silentLog,
      aws: sagemaker.aws,
      github: {
        openPullRequests: async () => [],
        defaultBranch: async () => 'main',
        recentCommits: async () => [],
        inProgressCheckRuns: async () => [],
        checkRuns: async (_repo, ref) => {
          calls.push(ref);
          return runs;
        },
      },
    });
    expect(calls).toEqual([PR_HEAD_SHA]);
    expect(outcome.results.map((r) => [r.status, r.approvalStatus])).toEqual([
      ['Failed', 'Approved'],
      ['Completed', 'Approved'],
    ]);
    expect(outcome.targets!.map((t) => [t.checkRunId, t.concluded ?? false, t.label])).toEqual([
      [1, true, 'gpu'],
      [2, false, 'cpu'],
    ]);
    // The note names the check run concluded, and the one updated, each once.
    expect(outcome.syncNote).toContain('1 concluded');
    expect(outcome.syncNote).toContain('- Concluded: <code>fraud</code> v4 (Completed)');
    expect(outcome.syncNote).toContain(
      'updated 1 concluded check run: <code>fraud</code> v4: <code>PendingManualApproval</code>, no stage → <code>Approved</code>, no stage',
    );
  });
});
