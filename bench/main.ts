/**
 * `npm run bench [-- --quick]`: measures the local playground (throughput of a catch-up run beside
 * the broker's raw rate, end-to-end latency, control-plane operations, recovery from a killed
 * TaskManager, generator rate and handler bundles) and writes `bench/results/<date>.json` with a
 * markdown summary beside it. Every stack runs in a temporary home on free ports and is taken down
 * at the end, on failure and on Ctrl-C. `--target aws` reads the same figures, where they exist, of
 * a deployed playground (bench/aws.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../local/paths';
import { UsageError } from '../cli/io';
import { resolveTarget } from '../cli/target';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type AwsBenchOptions } from './args';
import { runAwsBench } from './aws';
import { compareResults, formatAwsSummary, formatComparison, formatJson, formatSummary, resultPaths } from './report';
import { committedResult, gitCommit, runBench } from './run';
import { BenchStepError } from './stack';

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
  const log = (line: string): void => console.log(`${stamp()} ${line}`);
  if (options.target === 'aws') return benchAws(options, log);
  console.log(
    `${stamp()} benchmark (${options.quick ? 'quick' : 'full'}): backlog ${options.backlogEvents.toLocaleString('en-US')} events, ` +
      `steady period ${options.latencySeconds} s, Kinesis variant ${options.kinesis ? 'on' : 'off'}`,
  );
  try {
    const result = await runBench(options, { log, register: (stack) => stacks.add(stack) });
    write(options.outDir, unusedResultPaths(options.outDir, result), formatJson(result), formatSummary(result));
    const baseline = committedResult(result.mode);
    if (baseline) {
      const b = baseline.result;
      console.log(`\n${formatComparison(`bench/results/${baseline.file} (commit ${b.gitCommit?.slice(0, 7) ?? '?'}, load ${b.machine.loadAverage.start.toFixed(1)}; now ${result.machine.loadAverage.start.toFixed(1)})`, compareResults(b, result))}`);
    } else {
      console.log(`no committed ${result.mode} run under bench/results to compare with`);
    }
    console.log(`the ${result.mode} run took ${(result.durationSeconds / 60).toFixed(1)} min`);
    return result.errors.length > 0 ? 1 : 0;
  } finally {
    await downAll();
  }
}

async function benchAws(options: AwsBenchOptions, log: (line: string) => void): Promise<number> {
  let target;
  try {
    target = resolveTarget({ target: 'aws', app: options.app, outputs: options.outputs });
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`npm run bench: ${error.message}`);
      return 2;
    }
    throw error;
  }
  log(
    `benchmark (aws): ${target.applicationName}${target.region ? ` in ${target.region}` : ''}, the last ${options.minutes} min` +
      `${options.operations ? '; then snapshot, injected failure, stop, start, scale and back on the deployed application' : ' (read only)'}`,
  );
  let result;
  try {
    result = await runAwsBench(options, target, { log, gitCommit });
  } catch (error) {
    if (error instanceof BenchStepError) {
      console.error(`npm run bench: ${error.message}`);
      return 1;
    }
    throw error;
  }
  write(options.outDir, unusedResultPaths(options.outDir, { ...result, mode: 'aws' }), formatJson(result), formatAwsSummary(result));
  return result.errors.length > 0 ? 1 : 0;
}

/** The run's files; when a run of the same kind on the same date wrote them, names with the start time (UTC HHMM). */
function unusedResultPaths(
  outDir: string,
  result: { readonly date: string; readonly startedAt: string; readonly mode: 'quick' | 'full' | 'aws'; readonly only?: readonly string[] },
): { json: string; markdown: string } {
  const plain = resultPaths(outDir, result.date, result.mode, result.only);
  if (!existsSync(plain.json)) return plain;
  return resultPaths(outDir, result.date, result.mode, result.only, result.startedAt.slice(11, 16).replace(':', ''));
}

function write(outDir: string, files: { json: string; markdown: string }, json: string, summary: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(files.json, json);
  writeFileSync(files.markdown, summary);
  console.log(`\n${summary}`);
  console.log(`wrote ${path.relative(process.cwd(), files.json)} and ${path.relative(process.cwd(), files.markdown)}`);
}

// Exit explicitly with the run's code, without waiting for any handle a failed step may have left open.
process.exit(await main());
