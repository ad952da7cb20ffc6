/**
 * Micro-benchmark of the generator: events/s it sustains in burst mode against the local streams
 * (kinesis-mock and a Kafka broker, started here from the project's own launchers), and the
 * minified esbuild bundle size of each handler.
 *
 *   npm run bench:generator [-- --skip-kafka] [-- --skip-kinesis]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { createKinesisClient } from '../lambdas/shared/clients';
import { generate } from '../lambdas/shared/generator';
import { KafkaStreamWriter } from '../lambdas/shared/kafka-writer';
import { KinesisStreamWriter } from '../lambdas/shared/kinesis-writer';
import type { Ledger } from '../lambdas/shared/ledger';
import type { StreamWriter } from '../lambdas/shared/stream-writer';
import { playgroundDirs, repoRoot } from '../local/paths';
import { startKafka } from '../local/services/kafka';
import { startKinesisMock } from '../local/services/kinesis-mock';
import { freePortPair } from '../test/lambdas/support/ports';

const HANDLERS = ['generator', 'auditor', 'audit-sweep'] as const;

/** The ledger is not what is measured: claims always succeed, in memory. */
const memoryLedger: Ledger = { claim: async () => true, markSent: async () => {} };

async function measure(label: string, writer: StreamWriter, eventsPerWindow: number, windows: number): Promise<void> {
  const started = performance.now();
  const result = await generate(
    { eventsPerWindow, windowsPerInvocation: windows, rateMode: 'burst', stream: label, invocationId: 'bench' },
    { ledger: memoryLedger, writer },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(13)} ${String(result.eventsSent).padStart(7)} events in ${seconds.toFixed(2).padStart(6)} s = ${Math.round(result.eventsSent / seconds).toLocaleString('en-US').padStart(7)} events/s  (${windows} windows x 6 pages x ${eventsPerWindow})`,
  );
}

async function bundleSizes(work: string): Promise<void> {
  console.log('\nhandler bundles (esbuild: bundle, minify, platform node, target node22, format esm)');
  console.log('handler        @aws-sdk/* external (as on the Lambda runtime)   everything bundled');
  for (const name of HANDLERS) {
    const sizes: string[] = [];
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
      sizes.push(`${(statSync(outfile).size / 1024).toFixed(1)} KiB`);
    }
    console.log(`${name.padEnd(15)}${sizes[0].padEnd(49)}${sizes[1]}`);
  }
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const work = mkdtempSync(path.join(tmpdir(), 'bench-generator-'));
  const logDir = path.join(work, 'logs');
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  try {
    console.log('generator, burst mode (ledger in memory)');
    if (!args.has('--skip-kinesis')) {
      const kinesisMock = await startKinesisMock({ port: await freePortPair(), logDir, streams: [{ name: 'input', shards: 4 }] });
      try {
        const client = createKinesisClient({ endpoint: kinesisMock.endpoint, region: kinesisMock.region });
        // kinesis-mock slows down as the stream fills: keep the run short (DESIGN.md).
        await measure('kinesis-mock', new KinesisStreamWriter({ client, streamName: 'input' }), 500, 2);
      } finally {
        await kinesisMock.stop();
      }
    }
    if (!args.has('--skip-kafka')) {
      const kafka = await startKafka({
        port: await freePortPair(),
        dataDir: path.join(work, 'kafka'),
        logDir,
        cacheDir: playgroundDirs().cache,
        topics: [{ name: 'input', partitions: 4 }],
      });
      const writer = new KafkaStreamWriter({ kind: 'kafka', bootstrapServers: [kafka.bootstrapServers], topic: 'input', auth: 'none' });
      try {
        await measure('kafka (warm-up)', writer, 1000, 1);
        await measure('kafka', writer, 1000, 20);
      } finally {
        await writer.close();
        await kafka.stop();
      }
    }
    await bundleSizes(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
