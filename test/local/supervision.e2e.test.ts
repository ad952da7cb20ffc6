import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStackEvents } from '../../local/events';
import { readFlinkClusterRecordFile } from '../../local/flink/cluster';
import { isAlive } from '../../local/process';
import { TestHomes } from '../support/homes';
import { E2EStack, windowStart } from '../support/local-stack';

/**
 * Faults no play scripts, on one local stack (Kafka): hostile event times from a producer with a
 * wrong clock, and processes that die on their own. After each, every window is still exact.
 */
const homes = new TestHomes();
const stack = new E2EStack(homes.create('playground-supervision-'));
const minute = 60_000;

beforeAll(() => homes.guard(() => stack.start()), 12 * minute);

afterAll(async () => {
  await stack.down();
  homes.release();
}, 4 * minute);

function flinkRecord(): NonNullable<ReturnType<typeof readFlinkClusterRecordFile>> {
  const record = readFlinkClusterRecordFile(stack.dirs);
  if (!record) throw new Error('no Flink cluster record');
  return record;
}

/** The sum over subtasks of the first metric of the source vertex (source + parser chain) whose id ends with `suffix`. */
async function sourceMetric(jid: string, suffix: string): Promise<number | undefined> {
  const details = await stack.rest.job(jid);
  const source = details.vertices[0];
  const ids = (await stack.rest.vertexMetrics(jid, source.id)).map((m) => m.id.replace(/^\d+\./, ''));
  const id = ids.find((candidate) => candidate.endsWith(suffix));
  if (!id) return undefined;
  return (await stack.rest.vertexMetricSums(jid, source.id, [id]))[id];
}

describe('exactly-once through faults no play scripts', () => {
  it('(a) two clicks stamped a day ahead, one per input partition, are dropped: the TaskManager stays alive and every window stays exact', async () => {
    const { jid } = await stack.runningJob();
    const before = { restarts: await stack.restarts(jid), taskManagers: flinkRecord().taskManagers.map((tm) => tm.pid) };
    const kafka = new Kafka({ clientId: 'wrong-clock', brokers: [stack.record.endpoints.kafka ?? ''], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const ahead = new Date(Date.now() + 24 * 3_600_000).toISOString();
    try {
      await producer.send({
        topic: stack.record.streamNames.input,
        messages: [0, 1].map((partition) => ({ partition, value: JSON.stringify({ timestamp: ahead, page: '/help' }) })),
      });
    } finally {
      await producer.disconnect();
    }

    await expect.poll(() => sourceMetric(jid, 'clickEvents.futureTimestamp'), { timeout: 60_000, interval: 2_000 }).toBe(2);
    await stack.settleAndAudit('far-future clicks');
    expect(flinkRecord().taskManagers.map((tm) => tm.pid)).toEqual(before.taskManagers);
    expect(await stack.restarts(jid)).toBe(before.restarts);
    expect((await stack.runningJob()).jid).toBe(jid);
  }, 8 * minute);

  it('(b) a TaskManager killed with kill -9 from outside the CLI is replaced by the supervisor, and the job recovers', async () => {
    const victim = flinkRecord().taskManagers[0];
    const { jid } = await stack.runningJob();
    const before = await stack.restarts(jid);
    const killedAt = Date.now();

    process.kill(victim.pid, 'SIGKILL');

    await expect
      .poll(async () => (await stack.rest.taskManagers().catch(() => [])).map((tm) => tm.id), { timeout: 2 * minute, interval: 1_000 })
      .toEqual([expect.not.stringMatching(`^${victim.id}$`)]);
    expect(readStackEvents(stack.dirs, killedAt).find((e) => e.kind === 'exited' && e.process === victim.id)?.message).toMatch(/SIGKILL/);
    // the supervisor logs the replacement once its start is done, which can be a moment after Flink lists it
    await expect
      .poll(() => readStackEvents(stack.dirs, killedAt).some((e) => e.kind === 'restarted' && /^taskmanager-/.test(e.process ?? '')), { timeout: minute })
      .toBe(true);
    await stack.settleAndAudit('TaskManager killed from outside');
    expect(await stack.restarts(jid)).toBeGreaterThan(before);
    expect((await stack.rest.checkpoints(jid)).latest.restored).not.toBeNull();
  }, 8 * minute);

  it('(c) a JobManager killed with kill -9 is started again and the job runs again from its latest checkpoint', async () => {
    const jobManager = flinkRecord().jobManager.pid;
    const { jid } = await stack.runningJob();
    const killedAt = Date.now();

    process.kill(jobManager, 'SIGKILL');

    await expect.poll(() => flinkRecord().jobManager.pid !== jobManager && isAlive(flinkRecord().jobManager.pid), { timeout: 2 * minute }).toBe(true);
    let restored = '';
    await expect
      .poll(
        async () => {
          const job = (await stack.rest.jobs().catch(() => [])).find((j) => j.state === 'RUNNING');
          if (!job || job.jid === jid) return false;
          restored = (await stack.rest.checkpoints(job.jid)).latest.restored?.external_path ?? '';
          return true;
        },
        { timeout: 3 * minute, interval: 2_000 },
      )
      .toBe(true);
    expect(restored).toMatch(new RegExp(`${jid}/chk-\\d+`));
    await expect
      .poll(() => readStackEvents(stack.dirs, killedAt).map((e) => e.kind), { timeout: minute })
      .toEqual(expect.arrayContaining(['exited', 'restarted', 'job-restored']));
    const status = JSON.parse((await stack.play(['status', '--json'])).stdout) as { status: string };
    expect(status.status).toBe('RUNNING');
    await stack.settleAndAudit('JobManager killed from outside');
  }, 8 * minute);

  it('a generator and an auditor killed from outside are restarted: no window is sent twice, none is lost', async () => {
    const hosts = stack.record.processes.filter((p) => p.name === 'generator' || p.name === 'auditor');
    expect(hosts).toHaveLength(2);
    const killedAt = Date.now();

    for (const host of hosts) process.kill(host.pid, 'SIGKILL');

    await expect
      .poll(() => readStackEvents(stack.dirs, killedAt).filter((e) => e.kind === 'restarted').map((e) => e.process).sort(), { timeout: minute })
      .toEqual(['auditor', 'generator']);
    // The window the generator was sending when it died is never marked sent: once the grace
    // period after its end has passed, the audit reports it incomplete (not wrong, not missing).
    await stack.awaitWindowAudited(windowStart(killedAt), 6 * minute);
    const report = await stack.settleAndAudit('generator and auditor killed');
    expect(report.windows.incomplete).toBe(1);
    expect(report.nonExact.find((w) => w.windowStart === new Date(windowStart(killedAt)).toISOString())?.verdict).toBe('incomplete');
  }, 8 * minute);
});
