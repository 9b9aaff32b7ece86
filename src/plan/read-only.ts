/**
 * A dry run's plan (SPEC §6): each valid manifest planned with read-only calls, with the
 * clients of aws/read-only.ts. A manifest that cannot be planned keeps its result, with a
 * warning.
 */
import type { AwsClients } from '../aws/clients.js';
import type { CheckedManifest } from '../manifest/load.js';
import { manifestKeyOf } from '../package/fingerprint.js';
import type { PackageResult } from '../results.js';
import type { Runner } from '../runner/port.js';
import { describeError } from '../sagemaker/errors.js';
import type { WorkflowRun } from '../workflow-run.js';
import type { CompareTo } from './live.js';

export interface ReadOnlyPlanInput {
  /** The clients a dry run reads with (aws/read-only.ts). */
  access: { aws: AwsClients; region: string };
  checked: readonly CheckedManifest[];
  /** One result per manifest, in the order of `checked`. */
  results: readonly PackageResult[];
  compareTo: CompareTo;
  workflow: WorkflowRun;
  runner: Runner;
  signal?: AbortSignal;
}

export async function planReadOnly(input: ReadOnlyPlanInput): Promise<PackageResult[]> {
  const { runner, results, access } = input;
  const [{ planManifest }, api] = await Promise.all([
    import('./plan.js'),
    access.aws.sagemaker(access.region),
  ]);
  try {
    return await runner.group('Plan: what each manifest changes against the live version', () =>
      Promise.all(
        results.map(async (result, i) => {
          const manifest = input.checked[i];
          if (!manifest?.request) return result;
          try {
            const { plan } = await planManifest(manifest.request, {
              api,
              compareTo: input.compareTo,
              manifestKey: manifestKeyOf(input.workflow, manifest.file),
              signal: input.signal,
            });
            return { ...result, plan };
          } catch (e) {
            runner.warning(
              `${manifest.file}: no plan against the live version: ${describeError(e)}`,
            );
            return result;
          }
        }),
      ),
    );
  } finally {
    api.destroy();
  }
}
