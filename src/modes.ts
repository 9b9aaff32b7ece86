/**
 * What each mode does, decided here once (SPEC §3): the steps a run takes, from the
 * settings. The pipeline (main.ts) runs the steps this says and nothing else; the rules
 * an input must meet for a mode (region, token) are checked where inputs are read
 * (inputs.ts).
 *
 * - publish: check the manifests, preflight, create or reuse each package, wait for
 *   validation, approve what completed (approve-on-success) and move it to its stage
 *   (stage-on-success), report on this run's commit. Each package is planned against the
 *   live version as it is obtained.
 * - verify: check the manifests, find the package each manifest made (never write to
 *   SageMaker), wait if it is still validating, require approval (require-approval) and a
 *   stage (require-stage), report on this run's commit.
 * - dry run (publish or verify with dry-run): check the manifests, preflight when a
 *   publish has credentials (read-only), plan with read-only calls when there are
 *   credentials, and report the requests; no check runs.
 * - marketplace (publish and verify): with `check` or more, each manifest's listing file is
 *   checked with it and read-only checks of the product join preflight's; with `validate`
 *   or `apply`, the last step after validation lists the package (only a package whose
 *   validation completed and that passed the steps before it: require-approval).
 * - sync: read no manifest; collect the packages that earlier runs left validating (their
 *   check runs), describe them once, and report on those runs' check runs and comments.
 *   On a `repository_dispatch` event (SageMaker's own event, SPEC §10), only the package
 *   its payload names: described again, found by the record of where it was reported
 *   (sync/dispatch.ts), its check runs concluded and its comment updated.
 */
import type { Settings } from './inputs.js';

export type ModeName = 'publish' | 'verify' | 'dry-run' | 'sync';

/**
 * A step after validation, run per package: each returns the package's new result. `list`
 * starts (or finds) the listing's change set on AWS Marketplace and follows it.
 */
export type AfterValidation = 'approve' | 'stage' | 'require-approval' | 'require-stage' | 'list';

export interface ModeSteps {
  name: ModeName;
  /** The log group the packages are obtained under. */
  title: string;
  /**
   * Where the packages come from: the manifests, the open check runs (sync), or the one
   * package a dispatched sync's event names.
   */
  source: 'manifests' | 'check-runs' | 'dispatch';
  /**
   * Preflight's read-only checks: before anything is created; in a dry run, only when
   * there are credentials to make them with; or none.
   */
  preflight: 'before-creating' | 'with-credentials' | 'none';
  /** How each manifest's package is obtained: created or reused, found, or neither. */
  obtain: 'create-or-reuse' | 'find' | 'none';
  /** Whether the run waits for validation to end. */
  waits: boolean;
  after: readonly AfterValidation[];
  /**
   * The plan against the live version (SPEC §6): made as the packages are obtained; in a
   * dry run, with read-only calls when there are credentials; or none.
   */
  plan: 'when-obtaining' | 'with-credentials' | 'none';
  /** This run's own check runs and pull-request comments (a sync writes earlier runs'). */
  ownReports: { checkRuns: boolean; comments: boolean };
  /** Said once before the packages are obtained: inputs this mode ignores. */
  notes: readonly string[];
}

/** `eventName`: the event of the run (a `repository_dispatch` makes a sync a dispatched one). */
export function modeOf(settings: Settings, eventName?: string): ModeSteps {
  const own = { checkRuns: true, comments: true };
  if (settings.mode === 'sync') {
    const dispatched = eventName === 'repository_dispatch';
    return {
      name: 'sync',
      title: dispatched
        ? "Concluding the check runs of the dispatched event's package"
        : 'Concluding the check runs of earlier runs',
      source: dispatched ? 'dispatch' : 'check-runs',
      preflight: 'none',
      obtain: 'none',
      waits: false,
      after: [],
      plan: 'none',
      ownReports: { checkRuns: false, comments: false },
      notes: [],
    };
  }
  if (settings.dryRun) {
    return {
      name: 'dry-run',
      title: 'Dry run',
      source: 'manifests',
      // verify creates nothing: there is nothing for preflight to protect. A dry run whose
      // role cannot be assumed (a fork's pull request) skips preflight rather than fail.
      preflight: settings.preflight && settings.mode === 'publish' ? 'with-credentials' : 'none',
      obtain: 'none',
      waits: false,
      after: [],
      plan: 'with-credentials',
      ownReports: { checkRuns: false, comments: true },
      notes: [],
    };
  }
  if (settings.mode === 'verify') {
    return {
      name: 'verify',
      title: 'Finding the model packages',
      source: 'manifests',
      preflight: 'none',
      obtain: 'find',
      waits: settings.wait,
      after: [
        ...(settings.requireApproval ? (['require-approval'] as const) : []),
        ...(settings.requireStage ? (['require-stage'] as const) : []),
        ...listStep(settings),
      ],
      plan: 'when-obtaining',
      ownReports: own,
      notes: [
        ...(settings.approveOnSuccess ? ['approve-on-success'] : []),
        ...(settings.stageOnSuccess ? ['stage-on-success'] : []),
      ].map((input) => `${input} is ignored with 'mode: verify', which never writes to SageMaker.`),
    };
  }
  return {
    name: 'publish',
    title: 'Creating the model packages',
    source: 'manifests',
    preflight: settings.preflight ? 'before-creating' : 'none',
    obtain: 'create-or-reuse',
    waits: settings.wait,
    after: [
      ...(settings.approveOnSuccess ? (['approve'] as const) : []),
      ...(settings.stageOnSuccess ? (['stage'] as const) : []),
      ...listStep(settings),
    ],
    plan: 'when-obtaining',
    ownReports: own,
    notes: settings.requireStage
      ? ["require-stage is checked by 'mode: verify'; a publish run ignores it."]
      : [],
  };
}

/** The listing step, last after validation, when `marketplace` submits change sets. */
function listStep(settings: Settings): AfterValidation[] {
  return settings.marketplace === 'validate' || settings.marketplace === 'apply' ? ['list'] : [];
}
