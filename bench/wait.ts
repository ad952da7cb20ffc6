import { poll, type Clock } from '../local/poll';

class OutOfTime extends Error {
  constructor() {
    super('out of time');
    this.name = 'OutOfTime';
  }
}

/**
 * local/poll.ts's `poll` for the benchmark's measurements, where running out of time is an answer:
 * looks every `intervalMs` until `check` gives a value, and gives undefined once `timeoutMs` passed.
 */
export async function pollFor<T>(
  check: () => Promise<T | undefined>,
  options: { readonly timeoutMs: number; readonly intervalMs: number; readonly clock?: Clock },
): Promise<T | undefined> {
  try {
    const { value } = await poll<T>(
      async () => {
        const value = await check();
        return value === undefined ? { done: false, state: 'waiting' } : { done: true, value };
      },
      { ...options, timeout: () => new OutOfTime() },
    );
    return value;
  } catch (error) {
    if (error instanceof OutOfTime) return undefined;
    throw error;
  }
}
