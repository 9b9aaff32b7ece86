/**
 * The workflow run the tests pretend to be part of: as runner variables (for the built
 * action, which reads them through @actions/github's context) and as the context object
 * itself (for tests that call the code in process).
 */
import type { WorkflowRun } from '../../src/workflow-run.js';

export const RUN_ENV = {
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REPOSITORY: 'octo-org/models',
  GITHUB_REF_NAME: 'feature/new-model',
  GITHUB_RUN_ID: '1000',
  GITHUB_RUN_NUMBER: '7',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_ACTIONS: 'true',
} as const;

export const RUN_URL = 'https://github.com/octo-org/models/actions/runs/1000';

/** The head commit of the pull requests of the tests; GITHUB_SHA is their merge commit. */
export const PR_HEAD_SHA = 'feedfacefeedfacefeedfacefeedfacefeedface';

/** The context @actions/github would build from RUN_ENV for `event`. */
export function runContext(
  event: { name: string; payload: object } = { name: 'push', payload: {} },
  overrides: Partial<WorkflowRun> = {},
): WorkflowRun {
  const [owner, repo] = RUN_ENV.GITHUB_REPOSITORY.split('/') as [string, string];
  return {
    eventName: event.name,
    payload: event.payload,
    sha: RUN_ENV.GITHUB_SHA,
    runId: Number(RUN_ENV.GITHUB_RUN_ID),
    runNumber: Number(RUN_ENV.GITHUB_RUN_NUMBER),
    runAttempt: Number(RUN_ENV.GITHUB_RUN_ATTEMPT),
    serverUrl: RUN_ENV.GITHUB_SERVER_URL,
    repo: { owner, repo },
    ...overrides,
  };
}

/** A pull_request event for pull request `number`, whose head is PR_HEAD_SHA. */
export function pullRequestEvent(number: number) {
  return {
    name: 'pull_request',
    payload: { number, pull_request: { number, head: { sha: PR_HEAD_SHA } } },
  };
}
