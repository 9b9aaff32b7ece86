/** The action's inputs (action.yml), read and checked once into a typed settings object. */
import * as core from './runner.js';

export type CommentMode = 'update' | 'new' | 'off';

export interface Settings {
  /** Paths and globs, one per line, relative to the workspace. */
  manifests: string[];
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
}

/** An input whose value cannot be used; the message names the input. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const COMMENT_MODES: readonly CommentMode[] = ['update', 'new', 'off'];

function booleanInput(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const value = core.getInput(name, env).trim();
  if (value === '') return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(`input '${name}' must be true or false, not '${value}'`);
}

export function getInputs(env: NodeJS.ProcessEnv = process.env): Settings {
  const manifests = core
    .getMultilineInput('manifest')
    .map((line) => line.trim())
    .filter(Boolean);
  if (manifests.length === 0) manifests.push('model-package.yml');

  const region =
    core.getInput('region', env).trim() || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  if (region && !REGION.test(region)) {
    throw new InputError(`input 'region': '${region}' is not an AWS region name such as us-east-1`);
  }

  const timeoutText = core.getInput('wait-timeout-minutes', env).trim() || '300';
  const waitTimeoutMinutes = Number(timeoutText);
  if (!Number.isFinite(waitTimeoutMinutes) || waitTimeoutMinutes <= 0) {
    throw new InputError(
      `input 'wait-timeout-minutes' must be a positive number of minutes (decimals allowed), not '${timeoutText}'`,
    );
  }

  const comment = (core.getInput('comment', env).trim() || 'update') as CommentMode;
  if (!COMMENT_MODES.includes(comment)) {
    throw new InputError(
      `input 'comment' must be one of ${COMMENT_MODES.join(', ')}, not '${comment}'`,
    );
  }

  return {
    manifests,
    region: region || undefined,
    wait: booleanInput('wait', true, env),
    waitTimeoutMinutes,
    failOnValidationFailure: booleanInput('fail-on-validation-failure', true, env),
    comment,
    githubToken: core.getInput('github-token', env),
    dryRun: booleanInput('dry-run', false, env),
    createGroup: booleanInput('create-group', true, env),
    approveOnSuccess: booleanInput('approve-on-success', false, env),
  };
}
