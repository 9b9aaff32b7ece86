/**
 * The workflow run the action is part of: @actions/github's context (event, commit, run
 * and repository), and the URLs the reports link to.
 */
import type { context } from '@actions/github';

/** The parts of @actions/github's context the action reads. */
export type WorkflowRun = Pick<
  typeof context,
  'eventName' | 'payload' | 'sha' | 'runId' | 'runNumber' | 'runAttempt' | 'serverUrl' | 'repo'
>;

/** owner/repo, or undefined when the run does not say (context.repo throws then). */
export function repositoryOf(run: WorkflowRun): { owner: string; repo: string } | undefined {
  try {
    const { owner, repo } = run.repo;
    return owner && repo ? { owner, repo } : undefined;
  } catch {
    return undefined;
  }
}

/** A whole positive number from the context (it holds NaN for a variable that is unset). */
function known(value: number): number | undefined {
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function serverUrl(run: WorkflowRun): string {
  return (run.serverUrl || 'https://github.com').replace(/\/+$/, '');
}

export function repositoryUrl(run: WorkflowRun): string | undefined {
  const repository = repositoryOf(run);
  return repository ? `${serverUrl(run)}/${repository.owner}/${repository.repo}` : undefined;
}

/**
 * The repository's files at a commit (`<server>/<owner>/<repo>/blob/<sha>`), which file
 * links extend with a path and a line; none for a commit that is not a full sha.
 */
export function filesUrl(run: WorkflowRun, commit: string | undefined): string | undefined {
  const repository = repositoryOf(run);
  if (!repository || !commit || !/^[0-9a-f]{40}$/i.test(commit)) return undefined;
  const { owner, repo } = repository;
  return `${serverUrl(run)}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/blob/${commit}`;
}

/** The URL of this workflow run (of this attempt, when it is not the first). */
export function runUrl(run: WorkflowRun): string | undefined {
  const repo = repositoryUrl(run);
  const runId = known(run.runId);
  if (!repo || !runId) return undefined;
  const attempt = known(run.runAttempt);
  return `${repo}/actions/runs/${runId}${attempt && attempt > 1 ? `/attempts/${attempt}` : ''}`;
}

/** Identifies one attempt of one run, for request tokens: the same when a request is retried. */
export function runKey(run: WorkflowRun): string {
  const repository = repositoryOf(run);
  const name = repository ? `${repository.owner}/${repository.repo}` : '';
  return `${name}/${known(run.runId) ?? 'local'}/${known(run.runAttempt) ?? 1}`;
}
