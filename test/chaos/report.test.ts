import { describe, expect, it } from 'vitest';
import { CHAOS_USAGE, ChaosUsageError, parseChaosArgs } from '../../chaos/args';
import type { InjectedFault } from '../../chaos/faults';
import { hostileRecord, OVERSIZED_BYTES } from '../../chaos/hostile';
import { judgeRun } from '../../chaos/judge';
import { compareJudges, renderReport, verdictOf, type AuditorJudgement, type ChaosReport } from '../../chaos/report';
import { judgedRange } from '../../chaos/run';
import { SELECTABLE_FAULTS } from '../../chaos/schedule';

const W1 = '2026-11-22T21:30:00.000Z';
const W2 = '2026-11-22T21:30:15.000Z';

function auditor(windows: Partial<AuditorJudgement['windows']>, verdicts: AuditorJudgement['verdicts'] = {}): AuditorJudgement {
  return { windows: { exact: 0, wrong: 0, missing: 0, incomplete: 0, pending: 0, ...windows }, duplicates: 0, malformed: 0, verdicts, nonExact: [] };
}

describe('the chaos report', () => {
  it('compares the judges window by window, a window only one of them knows included', () => {
    const own = judgeRun([], [{ windowStart: W1, status: 'claimed', eventsPerWindow: 1000 }, { windowStart: W2, status: 'sent', eventsPerWindow: 1000 }], {
      fromMs: Date.parse(W1),
      toMs: Date.parse(W2) + 1,
    });

    const agreement = compareJudges({ [W1]: 'incomplete', [W2]: 'exact', '2026-11-22T21:31:00.000Z': 'wrong' }, own.judgements);

    expect(agreement.windows).toBe(3);
    expect(agreement.agree).toBe(1);
    expect(agreement.disagreements).toEqual([
      { windowStart: W2, auditor: 'exact', independent: 'missing' },
      { windowStart: '2026-11-22T21:31:00.000Z', auditor: 'wrong', independent: 'none' },
    ]);
  });

  it('passes only with no wrong and no missing window and at least one exact one, for both judges', () => {
    const clean = { exact: 3, wrong: 0, missing: 0, incomplete: 2 };

    expect(verdictOf(auditor({ ...clean, pending: 0 }), { windows: clean })).toEqual([]);
    expect(verdictOf(auditor({ ...clean, wrong: 1 }), { windows: clean })).toEqual(['the auditor found 1 wrong window(s)']);
    expect(verdictOf(auditor(clean), { windows: { ...clean, missing: 2 } })).toEqual(['the independent judge found 2 missing window(s)']);
    expect(verdictOf(auditor({ exact: 0 }), { windows: { ...clean, exact: 0 } })).toHaveLength(2);
    expect(verdictOf(undefined, undefined)).toEqual(['the auditor gave no verdict', 'the independent judge gave no verdict']);
  });

  it('prints the faults by kind and the two judges side by side', () => {
    const fault = (index: number, kind: InjectedFault['kind'], extra: Partial<InjectedFault> = {}): InjectedFault => ({
      index,
      kind,
      at: W1,
      endedAt: W1,
      elapsedSeconds: index * 30,
      detail: kind,
      ok: true,
      ...extra,
    });
    const report: ChaosReport = {
      schemaVersion: 1,
      seed: '7',
      streams: 'kafka',
      minutes: 4,
      kinds: SELECTABLE_FAULTS,
      command: 'npm run chaos -- --seed 7',
      startedAt: W1,
      finishedAt: W2,
      durationSeconds: 420,
      home: '/tmp/h',
      logsDir: '/tmp/h/logs',
      faults: [
        fault(1, 'kill-tm', { recoveredAfterSeconds: 12.5, replacedAfterSeconds: 4 }),
        fault(2, 'kill-tm', { recoveredAfterSeconds: 20.1, replacedAfterSeconds: null }),
        fault(3, 'hostile', { recoveredAfterSeconds: 0 }),
        fault(4, 'stop', { ok: false, error: 'timed out', recoveredAfterSeconds: null }),
        fault(5, 'restore', { ok: false, skipped: 'snapshot chaos-7-1 was not created' }),
      ],
      faultsByKind: { 'kill-tm': 2, hostile: 1, stop: 1 },
      stackEvents: { fault: 5, exited: 2, restarted: 1 },
      range: { from: W1, to: W2 },
      auditor: { ...auditor({ exact: 20, incomplete: 1 }), duplicates: 6 },
      independent: { windows: { exact: 20, wrong: 0, missing: 0, incomplete: 1 }, duplicates: 2, malformed: 0, outOfRange: 0, nonExact: [] },
      agreement: { windows: 21, agree: 21, disagreements: [] },
      passed: true,
      failures: [],
    };

    const text = renderReport(report).join('\n');

    expect(text).toContain('4 injected, 1 skipped');
    expect(text).toMatch(/kill-tm +2 +0 +20\.1 s +1 of 2/);
    expect(text).toMatch(/stop +1 +1 +not seen/);
    expect(text).toMatch(/restore +0 +0 +– +\(1 skipped\)/);
    expect(text).toContain('stack events: exited 2, restarted 1');
    expect(text).toMatch(/exact +20 +20/);
    expect(text).toMatch(/incomplete +1 +1 +the generator stopped mid-window/);
    expect(text).toMatch(/duplicates +6 +2/);
    expect(text).toContain('21 of 21 windows: the judges agree on every window');
    expect(text).toContain('PASSED: no window wrong or missing (incomplete windows are reported, not failed)');
  });

  it('judges the windows ending by the last fault plus the margin', () => {
    const range = judgedRange(Date.parse('2026-11-22T21:00:00.000Z'), Date.parse('2026-11-22T21:10:07.000Z'), 45_000);

    expect(new Date(range.horizonMs).toISOString()).toBe('2026-11-22T21:11:00.000Z');
    expect(range.fromMs).toBe(Date.parse('2026-11-22T20:59:00.000Z'));
    // the last judged window is 21:10:45–21:11:00
    expect(range.toMs).toBe(Date.parse('2026-11-22T21:10:45.000Z') + 1);
  });
});

describe('npm run chaos arguments', () => {
  const parse = (argv: string[]) => parseChaosArgs(argv, '/repo/chaos/results', () => '1234', Date.parse('2026-11-22T21:30:00.000Z'));

  it('has defaults: 10 minutes, kafka, every fault kind, a drawn seed, a report under chaos/results', () => {
    expect(parse([])).toEqual({
      minutes: 10,
      seed: '1234',
      seedGiven: false,
      streams: 'kafka',
      kinds: SELECTABLE_FAULTS,
      reportFile: '/repo/chaos/results/20261122T213000Z-seed-1234.json',
      keep: false,
    });
  });

  it('takes the options', () => {
    const options = parse(['--minutes', '3', '--seed', 'abc', '--streams', 'kinesis', '--faults', 'hostile,control', '--report', '/tmp/r.json', '--keep']);

    expect(options).toMatchObject({ minutes: 3, seed: 'abc', seedGiven: true, streams: 'kinesis', kinds: ['hostile', 'control'], reportFile: '/tmp/r.json', keep: true });
    expect(parse(['--help'])).toBe('help');
    expect(CHAOS_USAGE).toContain('--faults <list>');
  });

  it('rejects bad arguments with a message naming them', () => {
    expect(() => parse(['--minutes', '0'])).toThrow(/--minutes expects a number from 1 to 240/);
    expect(() => parse(['--streams', 'msk'])).toThrow(/--streams takes kafka or kinesis/);
    expect(() => parse(['--faults', 'nope'])).toThrow(ChaosUsageError);
    expect(() => parse(['--seed', 'a b'])).toThrow(/--seed/);
    expect(() => parse(['--what'])).toThrow(ChaosUsageError);
  });
});

describe('hostile records', () => {
  const now = Date.parse('2026-11-22T21:30:07.500Z');
  const json = (kind: Parameters<typeof hostileRecord>[0], n = 0) => JSON.parse(String(hostileRecord(kind, now, n).data)) as Record<string, unknown>;

  it('are never a click the job may count in a current window', () => {
    expect(json('far-late').timestamp).toBe('2026-11-22T20:30:07.500Z');
    expect(json('far-future').timestamp).toBe('2026-11-23T21:30:07.500Z');
    expect(json('unknown-page').page).toBe('/admin');
    expect(json('missing-field')).not.toHaveProperty('page');
    expect(() => JSON.parse(String(hostileRecord('garbage', now).data))).toThrow();
    const binary = hostileRecord('binary', now).data as Buffer;
    expect(Buffer.isBuffer(binary)).toBe(true);
    expect(binary.toString('utf8')).toContain('\ufffd');
  });

  it('makes the oversized record about 900 KB of JSON with an unknown page', () => {
    const oversized = hostileRecord('oversized', now);

    expect(Buffer.byteLength(String(oversized.data))).toBe(OVERSIZED_BYTES);
    expect(String(json('oversized').page).length).toBeGreaterThan(900_000);
  });
});
