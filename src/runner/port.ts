/**
 * The port through which the action speaks to the runner: inputs, outputs, log lines and
 * annotations, groups, secrets and the job summary. The action's code depends on this
 * interface only; `actions-core.ts` implements it on @actions/core, and tests use an
 * in-memory implementation.
 */

/** Where an annotation points; end positions are given when they are known. */
export interface Annotation {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/** The log: plain lines, and warnings and errors that become annotations. */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  notice(message: string, annotation?: Annotation): void;
  warning(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
}

export interface Runner extends Log {
  /** An input as the workflow gives it, trimmed; '' when it is not given. */
  getInput(name: string): string;
  /** A true/false input (YAML 1.2 core schema); throws on any other value. */
  getBooleanInput(name: string): boolean;
  /** The non-empty lines of an input, trimmed. */
  getMultilineInput(name: string): string[];
  setOutput(name: string, value: string): void;
  /** Hides a value wherever the runner would print it. */
  setSecret(value: string): void;
  /**
   * A new OIDC token of the job for `audience`, masked in the log. Rejects when the job may
   * not have one (no `permissions: id-token: write`).
   */
  getIDToken(audience: string): Promise<string>;
  /** Runs `fn` with its log lines folded under `name`. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Appends markdown to the job summary; throws when the runner gives none. */
  appendSummary(markdown: string): Promise<void>;
  /** Marks the step failed, with the message as an error. */
  setFailed(message: string): void;
}

/** A log that says nothing: for collaborators whose lines nobody reads. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  notice: () => undefined,
  warning: () => undefined,
  error: () => undefined,
};
