import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FlinkEngine, JobLaunch } from '../../local/control-plane/engine';
import type { ApplicationRecord } from '../../local/control-plane/model';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../local/control-plane/server';
import { playgroundDirs } from '../../local/paths';

/** A Flink engine whose every call waits until the test releases it, and records what it was asked. */
export class FakeEngine implements FlinkEngine {
  readonly calls: string[] = [];
  readonly launches: JobLaunch[] = [];
  readonly resizes: [number, number][] = [];
  private gate: { promise: Promise<void>; open: () => void } = FakeEngine.closedGate();
  failSavepoints = false;
  failStarts = false;
  private jobs = 0;
  readonly jobStates = new Map<string, string>();

  static closedGate(): { promise: Promise<void>; open: () => void } {
    let open = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { promise, open };
  }

  /** Lets every pending and future call complete. */
  release(): void {
    this.gate.open();
  }

  /** Makes future calls wait again. */
  hold(): void {
    this.gate = FakeEngine.closedGate();
  }

  async resize(taskManagers: number, slots: number, onShrunk?: () => void): Promise<void> {
    this.resizes.push([taskManagers, slots]);
    onShrunk?.();
    await this.gate.promise;
  }

  async startJob(app: ApplicationRecord, launch: JobLaunch, sized: Promise<void> = Promise.resolve()): Promise<string> {
    this.calls.push(`start ${app.name}`);
    this.launches.push(launch);
    await this.gate.promise;
    await sized;
    if (this.failStarts) throw new Error('the job could not be submitted');
    const id = `job-${++this.jobs}`;
    this.jobStates.set(id, 'RUNNING');
    return id;
  }

  async savepoint(jobId: string): Promise<string> {
    this.calls.push(`savepoint ${jobId}`);
    await this.gate.promise;
    if (this.failSavepoints) throw new Error('checkpoint coordinator is shut down');
    return `file:///tmp/savepoints/savepoint-${jobId}-${this.calls.length}`;
  }

  async stopWithSavepoint(jobId: string): Promise<string> {
    this.calls.push(`stop ${jobId}`);
    await this.gate.promise;
    this.jobStates.set(jobId, 'FINISHED');
    return `file:///tmp/savepoints/savepoint-stop-${jobId}`;
  }

  async cancel(jobId: string): Promise<void> {
    this.calls.push(`cancel ${jobId}`);
    await this.gate.promise;
    this.jobStates.set(jobId, 'CANCELED');
  }

  async jobState(jobId: string): Promise<string | undefined> {
    return this.jobStates.get(jobId);
  }

  async jobFailure(): Promise<string | undefined> {
    return 'java.lang.RuntimeException: boom';
  }

  async disposeSavepoint(location: string): Promise<void> {
    this.calls.push(`dispose ${location}`);
  }

  /** Completed checkpoints per job, as the cluster's checkpoint folder holds them. */
  readonly checkpoints = new Map<string, string>();

  async latestCheckpoint(jobId: string): Promise<string | undefined> {
    return this.checkpoints.get(jobId);
  }
}

/** A control plane on a fake engine in a temporary home, and a real SDK client pointed at it. */
export interface TestControlPlane {
  readonly home: string;
  readonly engine: FakeEngine;
  readonly plane: ControlPlane;
  readonly client: KinesisAnalyticsV2Client;
}

export async function startTestControlPlane(
  prefix: string,
  options: Omit<ControlPlaneOptions, 'dirs' | 'engine'> = {},
): Promise<TestControlPlane> {
  const home = mkdtempSync(path.join(tmpdir(), prefix));
  const engine = new FakeEngine();
  const plane = await startControlPlane({ dirs: playgroundDirs(home), engine, monitorIntervalMs: 50, ...options });
  const client = new KinesisAnalyticsV2Client({
    endpoint: plane.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { home, engine, plane, client };
}

export async function stopTestControlPlane({ home, engine, plane, client }: TestControlPlane): Promise<void> {
  engine.release();
  client.destroy();
  await plane.close();
  rmSync(home, { recursive: true, force: true });
}
