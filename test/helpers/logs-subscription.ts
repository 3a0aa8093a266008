/** Builds CloudWatch Logs subscription events (base64 gzip) the way the service delivers them. */
import { gzipSync } from 'node:zlib';

export interface TestLogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

export const subscriptionEvent = (
  logEvents: TestLogEvent[],
  logGroup = '/aws/lambda/record-result',
) => ({
  awslogs: {
    data: gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: '000000000000',
        logGroup,
        logStream: '2026/11/27/[$LATEST]0123456789abcdef',
        subscriptionFilters: ['emf-to-aggregator'],
        logEvents,
      }),
    ).toString('base64'),
  },
});
