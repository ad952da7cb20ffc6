import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  ListApplicationSnapshotsCommand,
  UpdateApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { resolveTarget } from '../../cli/target';
import { playgroundDirs } from '../../local/paths';
import { writeStackRecord } from '../../local/stack-state';
import { detail, liveStackRecord, recordingIo } from './support';

const msf = mockClient(KinesisAnalyticsV2Client);
const sts = mockClient(STSClient);
const kinesis = mockClient(KinesisClient);
const cloudwatch = mockClient(CloudWatchClient);
const dynamodb = mockClient(DynamoDBClient);
const documents = mockClient(DynamoDBDocumentClient);
const everyClient = { msf, sts, kinesis, cloudwatch, dynamodb, documents };

afterEach(() => {
  for (const client of Object.values(everyClient)) client.reset();
});

const DEPLOYED = 'click-count-deployed';
const ACCOUNT = '111122223333';
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/Player/session`;

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'playground-target-'));
}

/** A cdk-outputs.json as `cdk deploy --all --outputs-file` writes it. */
function deployedOutputs(): string {
  const file = path.join(scratch(), 'cdk-outputs.json');
  writeFileSync(
    file,
    JSON.stringify({
      PlaygroundStateful: { InputStreamName: 'in', LedgerTableName: 'ledger', AuditTableName: 'audit', Region: 'eu-west-1' },
      PlaygroundApplication: { ApplicationName: DEPLOYED },
    }),
  );
  return file;
}

/** Calls made on every mocked SDK client, by client. */
function callCounts(): Record<string, number> {
  return Object.fromEntries(Object.entries(everyClient).map(([name, client]) => [name, client.calls().length]));
}

const NO_CALLS = { msf: 0, sts: 0, kinesis: 0, cloudwatch: 0, dynamodb: 0, documents: 0 };

describe('a command that changes the application without --target and without a local stack', () => {
  it('refuses playground scale 3 with a cdk-outputs.json present, exit 2, and makes no AWS call', async () => {
    const home = scratch();
    const io = recordingIo();

    const code = await main(['scale', '3', '--home', home, '--outputs', deployedOutputs()], io);

    expect(code).toBe(2);
    expect(callCounts()).toEqual(NO_CALLS);
    expect(io.lines).toEqual([]);
    const error = io.errors.join('\n');
    expect(error).toContain(`no local playground is running in ${home}`);
    expect(error).toContain('start the local playground with: npx playground up --detach');
    expect(error).toContain(`add --target aws to act on the deployed application ${DEPLOYED} in eu-west-1`);
  });

  it.each([
    ['start', ['start']],
    ['stop', ['stop']],
    ['stop --force', ['stop', '--force']],
    ['scale', ['scale', '2', '--per-kpu', '2']],
    ['fail', ['fail']],
    ['restore', ['restore', 'snap-1']],
    ['snapshot create', ['snapshot', 'create', 'snap-2']],
    ['snapshot delete', ['snapshot', 'delete', 'snap-1']],
    ['upgrade', ['upgrade', '--set', 'ClickCountJob.backpressure=true']],
    ['rollback', ['rollback']],
  ])('refuses %s the same way', async (_name, argv) => {
    const io = recordingIo();

    const code = await main([...argv, '--home', scratch(), '--outputs', deployedOutputs()], io);

    expect(code).toBe(2);
    expect(callCounts()).toEqual(NO_CALLS);
    expect(io.errors.join('\n')).toMatch(/npx playground up --detach, or add --target aws to act on the deployed application click-count-deployed in eu-west-1/);
  });

  it('refuses even when --app names the application, asks for --app when nothing names one, and takes a running local stack', async () => {
    const withApp = recordingIo();
    const withoutOutputs = recordingIo();
    const missing = path.join(scratch(), 'no-such-outputs.json');
    const stackHome = scratch();
    writeStackRecord(playgroundDirs(stackHome), liveStackRecord(stackHome));

    expect(resolveTarget({ home: stackHome, outputs: missing }, 'change')).toMatchObject({ kind: 'local', applicationName: 'local-app' });

    expect(await main(['stop', '--app', 'named', '--home', scratch(), '--outputs', missing], withApp)).toBe(2);
    expect(await main(['stop', '--home', scratch(), '--outputs', missing], withoutOutputs)).toBe(2);

    expect(withApp.errors.join('\n')).toContain('add --target aws to act on the deployed application named in the region of your AWS configuration');
    expect(withoutOutputs.errors.join('\n')).toContain('add --target aws --app NAME to act on a deployed application');
    expect(callCounts()).toEqual(NO_CALLS);
  });
});

describe('a command that changes the application with --target aws', () => {
  it('names the account, region and application before its first call to the application', async () => {
    const order: string[] = [];
    const io = recordingIo();
    const out = io.out;
    const logged = { ...io, out: (line: string) => (order.push(`out: ${line}`), out(line)) };
    sts.on(GetCallerIdentityCommand).callsFake(() => (order.push('sts: GetCallerIdentity'), { Account: ACCOUNT, Arn: CALLER }));
    msf
      .on(DescribeApplicationCommand)
      .callsFakeOnce(() => (order.push('msf: DescribeApplication'), { ApplicationDetail: detail('RUNNING', { version: 3, parallelism: 1 }) }))
      .callsFake(() => (order.push('msf: DescribeApplication'), { ApplicationDetail: { ...detail('RUNNING', { version: 4, parallelism: 3 }), ApplicationName: DEPLOYED } }));
    msf.on(UpdateApplicationCommand).callsFake(() => (order.push('msf: UpdateApplication'), {}));

    const code = await main(['scale', '3', '--target', 'aws', '--home', scratch(), '--outputs', deployedOutputs()], logged);

    expect(code).toBe(0);
    const announcement = `out: acting on AWS: account ${ACCOUNT} (${CALLER}), region eu-west-1, application ${DEPLOYED}`;
    expect(order.slice(0, 3)).toEqual(['sts: GetCallerIdentity', announcement, 'msf: DescribeApplication']);
    expect(order.indexOf(announcement)).toBeLessThan(order.indexOf('msf: UpdateApplication'));
    expect(msf.commandCalls(UpdateApplicationCommand)[0]?.args[0].input.ApplicationName).toBe(DEPLOYED);
  });

  it('names the account before fail writes its control record', async () => {
    const order: string[] = [];
    const io = recordingIo();
    const out = io.out;
    const logged = { ...io, out: (line: string) => (order.push(`out: ${line.split(':')[0] ?? line}`), out(line)) };
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER });
    kinesis.on(PutRecordsCommand).callsFake(() => (order.push('kinesis: PutRecords'), { FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] }));

    const code = await main(['fail', '--target', 'aws', '--home', scratch(), '--outputs', deployedOutputs()], logged);

    expect(code).toBe(0);
    expect(order[0]).toBe('out: acting on AWS');
    expect(order[1]).toBe('kinesis: PutRecords');
    expect(io.lines[0]).toContain(`account ${ACCOUNT}`);
  });

  it('does nothing when the account cannot be told, and says why', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }));
    const io = recordingIo();

    const code = await main(['stop', '--target', 'aws', '--home', scratch(), '--outputs', deployedOutputs()], io);

    expect(code).toBe(1);
    expect(msf.calls()).toHaveLength(0);
    expect(io.errors).toEqual([expect.stringMatching(/^error: cannot tell which AWS account click-count-deployed would be changed in, so nothing was done: ExpiredTokenException: .* refresh them/)]);
  });

  it('puts the line on stderr when stdout carries JSON', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER });
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('READY') });
    const io = recordingIo();

    const code = await main(['snapshot', 'create', 'snap-3', '--json', '--target', 'aws', '--home', scratch(), '--outputs', deployedOutputs()], io);

    expect(code).toBe(1); // READY: no snapshot can be taken
    expect(io.errors[0]).toContain(`acting on AWS: account ${ACCOUNT}`);
    expect(io.lines).toEqual([]);
  });
});

describe('a command that only reads', () => {
  it('falls back to the deployed application and says what it reads (and says nothing of it under --target aws)', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: { ...detail('RUNNING'), ApplicationName: DEPLOYED } });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const home = scratch();
    const io = recordingIo();
    const chosen = recordingIo();

    const code = await main(['status', '--home', home, '--outputs', deployedOutputs()], io);
    const chosenCode = await main(['status', '--target', 'aws', '--home', home, '--outputs', deployedOutputs()], chosen);

    expect([code, chosenCode]).toEqual([0, 0]);
    expect(io.lines[0]).toBe(`reading the deployed application ${DEPLOYED} in eu-west-1 (no local stack running in ${home})`);
    expect(io.lines[1]).toMatch(/AWS application/);
    expect(chosen.lines[0]).toMatch(/AWS application/);
    expect(sts.calls()).toHaveLength(0);
  });

  it('keeps stdout JSON with --json: the line goes to stderr', async () => {
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    const code = await main(['snapshot', 'list', '--json', '--home', scratch(), '--outputs', deployedOutputs()], io);

    expect(code).toBe(0);
    expect(JSON.parse(io.lines.join('\n'))).toEqual([]);
    expect(io.errors).toEqual([expect.stringMatching(/^reading the deployed application click-count-deployed in eu-west-1 \(no local stack running in /)]);
  });
});

