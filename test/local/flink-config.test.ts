import { describe, expect, it } from 'vitest';
import { flinkConfiguration, renderConfigYaml } from '../../local/flink/config';

const config = {
  restPort: 8081,
  rpcPort: 6123,
  slotsPerTaskManager: 2,
  jobManagerProcessSize: '1024m',
  taskManagerProcessSize: '1280m',
  checkpointsDir: '/tmp/pg/checkpoints',
  savepointsDir: '/tmp/pg/savepoints',
  workDir: '/tmp/pg/work',
  restartDelayMs: 5_000,
};

describe('the local Flink configuration', () => {
  it('keeps checkpoints and savepoints on local disk as file:// URIs', () => {
    const entries = flinkConfiguration(config);

    expect(entries['execution.checkpointing.dir']).toBe('file:///tmp/pg/checkpoints');
    expect(entries['execution.checkpointing.savepoint-dir']).toBe('file:///tmp/pg/savepoints');
  });

  it('restarts failed jobs without limit and gives each TaskManager ParallelismPerKPU slots', () => {
    const entries = flinkConfiguration(config);

    expect(entries['restart-strategy.type']).toBe('fixed-delay');
    expect(Number(entries['restart-strategy.fixed-delay.attempts'])).toBe(2 ** 31 - 1);
    expect(entries['taskmanager.numberOfTaskSlots']).toBe('2');
  });

  it('renders flat YAML keys with quoted values', () => {
    expect(renderConfigYaml({ 'rest.port': '8081', 'env.java.opts.all': '--add-opens=a b' })).toContain(
      'rest.port: "8081"\nenv.java.opts.all: "--add-opens=a b"\n',
    );
  });
});
