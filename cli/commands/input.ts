import type { StreamTarget } from '../../lambdas/shared/config';
import { readStream, type StartAt, type StreamMessage } from '../../lambdas/shared/stream-reader';
import { realClock } from '../../local/poll';
import { playTarget } from '../announce';
import { PlayError, runPlay } from '../errors';
import type { Io } from '../io';
import { defineOptions } from '../options';
import { startAt, untilInterrupted, watchOptions } from '../stream-watch';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

export interface InputOptions {
  readonly target: PlayTarget;
  readonly start: StartAt;
  readonly follow: boolean;
  /** Print every `sample`th click. */
  readonly sample: number;
  readonly json: boolean;
  readonly signal?: AbortSignal;
}

/** The rate is counted per 5 s of the records' timestamps (when they went in). */
const RATE_BUCKET_MS = 5_000;

/**
 * Clicks per 5 s by record timestamp. A bucket is reported once a record two buckets later has
 * arrived (partitions and shards are read side by side, slightly out of step), the rest at the end.
 */
class RateCounter {
  private readonly buckets = new Map<number, number>();
  private newest = -Infinity;

  constructor(private readonly report: (fromMs: number, count: number) => void) {}

  add(timestampMs: number): void {
    const bucket = Math.floor(timestampMs / RATE_BUCKET_MS) * RATE_BUCKET_MS;
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    if (bucket <= this.newest) return;
    this.newest = bucket;
    this.flush(bucket - RATE_BUCKET_MS);
  }

  /** Reports every bucket before `beforeMs` (all of them by default). */
  flush(beforeMs = Infinity): void {
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      if (bucket >= beforeMs) break;
      this.report(bucket, this.buckets.get(bucket) ?? 0);
      this.buckets.delete(bucket);
    }
  }
}

function rateLine(fromMs: number, count: number, json: boolean): string {
  const perSecond = count / (RATE_BUCKET_MS / 1000);
  const from = new Date(fromMs).toISOString();
  return json
    ? JSON.stringify({ type: 'rate', from, seconds: RATE_BUCKET_MS / 1000, count, perSecond })
    : `rate  ${from} +5 s  ${count} clicks  ${perSecond.toFixed(1)}/s`;
}

function clickLine(message: StreamMessage, n: number, json: boolean): string {
  if (!json) return message.data;
  let click: unknown = message.data;
  try {
    click = JSON.parse(message.data);
  } catch {
    // shown as the text it is
  }
  return JSON.stringify({ type: 'click', n, timestamp: new Date(message.timestampMs).toISOString(), click });
}

/**
 * `playground input [--follow] [--sample N] [--from-beginning | --since 1m] [--json]`: the clicks
 * going into the job, every Nth as it is (the original's console consumer on `input`), and the rate
 * per 5 s. Reads as an onlooker (no committed offsets, no registered consumer).
 */
export async function input(options: InputOptions, io: Io): Promise<number> {
  const { target } = options;
  return runPlay(io, target, async () => {
    const stream: StreamTarget | undefined = target.input;
    if (!stream) throw new PlayError('no input stream known: deploy with --outputs-file cdk-outputs.json (InputStreamName or BootstrapBrokers) or run the local playground');
    let n = 0;
    const rates = new RateCounter((fromMs, count) => io.out(rateLine(fromMs, count, options.json)));
    const result = await readStream(stream, {
      start: options.start,
      follow: options.follow,
      signal: options.signal,
      kinesis: target.kinesis,
      clientId: 'playground-input',
      onMessages: (messages) => {
        for (const message of messages) {
          if (n++ % options.sample === 0) io.out(clickLine(message, n, options.json));
          rates.add(message.timestampMs);
        }
      },
    });
    rates.flush();
    if (!options.json) io.out(`${n} clicks read${options.sample > 1 ? ` (1 in ${options.sample} shown)` : ''}`);
    if (result.note) io.err(`note: ${result.note}`);
    return 0;
  });
}

/** How far back `input` starts by default. */
const INPUT_SINCE = '1m';

const inputFlags = defineOptions((o) => ({
  target: targetOptions(o),
  watch: watchOptions(o, INPUT_SINCE),
  sample: o.int('--sample <n>', 'print every nth click', { min: 1, max: 1_000_000 }, 100),
}));

export const registerInput: RegisterCommand = (program, io, setExit) => {
  const command = inputFlags
    .add(program.command('input'))
    .description("The clicks going into the job: every 100th (--sample N) and the rate per 5 s (like the original's console consumer on the input topic)")
    .action(async () => {
      const flags = inputFlags.read(command);
      const start = startAt(flags.watch, INPUT_SINCE, realClock.now());
      const target = await playTarget(flags.target, 'read', io, { json: flags.watch.json });
      setExit(await untilInterrupted((signal) => input({ target, start, follow: flags.watch.follow, sample: flags.sample, json: flags.watch.json, signal }, io)));
    });
};
