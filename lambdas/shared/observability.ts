import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of every metric the functions publish (EMF). */
export const METRICS_NAMESPACE = 'ManagedFlinkPlayground';
/** `POWERTOOLS_SERVICE_NAME` (the metrics' `service` dimension) of the generator, and of the auditor and the sweep (one service). */
export const SERVICE_NAMES = { generator: 'generator', auditor: 'auditor' } as const;

/** The subset of Powertools `Metrics` the domain code uses, so tests can pass a recorder. */
export interface MetricSink {
  addMetric(name: string, unit: (typeof MetricUnit)['Count' | 'Milliseconds'], value: number): void;
  publishStoredMetrics(): void;
}

/** The subset of Powertools `Logger` the domain code uses. */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export { MetricUnit };

let logger: Logger | undefined;
let metrics: Metrics | undefined;

/** The process's one Powertools Logger (service name from `POWERTOOLS_SERVICE_NAME`). */
export function processLogger(): Logger {
  logger ??= new Logger();
  return logger;
}

/** The process's one Powertools Metrics (EMF to stdout; namespace `ManagedFlinkPlayground`). */
export function processMetrics(): Metrics {
  metrics ??= new Metrics({ namespace: METRICS_NAMESPACE });
  return metrics;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };
