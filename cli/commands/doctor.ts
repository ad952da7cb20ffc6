import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  ListApplicationsCommand,
  type ApplicationSummary,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ClientOptions } from '../../lambdas/shared/clients';
import { FlinkRestClient } from '../../local/flink/rest';
import { JOB_EXPECTED, readHealth, readLocalApplication, type JobHealth } from '../../local/health';
import { playgroundDirs, resolveHome, type PlaygroundDirs } from '../../local/paths';
import { portFree, portsBound } from '../../local/ports';
import { DEFAULT_PORTS, PORT_OPTIONS, readStackRecord, type StackPorts, type StackRecord, type StreamsKind } from '../../local/stack-state';
import { javaMajorVersion } from '../../local/tools';
import { explainError } from '../errors';
import type { Io } from '../io';
import { defineOptions } from '../options';
import { stsIdentity, type IdentityReader } from '../announce';
import { CDK_STACKS, outputsFilePath, readCdkOutputsFile, type CdkOutputs } from '../cdk-outputs';
import { HOME_HELP } from '../target';
import type { RegisterCommand } from './register';

/** The runtime the CDK app deploys (infra/lib/constructs/flink-application.ts). */
const FLINK_RUNTIME = 'FLINK-2_2';
/** The bootstrap stack `cdk bootstrap` creates. */
const BOOTSTRAP_STACK = 'CDKToolkit';
/** What the local stack needs on disk: Maven's cache (Flink, Kafka, DynamoDB Local), logs, data and checkpoints. */
export const MIN_FREE_BYTES = 2 * 1024 ** 3;

/** One check: `ok  <what>`, or `FAIL <what>: <fix>`. */
export interface Check {
  readonly ok: boolean;
  readonly what: string;
  /** What to do, when the check failed. */
  readonly fix?: string;
}

/** What `doctor --json` prints. */
export interface DoctorReport {
  readonly target: 'local' | 'aws';
  readonly ok: boolean;
  readonly checks: readonly Check[];
}

const ok = (what: string): Check => ({ ok: true, what });
const failed = (what: string, fix: string): Check => ({ ok: false, what, fix });

function renderCheck(check: Check): string {
  return check.ok ? `ok   ${check.what}` : `FAIL ${check.what}: ${check.fix ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Local checks
// ---------------------------------------------------------------------------------------------

/** How the local checks look at the machine; injected in tests. */
export interface LocalProbes {
  /** The major version of `java`, undefined when there is none. */
  javaMajor(): Promise<number | undefined>;
  /** The major version of `javac`, undefined when there is none. */
  javacMajor(): Promise<number | undefined>;
  /** Maven's version (`mvn -v`), undefined when there is none. */
  mavenVersion(): Promise<string | undefined>;
  portFree(port: number): Promise<boolean>;
  /** Bytes free for an unprivileged user on the file system of `dir`. */
  freeBytes(dir: string): Promise<number>;
  /** The health of the running stack's job (local/health.ts). */
  health(dirs: PlaygroundDirs, record: StackRecord): Promise<JobHealth>;
}

const run = promisify(execFile);

/** The nearest directory that exists, from `dir` up (the home may not be created yet). */
function existingDir(dir: string): string {
  let current = path.resolve(dir);
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** The probes of this machine. */
export const machineProbes: LocalProbes = {
  javaMajor: () => javaMajorVersion().then((major) => major || undefined, () => undefined),
  javacMajor: async () => {
    const out = await run('javac', ['-version'], { timeout: 30_000 }).catch(() => undefined);
    const match = out ? /javac (\d+)/.exec(`${out.stdout}\n${out.stderr}`) : null;
    return match ? Number(match[1]) : undefined;
  },
  mavenVersion: async () => {
    const out = await run('mvn', ['-v'], { timeout: 60_000 }).catch(() => undefined);
    return out ? (/Apache Maven (\d[\w.-]*)/.exec(out.stdout)?.[1] ?? 'of unknown version') : undefined;
  },
  portFree,
  freeBytes: async (dir) => {
    const stats = await statfs(existingDir(dir));
    return stats.bavail * stats.bsize;
  },
  health: (dirs, record) => {
    const status = readLocalApplication(dirs, record.applicationName);
    return readHealth(new FlinkRestClient(record.endpoints.flinkRestUrl, 5_000), {
      dirs,
      expectJob: status ? JOB_EXPECTED.has(status.status) : false,
      jobId: status?.jobId,
      sinceMs: Date.parse(record.startedAt),
    });
  },
};

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

async function javaChecks(probes: LocalProbes): Promise<Check[]> {
  const [java, javac, maven] = await Promise.all([probes.javaMajor(), probes.javacMajor(), probes.mavenVersion()]);
  const install = 'install JDK 17 or newer and put it on the PATH (e.g. apt-get install openjdk-17-jdk-headless)';
  return [
    java === undefined ? failed('Java', `no java on the PATH; ${install}`) : java < 17 ? failed(`Java ${java}`, `the local stack needs 17 or newer; ${install}`) : ok(`Java ${java}`),
    javac === undefined
      ? failed('javac', `no javac on the PATH (a JRE is not enough: Maven compiles the job); ${install}`)
      : javac < 17
        ? failed(`javac ${javac}`, `the job compiles with 17 or newer; ${install}`)
        : ok(`javac ${javac}`),
    maven === undefined ? failed('Maven', 'no mvn on the PATH; install Maven 3.8 or newer (e.g. apt-get install maven)') : ok(`Maven ${maven}`),
  ];
}

async function portChecks(probes: LocalProbes, streams: StreamsKind, ports: StackPorts, record: StackRecord | undefined): Promise<Check[]> {
  if (record) {
    const held = portsBound(record.options.streams, record.options.ports, record.options.view !== undefined).map((p) => p.port);
    return [ok(`ports ${held.join(', ')} held by the running stack (supervisor pid ${record.pid})`)];
  }
  const bound = portsBound(streams, ports);
  const free = await Promise.all(bound.map((p) => probes.portFree(p.port)));
  const taken = bound.filter((_p, i) => !free[i]);
  if (taken.length === 0) return [ok(`ports ${bound.map((p) => p.port).join(', ')} free (up --streams ${streams})`)];
  return taken.map(({ port, key }) =>
    failed(`port ${port} (${PORT_OPTIONS[key].purpose})`, `in use by another program; stop it, or start the stack elsewhere with: npx playground up ${PORT_OPTIONS[key].option} PORT`),
  );
}

async function diskCheck(probes: LocalProbes, home: string): Promise<Check> {
  const bytes = await probes.freeBytes(home).catch(() => undefined);
  if (bytes === undefined) return failed(`free disk space in ${home}`, 'cannot read it; check that the directory (or its parent) is readable');
  return bytes >= MIN_FREE_BYTES
    ? ok(`${gigabytes(bytes)} free in ${home}`)
    : failed(`${gigabytes(bytes)} free in ${home}`, `the local stack needs ${gigabytes(MIN_FREE_BYTES)} (Maven's cache, logs, checkpoints); free some, or use --home on another disk`);
}

async function stackCheck(probes: LocalProbes, dirs: PlaygroundDirs, record: StackRecord | undefined): Promise<Check> {
  if (!record) return ok(`no local stack runs in ${dirs.home} (start one with: npx playground up --detach)`);
  const running = `local stack ${record.applicationName} ${record.status} (since ${record.startedAt})`;
  let health: JobHealth;
  try {
    health = await probes.health(dirs, record);
  } catch (error) {
    return failed(running, `its health cannot be read (${explainError(error, { kind: 'local' })}); see playground status`);
  }
  if (health.healthy) return ok(`${running}, health OK`);
  return failed(`${running}, health DEGRADED`, health.problems.map((p) => p.message).join('; '));
}

export interface LocalDoctorOptions {
  readonly home?: string;
  /** The streams `up` would start (their ports). @default 'kafka' */
  readonly streams?: StreamsKind;
  /** The ports `up` would bind. @default DEFAULT_PORTS */
  readonly ports?: StackPorts;
  readonly probes?: LocalProbes;
}

/** Java, javac, Maven, the stack's ports, free disk space in the home, and the running stack's health. */
async function localChecks(options: LocalDoctorOptions = {}): Promise<Check[]> {
  const probes = options.probes ?? machineProbes;
  const dirs = playgroundDirs(resolveHome(options.home));
  const record = readStackRecord(dirs);
  const [java, ports, disk, stack] = await Promise.all([
    javaChecks(probes),
    portChecks(probes, options.streams ?? 'kafka', options.ports ?? DEFAULT_PORTS, record),
    diskCheck(probes, dirs.home),
    stackCheck(probes, dirs, record),
  ]);
  return [...java, ...ports, disk, stack];
}

// ---------------------------------------------------------------------------------------------
// AWS checks
// ---------------------------------------------------------------------------------------------

/** A deployed CloudFormation stack: its status and outputs. */
export interface DeployedStack {
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** DescribeStacks of one stack; undefined when it does not exist. */
export type StackReader = (name: string) => Promise<DeployedStack | undefined>;

/** CloudFormation's DescribeStacks with these client options. */
function cloudFormationStacks(options: ClientOptions): StackReader {
  return async (name) => {
    const client = new CloudFormationClient(options);
    try {
      const out = await client.send(new DescribeStacksCommand({ StackName: name }));
      const stack = out.Stacks?.[0];
      if (!stack) return undefined;
      const outputs: Record<string, string> = {};
      for (const o of stack.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
      return { status: stack.StackStatus ?? 'UNKNOWN', outputs };
    } catch (error) {
      // DescribeStacks of a stack that does not exist: ValidationError "Stack with id NAME does not exist".
      if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) return undefined;
      throw error;
    } finally {
      client.destroy();
    }
  };
}

export interface AwsDoctorOptions {
  /** @default cdk-outputs.json of the repository */
  readonly outputs?: string;
  readonly identity?: IdentityReader;
  /** @default CloudFormation's DescribeStacks */
  readonly stacks?: (options: ClientOptions) => StackReader;
}

const DEPLOY = 'npx cdk deploy --all --outputs-file cdk-outputs.json';

async function bootstrapCheck(stacks: StackReader, account: string, region: string): Promise<Check> {
  const what = `CDK bootstrap stack ${BOOTSTRAP_STACK}`;
  try {
    const stack = await stacks(BOOTSTRAP_STACK);
    if (!stack) return failed(what, `not found in ${region}; bootstrap the account and region with: npx cdk bootstrap aws://${account}/${region}`);
    if (/FAILED|ROLLBACK|DELETE/.test(stack.status)) return failed(`${what} is ${stack.status}`, `repair it with: npx cdk bootstrap aws://${account}/${region}`);
    return ok(`${what} (${stack.status}${stack.outputs.BootstrapVersion ? `, version ${stack.outputs.BootstrapVersion}` : ''})`);
  } catch (error) {
    return failed(what, `cannot read it: ${explainError(error, { kind: 'aws' })}`);
  }
}

async function listApplications(client: KinesisAnalyticsV2Client): Promise<ApplicationSummary[]> {
  const all: ApplicationSummary[] = [];
  let token: string | undefined;
  for (let page = 0; page < 10; page++) {
    const out = await client.send(new ListApplicationsCommand({ ...(token ? { NextToken: token } : {}) }));
    all.push(...(out.ApplicationSummaries ?? []));
    token = out.NextToken;
    if (!token) break;
  }
  return all;
}

/**
 * kinesisanalyticsv2 has no read-only call that lists the runtimes of a region. The closest honest
 * check: the service answers ListApplications in the region, and an application there (the deployed
 * one first) already runs FLINK-2_2. Before the first deploy that cannot be known without creating
 * an application, and the line says so.
 */
async function runtimeCheck(client: KinesisAnalyticsV2Client, region: string, deployed: string | undefined): Promise<Check> {
  const what = `${FLINK_RUNTIME} in ${region}`;
  try {
    if (deployed) {
      const detail = await client.send(new DescribeApplicationCommand({ ApplicationName: deployed })).catch((error: unknown) => {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
        throw error;
      });
      const runtime = detail?.ApplicationDetail?.RuntimeEnvironment;
      if (runtime === FLINK_RUNTIME) return ok(`${what} (the deployed application ${deployed} runs it)`);
      if (runtime) return failed(`${what}`, `the deployed application ${deployed} runs ${runtime}; deploy the CDK app again (${DEPLOY})`);
    }
    const apps = await listApplications(client);
    const running = apps.find((a) => a.RuntimeEnvironment === FLINK_RUNTIME);
    if (running) return ok(`${what} (application ${running.ApplicationName ?? '?'} runs it)`);
    return ok(
      `Managed Service for Apache Flink answers in ${region} (${apps.length} application(s)); ${FLINK_RUNTIME} cannot be confirmed before the first deploy (no read-only call lists runtimes): cdk deploy fails on it if the region lacks it`,
    );
  } catch (error) {
    return failed(`Managed Service for Apache Flink in ${region}`, explainError(error, { kind: 'aws' }));
  }
}

function differences(file: Readonly<Record<string, string>>, deployed: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(file), ...Object.keys(deployed)])].sort();
  return keys
    .filter((key) => file[key] !== deployed[key])
    .map((key) => `${key}: file ${file[key] === undefined ? 'has none' : `'${file[key]}'`}, deployed ${deployed[key] === undefined ? 'none' : `'${deployed[key]}'`}`);
}

async function outputsChecks(stacks: StackReader, file: string, outputs: CdkOutputs | undefined, region: string): Promise<Check[]> {
  if (!outputs) return [ok(`no ${path.basename(file)} yet at ${file} (the plays on AWS need it: ${DEPLOY})`)];
  const names = Object.keys(outputs);
  if (names.length === 0) return [failed(`${file}`, `it names no stack; write it with: ${DEPLOY}`)];
  return Promise.all(
    names.map(async (name): Promise<Check> => {
      const what = `stack ${name} of ${path.basename(file)}`;
      try {
        const stack = await stacks(name);
        if (!stack) return failed(what, `not deployed in ${region}; deploy it (${DEPLOY}), or remove the stale file`);
        const diff = differences(outputs[name] ?? {}, stack.outputs);
        if (diff.length > 0) return failed(`${what} differs from the deployed one (${diff.join('; ')})`, `write the file again with: ${DEPLOY}`);
        return ok(`${what} matches the deployed stack (${stack.status}, ${Object.keys(stack.outputs).length} outputs)`);
      } catch (error) {
        return failed(what, `cannot read the deployed stack: ${explainError(error, { kind: 'aws' })}`);
      }
    }),
  );
}

/** Credentials and account, region, the CDK bootstrap stack, FLINK-2_2 in the region, cdk-outputs.json against the deployed stacks. */
async function awsChecks(options: AwsDoctorOptions = {}): Promise<Check[]> {
  const file = outputsFilePath(options);
  let outputs: CdkOutputs | undefined;
  try {
    outputs = readCdkOutputsFile(file);
  } catch (error) {
    return [failed(file, `${(error as Error).message}`)];
  }
  const merged: Record<string, string> = Object.assign({}, ...CDK_STACKS.map((name) => outputs?.[name] ?? {}));
  const client: ClientOptions = merged.Region ? { region: merged.Region } : {};
  const checks: Check[] = [];
  let account: string;
  let region: string | undefined;
  try {
    const who = await (options.identity ?? stsIdentity)(client);
    account = who.account;
    region = merged.Region ?? who.region;
    checks.push(ok(`credentials: account ${who.account} as ${who.arn}`));
  } catch (error) {
    return [failed('credentials', explainError(error, { kind: 'aws' }))];
  }
  if (!region) return [...checks, failed('region', 'none configured; set AWS_REGION, or a region in your AWS profile')];
  checks.push(ok(`region ${region} (${merged.Region ? `from ${path.basename(file)}` : 'from your AWS configuration'})`));
  const regional: ClientOptions = { region };
  const stacks = (options.stacks ?? cloudFormationStacks)(regional);
  const msf = new KinesisAnalyticsV2Client(regional);
  try {
    const [bootstrap, runtime, files] = await Promise.all([
      bootstrapCheck(stacks, account, region),
      runtimeCheck(msf, region, merged.ApplicationName),
      outputsChecks(stacks, file, outputs, region),
    ]);
    return [...checks, bootstrap, runtime, ...files];
  } finally {
    msf.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

export interface DoctorOptions {
  readonly target: 'local' | 'aws';
  readonly json: boolean;
  readonly local?: LocalDoctorOptions;
  readonly aws?: AwsDoctorOptions;
}

/** `playground doctor [--target aws]`: read-only checks before a deploy or a play; exit 0 only when none failed. */
export async function doctor(options: DoctorOptions, io: Io): Promise<number> {
  const checks = options.target === 'aws' ? await awsChecks(options.aws) : await localChecks(options.local);
  const report: DoctorReport = { target: options.target, ok: checks.every((c) => c.ok), checks };
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else for (const check of checks) io.out(renderCheck(check));
  return report.ok ? 0 : 1;
}

const doctorFlags = defineOptions((o) => ({
  target: o.word<'local' | 'aws'>('--target <where>', 'local: the machine and the local stack; aws: credentials, region, bootstrap, runtime, cdk-outputs.json', ['local', 'aws'], 'local'),
  home: o.optionalText('--home <dir>', HOME_HELP),
  streams: o.word<StreamsKind>('--streams <kind>', 'local: check the ports of up --streams kafka or kinesis', ['kafka', 'kinesis'], 'kafka'),
  outputs: o.optionalText('--outputs <file>', 'aws: the outputs of cdk deploy --outputs-file (default cdk-outputs.json)'),
  json: o.flag('--json', 'print the checks as JSON'),
}));

export const registerDoctor: RegisterCommand = (program, io, setExit) => {
  const command = doctorFlags
    .add(program.command('doctor'))
    .description('Check, without changing anything, what a play or a deploy needs: locally Java, Maven, ports, disk, the stack; with --target aws credentials, region, bootstrap, FLINK-2_2, cdk-outputs.json')
    .action(async () => {
      const flags = doctorFlags.read(command);
      setExit(
        await doctor(
          { target: flags.target, json: flags.json, local: { home: flags.home, streams: flags.streams }, aws: { outputs: flags.outputs } },
          io,
        ),
      );
    });
};
