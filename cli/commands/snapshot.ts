import {
  CreateApplicationSnapshotCommand,
  DeleteApplicationSnapshotCommand,
  type SnapshotDetails,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { UsageError, type Io } from '../io';
import { intIn } from '../options';
import {
  describeApplication,
  listSnapshots,
  msfClient,
  PlayError,
  requireSnapshot,
  resolveTarget,
  runPlay,
  seconds,
  targetFlags,
  waitForSnapshot,
  withTargetOptions,
  type Clock,
  type PlayTarget,
  type WaitOptions,
} from '../target';
import type { RegisterCommand } from './index';

export type SnapshotAction =
  | { readonly action: 'create'; readonly name?: string }
  | { readonly action: 'list' }
  | { readonly action: 'delete'; readonly name: string };

export interface SnapshotOptions {
  readonly target: PlayTarget;
  readonly do: SnapshotAction;
  readonly json: boolean;
  readonly wait?: WaitOptions;
}

const SNAPSHOT_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;

/** Checks a snapshot name before any call. @throws UsageError */
export function parseSnapshotName(value: string): string {
  if (!SNAPSHOT_NAME.test(value)) throw new UsageError(`a snapshot name has 1 to 256 letters, digits, _ . or -, got '${value}'`);
  return value;
}

/** `playground-20261122-213000`: the default name of a created snapshot. */
export function defaultSnapshotName(clock: Pick<Clock, 'now'>): string {
  const iso = new Date(clock.now()).toISOString();
  return `playground-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

function row(s: SnapshotDetails): string {
  const created = s.SnapshotCreationTimestamp?.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') ?? '–';
  return `${(s.SnapshotName ?? '?').padEnd(44)} ${(s.SnapshotStatus ?? '?').padEnd(9)} ${String(s.ApplicationVersionId ?? '?').padStart(7)}  ${created}`;
}

/** `playground snapshot create [NAME] | list | delete NAME`. */
export async function snapshot(options: SnapshotOptions, io: Io): Promise<number> {
  const { target } = options;
  const app = target.applicationName;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const request = options.do;
    if (request.action === 'list') {
      const snapshots = await listSnapshots(client, app);
      if (options.json) {
        io.out(
          JSON.stringify(
            snapshots.map((s) => ({
              name: s.SnapshotName,
              status: s.SnapshotStatus,
              applicationVersion: s.ApplicationVersionId,
              createdAt: s.SnapshotCreationTimestamp?.toISOString() ?? null,
            })),
            null,
            2,
          ),
        );
        return 0;
      }
      if (snapshots.length === 0) {
        io.out(`${app} has no snapshots; take one with: playground snapshot create`);
        return 0;
      }
      io.out(`${'NAME'.padEnd(44)} ${'STATUS'.padEnd(9)} VERSION  CREATED`);
      for (const s of snapshots) io.out(row(s));
      return 0;
    }
    if (request.action === 'delete') {
      const found = await requireSnapshot(client, app, request.name).catch(async (error: unknown) => {
        // a FAILED snapshot may be deleted too
        const any = (await listSnapshots(client, app)).find((s) => s.SnapshotName === request.name);
        if (any) return any;
        throw error;
      });
      await client.send(
        new DeleteApplicationSnapshotCommand({ ApplicationName: app, SnapshotName: request.name, SnapshotCreationTimestamp: found.SnapshotCreationTimestamp }),
      );
      io.out(`deleting snapshot ${request.name} of ${app}`);
      return 0;
    }
    const name = request.name ?? defaultSnapshotName(options.wait?.clock ?? { now: () => Date.now() });
    const detail = await describeApplication(client, app);
    if (detail.ApplicationStatus !== 'RUNNING') {
      throw new PlayError(`${app} is ${detail.ApplicationStatus}; a snapshot can be taken only while it is RUNNING (playground start)`);
    }
    if ((await listSnapshots(client, app)).some((s) => s.SnapshotName === name)) {
      throw new PlayError(`a snapshot named '${name}' exists already; choose another name or delete it (playground snapshot delete ${name})`);
    }
    io.out(`taking snapshot ${name} of ${app}…`);
    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: app, SnapshotName: name }));
    const { elapsedMs } = await waitForSnapshot(client, app, name, io, options.wait);
    if (options.json) io.out(JSON.stringify({ name, status: 'READY', elapsedMs }));
    else io.out(`snapshot ${name} READY in ${seconds(elapsedMs)}; restore it with: playground restore ${name}`);
    return 0;
  });
}

export const registerSnapshot: RegisterCommand = (program, io, setExit) => {
  const group = program.command('snapshot').description('Create, list or delete snapshots (savepoints) of the application');
  const timeout = (flags: Record<string, unknown>): WaitOptions => ({ timeoutMs: (flags.timeout as number) * 1000 });
  withTargetOptions(group.command('create'))
    .description('Take a snapshot now and wait until it is READY')
    .argument('[name]', 'the snapshot name (default playground-YYYYMMDD-HHMMSS)', parseSnapshotName)
    .option('--json', 'print the result as JSON', false)
    .option('--timeout <seconds>', 'how long to wait for READY', intIn(1, 86_400), 600)
    .action(async (name: string | undefined, flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(await snapshot({ target, do: { action: 'create', name }, json: Boolean(flags.json), wait: timeout(flags) }, io));
    });
  withTargetOptions(group.command('list'))
    .description('List the snapshots, newest first')
    .option('--json', 'print the snapshots as JSON', false)
    .action(async (flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(await snapshot({ target, do: { action: 'list' }, json: Boolean(flags.json) }, io));
    });
  withTargetOptions(group.command('delete'))
    .description('Delete a snapshot')
    .argument('<name>', 'the snapshot name', parseSnapshotName)
    .action(async (name: string, flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(await snapshot({ target, do: { action: 'delete', name }, json: false }, io));
    });
};
