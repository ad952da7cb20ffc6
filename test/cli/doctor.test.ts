import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  ListApplicationsCommand,
  ResourceNotFoundException,
  type ApplicationDetail,
  type ApplicationSummary,
  type RuntimeEnvironment,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { doctor, machineProbes, MIN_FREE_BYTES, type DeployedStack, type LocalProbes, type StackReader } from '../../cli/commands/doctor';
import { main } from '../../cli/main';
import { judgeHealth, type JobHealth } from '../../local/health';
import { playgroundDirs } from '../../local/paths';
import { reserveStackPorts } from '../../local/ports';
import { writeStackRecord } from '../../local/stack-state';
import { detail, liveStackRecord, recordingIo } from './support';

const sts = mockClient(STSClient);
const msf = mockClient(KinesisAnalyticsV2Client);
const cloudformation = mockClient(CloudFormationClient);
const servers: net.Server[] = [];

afterEach(async () => {
  sts.reset();
  msf.reset();
  cloudformation.reset();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const ACCOUNT = '111122223333';
const CALLER = `arn:aws:iam::${ACCOUNT}:user/player`;

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'playground-doctor-'));
}

/** A port held by this process, as another program would hold it. */
async function hold(port: number): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, resolve);
  });
  servers.push(server);
}

const healthy: JobHealth = judgeHealth({ nowMs: 0, webUi: 'http://127.0.0.1:1', logsDir: 'logs', expectJob: false, taskManagers: [{ id: 'tm-1', timeSinceLastHeartbeat: 100 }], events: [] });
const degraded: JobHealth = judgeHealth({ nowMs: 0, webUi: 'http://127.0.0.1:1', logsDir: 'logs', expectJob: true, taskManagers: [], events: [] });

/** A machine with JDK 17, Maven, free ports and plenty of disk; each test changes what it checks. */
function probes(overrides: Partial<LocalProbes> = {}): LocalProbes {
  return {
    javaMajor: async () => 17,
    javacMajor: async () => 17,
    mavenVersion: async () => '3.9.6',
    portFree: async () => true,
    freeBytes: async () => 50 * 1024 ** 3,
    health: async () => healthy,
    ...overrides,
  };
}


describe('doctor (local)', () => {
  it('prints one ok line per check and exits 0 on a ready machine', async () => {
    const home = scratch();
    const io = recordingIo();

    const code = await doctor({ target: 'local', json: false, local: { home, probes: probes() } }, io);

    expect(code).toBe(0);
    expect(io.lines).toEqual([
      'ok   Java 17',
      'ok   javac 17',
      'ok   Maven 3.9.6',
      'ok   ports 8081, 9092, 9093, 8000, 8085, 8090 free (up --streams kafka)',
      `ok   50.0 GB free in ${home}`,
      `ok   no local stack runs in ${home} (start one with: npx playground up --detach)`,
    ]);
  });

  it('fails on a port another program holds, naming the option that moves it', async () => {
    const ports = await reserveStackPorts();
    await hold(ports.flink);
    const io = recordingIo();

    const code = await doctor({ target: 'local', json: false, local: { home: scratch(), streams: 'kinesis', ports, probes: probes({ portFree: machineProbes.portFree }) } }, io);

    expect(code).toBe(1);
    expect(io.lines).toContain(`FAIL port ${ports.flink} (Flink REST API and Web UI): in use by another program; stop it, or start the stack elsewhere with: npx playground up --flink-port PORT`);
    expect(io.lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(1);
  });

  it('fails on an old Java, a JRE without javac, no Maven and too little disk, saying what to install', async () => {
    const home = scratch();
    const io = recordingIo();
    const machine = probes({ javaMajor: async () => 11, javacMajor: async () => undefined, mavenVersion: async () => undefined, freeBytes: async () => MIN_FREE_BYTES - 1 });

    const code = await doctor({ target: 'local', json: false, local: { home, probes: machine } }, io);

    expect(code).toBe(1);
    expect(io.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^FAIL Java 11: the local stack needs 17 or newer; install JDK 17/),
        expect.stringMatching(/^FAIL javac: no javac on the PATH \(a JRE is not enough/),
        expect.stringMatching(/^FAIL Maven: no mvn on the PATH; install Maven 3\.8/),
        expect.stringMatching(new RegExp(`^FAIL 2\\.0 GB free in ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the local stack needs 2\\.0 GB`)),
      ]),
    );
  });

  it('reads the free space of the home, or of its nearest existing parent', async () => {
    const bytes = await machineProbes.freeBytes(path.join(scratch(), 'not', 'yet', 'created'));

    expect(bytes).toBeGreaterThan(0);
  });

  it("takes the running stack's ports for its own and reports the stack's health", async () => {
    const home = scratch();
    writeStackRecord(
      playgroundDirs(home),
      liveStackRecord(home, {
        options: { streams: 'kinesis', parallelism: 1, parallelismPerKpu: 1, eventsPerWindow: 1000, checkpointIntervalMs: 10_000, ports: { flink: 18081, kafka: 19092, kinesis: 14568, dynamodb: 18000, controlPlane: 18085, view: 18090 } },
        endpoints: { flinkRestUrl: 'http://127.0.0.1:18081', controlPlane: 'http://127.0.0.1:18085', supervisor: 'http://127.0.0.1:6', dynamodb: 'http://127.0.0.1:18000', kinesis: 'http://127.0.0.1:14568' },
      }),
    );
    const good = recordingIo();
    const bad = recordingIo();

    expect(await doctor({ target: 'local', json: false, local: { home, probes: probes({ portFree: async () => false }) } }, good)).toBe(0);
    expect(await doctor({ target: 'local', json: false, local: { home, probes: probes({ portFree: async () => false, health: async () => degraded }) } }, bad)).toBe(1);

    expect(good.lines).toContain(`ok   ports 18081, 14568, 14567, 18000, 18085 held by the running stack (supervisor pid ${process.pid})`);
    expect(good.lines).toContain('ok   local stack local-app running (since 2026-11-22T21:00:00.000Z), health OK');
    const line = bad.lines.find((l) => l.startsWith('FAIL local stack'));
    expect(line).toMatch(/^FAIL local stack local-app running \(since .*\), health DEGRADED: no TaskManager is registered/);
  });

  it('prints the checks as JSON with --json', async () => {
    const io = recordingIo();

    const code = await doctor({ target: 'local', json: true, local: { home: scratch(), probes: probes({ mavenVersion: async () => undefined }) } }, io);

    expect(code).toBe(1);
    const report = JSON.parse(io.lines.join('\n')) as { target: string; ok: boolean; checks: { ok: boolean; what: string; fix?: string }[] };
    expect(report.target).toBe('local');
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual({ ok: false, what: 'Maven', fix: expect.stringContaining('install Maven') });
    expect(report.checks).toContainEqual({ ok: true, what: 'Java 17' });
  });

  it('is a playground command with --help', async () => {
    const io = recordingIo();

    expect(await main(['doctor', '--help'], io)).toBe(0);
    expect(io.lines.join('\n')).toMatch(/Usage: playground doctor/);
    expect(io.lines.join('\n')).toContain('--target <where>');
  });
});

/** A cdk-outputs.json as `cdk deploy --all --outputs-file` writes it. */
function outputsFile(content: Record<string, Record<string, string>>): string {
  const file = path.join(scratch(), 'cdk-outputs.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const STATEFUL = { InputStreamName: 'in', LedgerTableName: 'ledger', AuditTableName: 'audit', Region: 'eu-west-1' };
const APPLICATION = { ApplicationName: 'click-count-deployed' };

/** CloudFormation as a map of stack name → deployed stack; the names it asked for. */
function cloudFormation(deployed: Record<string, DeployedStack>): { reader: () => StackReader; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    reader: () => async (name) => {
      asked.push(name);
      return deployed[name];
    },
  };
}

function deployedApp(runtime: RuntimeEnvironment): { ApplicationDetail: ApplicationDetail } {
  return { ApplicationDetail: { ...detail('RUNNING'), ApplicationName: 'click-count-deployed', RuntimeEnvironment: runtime } };
}

function summary(name: string, runtime: RuntimeEnvironment): ApplicationSummary {
  return { ApplicationName: name, ApplicationARN: `arn:aws:kinesisanalytics:eu-west-1:${ACCOUNT}:application/${name}`, ApplicationStatus: 'RUNNING', ApplicationVersionId: 1, RuntimeEnvironment: runtime };
}

const BOOTSTRAP: DeployedStack = { status: 'UPDATE_COMPLETE', outputs: { BootstrapVersion: '28' } };

function readOnlyCalls(): string[] {
  return msf.calls().map((call) => (call.args[0] as object).constructor.name);
}

describe('doctor --target aws', () => {
  it('checks credentials, region, bootstrap, FLINK-2_2 and every stack of cdk-outputs.json, and exits 0 when all hold', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER });
    msf.on(DescribeApplicationCommand).resolves(deployedApp('FLINK-2_2'));
    const file = outputsFile({ PlaygroundStateful: STATEFUL, PlaygroundApplication: APPLICATION });
    const cfn = cloudFormation({
      CDKToolkit: BOOTSTRAP,
      PlaygroundStateful: { status: 'CREATE_COMPLETE', outputs: STATEFUL },
      PlaygroundApplication: { status: 'UPDATE_COMPLETE', outputs: APPLICATION },
    });
    const io = recordingIo();

    const code = await doctor({ target: 'aws', json: false, aws: { outputs: file, stacks: cfn.reader } }, io);

    expect(code).toBe(0);
    expect(io.lines).toEqual([
      `ok   credentials: account ${ACCOUNT} as ${CALLER}`,
      'ok   region eu-west-1 (from cdk-outputs.json)',
      'ok   CDK bootstrap stack CDKToolkit (UPDATE_COMPLETE, version 28)',
      'ok   FLINK-2_2 in eu-west-1 (the deployed application click-count-deployed runs it)',
      'ok   stack PlaygroundStateful of cdk-outputs.json matches the deployed stack (CREATE_COMPLETE, 4 outputs)',
      'ok   stack PlaygroundApplication of cdk-outputs.json matches the deployed stack (UPDATE_COMPLETE, 1 outputs)',
    ]);
    expect(cfn.asked.sort()).toEqual(['CDKToolkit', 'PlaygroundApplication', 'PlaygroundStateful']);
    expect(readOnlyCalls()).toEqual(['DescribeApplicationCommand']);
  });

  it('fails without the bootstrap stack, with a stale outputs file, and names what to run', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER });
    msf.on(DescribeApplicationCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    msf.on(ListApplicationsCommand).resolves({ ApplicationSummaries: [] });
    const file = outputsFile({ PlaygroundStateful: STATEFUL, PlaygroundApplication: APPLICATION });
    const cfn = cloudFormation({ PlaygroundStateful: { status: 'UPDATE_COMPLETE', outputs: { ...STATEFUL, InputStreamName: 'in-2' } } });
    const io = recordingIo();

    const code = await doctor({ target: 'aws', json: false, aws: { outputs: file, stacks: cfn.reader } }, io);

    expect(code).toBe(1);
    expect(io.lines).toContain(`FAIL CDK bootstrap stack CDKToolkit: not found in eu-west-1; bootstrap the account and region with: npx cdk bootstrap aws://${ACCOUNT}/eu-west-1`);
    expect(io.lines).toContain(
      "FAIL stack PlaygroundStateful of cdk-outputs.json differs from the deployed one (InputStreamName: file 'in', deployed 'in-2'): write the file again with: npx cdk deploy --all --outputs-file cdk-outputs.json",
    );
    expect(io.lines).toContain('FAIL stack PlaygroundApplication of cdk-outputs.json: not deployed in eu-west-1; deploy it (npx cdk deploy --all --outputs-file cdk-outputs.json), or remove the stale file');
  });

  it('stops at the credentials when STS rejects them, with no other call', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }));
    const cfn = cloudFormation({});
    const io = recordingIo();

    const code = await doctor({ target: 'aws', json: false, aws: { outputs: outputsFile({ PlaygroundStateful: STATEFUL }), stacks: cfn.reader } }, io);

    expect(code).toBe(1);
    expect(io.lines).toEqual([expect.stringMatching(/^FAIL credentials: ExpiredTokenException: .* refresh them/)]);
    expect(msf.calls()).toHaveLength(0);
    expect(cfn.asked).toEqual([]);
  });

  it('before a deploy: takes the region of the AWS configuration and says FLINK-2_2 cannot be confirmed read-only', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER });
    msf.on(ListApplicationsCommand).resolves({ ApplicationSummaries: [summary('other', 'FLINK-1_20')] });
    const io = recordingIo();

    const code = await doctor(
      {
        target: 'aws',
        json: false,
        aws: { outputs: path.join(scratch(), 'cdk-outputs.json'), identity: async () => ({ account: ACCOUNT, arn: CALLER, region: 'us-east-2' }), stacks: cloudFormation({ CDKToolkit: BOOTSTRAP }).reader },
      },
      io,
    );

    expect(code).toBe(0);
    expect(io.lines).toContain('ok   region us-east-2 (from your AWS configuration)');
    expect(io.lines.find((l) => l.includes('FLINK-2_2'))).toMatch(/^ok {3}Managed Service for Apache Flink answers in us-east-2 \(1 application\(s\)\); FLINK-2_2 cannot be confirmed before the first deploy/);
    expect(io.lines.find((l) => l.includes('cdk-outputs.json'))).toMatch(/^ok {3}no cdk-outputs\.json yet at .*npx cdk deploy --all --outputs-file cdk-outputs\.json/);
    expect(readOnlyCalls()).toEqual(['ListApplicationsCommand']);
  });

  it('confirms FLINK-2_2 from an application in the region that runs it, and fails when the deployed one runs another runtime', async () => {
    msf.on(ListApplicationsCommand).resolves({ ApplicationSummaries: [summary('neighbour', 'FLINK-2_2')] });
    const identity = async (): Promise<{ account: string; arn: string; region: string }> => ({ account: ACCOUNT, arn: CALLER, region: 'eu-west-1' });
    const stacks = cloudFormation({ CDKToolkit: BOOTSTRAP, PlaygroundApplication: { status: 'CREATE_COMPLETE', outputs: APPLICATION } }).reader;
    const before = recordingIo();
    const old = recordingIo();

    await doctor({ target: 'aws', json: false, aws: { outputs: path.join(scratch(), 'none.json'), identity, stacks } }, before);
    msf.on(DescribeApplicationCommand).resolves(deployedApp('FLINK-1_20'));
    const code = await doctor({ target: 'aws', json: false, aws: { outputs: outputsFile({ PlaygroundApplication: APPLICATION }), identity, stacks } }, old);

    expect(before.lines).toContain('ok   FLINK-2_2 in eu-west-1 (application neighbour runs it)');
    expect(code).toBe(1);
    expect(old.lines).toContain('FAIL FLINK-2_2 in eu-west-1: the deployed application click-count-deployed runs FLINK-1_20; deploy the CDK app again (npx cdk deploy --all --outputs-file cdk-outputs.json)');
  });

  it("reads the stacks with CloudFormation's DescribeStacks: outputs compared key by key, a missing stack not deployed", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER });
    msf.on(DescribeApplicationCommand).resolves(deployedApp('FLINK-2_2'));
    cloudformation
      .on(DescribeStacksCommand, { StackName: 'CDKToolkit' })
      .resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0), Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '28' }] }] })
      .on(DescribeStacksCommand, { StackName: 'PlaygroundStateful' })
      .rejects(Object.assign(new Error('Stack with id PlaygroundStateful does not exist'), { name: 'ValidationError' }))
      .on(DescribeStacksCommand, { StackName: 'PlaygroundApplication' })
      .resolves({
        Stacks: [{ StackName: 'PlaygroundApplication', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0), Outputs: [{ OutputKey: 'ApplicationName', OutputValue: 'click-count-deployed' }] }],
      });
    const io = recordingIo();

    const code = await doctor({ target: 'aws', json: false, aws: { outputs: outputsFile({ PlaygroundStateful: STATEFUL, PlaygroundApplication: APPLICATION }) } }, io);

    expect(code).toBe(1);
    expect(io.lines).toContain('ok   CDK bootstrap stack CDKToolkit (CREATE_COMPLETE, version 28)');
    expect(io.lines).toContain('ok   stack PlaygroundApplication of cdk-outputs.json matches the deployed stack (UPDATE_COMPLETE, 1 outputs)');
    expect(io.lines.find((line) => line.startsWith('FAIL stack PlaygroundStateful'))).toContain('not deployed in eu-west-1');
    expect(cloudformation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input.StackName).sort()).toEqual([
      'CDKToolkit',
      'PlaygroundApplication',
      'PlaygroundStateful',
    ]);
  });

  it('prints the AWS checks as JSON through the command line', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }));
    const io = recordingIo();

    const code = await main(['doctor', '--target', 'aws', '--json', '--outputs', outputsFile({ PlaygroundStateful: STATEFUL })], io);

    expect(code).toBe(1);
    expect(JSON.parse(io.lines.join('\n'))).toEqual({ target: 'aws', ok: false, checks: [{ ok: false, what: 'credentials', fix: expect.stringContaining('no AWS credentials') }] });
  });
});
