import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatorEnvironment, parseAuditorConfig, parseAuditSweepConfig, parseGeneratorConfig } from '../../lambdas/shared/config';
import { ConfigError, MalformedRecordError } from '../../lambdas/shared/errors';
import {
  parseClickEvent,
  parseClickEventStatistics,
  serializeClickEvent,
  serializeClickEventStatistics,
} from '../../lambdas/shared/events';
import { PAGES } from '../../lambdas/shared/pages';
import { AUDIT_TABLE, createTableInput, LEDGER_TABLE } from '../../lambdas/shared/tables';
import type { LedgerEntry } from '../../lambdas/shared/ledger';
import { judgeWindow, mayReplace, percentile, type JudgeInput, type ResultItem } from '../../lambdas/shared/verdicts';
import { nextWindowBoundary, upcomingWindows, windowOf, WINDOW_MS } from '../../lambdas/shared/windows';

const instant = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') });

describe('windows', () => {
  it('places every instant in the 15 s window that contains it', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const w = windowOf(ms);
        expect(w.start % WINDOW_MS).toBe(0);
        expect(w.start <= ms && ms < w.end).toBe(true);
      }),
    );
  });

  it('starts upcoming windows at the first boundary strictly after now, contiguously', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 8 }), (ms, n) => {
        const windows = upcomingWindows(ms, n);
        expect(windows[0].start).toBe(nextWindowBoundary(ms));
        expect(windows[0].start > ms && windows[0].start - ms <= WINDOW_MS).toBe(true);
        windows.slice(1).forEach((w, i) => expect(w.start).toBe(windows[i].end));
      }),
    );
  });
});

describe('event contracts', () => {
  it('round-trips ClickEvent and ClickEventStatistics', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...PAGES), fc.integer({ min: 1, max: 1_000_000 }), (ms, page, count) => {
        const event = { timestamp: new Date(ms).toISOString(), page };
        expect(parseClickEvent(serializeClickEvent(event))).toEqual(event);
        const start = windowOf(ms).start;
        const stats = { windowStart: new Date(start).toISOString(), windowEnd: new Date(start + WINDOW_MS).toISOString(), page, count };
        expect(parseClickEventStatistics(serializeClickEventStatistics(stats))).toEqual(stats);
      }),
    );
  });

  it('serializes exactly the contract format', () => {
    expect(serializeClickEvent({ timestamp: '2026-11-22T21:30:00.015Z', page: '/help' })).toBe(
      '{"timestamp":"2026-11-22T21:30:00.015Z","page":"/help"}',
    );
  });

  it.each([
    ['{"timestamp":"22-11-2026 09:30:00:015","page":"/help"}', /ISO-8601/],
    ['{"timestamp":"2026-11-22T21:30:00Z","page":"/help"}', /ISO-8601/],
    ['{"timestamp":"2026-02-30T21:30:00.000Z","page":"/help"}', /ISO-8601/],
    ['{"timestamp":"2026-11-22T21:30:00.015Z","page":"/cart"}', /page/],
    ['{"timestamp":"2026-11-22T21:30:00.015Z"}', /page/],
    ['nope', /not JSON/],
  ])('rejects the malformed ClickEvent %s', (text, message) => {
    expect(() => parseClickEvent(text)).toThrow(MalformedRecordError);
    expect(() => parseClickEvent(text)).toThrow(message);
  });
});

describe('configuration', () => {
  // Every variable the builders write (lambdas/shared/config.ts): the parser applies no default.
  const kinesis = {
    STREAMS: 'kinesis',
    INPUT_STREAM_NAME: 'input',
    LEDGER_TABLE_NAME: 'ledger',
    EVENTS_PER_WINDOW: '1000',
    WINDOWS_PER_INVOCATION: '4',
    RATE_MODE: 'paced',
  };
  const kafka = {
    STREAMS: 'kafka',
    KAFKA_BOOTSTRAP_SERVERS: 'a:9092, b:9092',
    KAFKA_AUTH: 'none',
    INPUT_TOPIC: 'input',
    LEDGER_TABLE_NAME: 'l',
    EVENTS_PER_WINDOW: '1000',
    WINDOWS_PER_INVOCATION: '4',
    RATE_MODE: 'paced',
  };

  it('reads the defaults the builder writes', () => {
    expect(parseGeneratorConfig(kinesis)).toEqual({
      target: { kind: 'kinesis', streamName: 'input' },
      ledgerTableName: 'ledger',
      eventsPerWindow: 1000,
      windowsPerInvocation: 4,
      rateMode: 'paced',
    });
    expect(parseGeneratorConfig(generatorEnvironment(parseGeneratorConfig(kinesis)))).toEqual(parseGeneratorConfig(kinesis));
    expect(parseGeneratorConfig(kafka).target).toEqual({ kind: 'kafka', bootstrapServers: ['a:9092', 'b:9092'], topic: 'input', auth: 'none' });
    expect(parseAuditorConfig({ AUDIT_TABLE_NAME: 'a', LEDGER_TABLE_NAME: 'l', GRACE_PERIOD_SECONDS: '120' }).gracePeriodSeconds).toBe(120);
  });

  it.each([
    [{ ...kinesis, EVENTS_PER_WINDOW: undefined, EVENT_PER_WINDOW: '250' }, 'EVENTS_PER_WINDOW'],
    [{ ...kinesis, EVENTS_PER_WINDOW: ' ' }, 'EVENTS_PER_WINDOW'],
    [{ ...kinesis, WINDOWS_PER_INVOCATION: undefined }, 'WINDOWS_PER_INVOCATION'],
    [{ ...kinesis, RATE_MODE: undefined }, 'RATE_MODE'],
    [{ ...kafka, KAFKA_AUTH: undefined }, 'KAFKA_AUTH'],
    [{ ...kafka, INPUT_TOPIC: undefined }, 'INPUT_TOPIC'],
  ])('applies no default: %o fails naming %s', (env, variable) => {
    expect(() => parseGeneratorConfig(env)).toThrow(new RegExp(`^${variable}: .*required`));
  });

  it('applies no default grace period', () => {
    expect(() => parseAuditorConfig({ AUDIT_TABLE_NAME: 'a', LEDGER_TABLE_NAME: 'l' })).toThrow(/^GRACE_PERIOD_SECONDS: .*required/);
    expect(() => parseAuditSweepConfig({ AUDIT_TABLE_NAME: 'a', LEDGER_TABLE_NAME: 'l', GRACE_PERIOD_SECONDS: '' })).toThrow(/^GRACE_PERIOD_SECONDS: /);
  });

  it.each([
    [{}, 'STREAMS'],
    [{ ...kinesis, STREAMS: 'pubsub' }, 'STREAMS'],
    [{ ...kinesis, INPUT_STREAM_NAME: '' }, 'INPUT_STREAM_NAME'],
    [{ ...kinesis, LEDGER_TABLE_NAME: undefined }, 'LEDGER_TABLE_NAME'],
    [{ ...kinesis, EVENTS_PER_WINDOW: '0' }, 'EVENTS_PER_WINDOW'],
    [{ ...kinesis, EVENTS_PER_WINDOW: '1e3' }, 'EVENTS_PER_WINDOW'],
    [{ ...kinesis, WINDOWS_PER_INVOCATION: '100' }, 'WINDOWS_PER_INVOCATION'],
    [{ ...kinesis, RATE_MODE: 'fast' }, 'RATE_MODE'],
    [{ STREAMS: 'kafka', LEDGER_TABLE_NAME: 'l' }, 'KAFKA_BOOTSTRAP_SERVERS'],
    [{ STREAMS: 'kafka', LEDGER_TABLE_NAME: 'l', KAFKA_BOOTSTRAP_SERVERS: 'broker' }, 'KAFKA_BOOTSTRAP_SERVERS'],
    [{ STREAMS: 'kafka', LEDGER_TABLE_NAME: 'l', KAFKA_BOOTSTRAP_SERVERS: 'b:9098', KAFKA_AUTH: 'iam' }, 'AWS_REGION'],
  ])('rejects %o naming %s', (env, variable) => {
    const error = (() => {
      try {
        parseGeneratorConfig(env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
  });

  it('rejects a bad grace period naming it', () => {
    expect(() => parseAuditorConfig({ AUDIT_TABLE_NAME: 'a', LEDGER_TABLE_NAME: 'l', GRACE_PERIOD_SECONDS: '-1' })).toThrow(
      /^GRACE_PERIOD_SECONDS: /,
    );
  });
});

describe('tables and percentiles', () => {
  it('describes the tables for CreateTable', () => {
    expect(createTableInput(LEDGER_TABLE, 'l').KeySchema).toEqual([{ AttributeName: 'windowStart', KeyType: 'HASH' }]);
    expect(createTableInput(AUDIT_TABLE, 'a').KeySchema).toEqual([
      { AttributeName: 'windowStart', KeyType: 'HASH' },
      { AttributeName: 'page', KeyType: 'RANGE' },
    ]);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
  });
});

describe('verdicts', () => {
  const start = '2026-11-22T21:30:15.000Z';
  const endMs = Date.parse('2026-11-22T21:30:30.000Z');
  const graceMs = 120_000;
  const entry = (status: LedgerEntry['status']): LedgerEntry => ({
    windowStart: start,
    windowEnd: new Date(endMs).toISOString(),
    status,
    eventsPerWindow: 1000,
    pages: 6,
    claimedAt: start,
    claimedBy: 'gen',
    stream: 'kafka',
  });
  const result = (page: string, count: number, extra: Partial<ResultItem> = {}): ResultItem => ({
    windowStart: start,
    page,
    windowEnd: new Date(endMs).toISOString(),
    count,
    arrivedAt: new Date(endMs).toISOString(),
    latencyMs: 0,
    ...extra,
  });
  const judge = (input: Partial<JudgeInput> & Pick<JudgeInput, 'ledger' | 'results'>) =>
    judgeWindow({ windowEndMs: endMs, nowMs: endMs + graceMs, graceMs, allowMissing: true, ...input });

  it('calls a window the generator never marked sent incomplete after the grace period, with its counts', () => {
    const partial = PAGES.map((p) => result(p, 412));

    const verdict = judge({ ledger: entry('claimed'), results: partial.slice(0, 5) });

    expect(verdict.verdict).toBe('incomplete');
    expect(verdict.reason).toContain('never marked the window sent');
    expect(verdict.reason).toContain('/help=412');
    expect(verdict.reason).toContain(`${PAGES[5]}=–`);
    expect(verdict.reason).toContain('at most 1000');
  });

  it('leaves an unsent window pending before the grace period, and when the auditor (not the sweep) judges it', () => {
    const partial = PAGES.map((p) => result(p, 412));

    expect(judge({ ledger: entry('claimed'), results: partial, nowMs: endMs + graceMs - 1 }).verdict).toBe('pending');
    expect(judge({ ledger: entry('claimed'), results: partial, allowMissing: false }).verdict).toBe('pending');
    expect(judge({ ledger: entry('claimed'), results: [] }).verdict).toBe('incomplete');
  });

  it('calls an unsent window whose results are all exact exact', () => {
    expect(judge({ ledger: entry('claimed'), results: PAGES.map((p) => result(p, 1000)), allowMissing: false }).verdict).toBe('exact');
  });

  it('still calls an unsent window wrong for a conflict or a count above eventsPerWindow', () => {
    const conflict = [result('/help', 400, { conflicts: 1, conflictCounts: [410] })];
    const tooMany = [result('/help', 1001)];

    expect(judge({ ledger: entry('claimed'), results: conflict, allowMissing: false })).toMatchObject({ verdict: 'wrong', reason: expect.stringContaining('conflicting counts 400, 410') });
    expect(judge({ ledger: entry('claimed'), results: tooMany, allowMissing: false })).toMatchObject({ verdict: 'wrong', reason: '/help: count 1001, expected 1000' });
  });

  it('keeps the rules for sent windows: any other count is wrong at once, absent results missing after the grace period', () => {
    expect(judge({ ledger: entry('sent'), results: [result('/help', 999)], allowMissing: false }).verdict).toBe('wrong');
    expect(judge({ ledger: entry('sent'), results: PAGES.slice(0, 5).map((p) => result(p, 1000)) })).toMatchObject({
      verdict: 'missing',
      reason: `no result for ${PAGES[5]} after the grace period`,
    });
    expect(judge({ ledger: entry('sent'), results: [], nowMs: endMs + graceMs - 1 }).verdict).toBe('pending');
    expect(judge({ ledger: entry('sent'), results: PAGES.map((p) => result(p, 1000)) }).verdict).toBe('exact');
    expect(judge({ ledger: undefined, results: [result('/help', 1000)] }).verdict).toBe('wrong');
  });

  it('lets an incomplete verdict become exact or wrong, like missing, and nothing else', () => {
    expect(mayReplace(undefined, 'incomplete')).toBe(true);
    expect(mayReplace('incomplete', 'exact')).toBe(true);
    expect(mayReplace('incomplete', 'wrong')).toBe(true);
    expect(mayReplace('incomplete', 'missing')).toBe(false);
    expect(mayReplace('incomplete', 'pending')).toBe(false);
    expect(mayReplace('incomplete', 'incomplete')).toBe(false);
    expect(mayReplace('exact', 'incomplete')).toBe(false);
    expect(mayReplace('wrong', 'incomplete')).toBe(false);
    expect(mayReplace('missing', 'exact')).toBe(true);
    expect(mayReplace('exact', 'wrong')).toBe(true);
  });
});
