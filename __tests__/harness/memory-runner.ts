/**
 * The runner port in memory: inputs given as a map, and everything the action says
 * (log lines, annotations, groups, secrets, outputs, summary, failure) recorded.
 * Input semantics follow @actions/core's: trimmed values, YAML 1.2 booleans.
 */
import type { Annotation, Runner } from '../../src/runner/port.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'notice' | 'warning' | 'error';
  message: string;
  annotation?: Annotation;
  /** The group the line was written in, if any. */
  group?: string;
}

export interface MemoryRunner extends Runner {
  readonly log: LogEntry[];
  readonly outputs: Record<string, string>;
  readonly secrets: string[];
  readonly groups: string[];
  summary: string;
  failed?: string;
  /** The audience of every OIDC token asked for, in order. */
  readonly idTokenRequests: string[];
  /** The lines at a level, without their annotations. */
  lines(level?: LogEntry['level']): string[];
}

/** What @actions/core says when the job has no `permissions: id-token: write`. */
export const NO_ID_TOKEN = 'Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable';

export function memoryRunner(
  inputs: Record<string, string> = {},
  options: {
    summary?: boolean;
    /** The job's OIDC tokens; by default the job may have none, as without id-token: write. */
    idToken?: (audience: string) => string | Promise<string>;
  } = {},
): MemoryRunner {
  let group: string | undefined;
  const raw = (name: string) => (inputs[name] ?? '').trim();
  const say = (level: LogEntry['level']) => (message: string, annotation?: Annotation) => {
    runner.log.push({
      level,
      message,
      ...(annotation ? { annotation } : {}),
      ...(group ? { group } : {}),
    });
  };
  const runner: MemoryRunner = {
    log: [],
    outputs: {},
    secrets: [],
    groups: [],
    summary: '',
    idTokenRequests: [],
    getInput: raw,
    getBooleanInput(name) {
      const value = raw(name);
      if (['true', 'True', 'TRUE'].includes(value)) return true;
      if (['false', 'False', 'FALSE'].includes(value)) return false;
      throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`);
    },
    getMultilineInput: (name) =>
      raw(name)
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.trim()),
    setOutput(name, value) {
      runner.outputs[name] = value;
    },
    setSecret(value) {
      runner.secrets.push(value);
    },
    async getIDToken(audience) {
      runner.idTokenRequests.push(audience);
      if (!options.idToken) throw new Error(NO_ID_TOKEN);
      const token = await options.idToken(audience);
      runner.setSecret(token);
      return token;
    },
    debug: say('debug'),
    info: say('info'),
    notice: say('notice'),
    warning: say('warning'),
    error: say('error'),
    async group(name, fn) {
      runner.groups.push(name);
      group = name;
      try {
        return await fn();
      } finally {
        group = undefined;
      }
    },
    async appendSummary(markdown) {
      if (options.summary === false) throw new Error('no job summary in this runner');
      runner.summary += markdown.endsWith('\n') ? markdown : `${markdown}\n`;
    },
    setFailed(message) {
      runner.failed = message;
      say('error')(message);
    },
    lines: (level) => runner.log.filter((e) => !level || e.level === level).map((e) => e.message),
  };
  return runner;
}
