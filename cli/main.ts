import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { consoleIo, UsageError, type Io } from './io';
import { commands } from './commands';

/** Builds the `playground` program; each command module adds itself through `commands`. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('playground')
    .description('The Apache Flink Operations Playground on AWS managed services, and on one machine.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  for (const register of commands) register(program, io, setExit);
  return program;
}

/** Runs the CLI and returns its exit code; never throws for user errors. */
export async function main(argv: readonly string[], io: Io = consoleIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    if (error instanceof UsageError || error instanceof InvalidArgumentError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
