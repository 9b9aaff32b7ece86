/** A package's `ModelLifeCycle` as the reports, `results` and the stage steps see it. */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import type { LifeCycle } from './types.js';

export function lifeCycleOf(value: DescribeModelPackageOutput['ModelLifeCycle']): LifeCycle | null {
  if (!value?.Stage) return null;
  return {
    stage: value.Stage,
    stageStatus: value.StageStatus ?? '',
    stageDescription: value.StageDescription ?? null,
  };
}

/** A stage as `require-stage` spells it: `Stage/StageStatus`, or `Stage`. */
export function stageName(lifeCycle: LifeCycle): string {
  return lifeCycle.stageStatus ? `${lifeCycle.stage}/${lifeCycle.stageStatus}` : lifeCycle.stage;
}
