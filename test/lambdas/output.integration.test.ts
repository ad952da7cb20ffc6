import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { createDocumentClient } from '../../lambdas/shared/clients';
import { serializeClickEvent, serializeClickEventStatistics } from '../../lambdas/shared/events';
import { PAGES } from '../../lambdas/shared/pages';
import { createTableInput, LEDGER_TABLE } from '../../lambdas/shared/tables';
import { toIso, WINDOW_MS } from '../../lambdas/shared/windows';
import { LOCAL_CREDENTIALS } from '../../local/names';
import { playgroundDirs } from '../../local/paths';
import { reservePorts } from '../../local/ports';
import { startDynamoDbLocal, type LocalDynamoDb } from '../../local/services/dynamodb-local';
import { startKafka, type LocalKafka } from '../../local/services/kafka';
import { writeStackRecord, type StackRecord } from '../../local/stack-state';
import { recordingIo } from '../cli/support';

const REGION = 'us-east-1';
const W1 = '2026-12-01T23:57:15.000Z';
const W2 = toIso(Date.parse(W1) + WINDOW_MS);
const OLD = toIso(Date.parse(W1) - WINDOW_MS);

/**
 * `playground output` and `playground input` through the CLI's own entry (`main`) against a real
 * Kafka broker and DynamoDB Local, found through a stack record as a running local stack leaves one.
 */
describe('playground output and input against a Kafka broker', () => {
  let work: string;
  let home: string;
  let dynamo: LocalDynamoDb | undefined;
  let broker: LocalKafka | undefined;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'output-it-'));
    home = path.join(work, 'home');
    const logDir = path.join(work, 'logs');
    const cacheDir = playgroundDirs().cache;
    const [dynamoPort, kafkaPort] = await reservePorts(2);
    [dynamo, broker] = await Promise.all([
      startDynamoDbLocal({ port: dynamoPort, logDir, cacheDir }),
      startKafka({
        port: kafkaPort,
        dataDir: path.join(work, 'kafka'),
        logDir,
        cacheDir,
        topics: [
          { name: 'input', partitions: 2 },
          { name: 'output', partitions: 2 },
        ],
      }),
    ]);
    const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    await doc.send(new CreateTableCommand(createTableInput(LEDGER_TABLE, 'ledger')));
    await doc.send(new PutCommand({ TableName: 'ledger', Item: { windowStart: W1, status: 'sent', eventsPerWindow: 1000, pages: 6 } }));
    await doc.send(new PutCommand({ TableName: 'ledger', Item: { windowStart: W2, status: 'sent', eventsPerWindow: 1000, pages: 6 } }));
    doc.destroy();

    // The job's results: an hour-old record (before --since), W1 with all six pages, W2 with five.
    const kafka = new Kafka({ clientId: 'it', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const stats = (windowStart: string, page: (typeof PAGES)[number]): string =>
      serializeClickEventStatistics({ windowStart, windowEnd: toIso(Date.parse(windowStart) + WINDOW_MS), page, count: 1000 });
    await producer.send({ topic: 'output', messages: [{ key: '/help', value: stats(OLD, '/help'), timestamp: String(Date.now() - 3_600_000) }] });
    await producer.send({
      topic: 'output',
      messages: [...PAGES.map((page) => ({ key: page, value: stats(W1, page) })), ...PAGES.slice(0, 5).map((page) => ({ key: page, value: stats(W2, page) }))],
    });
    await producer.send({
      topic: 'input',
      messages: Array.from({ length: 30 }, (_, i) => ({ key: String(i), value: serializeClickEvent({ timestamp: toIso(Date.parse(W1) + i), page: PAGES[i % 6] }) })),
    });
    await producer.disconnect();

    // As `up` leaves it: the stack record of a running stack (this process stands in for its supervisor).
    const record = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      status: 'running',
      options: { streams: 'kafka' },
      region: REGION,
      applicationName: 'click-count',
      endpoints: { flinkRestUrl: 'http://127.0.0.1:1', controlPlane: 'http://127.0.0.1:1', supervisor: 'http://127.0.0.1:1', dynamodb: dynamo.endpoint, kafka: broker.bootstrapServers },
      tables: { ledger: 'ledger', audit: 'audit' },
      streamNames: { input: 'input', output: 'output' },
      processes: [],
      logsDir: logDir,
    } as unknown as StackRecord;
    writeStackRecord(playgroundDirs(home), record);
  });

  afterAll(async () => {
    await Promise.all([dynamo?.stop(), broker?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('prints the records since 10 minutes ago, marks the complete window exact and the other incomplete, then stops', async () => {
    const io = recordingIo();

    const code = await main(['output', '--home', home, '--since', '10m'], io);

    expect(code, io.text()).toBe(0);
    const records = io.lines.filter((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z {2}\/\w+ {2}\d+$/.test(l));
    expect(records.sort()).toEqual([...PAGES.map((p) => `${W1}  ${p}  1000`), ...PAGES.slice(0, 5).map((p) => `${W2}  ${p}  1000`)].sort());
    expect(io.lines).toContain(`window ${W1} exact (6 pages × 1000)`);
    expect(io.lines).toContain(`window ${W2} incomplete: 5 of 6 pages when the read ended (no /news)`);
    expect(io.text()).not.toContain(OLD);
  }, 120_000);

  it('prints the same as JSON objects, one a line, with the ledger’s expected count', async () => {
    const io = recordingIo();

    const code = await main(['output', '--home', home, '--from-beginning', '--json'], io);

    expect(code, io.text()).toBe(0);
    const objects = io.lines.map((l) => JSON.parse(l) as { type: string; windowStart: string; verdict?: string; expected?: number });
    expect(objects.filter((o) => o.type === 'record')).toHaveLength(12);
    expect(objects).toContainEqual(expect.objectContaining({ type: 'window', windowStart: W1, verdict: 'exact', expected: 1000 }));
  }, 120_000);

  it('input shows every 10th click from the beginning and how many it read', async () => {
    const io = recordingIo();

    const code = await main(['input', '--home', home, '--from-beginning', '--sample', '10'], io);

    expect(code, io.text()).toBe(0);
    expect(io.lines.filter((l) => l.startsWith('{"timestamp"'))).toHaveLength(3);
    expect(io.lines.filter((l) => l.startsWith('rate '))).not.toHaveLength(0);
    expect(io.lines.at(-1)).toBe('30 clicks read (1 in 10 shown)');
  }, 120_000);
});
