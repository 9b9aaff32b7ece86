/**
 * The runner's protocol: inputs from INPUT_* variables, workflow commands on standard
 * output (annotations, masks, debug lines), and the GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files. It follows @actions/core's encoding exactly, without its
 * entry point, which loads an HTTP client (for OIDC tokens) the action never uses and
 * which costs a third of the action's start-up.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(name: string, message: string, properties: Record<string, unknown> = {}): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

function annotationProperties(properties: AnnotationProperties): Record<string, unknown> {
  return {
    title: properties.title,
    file: properties.file,
    line: properties.startLine,
    col: properties.startColumn,
  };
}

/** An input as the runner passes it (INPUT_<NAME>, spaces as underscores), trimmed. */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** The non-empty lines of an input. */
export function getMultilineInput(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return getInput(name, env)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

export function debug(message: string): void {
  command('debug', message);
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  command('warning', message, annotationProperties(properties));
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  command('error', message, annotationProperties(properties));
}

/** Asks the runner to hide a value wherever it would be printed. */
export function setSecret(value: string): void {
  command('add-mask', value);
}

/** Fails the step with a message, as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** Appends to one of the runner's environment files (GITHUB_OUTPUT, ...). */
function appendToFile(variable: string, text: string): boolean {
  const file = process.env[variable];
  if (!file) return false;
  appendFileSync(file, text, { encoding: 'utf8' });
  return true;
}

export function setOutput(name: string, value: string): void {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output ${name} contains its own delimiter`);
  }
  appendToFile('GITHUB_OUTPUT', `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
}

/** Appends markdown to the job summary; false when the runner gives none. */
export function appendSummary(markdown: string): boolean {
  return appendToFile(
    'GITHUB_STEP_SUMMARY',
    markdown.endsWith(EOL) ? markdown : `${markdown}${EOL}`,
  );
}
