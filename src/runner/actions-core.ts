/**
 * The runner port on @actions/core: the toolkit's own encoding of every command and file.
 * Plain log lines can carry text from the repository or from AWS and GitHub: a line that
 * the runner would read as a workflow command is neutralised first.
 */
import * as core from '@actions/core';
import type { Runner } from './port.js';

/**
 * The text with every line made inert: the runner reads a line that starts with `::`
 * (after blanks) as a command, and `##[` anywhere in it as a legacy one. A zero-width
 * space after the first character keeps the text readable and the line inert.
 */
export function inert(text: string): string {
  // The runner trims U+0085 too before it looks for `::`; JavaScript's \s does not match it.
  return text
    .replace(/(^|[\r\n])([\s\u0085]*):(?=:)/g, '$1$2:\u200b')
    .replace(/#(?=#\[)/g, '#\u200b');
}

export const actionsCore: Runner = {
  getInput: (name) => core.getInput(name),
  getBooleanInput: (name) => core.getBooleanInput(name),
  getMultilineInput: (name) => core.getMultilineInput(name),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  getIDToken: (audience) => core.getIDToken(audience),
  debug: (message) => core.debug(message),
  info: (message) => core.info(inert(message)),
  notice: (message, annotation) => core.notice(message, annotation),
  warning: (message, annotation) => core.warning(message, annotation),
  error: (message, annotation) => core.error(message, annotation),
  group: (name, fn) => core.group(name, fn),
  async appendSummary(markdown) {
    await core.summary.addRaw(markdown, true).write();
    core.summary.emptyBuffer();
  },
  setFailed: (message) => core.setFailed(message),
};
