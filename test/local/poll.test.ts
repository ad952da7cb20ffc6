import { describe, expect, it } from 'vitest';
import { fakeClock, poll, type PollResult } from '../../local/poll';

describe('poll', () => {
  it('returns the value once done, reporting each state change once', async () => {
    const clock = fakeClock();
    const states = ['CREATED', 'CREATED', 'STARTING', 'STARTING'];
    const seen: string[] = [];
    const result = await poll<string>(
      async (): Promise<PollResult<string>> => {
        const state = states.shift();
        return state ? { done: false, state } : { done: true, value: 'RUNNING' };
      },
      { timeoutMs: 60_000, intervalMs: 1_000, clock, onState: (state, ms) => seen.push(`${state}@${ms}`), timeout: () => new Error('timed out') },
    );
    expect(result).toEqual({ value: 'RUNNING', elapsedMs: 4_000 });
    expect(seen).toEqual(['CREATED@0', 'STARTING@2000']);
  });

  it('reports a state that stays, every reportEveryMs', async () => {
    const clock = fakeClock();
    const seen: number[] = [];
    await expect(
      poll(async () => ({ done: false, state: 'STOPPING' }), {
        timeoutMs: 10_000,
        intervalMs: 1_000,
        reportEveryMs: 4_000,
        clock,
        onState: (_, ms) => seen.push(ms),
        timeout: (state, ms) => new Error(`still ${state} after ${ms} ms`),
      }),
    ).rejects.toThrow('still STOPPING after 10000 ms');
    expect(seen).toEqual([0, 4_000, 8_000]);
  });

  it('does not sleep past the timeout, and lets a check fail fast', async () => {
    const clock = fakeClock();
    const looks: number[] = [];
    await expect(
      poll(async (ms) => (looks.push(ms), { done: false, state: 'x' }), { timeoutMs: 2_500, intervalMs: 1_000, clock, timeout: () => new Error('timeout') }),
    ).rejects.toThrow('timeout');
    expect(looks).toEqual([0, 1_000, 2_000, 2_500]);
    await expect(
      poll(
        async () => {
          throw new Error('FAILED: cannot leave this state');
        },
        { timeoutMs: 2_500, intervalMs: 1_000, clock, timeout: () => new Error('timeout') },
      ),
    ).rejects.toThrow('FAILED');
  });
});
