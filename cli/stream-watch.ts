/** What `playground output` and `playground input` share: where to read, from when, and Ctrl-C. */
import type { StreamTarget } from '../lambdas/shared/config';
import type { StartAt } from '../lambdas/shared/stream-reader';
import { outputsFilePath, readCdkOutputs } from './cdk-outputs';
import { UsageError } from './io';
import type { OptionBuilder } from './options';
import type { PlayTarget, TargetFlags } from './target';
import { parseDuration } from './commands/audit';

/** The topic of the job's results on MSK (infra/lib/streams.ts). */
const MSK_OUTPUT_TOPIC = 'output';

/** The flags of a watch: how long back, or from the beginning, and whether to follow. */
export interface WatchFlags {
  readonly follow: boolean;
  readonly fromBeginning: boolean;
  readonly since?: string;
  readonly json: boolean;
}

/** Declares `--follow`, `--from-beginning`, `--since` and `--json`. */
export function watchOptions(o: OptionBuilder, defaultSince: string): WatchFlags {
  return {
    follow: o.flag('--follow', 'keep reading as records arrive, until Ctrl-C (default: stop at the current end)'),
    fromBeginning: o.flag('--from-beginning', 'start at the oldest record the stream keeps'),
    since: o.optionalText('--since <duration>', `start at the records of the last 90s/15m/2h (default ${defaultSince})`),
    json: o.flag('--json', 'one JSON object per line'),
  };
}

/** `--from-beginning` or `--since` (default `defaultSince`) as a start. @throws UsageError when both are given */
export function startAt(flags: WatchFlags, defaultSince: string, nowMs: number): StartAt {
  if (flags.fromBeginning && flags.since !== undefined) throw new UsageError('give --from-beginning or --since, not both');
  if (flags.fromBeginning) return { kind: 'earliest' };
  return { kind: 'timestamp', ms: nowMs - parseDuration(flags.since ?? defaultSince) };
}

/**
 * The stream the job writes its results to: the local stack's output topic or stream, on AWS the
 * Kinesis stream named OutputStreamName in cdk-outputs.json, or the MSK cluster's `output` topic.
 */
export function outputStreamOf(target: PlayTarget, flags: TargetFlags): StreamTarget | undefined {
  const record = target.local?.record;
  if (record) {
    return record.options.streams === 'kafka'
      ? { kind: 'kafka', bootstrapServers: [record.endpoints.kafka ?? ''], topic: record.streamNames.output, auth: 'none' }
      : { kind: 'kinesis', streamName: record.streamNames.output };
  }
  if (target.input?.kind === 'kafka') return { ...target.input, topic: MSK_OUTPUT_TOPIC };
  const name = readCdkOutputs(outputsFilePath(flags))?.OutputStreamName;
  return name ? { kind: 'kinesis', streamName: name } : undefined;
}

/** An AbortSignal that Ctrl-C (SIGINT) aborts while `run` runs: the read ends and closes its consumers. */
export async function untilInterrupted<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.on('SIGINT', onInterrupt);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
