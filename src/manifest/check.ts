/**
 * Checking, the first stage of a run: resolve the manifest input to files, check each
 * file, and log every problem as an annotation at its position. Nothing here talks to
 * AWS.
 */
import type { RunContext } from '../run-context.js';
import type { Annotation, Log } from '../runner/port.js';
import { expressionContextOf } from './expressions.js';
import { resolveManifestFiles } from './files.js';
import { loadManifest, type CheckedManifest } from './load.js';
import { countErrors, formatProblem, type Problem } from './problems.js';

export interface CheckInput {
  /** The manifest input's lines. */
  patterns: readonly string[];
  /** More files than this are refused before any is read. */
  maxManifests: number;
  workspace: string;
  region: string | undefined;
  run: RunContext;
  env: NodeJS.ProcessEnv;
  log: Log;
}

/** Checks every manifest the input names; throws ManifestPatternError for a bad input. */
export async function checkManifests(input: CheckInput): Promise<CheckedManifest[]> {
  const files = await resolveManifestFiles(input.patterns, input.workspace, input.maxManifests);
  const context = expressionContextOf(input.run, input.env);
  const checked = await Promise.all(
    files.map((f) => loadManifest(f.absolute, f.relative, { region: input.region, context })),
  );
  for (const manifest of checked) logProblems(manifest, input.log);
  return checked;
}

/** Where the runner shows a problem: columns only when it is on one line, as GitHub wants. */
export function annotationOf(problem: Problem): Annotation {
  const oneLine = problem.endLine === undefined || problem.endLine === problem.line;
  return {
    title: problem.member || 'Manifest',
    file: problem.file,
    startLine: problem.line,
    endLine: problem.endLine ?? problem.line,
    ...(oneLine ? { startColumn: problem.column, endColumn: problem.endColumn } : {}),
  };
}

/** Logs a manifest's problems, each also an annotation on the file, then its verdict. */
function logProblems(manifest: CheckedManifest, log: Log): void {
  for (const problem of manifest.problems) {
    if (problem.severity === 'error') log.error(formatProblem(problem), annotationOf(problem));
    else log.warning(formatProblem(problem), annotationOf(problem));
  }
  const errors = countErrors(manifest.problems);
  const warnings = manifest.problems.length - errors;
  const counts = `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`;
  log.info(`${manifest.file}: ${manifest.request ? 'valid' : 'invalid'} (${counts})`);
}
