/**
 * Preflight as a stage of the pipeline (main.ts): when it runs (publish; a dry run with
 * credentials), what it makes of the manifests, and the outcome of a run it stops.
 * Loads nothing of the AWS SDK itself: run.js and the clients are imported when it runs.
 */
import type { Settings } from '../inputs.js';
import type { CheckedManifest } from '../manifest/load.js';
import { countErrors } from '../manifest/problems.js';
import type { Outcome, PackageResult, StepFailure } from '../results.js';
import type { Runner } from '../runner/port.js';
import type { RenewableCredentials, SageMakerApi } from '../sagemaker/api.js';
import type { PreflightApi } from './checks.js';
import { credentialsAvailable } from './credentials.js';

export interface Preflighted {
  /** The manifests, with preflight's findings among their problems. */
  checked: readonly CheckedManifest[];
  /** Set when preflight found something missing. */
  failure?: StepFailure;
}

export interface StageInput {
  checked: readonly CheckedManifest[];
  settings: Settings;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** role-to-assume's credentials (publish); a dry run gets them through `assume`. */
  credentials?: RenewableCredentials;
  /** Preflight's calls; the AWS SDK's by default. */
  api?: (region: string, credentials?: RenewableCredentials) => PreflightApi;
  /** SageMaker for DescribeAlgorithm with the SDK's S3 and ECR; its own client by default. */
  sagemaker?: (region: string, credentials?: RenewableCredentials) => SageMakerApi;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Preflight of every manifest of a publish run; a failure when it found anything missing. */
export async function runPreflight(input: StageInput): Promise<Preflighted> {
  const { checked, settings, runner, credentials } = input;
  if (!settings.preflight || settings.mode !== 'publish') return { checked };
  const region = settings.region!;
  const { preflight } = await import('./run.js');
  const found = await runner.group('Preflight: the S3 objects, images and algorithms', () =>
    preflight({
      manifests: checked,
      region,
      log: runner,
      signal: input.signal,
      credentials,
      env: input.env,
      api: input.api?.(region, credentials),
      sagemaker: input.api ? undefined : input.sagemaker?.(region, credentials),
    }),
  );
  if (found.errors === 0) return { checked: found.manifests };
  return {
    checked: found.manifests,
    failure: {
      reason: 'preflight-failed',
      message: `preflight found ${plural(found.errors, 'error')}: something a manifest names is missing; nothing was created`,
    },
  };
}

/**
 * A dry run's preflight, when it has credentials and a region; otherwise it says why it
 * was skipped. A role that cannot be assumed (no OIDC token on a fork's pull request)
 * skips it too: a dry run never fails for want of credentials.
 */
export async function dryRunPreflight(
  input: StageInput,
  assume: () => Promise<{ credentials?: RenewableCredentials } | { outcome: Outcome }>,
): Promise<Preflighted> {
  const { checked, settings, runner } = input;
  // verify and sync create nothing: there is nothing for preflight to protect.
  if (!settings.preflight || settings.mode !== 'publish') return { checked };
  const skipped = (why: string) => {
    runner.info(`Preflight skipped: ${why}.`);
    return { checked };
  };
  if (!credentialsAvailable(input.env, Boolean(settings.role))) {
    return skipped(
      'a dry run without AWS credentials (role-to-assume, or credentials in the environment) makes no AWS call',
    );
  }
  if (!settings.region) return skipped('no region');
  const assumed = await assume();
  if ('outcome' in assumed) return skipped(assumed.outcome.failure?.message ?? 'no credentials');
  try {
    return await runPreflight({
      ...input,
      settings: { ...settings, mode: 'publish' },
      credentials: assumed.credentials,
    });
  } finally {
    assumed.credentials?.destroy();
  }
}

/**
 * The outcome of a run preflight stopped: the manifests it found problems in fail with
 * `preflight-failed`; the others are not sent (a dry run's stay planned).
 */
export function preflightFailed(
  { checked, failure }: Preflighted,
  dryRun: boolean,
  resultOf: (manifest: CheckedManifest, status: PackageResult['status']) => PackageResult,
): Outcome {
  return {
    results: checked.map((m) => {
      const errors = countErrors(m.problems);
      if (errors > 0) {
        return {
          ...resultOf(m, 'Failed'),
          failureReason: 'preflight-failed' as const,
          error: `preflight found ${plural(errors, 'error')} in the manifest's references; nothing was created`,
        };
      }
      if (dryRun) return resultOf(m, 'DryRun');
      return {
        ...resultOf(m, 'Failed'),
        error: 'not sent to AWS: preflight of another manifest of this run failed',
      };
    }),
    failure,
  };
}
