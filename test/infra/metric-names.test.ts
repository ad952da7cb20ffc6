import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { jobFigures } from '../../bench/aws';
import { fail } from '../../cli/commands/fail';
import { DEFAULT_METRICS, KNOWN_METRICS } from '../../cli/commands/metrics';
import type { MskCluster } from '../../infra/lib/constructs/msk-cluster';
import { PlaygroundDashboard } from '../../infra/lib/constructs/playground-dashboard';
import { MSF_METRICS, MSF_NAMESPACE, REMOVED_IN_FLINK_2_2, deprecatedMsfMetrics, isMsfMetric, replacementsOf, type MsfMetric, type MsfMetricName } from '../../infra/lib/msf-metrics';
import type { PlaygroundStreams } from '../../infra/lib/streams';
import { APP, awsTarget, fakeClock, recordingIo } from '../cli/support';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REMOVED = Object.keys(REMOVED_IN_FLINK_2_2);
const DEPRECATED: readonly string[] = deprecatedMsfMetrics();

/** Names that are neither in the table nor removed nor deprecated fail here, with the offender in the message. */
function expectCurrent(names: readonly string[], where: string): void {
  for (const name of names) {
    expect(REMOVED, `${where} names ${name}, removed in FLINK-2_2`).not.toContain(name);
    expect(isMsfMetric(name), `${where} names ${name}, which infra/lib/msf-metrics.ts does not list`).toBe(true);
    expect(DEPRECATED, `${where} names ${name}, deprecated in FLINK-2_2`).not.toContain(name);
  }
}

describe('the MSF metric table', () => {
  it('lists a replacement of each deprecated or removed metric that is itself current', () => {
    expect(DEPRECATED).toEqual(expect.arrayContaining(['uptime', 'downtime']));
    for (const name of DEPRECATED) {
      const use = replacementsOf(name as MsfMetricName) ?? [];
      expect(use.length, name).toBeGreaterThan(0);
      // replacementsOf keeps only names of the table: none was left out
      const metric: MsfMetric = MSF_METRICS[name as MsfMetricName];
      expect(metric.deprecated?.use).toEqual(use);
      expectCurrent(use, `the replacement of ${name}`);
    }
    expect(REMOVED_IN_FLINK_2_2).toEqual({ fullRestarts: { use: 'numRestarts' } });
    for (const [name, { use }] of Object.entries(REMOVED_IN_FLINK_2_2)) {
      expect(isMsfMetric(name), name).toBe(false);
      expectCurrent([use], `the replacement of ${name}`);
    }
  });
});

interface NamedMetric {
  readonly namespace: string;
  readonly name: string;
}

/** The metric rows `[namespace, name, …]` of the dashboard body; tokens inside its strings become a placeholder. */
function dashboardMetrics(template: Template): NamedMetric[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(body['Fn::Join'][0]);
  const widgets = (JSON.parse(text) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;
  return widgets.flatMap((w) => w.properties.metrics ?? []).filter((row) => typeof row[0] === 'string' && typeof row[1] === 'string').map((row) => ({ namespace: row[0] as string, name: row[1] as string }));
}

/** Each alarm's metrics, by its logical ID: its own MetricName or those of its math expression. */
function alarmMetrics(template: Template): Record<string, NamedMetric[]> {
  type Stat = { MetricStat?: { Metric: { Namespace: string; MetricName: string } } };
  const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<string, { Properties: { Namespace?: string; MetricName?: string; Metrics?: Stat[] } }>;
  return Object.fromEntries(
    Object.entries(alarms).map(([id, { Properties: p }]) => [
      id,
      p.MetricName !== undefined
        ? [{ namespace: p.Namespace ?? '', name: p.MetricName }]
        : (p.Metrics ?? []).flatMap((m) => (m.MetricStat ? [{ namespace: m.MetricStat.Metric.Namespace, name: m.MetricStat.Metric.MetricName }] : [])),
    ]),
  );
}

function dashboardTemplate(kind: 'kinesis' | 'msk', applicationName: string | undefined): Template {
  const stack = new Stack(new App(), 'Monitoring', { env: { account: '123456789012', region: 'eu-west-1' } });
  const streams: PlaygroundStreams =
    kind === 'kinesis'
      ? {
          kind,
          input: kinesis.Stream.fromStreamArn(stack, 'Input', 'arn:aws:kinesis:eu-west-1:123456789012:stream/input'),
          output: kinesis.Stream.fromStreamArn(stack, 'Output', 'arn:aws:kinesis:eu-west-1:123456789012:stream/output'),
        }
      : // the dashboard reads only the kind of an MSK deployment
        { kind, cluster: {} as MskCluster };
  new PlaygroundDashboard(stack, 'Dashboard', {
    streams,
    applicationName,
    generator: lambda.Function.fromFunctionName(stack, 'Generator', 'generator'),
    auditor: lambda.Function.fromFunctionName(stack, 'Auditor', 'auditor'),
  });
  return Template.fromStack(stack);
}

describe.each([
  { kind: 'kinesis', lag: 'millisBehindLatest' },
  { kind: 'msk', lag: 'records_lag_max' },
] as const)('the $kind dashboard and alarms', ({ kind, lag }) => {
  const template = dashboardTemplate(kind, APP);
  const msf = (metrics: readonly NamedMetric[]): string[] => metrics.filter((m) => m.namespace === MSF_NAMESPACE).map((m) => m.name);

  it('graph only current FLINK-2_2 metrics of the table', () => {
    const graphed = msf(dashboardMetrics(template));
    expect(graphed).toEqual(expect.arrayContaining(['runningTime', 'restartingTime', 'numRestarts', lag]));
    expectCurrent(graphed, 'the dashboard');
  });

  it('alarm only on current FLINK-2_2 metrics of the table, the lag on the one the job reports', () => {
    const alarms = alarmMetrics(template);
    for (const [id, metrics] of Object.entries(alarms)) expectCurrent(msf(metrics), `alarm ${id}`);
    const lagAlarm = Object.entries(alarms).find(([id]) => id.includes('JobLag'));
    expect(lagAlarm?.[1]).toEqual([{ namespace: MSF_NAMESPACE, name: lag }]);
    const restarts = Object.entries(alarms).find(([id]) => id.includes('JobRestarts'));
    expect(restarts?.[1]).toEqual([{ namespace: MSF_NAMESPACE, name: 'numRestarts' }]);
  });
});

describe('the CLI and the benchmark', () => {
  it('show by default only current metrics of the table, and know only names of it', () => {
    expectCurrent(DEFAULT_METRICS, 'playground metrics (default)');
    const aliases = ['restarts'];
    for (const name of KNOWN_METRICS.filter((n) => !aliases.includes(n))) expect(isMsfMetric(name), `playground metrics knows ${name}`).toBe(true);
    expect(KNOWN_METRICS).not.toEqual(expect.arrayContaining(REMOVED));
  });

  it('benchmark only current metrics of the table, for both kinds of streams', () => {
    for (const streams of ['kinesis', 'kafka']) {
      const figures = jobFigures(APP, streams);
      expect(new Set(figures.map((f) => f.namespace))).toEqual(new Set([MSF_NAMESPACE]));
      expectCurrent(
        figures.map((f) => f.metric),
        `bench/aws.ts (${streams})`,
      );
    }
    expect(jobFigures(APP, 'kinesis').find((f) => f.key === 'lagMaximum')?.metric).toBe('millisBehindLatest');
    expect(jobFigures(APP, 'kafka').find((f) => f.key === 'lagMaximum')?.metric).toBe('records_lag_max');
  });

  describe('fail on AWS', () => {
    const kinesisClient = mockClient(KinesisClient);
    afterEach(() => kinesisClient.reset());

    it('hints at watching the restart with current metrics of the table', async () => {
      kinesisClient.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] });
      const io = recordingIo();

      expect(await fail({ target: awsTarget, killTaskManager: false, downForSeconds: 10, clock: fakeClock() }, io)).toBe(0);

      const hint = /playground metrics ((?:\w+ )+)--app/.exec(io.text());
      expect(hint, io.text()).not.toBeNull();
      const names = hint![1].trim().split(' ');
      expect(names).toContain('numRestarts');
      expectCurrent(names, 'the hint of playground fail');
    });
  });
});

/** The TypeScript sources under `dir` (relative to the repository). */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe('the removed names', () => {
  it('appear in cli/, infra/ and bench/ only as the removed entries of infra/lib/msf-metrics.ts', () => {
    const files = ['cli', 'infra', 'bench'].flatMap(sources);
    expect(files).toContain(join('cli', 'commands', 'metrics.ts'));
    for (const name of REMOVED) {
      const naming = files.filter((file) => readFileSync(join(ROOT, file), 'utf8').includes(name));
      expect(naming, name).toEqual([join('infra', 'lib', 'msf-metrics.ts')]);
    }
  });
});

describe("the job's Kinesis source", () => {
  it('registers millisBehindLatest under the official source\'s groups, the name the table and the lag alarm use', () => {
    const java = readFileSync(join(ROOT, 'job/src/main/java/com/example/playground/clickcount/connectors/kinesis/KinesisShardMetrics.java'), 'utf8');
    const constant = (name: string): string | undefined => new RegExp(`static final String ${name} = "([^"]+)";`).exec(java)?.[1];

    const gauge = constant('MILLIS_BEHIND_LATEST');
    expect(gauge).toBe('millisBehindLatest');
    expectCurrent([gauge!], 'KinesisShardMetrics.java');
    // flink-connector-aws, org.apache.flink.connector.kinesis.source.metrics.MetricConstants
    expect(['SOURCE_GROUP', 'ACCOUNT_ID_GROUP', 'REGION_GROUP', 'STREAM_GROUP', 'SHARD_GROUP'].map(constant)).toEqual(['KinesisStreamSource', 'accountId', 'region', 'stream', 'shardId']);
  });
});
