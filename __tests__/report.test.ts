import { describe, expect, it } from '@jest/globals';
import { code, codeBlock, table, text } from '../src/report/markdown.js';
import { renderSummary } from '../src/report/render.js';
import { outputsOf } from '../src/outputs.js';
import { aggregateStatus, emptyResult, stopped, type PackageResult } from '../src/results.js';

describe('markdown escaping', () => {
  it('keeps manifest and AWS text from injecting HTML, mentions or table cells', () => {
    const hostile = '<img src=x onerror=alert(1)> @octo-org/admins | *bold* `code`';
    const escaped = text(hostile);
    expect(escaped).not.toMatch(/<img|@octo|\|/);
    expect(escaped).toContain('&lt;img');
    expect(escaped).toContain('&#64;octo');
    expect(escaped).toContain('&#124;');
    expect(code('a|b <c> @d')).toBe('<code>a&#124;b &lt;c&gt; &#64;d</code>');
    expect(text('line\nbreak')).toBe('line break');
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
    expect(markdown).toContain('dry run: the manifest is valid; nothing was sent to AWS');
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
      '- ❌ <code>models/a.yml:3:5</code> <code>Tags[0].Key</code>: bad &lt;b&gt;key&lt;/b&gt;',
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
    const outputs = outputsOf({ results });
    expect(outputs).toMatchObject({
      'model-package-arn': 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/2',
      'model-package-version': '2',
      status: 'Failed',
      'failure-reason': 'validation-failed',
      'comment-url': '',
    });
    expect(JSON.parse(outputs.results)).toHaveLength(2);
    expect(outputsOf(stopped('invalid-input', 'bad input'), 'https://x')).toEqual({
      'model-package-arn': '',
      'model-package-version': '',
      status: 'Failed',
      'failure-reason': 'invalid-input',
      results: '[]',
      'comment-url': 'https://x',
    });
    // A run-wide reason wins over the results'.
    const cancelled = outputsOf({ results, failure: { reason: 'cancelled', message: 'x' } });
    expect(cancelled['failure-reason']).toBe('cancelled');
  });
});
