import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeApplicationCommand, KinesisAnalyticsV2Client, ListApplicationSnapshotsCommand, type ApplicationDetail } from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metrics, type TaskBackpressure } from '../../cli/commands/metrics';
import { status } from '../../cli/commands/status';
import { main } from '../../cli/main';
import { describeVariant, variantOf } from '../../cli/variant';
import { APP, awsTarget, detail, fakeClock, recordingIo } from './support';

const msf = mockClient(KinesisAnalyticsV2Client);
const cloudwatch = mockClient(CloudWatchClient);

afterEach(() => {
  msf.reset();
  cloudwatch.reset();
});

/** An application detail with the given ClickCountJob group and CheckpointConfiguration. */
function withVariant(job: Record<string, string> | undefined, checkpoint: { type: 'DEFAULT' | 'CUSTOM'; enabled?: boolean; interval?: number }): ApplicationDetail {
  const base = detail('RUNNING');
  const config = base.ApplicationConfigurationDescription ?? {};
  return {
    ...base,
    ApplicationConfigurationDescription: {
      ...config,
      EnvironmentPropertyDescriptions: {
        PropertyGroupDescriptions: job ? [{ PropertyGroupId: 'ClickCountJob', PropertyMap: job }, { PropertyGroupId: 'Kinesis', PropertyMap: {} }] : [],
      },
      FlinkApplicationConfigurationDescription: {
        ...config.FlinkApplicationConfigurationDescription,
        CheckpointConfigurationDescription: { ConfigurationType: checkpoint.type, CheckpointingEnabled: checkpoint.enabled, CheckpointInterval: checkpoint.interval },
      },
    },
  };
}

describe('the variant an application runs, from DescribeApplication', () => {
  it('reads event time, backpressure and checkpointing from the property group and the CheckpointConfiguration', () => {
    expect(variantOf(withVariant({ streams: 'kafka', 'event-time': 'false', backpressure: 'true' }, { type: 'CUSTOM', enabled: false, interval: 10_000 }))).toEqual({
      eventTime: false,
      backpressure: true,
      checkpointing: false,
      checkpointIntervalMs: null,
    });
    expect(variantOf(withVariant({ streams: 'kafka', 'event-time': 'TRUE', backpressure: 'false' }, { type: 'CUSTOM', enabled: true, interval: 10_000 }))).toEqual({
      eventTime: true,
      backpressure: false,
      checkpointing: true,
      checkpointIntervalMs: 10_000,
    });
  });

  it("takes the job's defaults for absent keys and MSF's DEFAULT checkpointing (on, every 60 s) whatever else it says", () => {
    expect(variantOf(withVariant(undefined, { type: 'DEFAULT', enabled: false, interval: 5_000 }))).toEqual({
      eventTime: true,
      backpressure: false,
      checkpointing: true,
      checkpointIntervalMs: 60_000,
    });
  });

  it('describes it in one phrase', () => {
    expect(describeVariant({ eventTime: true, backpressure: false, checkpointing: true, checkpointIntervalMs: 10_000 })).toBe('event time, checkpointing every 10 s, no backpressure');
    expect(describeVariant({ eventTime: false, backpressure: true, checkpointing: false, checkpointIntervalMs: null })).toBe('processing time, checkpointing off, backpressure operator');
  });

  it('status prints the variant line and the variant in --json', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: withVariant({ streams: 'kinesis', 'event-time': 'false', backpressure: 'false' }, { type: 'CUSTOM', enabled: false, interval: 60_000 }) });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    expect(await status({ target: awsTarget, json: false }, io)).toBe(0);
    expect(io.lines).toContain('  variant processing time, checkpointing off, no backpressure');

    const json = recordingIo();
    expect(await status({ target: awsTarget, json: true }, json)).toBe(0);
    expect((JSON.parse(json.text()) as { variant: unknown }).variant).toEqual({ eventTime: false, backpressure: false, checkpointing: false, checkpointIntervalMs: null });
  });
});

describe('metrics --backpressure on AWS', () => {
  it("lists each task's backPressuredTimeMsPerSecond and outPoolUsage by the dimensions CloudWatch has for them", async () => {
    const task = (name: string, taskName: string): { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] } => ({
      Namespace: 'AWS/KinesisAnalytics',
      MetricName: name,
      Dimensions: [
        { Name: 'Application', Value: APP },
        { Name: 'TaskName', Value: taskName },
      ],
    });
    cloudwatch.on(ListMetricsCommand, { MetricName: 'backPressuredTimeMsPerSecond' }).resolves({
      Metrics: [task('backPressuredTimeMsPerSecond', 'Source'), task('backPressuredTimeMsPerSecond', 'Backpressure'), { MetricName: 'backPressuredTimeMsPerSecond', Dimensions: [{ Name: 'Application', Value: APP }] }],
    });
    cloudwatch.on(ListMetricsCommand, { MetricName: 'outPoolUsage' }).resolves({ Metrics: [task('outPoolUsage', 'Source')] });
    cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: { Id: string; MetricStat?: { Metric?: { MetricName?: string } } }[] }) => {
      if (input.MetricDataQueries.some((q) => q.Id.startsWith('m'))) return { MetricDataResults: [{ Id: 'm0', Values: [1] }] };
      return { MetricDataResults: [{ Id: 'b0', Values: [812, 20] }, { Id: 'b1', Values: [] }, { Id: 'b2', Values: [100] }] };
    });
    const io = recordingIo();

    expect(await metrics({ target: awsTarget, names: ['numRestarts'], json: true, backpressure: true, clock: fakeClock() }, io)).toBe(0);

    const { backpressure } = JSON.parse(io.text()) as { backpressure: TaskBackpressure[] };
    expect(backpressure).toEqual([
      { task: 'TaskName=Source', backPressuredTimeMsPerSecond: 812, outPoolUsage: 100 },
      { task: 'TaskName=Backpressure', backPressuredTimeMsPerSecond: null, outPoolUsage: null },
    ]);
    const listed = cloudwatch.commandCalls(ListMetricsCommand).map((call) => call.args[0].input);
    expect(listed.every((input) => input.Namespace === 'AWS/KinesisAnalytics' && input.Dimensions?.[0]?.Value === APP)).toBe(true);
  });

  it('says the per-task names are shown with --backpressure, exit 2 before any call', async () => {
    const io = recordingIo();
    const home = mkdtempSync(path.join(os.tmpdir(), 'playground-variants-'));

    expect(await main(['metrics', 'outPoolUsage', '--target', 'aws', '--app', APP, '--home', home], io)).toBe(2);
    expect(io.errors.join('\n')).toContain("metric 'outPoolUsage' is published per task: show it for every task with: playground metrics --backpressure");
    expect(cloudwatch.calls()).toHaveLength(0);
  });
});
