import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/shared/clients';
import type { StreamTarget } from '../../lambdas/shared/config';
import { MalformedRecordError } from '../../lambdas/shared/errors';
import { parseClickEventStatistics, type ClickEventStatistics } from '../../lambdas/shared/events';
import { getLedgerEntry } from '../../lambdas/shared/ledger';
import { readStream, type StartAt, type StreamMessage } from '../../lambdas/shared/stream-reader';
import { realClock } from '../../local/poll';
import { playTarget } from '../announce';
import { PlayError, runPlay } from '../errors';
import type { Io } from '../io';
import { defineOptions } from '../options';
import { outputStreamOf, startAt, untilInterrupted, watchOptions } from '../stream-watch';
import { targetOptions, type PlayTarget } from '../target';
import { markWindow, renderMark, renderStatistics, WindowTally, type LedgerLookup, type WindowMark } from '../window-marks';
import type { RegisterCommand } from './register';

export interface OutputOptions {
  readonly target: PlayTarget;
  /** The stream of ClickEventStatistics (see outputStreamOf); undefined when none is known. */
  readonly stream: StreamTarget | undefined;
  readonly start: StartAt;
  /** Read on until `signal` aborts; otherwise stop at the end the stream had at the start. */
  readonly follow: boolean;
  readonly json: boolean;
  readonly signal?: AbortSignal;
}

/** The ledger's entry of one window (GetItem), or undefined when it has none or no ledger is known. */
type LedgerReader = (windowStart: string) => Promise<LedgerLookup>;

function ledgerReader(doc: DynamoDBDocumentClient | undefined, tableName: string | undefined): LedgerReader {
  return async (windowStart) => (doc && tableName ? getLedgerEntry(doc, tableName, windowStart) : undefined);
}

function markJson(mark: WindowMark): string {
  return JSON.stringify({ type: 'window', windowStart: mark.windowStart, verdict: mark.verdict, expected: mark.expected, counts: mark.counts, ...(mark.missingPages.length ? { missingPages: mark.missingPages } : {}) });
}

function statisticsJson(stats: ClickEventStatistics, message: StreamMessage): string {
  return JSON.stringify({ type: 'record', ...stats, timestamp: new Date(message.timestampMs).toISOString() });
}

/**
 * `playground output [--follow] [--from-beginning | --since 5m] [--json]`: every ClickEventStatistics
 * record of the output stream as it arrives, and each window, once all six pages are in, marked
 * against the ledger's eventsPerWindow (one GetItem per window): exact, WRONG with its counts, or not
 * in the ledger. Without --follow it stops at the current end and lists the windows still short of
 * pages. The read never commits an offset nor registers a consumer: it disturbs neither the job nor
 * the auditor.
 */
export async function output(options: OutputOptions, io: Io): Promise<number> {
  const { target } = options;
  const { stream } = options;
  return runPlay(io, target, async () => {
    if (!stream) throw new PlayError('no output stream known: deploy with --outputs-file cdk-outputs.json (OutputStreamName or BootstrapBrokers) or run the local playground');
    const doc = target.tables ? createDocumentClient(target.dynamodb) : undefined;
    const ledger = ledgerReader(doc, target.tables?.ledger);
    if (!target.tables) io.err('no ledger table known (cdk-outputs.json has no LedgerTableName): windows are shown without their expected counts');
    const tally = new WindowTally();
    const say = (mark: WindowMark): void => io.out(options.json ? markJson(mark) : renderMark(mark));
    try {
      const result = await readStream(stream, {
        start: options.start,
        follow: options.follow,
        signal: options.signal,
        kinesis: target.kinesis,
        clientId: 'playground-output',
        onMessages: async (messages) => {
          for (const message of messages) {
            let stats: ClickEventStatistics;
            try {
              stats = parseClickEventStatistics(message.data);
            } catch (error) {
              if (!(error instanceof MalformedRecordError)) throw error;
              io.out(options.json ? JSON.stringify({ type: 'malformed', error: error.message }) : `malformed record (${message.source}): ${error.message}`);
              continue;
            }
            io.out(options.json ? statisticsJson(stats, message) : renderStatistics(stats));
            const complete = tally.add(stats);
            if (complete) say(markWindow(stats.windowStart, complete, await ledger(stats.windowStart)));
          }
        },
      });
      if (!options.follow || options.signal?.aborted) {
        for (const { windowStart, counts } of tally.pending()) say(markWindow(windowStart, counts, undefined));
      }
      if (result.note) io.err(`note: ${result.note}`);
      return 0;
    } finally {
      doc?.destroy();
    }
  });
}

/** How far back `output` starts by default. */
const OUTPUT_SINCE = '5m';

const outputFlags = defineOptions((o) => ({ target: targetOptions(o), watch: watchOptions(o, OUTPUT_SINCE) }));

export const registerOutput: RegisterCommand = (program, io, setExit) => {
  const command = outputFlags
    .add(program.command('output'))
    .description(
      "The job's results as they arrive, one line per window and page, and each window once complete: exact, or WRONG with its counts against the ledger (like the original's console consumer on the output topic)",
    )
    .action(async () => {
      const flags = outputFlags.read(command);
      const start = startAt(flags.watch, OUTPUT_SINCE, realClock.now());
      const target = await playTarget(flags.target, 'read', io, { json: flags.watch.json });
      const stream = outputStreamOf(target, flags.target);
      setExit(await untilInterrupted((signal) => output({ target, stream, start, follow: flags.watch.follow, json: flags.watch.json, signal }, io)));
    });
};
