import { describe, expect, it } from 'vitest';
import { AWS_DEFAULTS, BenchUsageError, FULL_DEFAULTS, parseBenchArgs, QUICK_DEFAULTS } from '../../bench/args';

const OUT = '/repo/bench/results';

describe('parseBenchArgs', () => {
  it('runs the full benchmark, Kinesis variant included, without arguments', () => {
    expect(parseBenchArgs([], OUT)).toEqual({
      target: 'local',
      quick: false,
      backlogEvents: FULL_DEFAULTS.backlogEvents,
      latencySeconds: FULL_DEFAULTS.latencySeconds,
      kinesis: true,
      outDir: OUT,
    });
  });

  it('uses the small backlog and short steady period, without Kinesis, with --quick', () => {
    expect(parseBenchArgs(['--quick'], OUT)).toEqual({
      target: 'local',
      quick: true,
      backlogEvents: QUICK_DEFAULTS.backlogEvents,
      latencySeconds: QUICK_DEFAULTS.latencySeconds,
      kinesis: false,
      outDir: OUT,
    });
  });

  it('takes explicit sizes, the Kinesis switches and the output folder', () => {
    expect(parseBenchArgs(['--quick', '--backlog', '60000', '--latency-seconds', '45', '--kinesis', '--out', '/tmp/r'], OUT)).toEqual({
      target: 'local',
      quick: true,
      backlogEvents: 60_000,
      latencySeconds: 45,
      kinesis: true,
      outDir: '/tmp/r',
    });
    expect(parseBenchArgs(['--no-kinesis'], OUT)).toMatchObject({ quick: false, kinesis: false });
    expect(parseBenchArgs(['--backlog=18000'], OUT)).toMatchObject({ backlogEvents: 18_000 });
  });

  it('reads a deployed playground with --target aws: the last hour by default, nothing changed without --operations', () => {
    expect(parseBenchArgs(['--target', 'aws'], OUT)).toEqual({ target: 'aws', minutes: AWS_DEFAULTS.minutes, operations: false, outDir: OUT });
    expect(parseBenchArgs(['--target=aws', '--minutes', '15', '--operations', '--outputs', 'out.json', '--app', 'my-app', '--out', '/tmp/r'], OUT)).toEqual({
      target: 'aws',
      minutes: 15,
      operations: true,
      outputs: 'out.json',
      app: 'my-app',
      outDir: '/tmp/r',
    });
    expect(parseBenchArgs(['--target', 'local', '--quick'], OUT)).toMatchObject({ target: 'local', quick: true });
  });

  it('runs only the parts given with --only, in the run\'s own order, the Kinesis variant only when named', () => {
    expect(parseBenchArgs(['--only', 'throughput'], OUT)).toEqual({
      target: 'local',
      quick: false,
      backlogEvents: FULL_DEFAULTS.backlogEvents,
      latencySeconds: FULL_DEFAULTS.latencySeconds,
      kinesis: false,
      outDir: OUT,
      only: ['throughput'],
    });
    expect(parseBenchArgs(['--only', 'throughput, latency,kinesis', '--quick'], OUT)).toMatchObject({ quick: true, kinesis: true, only: ['latency', 'throughput', 'kinesis'] });
  });

  it('answers help for --help and -h', () => {
    expect(parseBenchArgs(['--help'], OUT)).toBe('help');
    expect(parseBenchArgs(['-h'], OUT)).toBe('help');
  });

  it.each([
    [['--fast'], /--fast/],
    [['quick'], /quick/],
    [['--backlog', 'many'], /--backlog expects a whole number from 18000 to 30000000, got 'many'/],
    [['--backlog', '1.5e6'], /--backlog expects a whole number/],
    [['--backlog', '6000'], /--backlog expects a whole number from 18000/],
    [['--backlog', '-300000'], /--backlog/],
    [['--latency-seconds', '10'], /--latency-seconds expects a whole number from 30 to 3600, got '10'/],
    [['--latency-seconds', '99999'], /--latency-seconds/],
    [['--kinesis', '--no-kinesis'], /contradict/],
    [['--out', ''], /--out expects a folder/],
    [['--backlog'], /--backlog/],
    [['--target', 'gcp'], /--target takes local or aws, got 'gcp'/],
    [['--target', 'aws', '--quick'], /--quick applies only to the local target/],
    [['--target', 'aws', '--backlog', '60000', '--kinesis'], /--backlog, --kinesis apply only to the local target/],
    [['--operations'], /--operations applies only to --target aws/],
    [['--minutes', '10'], /--minutes applies only to --target aws/],
    [['--target', 'aws', '--minutes', '2'], /--minutes expects a whole number from 5 to 1440, got '2'/],
    [['--target', 'aws', '--minutes', '1441'], /--minutes expects a whole number from 5 to 1440/],
    [['--target', 'aws', '--app', ' '], /--app expects a value/],
    [['--only', 'speed'], /--only takes parts from latency, recovery, operations, throughput, kinesis \(comma-separated\), got 'speed'/],
    [['--only', ''], /--only takes parts/],
    [['--only', 'latency', '--no-kinesis'], /--only picks the Kinesis variant itself/],
    [['--target', 'aws', '--only', 'latency'], /--only applies only to the local target/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv, OUT)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv, OUT)).toThrow(message);
  });
});
