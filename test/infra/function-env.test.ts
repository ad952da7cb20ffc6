/**
 * One contract, two producers: for the same configuration, the environment the CDK app gives each
 * function (read from the synthesized template) and the one the local stack gives it are the
 * same, apart from the deployment's own names (tokens until deploy) and the documented local
 * overrides. The same for the job's property groups.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/lib/config';
import { DEFAULT_JOB_VARIANT, deployedJobStreams, jobPropertyGroups, KINESIS_EMULATOR_KEYS } from '../../infra/lib/job-properties';
import { createPlayground } from '../../infra/lib/playground';
import { STACK_NAMES } from '../../infra/lib/stack-names';
import { FunctionsStack } from '../../infra/lib/stacks/functions-stack';
import { StatefulStack } from '../../infra/lib/stacks/stateful-stack';
import { LOCAL_NAMES, LOCAL_REGION } from '../../local/names';
import { LOCAL_WINDOWS_PER_INVOCATION, localFunctionEnvironments, localPropertyGroups } from '../../local/stack';
import type { StreamsKind } from '../../local/stack-state';
import { ROOT } from './helpers';

type Variables = Readonly<Record<string, unknown>>;

/** The same configuration for both: the events per window is not the default, so a fallback would show. */
const EVENTS_PER_WINDOW = 250;

function freshApp(): App {
  // No esbuild: the functions' properties are synthesized all the same.
  return new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong', 'aws:cdk:bundling-stacks': [] } });
}

/** The deployed functions' `Environment.Variables`, from the synthesized template. */
function deployedEnvironments(stack: FunctionsStack): { generator: Variables; auditor: Variables; sweep: Variables } {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Properties: { Environment: { Variables: Variables } } }>;
  const variablesOf = (fn: lambda.IFunction): Variables => resources[stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)].Properties.Environment.Variables;
  const { generator, auditor, sweep } = stack.functions;
  return { generator: variablesOf(generator), auditor: variablesOf(auditor), sweep: variablesOf(sweep) };
}

/** The CDK app's functions for `streams`: the whole app (no MSF on `localstack`) for Kinesis; the stateful and functions stacks for MSK. */
function synthesizeFunctions(streams: 'kinesis' | 'msk'): FunctionsStack {
  const app = freshApp();
  if (streams === 'kinesis') {
    // `localstack` leaves out the application stack (no job jar to build); the functions are the same.
    return createPlayground(app, parseConfig({ streams, localstack: true, eventsPerWindow: EVENTS_PER_WINDOW }), { root: ROOT }).functions;
  }
  const config = parseConfig({ streams, eventsPerWindow: EVENTS_PER_WINDOW });
  const stateful = new StatefulStack(app, STACK_NAMES.stateful, { streams: config.streams });
  return new FunctionsStack(app, STACK_NAMES.functions, {
    root: ROOT,
    streams: stateful.streams,
    ledger: stateful.tables.ledger,
    audit: stateful.tables.audit,
    eventsPerWindow: config.eventsPerWindow,
  });
}

/** A value CDK resolves at deploy time (Ref, Fn::GetAtt, Fn::ImportValue…), not a literal. */
const isToken = (value: unknown): boolean => typeof value !== 'string';

/** Variables only the Lambda packaging sets: the bundle's source maps (no bundle locally: tsx maps the sources). */
const LAMBDA_PACKAGING_ONLY = ['NODE_OPTIONS'];

interface Case {
  readonly deployed: 'kinesis' | 'msk';
  readonly local: StreamsKind;
  /** Deployment-specific variables: tokens in the template, the local stack's own names or endpoints locally. */
  readonly tokens: { readonly generator: readonly string[]; readonly auditor: readonly string[] };
  /** The documented local overrides of the generator: variable → [deployed, local]. */
  readonly overrides: Readonly<Record<string, readonly [string, string]>>;
}

const CASES: readonly Case[] = [
  {
    deployed: 'kinesis',
    local: 'kinesis',
    tokens: { generator: ['INPUT_STREAM_NAME', 'LEDGER_TABLE_NAME'], auditor: ['AUDIT_TABLE_NAME', 'LEDGER_TABLE_NAME'] },
    overrides: { WINDOWS_PER_INVOCATION: ['4', String(LOCAL_WINDOWS_PER_INVOCATION)] },
  },
  {
    // MSK with IAM on AWS; the local broker speaks PLAINTEXT.
    deployed: 'msk',
    local: 'kafka',
    tokens: { generator: ['KAFKA_BOOTSTRAP_SERVERS', 'LEDGER_TABLE_NAME'], auditor: ['AUDIT_TABLE_NAME', 'LEDGER_TABLE_NAME'] },
    overrides: { WINDOWS_PER_INVOCATION: ['4', String(LOCAL_WINDOWS_PER_INVOCATION)], KAFKA_AUTH: ['iam', 'none'] },
  },
];

describe.each(CASES)('the functions’ environment, $deployed on AWS and $local locally', (testCase) => {
  const deployed = deployedEnvironments(synthesizeFunctions(testCase.deployed));
  const local = localFunctionEnvironments({ streams: testCase.local, eventsPerWindow: EVENTS_PER_WINDOW }, { kafka: 'localhost:9092' });
  const functions = [
    ['generator', deployed.generator, local.generator, testCase.tokens.generator, testCase.overrides],
    // The auditor and the sweep run in one host locally, with one environment.
    ['auditor', deployed.auditor, local.auditor, testCase.tokens.auditor, {}],
    ['audit sweep', deployed.sweep, local.auditor, testCase.tokens.auditor, {}],
  ] as const;

  it.each(functions)('gives the %s the same variables', (_name, aws, here) => {
    const packaging = Object.keys(aws).filter((key) => !(key in here));
    expect(packaging).toEqual(LAMBDA_PACKAGING_ONLY);
    expect(Object.keys(here).sort()).toEqual(Object.keys(aws).filter((key) => !LAMBDA_PACKAGING_ONLY.includes(key)).sort());
  });

  it.each(functions)('leaves only the deployment’s own names to deploy time for the %s', (_name, aws, _here, tokens) => {
    expect(Object.keys(aws).filter((key) => isToken(aws[key])).sort()).toEqual([...tokens].sort());
  });

  it.each(functions)('gives the %s the same literal values but for the documented local overrides', (_name, aws, here, tokens, overrides) => {
    for (const [key, value] of Object.entries(here)) {
      if (tokens.includes(key)) continue;
      const override = (overrides as Readonly<Record<string, readonly [string, string]>>)[key];
      if (override) {
        expect([aws[key], value], key).toEqual(override);
      } else {
        expect(aws[key], key).toBe(value);
      }
    }
    if ('EVENTS_PER_WINDOW' in here) expect(here.EVENTS_PER_WINDOW).toBe(String(EVENTS_PER_WINDOW));
  });
});

describe('the job’s property groups', () => {
  const stateful = (streams: 'kinesis' | 'msk'): StatefulStack => new StatefulStack(freshApp(), STACK_NAMES.stateful, { streams });
  const endpoints = {
    kafka: 'localhost:9092',
    kinesis: 'https://localhost:4567',
    inputArn: `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/${LOCAL_NAMES.input}`,
    outputArn: `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/${LOCAL_NAMES.output}`,
  };
  const asRecord = (groups: { PropertyGroupId: string; PropertyMap: Record<string, string> }[]): Record<string, Record<string, string>> =>
    Object.fromEntries(groups.map((group) => [group.PropertyGroupId, group.PropertyMap]));

  it('has the same groups and keys on Kinesis, locally with the emulator’s keys added, and the same switch', () => {
    const stack = stateful('kinesis');
    const aws = jobPropertyGroups(deployedJobStreams(stack.streams, Stack.of(stack).region), DEFAULT_JOB_VARIANT);
    const here = asRecord(localPropertyGroups({ streams: 'kinesis' }, endpoints));

    expect(Object.keys(here)).toEqual(Object.keys(aws));
    expect(Object.keys(here.Kinesis).sort()).toEqual([...Object.keys(aws.Kinesis), ...KINESIS_EMULATOR_KEYS].sort());
    expect(here.ClickCountJob).toEqual(aws.ClickCountJob);
    expect(here.Kinesis).toMatchObject({
      'aws.region': LOCAL_REGION,
      'input.stream.arn': endpoints.inputArn,
      'output.stream.arn': endpoints.outputArn,
      'aws.endpoint': endpoints.kinesis,
      'aws.trust.all.certificates': 'true',
      'aws.http.protocol.version': 'HTTP1_1',
      'aws.cbor.enabled': 'false',
    });
  });

  it('has the same groups, keys and values on Kafka but for the brokers and their authentication', () => {
    const aws = jobPropertyGroups(deployedJobStreams(stateful('msk').streams, 'eu-west-1'), DEFAULT_JOB_VARIANT);
    const here = asRecord(localPropertyGroups({ streams: 'kafka' }, endpoints));

    expect(Object.keys(here)).toEqual(Object.keys(aws));
    expect(Object.keys(here.Kafka).sort()).toEqual(Object.keys(aws.Kafka).sort());
    const { 'bootstrap.servers': awsServers, auth: awsAuth, ...awsRest } = aws.Kafka;
    const { 'bootstrap.servers': localServers, auth: localAuth, ...localRest } = here.Kafka;
    expect(localRest).toEqual(awsRest);
    expect(here.ClickCountJob).toEqual(aws.ClickCountJob);
    expect([awsAuth, localAuth]).toEqual(['iam', 'none']);
    expect(localServers).toBe(endpoints.kafka);
    expect(awsServers).not.toBe(endpoints.kafka);
  });

  it('writes the variant (event time, backpressure) into the ClickCountJob group, the same locally and on AWS', () => {
    const variant = { eventTime: false, backpressure: true };
    const aws = jobPropertyGroups(deployedJobStreams(stateful('msk').streams, 'eu-west-1'), variant);
    const here = asRecord(localPropertyGroups({ streams: 'kafka', ...variant }, endpoints));

    expect(here.ClickCountJob).toEqual({ streams: 'kafka', 'event-time': 'false', backpressure: 'true' });
    expect(aws.ClickCountJob).toEqual(here.ClickCountJob);
    expect(asRecord(localPropertyGroups({ streams: 'kafka' }, endpoints)).ClickCountJob).toEqual({ streams: 'kafka', 'event-time': 'true', backpressure: 'false' });
  });
});
