/**
 * The local stack's fixed names and settings, in a module of constants that every client of the
 * stack (the CLI, the bench, chaos) can import without loading the stack itself.
 */
import { GENERATOR_DEFAULTS } from '../lambdas/shared/config';
import type { StreamsKind } from './stack-state';

/** Names of the local stack's resources (the CDK app generates its own on AWS). */
export const LOCAL_NAMES = {
  application: 'click-count',
  ledgerTable: 'playground-ledger',
  auditTable: 'playground-audit',
  input: 'input',
  output: 'output',
} as const;

export const LOCAL_REGION = 'us-east-1';

/** Credentials for the emulators, which accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * Events per page per window by default: the generator's default on Kafka, 100 on kinesis-mock,
 * whose PutRecords rate falls as a stream fills (DESIGN.md, "Measured facts").
 */
export const LOCAL_EVENTS_PER_WINDOW: Readonly<Record<StreamsKind, number>> = {
  kafka: GENERATOR_DEFAULTS.eventsPerWindow,
  kinesis: 100,
};

/** The local control plane's default ceiling on KPUs per application (one TaskManager process per KPU on one machine). */
export const DEFAULT_MAX_KPUS_LOCAL = 8;
