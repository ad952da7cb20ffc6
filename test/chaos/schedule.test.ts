import { describe, expect, it } from 'vitest';
import { FAULT_GROUPS, FaultPlanError, HOSTILE_KINDS, parseFaultKinds, planFaults, SELECTABLE_FAULTS, type PlannedFault } from '../../chaos/schedule';
import { seededRandom } from '../../chaos/random';

const all = SELECTABLE_FAULTS;

describe('the seeded fault schedule', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const a = planFaults({ seed: '42', kinds: all, count: 40 });
    const b = planFaults({ seed: '42', kinds: all, count: 40 });
    const c = planFaults({ seed: '43', kinds: all, count: 40 });

    expect(a).toEqual(b);
    expect(c.map((f) => [f.kind, f.gapMs])).not.toEqual(a.map((f) => [f.kind, f.gapMs]));
  });

  it('leaves 20 to 40 s between faults by default, and the gaps asked for otherwise', () => {
    const plan = planFaults({ seed: 'gaps', kinds: all, count: 500 });
    const narrow = planFaults({ seed: 'gaps', kinds: all, count: 100, minGapMs: 25_000, maxGapMs: 26_000 });

    expect(Math.min(...plan.map((f) => f.gapMs))).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...plan.map((f) => f.gapMs))).toBeLessThanOrEqual(40_000);
    expect(new Set(plan.map((f) => Math.min(7, Math.floor(f.gapMs / 5_000)))).size).toBe(4); // spread over the whole interval
    expect(narrow.every((f) => f.gapMs >= 25_000 && f.gapMs <= 26_000)).toBe(true);
    expect(() => planFaults({ seed: 'x', kinds: all, count: 1, minGapMs: 30_000, maxGapMs: 20_000 })).toThrow(FaultPlanError);
  });

  it('draws only the kinds asked for, more often the heavier-weighted ones', () => {
    const plan = planFaults({ seed: 'weights', kinds: all, count: 3_000 });
    const only = planFaults({ seed: 'weights', kinds: ['hostile', 'control'], count: 50 });
    const count = (kind: string) => plan.filter((f) => f.kind === kind).length;

    expect(new Set(only.map((f) => f.kind))).toEqual(new Set(['hostile', 'control']));
    for (const kind of all) expect(count(kind), kind).toBeGreaterThan(0);
    expect(count('kill-tm')).toBeGreaterThan(count('kill-jm') * 2);
    expect(count('hostile')).toBeGreaterThan(count('far-future') * 2);
  });

  it('draws every enabled kind once before it draws any again, so a 10-minute run meets each of them', () => {
    for (const seed of ['a', 'b', 'c', 'd']) {
      const plan = planFaults({ seed, kinds: all, count: 40 });
      const drawn = plan.filter((f) => f.kind !== 'restore' && !(f.kind === 'scale' && f.parallelism === 1)).map((f) => f.kind);

      expect(new Set(drawn.slice(0, all.length)), seed).toEqual(new Set(all));
    }
  });

  it('restores each snapshot after one or two other faults, and scales back to 1 after scaling to 2', () => {
    const plan = planFaults({ seed: 'pairs', kinds: all, count: 2_000 });
    const pairs = (first: (f: PlannedFault) => boolean, second: (f: PlannedFault) => boolean) => {
      const distances: number[] = [];
      plan.forEach((f, i) => {
        if (!first(f)) return;
        const j = plan.findIndex((g, k) => k > i && second(g));
        if (j >= 0) distances.push(j - i - 1);
      });
      return distances;
    };

    const snapshots = plan.filter((f) => f.kind === 'snapshot');
    const restores = plan.filter((f) => f.kind === 'restore');
    expect(snapshots.length).toBeGreaterThan(10);
    expect(restores.map((r) => r.snapshot)).toEqual(snapshots.slice(0, restores.length).map((s) => s.snapshot));
    expect(new Set(snapshots.map((s) => s.snapshot)).size).toBe(snapshots.length);
    expect(new Set(pairs((f) => f.kind === 'snapshot', (f) => f.kind === 'restore'))).toEqual(new Set([1, 2]));
    const scales = plan.filter((f) => f.kind === 'scale').map((f) => f.parallelism);
    expect(scales.every((p, i) => p === (i % 2 === 0 ? 2 : 1))).toBe(true);
    expect(new Set(pairs((f) => f.kind === 'scale' && f.parallelism === 2, (f) => f.kind === 'scale'))).toEqual(new Set([1, 2]));
  });

  it('restores at once when snapshots are the only kind', () => {
    const plan = planFaults({ seed: 's', kinds: ['snapshot'], count: 6 });

    expect(plan.map((f) => f.kind)).toEqual(['snapshot', 'restore', 'snapshot', 'restore', 'snapshot', 'restore']);
  });

  it('gives each fault its seeded choices: pauses past the heartbeat timeout, every hostile kind', () => {
    const plan = planFaults({ seed: 'choices', kinds: all, count: 1_000 });
    const pauses = plan.filter((f) => f.kind === 'pause-tm').map((f) => f.pauseMs ?? 0);
    const hostile = plan.filter((f) => f.kind === 'hostile');

    expect(Math.min(...pauses)).toBeGreaterThanOrEqual(15_000);
    expect(Math.max(...pauses)).toBeLessThanOrEqual(20_000);
    for (const f of hostile) {
      for (const kind of HOSTILE_KINDS) expect(f.records).toContain(kind);
      expect(f.records?.filter((k) => k === 'oversized')).toHaveLength(1);
    }
    expect(plan.every((f) => f.pick >= 0 && f.pick < 1)).toBe(true);
  });

  it('parses --faults kinds and groups, rejecting unknown names', () => {
    expect(parseFaultKinds('hostile,control,stop,scale')).toEqual(['hostile', 'control', 'stop', 'scale']);
    expect(parseFaultKinds('kill, records')).toEqual([...FAULT_GROUPS.kill, 'hostile', 'far-future']);
    expect(parseFaultKinds('all')).toEqual(SELECTABLE_FAULTS);
    expect(() => parseFaultKinds('hostile,explode')).toThrow(/unknown fault kind\(s\) 'explode'/);
    expect(() => parseFaultKinds('restore')).toThrow(FaultPlanError);
    expect(() => parseFaultKinds('toString')).toThrow(FaultPlanError);
    expect(() => parseFaultKinds(' , ')).toThrow(/at least one/);
  });

  it('draws numbers that look uniform', () => {
    const random = seededRandom('uniform');
    const buckets = Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(random.next() * 10)]++;

    expect(Math.min(...buckets)).toBeGreaterThan(850);
    expect(Math.max(...buckets)).toBeLessThan(1_150);
  });
});
