/**
 * The Managed Service for Apache Flink CloudWatch metrics the playground reads, for its runtime
 * FLINK-2_2: the one list that the dashboard and its alarms, `playground metrics`, the hint of
 * `playground fail` and the AWS benchmark draw their metric names from (a module without imports,
 * so the CLI can take it without loading the CDK). test/infra/metric-names.test.ts checks that none
 * of them names a metric outside it.
 *
 * Source: the MSF developer guide, "Metrics and dimensions in Managed Service for Apache Flink"
 * (https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html): its application
 * metrics, Kinesis Data Streams connector metrics and Amazon MSK connector metrics tables, and its
 * "Flink 2.2 metric changes" and "Flink 2.2 metric migration guidance" notes.
 */

/** The CloudWatch namespace of MSF's metrics (dimension `Application`). */
export const MSF_NAMESPACE = 'AWS/KinesisAnalytics';

/** The levels at which MSF publishes a metric (the guide's "Level" column). */
export type MsfMetricLevel = 'Application' | 'Flow' | 'Operator' | 'Task' | 'Parallelism';

/** The section of the guide a metric is documented in. */
export type MsfMetricDocument = 'Application metrics' | 'Flink 2.2 metric migration guidance' | 'Kinesis Data Streams connector metrics' | 'Amazon MSK connector metrics';

export interface MsfMetric {
  /** The CloudWatch unit the guide gives. */
  readonly unit: 'Milliseconds' | 'Bytes' | 'Count' | 'Count/Second' | 'Percentage';
  readonly levels: readonly MsfMetricLevel[];
  readonly document: MsfMetricDocument;
  /** Deprecated in FLINK-2_2 (still published, to be removed): the metrics of this list to read instead. */
  readonly deprecated?: { readonly use: readonly string[] };
  readonly note?: string;
}

/** The metrics, by their CloudWatch name (case matters). */
export const MSF_METRICS = {
  runningTime: {
    unit: 'Milliseconds',
    levels: ['Application', 'Flow'],
    document: 'Application metrics',
    note: 'time the job has been running without interruption; from Flink 2.2, the replacement of uptime (Flink job metric of the same name)',
  },
  restartingTime: {
    unit: 'Milliseconds',
    levels: ['Application', 'Flow'],
    document: 'Application metrics',
    note: 'time the job has spent in its current restart (0 while it runs); from Flink 2.2, with cancellingTime and failingTime the replacement of downtime (Flink job metric of the same name)',
  },
  numRestarts: {
    unit: 'Count',
    levels: ['Application'],
    document: 'Flink 2.2 metric migration guidance',
    note: 'restarts since the job was submitted; replaces fullRestarts, removed in FLINK-2_2 (Flink job metric of the same name)',
  },
  uptime: {
    unit: 'Milliseconds',
    levels: ['Application'],
    document: 'Application metrics',
    deprecated: { use: ['runningTime'] },
  },
  downtime: {
    unit: 'Milliseconds',
    levels: ['Application'],
    document: 'Application metrics',
    deprecated: { use: ['restartingTime'] },
  },
  lastCheckpointSize: { unit: 'Bytes', levels: ['Application'], document: 'Application metrics' },
  lastCheckpointDuration: { unit: 'Milliseconds', levels: ['Application'], document: 'Application metrics' },
  numberOfFailedCheckpoints: { unit: 'Count', levels: ['Application'], document: 'Application metrics' },
  numRecordsInPerSecond: { unit: 'Count/Second', levels: ['Application', 'Operator', 'Task', 'Parallelism'], document: 'Application metrics' },
  numRecordsOutPerSecond: { unit: 'Count/Second', levels: ['Application', 'Operator', 'Task', 'Parallelism'], document: 'Application metrics' },
  numLateRecordsDropped: { unit: 'Count', levels: ['Application', 'Operator', 'Task', 'Parallelism'], document: 'Application metrics' },
  KPUs: { unit: 'Count', levels: ['Application'], document: 'Application metrics', note: 'one sample per billing hour' },
  cpuUtilization: { unit: 'Percentage', levels: ['Application'], document: 'Application metrics' },
  containerCPUUtilization: { unit: 'Percentage', levels: ['Application'], document: 'Application metrics' },
  heapMemoryUtilization: { unit: 'Percentage', levels: ['Application'], document: 'Application metrics' },
  millisBehindLatest: {
    unit: 'Milliseconds',
    levels: ['Application', 'Parallelism'],
    document: 'Kinesis Data Streams connector metrics',
    note:
      'Application level per stream, Parallelism level per shard; -1 before the first read. The Kinesis source gauge of flink-connector-aws ' +
      '(group KinesisStreamSource.accountId.<account>.region.<region>.stream.<name>.shardId.<shard>), which the job\'s own source registers ' +
      'the same way (job/…/connectors/kinesis/KinesisShardMetrics.java). The guide spells it millisbehindLatest in its table.',
  },
  backPressuredTimeMsPerSecond: {
    unit: 'Milliseconds',
    levels: ['Task', 'Operator', 'Parallelism'],
    document: 'Application metrics',
    note:
      'time per second a task waits for output buffers because a downstream task is slower; with the --backpressure variant, the ' +
      "Backpressure operator's upstream task (source and parser) is near 1000 during even minutes. Per task: `playground metrics --backpressure`",
  },
  outPoolUsage: {
    unit: 'Percentage',
    levels: ['Task'],
    document: 'Application metrics',
    note:
      "share of a task's output buffers in use (Flink task metric Shuffle.Netty.Output.Buffers.outPoolUsage, a fraction that " +
      '`playground metrics --backpressure` shows as a percentage); 100 % while the task is back-pressured',
  },
  records_lag_max: {
    unit: 'Count',
    levels: ['Application', 'Operator', 'Task', 'Parallelism'],
    document: 'Amazon MSK connector metrics',
    note: "the Kafka source's records-lag-max: the largest lag in records of any partition",
  },
} as const satisfies Readonly<Record<string, MsfMetric>>;

export type MsfMetricName = keyof typeof MSF_METRICS;

/** Metrics MSF no longer publishes on FLINK-2_2, with what replaced them. */
export const REMOVED_IN_FLINK_2_2: Readonly<Record<string, { readonly use: MsfMetricName }>> = {
  fullRestarts: { use: 'numRestarts' },
};

/** Whether `name` is in the list (a current or a deprecated metric; not a removed one). */
export function isMsfMetric(name: string): name is MsfMetricName {
  return Object.hasOwn(MSF_METRICS, name);
}

/** The names deprecated in FLINK-2_2 that MSF still publishes. */
export function deprecatedMsfMetrics(): MsfMetricName[] {
  return (Object.keys(MSF_METRICS) as MsfMetricName[]).filter((name) => 'deprecated' in MSF_METRICS[name]);
}

/** The deprecation of `name`, if it has one: the names to read instead. */
export function replacementsOf(name: MsfMetricName): readonly MsfMetricName[] | undefined {
  const metric: MsfMetric = MSF_METRICS[name];
  return metric.deprecated?.use.filter(isMsfMetric);
}
