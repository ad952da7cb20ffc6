import {
  ConcurrentModificationException,
  CreateApplicationPresignedUrlCommand,
  CreateApplicationSnapshotCommand,
  DeleteApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  KinesisAnalyticsV2Client,
  LimitExceededException,
  ListApplicationSnapshotsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboard } from '../../cli/commands/dashboard';
import { restore } from '../../cli/commands/restore';
import { scale } from '../../cli/commands/scale';
import { snapshot } from '../../cli/commands/snapshot';
import { start } from '../../cli/commands/start';
import { status } from '../../cli/commands/status';
import { stop } from '../../cli/commands/stop';
import { APP, awsTarget, detail, fakeClock, recordingIo, snap } from './support';

const msf = mockClient(KinesisAnalyticsV2Client);
const meta = { $metadata: {} };

afterEach(() => {
  msf.reset();
});

function mutatingCalls(): number {
  const mutating = new Set(['StopApplicationCommand', 'StartApplicationCommand', 'UpdateApplicationCommand', 'CreateApplicationSnapshotCommand', 'DeleteApplicationSnapshotCommand']);
  return msf.calls().filter((call) => mutating.has((call.args[0] as object).constructor.name)).length;
}

describe('status', () => {
  it('prints state, version, parallelism, KPUs and the newest snapshot', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING', { parallelism: 3, perKpu: 2 }) });
    msf.on(ListApplicationSnapshotsCommand).resolves({
      SnapshotSummaries: [snap('older', '2026-11-22T20:00:00Z'), snap('newest', '2026-11-22T21:00:00Z')],
    });
    const io = recordingIo();

    const code = await status({ target: awsTarget, json: false }, io);

    expect(code).toBe(0);
    expect(io.text()).toContain(`${APP} : RUNNING (version 3)`);
    expect(io.text()).toContain('parallelism 3, 2 per KPU → 2 KPU(s)');
    expect(io.text()).toContain('last snapshot newest (READY');
  });

  it('says how to fix an unknown application in one line', async () => {
    msf.on(DescribeApplicationCommand).rejects(new ResourceNotFoundException({ message: 'Application nope not found', $metadata: {} }));
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    const code = await status({ target: { ...awsTarget, applicationName: 'nope' }, json: true }, io);

    expect(code).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0]).toMatch(/ResourceNotFoundException: Application nope not found — not found; check --app/);
  });
});

describe('stop', () => {
  it('stops with a snapshot, shows progress and names the snapshot taken', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING') })
      .resolvesOnce({ ApplicationDetail: detail('STOPPING') })
      .resolves({ ApplicationDetail: detail('READY') });
    msf
      .on(ListApplicationSnapshotsCommand)
      .resolvesOnce({ SnapshotSummaries: [] })
      .resolves({ SnapshotSummaries: [snap('click-count-stop-1', '2026-11-22T21:30:04Z')] });
    msf.on(StopApplicationCommand).resolves(meta);
    const io = recordingIo();

    const code = await stop({ target: awsTarget, force: false, wait: { clock: fakeClock(), intervalMs: 2_000 } }, io);

    expect(code).toBe(0);
    expect(msf.commandCalls(StopApplicationCommand)[0]?.args[0].input).toEqual({ ApplicationName: APP, Force: false });
    expect(mutatingCalls()).toBe(1);
    expect(io.lines).toContain(`[  0.0 s] ${APP} STOPPING`);
    expect(io.lines).toContain(`[  2.0 s] ${APP} READY`);
    expect(io.text()).toContain('snapshot click-count-stop-1');
  });

  it('--force stops without a snapshot, even while STARTING', async () => {
    msf.on(DescribeApplicationCommand).resolvesOnce({ ApplicationDetail: detail('STARTING') }).resolves({ ApplicationDetail: detail('READY') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(StopApplicationCommand).resolves(meta);
    const io = recordingIo();

    const code = await stop({ target: awsTarget, force: true, wait: { clock: fakeClock() } }, io);

    expect(code).toBe(0);
    expect(msf.commandCalls(StopApplicationCommand)[0]?.args[0].input.Force).toBe(true);
    expect(io.text()).toContain('no snapshot taken (--force)');
  });

  it('refuses to stop a STARTING application without --force and says what to do', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('STARTING') });
    const io = recordingIo();

    const code = await stop({ target: awsTarget, force: false }, io);

    expect(code).toBe(1);
    expect(io.errors[0]).toMatch(/is STARTING; wait until it is RUNNING .* playground stop --force/);
    expect(mutatingCalls()).toBe(0);
  });

  it('is a no-op on a READY application', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('READY') });
    const io = recordingIo();

    expect(await stop({ target: awsTarget, force: false }, io)).toBe(0);
    expect(io.text()).toContain('already stopped');
    expect(mutatingCalls()).toBe(0);
  });

  it('times out with a clear message when READY never comes', async () => {
    msf.on(DescribeApplicationCommand).resolvesOnce({ ApplicationDetail: detail('RUNNING') }).resolves({ ApplicationDetail: detail('STOPPING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(StopApplicationCommand).resolves(meta);
    const io = recordingIo();
    const clock = fakeClock();

    const code = await stop({ target: awsTarget, force: false, wait: { clock, timeoutMs: 60_000, intervalMs: 5_000 } }, io);

    expect(code).toBe(1);
    expect(io.errors[0]).toMatch(/is still STOPPING after 60\.0 s \(waiting for READY\); check 'playground status', or wait longer with --timeout/);
    expect(clock.slept).toBe(60_000);
    expect(io.lines.filter((l) => l.includes('STOPPING')).length).toBeGreaterThanOrEqual(2); // a line every 30 s
  });

  it('turns a ResourceInUseException into one line with advice', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(StopApplicationCommand).rejects(new ResourceInUseException({ message: 'Application is updating', $metadata: {} }));
    const io = recordingIo();

    expect(await stop({ target: awsTarget, force: false }, io)).toBe(1);
    expect(io.errors).toEqual([
      "error: ResourceInUseException: Application is updating — the application is busy or in the wrong state for this; check 'playground status' and retry once it is RUNNING or READY",
    ]);
  });
});

describe('start', () => {
  it('starts from the latest snapshot and waits until RUNNING', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('READY') })
      .resolvesOnce({ ApplicationDetail: detail('STARTING') })
      .resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('s1', '2026-11-22T21:00:00Z')] });
    msf.on(StartApplicationCommand).resolves(meta);
    const io = recordingIo();

    const code = await start({ target: awsTarget, restore: 'latest', wait: { clock: fakeClock() } }, io);

    expect(code).toBe(0);
    expect(msf.commandCalls(StartApplicationCommand)[0]?.args[0].input).toEqual({
      ApplicationName: APP,
      RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' } },
    });
    expect(io.text()).toContain('started from the latest snapshot, s1');
  });

  it('--restore none skips the snapshot; --restore NAME asks for that snapshot', async () => {
    msf.on(DescribeApplicationCommand).resolvesOnce({ ApplicationDetail: detail('READY') }).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('s1', '2026-11-22T21:00:00Z')] });
    msf.on(StartApplicationCommand).resolves(meta);
    expect(await start({ target: awsTarget, restore: 'none', wait: { clock: fakeClock() } }, recordingIo())).toBe(0);
    const none = msf.commandCalls(StartApplicationCommand)[0]?.args[0].input.RunConfiguration?.ApplicationRestoreConfiguration;
    msf.reset();
    msf.on(DescribeApplicationCommand).resolvesOnce({ ApplicationDetail: detail('READY') }).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('s1', '2026-11-22T21:00:00Z')] });
    msf.on(StartApplicationCommand).resolves(meta);
    expect(await start({ target: awsTarget, restore: 's1', wait: { clock: fakeClock() } }, recordingIo())).toBe(0);
    const named = msf.commandCalls(StartApplicationCommand)[0]?.args[0].input.RunConfiguration?.ApplicationRestoreConfiguration;

    expect(none).toEqual({ ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' });
    expect(named).toEqual({ ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: 's1' });
  });

  it('rejects an unknown snapshot before starting anything', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('READY') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('s1', '2026-11-22T21:00:00Z')] });
    const io = recordingIo();

    expect(await start({ target: awsTarget, restore: 'nope' }, io)).toBe(1);
    expect(io.errors[0]).toMatch(/no snapshot 'nope' of click-count-app \(newest: s1\); list them with: playground snapshot list/);
    expect(mutatingCalls()).toBe(0);
  });

  it('refuses to start a RUNNING application and points at restore', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    const io = recordingIo();

    expect(await start({ target: awsTarget, restore: 'latest' }, io)).toBe(1);
    expect(io.errors[0]).toContain('already RUNNING; to start it from a snapshot use: playground restore SNAPSHOT');
    expect(mutatingCalls()).toBe(0);
  });

  it('fails when the application falls back to READY instead of RUNNING', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('READY') })
      .resolvesOnce({ ApplicationDetail: detail('STARTING') })
      .resolves({ ApplicationDetail: detail('READY') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(StartApplicationCommand).resolves(meta);
    const io = recordingIo();

    expect(await start({ target: awsTarget, restore: 'latest', wait: { clock: fakeClock() } }, io)).toBe(1);
    expect(io.errors[0]).toMatch(/went to READY instead of RUNNING/);
  });
});

describe('restore', () => {
  it('stops the running application, then starts it from the snapshot', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING') })
      .resolvesOnce({ ApplicationDetail: detail('READY') })
      .resolvesOnce({ ApplicationDetail: detail('STARTING') })
      .resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('s1', '2026-11-22T21:00:00Z')] });
    msf.on(StopApplicationCommand).resolves(meta);
    msf.on(StartApplicationCommand).resolves(meta);
    const io = recordingIo();

    const code = await restore({ target: awsTarget, snapshot: 's1', wait: { clock: fakeClock() } }, io);

    expect(code).toBe(0);
    expect(msf.commandCalls(StopApplicationCommand)).toHaveLength(1);
    expect(msf.commandCalls(StartApplicationCommand)[0]?.args[0].input.RunConfiguration?.ApplicationRestoreConfiguration).toEqual({
      ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT',
      SnapshotName: 's1',
    });
    expect(io.text()).toContain('restored from snapshot s1');
  });

  it('stops nothing when the snapshot does not exist', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    expect(await restore({ target: awsTarget, snapshot: 'ghost' }, io)).toBe(1);
    expect(io.errors[0]).toContain("no snapshot 'ghost' of click-count-app (it has none)");
    expect(mutatingCalls()).toBe(0);
  });
});

describe('scale', () => {
  it('updates the parallelism with the conditional token and waits for the new version RUNNING', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING', { version: 3 }) })
      .resolvesOnce({ ApplicationDetail: detail('RUNNING', { version: 3 }) })
      .resolvesOnce({ ApplicationDetail: detail('UPDATING', { version: 4 }) })
      .resolves({ ApplicationDetail: detail('RUNNING', { version: 4, parallelism: 3, perKpu: 2 }) });
    msf.on(UpdateApplicationCommand).resolves({ ApplicationDetail: detail('UPDATING', { version: 4 }) });
    const io = recordingIo();

    const code = await scale({ target: awsTarget, parallelism: 3, perKpu: 2, wait: { clock: fakeClock() } }, io);

    expect(code).toBe(0);
    expect(msf.commandCalls(UpdateApplicationCommand)[0]?.args[0].input).toEqual({
      ApplicationName: APP,
      ConditionalToken: 'token-3',
      ApplicationConfigurationUpdate: {
        FlinkApplicationConfigurationUpdate: {
          ParallelismConfigurationUpdate: {
            ConfigurationTypeUpdate: 'CUSTOM',
            ParallelismUpdate: 3,
            ParallelismPerKPUUpdate: 2,
            AutoScalingEnabledUpdate: false,
          },
        },
      },
    });
    expect(io.text()).toContain('2 per KPU → 2 KPU(s)');
    expect(io.text()).toMatch(/RUNNING at parallelism 3 \(version 4\)/);
  });

  it('fails, saying so, when the new version runs at the former parallelism (the update did not take)', async () => {
    const rolledBack = detail('RUNNING', { version: 4, parallelism: 1 });
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING', { version: 3 }) })
      .resolvesOnce({ ApplicationDetail: detail('RUNNING', { version: 3 }) })
      .resolves({ ApplicationDetail: rolledBack });
    msf.on(UpdateApplicationCommand).resolves({ ApplicationDetail: detail('UPDATING', { version: 4 }) });
    const io = recordingIo();

    const code = await scale({ target: awsTarget, parallelism: 3, wait: { clock: fakeClock() } }, io);

    expect(code).toBe(1);
    expect(io.errors[0]).toContain('is RUNNING again at parallelism 1, not 3: the update did not take');
    expect(io.text()).not.toMatch(/RUNNING at parallelism 3/);
  });

  it('rejects more KPUs than the quota before any update', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    const io = recordingIo();

    expect(await scale({ target: awsTarget, parallelism: 200, perKpu: 1 }, io)).toBe(1);
    expect(io.errors[0]).toMatch(/needs 200 KPUs, more than the 32 allowed per application by default; raise --per-kpu/);
    expect(mutatingCalls()).toBe(0);
  });

  it('says to retry on a concurrent modification', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(UpdateApplicationCommand).rejects(new ConcurrentModificationException({ message: 'Version mismatch', $metadata: {} }));
    const io = recordingIo();

    expect(await scale({ target: awsTarget, parallelism: 2 }, io)).toBe(1);
    expect(io.errors[0]).toMatch(/ConcurrentModificationException: Version mismatch — someone else changed the application .*run the command again/);
  });

  it('explains LimitExceededException', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(UpdateApplicationCommand).rejects(new LimitExceededException({ message: 'KPU limit', $metadata: {} }));
    const io = recordingIo();

    expect(await scale({ target: awsTarget, parallelism: 8 }, io)).toBe(1);
    expect(io.errors[0]).toMatch(/LimitExceededException: KPU limit — a limit was reached; lower the parallelism/);
  });

  it('refuses while the application is UPDATING', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('UPDATING') });
    const io = recordingIo();

    expect(await scale({ target: awsTarget, parallelism: 2 }, io)).toBe(1);
    expect(io.errors[0]).toContain('is UPDATING; it can be scaled when RUNNING or READY');
    expect(mutatingCalls()).toBe(0);
  });

  it('changes nothing when the parallelism is already the asked one', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING', { parallelism: 2, perKpu: 1 }) });
    const io = recordingIo();

    expect(await scale({ target: awsTarget, parallelism: 2 }, io)).toBe(0);
    expect(io.text()).toContain('nothing to change');
    expect(mutatingCalls()).toBe(0);
  });
});

describe('snapshot', () => {
  it('create takes a snapshot and waits until READY', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(CreateApplicationSnapshotCommand).resolves(meta);
    msf
      .on(DescribeApplicationSnapshotCommand)
      .resolvesOnce({ SnapshotDetails: snap('mine', '2026-11-22T21:30:00Z', 'CREATING') })
      .resolves({ SnapshotDetails: snap('mine', '2026-11-22T21:30:00Z') });
    const io = recordingIo();

    const code = await snapshot({ target: awsTarget, do: { action: 'create', name: 'mine' }, json: false, wait: { clock: fakeClock() } }, io);

    expect(code).toBe(0);
    expect(msf.commandCalls(CreateApplicationSnapshotCommand)[0]?.args[0].input).toEqual({ ApplicationName: APP, SnapshotName: 'mine' });
    expect(io.lines).toContain('[  0.0 s] snapshot mine CREATING');
    expect(io.text()).toContain('snapshot mine READY in 1.0 s; restore it with: playground restore mine');
  });

  it('create refuses on a READY application and on a taken name', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('READY') });
    const io = recordingIo();
    expect(await snapshot({ target: awsTarget, do: { action: 'create', name: 'x' }, json: false }, io)).toBe(1);
    expect(io.errors[0]).toContain('a snapshot can be taken only while it is RUNNING');

    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('x', '2026-11-22T21:00:00Z')] });
    const io2 = recordingIo();
    expect(await snapshot({ target: awsTarget, do: { action: 'create', name: 'x' }, json: false }, io2)).toBe(1);
    expect(io2.errors[0]).toContain("a snapshot named 'x' exists already");
    expect(mutatingCalls()).toBe(0);
  });

  it('create fails clearly when the snapshot FAILED', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(CreateApplicationSnapshotCommand).resolves(meta);
    msf.on(DescribeApplicationSnapshotCommand).resolves({ SnapshotDetails: snap('bad', '2026-11-22T21:30:00Z', 'FAILED') });
    const io = recordingIo();

    expect(await snapshot({ target: awsTarget, do: { action: 'create', name: 'bad' }, json: false, wait: { clock: fakeClock() } }, io)).toBe(1);
    expect(io.errors[0]).toContain('snapshot bad FAILED');
  });

  it('list prints the snapshots newest first, as JSON too', async () => {
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('a', '2026-11-22T20:00:00Z'), snap('b', '2026-11-22T21:00:00Z')] });
    const io = recordingIo();

    expect(await snapshot({ target: awsTarget, do: { action: 'list' }, json: true }, io)).toBe(0);
    expect((JSON.parse(io.lines.join('\n')) as { name: string }[]).map((s) => s.name)).toEqual(['b', 'a']);
  });

  it('delete passes the creation timestamp; an unknown name deletes nothing', async () => {
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [snap('a', '2026-11-22T20:00:00Z')] });
    msf.on(DeleteApplicationSnapshotCommand).resolves(meta);
    expect(await snapshot({ target: awsTarget, do: { action: 'delete', name: 'a' }, json: false }, recordingIo())).toBe(0);
    expect(msf.commandCalls(DeleteApplicationSnapshotCommand)[0]?.args[0].input).toEqual({
      ApplicationName: APP,
      SnapshotName: 'a',
      SnapshotCreationTimestamp: new Date('2026-11-22T20:00:00Z'),
    });
    const io = recordingIo();
    expect(await snapshot({ target: awsTarget, do: { action: 'delete', name: 'zz' }, json: false }, io)).toBe(1);
    expect(msf.commandCalls(DeleteApplicationSnapshotCommand)).toHaveLength(1);
  });
});

describe('dashboard', () => {
  it('prints a pre-signed Flink dashboard URL and the CloudWatch dashboard on AWS', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(CreateApplicationPresignedUrlCommand).resolves({ AuthorizedUrl: 'https://flink.example/signed?token=1' });
    const io = recordingIo();

    expect(await dashboard({ target: awsTarget, sessionSeconds: 1800, json: false }, io)).toBe(0);
    expect(msf.commandCalls(CreateApplicationPresignedUrlCommand)[0]?.args[0].input).toEqual({
      ApplicationName: APP,
      UrlType: 'FLINK_DASHBOARD_URL',
      SessionExpirationDurationInSeconds: 1800,
    });
    expect(io.lines[0]).toContain('https://flink.example/signed?token=1');
    expect(io.lines[1]).toContain('CloudWatch dashboard: https://console.aws.amazon.com');
  });

  it('explains that the dashboard needs a RUNNING application', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('READY') });
    const io = recordingIo();

    expect(await dashboard({ target: awsTarget, sessionSeconds: 1800, json: false }, io)).toBe(1);
    expect(io.errors[0]).toContain('exists only while it is RUNNING');
  });
});
