import {
  CreateApplicationCommand,
  CreateApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  KinesisAnalyticsV2Client,
  ListApplicationSnapshotsCommand,
  ResourceInUseException,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
  type ApplicationStatus,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationsDir, ApplicationStore, startControlPlane, type ControlPlane } from '../../local/control-plane';
import { startFlinkCluster, type FlinkCluster } from '../../local/flink/cluster';
import { reservePorts } from '../../local/ports';
import { jobJarPath, playgroundDirs, type PlaygroundDirs } from '../../local/paths';
import { startKafka, type LocalKafka } from '../../local/services/kafka';
import { TestHomes } from '../support/homes';

const name = 'click-count';
const minute = 60_000;
const homes = new TestHomes();

describe('the local control plane on a real Flink cluster and Kafka broker', () => {
  let home: string;
  let dirs: PlaygroundDirs;
  let kafka: LocalKafka | undefined;
  let cluster: FlinkCluster | undefined;
  let plane: ControlPlane | undefined;
  let client: KinesisAnalyticsV2Client;
  let store: ApplicationStore;

  beforeAll(() => homes.guard(async () => {
    if (!existsSync(jobJarPath)) throw new Error(`${jobJarPath} is missing: build it with mvn -f job/pom.xml -B -q package -DskipTests`);
    home = homes.create('playground-e2e-');
    // a throw-away home, but the shared classpath cache, so Maven resolves once per machine
    dirs = { ...playgroundDirs(home), cache: playgroundDirs().cache };
    // a copy of the jar, so a rebuild of job/ while the test runs cannot hand Flink a half-written file
    const jarPath = path.join(home, 'click-count-job.jar');
    copyFileSync(jobJarPath, jarPath);
    const [kafkaPort, restPort] = await reservePorts(2);
    const [broker, flink] = await Promise.allSettled([
      startKafka({
        port: kafkaPort,
        dataDir: path.join(dirs.data, 'kafka'),
        logDir: dirs.logs,
        cacheDir: dirs.cache,
        topics: [
          { name: 'input', partitions: 2 },
          { name: 'output', partitions: 2 },
        ],
      }),
      startFlinkCluster({ dirs, restPort, taskManagers: 0 }),
    ]);
    if (broker.status === 'fulfilled') kafka = broker.value;
    if (flink.status === 'fulfilled') cluster = flink.value;
    if (broker.status === 'rejected') throw broker.reason;
    if (flink.status === 'rejected') throw flink.reason;
    plane = await startControlPlane({ dirs, cluster: flink.value, jarPath, onEvent: (message) => console.log(`control plane: ${message}`) });
    client = new KinesisAnalyticsV2Client({
      endpoint: plane.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    store = new ApplicationStore(applicationsDir(dirs));
  }), 15 * minute);

  afterAll(async () => {
    client?.destroy();
    await plane?.close().catch((error: unknown) => console.error(error));
    await cluster?.stop().catch((error: unknown) => console.error(error));
    await kafka?.stop().catch((error: unknown) => console.error(error));
    homes.release();
  }, 5 * minute);

  async function statusOf(): Promise<ApplicationStatus | undefined> {
    return (await client.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail?.ApplicationStatus;
  }

  /** Waits for the application to reach `wanted`, failing early with the recorded failure when it lands elsewhere. */
  async function reach(wanted: ApplicationStatus, timeoutMs = 5 * minute): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await statusOf();
      if (status === wanted) return;
      const failure = store.get(name)?.lastFailure;
      if ((status === 'READY' || status === 'RUNNING') && failure && failure.at > Date.now() - 60_000) {
        throw new Error(`expected ${wanted}, the application is ${status}: ${failure.message}`);
      }
      if (Date.now() > deadline) throw new Error(`expected ${wanted} within ${timeoutMs / 1000} s, the application is ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function snapshotReady(snapshotName: string): Promise<void> {
    await expect
      .poll(
        async () =>
          (await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: snapshotName })))
            .SnapshotDetails?.SnapshotStatus,
        { timeout: 3 * minute, interval: 500 },
      )
      .toBe('READY');
  }

  const jobId = (): string => store.get(name)?.jobId as string;

  it('creates the application and runs its job on Kafka with the configured checkpoint interval', async () => {
    await client.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        RuntimeEnvironment: 'FLINK-2_2',
        ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local',
        ApplicationConfiguration: {
          ApplicationCodeConfiguration: {
            CodeContentType: 'ZIPFILE',
            CodeContent: { S3ContentLocation: { BucketARN: 'arn:aws:s3:::local', FileKey: 'click-count-job.jar' } },
          },
          EnvironmentProperties: {
            PropertyGroups: [
              { PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kafka' } },
              { PropertyGroupId: 'Kafka', PropertyMap: { 'bootstrap.servers': kafka?.bootstrapServers ?? '' } },
            ],
          },
          FlinkApplicationConfiguration: {
            CheckpointConfiguration: { ConfigurationType: 'CUSTOM', CheckpointingEnabled: true, CheckpointInterval: 5_000, MinPauseBetweenCheckpoints: 1_000 },
            ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 1, ParallelismPerKPU: 1, AutoScalingEnabled: false },
          },
        },
      }),
    );

    await client.send(
      new StartApplicationCommand({
        ApplicationName: name,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } },
      }),
    );
    expect(await statusOf()).toBe('STARTING');
    await reach('RUNNING');

    const job = await cluster!.rest.job(jobId());
    expect(job.state).toBe('RUNNING');
    expect(job.vertices.every((vertex) => vertex.parallelism === 1)).toBe(true);
    expect((await cluster!.rest.checkpointConfig(jobId())).interval).toBe(5_000);
    expect(cluster!.taskManagers().filter((tm) => tm.alive)).toHaveLength(1);
    await expect(client.send(new StartApplicationCommand({ ApplicationName: name }))).rejects.toBeInstanceOf(ResourceInUseException);
  }, 10 * minute);

  it('takes a snapshot as a Flink savepoint and lists it', async () => {
    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: 'first' }));
    await snapshotReady('first');

    const listed = await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name }));
    expect(listed.SnapshotSummaries?.map((s) => s.SnapshotName)).toEqual(['first']);
    const location = store.get(name)?.snapshots[0].location as string;
    expect(existsSync(path.join(fileURLToPath(location), '_metadata'))).toBe(true);
  }, 5 * minute);

  it('stops with a snapshot, then refuses snapshots and stops while READY', async () => {
    const runningJob = jobId();

    await client.send(new StopApplicationCommand({ ApplicationName: name }));
    await reach('READY');

    expect((await cluster!.rest.job(runningJob)).state).toBe('FINISHED');
    const snapshots = (await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name }))).SnapshotSummaries ?? [];
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]).toMatchObject({ SnapshotStatus: 'READY' });
    await expect(
      client.send(new CreateApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: 'too-late' })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(client.send(new StopApplicationCommand({ ApplicationName: name }))).rejects.toBeInstanceOf(ResourceInUseException);
  }, 5 * minute);

  it('starts from a named snapshot (RESTORE_FROM_CUSTOM_SNAPSHOT)', async () => {
    await client.send(
      new StartApplicationCommand({
        ApplicationName: name,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: 'first' } },
      }),
    );
    await reach('RUNNING');

    const restored = (await cluster!.rest.checkpoints(jobId())).latest.restored;
    expect(restored?.external_path).toBe(store.get(name)?.snapshots.find((s) => s.name === 'first')?.location);
  }, 10 * minute);

  it('force-stops without a snapshot and restarts from the latest snapshot', async () => {
    await client.send(new StopApplicationCommand({ ApplicationName: name, Force: true }));
    await reach('READY');
    expect((await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name }))).SnapshotSummaries).toHaveLength(2);

    await client.send(new StartApplicationCommand({ ApplicationName: name }));
    await reach('RUNNING');

    const latest = store.get(name)?.snapshots.at(-1);
    expect(latest?.automatic).toBe(true);
    expect((await cluster!.rest.checkpoints(jobId())).latest.restored?.external_path).toBe(latest?.location);
  }, 10 * minute);

  it('rescales a running application to parallelism 2 on two TaskManagers', async () => {
    const before = (await client.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail;

    await client.send(
      new UpdateApplicationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: before?.ApplicationVersionId,
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: {
            ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 2 },
          },
        },
      }),
    );
    expect(await statusOf()).toBe('UPDATING');
    await reach('RUNNING');

    const job = await cluster!.rest.job(jobId());
    expect(Math.max(...job.vertices.map((vertex) => vertex.parallelism))).toBe(2);
    expect(cluster!.taskManagers().filter((tm) => tm.alive)).toHaveLength(2);
    expect((await cluster!.rest.checkpoints(jobId())).latest.restored?.is_savepoint).toBe(true);
    const after = (await client.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail;
    expect(after?.ApplicationVersionId).toBe((before?.ApplicationVersionId ?? 0) + 1);

    await client.send(new StopApplicationCommand({ ApplicationName: name, Force: true }));
    await reach('READY');
  }, 10 * minute);
});
