import { describe, expect, it } from 'vitest';
import { localSchedule, scheduledEvent } from '../../local/functions/lambda-shapes';
import { upcomingWindows } from '../../lambdas/shared/windows';

describe('localSchedule', () => {
  const now = Date.parse('2026-11-23T03:55:47.100Z');

  it('anchors the first invocation at the instant the stack created the schedule, not at host start-up', () => {
    const spawnedAt = Date.parse('2026-11-23T03:55:43.464Z');
    const schedule = localSchedule({ PLAYGROUND_SCHEDULE_MS: '15000', PLAYGROUND_SCHEDULE_START_MS: String(spawnedAt) }, now);
    expect(schedule).toEqual({ firstMs: spawnedAt, periodMs: 15_000 });
    // The host came up after 03:55:45, yet its first invocation still stands for the window that follows up.
    const event = scheduledEvent(schedule.firstMs, 'us-east-1', 'generator-schedule');
    expect(upcomingWindows(Date.parse(event.time), 1)[0].start).toBe(Date.parse('2026-11-23T03:55:45.000Z'));
  });

  it('falls back to now and the given period when the stack sets neither', () => {
    expect(localSchedule({}, now, 60_000)).toEqual({ firstMs: now, periodMs: 60_000 });
    expect(localSchedule({ PLAYGROUND_SCHEDULE_START_MS: '' }, now, 1_000)).toEqual({ firstMs: now, periodMs: 1_000 });
  });

  it('never anchors in the future', () => {
    expect(localSchedule({ PLAYGROUND_SCHEDULE_START_MS: String(now + 5_000) }, now).firstMs).toBe(now);
  });

  it('rejects values that are not whole milliseconds, naming the variable', () => {
    expect(() => localSchedule({ PLAYGROUND_SCHEDULE_MS: 'fifteen' }, now)).toThrow(/PLAYGROUND_SCHEDULE_MS .*'fifteen'/);
    expect(() => localSchedule({ PLAYGROUND_SCHEDULE_MS: '0' }, now)).toThrow(/PLAYGROUND_SCHEDULE_MS must be greater than 0/);
    expect(() => localSchedule({ PLAYGROUND_SCHEDULE_START_MS: '-1' }, now)).toThrow(/PLAYGROUND_SCHEDULE_START_MS/);
    expect(() => localSchedule({ PLAYGROUND_SCHEDULE_START_MS: '1.5' }, now)).toThrow(/PLAYGROUND_SCHEDULE_START_MS/);
  });
});
