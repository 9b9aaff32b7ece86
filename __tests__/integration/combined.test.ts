/**
 * `comment: combined`, the `report` output and the problems' links to their file, end to
 * end: the built action against the SageMaker emulator and the GitHub API emulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OUTPUT_BYTES } from '../../src/limits.js';
import { combinedMarker, commentMarker } from '../../src/report/comment-marker.js';
import { runAction } from '../harness/dist-action.js';
import { renderGfm } from '../harness/gfm.js';
import { OCTOCAT, startGitHubEmulator, type GitHubEmulator } from '../harness/github-emulator.js';
import { MARKETPLACE, VALIDATION, VERSIONED, writeManifest } from '../harness/manifests.js';
import { PR_HEAD_SHA } from '../harness/run-context.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../harness/sagemaker-emulator.js';

const PR = 7;
const EVENT = {
  name: 'pull_request',
  payload: { number: PR, pull_request: { number: PR, head: { sha: PR_HEAD_SHA } } },
};
/** A directory name a contributor could push: markdown, a mention, a reference, HTML, `)#?`. */
const HOSTILE_DIR = '[x](https:evil.example) a) @octocat #1 <b>b</b> ?q=1#L9 `c`';
const BLOB = `https://github.com/octo-org/models/blob/${PR_HEAD_SHA}`;

let workspace: string;
let sagemaker: SageMakerEmulator;
let github: GitHubEmulator;

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'smp-combined-'));
  for (const [dir, text] of [
    ['a', MARKETPLACE],
    ['b', VERSIONED + VALIDATION],
    [path.join('h', HOSTILE_DIR), `${MARKETPLACE}Unknown: 1\n`],
  ] as const) {
    writeManifest(workspace, dir, text);
  }
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
afterEach(async () => {
  await sagemaker?.close();
  await github?.close();
});

async function start() {
  sagemaker = await startSageMakerEmulator({ pendingMs: 2000, inProgressMs: 2000 });
  github = await startGitHubEmulator();
}

function act(inputs: Record<string, string> = {}) {
  return runAction({
    workspace,
    inputs: {
      manifest: 'a/model-package.yml\nb/model-package.yml',
      region: 'us-east-1',
      'github-token': 'ghs_writer',
      'check-run': 'false',
      comment: 'combined',
      ...inputs,
    },
    env: {
      AWS_ENDPOINT_URL_SAGEMAKER: sagemaker.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      GITHUB_API_URL: github.url,
    },
    event: EVENT,
  });
}

const comments = () => github.comments('octo-org', 'models', PR);
const writes = (method: string) =>
  github.requests.filter((r) => r.method === method && r.status < 300).length;

describe('comment: combined', () => {
  it('keeps one comment for the run, edited on status changes and by the next run', async () => {
    await start();
    sagemaker.setOutcome('fraud-detector', {
      status: 'Failed',
      failureReason: 'ClientError: the container answered 500 to /invocations',
    });
    // A person's comment that starts with the same marker text, and an 'update' comment.
    const theirs = github.addComment(
      'octo-org',
      'models',
      PR,
      `${combinedMarker()}\nmine`,
      OCTOCAT,
    );
    const perManifest = github.addComment(
      'octo-org',
      'models',
      PR,
      `${commentMarker('a/model-package.yml')}\nfrom an earlier update run`,
    );
    const run = await act();
    expect(run.code).toBe(1);

    expect(comments()).toHaveLength(3);
    const ours = comments()[2]!;
    expect(ours.body.split('\n', 1)[0]).toBe(combinedMarker());
    expect(comments()[0]!.body).toBe(theirs.body);
    expect(comments()[1]!.body).toBe(perManifest.body);
    expect(github.requests.some((r) => r.foreignAuthor)).toBe(false);
    expect(run.outputs['comment-url']).toBe(ours.html_url);

    const rendered = renderGfm(ours.body);
    expect(rendered.rows.slice(0, 3)).toEqual([
      ['Package', 'Status', 'Version', 'Failure reason'],
      ['churn-predictor', '✅ Completed', 'unversioned', ''],
      [
        'fraud-detector',
        '❌ Failed',
        '1',
        'validation-failed: ClientError: the container answered 500 to /invocations',
      ],
    ]);
    expect(ours.body).toContain('### ✅ churn-predictor');
    expect(ours.body).toContain('### ❌ fraud-detector');
    // Created once, while validating; edited on status changes, not on every poll.
    expect(writes('POST')).toBe(1);
    expect(writes('PATCH')).toBeGreaterThanOrEqual(1);
    expect(writes('PATCH')).toBeLessThanOrEqual(4);

    const patches = writes('PATCH');
    const again = await act();
    expect(again.code).toBe(1);
    expect(writes('POST')).toBe(1);
    expect(writes('PATCH')).toBeGreaterThan(patches);
    expect(comments().map((c) => c.id)).toEqual([theirs.id, perManifest.id, ours.id]);
    expect(comments()[2]!.body).toContain('reused the package of an earlier run');
    expect(again.outputs['comment-url']).toBe(ours.html_url);

    // The report output is the job summary's markdown (the toolkit ends the file with a newline).
    expect(again.outputs.report).toContain('## SageMaker model package');
    expect(again.summary).toBe(`${again.outputs.report}\n`);
    expect(Buffer.byteLength(again.outputs.report!)).toBeLessThanOrEqual(OUTPUT_BYTES);
    // The reports name the pull request's head commit, as the check runs do.
    expect(again.summary).toContain(`<code>${PR_HEAD_SHA.slice(0, 12)}</code>`);
  }, 90_000);

  it('renders hostile manifest paths inert, with problems linked to their file at the head commit', async () => {
    await start();
    const run = await act({ manifest: 'a/model-package.yml\nh/**/model-package.yml' });
    expect(run.code).toBe(1);
    expect(run.outputs['failure-reason']).toBe('invalid-manifest');
    const body = comments()[0]!.body;
    expect(comments()).toHaveLength(1);
    // The directory name holds a '/' (in `</b>`): each segment is encoded on its own.
    const encoded = `h/${HOSTILE_DIR}/model-package.yml`
      .split('/')
      .map((segment) =>
        encodeURIComponent(segment).replace(
          /[()]/g,
          (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
        ),
      )
      .join('/');
    const href = `${BLOB}/${encoded}#L`;
    for (const markdown of [body, run.summary, run.outputs.report!]) {
      const rendered = renderGfm(markdown);
      const problemLinks = rendered.links.filter((l) => l.startsWith(BLOB));
      expect(problemLinks.length).toBeGreaterThan(0);
      for (const link of problemLinks) {
        expect(link.slice(0, href.length)).toBe(href);
        expect(new URL(link).hash).toMatch(/^#L\d+$/);
      }
      // Only the report's own links: the problems' file, the run, the console.
      expect(
        rendered.links.filter(
          (l) =>
            !l.startsWith(href) &&
            !l.startsWith('https://github.com/octo-org/models/actions/runs/') &&
            !l.startsWith('https://console.aws.amazon.com/'),
        ),
      ).toEqual([]);
      expect(rendered.images).toEqual([]);
      expect(rendered.mentions).toEqual([]);
      expect(rendered.references).toEqual([]);
      expect(rendered.elements).not.toContain('b');
    }
    const table = renderGfm(body).rows;
    expect(table[0]).toEqual(['Package', 'Status', 'Version', 'Failure reason']);
    expect(table.slice(1, 3).map((r) => r.length)).toEqual([4, 4]);
  }, 60_000);
});
