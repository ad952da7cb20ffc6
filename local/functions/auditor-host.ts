/**
 * The auditor's local runtime: a process that reads the output stream as an event source mapping
 * does (a Kafka consumer group, or Kinesis GetRecords per shard), invokes the unchanged auditor
 * handler with the MSK or Kinesis event shape, and invokes the audit-sweep handler on a schedule.
 *
 * Configuration (environment, set by the local stack): the auditor's own variables (see
 * lambdas/shared/config.ts) and the host's (./host-env.ts: the output stream or topic, the sweep's
 * period). With Kinesis, PLAYGROUND_POSITIONS_FILE keeps each shard's last audited
 * sequence number, as the event source mapping keeps its checkpoints: a host that replaces one
 * that died resumes after it instead of reading the stream again from its start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Kafka, logLevel } from 'kafkajs';
import { localKinesisClient } from '../services/kinesis-mock';
import { hostRegion, parseAuditorHostConfig } from './host-env';
import { kinesisEvent, lambdaContext, mskEvent, scheduledEvent } from './lambda-shapes';

// Read at the edge: a missing variable ends the host at once, naming it.
const region = hostRegion(process.env);
const { source, sweepMs, positionsFile } = parseAuditorHostConfig(process.env);
const { handler: auditor } = await import('../../lambdas/auditor');
const { handler: sweep } = await import('../../lambdas/audit-sweep');

function log(level: 'INFO' | 'ERROR', message: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...extra })}\n`);
}

let stopping = false;
const stoppers: (() => Promise<void>)[] = [];
process.once('SIGTERM', () => {
  stopping = true;
  void Promise.allSettled(stoppers.map((stop) => stop())).then(() => process.exit(0));
});

async function sweepForever(): Promise<void> {
  while (!stopping) {
    await sleep(sweepMs);
    await sweep(scheduledEvent(Date.now(), region, 'audit-sweep'), lambdaContext('audit-sweep')).catch((error: unknown) =>
      log('ERROR', 'sweep failed', { error: String(error) }),
    );
  }
}

async function consumeKafka(bootstrapServers: string, topic: string): Promise<void> {
  const consumer = new Kafka({ clientId: 'auditor', brokers: [bootstrapServers], logLevel: logLevel.WARN }).consumer({
    groupId: 'auditor',
    sessionTimeout: 30_000,
  });
  stoppers.push(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (batch.messages.length === 0) return;
      const event = mskEvent(
        batch.messages.map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value })),
        bootstrapServers,
      );
      // A throw leaves the offsets unresolved: the batch is delivered again, as Lambda retries it.
      await auditor(event, lambdaContext('auditor'));
      resolveOffset(batch.messages[batch.messages.length - 1].offset);
      await heartbeat();
    },
  });
}

function readPositions(): Record<string, string> {
  if (!positionsFile || !existsSync(positionsFile)) return {};
  try {
    return JSON.parse(readFileSync(positionsFile, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

const positions = readPositions();

function savePosition(shardId: string, sequenceNumber: string): void {
  positions[shardId] = sequenceNumber;
  if (!positionsFile) return;
  writeFileSync(`${positionsFile}.tmp`, JSON.stringify(positions));
  renameSync(`${positionsFile}.tmp`, positionsFile);
}

async function consumeKinesisShard(client: KinesisClient, streamArn: string, shardId: string): Promise<void> {
  const after = positions[shardId];
  const start = await client.send(
    new GetShardIteratorCommand(
      after
        ? { StreamARN: streamArn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
        : { StreamARN: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
    ),
  );
  let iterator = start.ShardIterator;
  while (!stopping && iterator) {
    const out = await client.send(new GetRecordsCommand({ StreamARN: streamArn, ShardIterator: iterator, Limit: 1000 }));
    const records = out.Records ?? [];
    if (records.length === 0) {
      iterator = out.NextShardIterator;
      await sleep(1_000);
      continue;
    }
    const event = kinesisEvent(
      records.map((r) => ({
        shardId,
        sequenceNumber: r.SequenceNumber ?? '',
        partitionKey: r.PartitionKey ?? '',
        data: r.Data ?? new Uint8Array(),
        arrival: r.ApproximateArrivalTimestamp ?? new Date(),
      })),
      streamArn,
      region,
    );
    const response = await auditor(event, lambdaContext('auditor')).catch((error: unknown) => {
      log('ERROR', 'auditor invocation failed; retrying the batch', { error: String(error) });
      return { batchItemFailures: [{ itemIdentifier: records[0].SequenceNumber ?? '' }] };
    });
    const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
    if (failed) {
      // As the event source mapping does with ReportBatchItemFailures: resume at the first failure.
      await sleep(1_000);
      const retry = await client.send(
        new GetShardIteratorCommand({ StreamARN: streamArn, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: failed }),
      );
      iterator = retry.ShardIterator;
    } else {
      savePosition(shardId, records[records.length - 1].SequenceNumber ?? '');
      iterator = out.NextShardIterator;
    }
  }
}

async function consumeKinesis(endpoint: string, streamArn: string): Promise<void> {
  const client = localKinesisClient(endpoint, region);
  const shards = await client.send(new ListShardsCommand({ StreamARN: streamArn }));
  await Promise.all((shards.Shards ?? []).map((shard) => consumeKinesisShard(client, streamArn, shard.ShardId ?? '')));
}

const consuming =
  source.kind === 'kinesis' ? consumeKinesis(source.endpoint, source.streamArn) : consumeKafka(source.bootstrapServers, source.topic);
consuming.catch((error: unknown) => {
  log('ERROR', 'the output stream could not be read', { error: String(error) });
  process.exit(1);
});
void sweepForever();
