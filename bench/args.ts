import { parseArgs } from 'node:util';

/** What a `npm run bench` run measures and where it writes. */
export interface BenchOptions {
  /** The short CI smoke run (under 5 minutes): smaller backlog, shorter steady period, no Kinesis variant. */
  readonly quick: boolean;
  /** Events in the prepared backlog of the catch-up run (whole windows of 6 pages × 1000 events). */
  readonly backlogEvents: number;
  /** Length of the steady period whose windows give the end-to-end latency, in seconds. */
  readonly latencySeconds: number;
  /** Run the Kinesis (kinesis-mock) variant at its own rate, and the generator against kinesis-mock. */
  readonly kinesis: boolean;
  /** Folder of `<date>.json` and `<date>.md`. */
  readonly outDir: string;
}

export const QUICK_DEFAULTS = { backlogEvents: 300_000, latencySeconds: 75, kinesis: false } as const;
export const FULL_DEFAULTS = { backlogEvents: 3_000_000, latencySeconds: 300, kinesis: true } as const;

export const BENCH_USAGE = `usage: npm run bench -- [options]

  --quick                 CI smoke run, under 5 minutes: ${QUICK_DEFAULTS.backlogEvents.toLocaleString('en-US')}-event backlog, ${QUICK_DEFAULTS.latencySeconds} s steady period, no Kinesis variant
                          (nor the generator against kinesis-mock)
  --backlog <events>      events in the catch-up backlog (default ${QUICK_DEFAULTS.backlogEvents} quick, ${FULL_DEFAULTS.backlogEvents} full; 18000 to 30000000: at least 3 windows)
  --latency-seconds <s>   steady period for the latency figures (default ${QUICK_DEFAULTS.latencySeconds} quick, ${FULL_DEFAULTS.latencySeconds} full; 30 to 3600)
  --kinesis               also run the Kinesis variant (kinesis-mock, 100 events/page/window); default in a full run
  --no-kinesis            skip the Kinesis variant
  --out <dir>             where to write <date>.json and <date>.md (default bench/results)
  -h, --help              show this help
`;

/** A bad command line; the message says what was wrong. */
export class BenchUsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchUsageError';
  }
}

function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) {
    throw new BenchUsageError(`${flag} expects a whole number from ${min} to ${max}, got '${value}'`);
  }
  return parsed;
}

/**
 * Parses `npm run bench -- …` arguments. Returns `'help'` for `--help`; throws `BenchUsageError`
 * on unknown options, stray arguments, bad numbers and contradictions.
 */
export function parseBenchArgs(argv: readonly string[], defaultOutDir: string): BenchOptions | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new BenchUsageError((error as Error).message, { cause: error });
  }
  if (values.help) return 'help';
  if (values.kinesis && values['no-kinesis']) throw new BenchUsageError('--kinesis and --no-kinesis contradict each other');
  const quick = Boolean(values.quick);
  const defaults = quick ? QUICK_DEFAULTS : FULL_DEFAULTS;
  if (values.out !== undefined && values.out.trim() === '') throw new BenchUsageError('--out expects a folder');
  return {
    quick,
    backlogEvents: wholeNumber('--backlog', values.backlog, 18_000, 30_000_000) ?? defaults.backlogEvents,
    latencySeconds: wholeNumber('--latency-seconds', values['latency-seconds'], 30, 3_600) ?? defaults.latencySeconds,
    kinesis: values.kinesis ? true : values['no-kinesis'] ? false : defaults.kinesis,
    outDir: values.out ?? defaultOutDir,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean' },
      backlog: { type: 'string' },
      'latency-seconds': { type: 'string' },
      kinesis: { type: 'boolean' },
      'no-kinesis': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
