import { CloudWatchLogsClient, GetLogEventsCommand, type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { playgroundDirs, resolveHome } from '../../local/paths';
import { playTarget } from '../announce';
import { PlayError, runPlay } from '../errors';
import type { Io } from '../io';
import { describeApplication, msfClient } from '../msf';
import { defineOptions } from '../options';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

export interface LogsOptions {
  /** The local stack's checkout or home (see resolveHome). @default .playground of the checkout */
  readonly home?: string;
  /** A log of the stack (`jobmanager`, `taskmanager-1`, `kafka`, ...); none: list the logs. */
  readonly name?: string;
  /** How many of the log's last lines to print. @default 50 */
  readonly lines?: number;
  /** Keep printing the lines appended to the log, until `signal` aborts. @default false */
  readonly follow?: boolean;
  /** Ends `follow` (the CLI aborts it on Ctrl-C). */
  readonly signal?: AbortSignal;
  /** How often `follow` looks at the file. @default 500 */
  readonly pollMs?: number;
}

const LOG_SUFFIX = '.log';
const CHUNK = 64 * 1024;

/** A size for people: `512 B`, `1.5 KiB`, `3.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The stack's logs: one `NAME.log` per process, in name order (taskmanager-2 before taskmanager-10). */
function logNames(logsDir: string): string[] {
  return readdirSync(logsDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(LOG_SUFFIX))
    .map((entry) => entry.name.slice(0, -LOG_SUFFIX.length))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function readBytes(file: string, start: number, end: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function splitLines(bytes: Buffer): string[] {
  return bytes
    .toString('utf8')
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** The last `count` lines of the first `size` bytes of `file`, reading back from the end in chunks. */
function tailLines(file: string, size: number, count: number): string[] {
  if (count === 0 || size === 0) return [];
  const end = readBytes(file, size - 1, size)[0] === 0x0a ? size - 1 : size;
  let start = end;
  let newlines = 0;
  while (start > 0 && newlines < count) {
    const from = Math.max(0, start - CHUNK);
    const chunk = readBytes(file, from, start);
    for (let i = chunk.length - 1; i >= 0; i -= 1) {
      if (chunk[i] === 0x0a && ++newlines === count) {
        start = from + i + 1;
        break;
      }
    }
    if (newlines < count) start = from;
  }
  return end > start ? splitLines(readBytes(file, start, end)) : [''];
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined; // between a process's old log going and its new one coming
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch {
    // aborted: the caller sees signal.aborted
  }
}

/**
 * Prints what is appended to `file` from byte `position` on, line by line, until `signal` aborts.
 * A file that another one replaced (a new inode: a process restarted and wrote a new log) or that
 * shrank (truncated) is read again from its start, with a notice on stderr, as `tail -F` does.
 */
async function followFile(file: string, start: Stats, io: Io, options: LogsOptions): Promise<void> {
  let position = start.size;
  let inode = start.ino;
  let pending: Buffer = Buffer.alloc(0);
  const flush = (): void => {
    if (pending.length > 0) splitLines(pending).forEach((line) => io.out(line));
    pending = Buffer.alloc(0);
  };
  const name = path.basename(file);
  while (!options.signal?.aborted) {
    await pause(options.pollMs ?? 500, options.signal);
    if (options.signal?.aborted) break;
    const now = statOrUndefined(file);
    if (!now) continue;
    if (now.ino !== inode || now.size < position) {
      flush();
      io.err(`--- ${name} was ${now.ino !== inode ? 'replaced' : 'truncated'}; following it from its start ---`);
      inode = now.ino;
      position = 0;
    }
    while (position < now.size) {
      const end = Math.min(now.size, position + 16 * CHUNK);
      const bytes = Buffer.concat([pending, readBytes(file, position, end)]);
      position = end;
      const last = bytes.lastIndexOf(0x0a);
      if (last < 0) {
        pending = bytes;
        continue;
      }
      splitLines(bytes.subarray(0, last)).forEach((line) => io.out(line));
      pending = bytes.subarray(last + 1);
    }
  }
  flush();
}

/**
 * `playground logs [NAME]`: the local stack's process logs (`.playground/logs/NAME.log`): without
 * NAME the list, with each log's size and when it was last written; with NAME its last lines, and
 * with `follow` every line appended after them. An unknown NAME is a usage error (2).
 * @public the command's own entry point, like the other commands'
 */
export async function logs(options: LogsOptions, io: Io): Promise<number> {
  const dirs = playgroundDirs(resolveHome(options.home));
  if (!existsSync(dirs.logs)) {
    io.err(`error: no logs in ${dirs.logs}: the local playground has not run in ${dirs.home} (start it with: npx playground up --detach, or point --home at its checkout)`);
    return 2;
  }
  const names = logNames(dirs.logs);
  if (options.name === undefined) {
    if (names.length === 0) {
      io.out(`no logs in ${dirs.logs} yet`);
      return 0;
    }
    const width = Math.max(4, ...names.map((n) => n.length));
    io.out(`logs in ${dirs.logs}:`);
    io.out(`  ${'NAME'.padEnd(width)}  ${'SIZE'.padStart(10)}  LAST WRITTEN`);
    for (const name of names) {
      const stats = statSync(path.join(dirs.logs, `${name}${LOG_SUFFIX}`));
      io.out(`  ${name.padEnd(width)}  ${formatBytes(stats.size).padStart(10)}  ${timestamp(stats.mtime)}`);
    }
    io.out('print one with: npx playground logs NAME [--lines N] [--follow]');
    return 0;
  }
  const name = options.name.endsWith(LOG_SUFFIX) ? options.name.slice(0, -LOG_SUFFIX.length) : options.name;
  if (!names.includes(name)) {
    io.err(`error: no log '${options.name}' in ${dirs.logs}; the logs are: ${names.length > 0 ? names.join(', ') : '(none yet)'}`);
    return 2;
  }
  const file = path.join(dirs.logs, `${name}${LOG_SUFFIX}`);
  const stats = statSync(file);
  for (const line of tailLines(file, stats.size, options.lines ?? 50)) io.out(line);
  if (options.follow) await followFile(file, stats, io, options);
  return 0;
}

/** A CloudWatch Logs stream by its ARN `arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:STREAM`. */
export function parseLogStreamArn(arn: string): { readonly region: string; readonly group: string; readonly stream: string } | undefined {
  const match = /^arn:[^:]+:logs:([^:]*):[^:]*:log-group:(.+):log-stream:(.+)$/.exec(arn);
  return match?.[1] !== undefined && match[2] && match[3] ? { region: match[1], group: match[2], stream: match[3] } : undefined;
}

/** The most events one GetLogEvents call returns. */
const MAX_EVENTS_PER_CALL = 10_000;

/** One CloudWatch Logs event as a line: its time, and MSF's JSON log record as `LEVEL logger: message`. */
function formatLogEvent(event: OutputLogEvent): string {
  const at = event.timestamp !== undefined ? new Date(event.timestamp).toISOString() : '?';
  const text = (event.message ?? '').trimEnd();
  try {
    const record = JSON.parse(text) as { message?: unknown; messageType?: unknown; logger?: unknown };
    if (typeof record.message === 'string') {
      const level = typeof record.messageType === 'string' ? `${record.messageType} ` : '';
      const logger = typeof record.logger === 'string' ? `${record.logger}: ` : '';
      return `${at} ${level}${logger}${record.message}`;
    }
  } catch {
    // not JSON: the line as it is
  }
  return `${at} ${text}`;
}

export interface AwsLogsOptions extends Pick<LogsOptions, 'lines' | 'follow' | 'signal'> {
  /** How often `follow` asks for new events. @default 2000 */
  readonly pollMs?: number;
  /** The CloudWatch Logs client (tests pass one). @default a client in the log stream's region */
  readonly logsClient?: CloudWatchLogsClient;
}

/** The last `count` events of the stream, oldest first, and the token that reads what comes after them. */
async function lastEvents(client: CloudWatchLogsClient, group: string, stream: string, count: number): Promise<{ events: OutputLogEvent[]; forward?: string }> {
  const first = await client.send(
    new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: false, limit: Math.max(1, Math.min(count, MAX_EVENTS_PER_CALL)) }),
  );
  let events = count === 0 ? [] : [...(first.events ?? [])];
  let backward = first.nextBackwardToken;
  while (events.length < count && backward) {
    const page = await client.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: backward, limit: Math.min(count - events.length, MAX_EVENTS_PER_CALL) }),
    );
    if (!page.events?.length || page.nextBackwardToken === backward) break;
    events = [...page.events, ...events];
    backward = page.nextBackwardToken;
  }
  return { events: events.slice(-count || events.length), forward: first.nextForwardToken };
}

/**
 * `playground logs --target aws`: the application's CloudWatch log stream (from DescribeApplication's
 * CloudWatchLoggingOptionDescriptions) — its last `lines` events, and with `follow` every event
 * after them, polled until `signal` aborts.
 */
export async function awsLogs(target: PlayTarget, options: AwsLogsOptions, io: Io): Promise<number> {
  return runPlay(io, target, async () => {
    const client = msfClient(target);
    const detail = await describeApplication(client, target.applicationName).finally(() => client.destroy());
    const arns = (detail.CloudWatchLoggingOptionDescriptions ?? []).map((o) => o.LogStreamARN).filter((a): a is string => Boolean(a));
    const stream = arns.map(parseLogStreamArn).find((s) => s !== undefined);
    if (!stream) {
      throw new PlayError(
        arns.length > 0
          ? `${target.applicationName} logs to ${arns.join(', ')}, which is not a CloudWatch Logs stream ARN`
          : `${target.applicationName} has no CloudWatch logging option (DescribeApplication lists no CloudWatchLoggingOptionDescriptions): add one in the CDK app and deploy`,
      );
    }
    io.err(`${target.applicationName} logs to CloudWatch Logs group ${stream.group}, stream ${stream.stream} (${stream.region})`);
    const logsClient = options.logsClient ?? new CloudWatchLogsClient({ ...target.cloudwatch, region: stream.region });
    try {
      const { events, forward } = await lastEvents(logsClient, stream.group, stream.stream, options.lines ?? 50);
      events.forEach((event) => io.out(formatLogEvent(event)));
      let token = forward;
      while (options.follow && !options.signal?.aborted) {
        await pause(options.pollMs ?? 2_000, options.signal);
        if (options.signal?.aborted) break;
        for (;;) {
          const page = await logsClient.send(
            new GetLogEventsCommand({ logGroupName: stream.group, logStreamName: stream.stream, startFromHead: true, ...(token ? { nextToken: token } : {}) }),
          );
          (page.events ?? []).forEach((event) => io.out(formatLogEvent(event)));
          const moved = page.nextForwardToken !== undefined && page.nextForwardToken !== token;
          token = page.nextForwardToken ?? token;
          if (!moved || !page.events?.length) break;
        }
      }
      return 0;
    } finally {
      if (!options.logsClient) logsClient.destroy();
    }
  });
}

const logsFlags = defineOptions((o) => ({
  target: targetOptions(o),
  lines: o.int('-n, --lines <n>', 'how many of the last lines to print', { min: 0, max: 1_000_000 }, 50),
  follow: o.flag('-f, --follow', 'keep printing the lines appended to the log (Ctrl-C ends)'),
}));

export const registerLogs: RegisterCommand = (program, io, setExit) => {
  const command = logsFlags
    .add(program.command('logs'))
    .description("Print a process's log of the local playground (without NAME: list the logs); --target aws: the application's CloudWatch log stream")
    .argument('[name]', 'jobmanager, taskmanager-N, kafka, generator, auditor, supervisor, ... (the NAME.log files of the logs folder)')
    .action(async (name: string | undefined) => {
      const flags = logsFlags.read(command);
      const target = flags.target.target === 'aws' ? await playTarget(flags.target, 'read', io) : undefined;
      const stop = new AbortController();
      const onInterrupt = (): void => stop.abort();
      if (flags.follow) process.once('SIGINT', onInterrupt);
      try {
        const follow = { lines: flags.lines, follow: flags.follow, signal: stop.signal };
        setExit(target ? await awsLogs(target, follow, io) : await logs({ home: flags.target.home, name, ...follow }, io));
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    });
};
