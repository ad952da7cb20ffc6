import { Kafka, logLevel } from 'kafkajs';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient, type ClientOptions } from '../lambdas/shared/clients';
import type { StreamTarget } from '../lambdas/shared/config';
import { createStreamWriter } from '../lambdas/shared/writers';
import type { HostileKind } from './schedule';

/** One record a fault writes to the input stream: text, or bytes that are not UTF-8. */
export interface HostileRecord {
  readonly kind: HostileKind | 'far-future';
  readonly partitionKey: string;
  readonly data: string | Buffer;
}

const PAGES = ['/help', '/index', '/shop', '/jobs', '/about', '/news'] as const;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The size of an oversized record: under the 1 MiB record limit of Kafka's default and Kinesis. */
export const OVERSIZED_BYTES = 900 * 1024;

const GARBAGE = ['this is not JSON', '{"timestamp": "2026-11-22T21:30', '[1, 2, 3]', 'null', '{"control":"explode","id":"chaos"}', '\u0000\u0001\u0002'];
const MISSING = [
  (iso: string) => JSON.stringify({ timestamp: iso }),
  () => JSON.stringify({ page: '/help' }),
  () => JSON.stringify({ timestamp: 1_700_000_000_000, page: '/help' }),
  () => '{}',
];

/**
 * The record of a hostile kind, at `nowMs`; `n` varies the variant. Every one of them must be
 * dropped by the job (counted as bad input), none may change a count or move the watermark:
 * - garbage: text that is no JSON object (or a control record with an unknown command);
 * - binary: bytes that are not UTF-8;
 * - unknown-page, missing-field: JSON without a valid click;
 * - far-late: a valid click an hour ago, for a window long closed;
 * - oversized: a 900 KB JSON object whose page is unknown;
 * - far-future: a valid click a day ahead (the job drops clicks more than 60 s ahead).
 */
export function hostileRecord(kind: HostileKind | 'far-future', nowMs: number, n = 0): HostileRecord {
  const iso = new Date(nowMs).toISOString();
  const partitionKey = `chaos-${kind}-${n}`;
  switch (kind) {
    case 'garbage':
      return { kind, partitionKey, data: GARBAGE[n % GARBAGE.length] };
    case 'binary':
      return { kind, partitionKey, data: Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, n & 0xff, 0x80]) };
    case 'unknown-page':
      return { kind, partitionKey, data: JSON.stringify({ timestamp: iso, page: n % 2 === 0 ? '/admin' : '/HELP' }) };
    case 'missing-field':
      return { kind, partitionKey, data: MISSING[n % MISSING.length](iso) };
    case 'far-late':
      return { kind, partitionKey, data: JSON.stringify({ timestamp: new Date(nowMs - HOUR_MS).toISOString(), page: PAGES[n % PAGES.length] }) };
    case 'oversized': {
      const head = JSON.stringify({ timestamp: iso, page: '/' });
      const pad = 'x'.repeat(OVERSIZED_BYTES - head.length);
      return { kind, partitionKey, data: JSON.stringify({ timestamp: iso, page: `/${pad}` }) };
    }
    case 'far-future':
      return { kind, partitionKey, data: JSON.stringify({ timestamp: new Date(nowMs + DAY_MS).toISOString(), page: PAGES[n % PAGES.length] }) };
  }
}

/**
 * Writes the records to the stack's input stream: text with the generator's own writer
 * (`createStreamWriter`, as `playground fail` writes its control record), bytes that are not
 * UTF-8 with a plain producer / PutRecords, since the writers take text.
 */
export async function writeHostileRecords(input: StreamTarget, kinesis: ClientOptions, records: readonly HostileRecord[]): Promise<void> {
  const text = records.filter((r): r is HostileRecord & { data: string } => typeof r.data === 'string');
  const bytes = records.filter((r): r is HostileRecord & { data: Buffer } => typeof r.data !== 'string');
  if (text.length > 0) {
    const writer = createStreamWriter(input, kinesis);
    try {
      // One record a request: an oversized one must not push a batch over the request limits.
      for (const r of text) await writer.write([{ partitionKey: r.partitionKey, data: r.data }]);
    } finally {
      await writer.close();
    }
  }
  if (bytes.length === 0) return;
  if (input.kind === 'kafka') {
    const producer = new Kafka({ clientId: 'chaos', brokers: [...input.bootstrapServers], logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: input.topic, acks: -1, messages: bytes.map((r) => ({ key: r.partitionKey, value: r.data })) });
    } finally {
      await producer.disconnect();
    }
  } else {
    const client = createKinesisClient(kinesis);
    try {
      const out = await client.send(
        new PutRecordsCommand({ StreamName: input.streamName, Records: bytes.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })) }),
      );
      if (out.FailedRecordCount) throw new Error(`${out.FailedRecordCount} binary records rejected by ${input.streamName}`);
    } finally {
      client.destroy();
    }
  }
}
