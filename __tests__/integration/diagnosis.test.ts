/**
 * Why a validation failed, end to end: the built action against the SageMaker emulator,
 * which runs the validation's transform job (with a name unrelated to the package) among
 * hundreds of other jobs and serves its CloudWatch logs, and the GitHub API emulator.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type ActionRun } from '../harness/dist-action.js';
import { renderGfm } from '../harness/gfm.js';
import { heldValidation, integration } from '../harness/integration.js';
import { PR_HEAD_SHA, pullRequestEvent } from '../harness/run-context.js';
import { VALIDATION, VERSIONED } from '../harness/manifests.js';
import {
  DEFAULT_JOB_FAILURE,
  type TransformJobsOptions,
} from '../harness/transform-jobs-emulator.js';

const PR = 9;
const t = integration({
  manifests: { m: VERSIONED + VALIDATION },
  github: {},
  inputs: {
    manifest: 'm/model-package.yml',
    region: 'us-east-1',
    'github-token': 'ghs_writer',
    'check-run': 'false',
  },
  event: { name: 'pull_request', payload: { number: PR, pull_request: { number: PR } } },
});

let held: ReturnType<typeof heldValidation>;

/** Validation moves on only when a test says so. */
async function start(jobs: TransformJobsOptions, failed = true) {
  held = heldValidation();
  await t.start({ sagemaker: { ...held.options, transformJobs: jobs } });
  if (failed) {
    t.sagemaker.setOutcome('fraud-detector', {
      status: 'Failed',
      failureReason: 'Validation of the model package failed.',
    });
  }
}

/**
 * A run on the pull request. Once it waits, the validation ends between two polls; or,
 * with `whileRunning`, runs until the run's output matches it, and then ends.
 */
async function act(whileRunning?: RegExp): Promise<ActionRun> {
  const running = t.run();
  await running.until(/Waiting for the validation/);
  if (whileRunning) {
    held.next();
    await running.until(whileRunning);
    held.next();
  } else {
    held.next(2);
  }
  return running;
}

interface Item {
  name: string;
  status: string;
  diagnosis?: {
    jobName: string | null;
    jobArn?: string;
    failureReason: string | null;
    logExcerpt: string[];
    links: { job?: string; logStream?: string };
    note?: string;
  };
}

function validation(run: ActionRun): Item[] {
  const [result] = JSON.parse(run.outputs.results ?? '[]') as { validation: Item[] }[];
  return result?.validation ?? [];
}

const validationJob = () => t.sagemaker.transformJobs.jobs.find((j) => j.validationOf)!;

/** Requests of the diagnosis: transform jobs and CloudWatch Logs. */
const diagnosisRequests = () =>
  t.sagemaker.requests.filter((r) => /TransformJob|Logs_20140328/.test(r.operation));

/** Whether any module the run loaded holds the CloudWatch Logs client. */
const loadedLogsClient = (run: ActionRun) =>
  run.loaded.some((file) => readFileSync(path.join(ROOT, file), 'utf8').includes('Logs_20140328'));

describe('a failed validation names its transform job', () => {
  it('among 500 other jobs: the job, its failure reason and log, in results, summary and comment', async () => {
    await start({ noiseJobs: 500 });
    const run = await act();
    expect(run.code).toBe(1);
    expect(run.outputs['failure-reason']).toBe('validation-failed');
    const job = validationJob();
    const [item] = validation(run);
    expect(item?.status).toBe('Failed');
    const d = item!.diagnosis!;
    expect(d.jobName).toBe(job.name);
    expect(d.jobArn).toBe(job.arn);
    expect(d.failureReason).toBe(DEFAULT_JOB_FAILURE);
    expect(d.logExcerpt).toContain("ModuleNotFoundError: No module named 'sklearn'");
    expect(d.logExcerpt).toContain('Traceback (most recent call last):');
    expect(d.links.job).toBe(
      `https://console.aws.amazon.com/sagemaker/home?region=us-east-1#/transform-jobs/${job.name}`,
    );
    expect(d.links.logStream).toContain(
      `log-events/${job.name}$252F${job.streams[0]!.name.split('/')[1]}`,
    );
    expect(d.note).toBeUndefined();

    // At most 15 requests for the one failed profile, whatever else runs in the account.
    const requests = diagnosisRequests();
    expect(requests.length).toBeLessThanOrEqual(15);
    expect(requests.filter((r) => r.operation === 'ListTransformJobs')[0]?.body).toMatchObject({
      StatusEquals: 'Failed',
      SortBy: 'CreationTime',
      SortOrder: 'Ascending',
    });

    for (const body of [run.summary, t.github.comments('octo-org', 'models', PR)[0]!.body]) {
      const rendered = renderGfm(body);
      expect(rendered.links).toContain(d.links.job);
      expect(body).toContain(`<code>${job.name}</code>`);
      expect(body).toContain('AlgorithmError: See job logs for more information');
      expect(rendered.html).toMatch(/<details><summary>Log excerpt of/);
      expect(rendered.html).toMatch(/<pre><code[^>]*>[^<]*No module named (&#39;|')sklearn/);
    }
    expect(run.stdout).toContain(`ran as transform job ${job.name}: ${DEFAULT_JOB_FAILURE}`);
    expect(loadedLogsClient(run)).toBe(true);
  });

  it('links the job while the validation is still running', async () => {
    // It runs until the run has linked its job.
    await start({ noiseJobs: 20 });
    const run = await act(/validation profile smoke runs as transform job/);
    const job = validationJob();
    expect(run.stdout).toContain(`validation profile smoke runs as transform job ${job.name}.`);
    const inProgressLists = t.sagemaker.requests.filter(
      (r) => r.operation === 'ListTransformJobs' && r.body.StatusEquals === 'InProgress',
    );
    expect(inProgressLists).toHaveLength(1);
  });

  it('a passing validation sends no diagnosis request and loads no CloudWatch Logs client', async () => {
    await start({ noiseJobs: 5 }, false);
    const run = await act(/validation profile smoke runs as transform job/);
    expect(run.code).toBe(0);
    // Only the one lookup of the running job: no search among failed jobs, no log read.
    const lists = diagnosisRequests().filter((r) => r.operation === 'ListTransformJobs');
    expect(lists.map((r) => r.body.StatusEquals)).toEqual(['InProgress']);
    expect(diagnosisRequests().some((r) => r.operation.startsWith('Logs_'))).toBe(false);
    expect(loadedLogsClient(run)).toBe(false);
    expect(validation(run)[0]?.diagnosis?.failureReason ?? null).toBeNull();
  });
});

describe('missing permissions degrade to the generic links and a note', () => {
  for (const [operation, permission] of [
    ['ListTransformJobs', 'sagemaker:ListTransformJobs'],
    ['DescribeTransformJob', 'sagemaker:DescribeTransformJob'],
    ['Logs_20140328.DescribeLogStreams', 'logs:DescribeLogStreams'],
    ['Logs_20140328.GetLogEvents', 'logs:GetLogEvents'],
  ] as const) {
    it(`without ${permission}`, async () => {
      await start({ noiseJobs: 10 });
      t.sagemaker.transformJobs.deny(operation);
      const run = await act();
      expect(run.code).toBe(1);
      expect(run.outputs['failure-reason']).toBe('validation-failed');
      const d = validation(run)[0]!.diagnosis!;
      expect(d.note).toContain(`may not call ${permission} (AccessDenied)`);
      expect(run.summary).toContain(`may not call ${permission} (AccessDenied)`);
      const links = renderGfm(run.summary).links;
      if (operation.startsWith('Logs_')) {
        // The job is known: it is linked, and its streams by their prefix.
        expect(d.jobName).toBe(validationJob().name);
        expect(d.failureReason).toBe(DEFAULT_JOB_FAILURE);
        expect(links).toContain(d.links.job);
        expect(d.links.logStream).toContain(`logStreamNameFilter$3D${d.jobName}$252F`);
      } else {
        // The generic links stay.
        expect(d.jobName).toBeNull();
        expect(links.some((l) => l.endsWith('#/transform-jobs'))).toBe(true);
        expect(links.some((l) => l.endsWith('$252FTransformJobs'))).toBe(true);
      }
    });
  }
});

describe('a hostile log', () => {
  it('stays escaped and bounded in the comment, the summary, the log and results', async () => {
    const huge = `ERROR ${'A'.repeat(100_000)}`;
    await start({
      noiseJobs: 5,
      jobFailureReason: 'AlgorithmError: @octocat <img src=x> [x](https://evil.example) #12',
      logLines: [
        'Traceback (most recent call last):',
        '::error::injected',
        '<script>alert(1)</script></details>',
        '@octocat please look at #12 and https://evil.example',
        '```',
        huge,
        '::stop-commands::abc',
      ],
    });
    const run = await act();
    const d = validation(run)[0]!.diagnosis!;
    expect(d.jobName).toBe(validationJob().name);
    for (const line of d.logExcerpt) expect(line.length).toBeLessThanOrEqual(300);
    expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThan(12_000);
    // Nothing reaches the runner as a workflow command.
    expect(run.stdout).not.toMatch(/^::error::injected/m);
    expect(run.stdout).not.toMatch(/^::stop-commands::/m);
    expect(run.annotations.some((a) => a.message === 'injected')).toBe(false);
    for (const body of [run.summary, t.github.comments('octo-org', 'models', PR)[0]!.body]) {
      const rendered = renderGfm(body);
      expect(rendered.mentions).toEqual([]);
      expect(rendered.references).toEqual([]);
      expect(rendered.images).toEqual([]);
      expect(rendered.elements).not.toContain('script');
      expect(rendered.elements).not.toContain('img');
      expect(rendered.links.some((l) => l.includes('evil'))).toBe(false);
      expect(body.length).toBeLessThan(40_000);
    }
  });
});

describe('a scheduled sync', () => {
  it('diagnoses the failed validation it concludes, in the check run and the comment', async () => {
    await start({ noiseJobs: 100 });
    t.github.addPullRequest('octo-org', 'models', PR, PR_HEAD_SHA);
    const first = await t.run({
      inputs: { wait: 'false', 'check-run': 'true' },
      event: pullRequestEvent(PR),
    });
    expect(first.code).toBe(0);
    held.next(2);
    const done = await t.run({
      inputs: { mode: 'sync', manifest: 'none.yml', 'check-run': 'true' },
      event: { name: 'schedule', payload: { repository: { default_branch: 'main' } } },
    });
    expect(done.code).toBe(0);
    const job = validationJob();
    expect(validation(done)[0]?.diagnosis?.jobName).toBe(job.name);
    const [check] = t.github.checkRuns('octo-org', 'models', PR_HEAD_SHA);
    expect(check!.conclusion).toBe('failure');
    const comment = t.github.comments('octo-org', 'models', PR)[0]!.body!;
    for (const text of [check!.output.text, comment]) {
      expect(text).toContain(`<code>${job.name}</code>`);
      expect(text).toContain(DEFAULT_JOB_FAILURE);
      expect(text).toContain("ModuleNotFoundError: No module named 'sklearn'");
    }
    expect(diagnosisRequests().length).toBeLessThanOrEqual(15);
  });
});
