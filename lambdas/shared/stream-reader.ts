/**
 * Reading a stream as an onlooker: the records of a Kafka topic or a Kinesis stream from an instant
 * (or the beginning) up to the current end, or on until stopped. It takes nothing from the
 * consumers that matter: Kafka through a group of its own, with a random id, that commits no offset
 * and is deleted afterwards; Kinesis through shard iterators, without registering a consumer.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { createKinesisClient, type ClientOptions } from './clients';
import type { KafkaTarget, KinesisTarget, StreamTarget } from './config';

/** One record as read: its data as text, its timestamp (Kafka's, or Kinesis' approximate arrival). */
export interface StreamMessage {
  readonly data: string;
  readonly timestampMs: number;
  /** `partition 0`, `shardId-000000000000`. */
  readonly source: string;
}

/** Where reading starts: the oldest record kept, or the first at or after an instant. */
export type StartAt = { readonly kind: 'earliest' } | { readonly kind: 'timestamp'; readonly ms: number };

export interface StreamReadOptions {
  readonly start: StartAt;
  /** Read on until `signal` aborts; otherwise stop at the end the stream had when reading began. */
  readonly follow: boolean;
  /** Called with each batch, one batch at a time per partition or shard. */
  readonly onMessages: (messages: readonly StreamMessage[]) => void | Promise<void>;
  /** Ends the read (Ctrl-C): the consumers are closed and the read resolves. */
  readonly signal?: AbortSignal;
  /** Kinesis: the client's options (endpoint, region, credentials). */
  readonly kinesis?: ClientOptions;
  /** Kafka: the client id the broker sees. @default 'playground-reader' */
  readonly clientId?: string;
  /**
   * Without `follow`: give up when no partition or shard has moved for this long (an open Kafka
   * transaction that is never committed holds a read-committed reader back). @default 60000
   */
  readonly stallMs?: number;
  /** How to wait between polls. @default setTimeout (ends early on abort) */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How a read ended: `note` says why it stopped before the end it aimed at. */
export interface StreamReadResult {
  readonly messages: number;
  readonly note?: string;
}

const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal }).catch(() => undefined);

/** Reads `target` from `options.start`; resolves when the end is reached or `options.signal` aborts. */
export function readStream(target: StreamTarget, options: StreamReadOptions): Promise<StreamReadResult> {
  return target.kind === 'kafka' ? readKafka(target, options) : readKinesis(target, options);
}

/** The connection settings of a Kafka client: plain, or TLS with SASL OAUTHBEARER tokens of the MSK IAM signer. */
function kafkaConfig(target: KafkaTarget, clientId: string): KafkaConfig {
  const base: KafkaConfig = { clientId, brokers: [...target.bootstrapServers], logLevel: logLevel.NOTHING };
  if (target.auth !== 'iam') return base;
  const region = target.region;
  if (!region) throw new Error('reading MSK with IAM auth needs a region');
  return {
    ...base,
    ssl: true,
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }) },
  };
}

/**
 * Kafka: the partitions' end offsets when reading begins (the end without `follow`), the start
 * offsets from the earliest kept or from offsetsForTimes, then a consumer of a group of its own that
 * seeks there and commits nothing. Read committed, as the auditor reads: a partition counts as read
 * to its end when the consumer's position (commit markers included) has reached the end offset.
 */
async function readKafka(target: KafkaTarget, options: StreamReadOptions): Promise<StreamReadResult> {
  const { topic } = target;
  const kafka = new Kafka(kafkaConfig(target, options.clientId ?? 'playground-reader'));
  const admin = kafka.admin();
  const groupId = `playground-reader-${randomUUID()}`;
  await admin.connect();
  let joined = false;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = new Map(offsets.map((p) => [p.partition, Number(p.high)]));
    const starts = new Map(
      options.start.kind === 'earliest'
        ? offsets.map((p) => [p.partition, Number(p.low)])
        : (await admin.fetchTopicOffsetsByTimestamp(topic, options.start.ms)).map((p) => [p.partition, Number(p.offset)]),
    );
    const position = new Map(starts);
    const done = (): boolean => !options.follow && [...ends].every(([p, end]) => (position.get(p) ?? 0) >= end);
    if (done() || options.signal?.aborted) return { messages: 0 };

    let count = 0;
    let progressAt = Date.now();
    let finish: (note?: string) => void = () => undefined;
    const finished = new Promise<string | undefined>((resolve) => (finish = resolve));
    const onAbort = (): void => finish();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, readUncommitted: false, allowAutoTopicCreation: false });
    // Batches of commit markers or aborted records alone never reach eachBatch; this event sees them too.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const next = Number(payload.lastOffset) + 1;
      if (next > (position.get(payload.partition) ?? 0)) {
        position.set(payload.partition, next);
        progressAt = Date.now();
      }
      if (done()) finish();
    });
    // Seek at every join, a rejoin after a crash included: to the start, then to where the read got.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [partition, offset] of position) consumer.seek({ topic, partition, offset: String(offset) });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) finish(`the consumer of ${topic} stopped: ${payload.error.message}`);
    });
    await consumer.connect();
    joined = true;
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const from = starts.get(batch.partition) ?? 0;
          const end = options.follow ? Infinity : (ends.get(batch.partition) ?? 0);
          const messages = batch.messages
            .filter((m) => Number(m.offset) >= from && Number(m.offset) < end)
            .map((m) => ({ data: m.value ? m.value.toString('utf8') : '', timestampMs: Number(m.timestamp), source: `partition ${batch.partition}` }));
          count += messages.length;
          if (messages.length > 0) await options.onMessages(messages);
        },
      });
      const stallMs = options.stallMs ?? 60_000;
      const watchdog = options.follow
        ? undefined
        : setInterval(() => {
            if (Date.now() - progressAt < stallMs) return;
            const where = [...ends].map(([p, end]) => `partition ${p} at ${position.get(p) ?? 0} of ${end}`).join(', ');
            finish(`stopped reading ${topic} before its end (${where}): an open transaction, or the broker is slow`);
          }, 1_000);
      const note = await finished;
      if (watchdog) clearInterval(watchdog);
      options.signal?.removeEventListener('abort', onAbort);
      return note ? { messages: count, note } : { messages: count };
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  } finally {
    if (joined) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every shard of the stream (ListShards, all pages). */
async function listShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
    shards.push(...(out.Shards ?? []));
    nextToken = out.NextToken;
  } while (nextToken);
  return shards;
}

/** GetRecords calls per shard and second (AWS allows 5, shared with the auditor's event source mapping). */
const RECORDS_PAUSE_MS = 250;
const EMPTY_PAUSE_MS = 1_000;

/**
 * Kinesis: each shard from TRIM_HORIZON or AT_TIMESTAMP through GetRecords. Without `follow` a
 * shard is done when GetRecords says it is at the tip (MillisBehindLatest 0; kinesis-mock, which may
 * not say, after three empty answers in a row) or the shard is closed.
 */
async function readKinesis(target: KinesisTarget, options: StreamReadOptions): Promise<StreamReadResult> {
  const client = createKinesisClient(options.kinesis);
  const pause = options.sleep ?? abortableSleep;
  const streamName = target.streamName;
  let count = 0;
  const iteratorAt = (shardId: string, after?: string): GetShardIteratorCommandInput =>
    after
      ? { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
      : options.start.kind === 'earliest'
        ? { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }
        : { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(options.start.ms) };

  const readShard = async (shardId: string): Promise<void> => {
    let last: string | undefined;
    let iterator = (await client.send(new GetShardIteratorCommand(iteratorAt(shardId)))).ShardIterator;
    let empty = 0;
    while (iterator && !options.signal?.aborted) {
      let out;
      try {
        out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (name === 'ProvisionedThroughputExceededException') {
          await pause(EMPTY_PAUSE_MS, options.signal);
          continue;
        }
        if (name === 'ExpiredIteratorException') {
          iterator = (await client.send(new GetShardIteratorCommand(iteratorAt(shardId, last)))).ShardIterator;
          continue;
        }
        throw error;
      }
      const records = out.Records ?? [];
      if (records.length > 0) {
        last = records[records.length - 1].SequenceNumber ?? last;
        count += records.length;
        await options.onMessages(
          records.map((r) => ({
            data: Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'),
            timestampMs: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
            source: shardId,
          })),
        );
      }
      empty = records.length === 0 ? empty + 1 : 0;
      iterator = out.NextShardIterator;
      const atTip = out.MillisBehindLatest === 0 || (out.MillisBehindLatest === undefined && empty >= 3);
      if (!options.follow && atTip) return;
      await pause(records.length > 0 ? RECORDS_PAUSE_MS : EMPTY_PAUSE_MS, options.signal);
    }
  };

  try {
    const shards = await listShards(client, streamName);
    await Promise.all(shards.map((shard) => readShard(shard.ShardId ?? '')));
    return { messages: count };
  } finally {
    client.destroy();
  }
}
