import type { ApplicationDetail, SnapshotDetails } from '@aws-sdk/client-kinesis-analytics-v2';
import { FlinkRestClient } from '../../local/flink/rest';
import { degradedQualifier, JOB_EXPECTED, readHealth, readLocalApplication, type JobHealth } from '../../local/health';
import { runPlay } from '../errors';
import type { Io } from '../io';
import { describeApplication, listSnapshots, msfClient, parallelismOf } from '../msf';
import { defineOptions } from '../options';
import { playTarget } from '../announce';
import { targetOptions, type PlayTarget } from '../target';
import { describeVariant, variantOf, type JobVariantView } from '../variant';
import type { RegisterCommand } from './register';

export interface StatusOptions {
  readonly target: PlayTarget;
  readonly json: boolean;
}

/** What `status --json` prints. */
export interface ApplicationStatusView {
  readonly target: 'local' | 'aws';
  readonly application: string;
  readonly status: string;
  readonly version: number | null;
  readonly parallelism: number | null;
  readonly currentParallelism: number | null;
  readonly parallelismPerKpu: number | null;
  readonly kpus: number | null;
  readonly autoScaling: boolean | null;
  readonly snapshotsEnabled: boolean | null;
  readonly lastUpdate: string | null;
  readonly lastSnapshot: { readonly name: string; readonly status: string; readonly createdAt: string | null } | null;
  /** The job variant its configuration runs (event/processing time, checkpointing, backpressure). */
  readonly variant: JobVariantView;
  /** Locally: the Flink jobs of the session cluster, like `flink list`. */
  readonly flinkJobs?: readonly { readonly id: string; readonly name: string; readonly state: string; readonly startedAt: string }[];
  /** Locally: the job's health as Flink and the stack's event log tell it (local/health.ts). */
  readonly health?: JobHealth;
}

/** The status view of an application and its newest snapshot. */
function statusView(target: PlayTarget, detail: ApplicationDetail, snapshots: readonly SnapshotDetails[]): ApplicationStatusView {
  const parallelism = parallelismOf(detail);
  const perKpu = parallelism?.ParallelismPerKPU ?? null;
  const current = parallelism?.CurrentParallelism ?? parallelism?.Parallelism ?? null;
  const last = snapshots[0];
  return {
    target: target.kind,
    application: detail.ApplicationName ?? target.applicationName,
    status: detail.ApplicationStatus ?? 'UNKNOWN',
    version: detail.ApplicationVersionId ?? null,
    parallelism: parallelism?.Parallelism ?? null,
    currentParallelism: current,
    parallelismPerKpu: perKpu,
    kpus: current !== null && perKpu ? Math.ceil(current / perKpu) : null,
    autoScaling: parallelism?.AutoScalingEnabled ?? null,
    snapshotsEnabled: detail.ApplicationConfigurationDescription?.ApplicationSnapshotConfigurationDescription?.SnapshotsEnabled ?? null,
    lastUpdate: detail.LastUpdateTimestamp?.toISOString() ?? null,
    lastSnapshot: last
      ? { name: last.SnapshotName ?? '?', status: last.SnapshotStatus ?? '?', createdAt: last.SnapshotCreationTimestamp?.toISOString() ?? null }
      : null,
    variant: variantOf(detail),
  };
}

function time(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';
}

/** The view as lines, in the manner of `flink list`. */
function renderStatus(view: ApplicationStatusView): string[] {
  const lines = [
    `------------------ ${view.target === 'local' ? 'Local' : 'AWS'} application ------------------`,
    `${time(view.lastUpdate)} : ${view.application} : ${view.status}${view.health && !view.health.healthy && JOB_EXPECTED.has(view.status) ? ` (${degradedQualifier(view.health)})` : ''} (version ${view.version ?? '?'})`,
    `  parallelism ${view.currentParallelism ?? '?'}${view.parallelism !== view.currentParallelism ? ` (configured ${view.parallelism ?? '?'})` : ''}, ${view.parallelismPerKpu ?? '?'} per KPU → ${view.kpus ?? '?'} KPU(s); autoscaling ${view.autoScaling ? 'on' : 'off'}; snapshots ${view.snapshotsEnabled ? 'enabled' : 'disabled'}`,
    `  variant ${describeVariant(view.variant)}`,
    `  last snapshot ${view.lastSnapshot ? `${view.lastSnapshot.name} (${view.lastSnapshot.status}, ${time(view.lastSnapshot.createdAt)})` : 'none'}`,
  ];
  if (view.health) lines.push(...renderHealthSection(view.health, view.status));
  if (view.flinkJobs) {
    lines.push('------------------ Flink jobs (local session cluster) ------------------');
    if (view.flinkJobs.length === 0) lines.push('No jobs.');
    for (const job of view.flinkJobs) lines.push(`${time(job.startedAt)} : ${job.id} : ${job.name} (${job.state})`);
  }
  lines.push('-----------------------------------------------------------------------');
  return lines;
}

/** `health  OK`, or `health  DEGRADED` and one line per problem (what is wrong, where to look). */
function renderHealthSection(health: JobHealth, status: string): string[] {
  if (health.healthy) {
    const job = health.job;
    return [
      job
        ? `  health OK (job ${job.state}, ${job.tasks.running} of ${job.tasks.total} tasks running on ${health.taskManagers} TaskManager(s), ${health.restartsLastMinute} restarts in the last minute)`
        : `  health OK (no job runs${JOB_EXPECTED.has(status) ? '' : `: the application is ${status}`})`,
    ];
  }
  return [`  health DEGRADED`, ...health.problems.map((p) => `    - ${p.message}`)];
}

/** `playground status`: the application's state, version, parallelism, KPUs and last snapshot. */
export async function status(options: StatusOptions, io: Io): Promise<number> {
  const { target } = options;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const [detail, snapshots] = await Promise.all([
      describeApplication(client, target.applicationName),
      listSnapshots(client, target.applicationName),
    ]);
    let view = statusView(target, detail, snapshots);
    if (target.local) {
      const { dirs, record } = target.local;
      const rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 5_000);
      const [jobs, health] = await Promise.all([
        rest.jobs().catch(() => []),
        readHealth(rest, {
          dirs,
          expectJob: JOB_EXPECTED.has(view.status),
          jobId: readLocalApplication(dirs, record.applicationName)?.jobId,
          sinceMs: Date.parse(record.startedAt),
        }),
      ]);
      view = {
        ...view,
        flinkJobs: jobs.map((j) => ({ id: j.jid, name: j.name, state: j.state, startedAt: new Date(j['start-time']).toISOString() })),
        health,
      };
    }
    if (options.json) io.out(JSON.stringify(view, null, 2));
    else for (const line of renderStatus(view)) io.out(line);
    return 0;
  });
}

const statusFlags = defineOptions((o) => ({
  target: targetOptions(o),
  json: o.flag('--json', 'print the status as JSON'),
}));

export const registerStatus: RegisterCommand = (program, io, setExit) => {
  const command = statusFlags
    .add(program.command('status'))
    .description('Show the application: state, version, parallelism, KPUs, last snapshot (like flink list)')
    .action(async () => {
      const flags = statusFlags.read(command);
      setExit(await status({ target: await playTarget(flags.target, 'read', io, { json: flags.json }), json: flags.json }, io));
    });
};
