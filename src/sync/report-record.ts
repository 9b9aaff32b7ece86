/**
 * The record a package carries of where its run reported on it (action-entries.ts
 * REPORT_KEY): `owner/repo@<sha>`, the repository and the commit its check run is on. A
 * dispatched `sync` (dispatch.ts) reads it to find the check run in one call, and to act
 * only on packages its own repository's runs reported on. The value fits SageMaker's tags
 * and customer metadata properties (at most 256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`).
 */
import { headShaOf } from '../report/check-runs.js';
import type { Repository } from '../report/github-checks.js';
import { repositoryOf, type WorkflowRun } from '../workflow-run.js';

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const RECORD = /^([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})@([0-9a-f]{40})$/;

export interface ReportRecord extends Repository {
  /** The commit the package's check run is on. */
  sha: string;
}

/**
 * The record of this run: its repository and the commit its check runs are on; none when
 * the run names neither (an issue_comment event names no head commit).
 */
export function reportRecordOf(run: WorkflowRun): string | undefined {
  const repository = repositoryOf(run);
  const sha = headShaOf(run);
  if (!repository || !sha) return undefined;
  const { owner, repo } = repository;
  if (!OWNER.test(owner) || !REPO.test(repo)) return undefined;
  return `${owner}/${repo}@${sha.toLowerCase()}`;
}

/** A record read back from a package; none when it is not one. */
export function readReportRecord(value: unknown): ReportRecord | undefined {
  if (typeof value !== 'string') return undefined;
  const match = RECORD.exec(value);
  return match ? { owner: match[1]!, repo: match[2]!, sha: match[3]! } : undefined;
}

/** Whether a record names this repository (GitHub's names ignore case). */
export function sameRepository(record: Repository, repo: Repository): boolean {
  return (
    record.owner.toLowerCase() === repo.owner.toLowerCase() &&
    record.repo.toLowerCase() === repo.repo.toLowerCase()
  );
}
