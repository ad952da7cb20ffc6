import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { playgroundDirs } from '../../local/paths';
import { startDynamoDbLocal, type LocalDynamoDb } from '../../local/services/dynamodb-local';
import { startKinesisMock, type LocalKinesis } from '../../local/services/kinesis-mock';
import { queryAudit } from '../../lambdas/shared/audit-query';
import { createSweepHandler } from '../../lambdas/shared/auditor';
import { createDocumentClient, createKinesisClient } from '../../lambdas/shared/clients';
import { parseClickEvent, serializeClickEventStatistics } from '../../lambdas/shared/events';
import type { GenerateResult } from '../../lambdas/shared/generator';
import { PAGES, type Page } from '../../lambdas/shared/pages';
import { AUDIT_TABLE, createTableInput, LEDGER_TABLE } from '../../lambdas/shared/tables';
import { toIso, WINDOW_MS, windowOf } from '../../lambdas/shared/windows';
import { reservePorts } from '../../local/ports';
import { fakeContext, MetricRecorder } from './support/recorders';

const REGION = 'us-east-1';
const EVENTS_PER_WINDOW = 50;

/** Reads every record of a stream from the start of each shard. */
async function readStream(kinesis: KinesisClient, streamName: string): Promise<_Record[]> {
  const records: _Record[] = [];
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator) {
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      records.push(...(out.Records ?? []));
      if (!out.Records?.length) break;
      iterator = out.NextShardIterator;
    }
  }
  return records;
}

/** The event a Kinesis event source mapping would deliver for these records. */
function toLambdaEvent(records: readonly _Record[]): KinesisStreamEvent {
  return {
    Records: records.map((r) => ({
      eventSource: 'aws:kinesis',
      eventID: `shardId-000000000000:${r.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/auditor',
      awsRegion: REGION,
      eventSourceARN: `arn:aws:kinesis:${REGION}:000000000000:stream/output`,
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.PartitionKey ?? '',
        sequenceNumber: r.SequenceNumber ?? '',
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
        data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      },
    })),
  };
}

describe('generator and auditor against DynamoDB Local and kinesis-mock', () => {
  let work: string;
  let dynamo: LocalDynamoDb | undefined;
  let kinesisMock: LocalKinesis | undefined;
  let kinesis: KinesisClient;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'lambdas-it-'));
    const logDir = path.join(work, 'logs');
    const [dynamoPort, streamPort] = await reservePorts(2);
    [dynamo, kinesisMock] = await Promise.all([
      startDynamoDbLocal({ port: dynamoPort, logDir, cacheDir: playgroundDirs().cache }),
      startKinesisMock({
        port: streamPort,
        logDir,
        region: REGION,
        streams: [
          { name: 'input', shards: 2 },
          { name: 'output', shards: 1 },
        ],
      }),
    ]);
    for (const [name, value] of Object.entries({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_KINESIS: kinesisMock.endpoint,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      STREAMS: 'kinesis',
      INPUT_STREAM_NAME: 'input',
      LEDGER_TABLE_NAME: 'ledger',
      AUDIT_TABLE_NAME: 'audit',
      EVENTS_PER_WINDOW: String(EVENTS_PER_WINDOW),
      WINDOWS_PER_INVOCATION: '2',
      RATE_MODE: 'burst',
      GRACE_PERIOD_SECONDS: '120',
    })) {
      vi.stubEnv(name, value);
    }
    // The endpoints come from AWS_ENDPOINT_URL_* alone: the SDK reads them.
    const doc = createDocumentClient();
    await doc.send(new CreateTableCommand(createTableInput(LEDGER_TABLE, 'ledger')));
    await doc.send(new CreateTableCommand(createTableInput(AUDIT_TABLE, 'audit')));
    kinesis = createKinesisClient();
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([dynamo?.stop(), kinesisMock?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('generates two windows exactly, audits them exact, and reports an incomplete third window missing', async () => {
    // Prepare: the real handler modules, configured from the environment.
    const { handler: generator } = await import('../../lambdas/generator');
    const { handler: auditor } = await import('../../lambdas/auditor');
    const minute = Date.now();

    // Act 1: one scheduled invocation, delivered twice; two windows of 50 events per page.
    const first: GenerateResult = await generator({ time: toIso(minute) }, fakeContext('first'));
    const again: GenerateResult = await generator({ time: toIso(minute) }, fakeContext('again'));

    // Assess 1: the stream holds exactly 50 events per page per window, sent once.
    expect(first.windows.map((w) => w.outcome)).toEqual(['sent', 'sent']);
    expect(again.eventsSent).toBe(0);
    const counts = new Map<string, number>();
    for (const record of await readStream(kinesis, 'input')) {
      const event = parseClickEvent(Buffer.from(record.Data ?? new Uint8Array()).toString());
      const key = `${toIso(windowOf(Date.parse(event.timestamp)).start)} ${event.page}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(2 * PAGES.length);
    expect([...counts.values()].every((c) => c === EVENTS_PER_WINDOW)).toBe(true);

    // Act 2: play the job — write the counts to the output stream — and feed them to the auditor.
    const results = [...counts].map(([key, count]) => {
      const [windowStart, page] = key.split(' ');
      const windowEnd = toIso(Date.parse(windowStart) + WINDOW_MS);
      return serializeClickEventStatistics({ windowStart, windowEnd, page: page as Page, count });
    });
    // The next invocation overlaps by one window and adds a third, which the "job" reports only
    // half of; plus one malformed record.
    const third: GenerateResult = await generator({ time: toIso(minute + WINDOW_MS) }, fakeContext('third'));
    expect(third.windows.map((w) => w.outcome)).toEqual(['already-claimed', 'sent']);
    const thirdWindow = third.windows[1].windowStart;
    const thirdEnd = toIso(Date.parse(thirdWindow) + WINDOW_MS);
    for (const page of PAGES.slice(0, 3)) {
      results.push(serializeClickEventStatistics({ windowStart: thirdWindow, windowEnd: thirdEnd, page, count: EVENTS_PER_WINDOW }));
    }
    results.push('{"not":"a result"}');
    await kinesis.send(
      new PutRecordsCommand({ StreamName: 'output', Records: results.map((r, i) => ({ Data: Buffer.from(r), PartitionKey: String(i) })) }),
    );
    const response = await auditor(toLambdaEvent(await readStream(kinesis, 'output')), fakeContext());

    // Assess 2
    expect(response).toEqual({ batchItemFailures: [] });
    const doc = createDocumentClient();
    const tables = { ledgerTableName: 'ledger', auditTableName: 'audit' };
    const range = { fromMs: minute - 60_000, toMs: minute + 300_000 };
    const soon = await queryAudit(doc, { ...tables, ...range, nowMs: Date.now() });
    expect(soon.windows).toEqual({ exact: 2, wrong: 0, missing: 0, incomplete: 0, pending: 1 });

    // Act 3: the sweep runs after the grace period.
    const metrics = new MetricRecorder();
    const later = Date.parse(thirdEnd) + 121_000;
    const swept = await createSweepHandler({
      doc,
      config: { ...tables, auditTableName: 'audit', gracePeriodSeconds: 120 },
      metrics,
      clock: () => later,
    })({}, fakeContext());

    // Assess 3
    expect(swept.verdicts.missing).toBe(1);
    expect(metrics.total('WindowsMissing')).toBe(1);
    const summary = await queryAudit(doc, { ...tables, ...range, nowMs: later });
    expect(summary.windows).toEqual({ exact: 2, wrong: 0, missing: 1, incomplete: 0, pending: 0 });
    expect(summary.events.generated).toBe(3 * PAGES.length * EVENTS_PER_WINDOW);
    expect(summary.malformed).toBe(1);
    expect(summary.nonExact).toEqual([
      expect.objectContaining({ windowStart: thirdWindow, verdict: 'missing', expected: EVENTS_PER_WINDOW }),
    ]);
  }, 120_000);
});
