import { describe, expect, it } from 'vitest';
import { flinkConfiguration, MSF_RESTART_STRATEGY, renderConfigYaml } from '../../local/flink/config';

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
});
