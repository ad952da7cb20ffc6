import { DEFAULT_MAX_KPUS_AWS, MAX_PARALLELISM_PER_KPU } from '../../infra/lib/msf-limits';
import { FlinkRestClient } from '../../local/flink/rest';
import { DEFAULT_MAX_KPUS_LOCAL } from '../../local/names';
import { PlayError, runPlay } from '../errors';
import type { Io } from '../io';
import { describeApplication, kpusFor, msfClient, parallelismOf, recordedFailures, seconds, updateParallelism, type WaitOptions } from '../msf';
import { defineOptions, intIn } from '../options';
import { playTarget } from '../announce';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

/** The highest parallelism `scale` accepts: MSF's default KPU ceiling times its ParallelismPerKPU ceiling. */
const MAX_PARALLELISM = DEFAULT_MAX_KPUS_AWS * MAX_PARALLELISM_PER_KPU;

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
    const current = parallelismOf(detail);
    const perKpu = options.perKpu ?? current?.ParallelismPerKPU ?? 1;
    const kpus = kpusFor(options.parallelism, perKpu);
    const maxKpus = options.maxKpus ?? (target.kind === 'local' ? DEFAULT_MAX_KPUS_LOCAL : DEFAULT_MAX_KPUS_AWS);
    if (kpus > maxKpus) {
      throw new PlayError(
        `parallelism ${options.parallelism} at ${perKpu} per KPU needs ${kpus} KPUs, more than the ${maxKpus} allowed ${
          target.kind === 'local' ? 'locally' : 'per application by default'
        }; raise --per-kpu (up to ${MAX_PARALLELISM_PER_KPU}) or lower the parallelism`,
      );
    }
    const result = await updateParallelism(
      client,
      app,
      { parallelism: options.parallelism, perKpu: options.perKpu, autoScaling: options.autoScaling },
      { ...options.wait, current: detail, progress: (line) => io.out(line), lastFailure: recordedFailures(target) },
    );
    if (!result.changed) {
      io.out(`${app} already runs with parallelism ${options.parallelism}, ${result.perKpu} per KPU (${result.kpus} KPU(s)); nothing to change`);
      return 0;
    }
    let taskManagers = '';
    if (target.local && result.status === 'RUNNING') {
      const overview = await new FlinkRestClient(target.local.record.endpoints.flinkRestUrl, 5_000).overview().catch(() => undefined);
      if (overview) taskManagers = `; ${overview.taskmanagers} TaskManager(s), ${overview['slots-total']} slots`;
    }
    io.out(`${app} is ${result.status} at parallelism ${options.parallelism} (version ${result.detail.ApplicationVersionId ?? '?'}) in ${seconds(result.elapsedMs)}${taskManagers}`);
    return 0;
  });
}

const scaleFlags = defineOptions((o) => ({
  target: targetOptions(o),
  perKpu: o.optionalInt('--per-kpu <n>', `parallel tasks per KPU (1 to ${MAX_PARALLELISM_PER_KPU}; default: unchanged)`, { min: 1, max: MAX_PARALLELISM_PER_KPU }),
  autoScaling: o.optionalWord('--autoscaling <on|off>', 'let MSF scale the application (default: unchanged)', ['on', 'off']),
  maxKpus: o.optionalInt('--max-kpus <n>', 'your KPU quota per application (default 32 on AWS, 8 locally)', { min: 1, max: 1000 }),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for RUNNING', { min: 1, max: 86_400 }, 900),
}));

export const registerScale: RegisterCommand = (program, io, setExit) => {
  const command = scaleFlags
    .add(program.command('scale'))
    .description('Change the parallelism (UpdateApplication), wait until RUNNING; locally resizes the TaskManagers')
    .argument('<parallelism>', `the new parallelism (1 to ${MAX_PARALLELISM})`, intIn(1, MAX_PARALLELISM))
    .action(async (parallelism: number) => {
      const flags = scaleFlags.read(command);
      setExit(
        await scale(
          {
            target: await playTarget(flags.target, 'change', io),
            parallelism,
            perKpu: flags.perKpu,
            autoScaling: flags.autoScaling === undefined ? undefined : flags.autoScaling === 'on',
            maxKpus: flags.maxKpus,
            wait: { timeoutMs: flags.timeoutSeconds * 1000 },
          },
          io,
        ),
      );
    });
};
