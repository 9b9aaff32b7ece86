/**
 * The hostile-manifest part of `npm run bench`, also run on its own with
 * `npx tsx scripts/bench-hostile.ts`: for each hostile shape, a 1 MiB manifest is checked
 * by the built action (a dry run, as the runner starts it), and its wall time and peak
 * memory are measured against the target of SPEC §8.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAnnotations, parseOutputFile } from '../__tests__/harness/dist-action.js';
import { HOSTILE_SHAPES } from '../__tests__/harness/hostile-manifests.js';
import { inputEnv } from '../__tests__/harness/inputs.js';
import { RUN_ENV } from '../__tests__/harness/run-context.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RECORDER = path.join(root, '__tests__', 'harness', 'record-usage.mjs');
const RUNS = Number(process.env.BENCH_HOSTILE_RUNS ?? 3);
export const HOSTILE_TARGET = { seconds: 3, megabytes: 300 };

export type Report = (name: string, value: string, target?: string) => void;

interface Measured {
  seconds: number;
  /** User and system CPU time: less sensitive than wall time to other work on the machine. */
  cpuSeconds: number;
  megabytes: number;
  annotations: number;
  resultsBytes: number;
}

/** One dry run of the built action on `manifest`, as the runner starts it. */
function measure(work: string, manifest: string): Measured {
  const workspace = mkdtempSync(path.join(work, 'hostile-'));
  mkdirSync(path.join(workspace, 'model'));
  writeFileSync(path.join(workspace, 'model', 'model-package.yml'), manifest);
  const files = {
    output: path.join(workspace, 'output.txt'),
    summary: path.join(workspace, 'summary.md'),
    usage: path.join(workspace, 'usage.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env = {
    PATH: process.env.PATH,
    ...RUN_ENV,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RECORD_USAGE: files.usage,
    ...inputEnv({ manifest: 'model/model-package.yml', 'dry-run': 'true', region: 'us-east-1' }),
  };
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--import', RECORDER, 'dist/index.js'], {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const outputs = parseOutputFile(readFileSync(files.output, 'utf8'));
  if ((run.status !== 0 && run.status !== 1) || run.stderr || !outputs.status) {
    throw new Error(`the action failed (exit ${run.status}):\n${run.stderr.slice(0, 2000)}`);
  }
  const usage = JSON.parse(readFileSync(files.usage, 'utf8')) as {
    maxRSS: number;
    userCPUTime: number;
    systemCPUTime: number;
  };
  rmSync(workspace, { recursive: true, force: true });
  return {
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    megabytes: usage.maxRSS / 1024,
    annotations: parseAnnotations(run.stdout).length,
    resultsBytes: Buffer.byteLength(outputs.results ?? ''),
  };
}

/** Measures every shape; the slowest run and the largest memory of RUNS runs are reported. */
export function benchHostileManifests(report: Report): void {
  const work = mkdtempSync(path.join(tmpdir(), 'smp-hostile-'));
  const target = `target <= ${HOSTILE_TARGET.seconds} s, <= ${HOSTILE_TARGET.megabytes} MB`;
  try {
    for (const [shape, make] of Object.entries(HOSTILE_SHAPES)) {
      const manifest = make();
      const runs = Array.from({ length: RUNS }, () => measure(work, manifest));
      const seconds = Math.max(...runs.map((r) => r.seconds));
      const cpuSeconds = Math.max(...runs.map((r) => r.cpuSeconds));
      const megabytes = Math.max(...runs.map((r) => r.megabytes));
      const { annotations, resultsBytes } = runs[0]!;
      report(
        `1 MiB, ${shape} (${annotations} annotations, ${(resultsBytes / 1024).toFixed(0)} KB results)`,
        `${seconds.toFixed(2)} s, ${megabytes.toFixed(0)} MB (CPU ${cpuSeconds.toFixed(2)} s)`,
        target,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`node ${process.version}; the slowest and largest of ${RUNS} runs of each shape\n`);
  benchHostileManifests((name, value, target = '') =>
    console.log(`${name.padEnd(80)} ${value.padStart(28)}  ${target}`),
  );
}
