/**
 * The local stack's supervisor process, started (detached) by `playground up`: the one owner of the
 * stack's processes. It starts every part of the stack, replaces a process that ends by itself,
 * serves the API through which other commands ask it to act on them (local/supervisor-api.ts),
 * keeps `.playground/state/stack.json` up to date, and on SIGTERM or SIGINT stops everything it
 * started. Its only argument is a JSON SupervisorArgs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SupervisorArgs, SupervisorMessage } from './daemon-protocol';
import { playgroundDirs } from './paths';
import { startStack, type RunningStack } from './stack';
import { removeStackRecord, writeStackRecord } from './stack-state';

const args = JSON.parse(process.argv[2] ?? '{}') as SupervisorArgs;
const dirs = playgroundDirs(args.home);
mkdirSync(dirs.state, { recursive: true });
const pidFile = path.join(dirs.state, 'supervisor.pid');
writeFileSync(pidFile, String(process.pid));

function send(message: SupervisorMessage): void {
  process.stdout.write(`${new Date().toISOString()} ${JSON.stringify(message)}\n`);
  if (process.send && process.connected) process.send(message);
}

let stack: RunningStack | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (stack) {
      writeStackRecord(dirs, { ...stack.record(), status: 'stopping' });
      await stack.stop();
    }
    removeStackRecord(dirs);
    rmSync(pidFile, { force: true });
  }
  process.exit(code);
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

try {
  stack = await startStack(dirs, args.options, {
    env: process.env,
    progress: (message) => send({ type: 'progress', message }),
    onRecordChange: (record) => {
      if (!stopping) writeStackRecord(dirs, record);
    },
  });
  if (stopping) await shutdown(0);
  writeStackRecord(dirs, stack.record());
  send({ type: 'ready', record: stack.record() });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  await shutdown(1);
}
