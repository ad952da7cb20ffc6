import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHomes } from '../support/homes';
import { E2EStack } from '../support/local-stack';

/**
 * The kill play on `--streams kinesis`: the replacement TaskManager is started by the stack's
 * supervisor with the stack's environment (the emulator's credentials among it), so the job's
 * Kinesis source reads again and the job recovers once, with no restart loop.
 */
const homes = new TestHomes();
const stack = new E2EStack(homes.create('playground-kinesis-recovery-'));
const minute = 60_000;

beforeAll(() => homes.guard(() => stack.start('kinesis')), 12 * minute);

afterAll(async () => {
  await stack.down();
  homes.release();
}, 4 * minute);

describe('fail --kill-taskmanager on kinesis-mock', () => {
  it('recovers on the new TaskManager once, and every window stays exact', async () => {
    const { jid } = await stack.runningJob();
    const before = await stack.restarts(jid);

    const result = await stack.play(['fail', '--kill-taskmanager', '--down-for', '5']);

    expect(result.stdout).toMatch(/killed taskmanager-\d+/);
    expect(result.stdout).toMatch(/recovered in/);
    expect((await stack.runningJob()).jid).toBe(jid);
    const after = await stack.restarts(jid);
    expect(after).toBe(before + 1);
    await stack.settleAndAudit('fail --kill-taskmanager on kinesis');
    // no restart loop: the job has kept running since it recovered
    await sleep(10_000);
    expect(await stack.restarts(jid)).toBe(after);
    const status = JSON.parse((await stack.play(['status', '--json'])).stdout) as { status: string; kpus: number };
    expect(status).toMatchObject({ status: 'RUNNING', kpus: 1 });
    expect(await stack.rest.taskManagers()).toHaveLength(1);
  }, 10 * minute);
});
