import {
  ConcurrentModificationException,
  CreateApplicationCommand,
  CreateApplicationSnapshotCommand,
  DeleteApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  InvalidApplicationConfigurationException,
  InvalidArgumentException,
  KinesisAnalyticsV2Client,
  LimitExceededException,
  ListApplicationSnapshotsCommand,
  ListApplicationsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  StartApplicationCommand,
  StopApplicationCommand,
  UnsupportedOperationException,
  UpdateApplicationCommand,
  type ApplicationStatus,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../local/control-plane/server';
import { playgroundDirs } from '../../local/paths';
import { startTestControlPlane, stopTestControlPlane, type FakeEngine } from './fake-flink-engine';

const createRequest = {
  ApplicationName: 'clicks',
  RuntimeEnvironment: 'FLINK-2_2' as const,
  ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local',
  ApplicationConfiguration: {
    ApplicationCodeConfiguration: {
      CodeContentType: 'ZIPFILE' as const,
      CodeContent: { S3ContentLocation: { BucketARN: 'arn:aws:s3:::code', FileKey: 'click-count-job.jar' } },
    },
    EnvironmentProperties: {
      PropertyGroups: [{ PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kafka' } }],
    },
  },
};

describe('the local control plane (kinesisanalyticsv2 over a fake Flink engine)', () => {
  let home: string;
  let engine: FakeEngine;
  let plane: ControlPlane;
  let client: KinesisAnalyticsV2Client;

  beforeEach(async () => {
    ({ home, engine, plane, client } = await startTestControlPlane('control-plane-'));
  });

  afterEach(() => stopTestControlPlane({ home, engine, plane, client }));

  const status = async (name = 'clicks'): Promise<ApplicationStatus | undefined> =>
    (await client.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail?.ApplicationStatus;

  async function running(): Promise<void> {
    await client.send(new CreateApplicationCommand(createRequest));
    await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    engine.release();
    await plane.service.idle();
    engine.hold();
  }

  it('creates an application READY at version 1 with MSF defaults and the code location as given', async () => {
    const created = await client.send(new CreateApplicationCommand(createRequest));

    const detail = created.ApplicationDetail;
    expect(detail?.ApplicationStatus).toBe('READY');
    expect(detail?.ApplicationVersionId).toBe(1);
    expect(detail?.ApplicationARN).toBe('arn:aws:kinesisanalytics:us-east-1:000000000000:application/clicks');
    expect(detail?.CreateTimestamp).toBeInstanceOf(Date);
    const flink = detail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription;
    expect(flink?.CheckpointConfigurationDescription).toMatchObject({ ConfigurationType: 'DEFAULT', CheckpointInterval: 60_000 });
    expect(flink?.ParallelismConfigurationDescription).toMatchObject({ Parallelism: 1, ParallelismPerKPU: 1 });
    expect(
      detail?.ApplicationConfigurationDescription?.ApplicationCodeConfigurationDescription?.CodeContentDescription
        ?.S3ApplicationCodeLocationDescription?.FileKey,
    ).toBe('click-count-job.jar');
    const listed = await client.send(new ListApplicationsCommand({}));
    expect(listed.ApplicationSummaries?.map((s) => s.ApplicationName)).toEqual(['clicks']);
  });

  it('rejects a second application of the same name, unknown names and bad input with MSF error types', async () => {
    await client.send(new CreateApplicationCommand(createRequest));

    await expect(client.send(new CreateApplicationCommand(createRequest))).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(client.send(new DescribeApplicationCommand({ ApplicationName: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      client.send(new CreateApplicationCommand({ ...createRequest, ApplicationName: 'bad name!' })),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(
      client.send(new CreateApplicationCommand({ ...createRequest, ApplicationName: 'sql', RuntimeEnvironment: 'SQL-1_0' })),
    ).rejects.toBeInstanceOf(UnsupportedOperationException);
    await expect(
      client.send(
        new CreateApplicationCommand({
          ...createRequest,
          ApplicationName: 'huge',
          ApplicationConfiguration: {
            FlinkApplicationConfiguration: {
              ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 64, ParallelismPerKPU: 1 },
            },
          },
        }),
      ),
    ).rejects.toBeInstanceOf(LimitExceededException);
  });

  it('moves STARTING → RUNNING only once Flink has the job running', async () => {
    await client.send(new CreateApplicationCommand(createRequest));

    const started = await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    expect(started.OperationId).toBeTruthy();
    expect(await status()).toBe('STARTING');
    await expect(client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }))).rejects.toThrow(/STARTING state/);
    engine.release();
    await plane.service.idle();

    expect(await status()).toBe('RUNNING');
    expect(engine.resizes[0]).toEqual([1, 1]);
  });

  it('answers calls in the wrong state with ResourceInUseException', async () => {
    await client.send(new CreateApplicationCommand(createRequest));

    await expect(client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }))).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(
      client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(client.send(new StopApplicationCommand({ ApplicationName: 'clicks', Force: true }))).rejects.toBeInstanceOf(
      ResourceInUseException,
    );
  });

  it('takes a snapshot CREATING → READY and restores from it by name or as the latest', async () => {
    await running();

    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }));
    const creating = await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }));
    expect(creating.SnapshotDetails?.SnapshotStatus).toBe('CREATING');
    await expect(
      client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    engine.release();
    await plane.service.idle();
    const ready = await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }));
    expect(ready.SnapshotDetails?.SnapshotStatus).toBe('READY');
    engine.hold();

    await client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }));
    expect(await status()).toBe('STOPPING');
    engine.release();
    await plane.service.idle();
    expect(await status()).toBe('READY');
    const snapshots = await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: 'clicks' }));
    expect(snapshots.SnapshotSummaries?.map((s) => s.SnapshotStatus)).toEqual(['READY', 'READY']);
    expect(snapshots.SnapshotSummaries?.[1].SnapshotName).toMatch(/^clicks-stop-/);

    await client.send(
      new StartApplicationCommand({
        ApplicationName: 'clicks',
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: 's1' } },
      }),
    );
    await plane.service.idle();
    expect(engine.launches.at(-1)?.savepointPath).toBe('file:///tmp/savepoints/savepoint-job-1-2');

    await client.send(new StopApplicationCommand({ ApplicationName: 'clicks', Force: true }));
    await plane.service.idle();
    await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.service.idle();
    expect(engine.launches.at(-1)?.savepointPath).toBe('file:///tmp/savepoints/savepoint-stop-job-1');
  });

  it('marks a failed snapshot FAILED and keeps the application RUNNING', async () => {
    await running();
    engine.failSavepoints = true;

    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 'broken' }));
    engine.release();
    await plane.service.idle();

    const described = await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 'broken' }));
    expect(described.SnapshotDetails?.SnapshotStatus).toBe('FAILED');
    expect(await status()).toBe('RUNNING');
  });

  it('refuses a restore from a snapshot that does not exist and snapshots when they are disabled', async () => {
    await client.send(
      new CreateApplicationCommand({
        ...createRequest,
        ApplicationConfiguration: { ...createRequest.ApplicationConfiguration, ApplicationSnapshotConfiguration: { SnapshotsEnabled: false } },
      }),
    );

    await expect(
      client.send(
        new StartApplicationCommand({
          ApplicationName: 'clicks',
          RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: 'x' } },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(
        new StartApplicationCommand({
          ApplicationName: 'clicks',
          RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT' } },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    engine.release();
    await plane.service.idle();
    await expect(
      client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's' })),
    ).rejects.toBeInstanceOf(InvalidApplicationConfigurationException);
    await client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.service.idle();
    expect(engine.calls).toContain('cancel job-1');
  });

  it('increments the version on update, changes the token and rejects stale versions and tokens', async () => {
    const created = await client.send(new CreateApplicationCommand(createRequest));
    const token = created.ApplicationDetail?.ConditionalToken;

    const updated = await client.send(
      new UpdateApplicationCommand({
        ApplicationName: 'clicks',
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: {
          EnvironmentPropertyUpdates: { PropertyGroups: [{ PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kinesis' } }] },
        },
      }),
    );

    expect(updated.ApplicationDetail?.ApplicationVersionId).toBe(2);
    expect(updated.ApplicationDetail?.ConditionalToken).not.toBe(token);
    expect(updated.ApplicationDetail?.ApplicationStatus).toBe('READY');
    const update = {
      ApplicationName: 'clicks',
      ApplicationConfigurationUpdate: {
        FlinkApplicationConfigurationUpdate: {
          ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM' as const, ParallelismUpdate: 2 },
        },
      },
    };
    await expect(client.send(new UpdateApplicationCommand({ ...update, CurrentApplicationVersionId: 1 }))).rejects.toBeInstanceOf(
      ConcurrentModificationException,
    );
    await expect(client.send(new UpdateApplicationCommand({ ...update, ConditionalToken: token }))).rejects.toBeInstanceOf(
      ConcurrentModificationException,
    );
    await expect(client.send(new UpdateApplicationCommand(update))).rejects.toBeInstanceOf(InvalidArgumentException);
    const third = await client.send(
      new UpdateApplicationCommand({ ...update, ConditionalToken: updated.ApplicationDetail?.ConditionalToken }),
    );
    expect(third.ApplicationDetail?.ApplicationVersionId).toBe(3);
  });

  it('rescales a RUNNING application through UPDATING: savepoint, resize to ceil(p / perKPU) TaskManagers, resubmit', async () => {
    await running();

    await client.send(
      new UpdateApplicationCommand({
        ApplicationName: 'clicks',
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: {
            ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 3, ParallelismPerKPUUpdate: 2 },
          },
        },
      }),
    );
    expect(await status()).toBe('UPDATING');
    engine.release();
    await plane.service.idle();

    expect(await status()).toBe('RUNNING');
    expect(engine.resizes.at(-1)).toEqual([2, 2]);
    expect(engine.launches.at(-1)?.savepointPath).toBe('file:///tmp/savepoints/savepoint-stop-job-1');
    const detail = (await client.send(new DescribeApplicationCommand({ ApplicationName: 'clicks' }))).ApplicationDetail;
    expect(detail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription)
      .toMatchObject({ Parallelism: 3, ParallelismPerKPU: 2, CurrentParallelism: 3 });
  });

  it('deletes a snapshot only with its creation timestamp', async () => {
    await running();
    engine.release();
    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }));
    engine.release();
    await plane.service.idle();
    const details = (await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' })))
      .SnapshotDetails;

    await expect(
      client.send(
        new DeleteApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1', SnapshotCreationTimestamp: new Date(0) }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    await client.send(
      new DeleteApplicationSnapshotCommand({
        ApplicationName: 'clicks',
        SnapshotName: 's1',
        SnapshotCreationTimestamp: details?.SnapshotCreationTimestamp,
      }),
    );

    await expect.poll(async () => (await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: 'clicks' }))).SnapshotSummaries).toEqual([]);
    expect(engine.calls).toContain('dispose file:///tmp/savepoints/savepoint-job-1-2');
  });

  it('moves a RUNNING application whose Flink job failed for good back to READY', async () => {
    await running();

    engine.jobStates.set('job-1', 'FAILED');

    await expect.poll(() => status(), { timeout: 5_000 }).toBe('READY');
  });

  it('runs a job the cluster lost (its JobManager restarted) again from its latest checkpoint and stays RUNNING', async () => {
    await running();
    engine.checkpoints.set('job-1', 'file:///tmp/checkpoints/job-1/chk-7');
    engine.release();

    engine.jobStates.delete('job-1');

    await expect.poll(() => engine.launches.length, { timeout: 5_000 }).toBe(2);
    await plane.service.idle();
    expect(engine.launches[1]).toEqual({ savepointPath: 'file:///tmp/checkpoints/job-1/chk-7', allowNonRestoredState: false });
    expect(await status()).toBe('RUNNING');
    const detail = await client.send(new DescribeApplicationCommand({ ApplicationName: 'clicks' }));
    expect(detail.ApplicationDetail?.ApplicationStatus).toBe('RUNNING');
  });

  it('runs a lost job that completed no checkpoint again from the snapshot it was started from', async () => {
    await running();
    engine.release();
    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }));
    await plane.service.idle();
    await client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.service.idle();
    await client.send(
      new StartApplicationCommand({
        ApplicationName: 'clicks',
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: 's1' } },
      }),
    );
    await plane.service.idle();
    const restoredFrom = engine.launches[engine.launches.length - 1].savepointPath;
    expect(restoredFrom).toMatch(/savepoint-job-1/);
    const lost = [...engine.jobStates.entries()].find(([, state]) => state === 'RUNNING')?.[0] as string;

    engine.jobStates.delete(lost);

    await expect.poll(() => engine.launches.length, { timeout: 5_000 }).toBe(3);
    expect(engine.launches[2].savepointPath).toBe(restoredFrom);
    await plane.service.idle();
    expect(await status()).toBe('RUNNING');
  });

  it('keeps its applications across a restart of the control plane', async () => {
    await running();
    await plane.close();

    plane = await startControlPlane({ dirs: playgroundDirs(home), engine, monitorIntervalMs: 50 });
    client.destroy();
    client = new KinesisAnalyticsV2Client({
      endpoint: plane.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    expect(await status()).toBe('RUNNING');
  });
});
