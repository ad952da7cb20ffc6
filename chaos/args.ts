import path from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_GROUPS, FAULTS, FaultPlanError, parseFaultKinds, SELECTABLE_FAULTS, type SelectableFault } from './schedule';

export interface ChaosOptions {
  /** How long faults are injected, in minutes (start-up and settling come on top). */
  readonly minutes: number;
  readonly seed: string;
  /** Whether the seed was given (else it was drawn, and is printed so the run can be repeated). */
  readonly seedGiven: boolean;
  readonly streams: 'kafka' | 'kinesis';
  readonly kinds: readonly SelectableFault[];
  readonly reportFile: string;
  /** Keep the stack's home even when the run passes. */
  readonly keep: boolean;
}

const CHAOS_DEFAULTS = { minutes: 10, streams: 'kafka' } as const;

const kindLines = SELECTABLE_FAULTS.map((k) => `                      ${k.padEnd(15)} ${FAULTS[k].what}`).join('\n');
const groupLines = Object.entries(FAULT_GROUPS)
  .map(([g, kinds]) => `                      ${g.padEnd(15)} ${g === 'all' ? 'every kind above' : kinds.join(', ')}`)
  .join('\n');

export const CHAOS_USAGE = `usage: npm run chaos -- [options]

Starts its own local playground (a temporary --home, free ports), injects faults in a seeded random
order 20–40 s apart, lets the stack settle, then judges every window twice — by the auditor and by
an independent reading of the output stream and the ledger — and exits 0 only if neither judge finds
a wrong or missing window (and at least one is exact). The stack is always taken down.

  --minutes <n>       how long to inject faults (default ${CHAOS_DEFAULTS.minutes}; 1 to 240); start-up (≈1–2 min) and
                      settling (≈1–4 min) come on top
  --seed <s>          the schedule's seed (default: drawn at random and printed, to repeat a run)
  --streams <kind>    kafka (default, 1000 events per page per window) or kinesis (kinesis-mock, 100)
  --faults <list>     comma-separated kinds and groups to inject (default all):
${kindLines}
                    groups:
${groupLines}
  --report <file>     the JSON report (default chaos/results/<time>-seed-<seed>.json, not committed)
  --keep              keep the stack's home (logs, data) also when the run passes
  -h, --help          show this help
`;

/** A bad command line; the message says what was wrong. */
export class ChaosUsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChaosUsageError';
  }
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Parses `npm run chaos -- …`. Returns 'help' for --help. @throws ChaosUsageError
 * @param randomSeed draws the seed when none is given
 */
export function parseChaosArgs(argv: readonly string[], resultsDir: string, randomSeed: () => string, nowMs = Date.now()): ChaosOptions | 'help' {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        minutes: { type: 'string' },
        seed: { type: 'string' },
        streams: { type: 'string' },
        faults: { type: 'string' },
        report: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new ChaosUsageError((error as Error).message, { cause: error });
  }
  if (values.help) return 'help';
  let minutes: number = CHAOS_DEFAULTS.minutes;
  if (values.minutes !== undefined) {
    minutes = Number(values.minutes);
    if (!/^\d+(\.\d+)?$/.test(values.minutes.trim()) || minutes < 1 || minutes > 240) {
      throw new ChaosUsageError(`--minutes expects a number from 1 to 240, got '${values.minutes}'`);
    }
  }
  const streams = values.streams ?? CHAOS_DEFAULTS.streams;
  if (streams !== 'kafka' && streams !== 'kinesis') throw new ChaosUsageError(`--streams takes kafka or kinesis, got '${streams}'`);
  if (values.seed !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(values.seed)) {
    throw new ChaosUsageError(`--seed expects 1 to 64 letters, digits, '.', '_' or '-', got '${values.seed}'`);
  }
  let kinds: SelectableFault[] = [...SELECTABLE_FAULTS];
  if (values.faults !== undefined) {
    try {
      kinds = parseFaultKinds(values.faults);
    } catch (error) {
      if (error instanceof FaultPlanError) throw new ChaosUsageError(`--faults: ${error.message}`, { cause: error });
      throw error;
    }
  }
  if (values.report !== undefined && values.report.trim() === '') throw new ChaosUsageError('--report expects a file');
  const seed = values.seed ?? randomSeed();
  return {
    minutes,
    seed,
    seedGiven: values.seed !== undefined,
    streams,
    kinds,
    reportFile: path.resolve(values.report ?? path.join(resultsDir, `${stamp(nowMs)}-seed-${seed}.json`)),
    keep: Boolean(values.keep),
  };
}
