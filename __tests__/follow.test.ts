/** The AWS stage: new results at every step, the caller's never changed. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_COMPARE_TO } from '../src/plan/live.js';
import { followPackages } from '../src/package/follow.js';
import { emptyResult, type PackageResult } from '../src/results.js';
import { silentLog } from '../src/runner/port.js';
import { fakeSageMaker, type FakeSageMaker } from './harness/fake-sagemaker.js';
import { check, VERSIONED } from './harness/manifests.js';
import { runContext } from './harness/run-context.js';

/** What every run here shares: a publish's settings and the fake SageMaker's clock. */
function onFake(sagemaker: FakeSageMaker) {
  return {
    settings: {
      waitTimeoutMinutes: 10,
      createGroup: true,
      failOnValidationFailure: true,
      compareTo: DEFAULT_COMPARE_TO,
      requireStage: undefined,
      stageOnSuccess: undefined,
      marketplace: 'off' as const,
      marketplaceTimeoutMinutes: 60,
    },
    region: 'us-east-1',
    workflow: runContext(),
    log: silentLog,
    group: <T>(_name: string, fn: () => Promise<T>) => fn(),
    signal: new AbortController().signal,
    aws: sagemaker.aws,
    now: () => sagemaker.clock.t,
    sleep: async (ms: number) => {
      sagemaker.clock.t += ms;
    },
  };
}

describe('followPackages', () => {
  it("reports progress with new results and leaves the caller's untouched", async () => {
    const sagemaker = fakeSageMaker();
    const request = check(VERSIONED).request!;
    const start: PackageResult[] = [
      { ...emptyResult('fraud.yml', 'InProgress'), group: 'fraud-detector', region: 'us-east-1' },
    ];
    const frozen = JSON.stringify(start);
    const seen: (readonly PackageResult[])[] = [];
    const outcome = await followPackages({
      steps: { title: 'Creating', obtain: 'create-or-reuse', waits: true, after: [] },
      manifests: [{ file: 'fraud.yml', request }],
      results: start,
      ...onFake(sagemaker),
      onProgress: (results) => void seen.push(results),
    });
    expect(JSON.stringify(start)).toBe(frozen);
    expect(seen.map((results) => results[0]!.validation[0]?.status)).toEqual([
      'NotStarted',
      'InProgress',
      'Completed',
    ]);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.results[0]).toMatchObject({ status: 'Completed', version: 1 });
  });

  it('brings the reports of 100 packages up to date once per poll that saw changes', async () => {
    const sagemaker = fakeSageMaker();
    const manifests = Array.from({ length: 100 }, (_, i) => ({
      file: `models/p${i + 1}/model-package.yml`,
      request: check(VERSIONED.replace('fraud-detector', `fraud-${i + 1}`)).request!,
    }));
    const seen: (readonly PackageResult[])[] = [];
    const outcome = await followPackages({
      steps: { title: 'Creating', obtain: 'create-or-reuse', waits: true, after: [] },
      manifests,
      results: manifests.map((m, i) => ({
        ...emptyResult(m.file, 'InProgress'),
        group: `fraud-${i + 1}`,
        region: 'us-east-1',
      })),
      ...onFake(sagemaker),
      onProgress: (results) => void seen.push(results),
    });
    expect(outcome.failure).toBeUndefined();
    // Created at the same time, the packages change status together: the first report,
    // then one per change of all 100 (InProgress, then Completed), not one per package.
    const statuses = (results: readonly PackageResult[]) => [
      ...new Set(results.map((r) => r.validation[0]?.status)),
    ];
    expect(seen.map(statuses)).toEqual([['NotStarted'], ['InProgress'], ['Completed']]);
    expect(outcome.results.map((r) => r.status)).toEqual(manifests.map(() => 'Completed'));
  });
});
