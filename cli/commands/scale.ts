import { UpdateApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { FlinkRestClient } from '../../local/flink/rest';
import { readLocalApplication } from '../../local/health';
import type { Io } from '../io';
import { intIn, oneOf } from '../options';
import {
  describeApplication,
  msfClient,
  PlayError,
  resolveTarget,
  runPlay,
  seconds,
  targetFlags,
  waitForStatus,
  withTargetOptions,
  type PlayTarget,
  type WaitOptions,
} from '../target';
import type { RegisterCommand } from './index';

/** MSF's ceiling on ParallelismPerKPU, and on KPUs per application by default (a quota that can be raised). */
export const MAX_PARALLELISM_PER_KPU = 8;
export const DEFAULT_MAX_KPUS_AWS = 32;
/** The local control plane's default ceiling (one TaskManager process per KPU on one machine). */
export const DEFAULT_MAX_KPUS_LOCAL = 8;
export const MAX_PARALLELISM = DEFAULT_MAX_KPUS_AWS * MAX_PARALLELISM_PER_KPU;

export interface ScaleOptions {
  readonly target: PlayTarget;
  readonly parallelism: number;
  readonly perKpu?: number;
  readonly autoScaling?: boolean;
  /** @default 32 on AWS, 8 locally */
  readonly maxKpus?: number;
  readonly wait?: WaitOptions;
}

/**
 * `playground scale PARALLELISM [--per-kpu N] [--autoscaling on|off]`: UpdateApplication with the
 * current version and ConditionalToken, then wait until RUNNING (locally the TaskManager set grows
 * or shrinks to one process per KPU).
 */
export async function scale(options: ScaleOptions, io: Io): Promise<number> {
  const { target } = options;
  const app = target.applicationName;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const detail = await describeApplication(client, app);
    const state = detail.ApplicationStatus ?? 'UNKNOWN';
    const current = detail.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
    const perKpu = options.perKpu ?? current?.ParallelismPerKPU ?? 1;
    const autoScaling = options.autoScaling ?? current?.AutoScalingEnabled ?? false;
    const kpus = Math.ceil(options.parallelism / perKpu);
    const maxKpus = options.maxKpus ?? (target.kind === 'local' ? DEFAULT_MAX_KPUS_LOCAL : DEFAULT_MAX_KPUS_AWS);
    if (kpus > maxKpus) {
      throw new PlayError(
        `parallelism ${options.parallelism} at ${perKpu} per KPU needs ${kpus} KPUs, more than the ${maxKpus} allowed ${
          target.kind === 'local' ? 'locally' : 'per application by default'
        }; raise --per-kpu (up to ${MAX_PARALLELISM_PER_KPU}) or lower the parallelism`,
      );
    }
    if (state !== 'RUNNING' && state !== 'READY') {
      throw new PlayError(`${app} is ${state}; it can be scaled when RUNNING or READY — wait for the current operation (playground status)`);
    }
    if (
      current?.ConfigurationType === 'CUSTOM' &&
      current.Parallelism === options.parallelism &&
      current.ParallelismPerKPU === perKpu &&
      current.AutoScalingEnabled === autoScaling
    ) {
      io.out(`${app} already runs with parallelism ${options.parallelism}, ${perKpu} per KPU (${kpus} KPU(s)); nothing to change`);
      return 0;
    }
    const version = detail.ApplicationVersionId ?? 0;
    io.out(
      `scaling ${app} to parallelism ${options.parallelism}, ${perKpu} per KPU → ${kpus} KPU(s), autoscaling ${autoScaling ? 'on' : 'off'} (from ${current?.CurrentParallelism ?? current?.Parallelism ?? '?'}, version ${version})…`,
    );
    const started = Date.now();
    await client.send(
      new UpdateApplicationCommand({
        ApplicationName: app,
        ...(detail.ConditionalToken ? { ConditionalToken: detail.ConditionalToken } : { CurrentApplicationVersionId: version }),
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: {
            ParallelismConfigurationUpdate: {
              ConfigurationTypeUpdate: 'CUSTOM',
              ParallelismUpdate: options.parallelism,
              ParallelismPerKPUUpdate: perKpu,
              AutoScalingEnabledUpdate: autoScaling,
            },
          },
        },
      }),
    );
    const wanted = state === 'RUNNING' ? 'RUNNING' : 'READY';
    const { elapsedMs, detail: after } = await waitForStatus(client, app, wanted, io, {
      ...options.wait,
      accept: (d) => (d.ApplicationVersionId ?? 0) > version,
    });
    const running = after.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription?.CurrentParallelism;
    if (wanted === 'RUNNING' && running !== undefined && running !== options.parallelism) {
      // The update's restart failed and the application runs on at its former parallelism (MSF rolls it back too).
      const failure = target.local ? readLocalApplication(target.local.dirs, app)?.lastFailure : undefined;
      const why = failure && failure.at >= started ? `: ${failure.message}` : '';
      throw new PlayError(`${app} is RUNNING again at parallelism ${running}, not ${options.parallelism}: the update did not take${why}; see 'playground status'`);
    }
    let taskManagers = '';
    if (target.local && wanted === 'RUNNING') {
      const overview = await new FlinkRestClient(target.local.record.endpoints.flinkRestUrl, 5_000).overview().catch(() => undefined);
      if (overview) taskManagers = `; ${overview.taskmanagers} TaskManager(s), ${overview['slots-total']} slots`;
    }
    io.out(`${app} is ${wanted} at parallelism ${options.parallelism} (version ${after.ApplicationVersionId ?? '?'}) in ${seconds(elapsedMs)}${taskManagers}`);
    return 0;
  });
}

export const registerScale: RegisterCommand = (program, io, setExit) => {
  withTargetOptions(program.command('scale'))
    .description('Change the parallelism (UpdateApplication), wait until RUNNING; locally resizes the TaskManagers')
    .argument('<parallelism>', `the new parallelism (1 to ${MAX_PARALLELISM})`, intIn(1, MAX_PARALLELISM))
    .option('--per-kpu <n>', `parallel tasks per KPU (1 to ${MAX_PARALLELISM_PER_KPU}; default: unchanged)`, intIn(1, MAX_PARALLELISM_PER_KPU))
    .option('--autoscaling <on|off>', 'let MSF scale the application (default: unchanged)', oneOf('on', 'off'))
    .option('--max-kpus <n>', 'your KPU quota per application (default 32 on AWS, 8 locally)', intIn(1, 1000))
    .option('--timeout <seconds>', 'how long to wait for RUNNING', intIn(1, 86_400), 900)
    .action(async (parallelism: number, flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(
        await scale(
          {
            target,
            parallelism,
            perKpu: flags.perKpu as number | undefined,
            autoScaling: flags.autoscaling === undefined ? undefined : flags.autoscaling === 'on',
            maxKpus: flags.maxKpus as number | undefined,
            wait: { timeoutMs: (flags.timeout as number) * 1000 },
          },
          io,
        ),
      );
    });
};
