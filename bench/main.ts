/**
 * `npm run bench [-- --quick]`: measures the local playground (throughput of a catch-up run beside
 * the broker's raw rate, end-to-end latency, control-plane operations, recovery from a killed
 * TaskManager, generator rate and handler bundles) and writes `bench/results/<date>.json` with a
 * markdown summary beside it. Every stack runs in a temporary home on free ports and is taken down
 * at the end, on failure and on Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../local/paths';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs } from './args';
import { formatJson, formatSummary, resultPaths } from './report';
import { runBench } from './run';

// The README states the Node.js requirement; the SDK's per-process reminder would only clutter the log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const stacks = new Set<{ down(): Promise<void> }>();

async function downAll(): Promise<void> {
  for (const stack of stacks) await stack.down().catch(() => undefined);
}

let interrupted = false;
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${signal}: taking the benchmark's stacks down…`);
  void downAll().finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(process.argv.slice(2), path.join(repoRoot, 'bench', 'results'));
  } catch (error) {
    if (error instanceof BenchUsageError) {
      console.error(`npm run bench: ${error.message}\n\n${BENCH_USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    console.log(BENCH_USAGE);
    return 0;
  }
  const started = Date.now();
  const stamp = (): string => `[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s]`;
  console.log(
    `${stamp()} benchmark (${options.quick ? 'quick' : 'full'}): backlog ${options.backlogEvents.toLocaleString('en-US')} events, ` +
      `steady period ${options.latencySeconds} s, Kinesis variant ${options.kinesis ? 'on' : 'off'}`,
  );
  try {
    const result = await runBench(options, { log: (line) => console.log(`${stamp()} ${line}`), register: (stack) => stacks.add(stack) });
    const files = resultPaths(options.outDir, result.date, result.mode);
    mkdirSync(options.outDir, { recursive: true });
    writeFileSync(files.json, formatJson(result));
    const summary = formatSummary(result);
    writeFileSync(files.markdown, summary);
    console.log(`\n${summary}`);
    console.log(`wrote ${path.relative(process.cwd(), files.json)} and ${path.relative(process.cwd(), files.markdown)}`);
    console.log(`the ${result.mode} run took ${(result.durationSeconds / 60).toFixed(1)} min`);
    return result.errors.length > 0 ? 1 : 0;
  } finally {
    await downAll();
  }
}

// Exit explicitly: a TaskManager started by the recovery step leaves a child handle behind.
process.exit(await main());
