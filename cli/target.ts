import type { Command } from 'commander';
import type { ClientOptions } from '../lambdas/shared/clients';
import type { StreamTarget } from '../lambdas/shared/config';
import { playgroundDirs, resolveHome, type PlaygroundDirs } from '../local/paths';
import { LOCAL_CREDENTIALS } from '../local/names';
import { readStackRecord, type StackRecord, type StreamsKind } from '../local/stack-state';
import { outputsFilePath, readCdkOutputs } from './cdk-outputs';
import { TargetRefusedError } from './errors';
import { UsageError } from './io';
import { defineOptions, type OptionBuilder } from './options';

export type TargetKind = 'local' | 'aws';

/**
 * What a command does to its target. `read` (status, metrics, audit, snapshot list, dashboard) may
 * fall back to AWS when no local stack runs; `change` (start, stop, scale, fail, restore, snapshot
 * create and delete) never does: it acts on AWS only with `--target aws`.
 */
export type TargetUse = 'read' | 'change';


/** The flags every play accepts to choose where it acts. */
export interface TargetFlags {
  readonly target?: TargetKind;
  /** A checkout or a stack's home; @default .playground of the checkout (see resolveHome) */
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
  /** Set when AWS was chosen because no `--target` was given and no local stack ran in `home`. */
  readonly fallback?: { readonly home: string };
}

/** The words for a region that cdk-outputs.json does not name. */
export const CONFIGURED_REGION = 'the region of your AWS configuration';

/** Why a command that changes the application does not act on AWS by itself, and the two ways on. */
function refusal(flags: TargetFlags, home: string): TargetRefusedError {
  let outputs: Readonly<Record<string, string>> | undefined;
  try {
    outputs = readCdkOutputs(outputsFilePath(flags));
  } catch {
    outputs = undefined; // a broken file is reported once --target aws is given
  }
  const app = flags.app ?? outputs?.ApplicationName;
  const aws = app
    ? `add --target aws to act on the deployed application ${app} in ${outputs?.Region ?? CONFIGURED_REGION}`
    : 'add --target aws --app NAME to act on a deployed application';
  return new TargetRefusedError(
    `no local playground is running in ${home}, and this command changes the application, so it does not fall back to AWS: start the local playground with: npx playground up --detach, or ${aws}`,
  );
}

/**
 * Resolves `--target/--home/--app/--outputs` into a target; reads the stack record or cdk-outputs.json.
 * Without `--target`, the local stack when one runs; otherwise AWS for a command that reads, and a
 * refusal (TargetRefusedError, before any call) for one that changes the application.
 */
export function resolveTarget(flags: TargetFlags, use: TargetUse = 'read'): PlayTarget {
  const dirs = playgroundDirs(resolveHome(flags.home));
  const record = readStackRecord(dirs);
  if (!flags.target && !record && use === 'change') throw refusal(flags, dirs.home);
  const kind: TargetKind = flags.target ?? (record ? 'local' : 'aws');
  if (kind === 'local') {
    if (!record) {
      throw new UsageError(`no local playground is running in ${dirs.home}: start it with 'npx playground up --detach', point --home at its checkout or home, or use --target aws`);
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
  const outputsFile = outputsFilePath(flags);
  const outputs = readCdkOutputs(outputsFile);
  if (flags.outputs && !outputs) throw new UsageError(`${outputsFile} does not exist`);
  const applicationName = flags.app ?? outputs?.ApplicationName;
  if (!applicationName) {
    throw new UsageError(
      `no application to act on: pass --app NAME, or deploy with 'npx cdk deploy --all --outputs-file cdk-outputs.json' (no ApplicationName in ${outputsFile}), or start the local playground with 'npx playground up --detach' (none runs in ${dirs.home})`,
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
    ...(flags.target ? {} : { fallback: { home: dirs.home } }),
  };
}

/** What `--home` accepts, in every command that has it (the rule is resolveHome in local/paths.ts). */
export const HOME_HELP = "the local playground's checkout, or its home directory (default: .playground of the checkout the current directory is in)";

/** Declares `--target`, `--home`, `--app` and `--outputs`: every play's first options. */
export function targetOptions(o: OptionBuilder): TargetFlags {
  return {
    target: o.optionalWord<TargetKind>(
      '--target <where>',
      'local or aws (default: local when a local playground runs; else aws for commands that only read, while commands that change the application refuse)',
      ['local', 'aws'],
    ),
    home: o.optionalText('--home <dir>', HOME_HELP),
    app: o.optionalText('--app <name>', 'the Managed Flink application (AWS; default: ApplicationName from cdk-outputs.json)'),
    outputs: o.optionalText('--outputs <file>', 'the outputs of cdk deploy --outputs-file (default cdk-outputs.json)'),
  };
}

const targetOnly = defineOptions(targetOptions);

/** Adds `--target`, `--home`, `--app` and `--outputs` to a command. */
export function withTargetOptions(command: Command): Command {
  return targetOnly.add(command);
}

/** The target flags of a commander action's options, each checked against its declaration. */
export function targetFlags(flags: Readonly<Record<string, unknown>>): TargetFlags {
  return targetOnly.readValues(flags);
}
