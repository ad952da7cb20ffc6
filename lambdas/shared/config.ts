import { ConfigError } from './errors';

type Env = Readonly<Record<string, string | undefined>>;

export type RateMode = 'paced' | 'burst';
export type KafkaAuth = 'none' | 'iam';

export interface KinesisTarget {
  readonly kind: 'kinesis';
  readonly streamName: string;
}

export interface KafkaTarget {
  readonly kind: 'kafka';
  readonly bootstrapServers: readonly string[];
  readonly topic: string;
  readonly auth: KafkaAuth;
  /** AWS region for the MSK IAM signer; set when `auth` is `iam`. */
  readonly region?: string;
}

export type StreamTarget = KinesisTarget | KafkaTarget;

export interface GeneratorConfig {
  readonly target: StreamTarget;
  readonly ledgerTableName: string;
  /** Events per page per window. */
  readonly eventsPerWindow: number;
  readonly windowsPerInvocation: number;
  readonly rateMode: RateMode;
}

export interface AuditorConfig {
  readonly auditTableName: string;
  readonly ledgerTableName: string;
  readonly gracePeriodSeconds: number;
}

export const GENERATOR_DEFAULTS = {
  topic: 'input',
  eventsPerWindow: 1000,
  windowsPerInvocation: 4,
  rateMode: 'paced',
  kafkaAuth: 'none',
} as const;

export const AUDITOR_DEFAULTS = { gracePeriodSeconds: 120 } as const;

/** Lambda's 15-minute limit: the windows plus up to one window of waiting must fit. */
export const MAX_WINDOWS_PER_INVOCATION = 56;
export const MAX_EVENTS_PER_WINDOW = 100_000;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback?: T): T {
  const value = optional(env, name) ?? fallback;
  if (value === undefined) throw new ConfigError(name, `is required; one of ${allowed.join(', ')}`);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads and validates the generator's environment. @throws ConfigError naming the variable */
export function parseGeneratorConfig(env: Env): GeneratorConfig {
  const streams = oneOf(env, 'STREAMS', ['kinesis', 'kafka'] as const);
  let target: StreamTarget;
  if (streams === 'kinesis') {
    target = { kind: 'kinesis', streamName: required(env, 'INPUT_STREAM_NAME') };
  } else {
    const servers = required(env, 'KAFKA_BOOTSTRAP_SERVERS')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const server of servers) {
      if (!/^[^\s:]+:\d{1,5}$/.test(server)) {
        throw new ConfigError('KAFKA_BOOTSTRAP_SERVERS', `must be a comma-separated list of host:port, got ${JSON.stringify(server)}`);
      }
    }
    const auth = oneOf(env, 'KAFKA_AUTH', ['none', 'iam'] as const, GENERATOR_DEFAULTS.kafkaAuth);
    target = {
      kind: 'kafka',
      bootstrapServers: servers,
      topic: optional(env, 'INPUT_TOPIC') ?? GENERATOR_DEFAULTS.topic,
      auth,
      ...(auth === 'iam' ? { region: required(env, 'AWS_REGION') } : {}),
    };
  }
  return {
    target,
    ledgerTableName: required(env, 'LEDGER_TABLE_NAME'),
    eventsPerWindow: integer(env, 'EVENTS_PER_WINDOW', GENERATOR_DEFAULTS.eventsPerWindow, 1, MAX_EVENTS_PER_WINDOW),
    windowsPerInvocation: integer(
      env,
      'WINDOWS_PER_INVOCATION',
      GENERATOR_DEFAULTS.windowsPerInvocation,
      1,
      MAX_WINDOWS_PER_INVOCATION,
    ),
    rateMode: oneOf(env, 'RATE_MODE', ['paced', 'burst'] as const, GENERATOR_DEFAULTS.rateMode),
  };
}

/** Reads and validates the auditor's and the sweep's environment. @throws ConfigError naming the variable */
export function parseAuditorConfig(env: Env): AuditorConfig {
  return {
    auditTableName: required(env, 'AUDIT_TABLE_NAME'),
    ledgerTableName: required(env, 'LEDGER_TABLE_NAME'),
    gracePeriodSeconds: integer(env, 'GRACE_PERIOD_SECONDS', AUDITOR_DEFAULTS.gracePeriodSeconds, 0, 86_400),
  };
}
