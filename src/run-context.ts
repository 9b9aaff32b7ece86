/** What the action knows about the workflow run it is part of, from the runner's variables. */
export interface RunContext {
  workspace: string;
  serverUrl: string;
  repository?: string;
  sha?: string;
  runId?: string;
  runAttempt?: string;
  eventName?: string;
  eventPath?: string;
}

export function runContextFromEnv(env: NodeJS.ProcessEnv = process.env): RunContext {
  const value = (name: string) => env[name]?.trim() || undefined;
  return {
    workspace: value('GITHUB_WORKSPACE') ?? process.cwd(),
    serverUrl: (value('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, ''),
    repository: value('GITHUB_REPOSITORY'),
    sha: value('GITHUB_SHA'),
    runId: value('GITHUB_RUN_ID'),
    runAttempt: value('GITHUB_RUN_ATTEMPT'),
    eventName: value('GITHUB_EVENT_NAME'),
    eventPath: value('GITHUB_EVENT_PATH'),
  };
}

export function repositoryUrl(run: RunContext): string | undefined {
  return run.repository ? `${run.serverUrl}/${run.repository}` : undefined;
}

/** The URL of this workflow run (of this attempt, when known). */
export function runUrl(run: RunContext): string | undefined {
  const repo = repositoryUrl(run);
  if (!repo || !run.runId) return undefined;
  const attempt = run.runAttempt && run.runAttempt !== '1' ? `/attempts/${run.runAttempt}` : '';
  return `${repo}/actions/runs/${run.runId}${attempt}`;
}
