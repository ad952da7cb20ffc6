import type { Command } from 'commander';
import type { Io } from '../io';
import { registerCost } from './cost';
import { registerDown } from './down';
import { registerUp } from './up';

/** Adds one command to the program; `setExit` records the command's exit code. */
export type RegisterCommand = (program: Command, io: Io, setExit: (code: number) => void) => void;

/** Every `playground` command, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [registerUp, registerDown, registerCost];
