import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../local/paths';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  /** The whole environment of the child. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Then the child is interrupted (SIGINT) and the call rejects with what it printed. @default 60000 */
  readonly timeoutMs?: number;
  /** Interrupt the child (SIGINT, as Ctrl-C does) once its stdout matches, and resolve with how it ended. */
  readonly interruptWhen?: RegExp;
}

/** Runs `playground ARGS` as a user would (a new Node process through bin/playground.js). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode([path.join(repoRoot, 'bin', 'playground.js'), ...args], `playground ${args.join(' ')}`, options);
}

/** Runs `npm run bench -- ARGS` as a user would, without npm in between (bench/main.ts through tsx). */
export function runBench(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode(['--import', 'tsx', path.join(repoRoot, 'bench', 'main.ts'), ...args], `npm run bench -- ${args.join(' ')}`, options);
}

function runNode(nodeArgs: readonly string[], label: string, options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.interruptWhen && !interrupted && options.interruptWhen.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`${label} did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
