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
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureJobJar } from '../../infra/lib/job-jar';
import { startControlPlane, type ControlPlane } from '../../local/control-plane/server';
import { applicationsDir, ApplicationStore } from '../../local/control-plane/store';
import { startFlinkCluster, type FlinkCluster } from '../../local/flink/cluster';
import { reservePorts } from '../../local/ports';
import { playgroundDirs, repoRoot, type PlaygroundDirs } from '../../local/paths';
import { startKafka, type LocalKafka } from '../../local/services/kafka';
import { TestHomes } from '../support/homes';

const minute = 60_000;
const homes = new TestHomes();

/**
 * Each test creates its own application (a name of its own) and brings it to the state it needs
 * through the API, so any one of them runs alone (`-t`) or in any order; a test's application is
 * force-stopped after it, so the next one starts on an idle cluster.
 */
describe('the local control plane on a real Flink cluster and Kafka broker', () => {
  let home: string;
  let dirs: PlaygroundDirs;
  let kafka: LocalKafka | undefined;
  let cluster: FlinkCluster | undefined;
  let plane: ControlPlane | undefined;
  let client: KinesisAnalyticsV2Client;
  let store: ApplicationStore;
  let created = 0;
  let current: string | undefined;

  beforeAll(() => homes.guard(async () => {
    // the project's own build-when-stale step (as `cdk synth` and `playground up` use), not a jar another file built
    const jobJar = ensureJobJar({ root: repoRoot }, (line) => console.log(line));
    home = homes.create('playground-e2e-');
    // a throw-away home, but the shared classpath cache, so Maven resolves once per machine
    dirs = { ...playgroundDirs(home), cache: playgroundDirs().cache };
    // a copy of the jar, so a rebuild of job/ while the test runs cannot hand Flink a half-written file
    const jarPath = path.join(home, 'click-count-job.jar');
    copyFileSync(jobJar, jarPath);
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

  afterEach(async () => {
    const name = current;
    current = undefined;
    if (name === undefined || !client) return;
    const status = await statusOf(name).catch(() => undefined);
    if (status === undefined || status === 'READY') return;
    if (status !== 'RUNNING') await reach(name, 'RUNNING').catch(() => undefined);
    await client.send(new StopApplicationCommand({ ApplicationName: name, Force: true })).catch(() => undefined);
    await reach(name, 'READY');
  }, 5 * minute);

  afterAll(async () => {
    client?.destroy();
    await plane?.close().catch((error: unknown) => console.error(error));
    await cluster?.stop().catch((error: unknown) => console.error(error));
    await kafka?.stop().catch((error: unknown) => console.error(error));
    homes.release();
  }, 5 * minute);

  async function statusOf(name: string): Promise<ApplicationStatus | undefined> {
    return (await client.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail?.ApplicationStatus;
  }

  /** Waits for the application to reach `wanted`, failing early with the recorded failure when it lands elsewhere. */
  async function reach(name: string, wanted: ApplicationStatus, timeoutMs = 5 * minute): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await statusOf(name);
      if (status === wanted) return;
      const failure = store.get(name)?.lastFailure;
      if ((status === 'READY' || status === 'RUNNING') && failure && failure.at > Date.now() - 60_000) {
        throw new Error(`expected ${wanted}, the application is ${status}: ${failure.message}`);
      }
      if (Date.now() > deadline) throw new Error(`expected ${wanted} within ${timeoutMs / 1000} s, the application is ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function snapshotReady(name: string, snapshotName: string): Promise<void> {
    await expect
      .poll(
        async () =>
          (await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: snapshotName })))
            .SnapshotDetails?.SnapshotStatus,
        { timeout: 3 * minute, interval: 500 },
      )
      .toBe('READY');
  }

  const jobId = (name: string): string => store.get(name)?.jobId as string;

  /** Creates a new application of this test (parallelism 1, checkpoints every 5 s) and returns its name. */
  async function createApplication(): Promise<string> {
    const name = `click-count-${++created}`;
    current = name;
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
              // a transactional id prefix per application, as on a cluster shared by several
              { PropertyGroupId: 'Kafka', PropertyMap: { 'bootstrap.servers': kafka?.bootstrapServers ?? '', 'transactional.id.prefix': name } },
            ],
          },
          FlinkApplicationConfiguration: {
            CheckpointConfiguration: { ConfigurationType: 'CUSTOM', CheckpointingEnabled: true, CheckpointInterval: 5_000, MinPauseBetweenCheckpoints: 1_000 },
            ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 1, ParallelismPerKPU: 1, AutoScalingEnabled: false },
          },
        },
      }),
    );
    return name;
  }

  /** A new application of this test, RUNNING its job (started without a snapshot). */
  async function runningApplication(): Promise<string> {
    const name = await createApplication();
    await client.send(
      new StartApplicationCommand({
        ApplicationName: name,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } },
      }),
    );
    await reach(name, 'RUNNING');
    return name;
  }

  async function takeSnapshot(name: string, snapshotName: string): Promise<void> {
    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: snapshotName }));
    await snapshotReady(name, snapshotName);
  }

  it('creates the application and runs its job on Kafka with the configured checkpoint interval', async () => {
    const name = await createApplication();

    await client.send(
      new StartApplicationCommand({
        ApplicationName: name,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } },
      }),
    );
    expect(await statusOf(name)).toBe('STARTING');
    await reach(name, 'RUNNING');

    const job = await cluster!.rest.job(jobId(name));
    expect(job.state).toBe('RUNNING');
    expect(job.vertices.every((vertex) => vertex.parallelism === 1)).toBe(true);
    expect((await cluster!.rest.checkpointConfig(jobId(name))).interval).toBe(5_000);
    expect(cluster!.taskManagers().filter((tm) => tm.alive)).toHaveLength(1);
    await expect(client.send(new StartApplicationCommand({ ApplicationName: name }))).rejects.toBeInstanceOf(ResourceInUseException);
  }, 10 * minute);

  it('takes a snapshot as a Flink savepoint and lists it', async () => {
    const name = await runningApplication();

    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: 'first' }));
    await snapshotReady(name, 'first');

    const listed = await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name }));
    expect(listed.SnapshotSummaries?.map((s) => s.SnapshotName)).toEqual(['first']);
    const location = store.get(name)?.snapshots[0].location as string;
    expect(existsSync(path.join(fileURLToPath(location), '_metadata'))).toBe(true);
  }, 10 * minute);

  it('stops with a snapshot (after those taken before), then refuses snapshots and stops while READY', async () => {
    const name = await runningApplication();
    await takeSnapshot(name, 'first');
    const runningJob = jobId(name);

    await client.send(new StopApplicationCommand({ ApplicationName: name }));
    await reach(name, 'READY');

    expect((await cluster!.rest.job(runningJob)).state).toBe('FINISHED');
    const snapshots = (await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name }))).SnapshotSummaries ?? [];
    expect(snapshots).toHaveLength(2);
    expect(snapshots[0]).toMatchObject({ SnapshotName: 'first' });
    expect(snapshots[1]).toMatchObject({ SnapshotStatus: 'READY' });
    expect(store.get(name)?.snapshots[1].automatic).toBe(true);
    await expect(
      client.send(new CreateApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: 'too-late' })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(client.send(new StopApplicationCommand({ ApplicationName: name }))).rejects.toBeInstanceOf(ResourceInUseException);
  }, 10 * minute);

  it('starts from a named snapshot (RESTORE_FROM_CUSTOM_SNAPSHOT)', async () => {
    const name = await runningApplication();
    await takeSnapshot(name, 'first');
    await client.send(new StopApplicationCommand({ ApplicationName: name }));
    await reach(name, 'READY');
    // the stop took a later snapshot: restoring 'first' must not pick the latest
    expect(store.get(name)?.snapshots.at(-1)?.name).not.toBe('first');

    await client.send(
      new StartApplicationCommand({
        ApplicationName: name,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: 'first' } },
      }),
    );
    await reach(name, 'RUNNING');

    const restored = (await cluster!.rest.checkpoints(jobId(name))).latest.restored;
    expect(restored?.external_path).toBe(store.get(name)?.snapshots.find((s) => s.name === 'first')?.location);
  }, 10 * minute);

  it('force-stops without a snapshot and restarts from the latest snapshot', async () => {
    const name = await runningApplication();
    await takeSnapshot(name, 'first');
    await client.send(new StopApplicationCommand({ ApplicationName: name }));
    await reach(name, 'READY');
    await client.send(new StartApplicationCommand({ ApplicationName: name }));
    await reach(name, 'RUNNING');

    await client.send(new StopApplicationCommand({ ApplicationName: name, Force: true }));
    await reach(name, 'READY');
    expect((await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name }))).SnapshotSummaries).toHaveLength(2);

    await client.send(new StartApplicationCommand({ ApplicationName: name }));
    await reach(name, 'RUNNING');

    const latest = store.get(name)?.snapshots.at(-1);
    expect(latest?.automatic).toBe(true);
    expect((await cluster!.rest.checkpoints(jobId(name))).latest.restored?.external_path).toBe(latest?.location);
  }, 10 * minute);

  it('rescales a running application to parallelism 2 on two TaskManagers', async () => {
    const name = await runningApplication();
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
    expect(await statusOf(name)).toBe('UPDATING');
    await reach(name, 'RUNNING');

    const job = await cluster!.rest.job(jobId(name));
    expect(Math.max(...job.vertices.map((vertex) => vertex.parallelism))).toBe(2);
    expect(cluster!.taskManagers().filter((tm) => tm.alive)).toHaveLength(2);
    expect((await cluster!.rest.checkpoints(jobId(name))).latest.restored?.is_savepoint).toBe(true);
    const after = (await client.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail;
    expect(after?.ApplicationVersionId).toBe((before?.ApplicationVersionId ?? 0) + 1);

    await client.send(new StopApplicationCommand({ ApplicationName: name, Force: true }));
    await reach(name, 'READY');
  }, 10 * minute);
});
