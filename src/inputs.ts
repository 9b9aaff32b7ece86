/**
 * The action's inputs (action.yml), read once through the runner port into a typed
 * settings object. INPUTS is the code's copy of action.yml's inputs and defaults; a test
 * keeps the two equal.
 */
import type { Runner } from './runner/port.js';
import type { CompareTo } from './plan/live.js';
import { ARN_FORM, parsePackageArn, type PackageArn } from './package/arn.js';

export type CommentMode = 'update' | 'new' | 'combined' | 'off';

/**
 * What a run does (SPEC §3): `publish` creates or reuses the manifests' packages and
 * reports on them; `verify` never writes to SageMaker and only finds the package each
 * manifest made; `sync` creates nothing and concludes the check runs (and comments) that
 * earlier runs left in progress.
 */
export type Mode = 'publish' | 'verify' | 'sync';

/** The modes, in the order messages list them. */
export const MODES: readonly Mode[] = ['publish', 'verify', 'sync'];

export interface Settings {
  mode: Mode;
  /** Paths and globs, one per line, relative to the workspace. */
  manifests: string[];
  /** A run refuses more manifests than this, before any call to AWS or GitHub. */
  maxManifests: number;
  /** Target region; undefined when neither the input nor the environment names one. */
  region: string | undefined;
  wait: boolean;
  waitTimeoutMinutes: number;
  failOnValidationFailure: boolean;
  comment: CommentMode;
  githubToken: string;
  dryRun: boolean;
  createGroup: boolean;
  approveOnSuccess: boolean;
  /** verify: a versioned package must also be Approved. */
  requireApproval: boolean;
  /** One check run per package on the commit. */
  checkRun: boolean;
  /** Read-only checks of the S3 objects, images and algorithms a request names, before creating. */
  preflight: boolean;
  /** Tells this job's reports from those of other jobs on the same manifests (a matrix). */
  label: string | undefined;
  /** The role the action assumes itself with the job's OIDC token; undefined: the SDK's chain. */
  role: RoleSettings | undefined;
  /** The live version a plan compares with (SPEC §6). */
  compareTo: CompareTo;
  /** verify: the package must be in this lifecycle stage (and stage status, when given). */
  requireStage: StageInput | undefined;
  /** publish: a version whose validation completed moves to this stage. */
  stageOnSuccess: Required<StageInput> | undefined;
  /** What the run does with the listing files beside the manifests (SPEC §9). */
  marketplace: MarketplaceMode;
  /** How long a listing's change set is followed. */
  marketplaceTimeoutMinutes: number;
  /**
   * verify: the one package the run is for (a dispatched event's ARN): only the manifests
   * of its group or name are verified, and their package must be this one.
   */
  packageArn: PackageArn | undefined;
}

/**
 * `off`: listing files are not read. `check`: they are checked, and with credentials the
 * product is read before anything is created. `validate`: also a change set with
 * `Intent: VALIDATE` once validation completed. `apply`: the package is added to its
 * product as a new version once validation completed.
 */
export type MarketplaceMode = 'off' | 'check' | 'validate' | 'apply';

export const MARKETPLACE_MODES: readonly MarketplaceMode[] = ['off', 'check', 'validate', 'apply'];

/** `Stage` or `Stage/StageStatus`, as `require-stage` and `stage-on-success` spell it. */
export interface StageInput {
  stage: string;
  stageStatus?: string;
}

/**
 * The stage status `stage-on-success` sets when the input names only a stage:
 * ModelLifeCycle needs both, and a version that reaches a stage waits for that stage's
 * approval (the SageMaker developer guide's staging examples pair Staging with it).
 */
export const DEFAULT_STAGE_STATUS = 'PendingApproval';

export interface RoleSettings {
  /** IAM role ARN. */
  arn: string;
  sessionName: string;
  durationSeconds: number;
  /** Audience of the job's OIDC token. */
  audience: string;
}

/** Every input of action.yml with its default; `${{ ... }}` defaults come from the runner. */
export const INPUTS = {
  mode: 'publish',
  manifest: 'model-package.yml',
  'max-manifests': '20',
  region: '',
  wait: 'true',
  'wait-timeout-minutes': '300',
  'fail-on-validation-failure': 'true',
  comment: 'update',
  'github-token': '${{ github.token }}',
  'dry-run': 'false',
  'create-group': 'true',
  'approve-on-success': 'false',
  'require-approval': 'false',
  'check-run': 'true',
  preflight: 'true',
  label: '',
  'compare-to': 'approved',
  'require-stage': '',
  'stage-on-success': '',
  marketplace: 'off',
  'marketplace-timeout-minutes': '60',
  'role-to-assume': '',
  'role-session-name': '',
  'role-duration-seconds': '3600',
  audience: 'sts.amazonaws.com',
  'model-package-arn': '',
} as const;

export type InputName = keyof typeof INPUTS;

/** An input whose value cannot be used; the message names the input. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** A label is part of a check run's name: short, one line, no control characters. */
export const MAX_LABEL_LENGTH = 64;
/** An IAM role ARN, with an optional path: arn:aws:iam::123456789012:role/ci/deploy. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
/** STS's RoleSessionName. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** STS's limits on DurationSeconds; a role's own maximum may be lower. */
const DURATION = { min: 900, max: 43_200 } as const;
const COMMENT_MODES: readonly CommentMode[] = ['update', 'new', 'combined', 'off'];
/** ModelLifeCycle's Stage and StageStatus (API reference). */
const STAGE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const STAGE_NAME_TEXT = '1 to 63 letters, digits and inner hyphens';

/** `Stage` or `Stage/StageStatus`; undefined when the input is empty. */
function stageInput(runner: Runner, name: InputName): StageInput | undefined {
  const value = valueOf(runner, name).trim();
  if (!value) return undefined;
  const [stage = '', stageStatus, ...rest] = value.split('/');
  if (
    rest.length ||
    !STAGE_NAME.test(stage) ||
    (stageStatus !== undefined && !STAGE_NAME.test(stageStatus))
  ) {
    throw new InputError(
      `input '${name}' must be a stage, or a stage and its status as Stage/StageStatus (each ${STAGE_NAME_TEXT}, as ModelLifeCycle allows), not '${value}'`,
    );
  }
  return stageStatus === undefined ? { stage } : { stage, stageStatus };
}

function compareToInput(runner: Runner): CompareTo {
  const value = valueOf(runner, 'compare-to').trim();
  if (value === 'approved' || value === 'latest') return { kind: value };
  const stage = /^stage:(.*)$/.exec(value)?.[1];
  if (stage !== undefined && STAGE_NAME.test(stage)) return { kind: 'stage', stage };
  throw new InputError(
    `input 'compare-to' must be approved, latest or stage:<Stage> (a stage of ${STAGE_NAME_TEXT}), not '${value}'`,
  );
}

/** The input's value, or its default when the workflow does not give one. */
function valueOf(runner: Runner, name: InputName): string {
  const value = runner.getInput(name);
  if (value !== '') return value;
  const fallback: string = INPUTS[name];
  return fallback.startsWith('${{') ? '' : fallback;
}

function booleanInput(runner: Runner, name: InputName): boolean {
  if (runner.getInput(name) === '') return valueOf(runner, name) === 'true';
  try {
    return runner.getBooleanInput(name);
  } catch {
    throw new InputError(`input '${name}' must be true or false, not '${runner.getInput(name)}'`);
  }
}

function regionOf(runner: Runner, env: NodeJS.ProcessEnv): { region?: string; source: string } {
  const input = runner.getInput('region');
  if (input) return { region: input, source: "input 'region'" };
  for (const variable of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = env[variable]?.trim();
    if (value) return { region: value, source: `environment variable ${variable}` };
  }
  return { source: "input 'region'" };
}

/** An input that must be one of `allowed`. */
function oneOf<T extends string>(runner: Runner, name: InputName, allowed: readonly T[]): T {
  const value = valueOf(runner, name).trim() as T;
  if (!allowed.includes(value)) {
    throw new InputError(`input '${name}' must be one of ${allowed.join(', ')}, not '${value}'`);
  }
  return value;
}

/** A number input that `valid` accepts; `expected` says what it must be. */
function numberInput(
  runner: Runner,
  name: InputName,
  valid: (n: number) => boolean,
  expected: string,
): number {
  const text = valueOf(runner, name);
  const n = Number(text);
  if (!valid(n)) throw new InputError(`input '${name}' must be ${expected}, not '${text}'`);
  return n;
}

export function getInputs(runner: Runner, env: NodeJS.ProcessEnv = process.env): Settings {
  const mode = oneOf(runner, 'mode', MODES);
  const lines = runner.getMultilineInput('manifest').filter(Boolean);
  const manifests = lines.length > 0 ? lines : [INPUTS.manifest];

  const { region, source } = regionOf(runner, env);
  if (region && !REGION.test(region)) {
    throw new InputError(`${source}: '${region}' is not an AWS region name such as us-east-1`);
  }

  const waitTimeoutMinutes = numberInput(
    runner,
    'wait-timeout-minutes',
    (n) => Number.isFinite(n) && n > 0,
    'a positive number of minutes (decimals allowed)',
  );
  const maxManifests = numberInput(
    runner,
    'max-manifests',
    (n) => Number.isInteger(n) && n >= 1,
    'a whole number of at least 1',
  );
  const comment = oneOf(runner, 'comment', COMMENT_MODES);

  const label = runner.getInput('label');
  if ([...label].length > MAX_LABEL_LENGTH || /[\p{Cc}\p{Zl}\p{Zp}]/u.test(label)) {
    throw new InputError(
      `input 'label' must be one line of at most ${MAX_LABEL_LENGTH} characters without control characters`,
    );
  }

  const githubToken = valueOf(runner, 'github-token');
  const dryRun = booleanInput(runner, 'dry-run');
  const role = roleOf(runner, env);
  // What a mode needs of the other inputs (what each mode does: modes.ts).
  if (mode === 'sync') {
    if (!githubToken) {
      throw new InputError("mode 'sync' needs a 'github-token' that may write check runs");
    }
    if (role && !region) {
      throw new InputError("no region for role-to-assume: set the 'region' input, or AWS_REGION");
    }
  } else if (!region && !dryRun) {
    throw new InputError(
      "no region: set the 'region' input, or AWS_REGION (aws-actions/configure-aws-credentials sets it)",
    );
  }

  return {
    packageArn: packageArnOf(runner, mode, region),
    mode,
    manifests,
    maxManifests,
    region,
    wait: booleanInput(runner, 'wait'),
    waitTimeoutMinutes,
    failOnValidationFailure: booleanInput(runner, 'fail-on-validation-failure'),
    comment,
    githubToken,
    dryRun,
    createGroup: booleanInput(runner, 'create-group'),
    approveOnSuccess: booleanInput(runner, 'approve-on-success'),
    requireApproval: booleanInput(runner, 'require-approval'),
    checkRun: booleanInput(runner, 'check-run'),
    preflight: booleanInput(runner, 'preflight'),
    label: label || undefined,
    role,
    compareTo: compareToInput(runner),
    requireStage: stageInput(runner, 'require-stage'),
    stageOnSuccess: stageOnSuccessOf(runner),
    marketplace: oneOf(runner, 'marketplace', MARKETPLACE_MODES),
    marketplaceTimeoutMinutes: numberInput(
      runner,
      'marketplace-timeout-minutes',
      (n) => Number.isFinite(n) && n > 0,
      'a positive number of minutes (decimals allowed)',
    ),
  };
}

/** `model-package-arn`: verify only; a model package's ARN in the run's region. */
function packageArnOf(runner: Runner, mode: Mode, region: string | undefined) {
  const value = valueOf(runner, 'model-package-arn');
  if (!value) return undefined;
  if (mode !== 'verify') {
    throw new InputError(
      `input 'model-package-arn' is for mode 'verify', not '${mode}'${mode === 'sync' ? ': a dispatched sync reads the ARN from its event' : ''}`,
    );
  }
  const arn = parsePackageArn(value);
  // The value may come from an event's payload: its length is shown, never its text.
  if (!arn) {
    throw new InputError(
      `input 'model-package-arn' (${value.length} characters) is not a model package's ARN, ${ARN_FORM}`,
    );
  }
  if (region && arn.region !== region) {
    throw new InputError(
      `input 'model-package-arn' names a package in ${arn.region}, but the run's region is ${region}`,
    );
  }
  return arn;
}

function stageOnSuccessOf(runner: Runner): Required<StageInput> | undefined {
  const target = stageInput(runner, 'stage-on-success');
  return target && { stage: target.stage, stageStatus: target.stageStatus ?? DEFAULT_STAGE_STATUS };
}

/** A session name from the run: sagemaker-model-package-<run id>-<attempt>. */
export function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const part = (value: string | undefined, fallback: string) =>
    value && /^\d{1,20}$/.test(value) ? value : fallback;
  return `sagemaker-model-package-${part(env.GITHUB_RUN_ID, 'local')}-${part(env.GITHUB_RUN_ATTEMPT, '1')}`;
}

function roleOf(runner: Runner, env: NodeJS.ProcessEnv): RoleSettings | undefined {
  const sessionName = valueOf(runner, 'role-session-name') || defaultSessionName(env);
  if (!SESSION_NAME.test(sessionName)) {
    throw new InputError(
      `input 'role-session-name' must be 2 to 64 letters, digits and _+=,.@- (STS's rule), not '${sessionName}'`,
    );
  }
  const durationSeconds = numberInput(
    runner,
    'role-duration-seconds',
    (n) => Number.isInteger(n) && n >= DURATION.min && n <= DURATION.max,
    `a whole number of seconds from ${DURATION.min} to ${DURATION.max}`,
  );
  const audience = valueOf(runner, 'audience');
  if (!/^[\x21-\x7e]{1,256}$/.test(audience)) {
    throw new InputError(
      `input 'audience' must be 1 to 256 printable characters without spaces, such as sts.amazonaws.com, not '${audience}'`,
    );
  }
  const arn = valueOf(runner, 'role-to-assume');
  if (!arn) return undefined;
  if (!ROLE_ARN.test(arn)) {
    throw new InputError(
      `input 'role-to-assume' must be an IAM role ARN such as arn:aws:iam::123456789012:role/model-publisher, not '${arn}'`,
    );
  }
  return { arn, sessionName, durationSeconds, audience };
}
