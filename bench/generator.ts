/**
 * Micro-benchmark of the generator: events/s it sustains in burst mode against the local streams
 * (kinesis-mock and a Kafka broker, started here from the project's own launchers), and the
 * minified esbuild bundle size of each handler. `npm run bench` reuses `measureGenerator` and
 * `handlerBundleSizes` from here.
 *
 *   npm run bench:generator [-- --skip-kafka] [-- --skip-kinesis]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createKinesisClient } from '../lambdas/shared/clients';
import { GENERATOR_DEFAULTS } from '../lambdas/shared/config';
import { generate } from '../lambdas/shared/generator';
import { KafkaStreamWriter } from '../lambdas/shared/kafka-writer';
import { KinesisStreamWriter } from '../lambdas/shared/kinesis-writer';
import type { Ledger } from '../lambdas/shared/ledger';
import type { StreamWriter } from '../lambdas/shared/stream-writer';
import { playgroundDirs, repoRoot } from '../local/paths';
import { LOCAL_CREDENTIALS } from '../local/names';
import { startKafka } from '../local/services/kafka';
import { startKinesisMock } from '../local/services/kinesis-mock';
import { reservePorts } from '../local/ports';

export const HANDLERS = ['generator', 'auditor', 'audit-sweep'] as const;

/** The ledger is not what is measured: claims always succeed, in memory. */
const memoryLedger: Ledger = { claim: async () => true, markSent: async () => {} };

/** One burst of the generator: how many events it sent and how fast. */
export interface GeneratorRate {
  readonly stream: string;
  readonly events: number;
  readonly windows: number;
  readonly eventsPerWindow: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface MeasureOptions {
  readonly eventsPerWindow: number;
  readonly windows: number;
  /**
   * Generate the windows that follow this instant, with the generator's clock held there (so
   * windows in the past are sent too: a backlog). @default now (upcoming windows)
   */
  readonly anchorMs?: number;
}

/** Runs the generator's own `generate` in burst mode through `writer` and times it. */
export async function measureGenerator(label: string, writer: StreamWriter, options: MeasureOptions): Promise<GeneratorRate> {
  const { anchorMs } = options;
  const started = performance.now();
  const result = await generate(
    { eventsPerWindow: options.eventsPerWindow, windowsPerInvocation: options.windows, rateMode: 'burst', stream: label, invocationId: 'bench', anchorMs },
    { ledger: memoryLedger, writer, ...(anchorMs === undefined ? {} : { clock: () => anchorMs }) },
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    stream: label,
    events: result.eventsSent,
    windows: options.windows,
    eventsPerWindow: options.eventsPerWindow,
    seconds,
    eventsPerSecond: result.eventsSent / seconds,
  };
}

export function formatGeneratorRate(rate: GeneratorRate): string {
  return `${rate.stream.padEnd(15)} ${String(rate.events).padStart(7)} events in ${rate.seconds.toFixed(2).padStart(6)} s = ${Math.round(rate.eventsPerSecond).toLocaleString('en-US').padStart(7)} events/s  (${rate.windows} windows x 6 pages x ${rate.eventsPerWindow})`;
}

/** Minified esbuild bundle sizes of one handler, in bytes. */
export interface BundleSize {
  readonly handler: string;
  /** `@aws-sdk/*` external, as on the Lambda runtime. */
  readonly sdkExternalBytes: number;
  /** Everything bundled. */
  readonly allBundledBytes: number;
}

export async function handlerBundleSizes(work: string): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const name of HANDLERS) {
    const bytes: number[] = [];
    for (const external of [['@aws-sdk/*'], []]) {
      const outfile = path.join(work, `${name}-${external.length ? 'ext' : 'all'}.mjs`);
      await build({
        entryPoints: [path.join(repoRoot, 'lambdas', `${name}.ts`)],
        outfile,
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        external,
        logLevel: 'error',
      });
      bytes.push(statSync(outfile).size);
    }
    sizes.push({ handler: name, sdkExternalBytes: bytes[0], allBundledBytes: bytes[1] });
  }
  return sizes;
}

/** The generator against a fresh kinesis-mock (it slows down as a stream fills: keep runs short, DESIGN.md). */
export async function measureKinesisMock(logDir: string): Promise<GeneratorRate> {
  const kinesisMock = await startKinesisMock({ port: (await reservePorts(1))[0]!, logDir, streams: [{ name: 'input', shards: 4 }] });
  try {
    const client = createKinesisClient({ endpoint: kinesisMock.endpoint, region: kinesisMock.region, credentials: LOCAL_CREDENTIALS });
    try {
      return await measureGenerator('kinesis-mock', new KinesisStreamWriter({ client, streamName: 'input' }), { eventsPerWindow: 500, windows: 2 });
    } finally {
      client.destroy();
    }
  } finally {
    await kinesisMock.stop();
  }
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const work = mkdtempSync(path.join(tmpdir(), 'bench-generator-'));
  const logDir = path.join(work, 'logs');
  try {
    console.log('generator, burst mode (ledger in memory)');
    if (!args.has('--skip-kinesis')) console.log(formatGeneratorRate(await measureKinesisMock(logDir)));
    if (!args.has('--skip-kafka')) {
      const kafka = await startKafka({
        port: (await reservePorts(1))[0]!,
        dataDir: path.join(work, 'kafka'),
        logDir,
        cacheDir: playgroundDirs().cache,
        topics: [{ name: 'input', partitions: 4 }],
      });
      const writer = new KafkaStreamWriter({ kind: 'kafka', bootstrapServers: [kafka.bootstrapServers], topic: 'input', auth: 'none' });
      try {
        const { eventsPerWindow } = GENERATOR_DEFAULTS;
        console.log(formatGeneratorRate(await measureGenerator('kafka (warm-up)', writer, { eventsPerWindow, windows: 1 })));
        console.log(formatGeneratorRate(await measureGenerator('kafka', writer, { eventsPerWindow, windows: 20 })));
      } finally {
        await writer.close();
        await kafka.stop();
      }
    }
    console.log('\nhandler bundles (esbuild: bundle, minify, platform node, target node22, format esm)');
    console.log('handler        @aws-sdk/* external (as on the Lambda runtime)   everything bundled');
    for (const size of await handlerBundleSizes(work)) {
      console.log(`${size.handler.padEnd(15)}${`${(size.sdkExternalBytes / 1024).toFixed(1)} KiB`.padEnd(49)}${(size.allBundledBytes / 1024).toFixed(1)} KiB`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
