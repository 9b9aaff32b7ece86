/**
 * What a check run left in progress carries for a later `sync` run (SPEC §4): the
 * manifest, the job's label, the pull request commented on and the package's result as
 * the run last knew it, so that `sync`, which reads no manifest, concludes the check run
 * and updates the comment with the report a waiting run would have written. It is a
 * hidden line at the end of the check run's summary, base64url JSON, written and read
 * here only.
 */
import type { PackageResult } from '../results.js';

const PREFIX = '<!-- sagemaker-model-package-action state=';
const SUFFIX = ' -->';
const VERSION = 1;

/** The most characters the state line may take; problems are left out beyond it. */
export const MAX_STATE_CHARACTERS = 30_000;

export interface CheckRunState {
  /** The result before validation ended: identity, manifest, links, problems. */
  result: PackageResult;
  label?: string;
  /** The URL of the run that created the package: the report's run link and details_url. */
  runUrl?: string;
  /** The commit the run's comment names (the workflow's commit). */
  commit?: string;
  /** The pull request whose comment reports the package; none: no comment to update. */
  pullRequest?: number;
}

function encode(state: CheckRunState): string {
  const json = JSON.stringify({ v: VERSION, ...state });
  return `${PREFIX}${Buffer.from(json, 'utf8').toString('base64url')}${SUFFIX}`;
}

/** The hidden line of `state`, within {@link MAX_STATE_CHARACTERS}. */
export function stateLine(state: CheckRunState): string {
  // The validation's statuses come from SageMaker when it ends.
  const result = { ...state.result, validation: [], imageScans: [] };
  const line = encode({ ...state, result });
  if (line.length <= MAX_STATE_CHARACTERS) return line;
  return encode({ ...state, result: { ...result, problems: [] } });
}

/** The state at the end of a check run's summary, when it has one this version can read. */
export function readState(summary: string | null | undefined): CheckRunState | undefined {
  const lastLine = (summary ?? '').trimEnd().split('\n').pop() ?? '';
  if (!lastLine.startsWith(PREFIX) || !lastLine.endsWith(SUFFIX)) return undefined;
  try {
    const value: unknown = JSON.parse(
      Buffer.from(lastLine.slice(PREFIX.length, -SUFFIX.length), 'base64url').toString('utf8'),
    );
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, ...state } = value as CheckRunState & { v?: unknown };
    const result = state.result as Partial<PackageResult> | undefined;
    if (v !== VERSION || typeof result?.manifest !== 'string') return undefined;
    if (state.pullRequest !== undefined && !Number.isInteger(state.pullRequest)) return undefined;
    return state;
  } catch {
    return undefined;
  }
}
