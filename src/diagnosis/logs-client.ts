/**
 * CloudWatch Logs for the diagnosis of failed validations: the AWS SDK's client, configured
 * by the client factory (src/aws/clients.ts). Loaded only when a diagnosis reads a log.
 */
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { sdkConfig } from '../aws/clients.js';
import type { RenewableCredentials } from '../sagemaker/api.js';
import type { LogsApi } from './diagnose.js';

export function createLogsApi(
  region: string,
  options: { credentials?: RenewableCredentials } = {},
): LogsApi {
  const client = new CloudWatchLogsClient(sdkConfig('logs', region, options.credentials));
  return {
    async describeLogStreams(group, prefix, limit, options) {
      const answer = await client.send(
        new DescribeLogStreamsCommand({
          logGroupName: group,
          logStreamNamePrefix: prefix,
          limit,
        }),
        options,
      );
      return (answer.logStreams ?? []).map((s) => ({
        name: s.logStreamName,
        lastEventTimestamp: s.lastEventTimestamp,
      }));
    },
    async lastEvents(group, stream, limit, options) {
      const answer = await client.send(
        new GetLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          startFromHead: false,
          limit,
        }),
        options,
      );
      return (answer.events ?? []).map((e) => ({ timestamp: e.timestamp, message: e.message }));
    },
    destroy() {
      client.destroy();
    },
  };
}
