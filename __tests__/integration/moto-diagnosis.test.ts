/**
 * The diagnosis's real adapters against moto_server, an independent implementation:
 * the SageMaker client lists and describes transform jobs and picks the one of the
 * profile's definition; the CloudWatch Logs client (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS)
 * reads the streams that were written with CreateLogStream and PutLogEvents. moto
 * completes transform jobs at once and cannot fail them, so the search runs without
 * its status filter here; the failed path runs on the project's emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateModelCommand,
  CreateTransformJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { LOG_GROUP } from '../../src/diagnosis/diagnose.js';
import { findTransformJob } from '../../src/diagnosis/find-job.js';
import { excerpt, toLines } from '../../src/diagnosis/log-excerpt.js';
import { createLogsApi } from '../../src/diagnosis/logs-client.js';
import type { SageMakerApi } from '../../src/sagemaker/api.js';
import { createSageMakerApi } from '../../src/sagemaker/client.js';
import { integration } from '../harness/integration.js';

integration({ aws: 'moto', inProcess: {} });
let api: SageMakerApi;
const started = new Date(Date.now() - 1_000);

const definition = (input: string, output: string, instanceType = 'ml.m5.xlarge') => ({
  TransformInput: {
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: input } },
  },
  TransformOutput: { S3OutputPath: output },
  TransformResources: { InstanceType: instanceType as never, InstanceCount: 1 },
});

beforeAll(async () => {
  api = createSageMakerApi('us-east-1');
  const sagemaker = new SageMakerClient({ region: 'us-east-1' });
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: 'validation-model',
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/Validation',
      PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1' },
    }),
  );
  // Jobs that differ from the profile in one field each, then the profile's own.
  for (const [name, d] of [
    ['other-input', definition('s3://models/in-2/', 's3://models/out/')],
    ['other-output', definition('s3://models/in/', 's3://models/out-other/')],
    ['other-instance', definition('s3://models/in/', 's3://models/out/', 'ml.c5.xlarge')],
    ['c0ffee-4b1d', definition('s3://models/in', 's3://models/out/c0ffee-4b1d')],
  ] as const) {
    await sagemaker.send(
      new CreateTransformJobCommand({
        TransformJobName: name,
        ModelName: 'validation-model',
        ...d,
      }),
    );
  }
  sagemaker.destroy();

  const logs = new CloudWatchLogsClient({ region: 'us-east-1' });
  await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  const now = Date.now();
  for (const [stream, lines] of [
    [
      'c0ffee-4b1d/i-0123456789abcdef0',
      ['Loading model', 'Traceback (most recent call last):', "KeyError: 'features'"],
    ],
    ['c0ffee-4b1d/i-0123456789abcdef0/data-log', ['ClientError: 500 from the container']],
    ['other-input/i-0fedcba987654321', ['RuntimeError: not this one']],
  ] as const) {
    await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: LOG_GROUP,
        logStreamName: stream,
        logEvents: lines.map((message, i) => ({ timestamp: now + i, message })),
      }),
    );
  }
  logs.destroy();
}, 60_000);

afterAll(() => api?.destroy());

describe('the diagnosis against moto_server', () => {
  it('finds the job of the definition among similar ones, with the real SageMaker client', async () => {
    const found = await findTransformJob(
      api,
      { inputUri: 's3://models/in/', outputPath: 's3://models/out/', instanceType: 'ml.m5.xlarge' },
      { createdAt: started },
    );
    expect(found.job?.TransformJobName).toBe('c0ffee-4b1d');
    expect(found.requests).toBeLessThanOrEqual(5);
    expect(await api.describeTransformJob('no-such-job')).toBeUndefined();
  });

  it("reads the job's streams, and only its own, with the real CloudWatch Logs client", async () => {
    const logs = createLogsApi('us-east-1');
    try {
      const streams = await logs.describeLogStreams(LOG_GROUP, 'c0ffee-4b1d/', 10);
      expect(streams.map((s) => s.name).sort()).toEqual([
        'c0ffee-4b1d/i-0123456789abcdef0',
        'c0ffee-4b1d/i-0123456789abcdef0/data-log',
      ]);
      const events = await logs.lastEvents(LOG_GROUP, 'c0ffee-4b1d/i-0123456789abcdef0', 200);
      expect(excerpt(toLines(events.map((e) => e.message ?? '')))).toEqual([
        'Loading model',
        'Traceback (most recent call last):',
        "KeyError: 'features'",
      ]);
    } finally {
      logs.destroy();
    }
  });
});
