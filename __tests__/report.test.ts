import { describe, expect, it } from '@jest/globals';
import { renderGfm } from './harness/gfm.js';
import { code, codeBlock, table, text } from '../src/report/markdown.js';
import { renderSummary } from '../src/report/render.js';
import { outputsOf } from '../src/outputs.js';
import type { PackagePlan } from '../src/plan/types.js';
import { aggregateStatus, emptyResult, stopped, type PackageResult } from '../src/results.js';
import { NEW_VERSION_PLAN } from './harness/report-fixtures.js';

const HOSTILE = [
  '[pwn](https://evil.example) ![t](https://evil.example/t.png)',
  '<img src=x onerror=alert(1)> <script>alert(1)</script> <a href="https://evil.example">x</a>',
  '@octo-org/admins @octocat cc: #1 GH-2 octo-org/models#3',
  'https://evil.example www.evil.example mail admin@evil.example <https://evil.example>',
  '| cell | break | `tick` *em* _u_ ~~s~~ \\[escaped\\]',
  '&lt;img&gt; &#64;octocat &#35;1',
].join(' ');

describe('markdown escaping, rendered as GitHub renders it', () => {
  it.each([
    ['text', text],
    ['code', code],
  ])('%s() yields no link, image, HTML, mention or reference', (_name, escape) => {
    const rendered = renderGfm(`| a | b |\n| --- | --- |\n| ${escape(HOSTILE)} | x |`);
    expect(rendered.links).toEqual([]);
    expect(rendered.images).toEqual([]);
    expect(rendered.elements).toEqual(
      escape === code
        ? ['code', 'table', 'tbody', 'td', 'th', 'thead', 'tr']
        : ['table', 'tbody', 'td', 'th', 'thead', 'tr'],
    );
    expect(rendered.mentions).toEqual([]);
    expect(rendered.references).toEqual([]);
    // The table keeps its two columns, and the text reads as it was written.
    expect(rendered.rows[1]).toHaveLength(2);
    expect(rendered.rows[1]![0]!.replaceAll('\u200b', '')).toBe(HOSTILE);
  });

  it('would fail without escaping: the renderer sees the links, mentions and references', () => {
    const raw = renderGfm(HOSTILE);
    expect(raw.links.length).toBeGreaterThan(3);
    expect(raw.images.length).toBeGreaterThan(0);
    expect(raw.mentions).toContain('@octocat');
    expect(raw.references).toContain('#1');
  });
});

describe('markdown escaping', () => {
  it('keeps manifest and AWS text from injecting HTML, mentions or table cells', () => {
    const hostile = '<img src=x onerror=alert(1)> @octo-org/admins | *bold* `code`';
    const escaped = text(hostile);
    expect(escaped).not.toMatch(/<img|@octo|\|/);
    expect(escaped).toContain('&lt;img');
    expect(escaped).toContain('@\u200bocto');
    expect(escaped).toContain('&#124;');
    expect(code('a|b <c> @d')).toBe('<code>a&#124;b &lt;c&gt; @\u200bd</code>');
    expect(text('line\nbreak')).toBe('line break');
    // Line breaks of every kind: no escaped text starts a line of its own, where a workflow
    // command (`::error::`) would be read by whatever prints the report.
    expect(text('a\r\n::set-output name=x::y\r::b\u0085::c\u2028::d\u2029::e')).toBe(
      'a ::set-output name=x::y ::b ::c ::d ::e',
    );
  });

  it('fences a block so that its content cannot close it', () => {
    expect(codeBlock('x')).toBe('```\nx\n```');
    expect(codeBlock('a ```` b', 'json')).toBe('`````json\na ```` b\n`````');
  });

  it('builds tables', () => {
    expect(table(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});

function result(overrides: Partial<PackageResult>): PackageResult {
  return { ...emptyResult('models/a.yml', 'DryRun'), ...overrides };
}

describe('the job summary', () => {
  it('shows a dry run with its identity and the request in a collapsed block', () => {
    const markdown = renderSummary({
      results: [result({ name: 'churn', region: 'us-east-1' })],
      requests: new Map([['models/a.yml', { ModelPackageName: 'churn' }]]),
      commit: '0123456789abcdef0123',
    });
    expect(markdown).toContain('### 🔍 churn');
    expect(markdown).toContain('dry run: the manifest is valid; nothing was created');
    expect(markdown).toContain('- **Package:** <code>churn</code> (unversioned)');
    expect(markdown).toContain('- **Region:** <code>us-east-1</code>');
    expect(markdown).toContain('- **Commit:** <code>0123456789ab</code>');
    expect(markdown).toContain(
      '<details><summary>Request that would be sent (CreateModelPackage)</summary>',
    );
    expect(markdown).toContain('```json\n{\n  "ModelPackageName": "churn"\n}\n```');
  });

  it('lists the problems of an invalid manifest, escaped', () => {
    const markdown = renderSummary({
      results: [
        result({
          status: 'Failed',
          failureReason: 'invalid-manifest',
          problems: [
            {
              severity: 'error',
              line: 3,
              column: 5,
              member: 'Tags[0].Key',
              message: 'bad <b>key</b>',
            },
            { severity: 'warning', line: 9, column: 1, member: '', message: 'hmm' },
          ],
        }),
      ],
    });
    expect(markdown).toContain('### ❌ models/a.yml');
    expect(markdown).toContain('invalid manifest: 1 error, nothing was sent to AWS');
    expect(markdown).toContain(
      '- ❌ <code>models/a.yml:3:5</code> <code>Tags\\[0\\].Key</code>: bad &lt;b&gt;key&lt;/b&gt;',
    );
    expect(markdown).toContain('- ⚠️ <code>models/a.yml:9:1</code>: hmm');
    expect(markdown).not.toContain('Request that would be sent');
  });

  it('says what stopped a run before any manifest was read', () => {
    expect(renderSummary({ results: [], runError: "input 'comment' is wrong" })).toContain(
      '❌ input &#39;comment&#39; is wrong',
    );
  });
});

describe('outputs', () => {
  it('aggregates statuses: a failure wins, then anything unfinished', () => {
    expect(aggregateStatus([result({}), result({})])).toBe('DryRun');
    expect(
      aggregateStatus([result({ status: 'Completed' }), result({ status: 'InProgress' })]),
    ).toBe('InProgress');
    expect(aggregateStatus([result({ status: 'InProgress' }), result({ status: 'Failed' })])).toBe(
      'Failed',
    );
    expect(aggregateStatus([result({ status: 'Completed' })])).toBe('Completed');
    expect(aggregateStatus([])).toBe('Failed');
  });

  it('sets every output, from the first manifest and the first failure', () => {
    const results = [
      result({
        arn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/2',
        version: 2,
        status: 'Completed',
      }),
      result({ status: 'Failed', failureReason: 'validation-failed' }),
    ];
    const { outputs, notes } = outputsOf({ results });
    expect(notes).toEqual([]);
    expect(outputs).toMatchObject({
      'model-package-arn': 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/2',
      'model-package-version': '2',
      status: 'Failed',
      'failure-reason': 'validation-failed',
      'comment-url': '',
    });
    expect(JSON.parse(outputs.results)).toHaveLength(2);
    expect(
      outputsOf(stopped('invalid-input', 'bad input'), {
        commentUrl: 'https://x',
        report: '## SageMaker model package\n',
      }).outputs,
    ).toEqual({
      'model-package-arn': '',
      'model-package-version': '',
      status: 'Failed',
      'failure-reason': 'invalid-input',
      results: '[]',
      'comment-url': 'https://x',
      report: '## SageMaker model package\n',
      plan: '[]',
      'listing-change-set-id': '',
    });
    // A run-wide reason wins over the results'.
    const cancelled = outputsOf({ results, failure: { reason: 'cancelled', message: 'x' } });
    expect(cancelled.outputs['failure-reason']).toBe('cancelled');
  });

  it('keeps results within the limit in bytes, valid JSON, with a note', () => {
    const many = (n: number, problems: number) =>
      Array.from({ length: n }, (_, i) =>
        result({
          manifest: `models/模型-${i}.yml`,
          error: '错误'.repeat(50_000),
          problems: Array.from({ length: problems }, (_, j) => ({
            severity: 'error' as const,
            line: j + 1,
            column: 1,
            member: '成员',
            message: '未知'.repeat(100),
          })),
        }),
      );
    const max = 200_000;
    const briefer = outputsOf({ results: many(3, 500) }, {}, max);
    expect(Buffer.byteLength(briefer.outputs.results)).toBeLessThanOrEqual(max);
    const parsed = JSON.parse(briefer.outputs.results);
    expect(parsed).toHaveLength(3);
    expect(parsed[0].problems).toHaveLength(20);
    expect(briefer.notes[0]).toMatch(/over GitHub's limit of 1 MB: long texts were cut/);

    const fewer = outputsOf({ results: many(100, 100) }, {}, max);
    expect(Buffer.byteLength(fewer.outputs.results)).toBeLessThanOrEqual(max);
    const kept = JSON.parse(fewer.outputs.results).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(100);
    expect(fewer.notes[0]).toContain(`it holds the first ${kept} of 100 manifests`);
  });

  it('sets plan: one item per planned manifest, its name and group, and the plan', () => {
    const stage = { stage: 'Production', stageStatus: 'Approved', stageDescription: null };
    const results = [
      result({
        manifest: 'models/fraud.yml',
        group: 'fraud-detector',
        status: 'InProgress',
        approvalStatus: 'PendingManualApproval',
        lifeCycle: stage,
        plan: NEW_VERSION_PLAN,
      }),
      result({ manifest: 'models/invalid.yml', status: 'Failed' }),
    ];
    const { outputs, notes } = outputsOf({ results });
    expect(notes).toEqual([]);
    expect(JSON.parse(outputs.plan)).toEqual([
      { manifest: 'models/fraud.yml', name: null, group: 'fraud-detector', ...NEW_VERSION_PLAN },
    ]);
    const [first, second] = JSON.parse(outputs.results) as PackageResult[];
    expect(first).toMatchObject({
      approvalStatus: 'PendingManualApproval',
      lifeCycle: stage,
      plan: NEW_VERSION_PLAN,
    });
    expect(second).toMatchObject({ approvalStatus: null, lifeCycle: null });
    expect(second).not.toHaveProperty('plan');
    expect(outputsOf({ results: [results[1]!] }).outputs.plan).toBe('[]');
  });

  it('keeps plan and the plans in results within the limit in bytes, valid JSON, with a note', () => {
    const huge = '值'.repeat(20_000);
    const plan: PackagePlan = {
      ...NEW_VERSION_PLAN,
      note: huge,
      changes: Array.from({ length: 100 }, (_, i) => ({
        path: `CustomerMetadataProperties.k${i}`,
        change: 'changed' as const,
        old: huge,
        new: huge,
        metadata: true,
      })),
      changesOmitted: 7,
      notes: [huge],
    };
    const planned = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        result({ manifest: `models/${i}.yml`, group: 'g', lifeCycle: null, plan }),
      );
    const max = 600_000;
    const briefer = outputsOf({ results: planned(2) }, {}, max);
    for (const name of ['plan', 'results'] as const) {
      expect(Buffer.byteLength(briefer.outputs[name])).toBeLessThanOrEqual(max);
    }
    const items = JSON.parse(briefer.outputs.plan) as (PackagePlan & { manifest: string })[];
    expect(items.map((p) => p.manifest)).toEqual(['models/0.yml', 'models/1.yml']);
    expect(items[0]!.changes).toHaveLength(20);
    expect(items[0]!.changesOmitted).toBe(87);
    expect(items[0]!.changes[0]!.old!.length).toBeLessThan(1100);
    expect(items[0]!.note!.length).toBeLessThan(1100);
    expect(JSON.parse(briefer.outputs.results)[0].plan.changes).toHaveLength(20);
    expect(briefer.notes).toEqual([
      expect.stringMatching(/^the 'results' output was \d+ bytes.*each plan its first 20 changes/),
      expect.stringMatching(
        /^the 'plan' output was \d+ bytes, over GitHub's limit of 1 MB: long texts were cut and each plan keeps its first 20 changes/,
      ),
    ]);

    const fewer = outputsOf({ results: planned(20) }, {}, max);
    expect(Buffer.byteLength(fewer.outputs.plan)).toBeLessThanOrEqual(max);
    const kept = JSON.parse(fewer.outputs.plan).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(20);
    expect(fewer.notes[1]).toContain(`it holds the plans of the first ${kept} of 20 manifests`);
  });
});
