/**
 * The playground's deployment configuration: typed, validated, and free of any CDK context access.
 * `infra/bin/app.ts` reads the raw values (cdk.json context, `-c key=value`) and hands them to
 * {@link parseConfig}; everything below it receives a {@link PlaygroundConfig}.
 */
import { GENERATOR_DEFAULTS, MAX_EVENTS_PER_WINDOW } from '../../lambdas/shared/config';
import { MAX_PARALLELISM_PER_KPU } from './msf-limits';

export type StreamsKind = 'kinesis' | 'msk' | 'msk-serverless';
export type KinesisMode = 'on-demand' | 'provisioned';

export interface PlaygroundConfig {
  /** Where the clicks flow. @default 'kinesis' */
  readonly streams: StreamsKind;
  /** Capacity mode of the Kinesis streams. @default 'on-demand' */
  readonly kinesisMode: KinesisMode;
  /** Shards per stream when `kinesisMode` is `provisioned`. @default 1 */
  readonly shards: number;
  /** Flink parallelism of the application. @default 1 */
  readonly parallelism: number;
  /** Parallel tasks per KPU. @default 1 */
  readonly parallelismPerKpu: number;
  /** Managed Flink autoscaling. @default false */
  readonly autoScaling: boolean;
  /** Checkpoint interval in milliseconds. @default 60000 */
  readonly checkpointIntervalMs: number;
  /** The application's CheckpointingEnabled; false is the original's run without `--checkpointing`. @default true */
  readonly checkpointing: boolean;
  /** `ClickCountJob.event-time`: event-time windows; false: processing-time windows. @default true */
  readonly eventTime: boolean;
  /** `ClickCountJob.backpressure`: the Backpressure operator. @default false */
  readonly backpressure: boolean;
  /** Events per page per 15-second window that the generator sends. @default 1000 */
  readonly eventsPerWindow: number;
  /** Whether the generator's schedule is enabled. @default true */
  readonly generator: boolean;
  /** Start the application after deploy (restoring from the latest snapshot). @default true */
  readonly startApplication: boolean;
  /** Leave out what LocalStack's free edition lacks (Managed Flink, MSK). @default false */
  readonly localstack: boolean;
}

export const DEFAULT_CONFIG: PlaygroundConfig = {
  streams: 'kinesis',
  kinesisMode: 'on-demand',
  shards: 1,
  parallelism: 1,
  parallelismPerKpu: 1,
  autoScaling: false,
  checkpointIntervalMs: 60_000,
  checkpointing: true,
  eventTime: true,
  backpressure: false,
  eventsPerWindow: GENERATOR_DEFAULTS.eventsPerWindow,
  generator: true,
  startApplication: true,
  localstack: false,
};

/** The configuration keys, in the order the README documents them. */
export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as readonly (keyof PlaygroundConfig)[];

/** A configuration value that is not one of the allowed values. */
export class InvalidConfigError extends Error {
  constructor(
    readonly key: string,
    value: unknown,
    allowed: string,
    options?: ErrorOptions,
  ) {
    super(`invalid value ${JSON.stringify(value)} for context key '${key}': allowed values are ${allowed}`, options);
    this.name = 'InvalidConfigError';
  }
}

function oneOf<T extends string>(key: string, raw: unknown, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  const value = String(raw);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidConfigError(key, raw, allowed.join(' | '));
}

function bool(key: string, raw: unknown, fallback: boolean, words: readonly [string, string] = ['true', 'false']): boolean {
  if (raw === undefined) return fallback;
  if (raw === true || raw === words[0] || raw === 'true') return true;
  if (raw === false || raw === words[1] || raw === 'false') return false;
  throw new InvalidConfigError(key, raw, `${words[0]} | ${words[1]}`);
}

function int(key: string, raw: unknown, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  throw new InvalidConfigError(key, raw, `an integer from ${min} to ${max}`);
}

/**
 * Validates raw configuration values (as read from CDK context, strings or JSON values).
 * Unset keys take their defaults; an invalid value throws {@link InvalidConfigError} naming the
 * key and the allowed values.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>): PlaygroundConfig {
  const streams = oneOf('streams', raw.streams, ['kinesis', 'msk', 'msk-serverless'], DEFAULT_CONFIG.streams);
  const localstack = bool('localstack', raw.localstack, DEFAULT_CONFIG.localstack);
  if (localstack && streams !== 'kinesis') {
    throw new InvalidConfigError('streams', streams, "kinesis (LocalStack's free edition has no MSK)");
  }
  return {
    streams,
    kinesisMode: oneOf('kinesisMode', raw.kinesisMode, ['on-demand', 'provisioned'], DEFAULT_CONFIG.kinesisMode),
    shards: int('shards', raw.shards, DEFAULT_CONFIG.shards, 1, 64),
    parallelism: int('parallelism', raw.parallelism, DEFAULT_CONFIG.parallelism, 1, 64),
    parallelismPerKpu: int('parallelismPerKpu', raw.parallelismPerKpu, DEFAULT_CONFIG.parallelismPerKpu, 1, MAX_PARALLELISM_PER_KPU),
    autoScaling: bool('autoScaling', raw.autoScaling, DEFAULT_CONFIG.autoScaling),
    checkpointIntervalMs: int('checkpointIntervalMs', raw.checkpointIntervalMs, DEFAULT_CONFIG.checkpointIntervalMs, 1000, 3_600_000),
    checkpointing: bool('checkpointing', raw.checkpointing, DEFAULT_CONFIG.checkpointing),
    eventTime: bool('eventTime', raw.eventTime, DEFAULT_CONFIG.eventTime),
    backpressure: bool('backpressure', raw.backpressure, DEFAULT_CONFIG.backpressure),
    eventsPerWindow: int('eventsPerWindow', raw.eventsPerWindow, DEFAULT_CONFIG.eventsPerWindow, 1, MAX_EVENTS_PER_WINDOW),
    generator: bool('generator', raw.generator, DEFAULT_CONFIG.generator, ['on', 'off']),
    startApplication: bool('startApplication', raw.startApplication, DEFAULT_CONFIG.startApplication),
    localstack,
  };
}
