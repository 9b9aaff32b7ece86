import { describe, expect, it } from '@jest/globals';
import { packageLinks, partitionOf } from '../src/report/links.js';
import { COMMENT_CHARACTERS as COMMENT_LIMIT, SUMMARY_BYTES } from '../src/limits.js';
import { fit, renderComment, renderSummary } from '../src/report/render.js';
import { commentMarker, markedManifest } from '../src/report/comment-marker.js';
import { emptyResult } from '../src/results.js';
import { renderGfm } from './harness/gfm.js';
import { COMMIT, REPORT_FIXTURES, RUN_URL } from './harness/report-fixtures.js';

describe('rendering snapshots (docs/report-examples.md shows them rendered)', () => {
  for (const [key, { result, request }] of Object.entries(REPORT_FIXTURES)) {
    it(`${key}: comment`, () => {
      expect(renderComment(result, { commit: COMMIT, runUrl: RUN_URL, request })).toMatchSnapshot();
    });
  }
  it('summary of all of them', () => {
    const results = Object.values(REPORT_FIXTURES).map((f) => f.result);
    const requests = new Map(
      Object.values(REPORT_FIXTURES)
        .filter((f) => f.request)
        .map((f) => [f.result.manifest, f.request] as const),
    );
    expect(renderSummary({ results, requests, commit: COMMIT, runUrl: RUN_URL })).toMatchSnapshot();
  });
});

describe('how long validation took', () => {
  const completed = REPORT_FIXTURES.completed!.result;
  const validatedAfter = (ms: number) => {
    const validatedAt = new Date(Date.parse(completed.createdAt!) + ms).toISOString();
    const body = renderComment({ ...completed, validatedAt }, { commit: COMMIT, runUrl: RUN_URL });
    return /\*\*Validated:\*\* after ([^(]+) \(/.exec(body)?.[1];
  };

  it('is in minutes, and "less than a minute" below one', () => {
    expect(validatedAfter(9_000)).toBe('less than a minute');
    expect(validatedAfter(59_999)).toBe('less than a minute');
    expect(validatedAfter(60_000)).toBe('1 min');
    expect(validatedAfter(41 * 60_000 + 20_000)).toBe('41 min');
  });
});

describe('the comment marker', () => {
  it('names the manifest and is found again, whatever the path holds', () => {
    for (const manifest of ['model-package.yml', 'models/a b/c-->.yml', 'ü/x.json']) {
      const body = `${commentMarker(manifest)}\n\nbody`;
      expect(markedManifest(body)).toBe(manifest);
    }
    expect(markedManifest('no marker')).toBeUndefined();
  });

  it('is the first line, exactly: a quoted or embedded marker is not one', () => {
    const marker = commentMarker('a.yml');
    expect(markedManifest(`${marker}\r\nbody`)).toBe('a.yml');
    expect(markedManifest(`> ${marker}\nWhy did this fail?`)).toBeUndefined();
    expect(markedManifest(`Build log:\n${marker}`)).toBeUndefined();
    expect(markedManifest(`${marker} and more`)).toBeUndefined();
    expect(markedManifest(marker.replace('a.yml', 'a%2.yml'))).toBeUndefined();
  });
});

describe('fit', () => {
  it('cuts reasons first, then the body, and says where the rest is', () => {
    const render = (limit: number) => 'x'.repeat(Math.min(limit, 100_000));
    expect(fit(render, COMMENT_LIMIT).length).toBe(4000);
    const tooLong = () => 'y'.repeat(200_000);
    const body = fit(tooLong, COMMENT_LIMIT, RUN_URL);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain(`the full report is in the [workflow run](${RUN_URL})`);
  });

  it('measures the job summary in bytes: Chinese text stays under 1 MiB', () => {
    const reason = '验证失败'.repeat(150_000); // 600,000 characters, 1.8 MB
    const results = [
      {
        ...emptyResult('models/模型.yml', 'Failed' as const),
        validation: [{ name: '样本', status: 'Failed', failureReason: reason }],
        problems: Array.from({ length: 2000 }, (_, i) => ({
          severity: 'warning' as const,
          line: i + 1,
          column: 1,
          member: `未知成员${i}`.repeat(20),
          message: '未知成员'.repeat(60),
        })),
      },
    ];
    const summary = renderSummary({ results, runUrl: RUN_URL });
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(SUMMARY_BYTES);
    expect(summary).toContain('cut at 1000000 bytes; the full report is in');
    expect(summary).not.toContain('\uFFFD');
  });
});

describe('links', () => {
  it('use the console of the partition', () => {
    expect(partitionOf('us-east-1')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/x')).toBe(
      'aws-cn',
    );

    const cn = packageLinks({ region: 'cn-north-1', name: 'churn' });
    expect(cn.modelPackage).toBe(
      'https://console.amazonaws.cn/sagemaker/home?region=cn-north-1#/model-packages/churn',
    );
    const gov = packageLinks({ region: 'us-gov-west-1', group: 'g', version: 2 });
    expect(gov.modelPackage).toBe(
      'https://console.amazonaws-us-gov.com/sagemaker/home?region=us-gov-west-1#/model-registry/g/versions/2',
    );
    expect(gov.transformJobs).toBe(
      'https://console.amazonaws-us-gov.com/sagemaker/home?region=us-gov-west-1#/transform-jobs',
    );
  });

  it('cover the logs, the S3 output and the run', () => {
    const links = packageLinks({
      region: 'eu-west-1',
      group: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/fraud',
      version: 4,
      s3OutputPath: 's3://bucket/validation/out put/',
      runUrl: RUN_URL,
    });
    expect(links).toEqual({
      modelPackage:
        'https://console.aws.amazon.com/sagemaker/home?region=eu-west-1#/model-registry/fraud/versions/4',
      transformJobs:
        'https://console.aws.amazon.com/sagemaker/home?region=eu-west-1#/transform-jobs',
      logs: 'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FTransformJobs',
      validationOutput:
        'https://console.aws.amazon.com/s3/buckets/bucket?region=eu-west-1&prefix=validation%2Fout%20put%2F',
      run: RUN_URL,
    });
  });
});

describe('hostile text in a report, rendered as GitHub renders it', () => {
  const evil =
    '[pwn](https://evil.example) ![t](https://evil.example/t.png) @octocat #1 <b>x</b> | y';
  const result = {
    ...emptyResult(`models/${evil}/model-package.yml`, 'Failed' as const),
    name: 'churn',
    region: 'us-east-1',
    arn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn',
    failureReason: 'validation-failed' as const,
    validation: [{ name: evil, status: 'Failed', failureReason: `${evil} www.evil.example` }],
    problems: [
      {
        severity: 'error' as const,
        line: 1,
        column: 1,
        member: evil,
        message: `unknown member '${evil}'`,
      },
    ],
    links: { run: RUN_URL },
  };

  it.each([
    ['comment', () => renderComment(result, { commit: COMMIT, runUrl: RUN_URL })],
    ['summary', () => renderSummary({ results: [result], commit: COMMIT, runUrl: RUN_URL })],
  ])("%s: only the report's own links, no image, mention or reference", (_name, render) => {
    const rendered = renderGfm(render());
    expect(rendered.links).toEqual([RUN_URL]);
    expect(rendered.images).toEqual([]);
    expect(rendered.mentions).toEqual([]);
    expect(rendered.references).toEqual([]);
    expect(rendered.elements).not.toContain('b');
    const row = rendered.rows.find((r) => r[1] === 'Failed')!;
    expect(row).toHaveLength(3);
  });

  it('every fixture links only to the AWS console and the workflow run', () => {
    for (const { result: fixture } of Object.values(REPORT_FIXTURES)) {
      const rendered = renderGfm(renderComment(fixture, { commit: COMMIT, runUrl: RUN_URL }));
      for (const link of rendered.links) {
        expect(link).toMatch(
          /^https:\/\/(console\.aws\.amazon\.com\/|github\.com\/octo-org\/models\/)/,
        );
      }
      expect(rendered.mentions).toEqual([]);
    }
  });
});
