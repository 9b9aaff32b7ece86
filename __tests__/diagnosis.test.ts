import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { DescribeTransformJobResponse } from '@aws-sdk/client-sagemaker';
import { diagnoseResults, type LogsApi } from '../src/diagnosis/diagnose.js';
import { RunningJobs } from '../src/diagnosis/index.js';
import {
  definitionOf,
  findTransformJob,
  findTransformJobs,
  FIND_LIMITS,
  matchesDefinition,
  type JobDefinition,
} from '../src/diagnosis/find-job.js';
import { cleanLine, excerpt, EXCERPT_LIMITS, GAP, toLines } from '../src/diagnosis/log-excerpt.js';
import { transformJobLink, transformLogLink } from '../src/report/links.js';
import { renderComment } from '../src/report/render.js';
import { renderDiagnoses } from '../src/report/render-diagnosis.js';
import { emptyResult, type PackageResult } from '../src/results.js';
import { fakeSageMaker } from './harness/fake-sagemaker.js';
import { renderGfm } from './harness/gfm.js';
import { memoryRunner } from './harness/memory-runner.js';

const DEFINITION: JobDefinition = {
  inputUri: 's3://models/in/',
  outputPath: 's3://models/out/',
  instanceType: 'ml.m5.xlarge',
};

function transformDefinition(d: JobDefinition) {
  return {
    TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: d.inputUri } } },
    TransformOutput: { S3OutputPath: d.outputPath },
    TransformResources: { InstanceType: d.instanceType, InstanceCount: 1 },
  };
}

const CREATED = Date.UTC(2026, 0, 1, 12, 0, 0);

function job(
  name: string,
  d: JobDefinition,
  createdAt: number,
  status: 'Failed' | 'Completed' | 'InProgress' = 'Failed',
  failureReason = `ClientError: ${name} failed`,
): DescribeTransformJobResponse {
  return {
    TransformJobName: name,
    TransformJobArn: `arn:aws:sagemaker:us-east-1:123456789012:transform-job/${name}`,
    TransformJobStatus: status,
    ...(status === 'Failed' ? { FailureReason: failureReason } : {}),
    CreationTime: new Date(createdAt),
    ...transformDefinition(d),
    $metadata: {},
  } as unknown as DescribeTransformJobResponse;
}

describe('matching a job to a validation profile', () => {
  const d = (over: Partial<JobDefinition>) => transformDefinition({ ...DEFINITION, ...over });

  it('takes the same input, output and instance type, trailing slashes aside', () => {
    expect(matchesDefinition(d({}), DEFINITION)).toBe(true);
    expect(matchesDefinition(d({ inputUri: 's3://models/in' }), DEFINITION)).toBe(true);
    expect(matchesDefinition(d({ outputPath: 's3://models/out' }), DEFINITION)).toBe(true);
  });

  it('takes an output below the profile path, not one that only starts like it', () => {
    expect(matchesDefinition(d({ outputPath: 's3://models/out/job-1' }), DEFINITION)).toBe(true);
    expect(matchesDefinition(d({ outputPath: 's3://models/out-other' }), DEFINITION)).toBe(false);
    expect(matchesDefinition(d({ outputPath: 's3://models/' }), DEFINITION)).toBe(false);
  });

  it('refuses a job that differs in any one of input, instance type or output bucket', () => {
    expect(matchesDefinition(d({ inputUri: 's3://models/in-2/' }), DEFINITION)).toBe(false);
    expect(matchesDefinition(d({ instanceType: 'ml.c5.xlarge' }), DEFINITION)).toBe(false);
    expect(matchesDefinition(d({ outputPath: 's3://other/out/' }), DEFINITION)).toBe(false);
  });

  it('refuses hostile or incomplete answers without throwing', () => {
    for (const answer of [
      null,
      'x',
      [],
      {},
      { TransformInput: 1 },
      { ...d({}), TransformResources: {} },
    ]) {
      expect(matchesDefinition(answer, DEFINITION)).toBe(false);
    }
    expect(definitionOf({ TransformInput: { DataSource: { S3DataSource: { S3Uri: 5 } } } })).toBe(
      undefined,
    );
  });
});

describe('finding the job among others', () => {
  function account(noise: number, options: { validationAt?: number } = {}) {
    const fake = fakeSageMaker();
    // Jobs before the package, around it, and after the validation, most of them failed.
    for (let i = 0; i < noise; i++) {
      const at = CREATED - 30 * 60_000 + i * 11_000;
      const shape = i % 4;
      const d = {
        ...DEFINITION,
        ...(shape === 0 ? { inputUri: 's3://models/in-other/' } : {}),
        ...(shape === 1 ? { outputPath: 's3://models/out-other/' } : {}),
        ...(shape === 2 ? { instanceType: 'ml.c5.xlarge' } : {}),
        ...(shape === 3
          ? { inputUri: `s3://noise-${i}/in`, outputPath: `s3://noise-${i}/out` }
          : {}),
      };
      fake.transformJobs.push(job(`noise-${i}`, d, at, i % 5 === 0 ? 'Completed' : 'Failed'));
    }
    const validation = job(
      'a7f3c2e1-9b8d',
      { ...DEFINITION, outputPath: 's3://models/out/a7f3c2e1-9b8d' },
      options.validationAt ?? CREATED + 1_000,
      'Failed',
      'AlgorithmError: the model container exited with code 1',
    );
    fake.transformJobs.push(validation);
    return fake;
  }

  it('names the validation job among 500 others within the request budget', async () => {
    const fake = account(500);
    const found = await findTransformJob(fake.api, DEFINITION, {
      createdAt: new Date(CREATED),
      status: 'Failed',
    });
    expect(found.job?.TransformJobName).toBe('a7f3c2e1-9b8d');
    expect(found.requests).toBe(fake.calls.length);
    expect(found.requests).toBeLessThanOrEqual(FIND_LIMITS.pages + FIND_LIMITS.describes);
    const list = fake.calls.filter((c) => c === 'ListTransformJobs');
    expect(list.length).toBeGreaterThanOrEqual(1);
  });

  it('takes the job found while the profile ran with one request, when it still matches', async () => {
    const fake = account(500);
    const found = await findTransformJob(fake.api, DEFINITION, {
      createdAt: new Date(CREATED),
      status: 'Failed',
      knownJob: 'a7f3c2e1-9b8d',
    });
    expect(found.job?.TransformJobName).toBe('a7f3c2e1-9b8d');
    expect(fake.calls).toEqual(['DescribeTransformJob']);
    expect(found.requests).toBe(1);
  });

  it('looks for the job by its definition when the known one does not match', async () => {
    const fake = account(500);
    const found = await findTransformJob(fake.api, DEFINITION, {
      createdAt: new Date(CREATED),
      status: 'Failed',
      knownJob: 'noise-2',
    });
    expect(found.job?.TransformJobName).toBe('a7f3c2e1-9b8d');
    expect(fake.calls[0]).toBe('DescribeTransformJob');
    expect(fake.calls).toContain('ListTransformJobs');
    expect(found.requests).toBe(fake.calls.length);
    expect(found.requests).toBeLessThanOrEqual(1 + FIND_LIMITS.pages + FIND_LIMITS.describes);
  });

  it('describes the job whose failure tells of the profile failure first', async () => {
    const fake = account(500, { validationAt: CREATED + 25 * 60_000 });
    const found = await findTransformJob(fake.api, DEFINITION, {
      createdAt: new Date(CREATED),
      status: 'Failed',
      failureReason: 'Validation failed: AlgorithmError: the model container exited with code 1',
    });
    expect(found.job?.TransformJobName).toBe('a7f3c2e1-9b8d');
    expect(fake.calls.filter((c) => c === 'DescribeTransformJob')).toHaveLength(1);
    expect(found.requests).toBeLessThanOrEqual(FIND_LIMITS.pages + FIND_LIMITS.describes);
  });

  it('says it stopped at its limit when more candidates came first', async () => {
    const fake = account(500, { validationAt: CREATED + 25 * 60_000 });
    const found = await findTransformJob(fake.api, DEFINITION, {
      createdAt: new Date(CREATED),
      status: 'Failed',
    });
    expect(found.job).toBeUndefined();
    expect(found.note).toMatch(/not found among the first 8 candidate jobs/);
    expect(fake.calls.length).toBeLessThanOrEqual(FIND_LIMITS.pages + FIND_LIMITS.describes);
  });

  it('says so when no job matches, without guessing', async () => {
    const fake = fakeSageMaker();
    fake.transformJobs.push(
      job('similar', { ...DEFINITION, instanceType: 'ml.c5.xlarge' }, CREATED + 1_000),
    );
    const found = await findTransformJob(fake.api, DEFINITION, {
      createdAt: new Date(CREATED),
      status: 'Failed',
    });
    expect(found.job).toBeUndefined();
    expect(found.note).toMatch(/none of the 1 transform jobs/);
  });

  it('skips hostile summaries and stops after its pages when NextToken never ends', async () => {
    let listed = 0;
    let described = 0;
    const found = await findTransformJob(
      {
        listTransformJobs: async () => {
          listed++;
          return {
            TransformJobSummaries: [
              { TransformJobName: '../../etc' },
              { TransformJobName: 42 },
              null,
              { TransformJobName: 'ok-1', CreationTime: new Date(CREATED) },
            ] as never,
            NextToken: 'again',
            $metadata: {},
          };
        },
        describeTransformJob: async () => {
          described++;
          return { TransformJobName: 'other', $metadata: {} } as never;
        },
      },
      DEFINITION,
      { createdAt: new Date(CREATED) },
    );
    expect(found.job).toBeUndefined();
    expect(listed).toBe(FIND_LIMITS.pages);
    expect(described).toBe(1);
  });
});

describe('finding the running jobs of packages that started together', () => {
  /** `count` packages created 100 ms apart, each with its own output path and job. */
  function started(count: number, noise = 0) {
    const fake = fakeSageMaker();
    for (let i = 0; i < noise; i++) {
      const other = { ...DEFINITION, inputUri: `s3://noise/${i}/` };
      fake.transformJobs.push(job(`noise-${i}`, other, CREATED - 20_000 + i * 10, 'InProgress'));
    }
    const results = Array.from({ length: count }, (_, i): PackageResult => {
      const arn = `arn:aws:sagemaker:us-east-1:123456789012:model-package/p${i}/1`;
      const definition = { ...DEFINITION, outputPath: `s3://models/p${i}/out/` };
      // The jobs start in another order than the packages were created.
      const startsAt = CREATED + 30_000 + ((i * 37) % count) * 100;
      fake.transformJobs.push(job(`job-${i}`, definition, startsAt, 'InProgress'));
      return {
        ...emptyResult(`models/p${i}/model-package.yml`, 'InProgress'),
        arn,
        region: 'us-east-1',
        createdAt: new Date(CREATED + i * 100).toISOString(),
        validation: [{ name: 'smoke', status: 'InProgress', failureReason: null }],
      };
    });
    const specification = (r: PackageResult) => {
      const i = Number(/p(\d+)\//.exec(r.manifest)![1]);
      const d = { ...DEFINITION, outputPath: `s3://models/p${i}/out/` };
      return {
        ValidationProfiles: [
          { ProfileName: 'smoke', TransformJobDefinition: transformDefinition(d) },
        ],
      };
    };
    return { fake, results, specification };
  }

  it('links each of 100 running validations to its own job, listing once and describing each job once', async () => {
    const { fake, results, specification } = started(100, 20);
    const runner = memoryRunner();
    const running = new RunningJobs(specification, {
      api: fake.api,
      log: runner,
      logs: async () => {
        throw new Error('no log is read');
      },
    });
    const annotated = await running.annotate(results);
    expect(annotated.map((r) => r.validation[0]!.diagnosis?.jobName)).toEqual(
      results.map((_, i) => `job-${i}`),
    );
    // Listed once (two pages of 100: 120 jobs), each job described at most once.
    expect(fake.calls.filter((c) => c === 'ListTransformJobs')).toHaveLength(2);
    expect(fake.calls.filter((c) => c === 'DescribeTransformJob').length).toBeLessThanOrEqual(120);
    expect(runner.lines('info').filter((l) => l.includes('runs as transform job'))).toHaveLength(
      100,
    );
    // Each package is looked for once.
    fake.calls.length = 0;
    await running.annotate(results);
    expect(fake.calls).toEqual([]);
    expect(running.jobOf(results[42]!.arn!, 'smoke')).toBe('job-42');
  });

  it('gives each of two packages of the same definition its own job, the older package the older job', async () => {
    const fake = fakeSageMaker();
    fake.transformJobs.push(
      job('second', DEFINITION, CREATED + 9_000, 'InProgress'),
      job('first', DEFINITION, CREATED + 8_000, 'InProgress'),
    );
    const wanted = [
      { definition: DEFINITION, createdAt: new Date(CREATED + 1_000) },
      { definition: DEFINITION, createdAt: new Date(CREATED) },
    ];
    const { jobs } = await findTransformJobs(fake.api, wanted, { status: 'InProgress' });
    expect(jobs.map((j) => j?.TransformJobName)).toEqual(['second', 'first']);
  });

  it('describes at most its budget, and leaves unfound what it did not reach', async () => {
    const fake = fakeSageMaker();
    for (let i = 0; i < 30; i++) {
      const other = { ...DEFINITION, inputUri: `s3://noise/${i}/` };
      fake.transformJobs.push(job(`noise-${i}`, other, CREATED + 1_000 + i, 'InProgress'));
    }
    fake.transformJobs.push(job('late', DEFINITION, CREATED + 5_000, 'InProgress'));
    const { jobs, requests } = await findTransformJobs(
      fake.api,
      [{ definition: DEFINITION, createdAt: new Date(CREATED) }],
      { status: 'InProgress', limits: { describes: 8 } },
    );
    expect(jobs).toEqual([undefined]);
    expect(fake.calls.filter((c) => c === 'DescribeTransformJob')).toHaveLength(8);
    expect(requests).toBe(fake.calls.length);
  });
});

describe('the log excerpt', () => {
  it('keeps the lines around a traceback first, then the last lines, in order', () => {
    const lines = [
      ...Array.from({ length: 100 }, (_, i) => `info line ${i}`),
      'Traceback (most recent call last):',
      '  File "serve.py", line 1',
      "ModuleNotFoundError: No module named 'sklearn'",
      ...Array.from({ length: 100 }, (_, i) => `later line ${i}`),
    ];
    const out = excerpt(lines);
    expect(out.length).toBeLessThanOrEqual(EXCERPT_LIMITS.lines + 2);
    expect(out).toContain('Traceback (most recent call last):');
    expect(out).toContain("ModuleNotFoundError: No module named 'sklearn'");
    expect(out).toContain('info line 98');
    expect(out[out.length - 1]).toBe('later line 99');
    expect(out).toContain(GAP);
    expect(out.indexOf('Traceback (most recent call last):')).toBeLessThan(
      out.indexOf('later line 99'),
    );
  });

  it('is the last lines when nothing failed loudly', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    expect(excerpt(lines)).toEqual([GAP, ...lines.slice(60)]);
  });

  it('bounds each line and the whole, and removes control characters', () => {
    const long = `ERROR ${'x'.repeat(100_000)}`;
    const out = excerpt(Array.from({ length: 100 }, () => long));
    for (const line of out)
      expect([...line].length).toBeLessThanOrEqual(EXCERPT_LIMITS.lineCharacters);
    expect(Buffer.byteLength(out.join('\n'))).toBeLessThanOrEqual(EXCERPT_LIMITS.bytes + 10);
    expect(cleanLine('\u001b[31mred\u001b[0m\u0007 bell\r')).toBe('red bell');
    expect(toLines(['a\nb', 'c\r\nd'])).toEqual(['a', 'b', 'c', 'd']);
  });
});

function failedResult(): PackageResult {
  return {
    ...emptyResult('model-package.yml', 'Failed'),
    group: 'fraud-detector',
    version: 3,
    arn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/3',
    region: 'us-east-1',
    failureReason: 'validation-failed',
    createdAt: new Date(CREATED).toISOString(),
    validatedAt: new Date(CREATED + 600_000).toISOString(),
    validation: [{ name: 'smoke', status: 'Failed', failureReason: 'Validation failed' }],
  };
}

const SPECIFICATION = {
  ValidationRole: 'arn:aws:iam::123456789012:role/Validation',
  ValidationProfiles: [
    { ProfileName: 'smoke', TransformJobDefinition: transformDefinition(DEFINITION) },
  ],
};

function fakeLogs(
  lines: string[],
  options: { deny?: string; calls?: string[] } = {},
): () => Promise<LogsApi> {
  const calls = options.calls ?? [];
  const denied = (operation: string) => {
    calls.push(operation);
    if (options.deny === operation) {
      throw Object.assign(new Error(`User: x is not authorized to perform: logs:${operation}`), {
        name: 'AccessDeniedException',
      });
    }
  };
  return async () => ({
    async describeLogStreams(_group, prefix) {
      denied('DescribeLogStreams');
      return [
        { name: `${prefix}i-0abc/data-log` },
        { name: `${prefix}i-0abc` },
        { name: 'other/i-1' },
      ];
    },
    async lastEvents(_group, stream) {
      denied('GetLogEvents');
      return stream.endsWith('data-log')
        ? [{ timestamp: CREATED + 30_000, message: 'data: ClientError 500' }]
        : lines.map((message, i) => ({ timestamp: CREATED + 20_000 + i, message }));
    },
    destroy: () => undefined,
  });
}

describe('diagnosing a failed package', () => {
  function setup() {
    const fake = fakeSageMaker();
    fake.transformJobs.push(
      job('noise', { ...DEFINITION, inputUri: 's3://models/in-2/' }, CREATED + 5_000),
      job('f00d-1', DEFINITION, CREATED + 10_000, 'Failed', 'AlgorithmError: exit code 1'),
    );
    return fake;
  }

  it('adds the job, its failure reason, its log and links to the failed profile', async () => {
    const fake = setup();
    const runner = memoryRunner();
    const logCalls: string[] = [];
    const [result] = await diagnoseResults([failedResult()], () => SPECIFICATION, {
      api: fake.api,
      log: runner,
      logs: fakeLogs(['Traceback (most recent call last):', 'ValueError: bad model'], {
        calls: logCalls,
      }),
    });
    const d = result!.validation[0]!.diagnosis!;
    expect(d.jobName).toBe('f00d-1');
    expect(d.jobArn).toMatch(/transform-job\/f00d-1$/);
    expect(d.failureReason).toBe('AlgorithmError: exit code 1');
    expect(d.logExcerpt).toEqual([
      'Traceback (most recent call last):',
      'ValueError: bad model',
      'data: ClientError 500',
    ]);
    expect(d.links.job).toBe(transformJobLink('us-east-1', 'aws', 'f00d-1'));
    expect(d.links.logStream).toBe(transformLogLink('us-east-1', 'aws', 'f00d-1/i-0abc'));
    expect(d.note).toBeUndefined();
    expect(fake.calls.length + logCalls.length).toBeLessThanOrEqual(15);
    expect(runner.lines('info').join('\n')).toMatch(/ran as transform job f00d-1: AlgorithmError/);
  });

  it('names the SageMaker permission it lacks, and keeps the profile as it was', async () => {
    const fake = fakeSageMaker({
      fail: (operation) =>
        operation === 'ListTransformJobs'
          ? Object.assign(new Error('not authorized to perform: sagemaker:ListTransformJobs'), {
              name: 'AccessDeniedException',
            })
          : undefined,
    });
    const [result] = await diagnoseResults([failedResult()], () => SPECIFICATION, {
      api: fake.api,
      log: memoryRunner(),
      logs: fakeLogs([]),
    });
    const item = result!.validation[0]!;
    expect(item.status).toBe('Failed');
    expect(item.diagnosis?.jobName).toBeNull();
    expect(item.diagnosis?.note).toMatch(
      /may not call sagemaker:ListTransformJobs \(AccessDenied\)/,
    );
  });

  it('names the logs permission it lacks, and still names the job', async () => {
    for (const [operation, permission] of [
      ['DescribeLogStreams', 'logs:DescribeLogStreams'],
      ['GetLogEvents', 'logs:GetLogEvents'],
    ] as const) {
      const [result] = await diagnoseResults([failedResult()], () => SPECIFICATION, {
        api: setup().api,
        log: memoryRunner(),
        logs: fakeLogs(['x'], { deny: operation }),
      });
      const d = result!.validation[0]!.diagnosis!;
      expect(d.jobName).toBe('f00d-1');
      expect(d.failureReason).toBe('AlgorithmError: exit code 1');
      expect(d.note).toContain(`may not call ${permission} (AccessDenied)`);
      expect(d.links.logStream).toBe(transformLogLink('us-east-1', 'aws', 'f00d-1/', true));
    }
  });

  it('stops at its time limit with a note, and never throws', async () => {
    const [result] = await diagnoseResults([failedResult()], () => SPECIFICATION, {
      api: {
        listTransformJobs: (_input, options) =>
          new Promise((_resolve, reject) =>
            options?.abortSignal?.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
        describeTransformJob: async () => undefined,
      },
      log: memoryRunner(),
      logs: fakeLogs([]),
      timeoutMs: 50,
    });
    expect(result!.validation[0]!.diagnosis?.note).toMatch(/stopped after 0 s/);
  });

  it('leaves passing packages alone and reads no log', async () => {
    let logsCreated = 0;
    const passing = { ...failedResult(), status: 'Completed' as const, validation: [] };
    const [result] = await diagnoseResults([passing], () => SPECIFICATION, {
      api: setup().api,
      log: memoryRunner(),
      logs: async () => {
        logsCreated++;
        return fakeLogs([])();
      },
    });
    expect(result).toBe(passing);
    expect(logsCreated).toBe(0);
  });
});

describe('rendering a diagnosis', () => {
  const hostile = [
    '<img src=x onerror=alert(1)> @octocat #1 [link](https://evil.example) ::error::pwned',
    '```',
    '</details><script>alert(1)</script>',
  ];
  const result: PackageResult = {
    ...failedResult(),
    validation: [
      {
        name: 'smoke',
        status: 'Failed',
        failureReason: 'Validation failed',
        diagnosis: {
          jobName: 'f00d-1',
          failureReason: 'AlgorithmError: see @octocat <b>bold</b> https://evil.example',
          logExcerpt: hostile,
          links: {
            job: transformJobLink('cn-north-1', 'arn:aws-cn:sagemaker:cn-north-1:1:x', 'f00d-1'),
            logStream: transformLogLink('cn-north-1', 'cn-north-1', 'f00d-1/i-1'),
          },
        },
      },
    ],
  };

  it('quotes the failure and folds the log, with nothing from AWS rendered as markup', () => {
    const markdown = renderComment(result);
    const rendered = renderGfm(markdown);
    expect(rendered.mentions).toEqual([]);
    expect(rendered.references).toEqual([]);
    expect(rendered.images).toEqual([]);
    expect(rendered.elements).not.toContain('script');
    expect(rendered.elements).not.toContain('b');
    expect(rendered.links.filter((l) => l.includes('evil'))).toEqual([]);
    expect(rendered.links).toContain(
      'https://console.amazonaws.cn/sagemaker/home?region=cn-north-1#/transform-jobs/f00d-1',
    );
    expect(rendered.links).toContain(
      'https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FTransformJobs/log-events/f00d-1$252Fi-1',
    );
    expect(rendered.html).toContain('<details>');
    // The whole excerpt stays inside the folded block's code.
    const pre = renderGfm(markdown).html.match(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/)?.[1];
    expect(pre).toContain('&lt;/details&gt;&lt;script&gt;');
    expect(pre).toContain('::error::pwned');
  });

  it('drops the excerpt before the failure reason when the report must be short', () => {
    const short = renderDiagnoses(result.validation, 200);
    expect(short).not.toContain('<details>');
    expect(short).toMatch(/log excerpt \(3 lines\) is left out/);
  });

  it('links a running job', () => {
    const running = renderDiagnoses(
      [
        {
          name: 'smoke',
          status: 'InProgress',
          failureReason: null,
          diagnosis: {
            jobName: 'f00d-1',
            failureReason: null,
            logExcerpt: [],
            links: { job: 'https://x.test/j' },
          },
        },
      ],
      Number.POSITIVE_INFINITY,
    );
    expect(running).toContain('runs as transform job [<code>f00d-1</code>](https://x.test/j)');
  });
});

describe('the results output', () => {
  it('stays under its cap with long diagnoses: excerpts keep their last lines', async () => {
    const { outputsOf } = await import('../src/outputs.js');
    const line = 'E'.repeat(300);
    const results = Array.from({ length: 150 }, (_, i) => ({
      ...failedResult(),
      manifest: `m${i}/model-package.yml`,
      validation: [
        {
          name: 'smoke',
          status: 'Failed',
          failureReason: 'Validation failed',
          diagnosis: {
            jobName: `job-${i}`,
            failureReason: 'F'.repeat(5_000),
            logExcerpt: Array.from({ length: 40 }, (_, n) => `${n} ${line}`),
            links: { job: transformJobLink('us-east-1', 'aws', `job-${i}`) },
          },
        },
      ],
    }));
    const { outputs, notes } = outputsOf({ results });
    expect(Buffer.byteLength(outputs.results)).toBeLessThanOrEqual(1_000_000);
    const parsed = JSON.parse(outputs.results) as PackageResult[];
    expect(parsed).toHaveLength(150);
    const d = parsed[0]!.validation[0]!.diagnosis!;
    expect(d.logExcerpt).toHaveLength(10);
    expect(d.logExcerpt[9]).toMatch(/^39 /);
    expect(d.failureReason!.length).toBeLessThan(1_100);
    expect(notes[0]).toMatch(/log excerpts keep their last 10 lines/);
  });
});

describe('cancellation', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('stops the diagnosis when the run is cancelled, with a note that says so', async () => {
    // The cancel comes 20 ms in, on a clock the test moves.
    jest.useFakeTimers();
    const controller = new AbortController();
    const started = Date.now();
    const pending = diagnoseResults([failedResult()], () => SPECIFICATION, {
      api: {
        listTransformJobs: (_input, options) =>
          new Promise((_resolve, reject) =>
            options?.abortSignal?.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
        describeTransformJob: async () => undefined,
      },
      log: memoryRunner(),
      logs: fakeLogs([]),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await jest.advanceTimersByTimeAsync(20);
    const [result] = await pending;
    // It ended when the run was cancelled.
    expect(Date.now() - started).toBe(20);
    expect(result!.validation[0]!.diagnosis?.note).toMatch(/the run was cancelled/);
  });
});
