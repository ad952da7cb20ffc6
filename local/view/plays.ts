import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../paths';

/**
 * The plays the web view's buttons run (with `up --view-actions`). Each one is the `playground`
 * command a user would type, run as a child process against the stack's home: the same code, the
 * same checks and waits, and its output lines are the play's progress. (The stack's own process
 * cannot import the CLI: local/ sits below cli/.)
 */
export const VIEW_PLAYS = {
  kill: { label: 'Kill a TaskManager', args: ['fail', '--kill-taskmanager'] },
  fail: { label: 'Fail (control record)', args: ['fail'] },
  snapshot: { label: 'Snapshot', args: ['snapshot', 'create'] },
  stop: { label: 'Stop', args: ['stop'] },
  start: { label: 'Start', args: ['start'] },
  scale: { label: 'Scale', args: ['scale'] },
} as const satisfies Record<string, { readonly label: string; readonly args: readonly string[] }>;

export type ViewPlayName = keyof typeof VIEW_PLAYS;

/** One run of a play: what it ran, its output so far and, once it ended, its exit code. */
export interface PlayRun {
  readonly id: number;
  readonly play: ViewPlayName;
  /** The command line, as a user would type it. */
  readonly command: string;
  readonly startedAt: string;
  readonly lines: readonly string[];
  readonly endedAt?: string;
  readonly exitCode?: number;
}

/** A play that cannot run now or as asked (HTTP 400/409 in the view's API). */
export class PlayRequestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409,
  ) {
    super(message);
    this.name = 'PlayRequestError';
  }
}

export function isViewPlay(name: string): name is ViewPlayName {
  return Object.hasOwn(VIEW_PLAYS, name);
}

/** The command line of a play; `scale` needs `parallelism` (1–64). @throws PlayRequestError */
function playArgs(play: ViewPlayName, body: Readonly<Record<string, unknown>>): string[] {
  const args: string[] = [...VIEW_PLAYS[play].args];
  if (play === 'scale') {
    const { parallelism } = body;
    if (typeof parallelism !== 'number' || !Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64) {
      throw new PlayRequestError('scale needs { "parallelism": N } with N from 1 to 64', 400);
    }
    args.push(String(parallelism));
  }
  return args;
}

/** Runs one play at a time against the stack in `home`, keeping the latest run. */
export class PlayRunner {
  private latest?: PlayRun & { lines: string[] };
  private running = false;
  private nextId = 1;

  constructor(private readonly home: string) {}

  /** The current or last run. */
  last(): PlayRun | undefined {
    return this.latest ? { ...this.latest, lines: [...this.latest.lines] } : undefined;
  }

  /** Starts `play`; the run goes on in the background. @throws PlayRequestError when one runs already */
  start(play: ViewPlayName, body: Readonly<Record<string, unknown>>): PlayRun {
    const args = playArgs(play, body);
    if (this.running && this.latest) throw new PlayRequestError(`${this.latest.command} is still running; wait until it ends`, 409);
    const run = { id: this.nextId++, play, command: `playground ${args.join(' ')}`, startedAt: new Date().toISOString(), lines: [] as string[] };
    this.latest = run;
    this.running = true;
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'playground.js'), ...args, '--home', this.home], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (stream: NodeJS.ReadableStream): void => {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const text = rest + chunk.toString('utf8');
        const parts = text.split('\n');
        rest = parts.pop() ?? '';
        run.lines.push(...parts.filter((line) => line.trim()));
      });
      stream.on('end', () => {
        if (rest.trim()) run.lines.push(rest);
      });
    };
    collect(child.stdout);
    collect(child.stderr);
    const end = (exitCode: number, line?: string): void => {
      if (!this.running || this.latest !== run) return;
      if (line) run.lines.push(line);
      this.latest = { ...run, endedAt: new Date().toISOString(), exitCode };
      this.running = false;
    };
    child.once('error', (error) => end(1, `could not run ${run.command}: ${error.message}`));
    child.once('close', (code, signal) => end(code ?? 1, signal ? `ended by ${signal}` : undefined));
    return { ...run, lines: [] };
  }
}
