import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskBackpressure } from '../../cli/commands/metrics';
import type { ApplicationStatusView } from '../../cli/commands/status';
import type { UpReport } from '../../cli/commands/up';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import { runCli } from '../support/cli';
import { TestHomes } from '../support/homes';
import { E2EStack, windowStart } from '../support/local-stack';

/**
 * The original playground's three job variants, each on a local stack of its own (Kafka) started
 * with its `up` flag: without checkpoints a TaskManager kill loses data and the audit says so; in
 * processing time the counts are not exact and the audit says so; with the Backpressure operator
 * `playground metrics --backpressure` shows its upstream task back-pressured during an even minute.
 * (The default variant staying exact through the same kill is test/plays/plays.e2e.test.ts.)
 */
const homes = new TestHomes();
const minute = 60_000;

async function statusOf(stack: E2EStack): Promise<ApplicationStatusView> {
  return JSON.parse((await stack.play(['status', '--json'])).stdout) as ApplicationStatusView;
}

/** `playground audit --json` of the run so far, once the window after now has a verdict; its exit code too. */
async function auditAfterNextWindow(stack: E2EStack): Promise<{ report: UpReport; code: number | null }> {
  await stack.awaitWindowAudited(windowStart(Date.now()) + WINDOW_MS);
  const result = await runCli(['audit', '--json', '--home', stack.home]);
  return { report: JSON.parse(result.stdout) as UpReport, code: result.code };
}

function variantStack(prefix: string, flags: readonly string[]): E2EStack {
  const stack = new E2EStack(homes.create(prefix));
  beforeAll(() => homes.guard(() => stack.start('kafka', flags)), 12 * minute);
  afterAll(() => stack.down(), 4 * minute);
  return stack;
}

afterAll(() => homes.release());

describe('up --no-checkpointing', () => {
  const stack = variantStack('playground-no-checkpointing-', ['--no-checkpointing']);

  it('runs the job without checkpoints, and status says so from DescribeApplication', { timeout: 2 * minute }, async () => {
    const view = await statusOf(stack);
    expect(view.variant).toEqual({ eventTime: true, backpressure: false, checkpointing: false, checkpointIntervalMs: null });
    const { jid } = await stack.runningJob();
    expect(await stack.rest.checkpointIntervalMs(jid)).toBeNull();
    expect((await stack.rest.checkpoints(jid)).latest.completed).toBeNull();
  });

  it('fail --kill-taskmanager then loses data: the audit reports wrong or missing windows and exits 1', { timeout: 10 * minute }, async () => {
    const before = await auditAfterNextWindow(stack);
    expect(before.report.windows.exact, 'before the kill every window is exact').toBeGreaterThan(0);
    expect(before.report.windows.wrong + before.report.windows.missing).toBe(0);

    const fail = await stack.play(['fail', '--kill-taskmanager', '--down-for', '5']);
    expect(fail.stdout).toMatch(/RUNNING again from no checkpoint/);

    const after = await auditAfterNextWindow(stack);
    expect(after.report.windows.wrong + after.report.windows.missing, JSON.stringify(after.report.nonExact, null, 1)).toBeGreaterThan(0);
    expect(after.report.nonExact.some((window) => window.verdict === 'wrong' || window.verdict === 'missing')).toBe(true);
    expect(after.code).toBe(1);
  });
});

describe('up --processing-time', () => {
  const stack = variantStack('playground-processing-time-', ['--processing-time']);

  it('counts in processing-time windows: the audit reports wrong counts instead of hiding them, and exits 1', { timeout: 8 * minute }, async () => {
    const view = await statusOf(stack);
    expect(view.variant).toMatchObject({ eventTime: false, backpressure: false, checkpointing: true });

    const { report, code } = await auditAfterNextWindow(stack);

    expect(report.windows.wrong, JSON.stringify(report.windows)).toBeGreaterThan(0);
    const wrong = report.nonExact.filter((window) => window.verdict === 'wrong');
    expect(wrong.length).toBeGreaterThan(0);
    expect(wrong[0].reason).toMatch(/expected 1000/);
    expect(code).toBe(1);
  });
});

describe('up --backpressure', () => {
  const stack = variantStack('playground-backpressure-', ['--backpressure']);

  it('metrics --backpressure shows the Backpressure operator’s upstream task back-pressured during an even minute', { timeout: 5 * minute }, async () => {
    const view = await statusOf(stack);
    expect(view.variant).toMatchObject({ eventTime: true, backpressure: true, checkpointing: true });

    // wait for an even minute (UTC), in which the operator sleeps 10 ms per record
    const now = new Date();
    if (now.getUTCMinutes() % 2 === 1) await sleep(minute - (now.getUTCSeconds() * 1000 + now.getUTCMilliseconds()) + 1_000);

    let tasks: readonly TaskBackpressure[] = [];
    let source: TaskBackpressure | undefined;
    for (let attempt = 0; attempt < 12 && new Date().getUTCMinutes() % 2 === 0; attempt++) {
      const result = await stack.play(['metrics', '--backpressure', '--json']);
      tasks = (JSON.parse(result.stdout) as { backpressure: TaskBackpressure[] }).backpressure;
      source = tasks.find((task) => task.task.includes('ClickEvent Source'));
      if ((source?.backPressuredTimeMsPerSecond ?? 0) > 0) break;
      await sleep(4_000);
    }

    // its own task behind the keyBy, with the pre-aggregator chained to it (job/README.md)
    expect(tasks.map((task) => task.task)).toContain('Backpressure -> ClickEvent Pre-Aggregator');
    expect(source?.backPressuredTimeMsPerSecond, JSON.stringify(tasks)).toBeGreaterThan(0);
    expect(source?.outPoolUsage, JSON.stringify(tasks)).toBeGreaterThan(0);
    const text = (await stack.play(['metrics', '--backpressure'])).stdout;
    expect(text).toMatch(/backpressure by task/);
    expect(text).toMatch(/ClickEvent Source.*backPressuredTimeMsPerSecond \d+(\.\d+)? ms.*outPoolUsage \d+(\.\d+)? %/);
  });
});
