import { parseArgs } from 'node:util';

/** What a `npm run bench` run on the local stack measures and where it writes. */
export interface BenchOptions {
  readonly target: 'local';
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
  /** Only these parts (`--only`): a run that isolates one figure, written apart from full runs. */
  readonly only?: readonly BenchPart[];
}

/** The parts of a local run that `--only` can pick. */
export const BENCH_PARTS = ['latency', 'recovery', 'operations', 'throughput', 'kinesis'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

/** What `npm run bench -- --target aws` reads from a deployed playground and where it writes. */
export interface AwsBenchOptions {
  readonly target: 'aws';
  /** How far back CloudWatch and the audit table are read, in minutes. */
  readonly minutes: number;
  /** Also time snapshot, stop, start from snapshot, scale 1 → 3 (and back) and an injected failure on the deployed application. */
  readonly operations: boolean;
  /** `cdk deploy --outputs-file` output (default cdk-outputs.json in the repository). */
  readonly outputs?: string;
  /** The application's name instead of the one in the outputs file. */
  readonly app?: string;
  readonly outDir: string;
}

export const AWS_DEFAULTS = { minutes: 60 } as const;

export const QUICK_DEFAULTS = { backlogEvents: 300_000, latencySeconds: 75, kinesis: false } as const;
export const FULL_DEFAULTS = { backlogEvents: 3_000_000, latencySeconds: 300, kinesis: true } as const;

export const BENCH_USAGE = `usage: npm run bench -- [options]                 measure the local playground (started and stopped by the run)
       npm run bench -- --target aws [options]   read the same figures of a deployed playground from CloudWatch and the auditor

local (default):
  --quick                 CI smoke run, under 5 minutes: ${QUICK_DEFAULTS.backlogEvents.toLocaleString('en-US')}-event backlog, ${QUICK_DEFAULTS.latencySeconds} s steady period, no Kinesis variant
                          (nor the generator against kinesis-mock)
  --backlog <events>      events in the catch-up backlog (default ${QUICK_DEFAULTS.backlogEvents} quick, ${FULL_DEFAULTS.backlogEvents} full; 18000 to 30000000: at least 3 windows)
  --latency-seconds <s>   steady period for the latency figures (default ${QUICK_DEFAULTS.latencySeconds} quick, ${FULL_DEFAULTS.latencySeconds} full; 30 to 3600)
  --kinesis               also run the Kinesis variant (kinesis-mock, 100 events/page/window); default in a full run
  --no-kinesis            skip the Kinesis variant
  --only <parts>          run only these parts, comma-separated: ${BENCH_PARTS.join(', ')}
                          (e.g. --only throughput: up, stop, the catch-up run, down); writes <date>[-quick]-only-<parts>.json

--target aws (needs AWS credentials and a deployed playground; changes nothing unless --operations):
  --minutes <m>           read the last m minutes of CloudWatch metrics and audited windows (default ${AWS_DEFAULTS.minutes}; 5 to 1440)
  --operations            also time snapshot, stop, start from snapshot, scale 1 → 3 and back, and an injected failure
                          (the job restarts once; 2 more KPUs for about 10 minutes, ≈$0.04 at $0.11 per KPU-hour)
  --outputs <file>        the outputs of 'cdk deploy --outputs-file' (default cdk-outputs.json)
  --app <name>            the Managed Flink application (default: ApplicationName in the outputs file)

both:
  --out <dir>             where to write <date>[-quick|-aws].json and .md (default bench/results)
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

const LOCAL_ONLY = ['quick', 'backlog', 'latency-seconds', 'kinesis', 'no-kinesis', 'only'] as const;
const AWS_ONLY = ['minutes', 'operations', 'outputs', 'app'] as const;

/**
 * Parses `npm run bench -- …` arguments. Returns `'help'` for `--help`; throws `BenchUsageError`
 * on unknown options, stray arguments, bad numbers, contradictions and options of the other target.
 */
export function parseBenchArgs(argv: readonly string[], defaultOutDir: string): BenchOptions | AwsBenchOptions | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new BenchUsageError((error as Error).message, { cause: error });
  }
  if (values.help) return 'help';
  const target = values.target ?? 'local';
  if (target !== 'local' && target !== 'aws') throw new BenchUsageError(`--target takes local or aws, got '${target}'`);
  if (values.out !== undefined && values.out.trim() === '') throw new BenchUsageError('--out expects a folder');
  const outDir = values.out ?? defaultOutDir;
  const misplaced = (target === 'aws' ? LOCAL_ONLY : AWS_ONLY).filter((flag) => values[flag] !== undefined);
  if (misplaced.length > 0) {
    throw new BenchUsageError(`${misplaced.map((f) => `--${f}`).join(', ')} ${misplaced.length > 1 ? 'apply' : 'applies'} only to ${target === 'aws' ? 'the local target' : '--target aws'}`);
  }
  if (target === 'aws') {
    for (const flag of ['outputs', 'app'] as const) {
      if (values[flag] !== undefined && values[flag].trim() === '') throw new BenchUsageError(`--${flag} expects a value`);
    }
    return {
      target,
      minutes: wholeNumber('--minutes', values.minutes, 5, 1_440) ?? AWS_DEFAULTS.minutes,
      operations: Boolean(values.operations),
      ...(values.outputs !== undefined ? { outputs: values.outputs } : {}),
      ...(values.app !== undefined ? { app: values.app } : {}),
      outDir,
    };
  }
  if (values.kinesis && values['no-kinesis']) throw new BenchUsageError('--kinesis and --no-kinesis contradict each other');
  const quick = Boolean(values.quick);
  const defaults = quick ? QUICK_DEFAULTS : FULL_DEFAULTS;
  const only = values.only === undefined ? undefined : parseParts(values.only);
  if (only && (values.kinesis || values['no-kinesis'])) {
    throw new BenchUsageError(`--only picks the Kinesis variant itself (--only ${[...only.filter((p) => p !== 'kinesis'), 'kinesis'].join(',')}): leave out --kinesis/--no-kinesis`);
  }
  return {
    target,
    quick,
    backlogEvents: wholeNumber('--backlog', values.backlog, 18_000, 30_000_000) ?? defaults.backlogEvents,
    latencySeconds: wholeNumber('--latency-seconds', values['latency-seconds'], 30, 3_600) ?? defaults.latencySeconds,
    kinesis: only ? only.includes('kinesis') : values.kinesis ? true : values['no-kinesis'] ? false : defaults.kinesis,
    outDir,
    ...(only ? { only } : {}),
  };
}

function parseParts(value: string): BenchPart[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(BENCH_PARTS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new BenchUsageError(`--only takes parts from ${BENCH_PARTS.join(', ')} (comma-separated), got '${value}'`);
  }
  // in the run's own order, each once
  return BENCH_PARTS.filter((part) => names.includes(part));
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
      only: { type: 'string' },
      target: { type: 'string' },
      minutes: { type: 'string' },
      operations: { type: 'boolean' },
      outputs: { type: 'string' },
      app: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
