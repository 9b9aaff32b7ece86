/** The pull request a run belongs to, from its event (@actions/github's context). */
import { repositoryOf, type RunContext } from '../run-context.js';
import type { PullRequest } from './github-comments.js';

/** The pull request of pull_request, pull_request_target and issue_comment events. */
export function pullRequestOf(run: RunContext): PullRequest | undefined {
  const repository = repositoryOf(run);
  if (!repository) return undefined;
  const { payload } = run;
  let number: unknown;
  if (run.eventName === 'pull_request' || run.eventName === 'pull_request_target') {
    number = payload.pull_request?.number;
  } else if (run.eventName === 'issue_comment' && payload.issue?.pull_request) {
    number = payload.issue.number;
  }
  return typeof number === 'number' ? { ...repository, number } : undefined;
}
