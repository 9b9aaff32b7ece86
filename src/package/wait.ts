/**
 * Waiting for validation (SPEC §5). One poller for every package of the run: versions
 * are polled together with BatchDescribeModelPackage, unversioned packages one by one,
 * and a version is described in full only when its status changes, a few at a time. The
 * changes a poll finds are reported together, once: with 100 packages changing at once,
 * the reports are brought up to date once, not once per package. The interval is
 * about 5 s for the first minute after a change, then backs off to 30 s; jitter only
 * shortens it, so a validation that ends is reported within about 5 s at first.
 * Throttling, 5xx answers and network faults are warnings while they last less than
 * 5 minutes in a row; rejected credentials end the wait at once. With role-to-assume the
 * client has already renewed them and sent the request once more (sagemaker/client.ts),
 * so what reaches the wait is a refusal of new credentials, or STS refusing the role.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { setTimeout as timeout } from 'node:timers/promises';
import type { Log } from '../runner/port.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { CONCURRENT_DESCRIBES, currentStatuses, hasEnded, type CurrentStatus } from './status.js';
import { credentialsError, describeError, errorKind, isServiceError } from '../sagemaker/errors.js';

export const POLL = {
  firstDelayMs: 5_000,
  /** How long after a change the first interval is kept. */
  fastWindowMs: 60_000,
  maxDelayMs: 30_000,
  backoff: 1.5,
  jitter: 0.2,
  transientLimitMs: 5 * 60_000,
} as const;

export interface WaitOptions {
  api: SageMakerApi;
  log: Log;
  timeoutMs: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /**
   * Called once per poll that found status changes, with the new description of each
   * package whose status changed, in the order of the packages.
   */
  onChanges?: (descriptions: DescribeModelPackageOutput[]) => void | Promise<void>;
  /** How each package is named in the log. */
  label?: (arn: string) => string;
}

export type WaitEnd = 'done' | 'timed-out' | 'cancelled';

export interface WaitResult {
  end: WaitEnd;
  /** The latest description of each package. */
  descriptions: Map<string, DescribeModelPackageOutput>;
}

/** SageMaker ended the wait: unreachable for too long, a refusal, or a package gone. */
export class WaitEndedError extends Error {
  override readonly name = 'WaitEndedError';
}

/** Waits `ms`, or less when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await timeout(ms, undefined, { signal }).catch((e: unknown) => {
    if ((e as Error).name !== 'AbortError') throw e;
  });
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m
      ? `${m}m${String(s).padStart(2, '0')}s`
      : `${s}s`;
}

export async function waitForPackages(
  initial: readonly DescribeModelPackageOutput[],
  options: WaitOptions,
): Promise<WaitResult> {
  const { api, log, signal } = options;
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const label = options.label ?? ((arn: string) => arn);
  const start = now();
  const descriptions = new Map(initial.map((d) => [d.ModelPackageArn!, d]));
  let delay: number = POLL.firstDelayMs;
  let lastChange = start;
  let failingSince: number | undefined;

  const stamp = () => `[${new Date(now()).toISOString()}] (${formatDuration(now() - start)})`;

  for (;;) {
    const pending = [...descriptions.values()].filter((d) => !hasEnded(d.ModelPackageStatus));
    if (pending.length === 0) return { end: 'done', descriptions };
    if (signal?.aborted) return { end: 'cancelled', descriptions };
    const remaining = options.timeoutMs - (now() - start);
    if (remaining <= 0) return { end: 'timed-out', descriptions };

    const wait = Math.min(remaining, delay * (1 - POLL.jitter * random()));
    await pause(wait, signal);
    if (signal?.aborted) return { end: 'cancelled', descriptions };

    try {
      const current = await currentStatuses(
        api,
        pending.map((d) => d.ModelPackageArn!),
        signal,
      );
      const changed = pending.filter(
        (d) => current.get(d.ModelPackageArn!)?.status !== d.ModelPackageStatus,
      );
      const afters = await describeChanged(api, changed, current, signal);
      const reported: DescribeModelPackageOutput[] = [];
      changed.forEach((before, i) => {
        const after = afters[i];
        if (!after) return;
        descriptions.set(before.ModelPackageArn!, after);
        reported.push(after);
        log.info(
          `${stamp()} ${label(before.ModelPackageArn!)}: ${before.ModelPackageStatus ?? 'not yet known'} → ${after.ModelPackageStatus}`,
        );
      });
      if (reported.length > 0) await options.onChanges?.(reported);
      const gone = changed.find((_, i) => !afters[i]);
      if (gone) throw new WaitEndedError(`${label(gone.ModelPackageArn!)} no longer exists`);
      if (failingSince !== undefined) log.info(`${stamp()} SageMaker answers again.`);
      failingSince = undefined;
      if (changed.length > 0) lastChange = now();
      delay = backOff(delay, now() - lastChange);
    } catch (e) {
      if (signal?.aborted) return { end: 'cancelled', descriptions };
      const denied = credentialsError(e);
      if (denied) throw denied;
      if (errorKind(e) !== 'transient') {
        // An answer of SageMaker's ends the wait; anything else is a defect, thrown as it is.
        if (isServiceError(e)) throw new WaitEndedError(describeError(e));
        throw e;
      }
      failingSince ??= now();
      const failingFor = now() - failingSince;
      if (failingFor >= POLL.transientLimitMs) {
        throw new WaitEndedError(
          `SageMaker could not be reached for ${formatDuration(failingFor)} in a row (${describeError(e)}); the packages keep validating`,
        );
      }
      log.warning(`${stamp()} SageMaker did not answer (${describeError(e)}); trying again.`);
      delay = backOff(delay, now() - lastChange);
    }
  }
}

/**
 * The full description of each package whose status changed, in the same order: the one
 * the poll got already (unversioned packages), else described, a few at a time.
 */
async function describeChanged(
  api: SageMakerApi,
  changed: readonly DescribeModelPackageOutput[],
  current: ReadonlyMap<string, CurrentStatus>,
  signal: AbortSignal | undefined,
): Promise<(DescribeModelPackageOutput | undefined)[]> {
  const afters: (DescribeModelPackageOutput | undefined)[] = [];
  for (let i = 0; i < changed.length; i += CONCURRENT_DESCRIBES) {
    afters.push(
      ...(await Promise.all(
        changed.slice(i, i + CONCURRENT_DESCRIBES).map(({ ModelPackageArn: arn }) => {
          const known = current.get(arn!)?.description;
          return known ?? api.describeModelPackage(arn!, { abortSignal: signal });
        }),
      )),
    );
  }
  return afters;
}

function backOff(delay: number, sinceChange: number): number {
  if (sinceChange < POLL.fastWindowMs) return POLL.firstDelayMs;
  return Math.min(POLL.maxDelayMs, delay * POLL.backoff);
}
