import { InvalidArgumentError, Option, type Command } from 'commander';

/** A commander argument parser for an integer in [min, max], with a message naming the limits. */
export function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got '${value}'`);
    }
    return parsed;
  };
}

/** A commander argument parser that accepts only the given words. */
function oneOf<T extends string>(...allowed: readonly T[]): (value: string) => T {
  return (value) => {
    const found = allowed.find((word) => word === value);
    if (found === undefined) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got '${value}'`);
    return found;
  };
}

/**
 * The options of a command, each declared once with its parser: `defineOptions` calls the
 * declaration twice, once to add the options to a commander command and once per run to read
 * commander's parsed values back, each checked against its declaration, into a typed object.
 */
export interface OptionBuilder {
  /** `--force`: true when given. */
  flag(flags: string, description: string): boolean;
  /** `--no-wait`: false when given. */
  negatedFlag(flags: string, description: string): boolean;
  /** `--restore <snapshot>`: the text, `defaultValue` when not given (check it where it is used). */
  text(flags: string, description: string, defaultValue: string): string;
  /** `--home <dir>`: the text, or undefined. */
  optionalText(flags: string, description: string): string | undefined;
  /** `--set <k=v>`, given any number of times: every value, in order (none: empty). */
  repeatedText(flags: string, description: string): string[];
  /** `--timeout <seconds>`: a whole number in [min, max], `defaultValue` when not given. */
  int(flags: string, description: string, range: IntRange, defaultValue: number): number;
  /** `--per-kpu <n>`: a whole number in [min, max], or undefined. */
  optionalInt(flags: string, description: string, range: IntRange): number | undefined;
  /** `--streams <kind>`: one of the words, `defaultValue` when not given. */
  word<T extends string>(flags: string, description: string, allowed: readonly T[], defaultValue: T): T;
  /** `--target <where>`: one of the words, or undefined. */
  optionalWord<T extends string>(flags: string, description: string, allowed: readonly T[]): T | undefined;
}

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** A command's options, declared once: add them to a command, read them back typed. */
export interface DefinedOptions<T> {
  /** Adds the options to `command`, in the order they are declared. */
  add(command: Command): Command;
  /** The values of `command`'s options (commander's `opts()`, after parsing). */
  read(command: Command): T;
  /** The same, from an options object as commander passes it to an action. */
  readValues(values: Readonly<Record<string, unknown>>): T;
}

function attribute(flags: string): string {
  return new Option(flags).attributeName();
}

function adder(command: Command): OptionBuilder {
  const add = (option: Option): void => {
    command.addOption(option);
  };
  return {
    flag: (flags, description) => (add(new Option(flags, description).default(false)), false),
    negatedFlag: (flags, description) => (add(new Option(flags, description)), true),
    text: (flags, description, defaultValue) => (add(new Option(flags, description).default(defaultValue)), defaultValue),
    optionalText: (flags, description) => (add(new Option(flags, description)), undefined),
    repeatedText: (flags, description) => (add(new Option(flags, description).argParser((v: string, previous: string[]) => [...previous, v]).default([])), []),
    int: (flags, description, range, defaultValue) => (add(new Option(flags, description).argParser(intIn(range.min, range.max)).default(defaultValue)), defaultValue),
    optionalInt: (flags, description, range) => (add(new Option(flags, description).argParser(intIn(range.min, range.max))), undefined),
    word: (flags, description, allowed, defaultValue) => (add(new Option(flags, description).argParser(oneOf(...allowed)).default(defaultValue)), defaultValue),
    optionalWord: (flags, description, allowed) => (add(new Option(flags, description).argParser(oneOf(...allowed))), undefined),
  };
}

/** A value that does not match its declaration: the declaration and commander disagree (a bug, not a user error). */
function mismatch(flags: string, value: unknown): never {
  throw new TypeError(`option ${flags} has the value ${JSON.stringify(value)}, which its declaration does not allow`);
}

function reader(values: Readonly<Record<string, unknown>>): OptionBuilder {
  const value = (flags: string): unknown => values[attribute(flags)];
  const int = (flags: string, range: IntRange): number | undefined => {
    const v = value(flags);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) return mismatch(flags, v);
    return v;
  };
  const word = <T extends string>(flags: string, allowed: readonly T[]): T | undefined => {
    const v = value(flags);
    if (v === undefined) return undefined;
    return allowed.find((w) => w === v) ?? mismatch(flags, v);
  };
  const text = (flags: string): string | undefined => {
    const v = value(flags);
    if (v === undefined || typeof v === 'string') return v;
    return mismatch(flags, v);
  };
  return {
    flag: (flags) => value(flags) === true,
    negatedFlag: (flags) => value(flags) !== false,
    text: (flags, _description, defaultValue) => text(flags) ?? defaultValue,
    optionalText: (flags) => text(flags),
    repeatedText: (flags) => {
      const v = value(flags);
      if (v === undefined) return [];
      return Array.isArray(v) && v.every((item) => typeof item === 'string') ? [...(v as string[])] : mismatch(flags, v);
    },
    int: (flags, _description, range, defaultValue) => int(flags, range) ?? defaultValue,
    optionalInt: (flags, _description, range) => int(flags, range),
    word: (flags, _description, allowed, defaultValue) => word(flags, allowed) ?? defaultValue,
    optionalWord: (flags, _description, allowed) => word(flags, allowed),
  };
}

/**
 * Declares a command's options once, e.g.
 * `defineOptions((o) => ({ force: o.flag('--force', 'stop at once'), timeout: o.int('--timeout <s>', '…', { min: 1, max: 60 }, 10) }))`:
 * the result's type follows from the declaration, and no command casts commander's values.
 */
export function defineOptions<T>(declare: (o: OptionBuilder) => T): DefinedOptions<T> {
  return {
    add: (command) => {
      declare(adder(command));
      return command;
    },
    read: (command) => declare(reader(command.opts())),
    readValues: (values) => declare(reader(values)),
  };
}
