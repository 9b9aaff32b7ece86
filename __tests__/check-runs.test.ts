import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkRunName,
  checkRunOf,
  CheckRuns,
  headShaOf,
  listingCheckRunOf,
} from '../src/report/check-runs.js';
import { readState } from '../src/report/check-run-state.js';
import { GitHubApiError, GitHubTimeoutError } from '../src/report/github-api.js';
import { createCheckRunClient } from '../src/report/github-checks.js';
import { Reporter, type ReportTarget } from '../src/report/reporter.js';
import { emptyResult, type PackageResult } from '../src/results.js';
import { silentLog } from '../src/runner/port.js';
import { fakeCheckRuns } from './harness/fake-check-runs.js';
import {
  CHANGE_SET,
  FAILED,
  listed,
  listingFailed,
  NOT_STARTED,
  PREPARING,
  PRODUCT,
  SUCCEEDED,
} from './harness/listing-fixtures.js';
import { startGitHubEmulator } from './harness/github-emulator.js';
import { memoryRunner } from './harness/memory-runner.js';
import { REPORT_FIXTURES, RUN_URL } from './harness/report-fixtures.js';
import { runContext } from './harness/run-context.js';

const REPO = { owner: 'octo-org', repo: 'models' };
const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface';
const httpError = (status: number, message = `HTTP ${status}`) =>
  Object.assign(new Error(message), { status });

const completed = REPORT_FIXTURES.completed!.result;
const validating: PackageResult = {
  ...completed,
  status: 'InProgress',
  validatedAt: null,
  validation: [{ name: 'fraud-smoke-test', status: 'InProgress', failureReason: null }],
};

function sink(options: Partial<ReportTarget> = {}, overrides = {}, now?: () => number) {
  const fake = fakeCheckRuns(overrides);
  const warnings: string[] = [];
  const log = { ...silentLog, warning: (m: string) => void warnings.push(m) };
  const runs = new CheckRuns(fake.client, REPO, log, now);
  const target: ReportTarget = {
    headSha: HEAD,
    comment: 'update',
    runUrl: RUN_URL,
    waits: true,
    ...options,
  };
  const write = (result: PackageResult, final: boolean) => runs.write(result, final, target);
  return { ...fake, warnings, sink: { write } };
}

describe('checkRunOf', () => {
  it('names the package as the log does, with the label', () => {
    expect(checkRunName(completed)).toBe(
      'SageMaker validation: fraud-detector (models/fraud/model-package.yml)',
    );
    const churn = REPORT_FIXTURES.failed!.result;
    expect(checkRunName(churn, 'gpu')).toBe('SageMaker validation: churn-predictor (gpu)');
    const invalid = { ...emptyResult('bad/model-package.yml', 'Failed') };
    expect(checkRunName(invalid)).toBe('SageMaker validation: bad/model-package.yml');
  });

  it('concludes success, failure, and stays in progress while validating', () => {
    const options = { runUrl: RUN_URL, waits: true };
    expect(checkRunOf(completed, true, options)).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      external_id: completed.arn,
      details_url: RUN_URL,
      output: { title: 'Validation completed' },
    });
    expect(checkRunOf(REPORT_FIXTURES.failed!.result, true, options)).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Image scan failed' },
    });
    const running = checkRunOf(validating, false, options)!;
    expect(running.status).toBe('in_progress');
    expect(running).not.toHaveProperty('conclusion');
    expect(running.output.summary).toContain('This run waits for the validation');
    expect(running.output.text).toContain('| fraud-smoke-test | InProgress |');
    expect(checkRunOf(REPORT_FIXTURES.dryRun!.result, true, options)).toBeUndefined();
  });

  it('an invalid manifest: concluded failure, named after the manifest, without an external_id', () => {
    const invalid: PackageResult = {
      ...emptyResult('bad/model-package.yml', 'Failed'),
      failureReason: 'invalid-manifest',
      problems: [{ severity: 'error', line: 1, column: 1, member: '', message: 'not a mapping' }],
    };
    const run = checkRunOf(invalid, true, { waits: true })!;
    expect(run).toMatchObject({
      name: 'SageMaker validation: bad/model-package.yml',
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Invalid manifest' },
    });
    expect(run).not.toHaveProperty('external_id');
    expect(run).not.toHaveProperty('details_url');
    expect(run.output.text).toContain('not a mapping');
  });

  it('when the run stops waiting, says that a later sync or verify run concludes it', () => {
    const options = { runUrl: RUN_URL, waits: true };
    for (const result of [REPORT_FIXTURES.timedOut!.result, REPORT_FIXTURES.cancelled!.result]) {
      const run = checkRunOf(result, true, options)!;
      expect(run.status).toBe('in_progress');
      expect(run.output.title).toBe('Still validating');
      expect(run.output.summary).toContain('Re-run this job');
      expect(run.output.summary).toContain('concludes a check run of this name');
    }
    const noWait = checkRunOf(validating, false, { ...options, waits: false })!;
    expect(noWait.output.summary).toContain('(`wait: false`)');
    // The same content at the end of the run: nothing to write again.
    expect(checkRunOf(validating, true, { ...options, waits: false })).toEqual(noWait);
  });

  it("keeps the output within GitHub's limits", () => {
    const reason = `<b>x</b> ${'y'.repeat(200_000)}`;
    const failed: PackageResult = {
      ...completed,
      status: 'Failed',
      failureReason: 'validation-failed',
      validation: Array.from({ length: 3 }, (_, i) => ({
        name: `p${i}`,
        status: 'Failed',
        failureReason: reason,
      })),
    };
    const run = checkRunOf(failed, true, { runUrl: RUN_URL, waits: true })!;
    expect(run.output.text.length).toBeLessThanOrEqual(65_535);
    expect(run.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(run.output.text).toContain('*(cut; ');
    expect(run.output.text).not.toContain('<b>');
    expect(run.output.title.length).toBeLessThan(40);
  });
});

describe('CheckRuns', () => {
  it('creates the check run on the head commit, updates it only when it changes', async () => {
    const { sink: runs, calls, runs: written } = sink({ label: 'gpu' });
    await runs.write(validating, false);
    await runs.write(validating, false);
    await runs.write({ ...validating, validation: [] }, false);
    await runs.write(completed, false);
    await runs.write(completed, true);
    expect(calls).toEqual([
      'create 500 in_progress',
      'update 500 in_progress',
      'update 500 success',
    ]);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      head_sha: HEAD,
      repo: REPO,
      name: 'SageMaker validation: fraud-detector (models/fraud/model-package.yml) (gpu)',
      external_id: completed.arn,
      status: 'completed',
      conclusion: 'success',
    });
    expect(written[0]!.output.text).toContain('### ✅ fraud-detector (gpu)');
  });

  it("writes a listed package's second check run on the same commit, as its change set goes", async () => {
    const { sink: runs, calls, runs: written } = sink({ label: 'gpu' });
    await runs.write(listed(NOT_STARTED), false);
    await runs.write(listed(PREPARING), false);
    await runs.write(listed(PREPARING), false);
    await runs.write(listed(SUCCEEDED), false);
    await runs.write(listed(SUCCEEDED), true);
    expect(calls).toEqual([
      'create 500 success',
      // The validation's report shows the listing too.
      'update 500 success',
      'create 501 in_progress',
      'update 500 success',
      'update 501 success',
    ]);
    expect(written.map((r) => [r.name, r.head_sha, r.external_id])).toEqual([
      ['SageMaker validation: churn-predictor (gpu)', HEAD, listed(SUCCEEDED).arn],
      [`Marketplace listing: ${PRODUCT} (gpu)`, HEAD, CHANGE_SET],
    ]);
  });

  it("a sync's listing target: updates the listing's check run only", async () => {
    const { sink: runs, calls } = sink(
      { listingOnly: true, listingCheckRunId: 77 },
      {
        updateCheckRun: async (_repo: unknown, id: number, fields: { conclusion?: string }) => {
          calls.push(`update ${id} ${fields.conclusion}`);
          return { id };
        },
      },
    );
    await runs.write(listingFailed(), true);
    expect(calls).toEqual(['update 77 failure']);
  });

  it('a package reused after it finished: created already concluded', async () => {
    const { sink: runs, calls } = sink();
    await runs.write(REPORT_FIXTURES.reused!.result, false);
    await runs.write(REPORT_FIXTURES.reused!.result, true);
    expect(calls).toEqual(['create 500 success']);
  });

  it('one warning naming checks: write when the token may not write, then no more calls', async () => {
    const {
      sink: runs,
      calls,
      warnings,
    } = sink(
      {},
      {
        createCheckRun: async () => {
          calls.push('refused');
          throw httpError(403, 'Resource not accessible by integration');
        },
      },
    );
    await runs.write(validating, false);
    await runs.write(completed, true);
    await runs.write(REPORT_FIXTURES.failed!.result, true);
    expect(calls).toEqual(['refused']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('HTTP 403: Resource not accessible by integration');
    expect(warnings[0]).toContain("'checks: write'");
  });

  it('warns about other errors, a rate limit too, and tries again on the next change', async () => {
    let failures = 2;
    const fake = fakeCheckRuns();
    const {
      sink: runs,
      warnings,
      calls,
    } = sink(
      {},
      {
        createCheckRun: async (...args: Parameters<typeof fake.client.createCheckRun>) => {
          if (failures-- === 2) throw httpError(502);
          if (failures === 0) throw httpError(403, 'API rate limit exceeded for installation');
          return fake.client.createCheckRun(...args);
        },
      },
    );
    await runs.write(validating, false);
    await runs.write({ ...validating, validation: [] }, false);
    await runs.write(completed, true);
    const name = 'SageMaker validation: fraud-detector (models/fraud/model-package.yml)';
    expect(warnings).toEqual([
      `Could not write the check run ${name}: HTTP 502: HTTP 502`,
      `Could not write the check run ${name}: HTTP 403: API rate limit exceeded for installation`,
    ]);
    expect(calls).toEqual([]);
    expect(fake.calls).toEqual(['create 500 success']);
  });
});

describe('check runs at a rate limit', () => {
  it('send nothing until it resets, with one warning, then bring each check run up to date', async () => {
    const clock = { t: Date.UTC(2026, 11, 2, 12) };
    const resets = clock.t + 30 * 60_000;
    let limited = true;
    const fake = fakeCheckRuns();
    const {
      sink: runs,
      warnings,
      calls,
    } = sink(
      {},
      {
        createCheckRun: async (...args: Parameters<typeof fake.client.createCheckRun>) => {
          calls.push('create');
          if (limited) throw new GitHubApiError(403, 'API rate limit exceeded', resets);
          return fake.client.createCheckRun(...args);
        },
      },
      () => clock.t,
    );
    const other = { ...validating, manifest: 'models/other/model-package.yml' };
    await runs.write(validating, false);
    await runs.write(other, false);
    await runs.write({ ...validating, validation: [] }, false);
    expect(calls).toEqual(['create']);
    expect(warnings).toEqual([
      "Could not write check runs: GitHub's API rate limit was reached; it resets at 2026-12-02 12:30:00 UTC. Check runs wait until then (HTTP 403: API rate limit exceeded); one left in progress is concluded by a later run or 'mode: sync'. The job summary has the results.",
    ]);
    clock.t = resets;
    limited = false;
    await runs.write(completed, true);
    await runs.write({ ...other, status: 'Completed' }, true);
    expect(calls).toEqual(['create', 'create', 'create']);
    expect(fake.calls).toEqual(['create 500 success', 'create 501 success']);
    expect(warnings).toHaveLength(1);
  });
});

describe('listingCheckRunOf', () => {
  const to = { headSha: HEAD, runUrl: RUN_URL, waits: true, commit: HEAD, syncedPullRequest: 7 };

  it('none for a listing nothing was submitted for, nor for a dry run', () => {
    const notes = [
      'Dry run: nothing is submitted to AWS Marketplace.',
      "Checked only ('marketplace: check'): nothing is submitted to AWS Marketplace.",
      'Nothing was submitted to AWS Marketplace: validation has not completed.',
      // A VALIDATE change set refused: a note, not a failure, and no check run.
      'AWS Marketplace refused a VALIDATE change set for this product (ValidationException: no).',
    ];
    for (const note of notes) {
      expect(listingCheckRunOf(listed({ ...NOT_STARTED, note }), true, to)).toBeUndefined();
    }
    expect(listingCheckRunOf(completed, true, to)).toBeUndefined();
    const dryRun = listed(SUCCEEDED, { status: 'DryRun' });
    expect(listingCheckRunOf(dryRun, true, to)).toBeUndefined();
  });

  it('in progress while the change set is open, with the state a later sync concludes it from', () => {
    const run = listingCheckRunOf(listed(PREPARING), false, { ...to, label: 'gpu' })!;
    expect(run).toMatchObject({
      name: `Marketplace listing: ${PRODUCT} (gpu)`,
      status: 'in_progress',
      external_id: CHANGE_SET,
      details_url: RUN_URL,
      output: { title: 'Listing in progress' },
    });
    expect(run).not.toHaveProperty('conclusion');
    expect(run.output.summary).toContain(
      'This run follows the change set and concludes this check run when it ends.',
    );
    expect(run.output.text).toContain('**AWS Marketplace listing**');
    const state = readState(run.output.summary)!;
    expect(state).toMatchObject({ listing: true, label: 'gpu', pullRequest: 7, runUrl: RUN_URL });
    expect(state.result.listing).toEqual(PREPARING);
    // A listing's validation has ended: its statuses stay in the state, for the comment.
    expect(state.result.validation).toEqual(listed(PREPARING).validation);
    // The validation's check run carries no listing flag.
    const validation = checkRunOf(validating, false, to)!;
    expect(readState(validation.output.summary)).not.toHaveProperty('listing');

    const stopped = listingCheckRunOf(listed(PREPARING), true, to)!;
    expect(stopped.status).toBe('in_progress');
    expect(stopped.output.summary).toContain(
      "This run stopped following the change set. AWS Marketplace goes on with the change set. A later run with 'mode: sync' concludes this check run once it has ended.",
    );
    const noWait = listingCheckRunOf(listed(PREPARING), false, { ...to, waits: false })!;
    expect(noWait.output.summary).toContain('(`wait: false`)');
    expect(noWait.output.summary).toContain("'mode: sync'");
  });

  it.each([
    ['SUCCEEDED (APPLY)', listed(SUCCEEDED), 'success', 'Version added'],
    [
      'SUCCEEDED (VALIDATE)',
      listed({ ...SUCCEEDED, intent: 'VALIDATE' }),
      'success',
      'Listing validated',
    ],
    ['LISTED', listed({ ...NOT_STARTED, status: 'LISTED' }), 'success', 'Already listed'],
    ['FAILED', listingFailed(), 'failure', 'Listing failed'],
    [
      'CANCELLED',
      listingFailed({ ...FAILED, status: 'CANCELLED', errors: [] }),
      'failure',
      'Change set cancelled',
    ],
    // SERVER_FAULT after the one retry: the package is not listed.
    [
      'FAILED (SERVER_FAULT)',
      listed({ ...FAILED, failureCode: 'SERVER_FAULT', errors: [] }),
      'failure',
      'Listing failed',
    ],
    [
      'failed before submitting (the version title is taken)',
      listingFailed({ ...NOT_STARTED, errors: FAILED.errors.slice(0, 1) }),
      'failure',
      'Not listed',
    ],
    [
      'failed before submitting (no such product)',
      listingFailed(NOT_STARTED),
      'failure',
      'Not listed',
    ],
  ] as const)('%s: concluded %s', (_name, result, conclusion, title) => {
    const run = listingCheckRunOf(result, true, to)!;
    expect(run).toMatchObject({ status: 'completed', conclusion, output: { title } });
    expect(readState(run.output.summary)).toBeUndefined();
    if (result.listing.changeSetId) expect(run.external_id).toBe(CHANGE_SET);
    else expect(run).not.toHaveProperty('external_id');
  });
});

describe('headShaOf', () => {
  const MERGE = '0123456789abcdef0123456789abcdef01234567';
  const of = (name: string, payload: object) => headShaOf(runContext({ name, payload }));

  it("uses the pull request's head commit, not the merge commit", () => {
    const payload = { pull_request: { number: 7, head: { sha: HEAD } } };
    expect(of('pull_request', payload)).toBe(HEAD);
    expect(of('pull_request_target', payload)).toBe(HEAD);
    expect(of('pull_request', { pull_request: { number: 7 } })).toBeUndefined();
    expect(of('pull_request', { pull_request: { head: { sha: 'main' } } })).toBeUndefined();
  });

  it('uses the commit of other events, except comments that do not name one', () => {
    expect(of('push', {})).toBe(MERGE);
    expect(of('workflow_dispatch', {})).toBe(MERGE);
    expect(of('issue_comment', { issue: { number: 7, pull_request: {} } })).toBeUndefined();
    expect(headShaOf(runContext({ name: 'push', payload: {} }, { sha: '' }))).toBeUndefined();
  });
});

describe('the reporter', () => {
  const settings = {
    comment: 'off' as const,
    githubToken: 'ghs_x',
    checkRun: true,
    label: undefined,
    wait: true,
  };

  async function report(
    overrides: Partial<typeof settings>,
    result = completed,
    own = { checkRuns: true, comments: true },
  ) {
    const fake = fakeCheckRuns();
    const runner = memoryRunner();
    const reporter = new Reporter({
      workflow: runContext({ name: 'push', payload: {} }),
      settings: { ...settings, ...overrides },
      own,
      runner,
      checks: () => fake.client,
    });
    await reporter.progress([result]);
    await reporter.finish({ results: [result] });
    return { ...fake, runner };
  }

  it("leaves a listing's check run in progress when the run ends before its change set", async () => {
    const fake = fakeCheckRuns();
    const reporter = new Reporter({
      workflow: runContext({ name: 'push', payload: {} }),
      settings,
      runner: memoryRunner(),
      checks: () => fake.client,
    });
    await reporter.progress([listed(NOT_STARTED)]);
    await reporter.progress([listed(PREPARING)]);
    await reporter.finish({ results: [listed({ ...PREPARING, status: 'APPLYING' })] });
    expect(fake.calls).toEqual([
      'create 500 success',
      'update 500 success',
      'create 501 in_progress',
      'update 500 success',
      'update 501 in_progress',
    ]);
    const listing = fake.runs.find((r) => r.id === 501)!;
    expect(listing.output.summary).toContain(
      "A later run with 'mode: sync' concludes this check run",
    );
    expect(readState(listing.output.summary)).toMatchObject({
      listing: true,
      result: { listing: { status: 'APPLYING', changeSetId: CHANGE_SET } },
    });
  });

  it('writes check runs with a token, and none when off, on a dry run, or without a token', async () => {
    expect((await report({})).calls).toEqual(['create 500 success']);
    for (const overrides of [{ checkRun: false }, { githubToken: '' }]) {
      expect((await report(overrides)).calls).toEqual([]);
    }
    const dryRun = { checkRuns: false, comments: true };
    expect((await report({}, completed, dryRun)).calls).toEqual([]);
  });
});

describe('createCheckRunClient', () => {
  it('creates and updates check runs through the API', async () => {
    const github = await startGitHubEmulator();
    try {
      const client = createCheckRunClient('ghs_writer', { baseUrl: github.url });
      const output = { title: 'Validating', summary: 's', text: 't' };
      const { id } = await client.createCheckRun(REPO, HEAD, {
        name: 'SageMaker validation: a',
        status: 'in_progress',
        output,
      });
      await client.updateCheckRun(REPO, id, {
        name: 'SageMaker validation: a',
        status: 'completed',
        conclusion: 'failure',
        output,
      });
      expect(github.checkRuns('octo-org', 'models', HEAD)).toMatchObject([
        { id, status: 'completed', conclusion: 'failure', output },
      ]);
    } finally {
      await github.close();
    }
  });

  it('gives up on a call that gets no answer', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createCheckRunClient('ghs_writer', {
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 200,
      });
      const started = Date.now();
      await expect(
        client.createCheckRun(REPO, HEAD, {
          name: 'n',
          status: 'in_progress',
          output: { title: 't', summary: 's', text: '' },
        }),
      ).rejects.toBeInstanceOf(GitHubTimeoutError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
