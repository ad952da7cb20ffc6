import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { STACK_NAME_LIST } from '../infra/lib/stack-names';
import type { ClientOptions } from '../lambdas/shared/clients';
import type { StreamTarget } from '../lambdas/shared/config';
import { playgroundDirs, repoRoot, resolveHome, type PlaygroundDirs } from '../local/paths';
import { LOCAL_CREDENTIALS } from '../local/names';
import { readStackRecord, type StackRecord, type StreamsKind } from '../local/stack-state';
import { UsageError } from './io';
import { defineOptions, type OptionBuilder } from './options';

export type TargetKind = 'local' | 'aws';

/** The stack names whose outputs `cdk deploy --outputs-file` writes (infra/lib/stack-names.ts). */
const CDK_STACKS = STACK_NAME_LIST;

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
  const dirs = playgroundDirs(resolveHome(flags.home));
  const record = readStackRecord(dirs);
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
  const outputsFile = path.resolve(flags.outputs ?? path.join(repoRoot, 'cdk-outputs.json'));
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
  };
}

/** What `--home` accepts, in every command that has it (the rule is resolveHome in local/paths.ts). */
const HOME_HELP = "the local playground's checkout, or its home directory (default: .playground of the checkout the current directory is in)";

/** Declares `--target`, `--home`, `--app` and `--outputs`: every play's first options. */
export function targetOptions(o: OptionBuilder): TargetFlags {
  return {
    target: o.optionalWord<TargetKind>('--target <where>', 'local or aws (default: local when a local playground runs, else aws)', ['local', 'aws']),
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
