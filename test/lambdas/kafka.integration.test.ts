import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { playgroundDirs } from '../../local/paths';
import { startDynamoDbLocal, type LocalDynamoDb } from '../../local/services/dynamodb-local';
import { startKafka, type LocalKafka } from '../../local/services/kafka';
import { queryAudit } from '../../lambdas/shared/audit-query';
import { createDocumentClient } from '../../lambdas/shared/clients';
import { parseClickEvent, serializeClickEventStatistics } from '../../lambdas/shared/events';
import { PAGES, type Page } from '../../lambdas/shared/pages';
import { AUDIT_TABLE, createTableInput, LEDGER_TABLE } from '../../lambdas/shared/tables';
import { toIso, WINDOW_MS, windowOf } from '../../lambdas/shared/windows';
import { reservePorts } from '../../local/ports';
import { fakeContext } from './support/recorders';

const EVENTS_PER_WINDOW = 200;

/** Reads `expected` messages of a topic from the beginning. */
async function consume(kafka: Kafka, topic: string, expected: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `it-${topic}-${Date.now()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${messages.length} of ${expected} messages on ${topic}`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (messages.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

describe('generator and auditor against DynamoDB Local and a Kafka broker', () => {
  let work: string;
  let dynamo: LocalDynamoDb | undefined;
  let broker: LocalKafka | undefined;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'lambdas-kafka-it-'));
    const logDir = path.join(work, 'logs');
    const cacheDir = playgroundDirs().cache;
    const [dynamoPort, streamPort] = await reservePorts(2);
    [dynamo, broker] = await Promise.all([
      startDynamoDbLocal({ port: dynamoPort, logDir, cacheDir }),
      startKafka({
        port: streamPort,
        dataDir: path.join(work, 'kafka'),
        logDir,
        cacheDir,
        topics: [
          { name: 'input', partitions: 2 },
          { name: 'output', partitions: 1 },
        ],
      }),
    ]);
    for (const [name, value] of Object.entries({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      STREAMS: 'kafka',
      KAFKA_BOOTSTRAP_SERVERS: broker.bootstrapServers,
      KAFKA_AUTH: 'none',
      INPUT_TOPIC: 'input',
      LEDGER_TABLE_NAME: 'ledger',
      AUDIT_TABLE_NAME: 'audit',
      EVENTS_PER_WINDOW: String(EVENTS_PER_WINDOW),
      WINDOWS_PER_INVOCATION: '2',
      RATE_MODE: 'burst',
      GRACE_PERIOD_SECONDS: '120',
    })) {
      vi.stubEnv(name, value);
    }
    const doc = createDocumentClient();
    await doc.send(new CreateTableCommand(createTableInput(LEDGER_TABLE, 'ledger')));
    await doc.send(new CreateTableCommand(createTableInput(AUDIT_TABLE, 'audit')));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([dynamo?.stop(), broker?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('sends two windows exactly once through Kafka and audits the MSK-shaped results exact', async () => {
    // Prepare
    const { handler: generator } = await import('../../lambdas/generator');
    const { handler: auditor } = await import('../../lambdas/auditor');
    const kafka = new Kafka({ clientId: 'it', brokers: [broker!.bootstrapServers], logLevel: logLevel.NOTHING });
    const minute = Date.now();

    // Act: the same scheduled event twice, then play the job's part.
    const first = await generator({ time: toIso(minute) }, fakeContext('first'));
    const again = await generator({ time: toIso(minute) }, fakeContext('again'));
    const counts = new Map<string, number>();
    for (const message of await consume(kafka, 'input', 2 * PAGES.length * EVENTS_PER_WINDOW)) {
      const event = parseClickEvent(message.value!.toString());
      const key = `${toIso(windowOf(Date.parse(event.timestamp)).start)} ${event.page}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'output',
      messages: [...counts].map(([key, count]) => {
        const [windowStart, page] = key.split(' ');
        const windowEnd = toIso(Date.parse(windowStart) + WINDOW_MS);
        return { value: serializeClickEventStatistics({ windowStart, windowEnd, page: page as Page, count }) };
      }),
    });
    await producer.disconnect();
    const results = await consume(kafka, 'output', counts.size);
    const event = {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/local/0',
      bootstrapServers: broker!.bootstrapServers,
      records: {
        'output-0': results.map((m) => ({
          topic: 'output',
          partition: 0,
          offset: Number(m.offset),
          timestamp: Number(m.timestamp),
          timestampType: 'CREATE_TIME',
          key: '',
          value: m.value!.toString('base64'),
          headers: [],
        })),
      },
    } as MSKEvent;
    await auditor(event, fakeContext());

    // Assess
    expect(first.eventsSent).toBe(2 * PAGES.length * EVENTS_PER_WINDOW);
    expect(again.eventsSent).toBe(0);
    expect(counts.size).toBe(2 * PAGES.length);
    expect([...counts.values()].every((c) => c === EVENTS_PER_WINDOW)).toBe(true);
    const summary = await queryAudit(createDocumentClient(), {
      ledgerTableName: 'ledger',
      auditTableName: 'audit',
      fromMs: minute - 60_000,
      toMs: minute + 120_000,
    });
    expect(summary.windows).toEqual({ exact: 2, wrong: 0, missing: 0, incomplete: 0, pending: 0 });
    expect(summary.nonExact).toEqual([]);
  }, 180_000);
});
