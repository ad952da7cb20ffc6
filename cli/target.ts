import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import {
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  KinesisAnalyticsV2Client,
  KinesisAnalyticsV2ServiceException,
  ListApplicationSnapshotsCommand,
  type ApplicationDetail,
  type SnapshotDetails,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { ClientOptions } from '../lambdas/shared/clients';
import { FlinkRestClient, terminalJobStates, type JobOverview } from '../local/flink/rest';
import type { StreamTarget } from '../lambdas/shared/config';
import { playgroundDirs, repoRoot, type PlaygroundDirs } from '../local/paths';
import { LOCAL_CREDENTIALS } from '../local/stack';
import { readStackRecord, type StackRecord, type StreamsKind } from '../local/stack-state';
import { UsageError, type Io } from './io';
import { oneOf } from './options';

export type TargetKind = 'local' | 'aws';

/** The stack names whose outputs `cdk deploy --outputs-file` writes (see infra/lib/playground.ts). */
export const CDK_STACKS = ['PlaygroundStateful', 'PlaygroundApplication', 'PlaygroundFunctions', 'PlaygroundMonitoring'] as const;

/** The flags every play accepts to choose where it acts. */
export interface TargetFlags {
  readonly target?: TargetKind;
  /** @default .playground under the repository */
  readonly home?: string;
  /** The application's name (AWS), instead of the one in cdk-outputs.json. */
  readonly app?: string;
  /** @default cdk-outputs.json in the repository */
  readonly outputs?: string;
}

/** Where a play acts: resolved once at the edge, then passed to the command as is. */
export interface PlayTarget {
  readonly kind: TargetKind;
  readonly applicationName: string;
  /** Options of every AWS SDK client (locally: the emulators' endpoints and credentials). */
  readonly msf: ClientOptions;
  readonly dynamodb: ClientOptions;
  readonly cloudwatch: ClientOptions;
  readonly region?: string;
  readonly streams?: StreamsKind;
  /** Where `fail` writes its control record. */
  readonly input?: StreamTarget;
  readonly kinesis?: ClientOptions;
  readonly tables?: { readonly ledger: string; readonly audit: string };
  readonly dashboardUrl?: string;
  /** Set for the local stack. */
  readonly local?: { readonly dirs: PlaygroundDirs; readonly record: StackRecord };
}

/** A play could not do what was asked; the message says what to do. Printed as one line, exit 1. */
export class PlayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PlayError';
  }
}

/** A wait ran out of time. */
export class WaitTimeoutError extends PlayError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WaitTimeoutError';
  }
}

/** Outputs of `cdk deploy --outputs-file`: stack name → output key → value. */
type CdkOutputs = Readonly<Record<string, Readonly<Record<string, string>>>>;

function readCdkOutputs(file: string): Readonly<Record<string, string>> | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: CdkOutputs;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as CdkOutputs;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (write it with: npx cdk deploy --all --outputs-file cdk-outputs.json)`, { cause: error });
  }
  const merged: Record<string, string> = {};
  for (const stack of CDK_STACKS) Object.assign(merged, parsed[stack] ?? {});
  return merged;
}

/** Resolves `--target/--home/--app/--outputs` into a target; reads the stack record or cdk-outputs.json. */
export function resolveTarget(flags: TargetFlags): PlayTarget {
  const dirs = playgroundDirs(flags.home ? path.resolve(flags.home) : undefined);
  const record = readStackRecord(dirs);
  const kind: TargetKind = flags.target ?? (record ? 'local' : 'aws');
  if (kind === 'local') {
    if (!record) {
      throw new UsageError(`no local playground is running in ${dirs.home}: start it with 'npx playground up --detach' (or use --target aws)`);
    }
    if (flags.app && flags.app !== record.applicationName) {
      throw new UsageError(`the local playground runs the application '${record.applicationName}', not '${flags.app}'`);
    }
    const local = (endpoint: string): ClientOptions => ({ endpoint, region: record.region, credentials: LOCAL_CREDENTIALS });
    const input: StreamTarget =
      record.options.streams === 'kafka'
        ? { kind: 'kafka', bootstrapServers: [record.endpoints.kafka ?? ''], topic: record.streamNames.input, auth: 'none' }
        : { kind: 'kinesis', streamName: record.streamNames.input };
    return {
      kind,
      applicationName: record.applicationName,
      msf: local(record.endpoints.controlPlane),
      dynamodb: local(record.endpoints.dynamodb),
      cloudwatch: { region: record.region, credentials: LOCAL_CREDENTIALS },
      region: record.region,
      streams: record.options.streams,
      input,
      ...(record.endpoints.kinesis ? { kinesis: local(record.endpoints.kinesis) } : {}),
      tables: record.tables,
      dashboardUrl: record.endpoints.flinkRestUrl,
      local: { dirs, record },
    };
  }
  const outputsFile = path.resolve(flags.outputs ?? path.join(repoRoot, 'cdk-outputs.json'));
  const outputs = readCdkOutputs(outputsFile);
  if (flags.outputs && !outputs) throw new UsageError(`${outputsFile} does not exist`);
  const applicationName = flags.app ?? outputs?.ApplicationName;
  if (!applicationName) {
    throw new UsageError(
      `no application to act on: pass --app NAME, or deploy with 'npx cdk deploy --all --outputs-file cdk-outputs.json' (no ApplicationName in ${outputsFile}), or start the local playground with 'npx playground up --detach'`,
    );
  }
  const region = outputs?.Region;
  const aws: ClientOptions = region ? { region } : {};
  let input: StreamTarget | undefined;
  let streams: StreamsKind | undefined;
  if (outputs?.InputStreamName) {
    streams = 'kinesis';
    input = { kind: 'kinesis', streamName: outputs.InputStreamName };
  } else if (outputs?.BootstrapBrokers) {
    streams = 'kafka';
    input = {
      kind: 'kafka',
      bootstrapServers: outputs.BootstrapBrokers.split(',').map((s) => s.trim()).filter(Boolean),
      topic: 'input',
      auth: 'iam',
      ...(region ? { region } : {}),
    };
  }
  return {
    kind,
    applicationName,
    msf: aws,
    dynamodb: aws,
    cloudwatch: aws,
    kinesis: aws,
    ...(region ? { region } : {}),
    ...(streams ? { streams } : {}),
    ...(input ? { input } : {}),
    ...(outputs?.LedgerTableName && outputs.AuditTableName ? { tables: { ledger: outputs.LedgerTableName, audit: outputs.AuditTableName } } : {}),
    ...(outputs?.DashboardUrl ? { dashboardUrl: outputs.DashboardUrl } : {}),
  };
}

/** Adds `--target`, `--home`, `--app` and `--outputs` to a command. */
export function withTargetOptions(command: Command): Command {
  return command
    .option('--target <where>', 'local or aws (default: local when a local playground runs, else aws)', oneOf<TargetKind>('local', 'aws'))
    .option('--home <dir>', 'the local playground\'s directory (default .playground in the repository)')
    .option('--app <name>', 'the Managed Flink application (AWS; default: ApplicationName from cdk-outputs.json)')
    .option('--outputs <file>', 'the outputs of cdk deploy --outputs-file (default cdk-outputs.json)');
}

/** The target flags of a commander action's options. */
export function targetFlags(flags: Record<string, unknown>): TargetFlags {
  return {
    target: flags.target as TargetKind | undefined,
    home: flags.home as string | undefined,
    app: flags.app as string | undefined,
    outputs: flags.outputs as string | undefined,
  };
}

/** Time, injected so waits can be tested with a fake clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** How a command waits: the timeout, the poll interval and the clock. */
export interface WaitOptions {
  /** @default 600000 */
  readonly timeoutMs?: number;
  /** @default 2000 */
  readonly intervalMs?: number;
  readonly clock?: Clock;
}

export function msfClient(target: PlayTarget): KinesisAnalyticsV2Client {
  return new KinesisAnalyticsV2Client({ ...target.msf, maxAttempts: 3 });
}

export async function describeApplication(client: KinesisAnalyticsV2Client, name: string): Promise<ApplicationDetail> {
  const out = await client.send(new DescribeApplicationCommand({ ApplicationName: name }));
  if (!out.ApplicationDetail) throw new PlayError(`DescribeApplication returned no detail for '${name}'`);
  return out.ApplicationDetail;
}

/** Every snapshot of the application, newest first. */
export async function listSnapshots(client: KinesisAnalyticsV2Client, name: string): Promise<SnapshotDetails[]> {
  const snapshots: SnapshotDetails[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name, Limit: 50, NextToken: token }));
    snapshots.push(...(out.SnapshotSummaries ?? []));
    token = out.NextToken;
  } while (token);
  return snapshots.sort((a, b) => (b.SnapshotCreationTimestamp?.getTime() ?? 0) - (a.SnapshotCreationTimestamp?.getTime() ?? 0));
}

/** The snapshot, or a PlayError naming the snapshots there are. */
export async function requireSnapshot(client: KinesisAnalyticsV2Client, app: string, name: string): Promise<SnapshotDetails> {
  const snapshots = await listSnapshots(client, app);
  const found = snapshots.find((s) => s.SnapshotName === name);
  if (!found) {
    const names = snapshots.slice(0, 5).map((s) => s.SnapshotName);
    throw new PlayError(
      `no snapshot '${name}' of ${app}${names.length ? ` (newest: ${names.join(', ')})` : ' (it has none)'}; list them with: playground snapshot list`,
    );
  }
  if (found.SnapshotStatus !== 'READY') throw new PlayError(`snapshot '${name}' is ${found.SnapshotStatus}, not READY; wait for it or pick another (playground snapshot list)`);
  return found;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Polls DescribeApplication until the status is `wanted`, printing each status change with the
 * elapsed time (and a line every 30 s while it stays). `accept` may refine "done" (e.g. a new
 * version). Fails fast when the application settles in a status it cannot leave by itself.
 */
export async function waitForStatus(
  client: KinesisAnalyticsV2Client,
  app: string,
  wanted: string,
  io: Io,
  options: WaitOptions & { readonly accept?: (detail: ApplicationDetail) => boolean; readonly settledOther?: readonly string[] } = {},
): Promise<{ detail: ApplicationDetail; elapsedMs: number }> {
  const clock = options.clock ?? realClock;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const intervalMs = options.intervalMs ?? 2_000;
  const started = clock.now();
  let last: string | undefined;
  let lastPrinted = started;
  for (;;) {
    const detail = await describeApplication(client, app);
    const status = detail.ApplicationStatus ?? 'UNKNOWN';
    const elapsedMs = clock.now() - started;
    if (status !== last || clock.now() - lastPrinted >= 30_000) {
      io.out(`[${seconds(elapsedMs).padStart(7)}] ${app} ${status}`);
      last = status;
      lastPrinted = clock.now();
    }
    if (status === wanted && (options.accept?.(detail) ?? true)) return { detail, elapsedMs };
    if (options.settledOther?.includes(status) && elapsedMs > intervalMs) {
      throw new PlayError(`${app} went to ${status} instead of ${wanted}; see why with 'playground status' and the application's logs`);
    }
    if (elapsedMs >= timeoutMs) {
      throw new WaitTimeoutError(
        `${app} is still ${status} after ${seconds(elapsedMs)} (waiting for ${wanted}); check 'playground status', or wait longer with --timeout`,
      );
    }
    await clock.sleep(intervalMs);
  }
}

/** Polls DescribeApplicationSnapshot until the snapshot is READY. */
export async function waitForSnapshot(
  client: KinesisAnalyticsV2Client,
  app: string,
  name: string,
  io: Io,
  options: WaitOptions = {},
): Promise<{ snapshot: SnapshotDetails; elapsedMs: number }> {
  const clock = options.clock ?? realClock;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const intervalMs = options.intervalMs ?? 1_000;
  const started = clock.now();
  let last: string | undefined;
  for (;;) {
    const out = await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: app, SnapshotName: name }));
    const status = out.SnapshotDetails?.SnapshotStatus ?? 'UNKNOWN';
    const elapsedMs = clock.now() - started;
    if (status !== last) {
      io.out(`[${seconds(elapsedMs).padStart(7)}] snapshot ${name} ${status}`);
      last = status;
    }
    if (status === 'READY' && out.SnapshotDetails) return { snapshot: out.SnapshotDetails, elapsedMs };
    if (status === 'FAILED') throw new PlayError(`snapshot ${name} FAILED; see the application's logs, then try again`);
    if (elapsedMs >= timeoutMs) {
      throw new WaitTimeoutError(`snapshot ${name} is still ${status} after ${seconds(elapsedMs)}; check 'playground snapshot list', or wait longer with --timeout`);
    }
    await clock.sleep(intervalMs);
  }
}

const advice: Readonly<Record<string, string>> = {
  ResourceInUseException: "the application is busy or in the wrong state for this; check 'playground status' and retry once it is RUNNING or READY",
  ConcurrentModificationException: 'someone else changed the application at the same time (its version moved); run the command again',
  LimitExceededException: 'a limit was reached; lower the parallelism, delete old snapshots, or ask for a quota increase (Service Quotas → Managed Service for Apache Flink)',
  ResourceNotFoundException: "not found; check --app (or cdk-outputs.json) and the region, list snapshots with 'playground snapshot list'",
  InvalidArgumentException: 'the request was rejected; check the arguments (--help)',
  InvalidRequestException: 'the request was rejected; check the arguments (--help)',
  InvalidApplicationConfigurationException: "the application's configuration does not allow this (e.g. snapshots disabled); change it in the CDK app and deploy",
  UnsupportedOperationException: 'the application does not support this operation',
  UnrecognizedClientException: 'the credentials were rejected; set AWS_PROFILE or fresh credentials',
  ExpiredTokenException: 'the credentials expired; refresh them (e.g. aws sso login)',
  AccessDeniedException: 'your credentials may not do this; use a role allowed to manage the application',
};

/** One line that says what went wrong and what to do. */
export function explainError(error: unknown, target: PlayTarget): string {
  if (error instanceof PlayError) return error.message;
  if (error instanceof KinesisAnalyticsV2ServiceException || (error instanceof Error && error.name in advice)) {
    const name = (error as Error).name;
    return `${name}: ${(error as Error).message.replace(/\s+/g, ' ').trim()} — ${advice[name] ?? 'see the message above'}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | undefined)?.code ?? (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return target.kind === 'local'
      ? `the local playground does not answer (${message}); is it still running? start it with 'npx playground up --detach'`
      : `cannot connect (${message}); check AWS_ENDPOINT_URL and the network`;
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return `no AWS credentials (${message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --target local`;
  }
  if (/Region is missing/i.test(message)) return 'no AWS region: set AWS_REGION, or deploy with --outputs-file cdk-outputs.json';
  return message.split('\n')[0] ?? message;
}

/** Runs a play: argument errors propagate (exit 2); every other error becomes one line and exit 1. */
export async function runPlay(io: Io, target: PlayTarget, play: () => Promise<number>): Promise<number> {
  try {
    return await play();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.err(`error: ${explainError(error, target)}`);
    return 1;
  }
}

/** MSF's ApplicationStatus values a waiting command treats as "this will not change by itself". */
export const SETTLED = ['READY', 'RUNNING'] as const;

/** The local stack's Flink REST client. @throws PlayError on AWS */
export function localFlink(target: PlayTarget): FlinkRestClient {
  if (!target.local) throw new PlayError('this needs the local playground (--target local)');
  return new FlinkRestClient(target.local.record.endpoints.flinkRestUrl, 10_000);
}

/** The job that is running (or restarting) on the local cluster, if any. */
export async function currentJob(rest: FlinkRestClient): Promise<JobOverview | undefined> {
  const jobs = await rest.jobs();
  return jobs.find((j) => !terminalJobStates.has(j.state));
}

/** True when the job is RUNNING and every one of its tasks runs. */
export async function allTasksRunning(rest: FlinkRestClient, jobId: string): Promise<boolean> {
  const job = await rest.job(jobId);
  return job.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING');
}
