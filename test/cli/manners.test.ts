import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { resolveTarget } from '../../cli/target';
import { packageInfo, playgroundDirs, repoRoot } from '../../local/paths';
import { writeStackRecord } from '../../local/stack-state';
import { APP, liveStackRecord, recordingIo } from './support';

const msf = mockClient(KinesisAnalyticsV2Client);
const cloudwatch = mockClient(CloudWatchClient);

let scratch: string;
let cwd: string;

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'playground-manners-'));
  cwd = process.cwd();
});

afterEach(() => {
  process.chdir(cwd);
  rmSync(scratch, { recursive: true, force: true });
  msf.reset();
  cloudwatch.reset();
});

/** A home where no stack runs (the tables of it.each are built before any beforeEach). */
const noStack = mkdtempSync(path.join(os.tmpdir(), 'playground-manners-no-stack-'));

afterAll(() => {
  rmSync(noStack, { recursive: true, force: true });
});

/** `ARGS --target aws --app APP --home <empty dir>`: a play that would call AWS if its arguments passed. */
function onAws(...args: string[]): string[] {
  return [...args, '--target', 'aws', '--app', APP, '--home', noStack];
}

/** A checkout of the repository in the scratch directory: its package.json and a few folders. */
function fakeCheckout(): string {
  const checkout = path.join(scratch, 'checkout');
  for (const dir of ['job', 'infra/lib']) mkdirSync(path.join(checkout, dir), { recursive: true });
  writeFileSync(path.join(checkout, 'package.json'), JSON.stringify({ name: packageInfo.name, version: packageInfo.version }));
  return checkout;
}


describe('exit codes', () => {
  it.each([
    ['an unknown option of the program', ['--bogus']],
    ['an unknown option of a command', ['status', '--bogus']],
    ['an unknown command', ['nocommand']],
    ['a bad option value', ['status', '--target', 'mars']],
    ['a missing argument', ['restore']],
    ['a command group without its subcommand', ['snapshot']],
    ['parallelism 0', onAws('scale', '0')],
    ['a bad --since', onAws('audit', '--since', 'yesterday')],
  ])('exits 2 on %s, with the error on stderr and no call', async (_name, argv) => {
    const io = recordingIo();

    const code = await main(argv, io);

    expect(code).toBe(2);
    expect(io.errors.join('\n')).toMatch(/error|Usage/);
    expect(msf.calls()).toHaveLength(0);
  });

  it('exits 2 on cost --events-per-second -5, naming the option', async () => {
    const io = recordingIo();

    const code = await main(['cost', '--events-per-second', '-5'], io);

    expect(code).toBe(2);
    expect(io.errors.join('\n')).toContain('--events-per-second');
    expect(io.lines).toEqual([]);
  });

  it('exits 0 on --help', async () => {
    const io = recordingIo();

    expect(await main(['--help'], io)).toBe(0);
    expect(io.lines.join('\n')).toMatch(/Usage: playground/);
  });

  it('prints the version of package.json on --version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const io = recordingIo();

    const code = await main(['--version'], io);

    expect(code).toBe(0);
    expect(io.lines).toEqual([version]);
    expect(io.errors).toEqual([]);
  });
});

describe('metrics with a name it does not know', () => {
  it('says so, names the known metrics and exits 2 before any call', async () => {
    const io = recordingIo();

    const code = await main(onAws('metrics', 'lastCheckpointSize', 'nosuchMetric'), io);

    expect(code).toBe(2);
    const text = io.errors.join('\n');
    expect(text).toContain("unknown metric 'nosuchMetric'");
    expect(text).toMatch(/lastCheckpointSize.*numRecordsInPerSecond/);
    expect(text).toContain("'playground metrics'");
    expect(cloudwatch.calls()).toHaveLength(0);
  });

  it('suggests the spelling that differs only in case', async () => {
    const io = recordingIo();

    expect(await main(onAws('metrics', 'kpus'), io)).toBe(2);
    expect(io.errors.join('\n')).toContain('did you mean KPUs?');
  });

  it('says fullRestarts was removed in FLINK-2_2, names numRestarts and exits 2 before any call', async () => {
    const io = recordingIo();

    expect(await main(onAws('metrics', 'fullRestarts'), io)).toBe(2);
    expect(io.errors.join('\n')).toContain("metric 'fullRestarts' was removed in FLINK-2_2 (the application's runtime): use numRestarts");
    expect(cloudwatch.calls()).toHaveLength(0);
  });

  it('reads numRestarts by its own name and by the alias restarts', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [2] }] });
    const io = recordingIo();

    expect(await main(onAws('metrics', '--json', 'numRestarts', 'restarts'), io)).toBe(0);
    const queries = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(queries.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual(['numRestarts']);
    expect((JSON.parse(io.lines.join('\n')) as { metrics: unknown }).metrics).toEqual({ numRestarts: 2 });
  });
});

describe('finding the stack', () => {
  it('finds the running stack of the checkout from a folder inside it', () => {
    const checkout = fakeCheckout();
    writeStackRecord(playgroundDirs(path.join(checkout, '.playground')), liveStackRecord(path.join(checkout, '.playground')));
    process.chdir(path.join(checkout, 'infra', 'lib'));

    const target = resolveTarget({});

    expect(target.kind).toBe('local');
    expect(target.applicationName).toBe('local-app');
    expect(target.local?.dirs.home).toBe(path.join(checkout, '.playground'));
  });

  it.each([
    ['the checkout', (checkout: string) => checkout],
    ['its .playground', (checkout: string) => path.join(checkout, '.playground')],
  ])('takes --home naming %s', (_name, home) => {
    const checkout = fakeCheckout();
    writeStackRecord(playgroundDirs(path.join(checkout, '.playground')), liveStackRecord(path.join(checkout, '.playground')));

    const target = resolveTarget({ home: home(checkout) });

    expect(target.local?.dirs.home).toBe(path.join(checkout, '.playground'));
  });

  it('says where it looked and what to run when no stack runs', async () => {
    const checkout = fakeCheckout();
    process.chdir(path.join(checkout, 'job'));
    const io = recordingIo();

    const code = await main(['status', '--target', 'local'], io);

    expect(code).toBe(2);
    expect(io.errors.join('\n')).toContain(`no local playground is running in ${path.join(checkout, '.playground')}`);
    expect(io.errors.join('\n')).toContain('npx playground up');
  });

  it('names the home it looked in when it falls back to AWS and finds no application', async () => {
    const home = path.join(scratch, 'empty-home');
    const outputs = path.join(scratch, 'cdk-outputs.json');
    writeFileSync(outputs, '{}');
    const io = recordingIo();

    const code = await main(['status', '--home', home, '--outputs', outputs], io);

    expect(code).toBe(2);
    expect(io.errors.join('\n')).toContain(home);
  });
});
