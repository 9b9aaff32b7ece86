/**
 * Check runs in memory, behind the CheckRunClient interface: for the tests that run
 * reporting in process. For the GitHub API over HTTP, see github-emulator.ts.
 */
import type { CheckRunClient, CheckRunFields, Repository } from '../../src/report/github-checks.js';

export interface FakeCheckRun extends CheckRunFields {
  id: number;
  repo: Repository;
  head_sha: string;
}

export interface FakeCheckRuns {
  client: CheckRunClient;
  /** The check runs, oldest first, as last written. */
  runs: FakeCheckRun[];
  /** Every call, in order: 'create <id> <status>', 'update <id> <status>'. */
  calls: string[];
}

export function fakeCheckRuns(overrides: Partial<CheckRunClient> = {}): FakeCheckRuns {
  const runs: FakeCheckRun[] = [];
  const calls: string[] = [];
  let next = 500;
  const client: CheckRunClient = {
    async createCheckRun(repo, headSha, fields) {
      const run = { ...structuredClone(fields), id: next++, repo, head_sha: headSha };
      runs.push(run);
      calls.push(`create ${run.id} ${fields.conclusion ?? fields.status}`);
      return {
        id: run.id,
        html_url: `https://github.com/${repo.owner}/${repo.repo}/runs/${run.id}`,
      };
    },
    async updateCheckRun(_repo, id, fields) {
      const index = runs.findIndex((r) => r.id === id);
      if (index < 0) throw Object.assign(new Error('Not Found'), { status: 404 });
      runs[index] = { ...runs[index]!, ...structuredClone(fields) };
      calls.push(`update ${id} ${fields.conclusion ?? fields.status}`);
      return { id };
    },
    ...overrides,
  };
  return { client, runs, calls };
}
