import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../../lambdas/shared/audit-query';
import { createAuditorHandler } from '../../lambdas/shared/auditor';
import { PAGES } from '../../lambdas/shared/pages';
import { AUDIT_TABLE, LEDGER_TABLE } from '../../lambdas/shared/tables';
import { toIso, WINDOW_MS } from '../../lambdas/shared/windows';
import { appendStackEvent } from '../../local/events';
import { playgroundDirs, type PlaygroundDirs } from '../../local/paths';
import { freePort } from '../../local/ports';
import { writeStackRecord, type StackRecord } from '../../local/stack-state';
import { cellVerdict, type EventsAnswer, type JobAnswer, type WindowsAnswer } from '../../local/view/api';
import { startViewServer, type ViewServer } from '../../local/view/server';
import { liveStackRecord } from '../cli/support';
import { FakeDynamoDb } from '../lambdas/support/fake-dynamodb';
import { fakeContext, kinesisEvent, MetricRecorder } from '../lambdas/support/recorders';

/** The job's results as the auditor's Kinesis event source delivers them. */
function resultsEvent(results: readonly { windowStart: number; page: string; count: number }[]): KinesisStreamEvent {
  return kinesisEvent(
    results.map((r) => JSON.stringify({ windowStart: toIso(r.windowStart), windowEnd: toIso(r.windowStart + WINDOW_MS), page: r.page, count: r.count })),
  );
}

let home: string;
let dirs: PlaygroundDirs;
let ddb: FakeDynamoDb;
let server: ViewServer | undefined;
let record: StackRecord;
const now = Date.now();
const current = Math.floor(now / WINDOW_MS) * WINDOW_MS;
/** Four windows, well before now (past the auditor's 120 s grace) but the last. */
const windows = { exact: current - 20 * WINDOW_MS, wrong: current - 19 * WINDOW_MS, missing: current - 18 * WINDOW_MS, pending: current };

beforeEach(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'playground-view-api-'));
  dirs = playgroundDirs(home);
  ddb = new FakeDynamoDb({ ledger: LEDGER_TABLE, audit: AUDIT_TABLE });
  for (const start of Object.values(windows)) {
    ddb.seed('ledger', { windowStart: toIso(start), windowEnd: toIso(start + WINDOW_MS), status: 'sent', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
  }
  const auditor = createAuditorHandler({
    doc: ddb.client(),
    config: { auditTableName: 'audit', ledgerTableName: 'ledger', gracePeriodSeconds: 120 },
    metrics: new MetricRecorder(),
    clock: () => now,
  });
  await auditor(
    resultsEvent([
      ...PAGES.map((page) => ({ windowStart: windows.exact, page, count: 1000 })),
      ...PAGES.map((page) => ({ windowStart: windows.wrong, page, count: page === '/shop' ? 999 : 1000 })),
      ...PAGES.slice(0, 2).map((page) => ({ windowStart: windows.pending, page, count: 1000 })),
    ]),
    fakeContext(),
  );
  record = liveStackRecord(home, { startedAt: toIso(current - 30 * WINDOW_MS) });
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  ddb.restore();
  rmSync(home, { recursive: true, force: true });
});

async function serve(actions = false, starting = false): Promise<string> {
  server = await startViewServer({ dirs, port: await freePort(), record: () => (starting ? undefined : record), actions });
  return server.url;
}

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

describe('the web view API', () => {
  it('answers every window of the audit with its verdict, and each page with its own', async () => {
    const url = await serve();

    const { status, body } = await get<WindowsAnswer>(`${url}api/windows`);

    expect(status).toBe(200);
    expect(body.pages).toEqual([...PAGES]);
    expect(body.windows.map((w) => [w.windowStart, w.verdict])).toEqual([
      [toIso(windows.exact), 'exact'],
      [toIso(windows.wrong), 'wrong'],
      [toIso(windows.missing), 'missing'],
      [toIso(windows.pending), 'pending'],
    ]);
    const [exact, wrong, missing, pending] = body.windows;
    expect(exact!.cells.map((c) => c.verdict)).toEqual(Array(6).fill('exact'));
    expect(exact!.cells[0]).toEqual({ page: '/help', verdict: 'exact', count: 1000, latencyMs: now - (windows.exact + WINDOW_MS), arrivedAt: toIso(now), duplicates: 0 });
    expect(exact!.latencyMs).toBe(now - (windows.exact + WINDOW_MS));
    expect(wrong!.cells.map((c) => [c.page, c.verdict])).toEqual(PAGES.map((page) => [page, page === '/shop' ? 'wrong' : 'exact']));
    expect(missing!.cells.map((c) => [c.verdict, c.count, c.latencyMs])).toEqual(Array(6).fill(['missing', null, null]));
    expect(missing!.latencyMs).toBeNull();
    expect(pending!.cells.map((c) => c.verdict)).toEqual(Array(6).fill('pending'));
    expect(pending!.cells.map((c) => c.count)).toEqual([1000, 1000, null, null, null, null]);
    // the counts playground audit gives over the same range
    const summary = await queryAudit(ddb.client(), { ledgerTableName: 'ledger', auditTableName: 'audit', fromMs: Date.parse(body.from), toMs: Date.parse(body.to) });
    expect(body.summary).toEqual(summary.windows);
    expect(body.summary).toEqual({ exact: 1, wrong: 1, missing: 1, incomplete: 0, pending: 1 });
  });

  it("answers the stack's events since it started, oldest first", async () => {
    appendStackEvent(dirs, { kind: 'killed', process: 'taskmanager-1', message: 'taskmanager-1 killed', at: toIso(current - 10 * WINDOW_MS) });
    appendStackEvent(dirs, { kind: 'fault', message: 'fail: control record', at: toIso(current - 5 * WINDOW_MS) });
    appendStackEvent(dirs, { kind: 'play', message: 'before this stack', at: toIso(current - 60 * WINDOW_MS) });
    const url = await serve();

    const { body } = await get<EventsAnswer>(`${url}api/events`);

    expect(body.events.map((e) => e.kind)).toEqual(['killed', 'fault']);
  });

  it('answers the job even when Flink does not, saying so', async () => {
    const url = await serve(true);

    const { status, body } = await get<JobAnswer>(`${url}api/job`);

    expect(status).toBe(200);
    expect(body).toMatchObject({ application: 'local-app', streams: 'kafka', job: { state: 'NONE' }, taskManagers: 0, actions: true, links: { webUi: 'http://127.0.0.1:1' } });
    expect(body.health.healthy).toBe(false);
    expect(body.health.problems.join('\n')).toContain('does not answer');
  });

  it('serves the page and its two files, and nothing else', async () => {
    const url = await serve();

    const page = await fetch(url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="grid"');
    for (const file of ['view.js', 'view.css']) expect((await fetch(`${url}${file}`)).status).toBe(200);
    expect((await fetch(`${url}../package.json`)).status).toBe(404);
    expect((await get<{ error: string }>(`${url}api/nothing`)).status).toBe(404);
  });

  it('answers 503 while the stack is still starting', async () => {
    const url = await serve(false, true);

    const { status, body } = await get<{ error: string }>(`${url}api/windows`);

    expect(status).toBe(503);
    expect(body.error).toContain('starting');
  });
});

describe('the plays of the web view', () => {
  const post = async (url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('runs none without --view-actions', async () => {
    const url = await serve(false);

    const { status, body } = await post(`${url}api/plays/kill`, {});

    expect(status).toBe(403);
    expect(body.error).toContain('--view-actions');
    expect((await get<{ actions: boolean; last: null }>(`${url}api/plays`)).body).toMatchObject({ actions: false, last: null });
  });

  it('refuses an unknown play, a bad scale and a request from another site', async () => {
    const url = await serve(true);

    expect((await post(`${url}api/plays/explode`, {})).status).toBe(404);
    const scale = await post(`${url}api/plays/scale`, { parallelism: 0 });
    expect(scale.status).toBe(400);
    expect(scale.body.error).toContain('parallelism');
    expect((await post(`${url}api/plays/stop`, {}, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('runs a play as the playground command and keeps its output and exit code', async () => {
    // The stack record is this test's: `stop --home` finds no stack there (its supervisor pid is
    // this process, but no control plane answers), so the command fails fast, as it would for a user.
    writeStackRecord(dirs, record);
    const url = await serve(true);

    const started = await post(`${url}api/plays/stop`, {});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ play: 'stop', command: 'playground stop' });
    const busy = await post(`${url}api/plays/snapshot`, {});

    let last: { exitCode?: number; lines: string[] } | null = null;
    for (let i = 0; i < 120 && last?.exitCode === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = (await get<{ last: { exitCode?: number; lines: string[] } | null }>(`${url}api/plays`)).body.last;
    }
    expect(busy.status).toBe(409);
    expect(last?.exitCode).toBe(1);
    expect(last?.lines.join('\n')).toContain('does not answer');
  });
});

describe('a cell of the grid', () => {
  it.each([
    ['exact', 1000, 'exact'],
    ['pending', null, 'pending'],
    ['incomplete', 250, 'incomplete'],
    ['wrong', 999, 'wrong'],
    ['wrong', 1000, 'exact'],
    ['wrong', null, 'missing'],
    ['missing', null, 'missing'],
    ['missing', 1000, 'exact'],
  ] as const)('of a %s window with count %s is %s', (verdict, count, expected) => {
    expect(cellVerdict({ verdict, expected: 1000 }, count)).toBe(expected);
  });
});
