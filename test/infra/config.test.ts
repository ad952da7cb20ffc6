import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, InvalidConfigError, parseConfig } from '../../infra/lib/config';
import { ROOT } from './helpers';

describe('parseConfig', () => {
  it('takes the defaults for unset keys', () => {
    expect(parseConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('accepts context strings as given with -c key=value', () => {
    expect(
      parseConfig({ streams: 'msk-serverless', parallelism: '3', autoScaling: 'true', generator: 'off', startApplication: 'false' }),
    ).toMatchObject({ streams: 'msk-serverless', parallelism: 3, autoScaling: true, generator: false, startApplication: false });
  });

  it.each([
    ['streams', 'kafka', 'kinesis | msk | msk-serverless'],
    ['kinesisMode', 'fast', 'on-demand | provisioned'],
    ['parallelism', '0', 'an integer from 1 to 64'],
    ['shards', 1.5, 'an integer from 1 to 64'],
    ['generator', 'maybe', 'on | off'],
    ['startApplication', 'yes', 'true | false'],
    ['checkpointing', 'off', 'true | false'],
    ['eventTime', 'processing', 'true | false'],
    ['backpressure', '1', 'true | false'],
  ])('rejects %s=%s naming the key and the allowed values', (key, value, allowed) => {
    expect(() => parseConfig({ [key]: value })).toThrow(InvalidConfigError);
    expect(() => parseConfig({ [key]: value })).toThrow(new RegExp(`'${key}'.*${allowed.replace(/[|]/g, '\\|')}`));
  });

  it('reads the variants of the original job: checkpointing, event time and backpressure', () => {
    expect(parseConfig({})).toMatchObject({ checkpointing: true, eventTime: true, backpressure: false });
    expect(parseConfig({ checkpointing: 'false', eventTime: 'false', backpressure: 'true' })).toMatchObject({
      checkpointing: false,
      eventTime: false,
      backpressure: true,
    });
    expect(parseConfig({ checkpointing: false, eventTime: false, backpressure: true })).toMatchObject({ checkpointing: false, eventTime: false, backpressure: true });
  });

  it('rejects MSK with localstack', () => {
    expect(() => parseConfig({ localstack: true, streams: 'msk' })).toThrow(/'streams'.*kinesis/);
  });
});

describe('infra/bin/app.ts', () => {
  it('fails synth with a message naming the key and the allowed values', async () => {
    const run = promisify(execFile);
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    const failure = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'infra', 'bin', 'app.ts')], {
      cwd: ROOT,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ streams: 'pigeon' }) },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain("invalid value \"pigeon\" for context key 'streams': allowed values are kinesis | msk | msk-serverless");
  });
});
