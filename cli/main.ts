import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { packageInfo } from '../local/paths';
import { consoleIo, UsageError, type Io } from './io';
import { commands } from './commands';

/**
 * The exit codes of every command: 0 done (also `--help` and `--version`), 1 the play failed,
 * 2 the command line was wrong (nothing was done).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Builds the `playground` program; each command module adds itself through `commands`. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('playground')
    .description('The Apache Flink Operations Playground on AWS managed services, and on one machine.')
    .version(packageInfo.version, '-V, --version', 'print the version of the playground')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  for (const register of commands) register(program, io, setExit);
  return program;
}

/**
 * Commander reports every usage error it finds (unknown option or command, missing or invalid
 * argument, a command group without its subcommand) with its own exit code, mostly 1; help and
 * version with 0. Only the latter are not errors.
 */
function commanderExitCode(error: CommanderError): number {
  return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}

/** Runs the CLI and returns its exit code; never throws for user errors. */
export async function main(argv: readonly string[], io: Io = consoleIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // InvalidArgumentError is a CommanderError too, but one that a command threw (not commander's
    // parsing): commander has not printed it.
    if (error instanceof UsageError || error instanceof InvalidArgumentError) {
      io.err(`error: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof CommanderError) return commanderExitCode(error);
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}
