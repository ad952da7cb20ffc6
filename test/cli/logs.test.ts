import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeApplicationCommand, KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsLogs, formatBytes, logs, parseLogStreamArn } from '../../cli/commands/logs';
import { main } from '../../cli/main';
import { APP, awsTarget, detail, recordingIo } from './support';

let home: string;
let logsDir: string;

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'pg-logs-'));
  logsDir = path.join(home, 'logs');
  mkdirSync(logsDir);
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

function numbered(from: number, to: number): string {
  const lines: string[] = [];
  for (let i = from; i <= to; i += 1) lines.push(`line ${i}`);
  return `${lines.join('\n')}\n`;
}

/** Polls until `check` holds (the follower reads every few milliseconds in these tests). */
async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('playground logs', () => {
  it("lists every process's log with its size and the time it was last written, in name order", async () => {
    writeFileSync(path.join(logsDir, 'taskmanager-10.log'), 'x');
    writeFileSync(path.join(logsDir, 'taskmanager-2.log'), 'x'.repeat(2048));
    writeFileSync(path.join(logsDir, 'jobmanager.log'), 'started\n');
    writeFileSync(path.join(logsDir, 'notes.txt'), 'not a log');
    utimesSync(path.join(logsDir, 'jobmanager.log'), new Date('2026-11-22T21:30:05Z'), new Date('2026-11-22T21:30:05Z'));
    const io = recordingIo();

    const code = await logs({ home }, io);

    expect(code).toBe(0);
    const rows = io.lines.filter((line) => /^ {2}\S/.test(line)).slice(1);
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual(['jobmanager', 'taskmanager-2', 'taskmanager-10']);
    expect(rows[0]).toContain('8 B');
    expect(rows[0]).toContain('2026-11-22 21:30:05 UTC');
    expect(rows[1]).toContain('2.0 KiB');
  });

  it('prints the last N lines of a log, 50 by default', async () => {
    writeFileSync(path.join(logsDir, 'kafka.log'), numbered(1, 200));
    const few = recordingIo();
    const byDefault = recordingIo();

    expect(await logs({ home, name: 'kafka', lines: 3 }, few)).toBe(0);
    expect(await logs({ home, name: 'kafka.log' }, byDefault)).toBe(0);

    expect(few.lines).toEqual(['line 198', 'line 199', 'line 200']);
    expect(byDefault.lines).toHaveLength(50);
    expect(byDefault.lines[0]).toBe('line 151');
  });

  it('reads the tail of a log larger than one read chunk, and a last line without a newline', async () => {
    const long = 'y'.repeat(100_000);
    writeFileSync(path.join(logsDir, 'generator.log'), `${long}\nfirst\n${long}\nlast without newline`);
    const io = recordingIo();

    await logs({ home, name: 'generator', lines: 3 }, io);

    expect(io.lines).toEqual(['first', long, 'last without newline']);
  });

  it('exits 2 for an unknown name and lists the names there are', async () => {
    writeFileSync(path.join(logsDir, 'jobmanager.log'), '');
    writeFileSync(path.join(logsDir, 'auditor.log'), '');
    const io = recordingIo();

    const code = await logs({ home, name: 'taskmanager-7' }, io);

    expect(code).toBe(2);
    expect(io.errors.join('\n')).toContain("no log 'taskmanager-7'");
    expect(io.errors.join('\n')).toContain('auditor, jobmanager');
    expect(io.lines).toEqual([]);
  });

  it('exits 2 through the CLI too, and for a home that has no logs folder', async () => {
    writeFileSync(path.join(logsDir, 'jobmanager.log'), '');
    const unknown = recordingIo();
    const nowhere = recordingIo();

    expect(await main(['logs', 'nope', '--home', home], unknown)).toBe(2);
    expect(await logs({ home: path.join(home, 'missing') }, nowhere)).toBe(2);
    expect(unknown.errors.join('\n')).toContain('jobmanager');
    expect(nowhere.errors.join('\n')).toContain('no logs in');
  });

  it('follows appended lines, a truncated and a replaced log, and stops when the signal aborts', async () => {
    const file = path.join(logsDir, 'taskmanager-1.log');
    writeFileSync(file, numbered(1, 5));
    const io = recordingIo();
    const stop = new AbortController();

    const following = logs({ home, name: 'taskmanager-1', lines: 2, follow: true, signal: stop.signal, pollMs: 10 }, io);
    await until(() => io.lines.length === 2);
    appendFileSync(file, 'appended 1\nappended ');
    await until(() => io.lines.includes('appended 1'));
    appendFileSync(file, '2\n');
    await until(() => io.lines.includes('appended 2'));
    truncateSync(file, 0);
    await until(() => io.errors.some((line) => line.includes('truncated')));
    appendFileSync(file, 'after truncation\n');
    await until(() => io.lines.includes('after truncation'));
    writeFileSync(`${file}.new`, 'new process, new log\n');
    renameSync(`${file}.new`, file);
    await until(() => io.lines.includes('new process, new log'));
    stop.abort();
    const code = await following;

    expect(code).toBe(0);
    expect(io.lines).toEqual(['line 4', 'line 5', 'appended 1', 'appended 2', 'after truncation', 'new process, new log']);
    expect(io.errors.some((line) => line.includes('replaced'))).toBe(true);
  });

  it('sizes for people', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 1024 ** 3)]).toEqual(['0 B', '1023 B', '1.5 KiB', '5.0 GiB']);
  });
});

describe('playground logs --target aws', () => {
  const msf = mockClient(KinesisAnalyticsV2Client);
  const stream = `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/kinesis-analytics/${APP}:log-stream:kinesis-analytics-log-stream`;

  const logsMock = mockClient(CloudWatchLogsClient);

  afterEach(() => {
    msf.reset();
    logsMock.reset();
  });

  it('parses the log stream ARN that DescribeApplication reports', () => {
    expect(parseLogStreamArn(stream)).toEqual({ region: 'eu-west-1', group: `/aws/kinesis-analytics/${APP}`, stream: 'kinesis-analytics-log-stream' });
    expect(parseLogStreamArn('arn:aws:s3:::bucket')).toBeUndefined();
  });

  it('prints the last N events of the log stream, MSF JSON records as level, logger and message', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: { ...detail('RUNNING'), CloudWatchLoggingOptionDescriptions: [{ LogStreamARN: stream }] } });
    const at = Date.parse('2026-12-02T02:00:00.000Z');
    logsMock
      .on(GetLogEventsCommand, { startFromHead: false })
      .resolves({
        events: [
          { timestamp: at, message: JSON.stringify({ messageType: 'INFO', logger: 'org.apache.flink.Job', message: 'Job switched to RUNNING' }) },
          { timestamp: at + 1_000, message: 'plain text line\n' },
        ],
        nextForwardToken: 'f/1',
        nextBackwardToken: 'b/1',
      })
      .on(GetLogEventsCommand, { nextToken: 'b/1' })
      .resolves({ events: [{ timestamp: at - 1_000, message: 'older line' }], nextBackwardToken: 'b/0' })
      .on(GetLogEventsCommand, { nextToken: 'b/0' })
      .resolves({ events: [], nextBackwardToken: 'b/0' });
    const io = recordingIo();

    const code = await awsLogs(awsTarget, { lines: 3, logsClient: new CloudWatchLogsClient({ region: 'eu-west-1' }) }, io);

    expect(code, io.text()).toBe(0);
    expect(io.lines).toEqual([
      '2026-12-02T01:59:59.000Z older line',
      '2026-12-02T02:00:00.000Z INFO org.apache.flink.Job: Job switched to RUNNING',
      '2026-12-02T02:00:01.000Z plain text line',
    ]);
    expect(io.errors.join('\n')).toContain(`group /aws/kinesis-analytics/${APP}, stream kinesis-analytics-log-stream (eu-west-1)`);
    const first = logsMock.commandCalls(GetLogEventsCommand)[0].args[0].input;
    expect(first).toMatchObject({ logGroupName: `/aws/kinesis-analytics/${APP}`, logStreamName: 'kinesis-analytics-log-stream', limit: 3 });
  });

  it('--follow prints the events that arrive after the last ones, until the signal aborts', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: { ...detail('RUNNING'), CloudWatchLoggingOptionDescriptions: [{ LogStreamARN: stream }] } });
    const at = Date.parse('2026-12-02T02:00:00.000Z');
    logsMock
      .on(GetLogEventsCommand, { startFromHead: false })
      .resolves({ events: [{ timestamp: at, message: 'before' }], nextForwardToken: 'f/1', nextBackwardToken: 'b/1' })
      .on(GetLogEventsCommand, { nextToken: 'f/1' })
      .resolves({ events: [{ timestamp: at + 5_000, message: 'new event' }], nextForwardToken: 'f/2' })
      .on(GetLogEventsCommand, { nextToken: 'f/2' })
      .resolves({ events: [], nextForwardToken: 'f/2' });
    const io = recordingIo();
    const stop = new AbortController();

    const done = awsLogs(awsTarget, { lines: 1, follow: true, signal: stop.signal, pollMs: 5, logsClient: new CloudWatchLogsClient({ region: 'eu-west-1' }) }, io);
    await until(() => io.lines.length >= 2 && logsMock.commandCalls(GetLogEventsCommand).length >= 4);
    stop.abort();

    expect(await done).toBe(0);
    expect(io.lines).toEqual(['2026-12-02T02:00:00.000Z before', '2026-12-02T02:00:05.000Z new event']);
  });

  it('says so when the application has no CloudWatch logging option', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    const io = recordingIo();

    expect(await awsLogs(awsTarget, {}, io)).toBe(1);
    expect(io.errors.join('\n')).toContain('no CloudWatch logging option');
  });
});
