/** Where a command writes: injected so commands can be tested without touching the console. */
export interface Io {
  /** Normal output (tables, JSON, progress lines). */
  out(line: string): void;
  /** Errors and warnings. */
  err(line: string): void;
  /** True when `out` is an interactive terminal (live views redraw only then). */
  readonly interactive: boolean;
}

export const consoleIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stdout.isTTY),
};

/** An error whose message is meant for the user as is: the CLI prints it without a stack trace. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}
