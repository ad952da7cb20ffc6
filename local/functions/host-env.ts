/**
 * The function hosts' own environment (what an event source mapping or a schedule rule is on AWS),
 * next to the functions' environment (lambdas/shared/config.ts): one builder for the local stack,
 * its inverse for the host. No variable has a default: the local stack writes all of them.
 */
import { ConfigError } from '../../lambdas/shared/errors';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the auditor host reads the job's results, as the event source mapping does on AWS. */
export type AuditorSource =
  | { readonly kind: 'kafka'; readonly bootstrapServers: string; readonly topic: string }
  | { readonly kind: 'kinesis'; readonly endpoint: string; readonly streamArn: string };

export interface AuditorHostConfig {
  readonly source: AuditorSource;
  /** Period of the audit sweep's schedule. */
  readonly sweepMs: number;
  /** With Kinesis: where each shard's last audited sequence number is kept. */
  readonly positionsFile?: string;
}

export interface GeneratorHostConfig {
  /** Period of the generator's schedule. */
  readonly scheduleMs: number;
  /** When the schedule was created (see `localSchedule`). */
  readonly scheduleStartMs: number;
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

function milliseconds(env: Env, name: string): number {
  const raw = required(env, name);
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, `must be a whole number of milliseconds above 0, got ${JSON.stringify(raw)}`);
  return value;
}

/** The auditor host's environment: the inverse of {@link parseAuditorHostConfig}. */
export function auditorHostEnvironment(config: AuditorHostConfig): Record<string, string> {
  const { source } = config;
  return {
    PLAYGROUND_OUTPUT_STREAMS: source.kind,
    ...(source.kind === 'kafka'
      ? { PLAYGROUND_OUTPUT_BOOTSTRAP_SERVERS: source.bootstrapServers, PLAYGROUND_OUTPUT_TOPIC: source.topic }
      : { PLAYGROUND_OUTPUT_ENDPOINT: source.endpoint, PLAYGROUND_OUTPUT_STREAM_ARN: source.streamArn }),
    PLAYGROUND_SWEEP_MS: String(config.sweepMs),
    ...(config.positionsFile === undefined ? {} : { PLAYGROUND_POSITIONS_FILE: config.positionsFile }),
  };
}

/** Reads the auditor host's environment. @throws ConfigError naming the variable */
export function parseAuditorHostConfig(env: Env): AuditorHostConfig {
  const kind = required(env, 'PLAYGROUND_OUTPUT_STREAMS');
  let source: AuditorSource;
  if (kind === 'kafka') {
    source = { kind, bootstrapServers: required(env, 'PLAYGROUND_OUTPUT_BOOTSTRAP_SERVERS'), topic: required(env, 'PLAYGROUND_OUTPUT_TOPIC') };
  } else if (kind === 'kinesis') {
    source = { kind, endpoint: required(env, 'PLAYGROUND_OUTPUT_ENDPOINT'), streamArn: required(env, 'PLAYGROUND_OUTPUT_STREAM_ARN') };
  } else {
    throw new ConfigError('PLAYGROUND_OUTPUT_STREAMS', `must be kafka or kinesis, got ${JSON.stringify(kind)}`);
  }
  const positionsFile = env.PLAYGROUND_POSITIONS_FILE?.trim();
  return { source, sweepMs: milliseconds(env, 'PLAYGROUND_SWEEP_MS'), ...(positionsFile ? { positionsFile } : {}) };
}

/** The generator host's environment, which `localSchedule` reads. */
export function generatorHostEnvironment(config: GeneratorHostConfig): Record<string, string> {
  return { PLAYGROUND_SCHEDULE_MS: String(config.scheduleMs), PLAYGROUND_SCHEDULE_START_MS: String(config.scheduleStartMs) };
}

/** The region every process of the local stack is given (the stack's environment sets it). @throws ConfigError */
export function hostRegion(env: Env): string {
  return required(env, 'AWS_REGION');
}
