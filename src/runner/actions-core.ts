/** The runner port on @actions/core: the toolkit's own encoding of every command and file. */
import * as core from '@actions/core';
import type { Runner } from './port.js';

export const actionsCore: Runner = {
  getInput: (name) => core.getInput(name),
  getBooleanInput: (name) => core.getBooleanInput(name),
  getMultilineInput: (name) => core.getMultilineInput(name),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
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
