/**
 * `comment: combined`, the `report` output and the problems' links to their file, end to
 * end: the built action against the SageMaker emulator and the GitHub API emulator.
 */
import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { OUTPUT_BYTES } from '../../src/limits.js';
import { combinedMarker, commentMarker } from '../../src/report/comment-marker.js';
import { renderGfm } from '../harness/gfm.js';
import { OCTOCAT } from '../harness/github-emulator.js';
import { heldValidation, integration, TWO_PACKAGES } from '../harness/integration.js';
import { MARKETPLACE } from '../harness/manifests.js';
import { PR_HEAD_SHA, pullRequestEvent } from '../harness/run-context.js';

const PR = 7;
/** A directory name a contributor could push: markdown, a mention, a reference, HTML, `)#?`. */
const HOSTILE_DIR = '[x](https:evil.example) a) @octocat #1 <b>b</b> ?q=1#L9 `c`';
const BLOB = `https://github.com/octo-org/models/blob/${PR_HEAD_SHA}`;

const t = integration(TWO_PACKAGES, {
  manifests: { [path.join('h', HOSTILE_DIR)]: `${MARKETPLACE}Unknown: 1\n` },
  inputs: {
    'check-run': 'false',
    comment: 'combined',
  },
  event: pullRequestEvent(PR),
});

const act = (inputs: Record<string, string> = {}) => t.run({ inputs });
const comments = () => t.github.comments('octo-org', 'models', PR);
const writes = (method: string) =>
  t.github.requests.filter((r) => r.method === method && r.status < 300).length;

describe('comment: combined', () => {
  it('keeps one comment for the run, edited on status changes and by the next run', async () => {
    const validation = heldValidation();
    await t.start({ sagemaker: validation.options });
    t.sagemaker.setOutcome('fraud-detector', {
      status: 'Failed',
      failureReason: 'ClientError: the container answered 500 to /invocations',
    });
    // A person's comment that starts with the same marker text, and an 'update' comment.
    const theirs = t.github.addComment(
      'octo-org',
      'models',
      PR,
      `${combinedMarker()}\nmine`,
      OCTOCAT,
    );
    const perManifest = t.github.addComment(
      'octo-org',
      'models',
      PR,
      `${commentMarker('a/model-package.yml')}\nfrom an earlier update run`,
    );
    const run = await validation.playThrough(act(), [
      'churn-predictor',
      'fraud-detector (b/model-package.yml)',
    ]);
    expect(run.code).toBe(1);

    expect(comments()).toHaveLength(3);
    const ours = comments()[2]!;
    expect(ours.body.split('\n', 1)[0]).toBe(combinedMarker());
    expect(comments()[0]!.body).toBe(theirs.body);
    expect(comments()[1]!.body).toBe(perManifest.body);
    expect(t.github.requests.some((r) => r.foreignAuthor)).toBe(false);
    expect(run.outputs['comment-url']).toBe(ours.html_url);

    const rendered = renderGfm(ours.body);
    expect(rendered.rows.slice(0, 3)).toEqual([
      ['Package', 'Status', 'Version', 'Plan', 'Failure reason'],
      ['churn-predictor', '✅ Completed', 'unversioned', 'new version, no live version', ''],
      [
        'fraud-detector',
        '❌ Failed',
        '1',
        'new version, no live version',
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
    await t.start();
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
