/**
 * The action's inputs (action.yml), read once through the runner port into a typed
 * settings object. INPUTS is the code's copy of action.yml's inputs and defaults; a test
 * keeps the two equal.
 */
import type { Runner } from './runner/port.js';

export type CommentMode = 'update' | 'new' | 'off';

export interface Settings {
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
  /** One check run per package on the commit. */
  checkRun: boolean;
  /** Tells this job's reports from those of other jobs on the same manifests (a matrix). */
  label: string | undefined;
}

/** Every input of action.yml with its default; `${{ ... }}` defaults come from the runner. */
export const INPUTS = {
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
  'check-run': 'true',
  label: '',
} as const;

export type InputName = keyof typeof INPUTS;

/** An input whose value cannot be used; the message names the input. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** A label is part of a check run's name: short, one line, no control characters. */
export const MAX_LABEL_LENGTH = 64;
const COMMENT_MODES: readonly CommentMode[] = ['update', 'new', 'off'];

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

export function getInputs(runner: Runner, env: NodeJS.ProcessEnv = process.env): Settings {
  const lines = runner.getMultilineInput('manifest').filter(Boolean);
  const manifests = lines.length > 0 ? lines : [INPUTS.manifest];

  const { region, source } = regionOf(runner, env);
  if (region && !REGION.test(region)) {
    throw new InputError(`${source}: '${region}' is not an AWS region name such as us-east-1`);
  }

  const timeoutText = valueOf(runner, 'wait-timeout-minutes');
  const waitTimeoutMinutes = Number(timeoutText);
  if (!Number.isFinite(waitTimeoutMinutes) || waitTimeoutMinutes <= 0) {
    throw new InputError(
      `input 'wait-timeout-minutes' must be a positive number of minutes (decimals allowed), not '${timeoutText}'`,
    );
  }

  const maxText = valueOf(runner, 'max-manifests');
  const maxManifests = Number(maxText);
  if (!Number.isInteger(maxManifests) || maxManifests < 1) {
    throw new InputError(
      `input 'max-manifests' must be a whole number of at least 1, not '${maxText}'`,
    );
  }

  const comment = valueOf(runner, 'comment') as CommentMode;
  if (!COMMENT_MODES.includes(comment)) {
    throw new InputError(
      `input 'comment' must be one of ${COMMENT_MODES.join(', ')}, not '${comment}'`,
    );
  }

  const label = runner.getInput('label');
  if ([...label].length > MAX_LABEL_LENGTH || /[\p{Cc}\p{Zl}\p{Zp}]/u.test(label)) {
    throw new InputError(
      `input 'label' must be one line of at most ${MAX_LABEL_LENGTH} characters without control characters`,
    );
  }

  return {
    manifests,
    maxManifests,
    region,
    wait: booleanInput(runner, 'wait'),
    waitTimeoutMinutes,
    failOnValidationFailure: booleanInput(runner, 'fail-on-validation-failure'),
    comment,
    githubToken: valueOf(runner, 'github-token'),
    dryRun: booleanInput(runner, 'dry-run'),
    createGroup: booleanInput(runner, 'create-group'),
    approveOnSuccess: booleanInput(runner, 'approve-on-success'),
    checkRun: booleanInput(runner, 'check-run'),
    label: label || undefined,
  };
}
