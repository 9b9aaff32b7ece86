/**
 * The diagnosis as publish and sync call it: nothing is loaded unless a validation profile
 * failed (or one starts running), and CloudWatch Logs only when a job's log is read.
 */
import { displayName, type PackageResult } from '../results.js';
import type { Log } from '../runner/port.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import type { Diagnosis } from '../results.js';
import type { LogsApi, Specification } from './diagnose.js';

export interface DiagnosisContext {
  api: SageMakerApi;
  log: Log;
  signal?: AbortSignal;
  /** CloudWatch Logs in a region (the client factory's). */
  logs: (region: string) => Promise<LogsApi>;
  /** The job found for a package's profile while it ran (RunningJobs.jobOf). */
  known?: (packageArn: string, profile: string) => string | undefined;
}

const failedProfile = (r: PackageResult) =>
  r.status === 'Failed' && r.validation.some((v) => v.status === 'Failed' && !v.diagnosis);

/** The results with the diagnosis of their failed validation profiles; the same when none failed. */
export async function diagnoseFailures(
  results: readonly PackageResult[],
  specification: (result: PackageResult, index: number) => Specification,
  context: DiagnosisContext,
): Promise<readonly PackageResult[]> {
  if (!results.some(failedProfile) || context.signal?.aborted) return results;
  try {
    const { diagnoseResults } = await import('./diagnose.js');
    return await diagnoseResults(results, specification, {
      api: context.api,
      log: context.log,
      signal: context.signal,
      known: context.known,
      logs: context.logs,
    });
  } catch (e) {
    context.log.warning(`The failed validations could not be diagnosed: ${String(e)}`);
    return results;
  }
}

/**
 * Links running validations to their transform jobs: each package is looked for once,
 * when one of its profiles is first seen InProgress, together with every other package
 * seen starting at the same time; what was found is kept on later results, whose items
 * are rebuilt from each new description.
 */
export class RunningJobs {
  private readonly looked = new Set<string>();
  private readonly found = new Map<string, Map<string, Diagnosis>>();

  constructor(
    private readonly specification: (result: PackageResult) => Specification,
    private readonly context: DiagnosisContext,
  ) {}

  /** The name of the job found for `profile` of the package `arn` while it ran. */
  jobOf(arn: string, profile: string): string | undefined {
    return this.found.get(arn)?.get(profile)?.jobName ?? undefined;
  }

  async annotate(results: readonly PackageResult[]): Promise<PackageResult[]> {
    // The packages that started validating since the last call: looked for together.
    const started = results.filter(
      (r) =>
        r.arn &&
        !this.looked.has(r.arn) &&
        r.validation.some((v) => v.status === 'InProgress') &&
        !this.context.signal?.aborted,
    );
    if (started.length > 0) {
      const running = started.flatMap((result) =>
        result.validation
          .filter((v) => v.status === 'InProgress')
          .map((item) => ({
            result,
            specification: this.specification(result),
            profile: item.name,
          })),
      );
      for (const result of started) this.looked.add(result.arn!);
      const { runningJobs } = await import('./diagnose.js');
      const found = await runningJobs(running, {
        api: this.context.api,
        signal: this.context.signal,
      });
      for (const result of started) this.found.set(result.arn!, new Map());
      running.forEach(({ result, profile }, i) => {
        const diagnosis = found[i];
        if (!diagnosis) return;
        this.found.get(result.arn!)!.set(profile, diagnosis);
        this.context.log.info(
          `${displayName(result)}: validation profile ${profile} runs as transform job ${diagnosis.jobName}.`,
        );
      });
    }
    return results.map((result) => {
      const byProfile = result.arn ? this.found.get(result.arn) : undefined;
      if (!byProfile?.size) return result;
      return {
        ...result,
        validation: result.validation.map((item) => {
          const known = byProfile.get(item.name);
          return known && !item.diagnosis && item.status === 'InProgress'
            ? { ...item, diagnosis: known }
            : item;
        }),
      };
    });
  }
}
