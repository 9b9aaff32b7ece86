import { describe, expect, it } from '@jest/globals';
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { POLL, waitForPackages } from '../src/package/wait.js';
import { CONCURRENT_DESCRIBES } from '../src/package/status.js';
import { silentLog } from '../src/runner/port.js';
import { CredentialsError } from '../src/sagemaker/errors.js';
import type { SageMakerApi } from '../src/sagemaker/api.js';
import { fakeSageMaker, type Timeline } from './harness/fake-sagemaker.js';

const VERSION = (n: number) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/${n}`;
const UNVERSIONED = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn';
/** The version number of a version's ARN. */
const i = (arn: string) => Number(arn.split('/').pop());

/** Packages that walk through their statuses at the given times (ms of the fake clock). */
function scripted(
  timelines: Record<string, Timeline>,
  clock: { t: number },
  fail?: (t: number, operation: string) => unknown,
) {
  const fake = fakeSageMaker({ clock, fail: fail && ((operation, t) => fail(t, operation)) });
  for (const [arn, timeline] of Object.entries(timelines)) fake.add(arn, timeline);
  return { api: fake.api, calls: fake.calls };
}

/** A package's first description, as the wait starts from it. */
function described(arn: string, status = 'Pending'): DescribeModelPackageOutput {
  return { ModelPackageArn: arn, ModelPackageStatus: status } as DescribeModelPackageOutput;
}

function harness() {
  const clock = { t: 0 };
  const sleeps: number[] = [];
  const lines: string[] = [];
  return {
    clock,
    sleeps,
    lines,
    options: {
      log: {
        ...silentLog,
        info: (m: string) => void lines.push(`info ${m}`),
        warning: (m: string) => void lines.push(`warning ${m}`),
      },
      now: () => clock.t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock.t += ms;
      },
      random: () => 0.5,
      timeoutMs: 5 * 3600_000,
    },
  };
}

/** Counts the describes in flight at once: each waits a turn of the event loop. */
function countConcurrent(api: SageMakerApi): { most: number } {
  const seen = { most: 0 };
  let running = 0;
  const original = api.describeModelPackage.bind(api);
  api.describeModelPackage = async (arn, options) => {
    seen.most = Math.max(seen.most, ++running);
    await new Promise((r) => setImmediate(r));
    running--;
    return original(arn, options);
  };
  return seen;
}

describe('waitForPackages', () => {
  it('follows a package to Completed, logging each change with time and elapsed time', async () => {
    const h = harness();
    const { api, calls } = scripted(
      {
        [VERSION(1)]: [
          [0, 'Pending'],
          [20_000, 'InProgress'],
          [300_000, 'Completed'],
        ],
      },
      h.clock,
    );
    const changes: string[] = [];
    const result = await waitForPackages([described(VERSION(1))], {
      ...h.options,
      api,
      onChanges: (ds) => {
        changes.push(...ds.map((d) => d.ModelPackageStatus!));
      },
    });
    expect(result.end).toBe('done');
    expect(result.descriptions.get(VERSION(1))?.ModelPackageStatus).toBe('Completed');
    expect(changes).toEqual(['InProgress', 'Completed']);
    const info = h.lines.filter((l) => l.startsWith('info'));
    expect(info[0]).toMatch(
      /^info \[1970-01-01T00:00:22\.500Z\] \(23s\) .*: Pending → InProgress$/,
    );
    expect(info[1]).toMatch(/: InProgress → Completed$/);
    // Only status changes are described in full; the rest is one batch request per poll.
    expect(calls.filter((c) => c === 'DescribeModelPackage')).toHaveLength(2);
    // About 5 s (jitter only shortens it) for a minute after a change, then backing off to 30 s.
    const jittered = POLL.firstDelayMs * (1 - POLL.jitter * 0.5);
    expect(h.sleeps.slice(0, 5)).toEqual([jittered, jittered, jittered, jittered, jittered]);
    expect(Math.max(...h.sleeps)).toBe(POLL.maxDelayMs * (1 - POLL.jitter * 0.5));
    expect(h.sleeps.filter((s) => s > jittered).length).toBeGreaterThan(3);
  });

  it('stays within about 150 requests per hour for a package at the 30 s cap', async () => {
    const h = harness();
    const { api, calls } = scripted({ [VERSION(1)]: [[3 * 3600_000, 'Completed']] }, h.clock);
    await waitForPackages([described(VERSION(1))], { ...h.options, api });
    expect(calls.length / 3).toBeLessThanOrEqual(150);
  });

  it('polls many versions together in one request per poll', async () => {
    const h = harness();
    const arns = Array.from({ length: 20 }, (_, i) => VERSION(i + 1));
    const { api, calls } = scripted(
      Object.fromEntries(arns.map((arn) => [arn, [[60_000, 'Completed']] as Timeline])),
      h.clock,
    );
    const result = await waitForPackages(
      arns.map((arn) => described(arn)),
      { ...h.options, api },
    );
    expect(result.end).toBe('done');
    const polls = h.sleeps.length;
    expect(calls.filter((c) => c === 'BatchDescribeModelPackage')).toHaveLength(polls);
    expect(calls.filter((c) => c === 'DescribeModelPackage')).toHaveLength(20);
  });

  it('reports the changes of one poll together, describing the changed versions a few at a time', async () => {
    const h = harness();
    const arns = Array.from({ length: 100 }, (_, i) => VERSION(i + 1));
    const { api, calls } = scripted(
      Object.fromEntries(
        arns.map((arn) => [
          arn,
          [
            [10_000, 'InProgress'],
            [60_000, i(arn) === 7 ? 'Failed' : 'Completed'],
          ] as Timeline,
        ]),
      ),
      h.clock,
    );
    const concurrency = countConcurrent(api);
    const batches: string[][] = [];
    const result = await waitForPackages(
      arns.map((arn) => described(arn)),
      {
        ...h.options,
        api,
        onChanges: (ds) => void batches.push(ds.map((d) => d.ModelPackageStatus!)),
      },
    );
    expect(result.end).toBe('done');
    // One report per poll that saw changes, each with every package that changed, in order.
    expect(batches).toEqual([
      arns.map(() => 'InProgress'),
      arns.map((arn) => (i(arn) === 7 ? 'Failed' : 'Completed')),
    ]);
    expect(calls.filter((c) => c === 'DescribeModelPackage')).toHaveLength(200);
    expect(concurrency.most).toBe(CONCURRENT_DESCRIBES);
    // Every change is logged, in the order of the packages.
    const changes = h.lines.filter((l) => l.includes('→'));
    expect(changes).toHaveLength(200);
    expect(changes[0]).toMatch(/fraud\/1: Pending → InProgress$/);
    expect(changes[199]).toMatch(/fraud\/100: InProgress → Completed$/);
  });

  it('reports the changes it saw before ending the wait for a package that no longer exists', async () => {
    const h = harness();
    const { api } = scripted(
      {
        [VERSION(1)]: [[10_000, 'InProgress']],
        [VERSION(2)]: [[10_000, 'InProgress']],
      },
      h.clock,
    );
    const original = api.describeModelPackage.bind(api);
    api.describeModelPackage = async (arn, options) =>
      arn === VERSION(1) ? undefined : original(arn, options);
    const reported: string[] = [];
    await expect(
      waitForPackages([described(VERSION(1)), described(VERSION(2))], {
        ...h.options,
        api,
        onChanges: (ds) => void reported.push(...ds.map((d) => d.ModelPackageArn!)),
      }),
    ).rejects.toThrow(`${VERSION(1)} no longer exists`);
    expect(reported).toEqual([VERSION(2)]);
  });

  it('describes unversioned packages one by one, once per poll', async () => {
    const h = harness();
    const { api, calls } = scripted({ [UNVERSIONED]: [[12_000, 'Failed']] }, h.clock);
    const result = await waitForPackages([described(UNVERSIONED)], { ...h.options, api });
    expect(result.descriptions.get(UNVERSIONED)?.ModelPackageStatus).toBe('Failed');
    expect(calls).toEqual(['DescribeModelPackage', 'DescribeModelPackage', 'DescribeModelPackage']);
  });

  it('describes many unversioned packages a few at a time', async () => {
    const h = harness();
    const arns = Array.from({ length: 12 }, (_, i) => `${UNVERSIONED}-${i}`);
    const { api } = scripted(
      Object.fromEntries(arns.map((arn) => [arn, [[10_000, 'Completed']] as Timeline])),
      h.clock,
    );
    const concurrency = countConcurrent(api);
    const result = await waitForPackages(
      arns.map((arn) => described(arn)),
      { ...h.options, api },
    );
    expect(result.end).toBe('done');
    expect(concurrency.most).toBe(CONCURRENT_DESCRIBES);
  });

  it('rides out throttling, 5xx answers and dropped connections, with warnings', async () => {
    const h = harness();
    const faults = [
      { name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } },
      { name: 'InternalFailure', message: 'oops', $metadata: { httpStatusCode: 500 } },
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ];
    const { api } = scripted({ [VERSION(1)]: [[100_000, 'Completed']] }, h.clock, (t) =>
      t < 90_000 ? faults[Math.floor(t / 10_000) % 3] : undefined,
    );
    const result = await waitForPackages([described(VERSION(1))], { ...h.options, api });
    expect(result.end).toBe('done');
    const warnings = h.lines.filter((l) => l.startsWith('warning'));
    expect(warnings.length).toBeGreaterThan(3);
    expect(warnings.join('\n')).toContain('ThrottlingException: Rate exceeded');
    expect(warnings.join('\n')).toContain('socket hang up');
    expect(h.lines).toContainEqual(expect.stringMatching(/SageMaker answers again/));
  });

  it('gives up when SageMaker cannot be reached for 5 minutes in a row', async () => {
    const h = harness();
    const { api } = scripted({ [VERSION(1)]: [[3600_000, 'Completed']] }, h.clock, () => ({
      name: 'ServiceUnavailable',
      message: 'down',
      $metadata: { httpStatusCode: 503 },
    }));
    await expect(waitForPackages([described(VERSION(1))], { ...h.options, api })).rejects.toThrow(
      /could not be reached for 5m\d\ds in a row \(ServiceUnavailable: down\)/,
    );
    expect(h.clock.t).toBeLessThan(POLL.transientLimitMs + POLL.maxDelayMs + 1);
  });

  it('stops at once, naming the remedy, when the credentials expire', async () => {
    const h = harness();
    const { api, calls } = scripted({ [VERSION(1)]: [[3600_000, 'Completed']] }, h.clock, (t) =>
      t > 30_000
        ? {
            name: 'ExpiredTokenException',
            message: 'The security token included in the request is expired',
          }
        : undefined,
    );
    const error = await waitForPackages([described(VERSION(1))], { ...h.options, api }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toContain('ExpiredTokenException');
    expect(error.message).toContain('role-duration-seconds');
    expect(error.message).toContain("'wait: false'");
    expect(calls.length).toBe(7);
  });

  it('times out with the packages still validating', async () => {
    const h = harness();
    const { api } = scripted({ [VERSION(1)]: [[3600_000, 'Completed']] }, h.clock);
    const result = await waitForPackages([described(VERSION(1))], {
      ...h.options,
      api,
      timeoutMs: 6_000,
    });
    expect(result.end).toBe('timed-out');
    expect(h.clock.t).toBe(6_000);
    expect(result.descriptions.get(VERSION(1))?.ModelPackageStatus).toBe('Pending');
  });

  it('ends as cancelled when the signal aborts', async () => {
    const h = harness();
    const controller = new AbortController();
    const { api } = scripted({ [VERSION(1)]: [[3600_000, 'Completed']] }, h.clock);
    const sleep = async (ms: number) => {
      h.clock.t += ms;
      if (h.clock.t > 20_000) controller.abort();
    };
    const result = await waitForPackages([described(VERSION(1))], {
      ...h.options,
      api,
      sleep,
      signal: controller.signal,
    });
    expect(result.end).toBe('cancelled');
  });

  it('returns at once when every package is already done', async () => {
    const h = harness();
    const { api, calls } = scripted({}, h.clock);
    const result = await waitForPackages([described(VERSION(1), 'Completed')], {
      ...h.options,
      api,
    });
    expect(result.end).toBe('done');
    expect(calls).toEqual([]);
  });
});
