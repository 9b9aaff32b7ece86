/**
 * Preflight as a stage of the pipeline (main.ts): it runs when the mode says (modes.ts),
 * gives the manifests back with its findings, and makes the outcome of a run it stops.
 * With `marketplace` on, the products of the manifests' listing files are read too (SPEC
 * §9), through a Catalog API client made only when some manifest has a listing.
 * Loads nothing of the AWS SDK itself: run.js and the clients are imported when it runs.
 */
import { plural } from '../text.js';
import type { AwsClients } from '../aws/clients.js';
import type { CatalogApi } from '../listing/catalog.js';
import type { Settings } from '../inputs.js';
import type { ModeSteps } from '../modes.js';
import type { CheckedManifest } from '../manifest/load.js';
import type { Outcome, StepFailure } from '../results.js';
import type { Runner } from '../runner/port.js';
import { readOnlyAccess } from '../aws/read-only.js';

export interface Preflighted {
  /** The manifests, with preflight's findings among their problems. */
  checked: readonly CheckedManifest[];
  /** Set when preflight found something missing. */
  failure?: StepFailure;
}

export interface StageInput {
  checked: readonly CheckedManifest[];
  /** When preflight runs (modes.ts). */
  mode: Pick<ModeSteps, 'preflight'>;
  settings: Pick<Settings, 'region' | 'role' | 'marketplace'>;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The run's AWS clients; with role-to-assume's credentials once assumed. */
  aws: AwsClients;
  /** role-to-assume's credentials, for a dry run that has not assumed it yet (its caller releases them). */
  assume: () => Promise<{ aws: AwsClients } | { outcome: Outcome }>;
}

/**
 * Preflight of every manifest, when the mode has it: before creating, always; in a dry
 * run, only with credentials and a region, otherwise it says why it was skipped (a role
 * that cannot be assumed, as on a fork's pull request, skips it too: a dry run never
 * fails for want of credentials). A failure when it found anything missing.
 */
export async function runPreflight(input: StageInput): Promise<Preflighted> {
  const { checked, runner } = input;
  const when = input.mode.preflight;
  if (when === 'none') return { checked };
  if (when === 'before-creating') return preflightWith(input, input.aws);
  const skipped = (why: string) => {
    runner.info(`Preflight skipped: ${why}.`);
    return { checked };
  };
  const access = await readOnlyAccess(input);
  if ('why' in access) return skipped(access.why);
  return preflightWith(input, access.aws);
}

async function preflightWith(input: StageInput, aws: AwsClients): Promise<Preflighted> {
  const { checked, runner } = input;
  const region = input.settings.region!;
  const listings =
    input.settings.marketplace !== 'off' && checked.some((m) => m.listing !== undefined);
  const [{ preflight }, api] = await Promise.all([import('./run.js'), aws.preflight(region)]);
  let catalog: CatalogApi | undefined;
  try {
    catalog = listings ? await aws.marketplace() : undefined;
  } catch (e) {
    api.destroy();
    throw e;
  }
  const title = listings
    ? 'Preflight: the S3 objects, images and algorithms, and the AWS Marketplace listings'
    : 'Preflight: the S3 objects, images and algorithms';
  const found = await runner.group(title, () =>
    preflight({ manifests: checked, region, log: runner, signal: input.signal, api, catalog }),
  );
  if (found.errors === 0) return { checked: found.manifests };
  const what = [
    ...(found.errors > found.listingErrors ? ['something a manifest names is missing'] : []),
    ...(found.listingErrors > 0 ? ['a listing cannot be made as its listing file says'] : []),
  ];
  return {
    checked: found.manifests,
    failure: {
      reason: 'preflight-failed',
      message: `preflight found ${plural(found.errors, 'error')}: ${what.join('; ')}; nothing was created`,
    },
  };
}
