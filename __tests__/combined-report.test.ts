import { describe, expect, it } from '@jest/globals';
import { COMMENT_CHARACTERS, OUTPUT_BYTES } from '../src/limits.js';
import {
  combinedMarker,
  commentMarker,
  isCombinedMarked,
  markedManifest,
} from '../src/report/comment-marker.js';
import { COMBINED_COMMENT, PullRequestComments } from '../src/report/comments.js';
import { renderCombinedComment, renderSummary, sourceLineUrl } from '../src/report/render.js';
import { Reporter } from '../src/report/reporter.js';
import { emptyResult, type PackageResult } from '../src/results.js';
import { filesUrl } from '../src/workflow-run.js';
import { silentLog } from '../src/runner/port.js';
import { fakeComments } from './harness/fake-comments.js';
import { renderGfm } from './harness/gfm.js';
import { memoryRunner } from './harness/memory-runner.js';
import { REPORT_FIXTURES } from './harness/report-fixtures.js';
import { PR_HEAD_SHA, pullRequestEvent, runContext, RUN_URL } from './harness/run-context.js';

const PR = { owner: 'octo-org', repo: 'models', number: 7 };
const SOURCE = `https://github.com/octo-org/models/blob/${PR_HEAD_SHA}`;
const EVIL =
  '[pwn](https://evil.example) ![t](https://evil.example/t.png) @octocat #1 <b>x</b> | y';

function invalid(manifest: string, line = 3): PackageResult {
  return {
    ...emptyResult(manifest, 'Failed'),
    failureReason: 'invalid-manifest',
    problems: [{ severity: 'error', line, column: 5, member: 'Foo', message: 'unknown member' }],
  };
}

describe('the combined comment marker', () => {
  it('is its own: neither a manifest marker nor one of another label', () => {
    const marker = combinedMarker('gpu');
    expect(marker).toBe('<!-- sagemaker-model-package-action combined label=gpu -->');
    expect(isCombinedMarked(`${marker}\nbody`, 'gpu')).toBe(true);
    expect(isCombinedMarked(`${marker}\r\nbody`, 'gpu')).toBe(true);
    expect(isCombinedMarked(`${marker}\nbody`)).toBe(false);
    expect(isCombinedMarked(`${combinedMarker()}\nbody`, 'gpu')).toBe(false);
    expect(isCombinedMarked(`${combinedMarker()}\nbody`)).toBe(true);
    expect(isCombinedMarked(`> ${combinedMarker()}\nbody`)).toBe(false);
    expect(markedManifest(`${combinedMarker()}\nbody`)).toBeUndefined();
    expect(markedManifest(`${marker}\nbody`, 'gpu')).toBeUndefined();
    expect(isCombinedMarked(`${commentMarker('a.yml')}\nbody`)).toBe(false);
  });
});

describe('renderCombinedComment', () => {
  const results = Object.values(REPORT_FIXTURES).map((f) => f.result);

  it('starts with its marker and a table of every package, then each section', () => {
    const body = renderCombinedComment(results, { runUrl: RUN_URL, label: 'gpu' });
    expect(body.split('\n', 1)[0]).toBe(combinedMarker('gpu'));
    const rendered = renderGfm(body);
    expect(rendered.rows[0]).toEqual(['Package', 'Status', 'Version', 'Plan', 'Failure reason']);
    const rows = rendered.rows.slice(1, results.length + 1);
    expect(rows.map((r) => r[0])).toEqual(results.map((r) => r.name ?? r.group ?? r.manifest));
    const failed = results.findIndex((r) => r.failureReason === 'image-scan-failed');
    expect(rows[failed]![1]).toBe('❌ Failed');
    expect(rows[failed]![4]).toMatch(/^image-scan-failed: \S/);
    const completed = results.findIndex((r) => r.status === 'Completed' && r.version === 3);
    expect(rows[completed]).toEqual([expect.any(String), '✅ Completed', '3', '', '']);
    const planned = results.findIndex((r) => r.plan?.cost === 'new-version');
    expect(rows[planned]![3]).toBe('new version, 2 changes against version 1');
    const inPlace = results.findIndex((r) => r.plan?.cost === 'in-place');
    expect(rows[inPlace]![3]).toBe('update in place, 2 changes against version 3');
    // Without any plan, the table has no Plan column.
    const unplanned = renderGfm(renderCombinedComment(results.filter((r) => !r.plan)));
    expect(unplanned.rows[0]).toEqual(['Package', 'Status', 'Version', 'Failure reason']);
    expect(body.match(/^### /gm)).toHaveLength(results.length);
    expect(body.length).toBeLessThanOrEqual(COMMENT_CHARACTERS);
  });

  it('renders hostile names and reasons inert, and keeps the table four columns wide', () => {
    const hostile: PackageResult = {
      ...emptyResult(`models/${EVIL}.yml`, 'Failed'),
      name: EVIL,
      failureReason: 'create-failed',
      error: `${EVIL}\nsecond line`,
    };
    const rendered = renderGfm(renderCombinedComment([hostile], { runUrl: RUN_URL }));
    expect(rendered.links).toEqual([]);
    expect(rendered.images).toEqual([]);
    expect(rendered.mentions).toEqual([]);
    expect(rendered.references).toEqual([]);
    expect(rendered.elements).not.toContain('b');
    expect(rendered.rows[1]).toHaveLength(4);
    // What a reader sees is the name, with zero-width spaces that keep it from linking.
    expect(rendered.rows[1]![0]!.replace(/\u200b/g, '')).toBe(EVIL);
  });

  it('cuts sections, last first, keeps the table, and says so with a link to the run', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      ...invalid(`models/m${i}.yml`),
      problems: Array.from({ length: 100 }, (_, j) => ({
        severity: 'error' as const,
        line: j + 1,
        column: 1,
        member: `Member${j}`,
        message: 'x'.repeat(200),
      })),
    }));
    const body = renderCombinedComment(many, { runUrl: RUN_URL });
    expect(body.length).toBeLessThanOrEqual(COMMENT_CHARACTERS);
    const rendered = renderGfm(body);
    // The whole table: a header and a row per package.
    expect(rendered.rows).toHaveLength(13);
    const sections = body.match(/^### /gm)!.length;
    expect(sections).toBeGreaterThan(0);
    expect(sections).toBeLessThan(12);
    expect(body).toContain(
      `${12 - sections} of 12 package sections were left out to stay within GitHub's 65536 characters`,
    );
    expect(rendered.links).toContain(RUN_URL);
    expect(body).toContain('m0.yml:1:1');
    expect(body).not.toContain('m11.yml:1:1');
  });

  it('stays within the limit however many packages', () => {
    const many = Array.from({ length: 3000 }, (_, i) => invalid(`models/m${i}.yml`));
    const body = renderCombinedComment(many, { runUrl: RUN_URL });
    expect(body.length).toBeLessThanOrEqual(COMMENT_CHARACTERS);
    expect(body).toContain('the full report is in the [workflow run]');
  });
});

describe('problem links', () => {
  it('point at the file and line at the commit, each segment of the path encoded', () => {
    expect(sourceLineUrl(SOURCE, 'models/a b/x#y?z (1).yml', 12)).toBe(
      `${SOURCE}/models/a%20b/x%23y%3Fz%20%281%29.yml#L12`,
    );
    expect(sourceLineUrl(`${SOURCE}/`, 'a\nb/c%d.yml', 1)).toBe(`${SOURCE}/a%0Ab/c%25d.yml#L1`);
    expect(sourceLineUrl(SOURCE, 'a.yml', 0)).toBe(`${SOURCE}/a.yml`);
  });

  it("use the run's server and the pull request's head, else the run's commit", () => {
    const ghes = runContext(pullRequestEvent(7), { serverUrl: 'https://ghe.example.com/' });
    expect(filesUrl(ghes, PR_HEAD_SHA)).toBe(
      `https://ghe.example.com/octo-org/models/blob/${PR_HEAD_SHA}`,
    );
    expect(filesUrl(ghes, 'main')).toBeUndefined();
    expect(filesUrl(ghes, undefined)).toBeUndefined();
  });

  it.each([
    'models/[x](https:evil.example).yml',
    'models/a) [b](https://evil.example/.yml',
    'models/sp ace/#1 @octocat\n<b>x</b>.yml',
    'models/`code`/x?y=1#L9.yml',
  ])('make a hostile file name %j one inert link to its file', (manifest) => {
    const markdown = renderSummary({
      results: [invalid(manifest, 7)],
      runUrl: RUN_URL,
      sourceUrl: SOURCE,
    });
    const rendered = renderGfm(markdown);
    const expected = `${SOURCE}/${manifest.split('/').map(encodeURIComponent).join('/')}#L7`
      .replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/\n/g, '%0A');
    expect(rendered.links).toEqual([expected]);
    expect(rendered.images).toEqual([]);
    expect(rendered.mentions).toEqual([]);
    expect(rendered.references).toEqual([]);
    expect(rendered.elements).not.toContain('b');
    expect(new URL(rendered.links[0]!).hash).toBe('#L7');
  });
});

describe('Reporter', () => {
  const settings = {
    githubToken: 'ghs_writer',
    wait: true,
    label: '',
    checkRun: false,
  };

  it("names the pull request's head commit in the reports and links problems there", async () => {
    const runner = memoryRunner();
    const { client, comments } = fakeComments();
    const reporter = new Reporter({
      workflow: runContext(pullRequestEvent(7)),
      settings: { ...settings, comment: 'update' },
      runner,
      github: () => client,
    });
    const { summary, report } = await reporter.finish({
      results: [{ ...invalid('models/a b.yml'), failureReason: null, status: 'DryRun' }],
    });
    expect(report).toBe(summary);
    expect(runner.summary).toBe(summary);
    expect(summary).not.toContain('<code>0123456789ab</code>');
    expect(renderGfm(summary).links).toContain(`${SOURCE}/models/a%20b.yml#L3`);
    expect(renderGfm(comments[0]!.body).links).toContain(`${SOURCE}/models/a%20b.yml#L3`);

    const push = new Reporter({
      workflow: runContext(),
      settings: { ...settings, comment: 'off' },
      runner,
    });
    const pushed = await push.finish({ results: [invalid('a.yml')] });
    expect(renderGfm(pushed.summary).links).toContain(
      'https://github.com/octo-org/models/blob/0123456789abcdef0123456789abcdef01234567/a.yml#L3',
    );
  });

  it('writes one combined comment, edits it on change, and returns its URL', async () => {
    const runner = memoryRunner();
    const { client, calls, comments } = fakeComments({
      existing: [
        // A manifest's comment of 'update' mode, and a person's with the combined marker.
        {
          id: 1,
          body: `${commentMarker('a.yml')}\nold`,
          user: { login: 'github-actions[bot]' },
          html_url: 'u1',
        },
        { id: 2, body: `${combinedMarker()}\nmine`, user: { login: 'octocat' }, html_url: 'u2' },
      ],
    });
    const options = {
      workflow: runContext(pullRequestEvent(7)),
      settings: { ...settings, comment: 'combined' as const },
      runner,
      github: () => client,
    };
    const reporter = new Reporter(options);
    const a = { ...emptyResult('a.yml', 'InProgress'), name: 'a' };
    const b = { ...emptyResult('b.yml', 'InProgress'), name: 'b' };
    await reporter.progress([a, b]);
    await reporter.progress([a, b]);
    const { commentUrl } = await reporter.finish({
      results: [{ ...a, status: 'Completed' }, b],
    });
    expect(calls).toEqual(['list', 'create 100', 'update 100']);
    expect(comments[0]!.body).toBe(`${commentMarker('a.yml')}\nold`);
    expect(comments[1]!.body).toBe(`${combinedMarker()}\nmine`);
    expect(comments[2]!.body.split('\n', 1)[0]).toBe(combinedMarker());
    expect(
      renderGfm(comments[2]!.body)
        .rows.slice(1)
        .map((r) => r[1]),
    ).toEqual(['✅ Completed', '⏳ InProgress']);
    expect(commentUrl).toBe(comments[2]!.html_url);

    // A second run finds it again.
    const again = new Reporter(options);
    await again.finish({
      results: [
        { ...a, status: 'Completed' },
        { ...b, status: 'Completed' },
      ],
    });
    expect(calls).toEqual(['list', 'create 100', 'update 100', 'list', 'update 100']);
  });

  it("in 'update' mode leaves the combined comment alone", async () => {
    const { client, calls } = fakeComments({
      existing: [
        {
          id: 1,
          body: `${combinedMarker()}\nx`,
          user: { login: 'github-actions[bot]' },
          html_url: 'u1',
        },
      ],
    });
    const sink = new PullRequestComments(client, PR, 'update', silentLog);
    await sink.write('a.yml', `${commentMarker('a.yml')}\nnew`);
    expect(calls).toEqual(['list', 'create 100']);
    const combined = new PullRequestComments(client, PR, 'combined', silentLog);
    await combined.write(COMBINED_COMMENT, `${combinedMarker()}\nnew`);
    expect(calls).toEqual(['list', 'create 100', 'list', 'update 1']);
  });

  it('bounds the report output to an output, with a note, when the summary is longer', async () => {
    const runner = memoryRunner();
    const reporter = new Reporter({ workflow: runContext(), runner });
    const huge: PackageResult = {
      ...emptyResult('a.yml', 'Failed'),
      failureReason: 'validation-failed',
      // About 940 kB: within the summary's limit, over an output's.
      validation: Array.from({ length: 310 }, (_, i) => ({
        name: `profile-${i}`,
        status: 'Failed',
        failureReason: '失'.repeat(1000),
      })),
    };
    const { summary, report } = await reporter.finish({ results: [huge] });
    expect(Buffer.byteLength(summary)).toBeGreaterThan(OUTPUT_BYTES);
    expect(runner.summary).toBe(summary);
    expect(Buffer.byteLength(report)).toBeLessThanOrEqual(OUTPUT_BYTES);
    expect(report).not.toBe(summary);
    expect(runner.lines('warning')).toEqual([
      expect.stringMatching(
        /^The job summary is \d+ bytes, over GitHub's limit of 1 MB for an output: the 'report' output is a shorter rendering/,
      ),
    ]);
    expect(report.startsWith('## SageMaker model package')).toBe(true);
    expect(report.includes(`… *(cut; 1000 characters in the [workflow run](${RUN_URL}))*`)).toBe(
      true,
    );
  });
});
