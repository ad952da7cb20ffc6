import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditorEnvironment,
  auditSweepEnvironment,
  generatorEnvironment,
  MAX_EVENTS_PER_WINDOW,
  MAX_GRACE_PERIOD_SECONDS,
  MAX_WINDOWS_PER_INVOCATION,
  parseAuditorConfig,
  parseAuditSweepConfig,
  parseGeneratorConfig,
  type AuditorConfig,
  type GeneratorConfig,
  type StreamTarget,
} from '../../lambdas/shared/config';
import { ConfigError } from '../../lambdas/shared/errors';
import { auditorHostEnvironment, parseAuditorHostConfig, type AuditorHostConfig } from '../../local/functions/host-env';

/** Names as AWS and Kafka allow them: no blanks, no commas. */
const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/);
const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2');
const server = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/), fc.integer({ min: 1, max: 65_535 })).map(([host, port]) => `${host}:${port}`);

const target: fc.Arbitrary<StreamTarget> = fc.oneof(
  name.map((streamName): StreamTarget => ({ kind: 'kinesis', streamName })),
  fc.record({ bootstrapServers: fc.array(server, { minLength: 1, maxLength: 4 }), topic: name }).map((kafka): StreamTarget => ({ kind: 'kafka', ...kafka, auth: 'none' })),
  fc
    .record({ bootstrapServers: fc.array(server, { minLength: 1, maxLength: 4 }), topic: name, region })
    .map((kafka): StreamTarget => ({ kind: 'kafka', ...kafka, auth: 'iam' })),
);

const generatorConfig: fc.Arbitrary<GeneratorConfig> = fc.record({
  target,
  ledgerTableName: name,
  eventsPerWindow: fc.integer({ min: 1, max: MAX_EVENTS_PER_WINDOW }),
  windowsPerInvocation: fc.integer({ min: 1, max: MAX_WINDOWS_PER_INVOCATION }),
  rateMode: fc.constantFrom('paced' as const, 'burst' as const),
});

const auditorConfig: fc.Arbitrary<AuditorConfig> = fc.record({
  auditTableName: name,
  ledgerTableName: name,
  gracePeriodSeconds: fc.integer({ min: 0, max: MAX_GRACE_PERIOD_SECONDS }),
});

describe('the functions’ environment builders', () => {
  it('are the exact inverses of the parsers', () => {
    fc.assert(fc.property(generatorConfig, (config) => {
      expect(parseGeneratorConfig(generatorEnvironment(config))).toStrictEqual(structuredClone(config)); // fast-check builds objects without a prototype
    }));
    fc.assert(fc.property(auditorConfig, (config) => {
      expect(parseAuditorConfig(auditorEnvironment(config))).toStrictEqual(structuredClone(config)); // fast-check builds objects without a prototype
    }));
    fc.assert(fc.property(auditorConfig, (config) => {
      expect(parseAuditSweepConfig(auditSweepEnvironment(config))).toStrictEqual(structuredClone(config)); // fast-check builds objects without a prototype
    }));
  });

  it('write every variable the parser requires: removing any one fails the parse naming it', () => {
    const playgroundVariable = (variable: string): boolean => !variable.startsWith('POWERTOOLS_');
    fc.assert(
      fc.property(generatorConfig, (config) => {
        const env = generatorEnvironment(config);
        for (const variable of Object.keys(env).filter(playgroundVariable)) {
          const { [variable]: _removed, ...rest } = env;
          expect(() => parseGeneratorConfig(rest), variable).toThrow(new RegExp(`^${variable}: `));
        }
      }),
      { numRuns: 30 },
    );
    fc.assert(
      fc.property(auditorConfig, (config) => {
        const env = auditorEnvironment(config);
        for (const variable of Object.keys(env).filter(playgroundVariable)) {
          const { [variable]: _removed, ...rest } = env;
          expect(() => parseAuditorConfig(rest), variable).toThrow(new RegExp(`^${variable}: `));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('refuse a configuration the parser would not read back as itself', () => {
    const base: GeneratorConfig = { target: { kind: 'kinesis', streamName: 'input' }, ledgerTableName: 'l', eventsPerWindow: 1000, windowsPerInvocation: 4, rateMode: 'paced' };
    expect(() => generatorEnvironment({ ...base, eventsPerWindow: 0 })).toThrow(ConfigError);
    expect(() => generatorEnvironment({ ...base, eventsPerWindow: 1.5 })).toThrow(/^EVENTS_PER_WINDOW: /);
    expect(() => generatorEnvironment({ ...base, windowsPerInvocation: MAX_WINDOWS_PER_INVOCATION + 1 })).toThrow(/^WINDOWS_PER_INVOCATION: /);
    expect(() => generatorEnvironment({ ...base, ledgerTableName: ' l' })).toThrow(/^LEDGER_TABLE_NAME: /);
    expect(() => generatorEnvironment({ ...base, target: { kind: 'kafka', bootstrapServers: ['a:1'], topic: 't', auth: 'iam' } })).toThrow(/^AWS_REGION: /);
    expect(() => generatorEnvironment({ ...base, target: { kind: 'kafka', bootstrapServers: ['a:1,b:2'], topic: 't', auth: 'none' } })).toThrow(
      /^KAFKA_BOOTSTRAP_SERVERS: /,
    );
    expect(() => auditorEnvironment({ auditTableName: 'a', ledgerTableName: 'l', gracePeriodSeconds: -1 })).toThrow(/^GRACE_PERIOD_SECONDS: /);
  });
});

describe('the auditor host’s environment builder', () => {
  const hostConfig: fc.Arbitrary<AuditorHostConfig> = fc.record(
    {
      source: fc.oneof(
        fc.record({ kind: fc.constant('kafka' as const), bootstrapServers: server, topic: name }),
        fc.record({ kind: fc.constant('kinesis' as const), endpoint: server.map((s) => `https://${s}`), streamArn: name.map((n) => `arn:aws:kinesis:us-east-1:000000000000:stream/${n}`) }),
      ),
      sweepMs: fc.integer({ min: 1, max: 3_600_000 }),
      positionsFile: name.map((n) => `/tmp/${n}.json`),
    },
    { requiredKeys: ['source', 'sweepMs'] },
  );

  it('is the exact inverse of the host’s parser, which applies no default', () => {
    fc.assert(fc.property(hostConfig, (config) => {
      expect(parseAuditorHostConfig(auditorHostEnvironment(config))).toStrictEqual(structuredClone(config)); // fast-check builds objects without a prototype
    }));
    expect(() => parseAuditorHostConfig({ PLAYGROUND_OUTPUT_STREAMS: 'kafka', PLAYGROUND_OUTPUT_BOOTSTRAP_SERVERS: 'a:1', PLAYGROUND_SWEEP_MS: '1' })).toThrow(
      /^PLAYGROUND_OUTPUT_TOPIC: /,
    );
    expect(() => parseAuditorHostConfig({ PLAYGROUND_OUTPUT_STREAMS: 'kafka', PLAYGROUND_OUTPUT_BOOTSTRAP_SERVERS: 'a:1', PLAYGROUND_OUTPUT_TOPIC: 'o' })).toThrow(
      /^PLAYGROUND_SWEEP_MS: /,
    );
  });
});
