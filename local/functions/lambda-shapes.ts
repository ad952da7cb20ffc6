import { randomUUID } from 'node:crypto';
import type { Context, KinesisStreamEvent, MSKEvent, ScheduledEvent } from 'aws-lambda';

/** The fixed account of the local stack (the one kinesis-mock uses). */
const LOCAL_ACCOUNT = '000000000000';

/** A Lambda context for one local invocation of `functionName`. */
export function lambdaContext(functionName: string, timeoutMs = 15 * 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The event EventBridge delivers for a schedule rule firing at `timeMs` (second precision). */
export function scheduledEvent(timeMs: number, region: string, rule: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date(Math.floor(timeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT}:rule/${rule}`],
    detail: {},
  };
}

/** When a local schedule rule was created and how often it fires. */
export interface LocalSchedule {
  readonly firstMs: number;
  readonly periodMs: number;
}

/**
 * The schedule a local function host runs on, from PLAYGROUND_SCHEDULE_START_MS (set by the stack
 * when it spawns the host: the instant the rule exists, as at deploy time on AWS) and
 * PLAYGROUND_SCHEDULE_MS. The host's own start-up (Node, tsx, the handler's imports) can take
 * seconds on a busy machine; anchoring the first invocation at the spawn instant, not at the end
 * of that start-up, keeps the first window the one that follows `up`, as EventBridge's event time
 * does for a cold Lambda.
 */
export function localSchedule(env: NodeJS.ProcessEnv, nowMs: number, defaultPeriodMs = 60_000): LocalSchedule {
  const number = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number of milliseconds, got '${raw}'`);
    return value;
  };
  const periodMs = number('PLAYGROUND_SCHEDULE_MS', defaultPeriodMs);
  if (periodMs === 0) throw new Error('PLAYGROUND_SCHEDULE_MS must be greater than 0');
  const firstMs = number('PLAYGROUND_SCHEDULE_START_MS', nowMs);
  return { firstMs: Math.min(firstMs, nowMs), periodMs };
}

/** One Kafka record as the MSK event source mapping hands it over. */
export interface KafkaRecordIn {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** The event an MSK (or self-managed Kafka) event source mapping delivers for a batch. */
export function mskEvent(records: readonly KafkaRecordIn[], bootstrapServers: string): MSKEvent {
  const grouped: MSKEvent['records'] = {};
  for (const record of records) {
    const key = `${record.topic}-${record.partition}`;
    (grouped[key] ??= []).push({
      topic: record.topic,
      partition: record.partition,
      offset: Number(record.offset),
      timestamp: Number(record.timestamp),
      timestampType: 'CREATE_TIME',
      key: record.key?.toString('base64') ?? '',
      value: record.value?.toString('base64') ?? '',
      headers: [],
    });
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: `arn:aws:kafka:us-east-1:${LOCAL_ACCOUNT}:cluster/local/local`,
    bootstrapServers,
    records: grouped,
  };
}

/** One Kinesis record as the Kinesis event source mapping hands it over. */
export interface KinesisRecordIn {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly arrival: Date;
}

/** The event a Kinesis event source mapping delivers for a batch of one shard. */
export function kinesisEvent(records: readonly KinesisRecordIn[], streamArn: string, region: string): KinesisStreamEvent {
  return {
    Records: records.map((record) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey,
        sequenceNumber: record.sequenceNumber,
        data: Buffer.from(record.data).toString('base64'),
        approximateArrivalTimestamp: record.arrival.getTime() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${record.shardId}:${record.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/auditor`,
      awsRegion: region,
      eventSourceARN: streamArn,
    })),
  };
}
