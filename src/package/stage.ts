/**
 * Lifecycle stages (SPEC §3): `stage-on-success` moves a version whose validation
 * completed to a stage, as approve-on-success approves one; `require-stage` gates a
 * release on the stage its package is in. A stage people set in SageMaker Studio after
 * the version was created is never moved.
 */
import type { StageInput } from '../inputs.js';
import type { ModelPackageManifest } from '../manifest/schema.js';
import { lifeCycleOf, stageName } from '../plan/life-cycle.js';
import type { LifeCycle } from '../plan/types.js';
import type { PackageResult } from '../results.js';
import type { Log } from '../runner/port.js';
import type { SageMakerApi } from '../sagemaker/api.js';
import { describeError, isAccessDenied } from '../sagemaker/errors.js';
import { runUrl, type WorkflowRun } from '../workflow-run.js';

interface StageOptions {
  api: SageMakerApi;
  log: Log;
  signal: AbortSignal;
}

/** `Stage/StageStatus`, or `no stage`. */
export function stageText(lifeCycle: LifeCycle | null): string {
  return lifeCycle ? stageName(lifeCycle) : 'no stage';
}

const sameStage = (a: LifeCycle | null, b: StageInput | undefined) =>
  a !== null &&
  b !== undefined &&
  a.stage === b.stage &&
  (b.stageStatus === undefined || a.stageStatus === b.stageStatus);

function versionOf(result: PackageResult): string {
  return `version ${result.version} of ${result.group}`;
}

/**
 * Moves a completed version to `target`, unless it is there already or someone moved it
 * since its creation (its stage is no longer the manifest's). An IAM refusal names the
 * stage and the condition keys that decide it.
 */
export async function moveToStage(
  result: PackageResult,
  target: Required<StageInput>,
  request: ModelPackageManifest | undefined,
  { api, log, signal, run }: StageOptions & { run: WorkflowRun },
): Promise<PackageResult> {
  if (!result.group || result.status !== 'Completed' || !result.arn) return result;
  const current = result.lifeCycle;
  if (sameStage(current, target)) return result;
  const atCreation = request?.ModelLifeCycle;
  if (
    current &&
    !sameStage(
      current,
      atCreation && { stage: atCreation.Stage!, stageStatus: atCreation.StageStatus },
    )
  ) {
    log.info(
      `${versionOf(result)} is in stage ${stageText(current)}, set since it was created: stage-on-success leaves it there.`,
    );
    return result;
  }
  const lifeCycle = {
    Stage: target.stage,
    StageStatus: target.stageStatus,
    StageDescription: `Validation completed; moved by ${runUrl(run) ?? 'sagemaker-model-package-action'}`,
  };
  try {
    await api.updateModelPackage(
      { ModelPackageArn: result.arn, ModelLifeCycle: lifeCycle },
      { abortSignal: signal },
    );
    log.info(`${versionOf(result)}: moved to stage ${stageText(lifeCycleOf(lifeCycle))}.`);
    return { ...result, lifeCycle: lifeCycleOf(lifeCycle) };
  } catch (e) {
    const why = isAccessDenied(e)
      ? `the credentials may not move it to stage ${target.stage}/${target.stageStatus}: allow sagemaker:UpdateModelPackage with the conditions sagemaker:ModelLifeCycle:stage = ${target.stage} and sagemaker:ModelLifeCycle:stageStatus = ${target.stageStatus} (${describeError(e)})`
      : describeError(e);
    const error = `could not move ${result.arn} to stage ${target.stage}/${target.stageStatus}: ${why}`;
    log.error(`${result.manifest}: ${error}`, { file: result.manifest, title: 'Model package' });
    return { ...result, status: 'Failed', failureReason: 'stage-failed', error };
  }
}

/**
 * require-stage: a package whose validation completed must be in the stage (and status,
 * when given), else it fails with `not-in-stage`, saying which stage it is in.
 */
export async function requireStage(
  result: PackageResult,
  required: StageInput,
  { api, log, signal }: StageOptions,
): Promise<PackageResult> {
  if (result.status !== 'Completed' || !result.arn) return result;
  const described = await api.describeModelPackage(result.arn, { abortSignal: signal });
  const lifeCycle = lifeCycleOf(described?.ModelLifeCycle) ?? null;
  const wanted = required.stageStatus
    ? `${required.stage}/${required.stageStatus}`
    : required.stage;
  const what = result.group ? versionOf(result) : (result.name ?? result.manifest);
  if (sameStage(lifeCycle, required)) {
    log.info(`${result.manifest}: ${what} is in stage ${stageText(lifeCycle)}.`);
    return { ...result, lifeCycle };
  }
  const error = `${what} is in ${lifeCycle ? `stage ${stageText(lifeCycle)}` : 'no stage'}; require-stage needs ${wanted}`;
  log.error(`${result.manifest}: ${error}`, { file: result.manifest, title: 'Model package' });
  return { ...result, lifeCycle, status: 'Failed', failureReason: 'not-in-stage', error };
}
