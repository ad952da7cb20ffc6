import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { LOCAL_CREDENTIALS } from '../local/names';
import { localKinesisClient } from '../local/services/kinesis-mock';
import type { StackRecord } from '../local/stack-state';
import type { LedgerRow } from './judge';

/** Every record of the output stream, read from the beginning; `note` says when the end was not reached. */
export interface OutputRead {
  readonly records: string[];
  readonly note?: string;
}

/** Reads the whole output stream of the stack (Kafka topic or Kinesis stream) as text. */
export function readOutput(record: StackRecord, timeoutMs = 180_000): Promise<OutputRead> {
  return record.options.streams === 'kafka'
    ? readKafka(record.endpoints.kafka ?? '', record.streamNames.output, timeoutMs)
    : readKinesis(record.endpoints.kinesis ?? '', record.region, record.streamNames.output, timeoutMs);
}

/**
 * Kafka: the partitions' end offsets now, then a consumer of a fresh group (committed reads, as
 * the auditor's) from the earliest offset until every partition is read up to them. The group is
 * deleted afterwards.
 */
async function readKafka(bootstrap: string, topic: string, timeoutMs: number): Promise<OutputRead> {
  const kafka = new Kafka({ clientId: 'chaos-judge', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `chaos-judge-${process.pid}-${Date.now()}`;
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }]));
    const reached = new Map<number, number>();
    for (const [partition, { high, low }] of ends) if (high <= low) reached.set(partition, high);
    const records: string[] = [];
    const done = (): boolean => [...ends].every(([partition, { high }]) => (reached.get(partition) ?? -1) >= high);
    if (done()) return { records };
    const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, readUncommitted: false });
    await consumer.connect();
    let progressAt = Date.now();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) records.push(m.value ? m.value.toString('utf8') : '');
          const next = Number(batch.lastOffset()) + 1;
          if (next > (reached.get(batch.partition) ?? -1)) {
            reached.set(batch.partition, next);
            progressAt = Date.now();
          }
        },
      });
      const started = Date.now();
      while (!done()) {
        if (Date.now() - started > timeoutMs || Date.now() - progressAt > 45_000) {
          const where = [...ends].map(([p, { high }]) => `partition ${p} at ${reached.get(p) ?? 0} of ${high}`).join(', ');
          return { records, note: `stopped reading ${topic} before its end (${where}): an open transaction, or the broker is slow` };
        }
        await sleep(250);
      }
      return { records };
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Kinesis (kinesis-mock): every shard from TRIM_HORIZON until GetRecords is at the tip. */
async function readKinesis(endpoint: string, region: string, stream: string, timeoutMs: number): Promise<OutputRead> {
  const client = localKinesisClient(endpoint, region);
  const records: string[] = [];
  const started = Date.now();
  try {
    const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    for (const shard of shards) {
      let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      let empty = 0;
      while (iterator) {
        if (Date.now() - started > timeoutMs) return { records, note: `stopped reading ${stream} after ${timeoutMs / 1000} s before its end` };
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const r of out.Records ?? []) records.push(Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));
        iterator = out.NextShardIterator;
        if ((out.Records ?? []).length > 0) {
          empty = 0;
          continue;
        }
        if (out.MillisBehindLatest === 0 || (out.MillisBehindLatest === undefined && ++empty >= 3)) break;
        await sleep(200);
      }
    }
    return { records };
  } finally {
    client.destroy();
  }
}

/** Every entry of the ledger table (a Scan: it is the stack's own local table). */
export async function readLedger(record: StackRecord): Promise<LedgerRow[]> {
  const client = new DynamoDBClient({ endpoint: record.endpoints.dynamodb, region: record.region, credentials: LOCAL_CREDENTIALS });
  const doc = DynamoDBDocumentClient.from(client);
  const rows: LedgerRow[] = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(new ScanCommand({ TableName: record.tables.ledger, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of out.Items ?? []) {
        rows.push({ windowStart: String(item.windowStart), status: String(item.status), eventsPerWindow: Number(item.eventsPerWindow) });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return rows;
  } finally {
    doc.destroy();
    client.destroy();
  }
}
