import {
  CreateApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  KinesisAnalyticsV2Client,
  ListApplicationSnapshotsCommand,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PlayError, WaitTimeoutError } from '../../cli/errors';
import { createSnapshot, startApplication, stopApplication, updateParallelism, waitForStatus } from '../../cli/msf';
import { fakeClock } from '../../local/poll';
import { APP, detail, snap } from './support';

const msf = mockClient(KinesisAnalyticsV2Client);
const meta = { $metadata: {} };

afterEach(() => {
  msf.reset();
});

function client(): KinesisAnalyticsV2Client {
  return new KinesisAnalyticsV2Client({ region: 'eu-west-1' });
}

describe('waitForStatus', () => {
  it('prints each status once with the time since the wait began, and the status it ends in', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('STARTING') })
      .resolvesOnce({ ApplicationDetail: detail('STARTING') })
      .resolves({ ApplicationDetail: detail('RUNNING') });
    const lines: string[] = [];

    const result = await waitForStatus(client(), APP, 'RUNNING', { clock: fakeClock(), intervalMs: 1_000, progress: (line) => lines.push(line) });

    expect(result.elapsedMs).toBe(2_000);
    expect(result.detail.ApplicationStatus).toBe('RUNNING');
    expect(lines).toEqual([`[  0.0 s] ${APP} STARTING`, `[  2.0 s] ${APP} RUNNING`]);
  });

  it('waits for a new version when `accept` asks for one', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING', { version: 3 }) })
      .resolves({ ApplicationDetail: detail('RUNNING', { version: 4 }) });

    const result = await waitForStatus(client(), APP, 'RUNNING', { clock: fakeClock(), accept: (d) => (d.ApplicationVersionId ?? 0) > 3 });

    expect(result.detail.ApplicationVersionId).toBe(4);
    expect(msf.commandCalls(DescribeApplicationCommand)).toHaveLength(2);
  });

  it('fails fast, with the reason, when the application settles in another status', async () => {
    msf.on(DescribeApplicationCommand).resolvesOnce({ ApplicationDetail: detail('STARTING') }).resolves({ ApplicationDetail: detail('READY') });
    const clock = fakeClock();

    const waiting = waitForStatus(client(), APP, 'RUNNING', { clock, intervalMs: 1_000, settledOther: ['READY'], why: () => 'the jar is missing' });

    await expect(waiting).rejects.toThrow(new PlayError(`${APP} went to READY instead of RUNNING (the jar is missing); see why with 'playground status' and the application's logs`));
    expect(clock.now()).toBe(2_000);
  });

  it('times out with the status it is still in', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('UPDATING') });

    const waiting = waitForStatus(client(), APP, 'RUNNING', { clock: fakeClock(), timeoutMs: 10_000, intervalMs: 3_000 });

    await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(waitForStatus(client(), APP, 'RUNNING', { clock: fakeClock(), timeoutMs: 10_000, intervalMs: 3_000 })).rejects.toThrow(
      `${APP} is still UPDATING after 10.0 s (waiting for RUNNING)`,
    );
  });
});

describe('createSnapshot', () => {
  it('asks for the snapshot and counts from the request until it is READY', async () => {
    msf.on(CreateApplicationSnapshotCommand).resolves(meta);
    msf
      .on(DescribeApplicationSnapshotCommand)
      .resolvesOnce({ SnapshotDetails: snap('s', '2026-11-22T21:30:00Z', 'CREATING') })
      .resolvesOnce({ SnapshotDetails: snap('s', '2026-11-22T21:30:00Z', 'CREATING') })
      .resolves({ SnapshotDetails: snap('s', '2026-11-22T21:30:00Z') });

    const result = await createSnapshot(client(), APP, 's', { clock: fakeClock(), intervalMs: 500 });

    expect(msf.commandCalls(CreateApplicationSnapshotCommand)[0]?.args[0].input).toEqual({ ApplicationName: APP, SnapshotName: 's' });
    expect(result.elapsedMs).toBe(1_000);
    expect(result.snapshot.SnapshotStatus).toBe('READY');
  });
});

describe('startApplication', () => {
  it("names the control plane's recorded failure when the application falls back to READY", async () => {
    const clock = fakeClock(1_000_000);
    msf.on(DescribeApplicationCommand).resolvesOnce({ ApplicationDetail: detail('STARTING') }).resolves({ ApplicationDetail: detail('READY') });
    msf.on(StartApplicationCommand).resolves(meta);

    const starting = startApplication(client(), APP, {
      restore: 'none',
      clock,
      intervalMs: 1_000,
      lastFailure: () => ({ at: 1_000_500, message: 'StartApplication failed: no slots\nstack trace' }),
    });

    await expect(starting).rejects.toThrow(/went to READY instead of RUNNING \(StartApplication failed: no slots\)/);
    expect(msf.commandCalls(StartApplicationCommand)[0]?.args[0].input.RunConfiguration?.ApplicationRestoreConfiguration).toEqual({
      ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT',
    });
  });
});

describe('stopApplication', () => {
  it('fails at once when the control plane recorded that the stop could not take its snapshot', async () => {
    const clock = fakeClock(5_000_000);
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(StopApplicationCommand).resolves(meta);

    const stopping = stopApplication(client(), APP, { clock, lastFailure: () => ({ at: 5_000_100, message: "StopApplication's snapshot failed: no TaskManager" }) });

    await expect(stopping).rejects.toThrow(`${APP} could not take its snapshot and is RUNNING again: no TaskManager; stop it without a snapshot with: playground stop --force`);
    expect(clock.now()).toBe(5_000_000);
  });

  it('returns the snapshot the stop left', async () => {
    msf.on(DescribeApplicationCommand).resolvesOnce({ ApplicationDetail: detail('RUNNING') }).resolves({ ApplicationDetail: detail('READY') });
    msf
      .on(ListApplicationSnapshotsCommand)
      .resolvesOnce({ SnapshotSummaries: [snap('old', '2026-11-22T20:00:00Z')] })
      .resolves({ SnapshotSummaries: [snap('old', '2026-11-22T20:00:00Z'), snap('new', '2026-11-22T21:30:00Z')] });
    msf.on(StopApplicationCommand).resolves(meta);

    const result = await stopApplication(client(), APP, { clock: fakeClock() });

    expect(result).toEqual({ elapsedMs: 0, snapshot: 'new', alreadyStopped: false });
  });
});

describe('updateParallelism', () => {
  it('asks for nothing when the application already runs so', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING', { parallelism: 2, perKpu: 1 }) });

    const result = await updateParallelism(client(), APP, { parallelism: 2 }, { clock: fakeClock() });

    expect(result.changed).toBe(false);
    expect(msf.commandCalls(UpdateApplicationCommand)).toHaveLength(0);
  });

  it("says why an update did not take, from the control plane's record", async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING', { version: 3 }) })
      .resolves({ ApplicationDetail: detail('RUNNING', { version: 4, parallelism: 1 }) });
    msf.on(UpdateApplicationCommand).resolves(meta);

    const updating = updateParallelism(client(), APP, { parallelism: 3 }, {
      clock: fakeClock(),
      lastFailure: () => ({ at: Date.now() + 60_000, message: 'UpdateApplication could not restart the job: no slots' }),
    });

    await expect(updating).rejects.toThrow(`${APP} is RUNNING again at parallelism 1, not 3: the update did not take: UpdateApplication could not restart the job: no slots`);
    expect(msf.commandCalls(UpdateApplicationCommand)[0]?.args[0].input.ConditionalToken).toBe('token-3');
  });
});
