import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  KinesisAnalyticsV2Client,
  type ApplicationDetail,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { applicationsDir } from '../local/control-plane/server';
import type { PlaygroundDirs } from '../local/paths';
import { LOCAL_CREDENTIALS } from '../local/stack';
import type { StackRecord } from '../local/stack-state';
import { BenchStepError } from './stack';

/** The real kinesisanalyticsv2 client, pointed at the stack's local control plane. */
export function controlPlaneClient(record: StackRecord): KinesisAnalyticsV2Client {
  return new KinesisAnalyticsV2Client({ endpoint: record.endpoints.controlPlane, region: record.region, credentials: LOCAL_CREDENTIALS });
}

export async function describe(client: KinesisAnalyticsV2Client, name: string): Promise<ApplicationDetail> {
  const out = await client.send(new DescribeApplicationCommand({ ApplicationName: name }));
  if (!out.ApplicationDetail) throw new BenchStepError(`DescribeApplication ${name} returned no detail`);
  return out.ApplicationDetail;
}

/** The control plane's record of why the application's last operation failed, if it kept one. */
export function lastFailure(dirs: PlaygroundDirs, name: string): string | undefined {
  const file = path.join(applicationsDir(dirs), `${name}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as { lastFailure?: { message?: string } };
    return state.lastFailure?.message?.split('\n').slice(0, 3).join(' ');
  } catch {
    return undefined;
  }
}

/** Polls until the application reaches `status` (and `extra` holds); fails on a timeout or a fall back to READY. */
export async function waitForStatus(
  client: KinesisAnalyticsV2Client,
  name: string,
  status: 'RUNNING' | 'READY',
  timeoutMs: number,
  extra: () => Promise<boolean> = async () => true,
  dirs?: PlaygroundDirs,
): Promise<void> {
  const started = Date.now();
  let last: string | undefined;
  for (;;) {
    const detail = await describe(client, name);
    last = detail.ApplicationStatus;
    if (last === status && (await extra())) return;
    if (status === 'RUNNING' && last === 'READY' && Date.now() - started > 5_000) {
      const cause = dirs ? lastFailure(dirs, name) : undefined;
      throw new BenchStepError(`application ${name} went back to READY instead of RUNNING${cause ? `: ${cause}` : ''}`);
    }
    if (Date.now() - started > timeoutMs) throw new BenchStepError(`application ${name} did not reach ${status} within ${timeoutMs / 1000} s (it is ${last})`);
    await sleep(250);
  }
}

/** Seconds from `call` until `done` resolves. */
export async function timed(call: () => Promise<unknown>, done: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await call();
  await done();
  return (performance.now() - started) / 1000;
}

/** CreateApplicationSnapshot → snapshot READY, in seconds. */
export async function snapshotSeconds(client: KinesisAnalyticsV2Client, name: string, timeoutMs: number): Promise<number> {
  const snapshot = `bench-${Date.now()}`;
  return timed(
    () => client.send(new CreateApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: snapshot })),
    async () => {
      const started = Date.now();
      for (;;) {
        const out = await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: name, SnapshotName: snapshot }));
        const status = out.SnapshotDetails?.SnapshotStatus;
        if (status === 'READY') return;
        if (status === 'FAILED') throw new BenchStepError(`snapshot ${snapshot} FAILED`);
        if (Date.now() - started > timeoutMs) throw new BenchStepError(`snapshot ${snapshot} not READY within ${timeoutMs / 1000} s`);
        await sleep(250);
      }
    },
  );
}
