/**
 * Check runs (SPEC §3, §4): one per package on the run's commit, the pull request's head
 * commit, named `SageMaker validation: <package>` (and ` (<label>)`), carrying the package's
 * ARN as its external_id. In progress while SageMaker validates, written again only when
 * its content changes, and concluded with the validation's result. When the run stops
 * waiting the check run stays in progress, for a later run of the action to conclude.
 * GitHub API errors are warnings: they never change the run's result.
 */
import { CHECK_RUN_OUTPUT_CHARACTERS, cutTo } from '../limits.js';
import { packageLabel, type PackageResult } from '../results.js';
import type { RunContext } from '../run-context.js';
import type { Log } from '../runner/port.js';
import { stateLine } from './check-run-state.js';
import type { CheckRunClient, CheckRunFields, Repository } from './github-checks.js';
import { renderCheckRunOutput } from './render.js';

/** Where the reporter writes a package's check run. */
export interface CheckRunSink {
  /**
   * Writes a package's check run, unless its content is what was written last. `final`:
   * the run is about to end, so a package still validating is no longer waited for.
   */
  publish(result: PackageResult, final: boolean): Promise<void>;
}

/** The sink of runs without check runs: 'check-run: false', dry runs, no token. */
export const noCheckRuns: CheckRunSink = { publish: async () => undefined };

export const CHECK_RUN_PREFIX = 'SageMaker validation: ';

/** The check run's name: the package as the log names it, and the job's label. */
export function checkRunName(result: PackageResult, label?: string): string {
  return `${CHECK_RUN_PREFIX}${packageLabel(result)}${label ? ` (${label})` : ''}`;
}

const SHA = /^[0-9a-f]{40}$/i;

/**
 * The commit a run's check runs belong to: a pull request's head commit (not the merge
 * commit the workflow checked out), else the commit the run is for. None for an
 * issue_comment event, whose event does not name the pull request's head.
 */
export function headShaOf(run: RunContext): string | undefined {
  if (run.eventName === 'pull_request' || run.eventName === 'pull_request_target') {
    const sha: unknown = run.payload.pull_request?.head?.sha;
    return typeof sha === 'string' && SHA.test(sha) ? sha : undefined;
  }
  if (run.eventName === 'issue_comment') return undefined;
  return SHA.test(run.sha) ? run.sha : undefined;
}

/**
 * The commit the reports name: the one the check runs are on (a pull request's head
 * commit), else the commit the workflow ran on.
 */
export function reportCommitOf(run: RunContext): string | undefined {
  return headShaOf(run) ?? (run.sha || undefined);
}

export interface CheckRunOptions {
  label?: string;
  runUrl?: string;
  /** The commit shown in the report. */
  commit?: string;
  /** Whether this run waits for validation ('wait' input). */
  waits: boolean;
  /** The commit the run's pull-request comment names, for a later `sync` to name it too. */
  reportCommit?: string;
  /** The pull request this run comments on, for a later `sync` to update that comment. */
  pullRequest?: number;
}

const LATER =
  'SageMaker keeps validating. Re-run this job, or run the action again on this commit: it reuses the package and concludes a check run of this name once validation has ended.';

/** Why a package still validating is not waited for, in the check run's summary. */
function pendingNote(result: PackageResult, final: boolean, waits: boolean): string {
  switch (result.failureReason) {
    case 'cancelled':
      return `The run was cancelled. ${LATER}`;
    case 'timed-out':
      return `This run stopped waiting. ${LATER}`;
  }
  if (!waits) return `This run does not wait for validation (\`wait: false\`). ${LATER}`;
  if (final) return `This run stopped waiting. ${LATER}`;
  return 'This run waits for the validation and concludes this check run when it ends.';
}

/** A package's check run, or undefined for a package that has none (a dry run). */
export function checkRunOf(
  result: PackageResult,
  final: boolean,
  options: CheckRunOptions,
): CheckRunFields | undefined {
  if (result.status === 'DryRun') return undefined;
  const inProgress = result.status === 'InProgress';
  const output = renderCheckRunOutput(result, {
    label: options.label,
    runUrl: options.runUrl,
    commit: options.commit,
    note: inProgress ? pendingNote(result, final, options.waits) : undefined,
  });
  if (inProgress) {
    // What a later `sync` run needs to conclude it as this run would have.
    const line = stateLine({
      result,
      label: options.label,
      runUrl: options.runUrl,
      commit: options.reportCommit,
      pullRequest: options.pullRequest,
    });
    const room = CHECK_RUN_OUTPUT_CHARACTERS - line.length - 2;
    output.summary = `${cutTo(output.summary, room, 'characters')}\n\n${line}`;
  }
  return {
    name: checkRunName(result, options.label),
    status: inProgress ? 'in_progress' : 'completed',
    ...(inProgress ? {} : { conclusion: result.status === 'Completed' ? 'success' : 'failure' }),
    ...(result.arn ? { external_id: result.arn } : {}),
    ...(options.runUrl ? { details_url: options.runUrl } : {}),
    output,
  };
}

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status;
}

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string };
  return e.status ? `HTTP ${e.status}: ${e.message}` : String(e?.message ?? error);
}

/** The check runs of one commit, one per package (by manifest). */
export class CommitCheckRuns implements CheckRunSink {
  private readonly written = new Map<string, { id: number; content: string }>();
  private disabled = false;

  constructor(
    private readonly client: CheckRunClient,
    private readonly repo: Repository,
    private readonly headSha: string,
    private readonly options: CheckRunOptions,
    private readonly log: Log,
  ) {}

  async publish(result: PackageResult, final: boolean): Promise<void> {
    if (this.disabled) return;
    const fields = checkRunOf(result, final, this.options);
    if (!fields) return;
    const content = JSON.stringify(fields);
    const previous = this.written.get(result.manifest);
    if (previous?.content === content) return;
    try {
      const run = previous
        ? await this.client.updateCheckRun(this.repo, previous.id, fields)
        : await this.client.createCheckRun(this.repo, this.headSha, fields);
      this.written.set(result.manifest, { id: run.id, content });
    } catch (e) {
      const status = statusOf(e);
      // A rate limit also answers 403: that one passes, so the next change tries again.
      const limited = /rate limit/i.test(describe(e));
      if (!limited && (status === 401 || status === 403 || status === 404)) {
        this.disabled = true;
        this.log.warning(
          `Could not write check runs (${describe(e)}): the token needs the 'checks: write' permission (a pull request from a fork gets a read-only token). No check runs for this run; the job summary has the results, and the step's result is unchanged.`,
        );
      } else {
        this.log.warning(`Could not write the check run ${fields.name}: ${describe(e)}`);
      }
    }
  }
}
