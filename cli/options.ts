import { InvalidArgumentError } from 'commander';

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
export function oneOf<T extends string>(...allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}
