import { describe, expect, it } from 'vitest';
import { MAX_PARALLELISM_PER_KPU } from '../../infra/lib/msf-limits';
import {
  flinkConfiguration,
  MSF_RESTART_STRATEGY,
  networkBuffersPerSlot,
  networkMemoryMiB,
  renderConfigYaml,
  taskManagerSlotArgs,
} from '../../local/flink/config';
import { DEFAULT_MAX_KPUS_LOCAL } from '../../local/names';

const config = {
  restPort: 8081,
  rpcPort: 6123,
  slotsPerTaskManager: 2,
  jobManagerProcessSize: '1024m',
  taskManagerProcessSize: '1280m',
  checkpointsDir: '/tmp/pg/checkpoints',
  savepointsDir: '/tmp/pg/savepoints',
  workDir: '/tmp/pg/work',
};

describe('the local Flink configuration', () => {
  it('keeps checkpoints and savepoints on local disk as file:// URIs', () => {
    const entries = flinkConfiguration(config);

    expect(entries['execution.checkpointing.dir']).toBe('file:///tmp/pg/checkpoints');
    expect(entries['execution.checkpointing.savepoint-dir']).toBe('file:///tmp/pg/savepoints');
  });

  it('restarts failed jobs without limit and gives each TaskManager ParallelismPerKPU slots', () => {
    const entries = flinkConfiguration(config);

    expect(entries['restart-strategy.type']).toBe('exponential-delay');
    expect(Number(entries['restart-strategy.exponential-delay.attempts-before-reset-backoff'])).toBe(2 ** 31 - 1);
    expect(entries['taskmanager.numberOfTaskSlots']).toBe('2');
  });

  it("restarts as MSF does on FLINK-2_2: exponential delay with Flink's defaults, first restart within about a second", () => {
    const entries = flinkConfiguration(config);

    expect(Object.fromEntries(Object.entries(entries).filter(([key]) => key.startsWith('restart-strategy.exponential-delay.')))).toEqual({
      'restart-strategy.exponential-delay.initial-backoff': '1000 ms',
      'restart-strategy.exponential-delay.max-backoff': '60000 ms',
      'restart-strategy.exponential-delay.backoff-multiplier': '1.5',
      'restart-strategy.exponential-delay.reset-backoff-threshold': '3600000 ms',
      'restart-strategy.exponential-delay.jitter-factor': '0.1',
      'restart-strategy.exponential-delay.attempts-before-reset-backoff': '2147483647',
    });
    expect(Object.keys(entries).some((key) => key.startsWith('restart-strategy.fixed-delay.'))).toBe(false);
    // the slowest first restart (initial backoff plus full jitter) is quicker than the 5 s fixed delay it replaces
    expect(MSF_RESTART_STRATEGY.initialBackoffMs * (1 + MSF_RESTART_STRATEGY.jitterFactor)).toBeLessThan(5_000);
  });

  it('starts the backoff at the given first restart delay, never above the max backoff', () => {
    expect(flinkConfiguration({ ...config, restartDelayMs: 5_000 })['restart-strategy.exponential-delay.initial-backoff']).toBe('5000 ms');
    const slow = flinkConfiguration({ ...config, restartDelayMs: 90_000 });

    expect(slow['restart-strategy.exponential-delay.initial-backoff']).toBe('90000 ms');
    expect(slow['restart-strategy.exponential-delay.max-backoff']).toBe('90000 ms');
  });

  it('renders flat YAML keys with quoted values', () => {
    expect(renderConfigYaml({ 'rest.port': '8081', 'env.java.opts.all': '--add-opens=a b' })).toContain(
      'rest.port: "8081"\nenv.java.opts.all: "--add-opens=a b"\n',
    );
  });

  it('gives each TaskManager the network buffers its slots need at the largest local parallelism, less than Flink\'s default 83 MiB', () => {
    const largest = DEFAULT_MAX_KPUS_LOCAL * MAX_PARALLELISM_PER_KPU;
    for (const slots of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const buffers = (networkMemoryMiB(slots) * 1024 * 1024) / (32 * 1024);
      expect(buffers).toBeGreaterThanOrEqual(slots * networkBuffersPerSlot(largest));
      expect(networkMemoryMiB(slots)).toBeLessThan(83);
    }
    expect(networkMemoryMiB(1)).toBe(16);
    expect(networkBuffersPerSlot(64)).toBe(201);
  });

  it('starts a TaskManager with its slot count and a fixed network memory (min = max)', () => {
    expect(taskManagerSlotArgs(4)).toEqual([
      '-D', 'taskmanager.numberOfTaskSlots=4',
      '-D', `taskmanager.memory.network.min=${networkMemoryMiB(4)}m`,
      '-D', `taskmanager.memory.network.max=${networkMemoryMiB(4)}m`,
    ]);
  });
});
