import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { defineOptions } from '../../cli/options';
import { targetFlags } from '../../cli/target';

const flags = defineOptions((o) => ({
  force: o.flag('--force', 'at once'),
  wait: o.negatedFlag('--no-wait', 'do not wait'),
  timeout: o.int('--timeout <seconds>', 'how long', { min: 1, max: 60 }, 10),
  perKpu: o.optionalInt('--per-kpu <n>', 'tasks per KPU', { min: 1, max: 8 }),
  streams: o.word('--streams <kind>', 'kafka or kinesis', ['kafka', 'kinesis'], 'kafka'),
  home: o.optionalText('--home <dir>', 'where'),
}));

async function parse(args: readonly string[]): Promise<ReturnType<typeof flags.read>> {
  let read: ReturnType<typeof flags.read> | undefined;
  const command = flags.add(new Command('x').exitOverride().configureOutput({ writeErr: () => {} })).action(() => {
    read = flags.read(command);
  });
  await command.parseAsync([...args], { from: 'user' });
  if (!read) throw new Error('the action did not run');
  return read;
}

describe('defineOptions', () => {
  it('gives the declared defaults when no option is given', async () => {
    expect(await parse([])).toEqual({ force: false, wait: true, timeout: 10, perKpu: undefined, streams: 'kafka', home: undefined });
  });

  it('gives the parsed values, typed as declared', async () => {
    expect(await parse(['--force', '--no-wait', '--timeout', '30', '--per-kpu', '2', '--streams', 'kinesis', '--home', '/tmp/h'])).toEqual({
      force: true,
      wait: false,
      timeout: 30,
      perKpu: 2,
      streams: 'kinesis',
      home: '/tmp/h',
    });
  });

  it("rejects a value outside the declaration with commander's error", async () => {
    await expect(parse(['--timeout', '61'])).rejects.toThrow(/expected a whole number from 1 to 60, got '61'/);
    await expect(parse(['--streams', 'pulsar'])).rejects.toThrow(/expected one of kafka, kinesis, got 'pulsar'/);
  });

  it('refuses values that do not match the declaration instead of passing them on', () => {
    expect(() => flags.readValues({ timeout: '30' })).toThrow(TypeError);
    expect(() => flags.readValues({ streams: 'pulsar' })).toThrow(TypeError);
    expect(() => targetFlags({ target: 'moon' })).toThrow(TypeError);
    expect(targetFlags({ target: 'local', home: 'h' })).toEqual({ target: 'local', home: 'h', app: undefined, outputs: undefined });
  });
});
