import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { input } from '../../cli/commands/input';
import { output } from '../../cli/commands/output';
import { startAt } from '../../cli/stream-watch';
import { markWindow, renderMark, WindowTally, type Counts } from '../../cli/window-marks';
import { serializeClickEventStatistics } from '../../lambdas/shared/events';
import { PAGES, type Page } from '../../lambdas/shared/pages';
import { readStream } from '../../lambdas/shared/stream-reader';
import { awsTarget, recordingIo } from './support';

const kinesis = mockClient(KinesisClient);
const dynamodb = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  kinesis.reset();
  dynamodb.reset();
});

const W1 = '2026-12-01T23:57:15.000Z';
const W2 = '2026-12-01T23:57:30.000Z';

function shards(...ids: string[]): { Shards: Shard[] } {
  return { Shards: ids.map((ShardId) => ({ ShardId, HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' }, SequenceNumberRange: { StartingSequenceNumber: '0' } })) };
}

function end(windowStart: string): string {
  return new Date(Date.parse(windowStart) + 15_000).toISOString();
}

function allPages(count: number, overrides: Partial<Record<Page, number>> = {}): Counts {
  return Object.fromEntries(PAGES.map((page) => [page, overrides[page] ?? count]));
}

function statsRecord(windowStart: string, page: Page, count: number): { Data: Uint8Array; SequenceNumber: string; ApproximateArrivalTimestamp: Date; PartitionKey: string } {
  return {
    Data: Buffer.from(serializeClickEventStatistics({ windowStart, windowEnd: end(windowStart), page, count })),
    SequenceNumber: `${Date.parse(windowStart)}${PAGES.indexOf(page)}`,
    ApproximateArrivalTimestamp: new Date(Date.parse(windowStart) + 20_000),
    PartitionKey: page,
  };
}

describe('window marks', () => {
  it('marks a window exact when every page counts the ledger’s eventsPerWindow', () => {
    const mark = markWindow(W1, allPages(1000), { eventsPerWindow: 1000, status: 'sent' });

    expect(mark.verdict).toBe('exact');
    expect(renderMark(mark)).toBe(`window ${W1} exact (6 pages × 1000)`);
  });

  it('marks a window WRONG with its counts and the expected count per page', () => {
    const mark = markWindow(W1, allPages(1000, { '/help': 998 }), { eventsPerWindow: 1000, status: 'sent' });

    expect(mark.verdict).toBe('wrong');
    expect(renderMark(mark)).toBe(`window ${W1} WRONG: counts /help=998 /index=1000 /shop=1000 /jobs=1000 /about=1000 /news=1000; expected 1000 per page`);
  });

  it('does not call a window wrong whose generation the ledger shows unfinished', () => {
    const mark = markWindow(W1, allPages(400), { eventsPerWindow: 1000, status: 'claimed' });

    expect(mark.verdict).toBe('unfinished');
  });

  it('says "not in the ledger" for a complete window the ledger has no entry of', () => {
    const mark = markWindow(W1, allPages(1000), undefined);

    expect(mark.verdict).toBe('not-in-ledger');
    expect(renderMark(mark)).toMatch(/^window 2026-12-01T23:57:15.000Z not in the ledger: counts \/help=1000/);
  });

  it('calls a window short of pages incomplete and names the missing ones', () => {
    const { '/news': _news, ...five } = allPages(1000);

    const mark = markWindow(W1, five, { eventsPerWindow: 1000, status: 'sent' });

    expect(mark.verdict).toBe('incomplete');
    expect(mark.missingPages).toEqual(['/news']);
    expect(renderMark(mark)).toContain('5 of 6 pages');
  });

  it('completes a window once, at its sixth page, keeping the first count of a repeated page', () => {
    const tally = new WindowTally();
    const add = (page: Page, count: number): Counts | undefined => tally.add({ windowStart: W1, windowEnd: end(W1), page, count });

    const before = PAGES.slice(0, 5).map((page) => add(page, 10));
    const repeat = add('/help', 99);
    const complete = add('/news', 10);
    const after = add('/news', 10);

    expect(before.every((c) => c === undefined)).toBe(true);
    expect(repeat).toBeUndefined();
    expect(complete).toEqual(allPages(10));
    expect(after).toBeUndefined();
    expect(tally.pending()).toEqual([]);
  });
});

describe('playground output on Kinesis (AWS)', () => {
  const stream = { kind: 'kinesis', streamName: 'output-stream' } as const;

  it('prints every record, marks the complete window against one GetItem, and stops at the tip', async () => {
    // Prepare: W1 complete (one page wrong), W2 with five pages; the ledger knows W1 only.
    kinesis.on(ListShardsCommand).resolves(shards('shardId-000000000000'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    kinesis
      .on(GetRecordsCommand, { ShardIterator: 'it-1' })
      .resolves({ Records: PAGES.map((p) => statsRecord(W1, p, p === '/shop' ? 999 : 1000)), NextShardIterator: 'it-2', MillisBehindLatest: 5_000 })
      .on(GetRecordsCommand, { ShardIterator: 'it-2' })
      .resolves({ Records: PAGES.slice(0, 5).map((p) => statsRecord(W2, p, 1000)), NextShardIterator: 'it-3', MillisBehindLatest: 0 });
    dynamodb.on(GetCommand).resolves({});
    dynamodb.on(GetCommand, { Key: { windowStart: W1 } }).resolves({ Item: { windowStart: W1, eventsPerWindow: 1000, status: 'sent' } });
    const io = recordingIo();

    // Act
    const code = await output({ target: awsTarget, stream, start: { kind: 'timestamp', ms: Date.parse(W1) }, follow: false, json: false }, io);

    // Assess
    expect(code).toBe(0);
    expect(io.lines.filter((l) => /^\d{4}-.*Z {2}\/\w+ {2}\d+$/.test(l))).toHaveLength(11);
    expect(io.lines).toContain(`${W1}  /help  1000`);
    expect(io.lines).toContain(`window ${W1} WRONG: counts /help=1000 /index=1000 /shop=999 /jobs=1000 /about=1000 /news=1000; expected 1000 per page`);
    expect(io.lines.some((l) => l.startsWith(`window ${W2} incomplete`))).toBe(true);
    expect(dynamodb.commandCalls(GetCommand)).toHaveLength(1);
    expect(kinesis.commandCalls(GetShardIteratorCommand)[0].args[0].input).toMatchObject({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(W1) });
    expect(kinesis.commandCalls(GetRecordsCommand)).toHaveLength(2);
  });

  it('prints one JSON object per line with --json, the window verdict and the ledger’s count', async () => {
    kinesis.on(ListShardsCommand).resolves(shards('shardId-000000000000'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    kinesis.on(GetRecordsCommand).resolves({ Records: PAGES.map((p) => statsRecord(W1, p, 1000)), NextShardIterator: 'it-2', MillisBehindLatest: 0 });
    dynamodb.on(GetCommand).resolves({ Item: { windowStart: W1, eventsPerWindow: 1000, status: 'sent' } });
    const io = recordingIo();

    await output({ target: awsTarget, stream, start: { kind: 'earliest' }, follow: false, json: true }, io);

    const objects = io.lines.map((l) => JSON.parse(l) as { type: string; verdict?: string; expected?: number });
    expect(objects.filter((o) => o.type === 'record')).toHaveLength(6);
    expect(objects.at(-1)).toMatchObject({ type: 'window', verdict: 'exact', expected: 1000 });
    expect(kinesis.commandCalls(GetShardIteratorCommand)[0].args[0].input).toMatchObject({ ShardIteratorType: 'TRIM_HORIZON' });
  });

  it('says "not in the ledger" when GetItem finds no entry for the window', async () => {
    kinesis.on(ListShardsCommand).resolves(shards('shardId-000000000000'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    kinesis.on(GetRecordsCommand).resolves({ Records: PAGES.map((p) => statsRecord(W1, p, 1000)), NextShardIterator: 'it-2', MillisBehindLatest: 0 });
    dynamodb.on(GetCommand).resolves({});
    const io = recordingIo();

    await output({ target: awsTarget, stream, start: { kind: 'earliest' }, follow: false, json: false }, io);

    expect(io.lines.at(-1)).toMatch(new RegExp(`^window ${W1} not in the ledger`));
    expect(dynamodb.commandCalls(GetCommand)[0].args[0].input).toMatchObject({ TableName: 'ledger-table', Key: { windowStart: W1 } });
  });

  it('reports a malformed record and goes on', async () => {
    kinesis.on(ListShardsCommand).resolves(shards('shardId-000000000000'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    kinesis.on(GetRecordsCommand).resolves({ Records: [{ Data: Buffer.from('not json'), SequenceNumber: '1', PartitionKey: 'x' }, statsRecord(W1, '/help', 5)], MillisBehindLatest: 0 });
    const io = recordingIo();

    await output({ target: awsTarget, stream, start: { kind: 'earliest' }, follow: false, json: false }, io);

    expect(io.lines[0]).toMatch(/^malformed record \(shardId-000000000000\): ClickEventStatistics is not JSON/);
    expect(io.lines[1]).toBe(`${W1}  /help  5`);
  });

  it('fails with one line when no output stream is known', async () => {
    const io = recordingIo();

    const code = await output({ target: awsTarget, stream: undefined, start: { kind: 'earliest' }, follow: false, json: false }, io);

    expect(code).toBe(1);
    expect(io.errors[0]).toMatch(/no output stream known/);
  });
});

describe('the stream reader on Kinesis', () => {
  it('follows a stream past its tip until the signal aborts, without registering a consumer', async () => {
    kinesis.on(ListShardsCommand).resolves(shards('a', 'b'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    kinesis.on(GetRecordsCommand).resolves({ Records: [], NextShardIterator: 'it', MillisBehindLatest: 0 });
    const controller = new AbortController();
    let polls = 0;

    const result = await readStream(
      { kind: 'kinesis', streamName: 's' },
      {
        start: { kind: 'earliest' },
        follow: true,
        signal: controller.signal,
        onMessages: () => undefined,
        sleep: async () => {
          if (++polls >= 6) controller.abort();
        },
      },
    );

    expect(result.messages).toBe(0);
    expect(kinesis.commandCalls(GetRecordsCommand).length).toBeGreaterThanOrEqual(6);
    expect(kinesis.commandCalls(GetShardIteratorCommand)).toHaveLength(2);
  });

  it('without a MillisBehindLatest (kinesis-mock) stops a shard after three empty answers', async () => {
    kinesis.on(ListShardsCommand).resolves(shards('a'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    kinesis.on(GetRecordsCommand).resolves({ Records: [], NextShardIterator: 'it' });

    await readStream({ kind: 'kinesis', streamName: 's' }, { start: { kind: 'earliest' }, follow: false, onMessages: () => undefined, sleep: async () => undefined });

    expect(kinesis.commandCalls(GetRecordsCommand)).toHaveLength(3);
  });

  it('gets a fresh iterator after the last record read when the iterator expired', async () => {
    kinesis.on(ListShardsCommand).resolves(shards('a'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    const expired = Object.assign(new Error('expired'), { name: 'ExpiredIteratorException' });
    kinesis
      .on(GetRecordsCommand)
      .resolvesOnce({ Records: [statsRecord(W1, '/help', 1)], NextShardIterator: 'it', MillisBehindLatest: 10 })
      .rejectsOnce(expired)
      .resolves({ Records: [], NextShardIterator: 'it', MillisBehindLatest: 0 });

    await readStream({ kind: 'kinesis', streamName: 's' }, { start: { kind: 'earliest' }, follow: false, onMessages: () => undefined, sleep: async () => undefined });

    expect(kinesis.commandCalls(GetShardIteratorCommand)[1].args[0].input).toMatchObject({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: statsRecord(W1, '/help', 1).SequenceNumber });
  });
});

describe('playground input on Kinesis', () => {
  it('prints every Nth click and the clicks per 5 s by record timestamp', async () => {
    const t0 = Date.parse('2026-12-01T23:57:15.000Z');
    const clicks = Array.from({ length: 20 }, (_, i) => ({
      Data: Buffer.from(JSON.stringify({ timestamp: new Date(t0 + i * 500).toISOString(), page: '/help' })),
      SequenceNumber: String(i),
      PartitionKey: 'k',
      ApproximateArrivalTimestamp: new Date(t0 + i * 500),
    }));
    kinesis.on(ListShardsCommand).resolves(shards('a'));
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    kinesis.on(GetRecordsCommand).resolves({ Records: clicks, NextShardIterator: 'it', MillisBehindLatest: 0 });
    const io = recordingIo();

    const code = await input({ target: awsTarget, start: { kind: 'earliest' }, follow: false, sample: 5, json: false }, io);

    expect(code).toBe(0);
    expect(io.lines.filter((l) => l.startsWith('{'))).toHaveLength(4);
    expect(io.lines.filter((l) => l.startsWith('rate'))).toEqual([
      'rate  2026-12-01T23:57:15.000Z +5 s  10 clicks  2.0/s',
      'rate  2026-12-01T23:57:20.000Z +5 s  10 clicks  2.0/s',
    ]);
    expect(io.lines.at(-1)).toBe('20 clicks read (1 in 5 shown)');
  });
});

describe('where a watch starts', () => {
  it('defaults to --since, takes --from-beginning, and refuses both', () => {
    const now = Date.parse(W1);
    expect(startAt({ follow: false, fromBeginning: false, json: false }, '5m', now)).toEqual({ kind: 'timestamp', ms: now - 300_000 });
    expect(startAt({ follow: false, fromBeginning: true, json: false }, '5m', now)).toEqual({ kind: 'earliest' });
    expect(() => startAt({ follow: false, fromBeginning: true, since: '1m', json: false }, '5m', now)).toThrow(/not both/);
  });
});
