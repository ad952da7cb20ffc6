import type { Command } from 'commander';
import type { Io } from '../io';

/** Adds one command to the program; `setExit` records the command's exit code. */
export type RegisterCommand = (program: Command, io: Io, setExit: (code: number) => void) => void;
