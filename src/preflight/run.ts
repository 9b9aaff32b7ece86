/**
 * Preflight as a stage of a run: checks every valid manifest's request, logs each
 * finding as an annotation at its member, and gives the manifests back with the findings
 * among their problems, so reports and the results output show them like the static
 * checks' problems.
 */
import { plural } from '../text.js';
import { annotationOf } from '../manifest/check.js';
import type { CheckedManifest } from '../manifest/load.js';
import {
  clip,
  countProblems,
  formatCounts,
  formatMemberPath,
  formatProblem,
  sortProblems,
  type Problem,
} from '../manifest/problems.js';
import type { Log } from '../runner/port.js';
import { preflightRequests, type PreflightApi } from './checks.js';

/** Preflight as a whole never takes longer than this: a hung endpoint cannot hang the run. */
export const PREFLIGHT_TIMEOUT_MS = 10_000;

export interface PreflightInput {
  manifests: readonly CheckedManifest[];
  region: string;
  log: Log;
  signal?: AbortSignal;
  /** The calls to make (the client factory's); destroyed when preflight ends. */
  api: PreflightApi;
  timeoutMs?: number;
}

export interface PreflightOutcome {
  /** The manifests, each with its preflight findings among its problems. */
  manifests: CheckedManifest[];
  /** How many errors preflight found, in all. */
  errors: number;
}

export async function preflight(input: PreflightInput): Promise<PreflightOutcome> {
  const { log } = input;
  const started = Date.now();
  const { api } = input;
  const timeout = AbortSignal.timeout(input.timeoutMs ?? PREFLIGHT_TIMEOUT_MS);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    const report = await preflightRequests(
      input.manifests.map((m) => m.request),
      api,
      { region: input.region, signal },
    );
    let errors = 0;
    const manifests = input.manifests.map((manifest, i) => {
      const found: Problem[] = report.findings[i]!.map((finding) => ({
        severity: finding.severity,
        file: manifest.file,
        ...(manifest.locate?.(finding.path) ?? { line: 1, column: 1 }),
        member: formatMemberPath(finding.path),
        message: clip(finding.message, 1000),
      }));
      for (const problem of found) {
        if (problem.severity === 'error') {
          errors++;
          log.error(formatProblem(problem), annotationOf(problem));
        } else log.warning(formatProblem(problem), annotationOf(problem));
      }
      if (found.length > 0) {
        log.info(`${manifest.file}: preflight (${formatCounts(countProblems(found))})`);
      }
      return { ...manifest, problems: sortProblems([...manifest.problems, ...found]) };
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    log.info(
      `Preflight: ${plural(report.calls, 'read-only check')} in ${seconds} s; ${errors === 0 ? 'nothing is missing' : `${plural(errors, 'error')}`}.`,
    );
    return { manifests, errors };
  } finally {
    api.destroy();
  }
}
