/**
 * `npm run chaos [-- --minutes N --seed S --streams kafka|kinesis --faults LIST --report FILE]`:
 * a chaos run against its own local playground (see chaos/README.md). Exit 0 only if both judges
 * find no wrong and no missing window and at least one exact one; 1 otherwise; 2 on bad arguments;
 * 130 when interrupted. The stack is always taken down; its home is kept (and named) unless the run passed.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { repoRoot } from '../local/paths';
import { isAlive } from '../local/process';
import { CHAOS_USAGE, ChaosUsageError, parseChaosArgs } from './args';
import { renderReport, runChaos } from './run';

// The README states the Node.js requirement; the SDK's per-process reminder would only clutter the log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const started = Date.now();
const log = (line: string): void => out(`[${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s] ${line}`);

const paused = new Set<number>();
const downs: ((keep: boolean) => Promise<void>)[] = [];
const abort = new AbortController();

/** A TaskManager stopped with SIGSTOP must never stay stopped, whatever ends the run. */
function continuePaused(): void {
  for (const pid of paused) {
    try {
      if (isAlive(pid)) process.kill(pid, 'SIGCONT');
    } catch {
      // gone already
    }
  }
  paused.clear();
}

async function downAll(keep: boolean): Promise<void> {
  continuePaused();
  for (const down of downs) await down(keep).catch(() => undefined);
}

let interrupted = false;
/** The stack going down after Ctrl-C: whoever gets there first (main or the handler) exits once it is down. */
let downing: Promise<void> | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\n${signal}: stopping the chaos run and taking its stack down…\n`);
  abort.abort();
  continuePaused();
  downing = downAll(true);
  void downing.finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', continuePaused);

async function main(): Promise<number> {
  let options;
  try {
    options = parseChaosArgs(process.argv.slice(2), path.join(repoRoot, 'chaos', 'results'), () => String(randomInt(1, 2 ** 31)));
  } catch (error) {
    if (error instanceof ChaosUsageError) {
      process.stderr.write(`npm run chaos: ${error.message}\n\n${CHAOS_USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    out(CHAOS_USAGE);
    return 0;
  }
  let passed = false;
  try {
    const { report } = await runChaos(options, { log, register: (down) => downs.push(down), paused, signal: abort.signal });
    passed = report.passed;
    out('');
    for (const line of renderReport(report)) out(line);
    const relative = path.relative(process.cwd(), options.reportFile);
    out(`report: ${relative.startsWith('..') || path.isAbsolute(relative) ? options.reportFile : relative}`);
    if (!passed) out(`repeat this run with: ${report.command}`);
  } catch (error) {
    if (!interrupted) process.stderr.write(`npm run chaos: ${(error as Error).message}\n`);
  } finally {
    if (!interrupted) {
      log('taking the chaos stack down');
      await downAll(options.keep || !passed);
    }
  }
  if (interrupted) {
    await downing;
    return 130;
  }
  return passed ? 0 : 1;
}

// Exit explicitly with the run's code, without waiting for any handle a failed step may have left open.
process.exit(await main());
