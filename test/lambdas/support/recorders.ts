import type { Context, KinesisStreamEvent } from 'aws-lambda';
import type { MetricSink } from '../../../lambdas/shared/observability';

/** Collects metrics instead of printing EMF. */
export class MetricRecorder implements MetricSink {
  readonly added: { name: string; unit: string; value: number }[] = [];
  published = 0;

  addMetric(name: string, unit: string, value: number): void {
    this.added.push({ name, unit, value });
  }

  publishStoredMetrics(): void {
    this.published++;
  }

  /** Sum of the values of one metric. */
  total(name: string): number {
    return this.added.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0);
  }

  values(name: string): number[] {
    return this.added.filter((m) => m.name === name).map((m) => m.value);
  }
}

/** A Lambda context good enough for the handlers. */
export function fakeContext(requestId = 'request-1'): Context {
  return {
    awsRequestId: requestId,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A clock that only moves when the code under test sleeps (or the test advances it). */
export class FakeClock {
  constructor(public nowMs: number) {}
  readonly now = (): number => this.nowMs;
  readonly sleep = async (ms: number): Promise<void> => {
    this.nowMs += Math.max(0, ms);
  };
}

/** A batch of records as Lambda's Kinesis event source delivers them, one per payload. */
export function kinesisEvent(payloads: readonly string[]): KinesisStreamEvent {
  return {
    Records: payloads.map((payload, i) => ({
      eventSource: 'aws:kinesis',
      eventID: `shardId-000000000000:${i}`,
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/auditor',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/output',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'k',
        sequenceNumber: String(1000 + i),
        approximateArrivalTimestamp: 0,
        data: Buffer.from(payload).toString('base64'),
      },
    })),
  };
}
