/**
 * Checking, the first stage of a run: resolve the manifest input to files, check each
 * file, and log every problem as an annotation at its position. Nothing here talks to
 * AWS.
 */
import { plural } from '../text.js';
import type { WorkflowRun } from '../workflow-run.js';
import type { Annotation, Log } from '../runner/port.js';
import { expressionContextOf, type ExpressionContext } from './expressions.js';
import { resolveManifestFiles } from './files.js';
import { loadManifest, MAX_PROBLEMS, type CheckedManifest } from './load.js';
import { countProblems, formatCounts, formatProblem, type Problem } from './problems.js';

/** Problems logged as annotations per manifest; one more line counts the rest. */
export const MAX_ANNOTATIONS = 50;

export interface CheckInput {
  /** The manifest input's lines. */
  patterns: readonly string[];
  /** More files than this are refused before any is read. */
  maxManifests: number;
  workspace: string;
  region: string | undefined;
  workflow: WorkflowRun;
  env: NodeJS.ProcessEnv;
  log: Log;
  /** Whether each manifest's listing file is read and checked with it (SPEC §9). */
  listings?: boolean;
}

/** What checking needs without a run: the check command gives placeholders for expressions. */
export interface CheckFilesInput extends Pick<
  CheckInput,
  'patterns' | 'maxManifests' | 'workspace' | 'region'
> {
  context: ExpressionContext;
  /** Whether manifests must be inside the workspace: true (the action's) unless false. */
  confine?: boolean;
  /** Whether each manifest's listing file is read and checked with it (SPEC §9). */
  listings?: boolean;
}

/**
 * Checks every manifest the patterns name, logging nothing: the action's checks (the check
 * command resolves and loads files itself, as it also checks listing files). Throws
 * ManifestPatternError for bad patterns.
 */
export async function checkFiles(input: CheckFilesInput): Promise<CheckedManifest[]> {
  const files = await resolveManifestFiles(input.patterns, input.workspace, {
    limit: input.maxManifests,
    confine: input.confine,
  });
  const { region, context, workspace } = input;
  return Promise.all(
    files.map(async (f) => {
      const manifest = await loadManifest(f.absolute, f.relative, { region, context });
      if (!input.listings) return manifest;
      const { withListing } = await import('../listing/attach.js');
      return withListing(manifest, f.absolute, { region, context, workspace });
    }),
  );
}

/** Checks every manifest the input names; throws ManifestPatternError for a bad input. */
export async function checkManifests(input: CheckInput): Promise<CheckedManifest[]> {
  const checked = await checkFiles({
    ...input,
    context: expressionContextOf(input.workflow, input.env),
  });
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

/**
 * Logs a manifest's first MAX_ANNOTATIONS problems, each also an annotation on the file,
 * then how many more there are, then its verdict.
 */
function logProblems(manifest: CheckedManifest, log: Log): void {
  const { problems, omitted } = manifest;
  for (const problem of problems.slice(0, MAX_ANNOTATIONS)) {
    if (problem.severity === 'error') log.error(formatProblem(problem), annotationOf(problem));
    else log.warning(formatProblem(problem), annotationOf(problem));
  }
  const next = problems[MAX_ANNOTATIONS];
  if (next) {
    const rest = countProblems(problems.slice(MAX_ANNOTATIONS), omitted);
    const count = rest.errors + rest.warnings;
    const listed =
      omitted.errors + omitted.warnings > 0 ? `list the first ${MAX_PROBLEMS}` : `list them all`;
    const message = `${manifest.file}: ${plural(count, 'more problem', 'more problems')} (${formatCounts(rest)}) not annotated; the job summary and the results output ${listed}`;
    const at = { title: 'Manifest', file: manifest.file, startLine: next.line, endLine: next.line };
    if (rest.errors > 0) log.error(message, at);
    else log.warning(message, at);
  }
  const counts = formatCounts(countProblems(problems, omitted));
  log.info(`${manifest.file}: ${manifest.request ? 'valid' : 'invalid'} (${counts})`);
}
