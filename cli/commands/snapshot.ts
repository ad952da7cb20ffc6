import { DeleteApplicationSnapshotCommand, type SnapshotDetails } from '@aws-sdk/client-kinesis-analytics-v2';
import { realClock, type Clock } from '../../local/poll';
import { PlayError, runPlay, UsageError } from '../errors';
import type { Io } from '../io';
import { createSnapshot, describeApplication, listSnapshots, msfClient, requireSnapshot, seconds, type WaitOptions } from '../msf';
import { defineOptions } from '../options';
import { playTarget } from '../announce';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

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
function parseSnapshotName(value: string): string {
  if (!SNAPSHOT_NAME.test(value)) throw new UsageError(`a snapshot name has 1 to 256 letters, digits, _ . or -, got '${value}'`);
  return value;
}

/** `playground-20261122-213000`: the default name of a created snapshot. */
function defaultSnapshotName(clock: Pick<Clock, 'now'>): string {
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
    const name = request.name ?? defaultSnapshotName(options.wait?.clock ?? realClock);
    const detail = await describeApplication(client, app);
    if (detail.ApplicationStatus !== 'RUNNING') {
      throw new PlayError(`${app} is ${detail.ApplicationStatus}; a snapshot can be taken only while it is RUNNING (playground start)`);
    }
    if ((await listSnapshots(client, app)).some((s) => s.SnapshotName === name)) {
      throw new PlayError(`a snapshot named '${name}' exists already; choose another name or delete it (playground snapshot delete ${name})`);
    }
    io.out(`taking snapshot ${name} of ${app}…`);
    const { elapsedMs } = await createSnapshot(client, app, name, { ...options.wait, progress: (line) => io.out(line) });
    if (options.json) io.out(JSON.stringify({ name, status: 'READY', elapsedMs }));
    else io.out(`snapshot ${name} READY in ${seconds(elapsedMs)}; restore it with: playground restore ${name}`);
    return 0;
  });
}

const createFlags = defineOptions((o) => ({
  target: targetOptions(o),
  json: o.flag('--json', 'print the result as JSON'),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for READY', { min: 1, max: 86_400 }, 600),
}));
const listFlags = defineOptions((o) => ({ target: targetOptions(o), json: o.flag('--json', 'print the snapshots as JSON') }));
const deleteFlags = defineOptions(targetOptions);

export const registerSnapshot: RegisterCommand = (program, io, setExit) => {
  const group = program.command('snapshot').description('Create, list or delete snapshots (savepoints) of the application');
  const create = createFlags
    .add(group.command('create'))
    .description('Take a snapshot now and wait until it is READY')
    .argument('[name]', 'the snapshot name (default playground-YYYYMMDD-HHMMSS)', parseSnapshotName)
    .action(async (name: string | undefined) => {
      const flags = createFlags.read(create);
      const wait: WaitOptions = { timeoutMs: flags.timeoutSeconds * 1000 };
      setExit(await snapshot({ target: await playTarget(flags.target, 'change', io, { json: flags.json }), do: { action: 'create', name }, json: flags.json, wait }, io));
    });
  const list = listFlags
    .add(group.command('list'))
    .description('List the snapshots, newest first')
    .action(async () => {
      const flags = listFlags.read(list);
      setExit(await snapshot({ target: await playTarget(flags.target, 'read', io, { json: flags.json }), do: { action: 'list' }, json: flags.json }, io));
    });
  const remove = deleteFlags
    .add(group.command('delete'))
    .description('Delete a snapshot')
    .argument('<name>', 'the snapshot name', parseSnapshotName)
    .action(async (name: string) => {
      setExit(await snapshot({ target: await playTarget(deleteFlags.read(remove), 'change', io), do: { action: 'delete', name }, json: false }, io));
    });
};
