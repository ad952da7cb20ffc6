import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand, KinesisAnalyticsV2Client, ResourceNotFoundException, UpdateApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { audit, parseDuration } from '../../cli/commands/audit';
import { fail } from '../../cli/commands/fail';
import { metrics } from '../../cli/commands/metrics';
import { UsageError } from '../../cli/io';
import { main } from '../../cli/main';
import { resolveTarget } from '../../cli/target';
import { APP, awsTarget, fakeClock, recordingIo } from './support';

const msf = mockClient(KinesisAnalyticsV2Client);
const cloudwatch = mockClient(CloudWatchClient);
const kinesis = mockClient(KinesisClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const sts = mockClient(STSClient);

afterEach(() => {
  msf.reset();
  cloudwatch.reset();
  kinesis.reset();
  dynamodb.reset();
  sts.reset();
});

function emptyHome(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'playground-cli-'));
}

function outputsFile(content: unknown): string {
  const file = path.join(emptyHome(), 'cdk-outputs.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('target resolution', () => {
  it('reads the AWS resources from cdk-outputs.json, nested under the stack names', () => {
    const outputs = outputsFile({
      PlaygroundStateful: { InputStreamName: 'in', OutputStreamName: 'out', LedgerTableName: 'ledger', AuditTableName: 'audit', Region: 'eu-west-1' },
      PlaygroundApplication: { ApplicationName: 'app-123' },
      PlaygroundMonitoring: { DashboardUrl: 'https://dash' },
    });

    const target = resolveTarget({ home: emptyHome(), outputs });

    expect(target).toMatchObject({
      kind: 'aws',
      applicationName: 'app-123',
      region: 'eu-west-1',
      streams: 'kinesis',
      input: { kind: 'kinesis', streamName: 'in' },
      tables: { ledger: 'ledger', audit: 'audit' },
      dashboardUrl: 'https://dash',
      msf: { region: 'eu-west-1' },
    });
    expect(target.msf.endpoint).toBeUndefined(); // AWS_ENDPOINT_URL is left to the SDK
  });

  it('writes to MSK with IAM auth when the outputs name bootstrap brokers', () => {
    const outputs = outputsFile({ PlaygroundStateful: { BootstrapBrokers: 'b-1:9098,b-2:9098', Region: 'us-east-2' }, PlaygroundApplication: { ApplicationName: 'a' } });

    expect(resolveTarget({ home: emptyHome(), outputs }).input).toEqual({
      kind: 'kafka',
      bootstrapServers: ['b-1:9098', 'b-2:9098'],
      topic: 'input',
      auth: 'iam',
      region: 'us-east-2',
    });
  });

  it('takes --app over the outputs, and asks for one when there is neither', () => {
    expect(resolveTarget({ home: emptyHome(), target: 'aws', app: 'given', outputs: outputsFile({}) }).applicationName).toBe('given');
    expect(() => resolveTarget({ home: emptyHome(), target: 'aws', outputs: outputsFile({}) })).toThrow(/pass --app NAME, or deploy/);
  });

  it('asks to start the local playground when --target local finds none', () => {
    expect(() => resolveTarget({ home: emptyHome(), target: 'local' })).toThrow(UsageError);
    expect(() => resolveTarget({ home: emptyHome(), target: 'local' })).toThrow(/npx playground up --detach/);
  });
});

describe('argument validation makes no call', () => {
  const aws = (...args: string[]): string[] => [...args, '--target', 'aws', '--app', APP, '--home', emptyHome()];

  it.each([
    ['parallelism 0', aws('scale', '0')],
    ['parallelism 300', aws('scale', '300')],
    ['per-kpu 9', aws('scale', '2', '--per-kpu', '9')],
    ['autoscaling maybe', aws('scale', '2', '--autoscaling', 'maybe')],
    ['a bad snapshot name', aws('restore', 'no spaces!')],
    ['a bad --restore', aws('start', '--restore', 'a/b')],
    ['a bad --since', aws('audit', '--since', 'yesterday')],
    ['an unknown target', ['status', '--target', 'mars']],
    ['--kill-taskmanager on AWS', aws('fail', '--kill-taskmanager')],
  ])('exits non-zero on %s', async (_name, argv) => {
    const io = recordingIo();

    const code = await main(argv, io);

    expect(code).toBeGreaterThan(0);
    expect(io.errors.join('\n')).toMatch(/error/);
    expect(msf.calls()).toHaveLength(0);
    expect(kinesis.calls()).toHaveLength(0);
  });

  it('exits 1 with one line for an unknown application, before any update', async () => {
    msf.on(DescribeApplicationCommand).rejects(new ResourceNotFoundException({ message: `Application ${APP} not found`, $metadata: {} }));
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/player' });
    const io = recordingIo();

    const code = await main(aws('scale', '2'), io);

    expect(code).toBe(1);
    expect(io.errors).toEqual([expect.stringMatching(/^error: ResourceNotFoundException: .* check --app/)]);
    expect(msf.commandCalls(UpdateApplicationCommand)).toHaveLength(0);
  });

  it('every play has --help', async () => {
    for (const command of ['status', 'stop', 'start', 'snapshot', 'restore', 'scale', 'fail', 'metrics', 'audit', 'dashboard']) {
      const io = recordingIo();
      expect(await main([command, '--help'], io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/Usage: playground/);
    }
  });
});

describe('fail on AWS', () => {
  it('writes the fault-injection control record to the input stream', async () => {
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] });
    const io = recordingIo();

    const code = await fail({ target: awsTarget, killTaskManager: false, downForSeconds: 10, clock: fakeClock() }, io);

    expect(code).toBe(0);
    const input = kinesis.commandCalls(PutRecordsCommand)[0]?.args[0].input;
    expect(input?.StreamName).toBe('input-stream');
    const record = JSON.parse(Buffer.from(input?.Records?.[0]?.Data as Uint8Array).toString()) as Record<string, string>;
    expect(record).toEqual({ control: 'fail', id: expect.stringMatching(/^[0-9a-f-]{36}$/), issuedAt: '2026-11-22T21:30:00.000Z' });
    expect(io.text()).toContain('wrote control record');
  });

  it('says where the input stream is missing', async () => {
    const { input: _input, ...noInput } = awsTarget;
    const io = recordingIo();

    expect(await fail({ target: noInput, killTaskManager: false, downForSeconds: 10 }, io)).toBe(1);
    expect(io.errors[0]).toContain('no input stream known');
  });
});

describe('metrics on AWS', () => {
  it('reads AWS/KinesisAnalytics by Application and shows the newest datapoint of each', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'm0', Label: 'lastCheckpointSize', Values: [9378, 9000] },
        { Id: 'm1', Label: 'numRestarts', Values: [] },
      ],
    });
    const io = recordingIo();

    const code = await metrics({ target: awsTarget, names: ['lastCheckpointSize', 'numRestarts'], json: true, clock: fakeClock() }, io);

    expect(code).toBe(0);
    const query = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(query?.MetricDataQueries?.[0]?.MetricStat?.Metric).toEqual({
      Namespace: 'AWS/KinesisAnalytics',
      MetricName: 'lastCheckpointSize',
      Dimensions: [{ Name: 'Application', Value: APP }],
    });
    expect((query?.EndTime?.getTime() ?? 0) - (query?.StartTime?.getTime() ?? 0)).toBe(15 * 60_000);
    expect(JSON.parse(io.lines.join('\n'))).toEqual({ target: 'aws', application: APP, metrics: { lastCheckpointSize: 9378, numRestarts: null } });
  });

  it('fails when no metric has a datapoint', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const io = recordingIo();

    expect(await metrics({ target: awsTarget, names: ['runningTime'], json: false, clock: fakeClock() }, io)).toBe(1);
    expect(io.errors[0]).toContain('no datapoints');
  });

  it('shows the FLINK-2_2 names by default and a deprecated one with what replaces it', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [211_241] }] });
    const io = recordingIo();

    expect(await metrics({ target: awsTarget, names: ['uptime'], json: false, clock: fakeClock() }, io)).toBe(0);
    expect(io.lines).toContain(`  ${'uptime'.padEnd(28)} 211241 ms  (deprecated in FLINK-2_2: use runningTime)`);

    cloudwatch.reset();
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await metrics({ target: awsTarget, names: [], json: true, clock: fakeClock() }, io);
    const asked = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.map((q) => q.MetricStat?.Metric?.MetricName);
    expect(asked?.slice(0, 3)).toEqual(['runningTime', 'restartingTime', 'numRestarts']);
    expect(asked).not.toContain('uptime');
    expect(asked).not.toContain('downtime');
  });
});

describe('audit on AWS', () => {
  const now = Date.parse('2026-11-22T21:30:00.000Z');
  const sent = (windowStart: string): Record<string, unknown> => ({ windowStart, status: 'sent', eventsPerWindow: 1000, pages: 6 });
  /** The ledger table holds `rows`; each BatchGet is answered with the rows of the keys it asks for, and only those. */
  const ledgerHolds = (...rows: Record<string, unknown>[]): void => {
    dynamodb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      const responses: Record<string, Record<string, unknown>[]> = {};
      for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
        const asked = new Set((request.Keys ?? []).map((key) => key.windowStart as unknown));
        responses[table] = table === 'ledger-table' ? rows.filter((row) => asked.has(row.windowStart)) : [];
      }
      return { Responses: responses };
    });
  };

  it('prints the same JSON shape as up --report and exits 0 when nothing is wrong or missing', async () => {
    // The query reads the ledger by key (BatchGet) and each generated window's audit partition (Query).
    ledgerHolds(sent('2026-11-22T21:00:00.000Z'));
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    dynamodb
      .on(QueryCommand, { TableName: 'audit-table', ExpressionAttributeValues: { ':w': '2026-11-22T21:00:00.000Z' } })
      .resolves({ Items: [{ windowStart: '2026-11-22T21:00:00.000Z', page: '#window', verdict: 'exact', reason: 'all pages 1000' }] });
    const io = recordingIo();

    const code = await audit({ target: awsTarget, json: true, sinceMs: parseDuration('1h'), clock: { now: () => now } }, io);

    expect(code).toBe(0);
    const report = JSON.parse(io.lines.join('\n')) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(
      ['duplicates', 'events', 'finishedAt', 'latencyMs', 'malformed', 'nonExact', 'startedAt', 'streams', 'windows'].sort(),
    );
    expect(report).toMatchObject({ streams: 'kinesis', startedAt: '2026-11-22T20:30:00.000Z', finishedAt: '2026-11-22T21:30:00.000Z' });
    expect(report).toMatchObject({ windows: { exact: 1, wrong: 0, missing: 0 } });
    expect(dynamodb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('lists the non-exact windows and exits 1 when a window is missing', async () => {
    ledgerHolds(sent('2026-11-22T21:00:00.000Z'));
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    const io = recordingIo();

    const code = await audit({ target: awsTarget, json: false, sinceMs: parseDuration('1h'), clock: { now: () => now } }, io);

    expect(code).toBe(1);
    expect(io.text()).toMatch(/missing 1/);
    expect(io.text()).toMatch(/missing\s+2026-11-22T21:00:00.000Z/);
    expect(io.text()).toContain('(counts /help=– /index=– /shop=– /jobs=– /about=– /news=–; expected 1000 per page)');
  });

  it('shows a wrong window with the counts that arrived and what the ledger expected', async () => {
    const W = '2026-11-22T21:00:00.000Z';
    const result = (page: string, count: number): Record<string, unknown> => ({ windowStart: W, page, count, windowEnd: '2026-11-22T21:00:15.000Z', latencyMs: 900 });
    ledgerHolds(sent(W));
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    dynamodb.on(QueryCommand, { TableName: 'audit-table', ExpressionAttributeValues: { ':w': W } }).resolves({
      Items: [
        ...['/index', '/shop', '/jobs', '/about', '/news'].map((page) => result(page, 1000)),
        result('/help', 998),
        { windowStart: W, page: '#window', verdict: 'wrong', reason: '/help: count 998, expected 1000' },
      ],
    });
    const io = recordingIo();

    const code = await audit({ target: awsTarget, json: false, sinceMs: parseDuration('1h'), clock: { now: () => now } }, io);

    expect(code).toBe(1);
    expect(io.text()).toContain(
      `wrong      ${W}  /help: count 998, expected 1000  (counts /help=998 /index=1000 /shop=1000 /jobs=1000 /about=1000 /news=1000; expected 1000 per page)`,
    );
  });

  it('takes a --since longer than the tables keep for a usage error (exit 2) that says how long a range may be, in user terms', async () => {
    const io = recordingIo();

    const run = audit({ target: awsTarget, json: false, sinceMs: parseDuration('8d'), clock: { now: () => now } }, io);

    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/ spans \d+ windows; at most 40320 \(7 days, what the tables keep\).* --since/);
    await expect(run).rejects.not.toThrow(/queryAudit|fromMs|toMs/);
    expect(dynamodb.calls()).toHaveLength(0);
  });

  it('parses durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(() => parseDuration('0s')).toThrow(UsageError);
  });
});
