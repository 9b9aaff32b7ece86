/**
 * Runs the built action (dist/index.js) as a child process the way the runner does:
 * INPUT_* variables with hyphens kept, GITHUB_* variables, an event file, and the
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputEnv } from './inputs.js';
import { RUN_ENV } from './run-context.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACTION = path.join(ROOT, 'dist', 'index.js');
const RECORDER = path.join(ROOT, '__tests__', 'harness', 'register-load-recorder.mjs');
const USAGE_RECORDER = path.join(ROOT, '__tests__', 'harness', 'record-usage.mjs');

/** What the process used, as process.resourceUsage() says when it exits. */
export interface ResourceUsage {
  /** The peak resident set size (the RSS high-water mark), in kilobytes. */
  maxRSS: number;
  /** CPU time, in microseconds. */
  userCPUTime: number;
  systemCPUTime: number;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** What the action exported to later steps (the GITHUB_ENV file). */
  exported: string;
  /** Files the process loaded as modules, relative to the repository. */
  loaded: string[];
  annotations: Annotation[];
  /** Milliseconds from the interrupt to the exit, when `interrupt` was given. */
  exitAfterInterruptMs?: number;
  /** The process's resource usage, when `recordUsage` was set. */
  usage?: ResourceUsage;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  properties: Record<string, string>;
  message: string;
}

export interface RunOptions {
  workspace: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  event?: { name: string; payload: object };
  /** Called with each piece of the action's standard output as it arrives. */
  onOutput?: (text: string) => void;
  /** Sends `signal` to the action once its output matches `when`. */
  interrupt?: { when: RegExp; signal: NodeJS.Signals };
  /** Records the process's resource usage (record-usage.mjs), for npm run bench. */
  recordUsage?: boolean;
}

/** Reads the runner's file-command format: name<<delimiter / value / delimiter. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

/** The runner's unescaping of a workflow command's message and properties. */
export function unescapeCommand(value: string): string {
  return value
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '\r')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

export function parseAnnotations(stdout: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').trim().split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      properties[pair.slice(0, at)] = unescapeCommand(pair.slice(at + 1));
    }
    annotations.push({
      level: match[1] as Annotation['level'],
      properties,
      message: unescapeCommand(match[3]!),
    });
  }
  return annotations;
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'smp-run-'));
  try {
    const files = {
      output: path.join(dir, 'output.txt'),
      summary: path.join(dir, 'summary.md'),
      event: path.join(dir, 'event.json'),
      loads: path.join(dir, 'loads.txt'),
      env: path.join(dir, 'env.txt'),
      usage: path.join(dir, 'usage.json'),
    };
    writeFileSync(files.env, '');
    writeFileSync(files.output, '');
    writeFileSync(files.summary, '');
    writeFileSync(files.loads, '');
    writeFileSync(files.event, JSON.stringify(options.event?.payload ?? {}));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ...RUN_ENV,
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_EVENT_NAME: options.event?.name ?? 'push',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      RECORD_LOADS: files.loads,
      ...(options.recordUsage ? { RECORD_USAGE: files.usage } : {}),
      // The SDK's S3 and ECR clients warn on stderr that Node 20 support ends (the runner has node24).
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
      ...inputEnv(options.inputs ?? {}),
    };
    const preload = options.recordUsage ? ['--import', USAGE_RECORDER] : [];
    const child = spawn(process.execPath, ['--import', RECORDER, ...preload, ACTION], {
      cwd: options.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interruptedAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onOutput?.(chunk.toString());
      if (options.interrupt && interruptedAt === undefined && options.interrupt.when.test(stdout)) {
        interruptedAt = Date.now();
        child.kill(options.interrupt.signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const exitAfterInterruptMs =
      interruptedAt === undefined ? undefined : Date.now() - interruptedAt;
    const loaded = readFileSync(files.loads, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((url) => path.relative(ROOT, fileURLToPath(url)))
      .filter((file) => !file.startsWith('__tests__'));
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
      summary: readFileSync(files.summary, 'utf8'),
      exported: readFileSync(files.env, 'utf8'),
      loaded,
      annotations: parseAnnotations(stdout),
      exitAfterInterruptMs,
      ...(options.recordUsage
        ? { usage: JSON.parse(readFileSync(files.usage, 'utf8')) as ResourceUsage }
        : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
