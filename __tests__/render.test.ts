import { describe, expect, it } from '@jest/globals';
import { packageLinks, partitionOf } from '../src/report/links.js';
import {
  CHECK_RUN_OUTPUT_CHARACTERS,
  COMMENT_CHARACTERS as COMMENT_LIMIT,
  SUMMARY_BYTES,
} from '../src/limits.js';
import type { MemberChange, PackagePlan } from '../src/plan/types.js';
import {
  fit,
  renderCheckRunOutput,
  renderCombinedComment,
  renderComment,
  renderSummary,
} from '../src/report/render.js';
import { PLAN_TEXT_CHARACTERS } from '../src/report/render-plan.js';
import { commentMarker, markedManifest } from '../src/report/comment-marker.js';
import { emptyResult, type PackageResult } from '../src/results.js';
import { renderGfm } from './harness/gfm.js';
import {
  COMMIT,
  LIVE_VERSION,
  NEW_VERSION_PLAN,
  REPORT_FIXTURES,
  RUN_URL,
} from './harness/report-fixtures.js';

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

describe('the plan: what the manifest changes against the live version', () => {
  const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-detector';
  const planned = REPORT_FIXTURES.planned!.result;
  const withPlan = (plan: Partial<PackagePlan>, result: Partial<PackageResult> = {}) => ({
    ...planned,
    ...result,
    plan: { ...NEW_VERSION_PLAN, ...plan },
  });
  const comment = (result: PackageResult) =>
    renderComment(result, { commit: COMMIT, runUrl: RUN_URL });
  const summary = (result: PackageResult) =>
    renderSummary({ results: [result], commit: COMMIT, runUrl: RUN_URL });
  const checkRun = (result: PackageResult) => renderCheckRunOutput(result, { runUrl: RUN_URL });
  const changes = (n: number): MemberChange[] =>
    Array.from({ length: n }, (_, i) => ({
      path: `InferenceSpecification.Containers[${i}].Image`,
      change: 'changed' as const,
      old: `${IMAGE}:1.${i}.0`,
      new: `${IMAGE}:1.${i}.1`,
      metadata: false,
    }));

  it.each([
    ['comment', comment],
    ['summary', summary],
    ['check run', (r: PackageResult) => checkRun(r).text],
  ])('%s: says what it costs, what it compares with, and each change old → new', (_n, render) => {
    const markdown = render(planned);
    expect(markdown).toContain(
      '**Plan:** a new version, which SageMaker validates again; compared with version 1 of <code>fraud-detector</code> (Approved, stage Production/Approved), the newest Approved version.',
    );
    const rendered = renderGfm(markdown);
    expect(rendered.rows).toContainEqual(['Member', 'Live', 'This manifest']);
    expect(rendered.rows).toContainEqual([
      'InferenceSpecification.Containers[0].Image',
      `${IMAGE}:1.4.1`,
      `${IMAGE}:1.4.2`,
    ]);
    expect(rendered.rows).toContainEqual([
      'InferenceSpecification.SupportedRealtimeInferenceInstanceTypes',
      '',
      'added ml.g5.xlarge',
    ]);
    // The package's own approval status, next to its identity.
    expect(markdown).toContain('- **Approval status:** PendingManualApproval');
    // The plan comes after the identity, before the validation profiles.
    const at = (s: string) => markdown.indexOf(s);
    expect(at('**Region:**')).toBeLessThan(at('**Plan:**'));
    expect(at('**Plan:**')).toBeLessThan(at('| Validation profile |'));
  });

  it("puts the plan's first line in the check run's summary", () => {
    const { summary: checkSummary } = checkRun(planned);
    expect(checkSummary).toContain('validating (new package)');
    expect(checkSummary).toContain('**Plan:** a new version, which SageMaker validates again;');
    expect(checkRun(REPORT_FIXTURES.completed!.result).summary).not.toContain('**Plan:**');
  });

  it('words an update in place and a reuse, and marks the metadata updated in place', () => {
    const inPlace = comment(REPORT_FIXTURES.updatedInPlace!.result);
    expect(inPlace).toContain(
      '**Plan:** updated in place: <code>ModelCard.ModelCardContent</code>, <code>CustomerMetadataProperties.owner</code>, no new version, no validation; compared with version 3 of <code>fraud-detector</code>',
    );
    expect(renderGfm(inPlace).rows).toContainEqual([
      'CustomerMetadataProperties.owner (updated in place)',
      '',
      'added payments-ml',
    ]);
    expect(inPlace).toContain('- **Stage:** Production/Approved');

    const reused = comment(withPlan({ cost: 'none', changes: [], live: LIVE_VERSION }));
    expect(reused).toContain(
      '**Plan:** nothing: the package of this manifest is reused; compared with version 1',
    );
    expect(reused).toContain('*No member differs from the live version.*');

    // Metadata of a new version is not updated in place: it is part of the new version.
    const card = { ...changes(1)[0]!, path: 'ModelCard.ModelCardStatus', metadata: true };
    expect(comment(withPlan({ changes: [card] }))).not.toContain('updated in place');
  });

  it('says when there is no live version, and why', () => {
    const body = comment(withPlan({ live: null, note: 'new: nothing to compare', changes: [] }));
    expect(body).toContain(
      '**Plan:** a new version, which SageMaker validates again; no live version (new: nothing to compare).',
    );
    expect(body).not.toContain('No member differs');
    expect(comment(withPlan({ live: null, note: null, changes: [] }))).toContain(
      'no live version to compare with.',
    );
  });

  it('names what compare-to chose, and an unversioned live package by its name', () => {
    expect(comment(withPlan({ compareTo: 'latest' }))).toContain(', the newest version.');
    expect(comment(withPlan({ compareTo: 'stage:Staging' }))).toContain(
      ', the newest version in stage <code>Staging</code>.',
    );
    const unversioned = comment(
      withPlan(
        {
          live: {
            ...LIVE_VERSION,
            version: null,
            name: 'churn-predictor',
            approvalStatus: null,
            lifeCycle: null,
          },
        },
        { group: null, name: 'churn-predictor', approvalStatus: null },
      ),
    );
    expect(unversioned).toContain('compared with <code>churn-predictor</code>, the newest');
    expect(unversioned).not.toContain('Approval status');
  });

  it('shows removed items, what is not listed, and the notes', () => {
    const body = comment(
      withPlan({
        changes: [
          {
            path: 'InferenceSpecification.SupportedTransformInstanceTypes',
            change: 'removed',
            old: 'ml.m5.large',
            metadata: false,
          },
        ],
        changesOmitted: 3,
        notes: ['ModelCard is left as it is: the card of version 1 is Archived'],
      }),
    );
    const rendered = renderGfm(body);
    expect(rendered.rows).toContainEqual([
      'InferenceSpecification.SupportedTransformInstanceTypes',
      'ml.m5.large',
      'removed',
    ]);
    expect(body).toContain('*… and 3 more changes after these, not listed.*');
    expect(body).toContain('- ModelCard is left as it is: the card of version 1 is Archived');
  });

  it('folds a long table in comments, and shows it open in the summary and the check run', () => {
    const long = withPlan({ changes: changes(12) });
    const folded = comment(long);
    expect(folded).toContain('<details><summary>12 changed members</summary>');
    expect(folded.indexOf('**Plan:**')).toBeLessThan(folded.indexOf('<details>'));
    expect(renderGfm(folded).rows.filter((r) => r[0]!.startsWith('InferenceSpec'))).toHaveLength(
      12,
    );
    expect(renderCombinedComment([long], { runUrl: RUN_URL })).toContain(
      '<details><summary>12 changed members</summary>',
    );
    for (const open of [summary(long), checkRun(long).text]) {
      expect(open).not.toContain('<details>');
      expect(renderGfm(open).rows.filter((r) => r[0]!.startsWith('InferenceSpec'))).toHaveLength(
        12,
      );
    }
    // Ten rows or fewer stay open in a comment too.
    expect(comment(withPlan({ changes: changes(10) }))).not.toContain('<details>');
  });

  it("shows the package's approval status and stage without a plan too", () => {
    const body = comment({
      ...REPORT_FIXTURES.completed!.result,
      approvalStatus: 'Approved',
      lifeCycle: { stage: 'Staging', stageStatus: '', stageDescription: 'load test passed' },
    });
    expect(body).toContain('- **Approval status:** Approved');
    expect(body).toContain('- **Stage:** Staging: load test passed');
    expect(body).not.toContain('**Plan:**');
  });
});

describe('a hostile plan, rendered as GitHub renders it', () => {
  const EVIL =
    '[pwn](https://evil.example) ![t](https://evil.example/t.png) @octocat @octo-org/admins #1 GH-2 <b>x</b> <img src=x> | y `tick` ::error::pwned\n::stop-commands::x';
  const HUGE = `${EVIL} ${'<b>@octocat #1 | '.repeat(6_000)}`; // about 100 KB
  const evilStage = { stage: EVIL, stageStatus: HUGE, stageDescription: HUGE };
  const evilChange = (change: MemberChange['change'], i: number): MemberChange => ({
    path: `${EVIL}[${i}].${HUGE}`,
    change,
    old: change === 'added' ? undefined : `${HUGE}-old`,
    new: change === 'removed' ? undefined : `${HUGE}-new`,
    metadata: i % 2 === 0,
  });
  const result: PackageResult = {
    ...emptyResult(`models/${EVIL}.yml`, 'InProgress'),
    group: EVIL,
    version: 2,
    region: 'us-east-1',
    approvalStatus: HUGE,
    lifeCycle: evilStage,
    links: { run: RUN_URL },
    plan: {
      compareTo: `stage:${HUGE}`,
      live: {
        ...LIVE_VERSION,
        approvalStatus: HUGE,
        lifeCycle: evilStage,
      },
      note: HUGE,
      changes: Array.from({ length: 60 }, (_, i) =>
        evilChange((['changed', 'added', 'removed'] as const)[i % 3]!, i),
      ),
      changesOmitted: 5,
      cost: 'in-place',
      package: null,
      inPlace: Array.from({ length: 8 }, (_, i) => evilChange('changed', i)),
      notes: [HUGE, EVIL],
    },
  };

  it.each([
    ['comment', () => renderComment(result, { commit: COMMIT, runUrl: RUN_URL }), COMMENT_LIMIT],
    [
      'summary',
      () => renderSummary({ results: [result], commit: COMMIT, runUrl: RUN_URL }),
      SUMMARY_BYTES,
    ],
    [
      'check run text',
      () => renderCheckRunOutput(result, { runUrl: RUN_URL }).text,
      CHECK_RUN_OUTPUT_CHARACTERS,
    ],
    [
      'check run summary',
      () => renderCheckRunOutput(result, { runUrl: RUN_URL }).summary,
      CHECK_RUN_OUTPUT_CHARACTERS,
    ],
    [
      'combined comment',
      () => renderCombinedComment([result, result], { runUrl: RUN_URL }),
      COMMENT_LIMIT,
    ],
  ])('%s: text only, within its limit, every cell bounded', (_name, render, max) => {
    const markdown = render();
    expect(markdown.length).toBeLessThanOrEqual(max);
    const rendered = renderGfm(markdown);
    for (const link of rendered.links) expect(link).toBe(RUN_URL);
    expect(rendered.images).toEqual([]);
    expect(rendered.mentions).toEqual([]);
    expect(rendered.references).toEqual([]);
    for (const element of ['b', 'img', 'script', 'a']) {
      if (element === 'a' && rendered.links.length) continue;
      expect(rendered.elements).not.toContain(element);
    }
    // No line can be read as a workflow command.
    expect(markdown.split('\n').filter((line) => line.startsWith('::'))).toEqual([]);
    // Every table keeps its columns (the plan's three, the combined comment's five), and the
    // plan's cells are cut to a bound.
    for (const row of rendered.rows) expect([3, 5]).toContain(row.length);
    const planRows = rendered.rows.filter((r) => r.length === 3 && r[0]!.startsWith('[pwn]'));
    if (_name !== 'check run summary') expect(planRows.length).toBeGreaterThan(0);
    for (const row of planRows) {
      for (const cell of row) expect(cell.length).toBeLessThan(PLAN_TEXT_CHARACTERS + 200);
    }
    // The plan says how many changes it does not list.
    if (_name !== 'check run summary') expect(markdown).toMatch(/more changes? after these/);
  });

  it('is cut, not dropped, in the first line: the stage and the live version stay readable', () => {
    const { summary } = renderCheckRunOutput(result, { runUrl: RUN_URL });
    expect(summary).toContain('**Plan:** updated in place: ');
    expect(summary).toContain('3 more, no new version, no validation');
    expect(summary).toContain('compared with version 1 of <code>');
    expect(summary.length).toBeLessThan(10_000);
  });
});
