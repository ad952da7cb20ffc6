import { Duration, Stack } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MSF_NAMESPACE, type MsfMetricName } from '../msf-metrics';
import type { PlaygroundStreams } from '../streams';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '../../../lambdas/shared/observability';

export interface PlaygroundDashboardProps {
  readonly streams: PlaygroundStreams;
  /** The Managed Flink application's name; absent on LocalStack. */
  readonly applicationName?: string;
  readonly generator: lambda.IFunction;
  readonly auditor: lambda.IFunction;
}

const PERIOD = Duration.minutes(1);

/**
 * The playground's CloudWatch dashboard (application, streams, auditor verdicts, generator) and its
 * alarms (missing or wrong windows, job restarts, lag). The application's metrics are MSF's
 * FLINK-2_2 names from infra/lib/msf-metrics.ts.
 */
export class PlaygroundDashboard extends Construct {
  public readonly dashboard: cw.Dashboard;
  public readonly alarms: cw.Alarm[] = [];
  /** The console URL of the dashboard. */
  public readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: PlaygroundDashboardProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.dashboard = new cw.Dashboard(this, 'Resource', { defaultInterval: Duration.hours(1) });
    this.dashboardUrl = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;

    const auditor = (metricName: string, statistic = 'Sum', unit?: cw.Unit): cw.Metric =>
      new cw.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAMES.auditor }, statistic, period: PERIOD, unit });
    const kafka = props.streams.kind === 'msk';

    if (props.applicationName !== undefined) {
      const app = (metricName: MsfMetricName, statistic = 'Maximum'): cw.Metric =>
        new cw.Metric({ namespace: MSF_NAMESPACE, metricName, dimensionsMap: { Application: props.applicationName! }, statistic, period: PERIOD });
      const restarts = new cw.MathExpression({
        expression: 'RATE(restarts) * PERIOD(restarts)',
        usingMetrics: { restarts: app('numRestarts') },
        label: 'restarts per minute',
        period: PERIOD,
      });
      // Kinesis: the job's source reports millisBehindLatest per shard as the official connector does (KinesisShardMetrics.java).
      const lagMetric: MsfMetricName = kafka ? 'records_lag_max' : 'millisBehindLatest';
      const lag = app(lagMetric);
      this.dashboard.addWidgets(
        new cw.TextWidget({ markdown: '## ClickCountJob (Managed Service for Apache Flink)', width: 24, height: 1 }),
        // FLINK-2_2 deprecates uptime and downtime: runningTime and restartingTime replace them.
        new cw.GraphWidget({ title: 'Running and restarting time (ms)', left: [app('runningTime'), app('restartingTime')], width: 6 }),
        new cw.GraphWidget({ title: 'Restarts', left: [app('numRestarts'), restarts], width: 6 }),
        new cw.GraphWidget({
          title: 'Checkpoints',
          left: [app('lastCheckpointDuration')],
          right: [app('lastCheckpointSize')],
          width: 6,
        }),
        new cw.GraphWidget({ title: 'Failed checkpoints', left: [app('numberOfFailedCheckpoints')], width: 6 }),
        new cw.GraphWidget({
          title: 'Records per second',
          left: [app('numRecordsInPerSecond', 'Average'), app('numRecordsOutPerSecond', 'Average')],
          width: 6,
        }),
        new cw.GraphWidget({ title: kafka ? `Consumer lag (${lagMetric})` : lagMetric, left: [lag], width: 6 }),
        new cw.GraphWidget({ title: 'CPU (%)', left: [app('cpuUtilization'), app('containerCPUUtilization')], width: 6 }),
        new cw.GraphWidget({ title: 'KPUs', left: [app('KPUs', 'Average')], width: 6 }),
      );
      this.alarms.push(
        new cw.Alarm(this, 'JobRestarts', {
          alarmDescription: 'ClickCountJob restarted (numRestarts rose)',
          metric: restarts,
          threshold: 0,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        }),
        new cw.Alarm(this, 'JobLag', {
          alarmDescription: kafka ? 'ClickCountJob lags more than 100,000 records behind its input topic' : 'ClickCountJob is more than 60 s behind its input stream',
          metric: lag,
          threshold: kafka ? 100_000 : 60_000,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    if (props.streams.kind === 'kinesis') {
      const { input, output } = props.streams;
      const opts = { period: PERIOD };
      this.dashboard.addWidgets(
        new cw.TextWidget({ markdown: '## Streams (Kinesis)', width: 24, height: 1 }),
        new cw.GraphWidget({
          title: 'Incoming records',
          left: [input.metricIncomingRecords({ ...opts, label: 'input' }), output.metricIncomingRecords({ ...opts, label: 'output' })],
          width: 8,
        }),
        new cw.GraphWidget({
          title: 'Iterator age (ms)',
          left: [
            input.metricGetRecordsIteratorAgeMilliseconds({ ...opts, label: 'input', statistic: 'Maximum' }),
            output.metricGetRecordsIteratorAgeMilliseconds({ ...opts, label: 'output', statistic: 'Maximum' }),
          ],
          width: 8,
        }),
        new cw.GraphWidget({
          title: 'Throttles',
          left: [
            input.metricWriteProvisionedThroughputExceeded({ ...opts, label: 'input write' }),
            input.metricReadProvisionedThroughputExceeded({ ...opts, label: 'input read' }),
            output.metricWriteProvisionedThroughputExceeded({ ...opts, label: 'output write' }),
            output.metricReadProvisionedThroughputExceeded({ ...opts, label: 'output read' }),
          ],
          width: 8,
        }),
      );
      this.alarms.push(
        new cw.Alarm(this, 'AuditorLag', {
          alarmDescription: 'The auditor is more than 5 minutes behind the output stream',
          metric: output.metricGetRecordsIteratorAgeMilliseconds({ period: PERIOD, statistic: 'Maximum' }),
          threshold: 300_000,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        }),
      );
    } else {
      const offsetLag = new cw.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'OffsetLag',
        dimensionsMap: { FunctionName: props.auditor.functionName },
        statistic: 'Maximum',
        period: PERIOD,
      });
      this.dashboard.addWidgets(
        new cw.TextWidget({ markdown: '## Streams (MSK)', width: 24, height: 1 }),
        new cw.GraphWidget({ title: 'Auditor offset lag (records)', left: [offsetLag], width: 12 }),
      );
      this.alarms.push(
        new cw.Alarm(this, 'AuditorLag', {
          alarmDescription: 'The auditor lags more than 10,000 records behind the output topic',
          metric: offsetLag,
          threshold: 10_000,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const generatorEvents = new cw.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'EventsSent',
      dimensionsMap: { service: SERVICE_NAMES.generator },
      statistic: 'Sum',
      period: PERIOD,
    });
    this.dashboard.addWidgets(
      new cw.TextWidget({ markdown: '## Auditor and generator', width: 24, height: 1 }),
      new cw.GraphWidget({
        title: 'Windows',
        left: [auditor('WindowsExact'), auditor('WindowsWrong'), auditor('WindowsMissing'), auditor('Duplicates')],
        width: 8,
      }),
      new cw.GraphWidget({
        title: 'End-to-end latency (ms)',
        left: [auditor('EndToEndLatency', 'p50', cw.Unit.MILLISECONDS), auditor('EndToEndLatency', 'p99', cw.Unit.MILLISECONDS)],
        width: 8,
      }),
      new cw.GraphWidget({
        title: 'Events sent',
        left: [generatorEvents],
        right: [props.generator.metricErrors({ period: PERIOD }), props.auditor.metricErrors({ period: PERIOD })],
        width: 8,
      }),
    );
    this.alarms.push(
      new cw.Alarm(this, 'WindowsMissing', {
        alarmDescription: 'The auditor found windows without complete results after the grace period',
        metric: auditor('WindowsMissing'),
        threshold: 0,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      }),
      new cw.Alarm(this, 'WindowsWrong', {
        alarmDescription: 'The auditor found windows whose counts are not eventsPerWindow',
        metric: auditor('WindowsWrong'),
        threshold: 0,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
