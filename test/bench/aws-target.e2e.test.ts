import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsBenchResult } from '../../bench/types';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import { auditStack } from '../../local/observe';
import { playgroundDirs } from '../../local/paths';
import { freePort, reserveStackPorts } from '../../local/ports';
import { readStackRecord, type StackRecord } from '../../local/stack-state';
import { runBench, runCli } from '../support/cli';
import { TestHomes } from '../support/homes';

/**
 * `npm run bench -- --target aws --operations` end to end, with the AWS code path pointed at the
 * local stack the way the SDK allows for any AWS-compatible endpoint (`AWS_ENDPOINT_URL_<SERVICE>`):
 * the outputs file as `cdk deploy --outputs-file` writes it, the kinesisanalyticsv2 control plane,
 * DynamoDB Local and kinesis-mock. CloudWatch has no local counterpart: its endpoint is a closed
 * port, and its two reads must be the only errors.
 */
const minute = 60_000;
const homes = new TestHomes();
const home = homes.create('playground-bench-aws-');
const dirs = playgroundDirs(home);
const outDir = path.join(home, 'results');
let record: StackRecord;

beforeAll(() => homes.guard(async () => {
  const ports = await reserveStackPorts();
  // prettier-ignore
  const up = await runCli(
    ['up', '--detach', '--streams', 'kinesis', '--home', home, '--flink-port', String(ports.flink), '--kinesis-port', String(ports.kinesis),
      '--dynamodb-port', String(ports.dynamodb), '--control-plane-port', String(ports.controlPlane), '--view-port', String(ports.view)],
    { timeoutMs: 10 * minute },
  );
  expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  const found = readStackRecord(dirs);
  if (!found) throw new Error('no stack record after up');
  record = found;
}), 12 * minute);

afterAll(async () => {
  await runCli(['down', '--home', home], { timeoutMs: 3 * minute });
  homes.release();
}, 4 * minute);

describe('npm run bench -- --target aws --operations, against the local stack', () => {
  it('times every operation on the application, leaves it RUNNING at its parallelism, and every window exact', async () => {
    const outputs = path.join(home, 'cdk-outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        PlaygroundStateful: {
          InputStreamName: record.streamNames.input,
          OutputStreamName: record.streamNames.output,
          LedgerTableName: record.tables.ledger,
          AuditTableName: record.tables.audit,
          Region: record.region,
        },
        PlaygroundApplication: { ApplicationName: record.applicationName },
      }),
    );
    const closedPort = await freePort();
    const env = {
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_KINESIS_ANALYTICS_V2: record.endpoints.controlPlane,
      AWS_ENDPOINT_URL_DYNAMODB: record.endpoints.dynamodb,
      AWS_ENDPOINT_URL_KINESIS: record.endpoints.kinesis,
      AWS_ENDPOINT_URL_CLOUDWATCH: `http://127.0.0.1:${closedPort}`,
    };

    const run = await runBench(['--target', 'aws', '--minutes', '5', '--operations', '--outputs', outputs, '--out', outDir], {
      env: { ...process.env, ...env },
      timeoutMs: 10 * minute,
    });

    const log = `${run.stdout}\n${run.stderr}`;
    expect(run.code, log).toBe(1); // the CloudWatch reads fail, and only they
    const date = /wrote .*?(\d{4}-\d{2}-\d{2})-aws\.json/.exec(run.stdout)?.[1];
    expect(date, log).toBeDefined();
    const result = JSON.parse(readFileSync(path.join(outDir, `${date}-aws.json`), 'utf8')) as AwsBenchResult;
    expect(result.errors, log).toHaveLength(2);
    for (const error of result.errors) expect(error).toMatch(/^CloudWatch: .*cannot connect/);
    expect(result.application).toMatchObject({ name: record.applicationName, status: 'RUNNING', runtime: 'FLINK-2_2', parallelism: 1 });
    expect(result.auditor.table?.windows.wrong).toBe(0);

    const ops = result.operations!;
    for (const [name, seconds] of Object.entries({
      snapshot: ops.snapshotSeconds,
      stop: ops.stopSeconds,
      start: ops.startFromSnapshotSeconds,
      scale: ops.scale1to3Seconds,
      'scale back': ops.scale?.backSeconds,
      'output resumed': ops.recovery?.outputResumedAfterSeconds,
      'caught up': ops.recovery?.caughtUpAfterSeconds,
    })) {
      expect(seconds, `${name}\n${log}`).toBeGreaterThan(0);
    }
    expect(ops.scale).toMatchObject({ from: 1, to: 3 });

    // The benchmark put the application back as it found it, and the job lost and doubled nothing.
    const status = JSON.parse((await runCli(['status', '--json', '--home', home])).stdout) as { status: string; parallelism?: number; kpus: number };
    expect(status.status).toBe('RUNNING');
    expect(status.kpus).toBe(1);
    // Every window from the stack's start to one whole window after the benchmark is judged
    // (results arrive seconds after a window ends), however fast the operations were.
    const until = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS + 2 * WINDOW_MS;
    const deadline = Date.now() + 4 * minute;
    let report = await auditStack(record, { toMs: until });
    while ((report.windows.pending > 0 || Date.now() < until + WINDOW_MS) && Date.now() < deadline) {
      await sleep(2_000);
      report = await auditStack(record, { toMs: until });
    }
    expect(report.windows.pending, JSON.stringify(report.windows)).toBe(0);
    expect(report.windows.wrong, JSON.stringify(report.nonExact, null, 1)).toBe(0);
    expect(report.windows.missing, JSON.stringify(report.nonExact, null, 1)).toBe(0);
    // every window the generator sent in that time is exact, and none of that time went without one
    expect(report.events.generated).toBe(report.windows.exact * 6 * record.options.eventsPerWindow);
    expect(report.windows.exact).toBeGreaterThanOrEqual(Math.floor((until - Date.parse(record.startedAt)) / WINDOW_MS) - 1);
  }, 12 * minute);
});
