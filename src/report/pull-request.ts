/** The pull request a run belongs to, from its event (@actions/github's context). */
import { repositoryOf, type WorkflowRun } from '../workflow-run.js';
import type { PullRequest } from './github-comments.js';

/** The pull request of pull_request, pull_request_target and issue_comment events. */
export function pullRequestOf(run: WorkflowRun): PullRequest | undefined {
  const repository = repositoryOf(run);
  if (!repository) return undefined;
  const { payload } = run;
  let number: unknown;
  let fork: string | undefined;
  if (run.eventName === 'pull_request' || run.eventName === 'pull_request_target') {
    number = payload.pull_request?.number;
    fork = forkOf(payload.pull_request?.head, repository);
  } else if (run.eventName === 'issue_comment' && payload.issue?.pull_request) {
    number = payload.issue.number;
  }
  if (typeof number !== 'number') return undefined;
  return fork === undefined ? { ...repository, number } : { ...repository, number, fork };
}

/**
 * The fork a pull request's head is in: its owner/repo, '' when the fork was deleted
 * (GitHub then gives `head.repo: null`); undefined for the repository itself or when the
 * event does not say.
 */
function forkOf(head: unknown, repository: { owner: string; repo: string }): string | undefined {
  if (typeof head !== 'object' || head === null || !('repo' in head)) return undefined;
  const repo = (head as { repo: unknown }).repo;
  if (repo === null) return '';
  const name = (repo as { full_name?: unknown } | undefined)?.full_name;
  if (typeof name !== 'string') return undefined;
  const own = `${repository.owner}/${repository.repo}`;
  return name.toLowerCase() === own.toLowerCase() ? undefined : name;
}
