/**
 * Preflight as a stage of a run: checks every valid manifest's request, and the AWS
 * Marketplace product of each listing file (src/listing/preflight.ts), logs each finding
 * as an annotation at its member, in the manifest or in the listing file, and gives the
 * manifests back with the findings among their problems, so reports and the results
 * output show them like the static checks' problems.
 */
import { plural } from '../text.js';
import { annotationOf } from '../manifest/check.js';
import type { CheckedManifest } from '../manifest/load.js';
import {
  clip,
  countErrors,
  countProblems,
  formatCounts,
  formatMemberPath,
  formatProblem,
  sortProblems,
  type Problem,
} from '../manifest/problems.js';
import type { Log } from '../runner/port.js';
import type { CatalogApi } from '../listing/catalog.js';
import { preflightListings } from '../listing/preflight.js';
import { preflightRequests, type PreflightApi, type PreflightFinding } from './checks.js';

/** Preflight as a whole never takes longer than this: a hung endpoint cannot hang the run. */
export const PREFLIGHT_TIMEOUT_MS = 10_000;

export interface PreflightInput {
  manifests: readonly CheckedManifest[];
  region: string;
  log: Log;
  signal?: AbortSignal;
  /** The calls to make (the client factory's); destroyed when preflight ends. */
  api: PreflightApi;
  /**
   * The Catalog API, when the manifests' listing files are checked too (`marketplace` is
   * not off and a manifest has a listing); destroyed when preflight ends.
   */
  catalog?: CatalogApi;
  timeoutMs?: number;
}

export interface PreflightOutcome {
  /** The manifests, each with its preflight findings among its problems. */
  manifests: CheckedManifest[];
  /** How many errors preflight found, in all. */
  errors: number;
  /** How many of them are in listing files. */
  listingErrors: number;
}

export async function preflight(input: PreflightInput): Promise<PreflightOutcome> {
  const { log, api, catalog } = input;
  const started = Date.now();
  const timeout = AbortSignal.timeout(input.timeoutMs ?? PREFLIGHT_TIMEOUT_MS);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    const [report, listings] = await Promise.all([
      preflightRequests(
        input.manifests.map((m) => m.request),
        api,
        { region: input.region, signal },
      ),
      catalog
        ? preflightListings(input.manifests, catalog, { region: input.region, signal })
        : undefined,
    ]);
    let errors = 0;
    let listingErrors = 0;
    const manifests = input.manifests.map((manifest, i) => {
      const inListing = (listings?.findings[i] ?? []).map((f) =>
        problemOf(f, manifest.listingFile ?? manifest.file, manifest.locateListing),
      );
      listingErrors += countErrors(inListing);
      const found: Problem[] = [
        ...report.findings[i]!.map((f) => problemOf(f, manifest.file, manifest.locate)),
        ...inListing,
      ];
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
    const calls = report.calls + (listings?.calls ?? 0);
    log.info(
      `Preflight: ${plural(calls, 'read-only check')} in ${seconds} s; ${errors === 0 ? 'nothing is missing' : `${plural(errors, 'error')}`}.`,
    );
    return { manifests, errors, listingErrors };
  } finally {
    api.destroy();
    catalog?.destroy();
  }
}

/** A finding as a problem of `file`, at its member when `locate` knows where that is. */
function problemOf(
  finding: PreflightFinding,
  file: string,
  locate: CheckedManifest['locate'],
): Problem {
  return {
    severity: finding.severity,
    file,
    ...(locate?.(finding.path) ?? { line: 1, column: 1 }),
    member: formatMemberPath(finding.path),
    message: clip(finding.message, 1000),
  };
}
