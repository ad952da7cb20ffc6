/**
 * The functions' environment contracts: for each function one typed builder (used by the CDK
 * construct and by the local stack alike) and its exact inverse, the parser the handler runs at
 * cold start. Every playground variable is required: the builder always writes all of them, so a
 * variable that is missing (or misspelt by some other producer) fails the cold start naming it
 * instead of silently taking a default.
 */
import { ConfigError } from './errors';
import { METRICS_NAMESPACE, SERVICE_NAMES } from './observability';

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

/**
 * The one definition of the generator's defaults: the CDK app, the CLI, the local stack and the
 * benchmarks take them from here. The parser applies none of them (see the module comment).
 */
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
/** The longest grace period the auditor accepts: one day. */
export const MAX_GRACE_PERIOD_SECONDS = 86_400;

/**
 * Variables the Lambda runtime sets itself and a function's configuration may not set (reserved
 * keys). A builder may write them (the generator's `AWS_REGION` for MSK IAM auth, so that it stays
 * the parser's exact inverse); the CDK construct leaves them out, and the runtime's value — the
 * function's own region — is the one the configuration names.
 */
const LAMBDA_RUNTIME_VARIABLES: readonly string[] = ['AWS_REGION'];

/** `environment` without the variables the Lambda runtime provides. */
export function withoutRuntimeVariables(environment: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter(([name]) => !LAMBDA_RUNTIME_VARIABLES.includes(name)));
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, `is required; one of ${allowed.join(', ')}`);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function integer(env: Env, name: string, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) throw new ConfigError(name, `is required; an integer from ${min} to ${max}`);
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The builders' side of the contract: a value the parser would not read back as itself is refused. */
function text(name: string, value: string): string {
  if (value === '' || value.trim() !== value) throw new ConfigError(name, `cannot carry ${JSON.stringify(value)} (empty, or blanks around it)`);
  return value;
}

function writeInteger(name: string, value: number, min: number, max: number): string {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${value}`);
  }
  return String(value);
}

const STREAMS = ['kinesis', 'kafka'] as const;
const KAFKA_AUTHS: readonly KafkaAuth[] = ['none', 'iam'];
const RATE_MODES: readonly RateMode[] = ['paced', 'burst'];

/** The generator's environment: the inverse of {@link parseGeneratorConfig}, plus its Powertools service. @throws ConfigError */
export function generatorEnvironment(config: GeneratorConfig): Record<string, string> {
  const { target } = config;
  let targetEnv: Record<string, string>;
  if (target.kind === 'kinesis') {
    targetEnv = { STREAMS: 'kinesis', INPUT_STREAM_NAME: text('INPUT_STREAM_NAME', target.streamName) };
  } else {
    if (target.bootstrapServers.length === 0 || target.bootstrapServers.some((server) => server.includes(','))) {
      throw new ConfigError('KAFKA_BOOTSTRAP_SERVERS', `needs at least one server, none with a comma, got ${JSON.stringify(target.bootstrapServers)}`);
    }
    if ((target.auth === 'iam') !== (target.region !== undefined)) {
      throw new ConfigError('AWS_REGION', `is set exactly when KAFKA_AUTH is iam (auth ${target.auth}, region ${String(target.region)})`);
    }
    targetEnv = {
      STREAMS: 'kafka',
      KAFKA_BOOTSTRAP_SERVERS: target.bootstrapServers.map((server) => text('KAFKA_BOOTSTRAP_SERVERS', server)).join(','),
      KAFKA_AUTH: target.auth,
      ...(target.region === undefined ? {} : { AWS_REGION: text('AWS_REGION', target.region) }),
      INPUT_TOPIC: text('INPUT_TOPIC', target.topic),
    };
  }
  return {
    ...targetEnv,
    LEDGER_TABLE_NAME: text('LEDGER_TABLE_NAME', config.ledgerTableName),
    EVENTS_PER_WINDOW: writeInteger('EVENTS_PER_WINDOW', config.eventsPerWindow, 1, MAX_EVENTS_PER_WINDOW),
    WINDOWS_PER_INVOCATION: writeInteger('WINDOWS_PER_INVOCATION', config.windowsPerInvocation, 1, MAX_WINDOWS_PER_INVOCATION),
    RATE_MODE: config.rateMode,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.generator,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
}

/** Reads and validates the generator's environment; no variable has a default. @throws ConfigError naming the variable */
export function parseGeneratorConfig(env: Env): GeneratorConfig {
  const streams = oneOf(env, 'STREAMS', STREAMS);
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
    const auth = oneOf(env, 'KAFKA_AUTH', KAFKA_AUTHS);
    // AWS_REGION is the Lambda runtime's (and the local stack's) own: read only for the MSK IAM signer.
    const region = auth === 'iam' ? { region: required(env, 'AWS_REGION') } : {};
    target = { kind: 'kafka', bootstrapServers: servers, topic: required(env, 'INPUT_TOPIC'), auth, ...region };
  }
  return {
    target,
    ledgerTableName: required(env, 'LEDGER_TABLE_NAME'),
    eventsPerWindow: integer(env, 'EVENTS_PER_WINDOW', 1, MAX_EVENTS_PER_WINDOW),
    windowsPerInvocation: integer(env, 'WINDOWS_PER_INVOCATION', 1, MAX_WINDOWS_PER_INVOCATION),
    rateMode: oneOf(env, 'RATE_MODE', RATE_MODES),
  };
}

function auditEnvironment(config: AuditorConfig): Record<string, string> {
  return {
    AUDIT_TABLE_NAME: text('AUDIT_TABLE_NAME', config.auditTableName),
    LEDGER_TABLE_NAME: text('LEDGER_TABLE_NAME', config.ledgerTableName),
    GRACE_PERIOD_SECONDS: writeInteger('GRACE_PERIOD_SECONDS', config.gracePeriodSeconds, 0, MAX_GRACE_PERIOD_SECONDS),
    // The sweep reports its verdicts as the auditor: one service on the dashboard.
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.auditor,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
}

/** The auditor's environment: the inverse of {@link parseAuditorConfig}. @throws ConfigError */
export function auditorEnvironment(config: AuditorConfig): Record<string, string> {
  return auditEnvironment(config);
}

/** The audit sweep's environment: the inverse of {@link parseAuditSweepConfig} (the auditor's variables). @throws ConfigError */
export function auditSweepEnvironment(config: AuditorConfig): Record<string, string> {
  return auditEnvironment(config);
}

/** Reads and validates the auditor's environment; no variable has a default. @throws ConfigError naming the variable */
export function parseAuditorConfig(env: Env): AuditorConfig {
  return {
    auditTableName: required(env, 'AUDIT_TABLE_NAME'),
    ledgerTableName: required(env, 'LEDGER_TABLE_NAME'),
    gracePeriodSeconds: integer(env, 'GRACE_PERIOD_SECONDS', 0, MAX_GRACE_PERIOD_SECONDS),
  };
}

/** Reads and validates the audit sweep's environment: the auditor's. @throws ConfigError naming the variable */
export function parseAuditSweepConfig(env: Env): AuditorConfig {
  return parseAuditorConfig(env);
}
