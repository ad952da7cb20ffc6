import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentedJobProperties, normalised, synthesize, type Synthesized } from './helpers';

interface Variant {
  readonly name: string;
  readonly context: Record<string, unknown>;
  /** Real esbuild bundling (slower); the others skip it through `aws:cdk:bundling-stacks`. */
  readonly bundle?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'kinesis', context: { streams: 'kinesis' }, bundle: true },
  { name: 'msk', context: { streams: 'msk' } },
  { name: 'msk-serverless', context: { streams: 'msk-serverless' } },
  { name: 'localstack', context: { localstack: true } },
];

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const resourcesOf = (template: Template, type: string): Resources => template.findResources(type) as Resources;

/** Every IAM policy statement in the given templates. */
function statements(templates: readonly Template[]): { Action: string | string[]; Resource: unknown }[] {
  const found: { Action: string | string[]; Resource: unknown }[] = [];
  for (const template of templates) {
    for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
      const document = policy.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] };
      found.push(...document.Statement);
    }
  }
  return found;
}

describe.each(VARIANTS)('the $name variant', (variant) => {
  let synth: Synthesized;
  let stateful: Template;
  let functions: Template;
  let monitoring: Template;
  let application: Template | undefined;

  beforeAll(() => {
    synth = synthesize(variant.context, { bundle: variant.bundle });
    stateful = synth.templates.PlaygroundStateful;
    functions = synth.templates.PlaygroundFunctions;
    monitoring = synth.templates.PlaygroundMonitoring;
    application = synth.templates.PlaygroundApplication;
  }, 300_000);

  const kinesis = variant.context.streams === undefined || variant.context.streams === 'kinesis';
  const localstack = variant.context.localstack === true;

  it('creates the streams it is configured for, encrypted', () => {
    if (kinesis) {
      stateful.resourceCountIs('AWS::Kinesis::Stream', 2);
      stateful.allResourcesProperties('AWS::Kinesis::Stream', {
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      });
      stateful.resourceCountIs('AWS::MSK::Cluster', 0);
    } else {
      stateful.resourceCountIs('AWS::Kinesis::Stream', 0);
      stateful.resourceCountIs('AWS::EC2::VPC', 1);
      stateful.resourceCountIs('AWS::EC2::NatGateway', 1);
      stateful.resourceCountIs('AWS::EC2::FlowLog', 1);
      if (variant.context.streams === 'msk') {
        stateful.resourceCountIs('AWS::MSK::Cluster', 1);
        stateful.hasResourceProperties('AWS::MSK::Cluster', {
          NumberOfBrokerNodes: 2,
          BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'kafka.t3.small' }),
          ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
          EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
        });
        stateful.resourceCountIs('AWS::MSK::Topic', 2);
      } else {
        stateful.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
        stateful.hasResourceProperties('AWS::MSK::ServerlessCluster', {
          ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
        });
      }
    }
  });

  it('creates the ledger and audit tables, encrypted, from the shared schema', () => {
    stateful.resourceCountIs('AWS::DynamoDB::Table', 2);
    stateful.allResourcesProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'windowStart', KeyType: 'HASH' }] });
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'windowStart', KeyType: 'HASH' },
        { AttributeName: 'page', KeyType: 'RANGE' },
      ],
    });
  });

  it('creates no buckets of its own, and encrypts any that appear', () => {
    for (const template of Object.values(synth.templates)) {
      for (const bucket of Object.values(resourcesOf(template, 'AWS::S3::Bucket'))) expect(bucket.Properties?.BucketEncryption).toBeDefined();
    }
  });

  it('leaves nothing retained on destroy', () => {
    for (const template of Object.values(synth.templates)) {
      for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>)) {
        expect.soft(resource.DeletionPolicy, id).not.toBe('Retain');
      }
    }
  });

  it('outputs what the CLI reads', () => {
    const outputs = Object.values(synth.templates)
      .flatMap((template) => Object.keys(template.toJSON().Outputs ?? {}))
      .filter((name) => !name.startsWith('ExportsOutput'));
    const expected = [
      ...(kinesis ? ['InputStreamName', 'OutputStreamName'] : ['BootstrapBrokers']),
      'LedgerTableName',
      'AuditTableName',
      'Region',
      'DashboardUrl',
      ...(localstack ? [] : ['ApplicationName']),
    ];
    expect(outputs.sort()).toEqual(expected.sort());
  });

  it('runs the job jar on the FLINK-2_2 runtime with checkpoints, parallelism and snapshots', () => {
    if (localstack) return expect(application, 'no Managed Flink on LocalStack').toBeUndefined();
    application!.resourceCountIs('AWS::KinesisAnalyticsV2::Application', 1);
    application!.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      RuntimeEnvironment: 'FLINK-2_2',
      ApplicationConfiguration: Match.objectLike({
        ApplicationCodeConfiguration: {
          CodeContentType: 'ZIPFILE',
          CodeContent: { S3ContentLocation: { BucketARN: Match.anyValue(), FileKey: Match.stringLikeRegexp('\\.jar$') } },
        },
        ApplicationSnapshotConfiguration: { SnapshotsEnabled: true },
        FlinkApplicationConfiguration: Match.objectLike({
          CheckpointConfiguration: Match.objectLike({ ConfigurationType: 'CUSTOM', CheckpointingEnabled: true, CheckpointInterval: 60000 }),
          ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 1, ParallelismPerKPU: 1, AutoScalingEnabled: false },
        }),
        ...(kinesis ? {} : { VpcConfigurations: [Match.objectLike({ SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() })] }),
      }),
    });
    application!.resourceCountIs('AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption', 1);
  });

  it('sets only property keys the job documents, and every key it requires', () => {
    if (localstack) return expect(application, 'no Managed Flink on LocalStack').toBeUndefined();
    const documented = documentedJobProperties();
    const app = Object.values(resourcesOf(application!, 'AWS::KinesisAnalyticsV2::Application'))[0];
    const groups = (app.Properties!.ApplicationConfiguration as {
      EnvironmentProperties: { PropertyGroups: { PropertyGroupId: string; PropertyMap: Record<string, unknown> }[] };
    }).EnvironmentProperties.PropertyGroups;
    const set = new Map(groups.map((group) => [group.PropertyGroupId, group.PropertyMap]));
    for (const [group, map] of set) {
      for (const key of Object.keys(map)) {
        expect(documented.some((row) => row.group === group && row.key === key), `${group}.${key} is documented in job/README.md`).toBe(true);
      }
    }
    const valueOf = (group: string, key: string): unknown =>
      set.get(group)?.[key] ?? set.get('ClickCountJob')?.[key] ?? documented.find((row) => row.key === key)?.default;
    for (const row of documented.filter((r) => r.requiredWhen)) {
      const when = row.requiredWhen!;
      const required = when.key === undefined || valueOf(row.group, when.key) === when.value;
      if (required) expect(set.get(row.group)?.[row.key], `${row.group}.${row.key} (required)`).toBeDefined();
    }
    expect(set.get('ClickCountJob')).toMatchObject({ streams: kinesis ? 'kinesis' : 'kafka' });
    if (!kinesis) expect(set.get('Kafka')).toMatchObject({ auth: 'iam' });
  });

  it('starts the application after deploy from the latest snapshot, allowed only that call', () => {
    if (localstack) return expect(application, 'no Managed Flink on LocalStack').toBeUndefined();
    const start = Object.values(resourcesOf(application!, 'Custom::AWS'));
    expect(start).toHaveLength(1);
    for (const phase of ['Create', 'Update']) {
      const call = JSON.stringify(start[0].Properties![phase]);
      expect(call).toContain('\\"service\\":\\"KinesisAnalyticsV2\\",\\"action\\":\\"startApplication\\"');
      expect(call).toContain('\\"ApplicationRestoreType\\":\\"RESTORE_FROM_LATEST_SNAPSHOT\\"');
    }
    const starts = statements([application!]).filter((s) => [s.Action].flat().includes('kinesisanalytics:StartApplication'));
    expect(starts).toHaveLength(1);
    expect(JSON.stringify(starts[0].Resource)).toContain(':application/');
  });

  it('deploys the generator, auditor and sweep as arm64 Node.js 22 functions with their environment', () => {
    functions.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'] }, 3);
    functions.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STREAMS: kinesis ? 'kinesis' : 'kafka',
          EVENTS_PER_WINDOW: '1000',
          WINDOWS_PER_INVOCATION: '4',
          RATE_MODE: 'paced',
          POWERTOOLS_METRICS_NAMESPACE: 'ManagedFlinkPlayground',
          LEDGER_TABLE_NAME: Match.anyValue(),
          ...(kinesis ? { INPUT_STREAM_NAME: Match.anyValue() } : { KAFKA_BOOTSTRAP_SERVERS: Match.anyValue(), INPUT_TOPIC: 'input', KAFKA_AUTH: 'iam' }),
        }),
      },
      ...(kinesis ? {} : { VpcConfig: Match.anyValue() }),
    });
    functions.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            AUDIT_TABLE_NAME: Match.anyValue(),
            LEDGER_TABLE_NAME: Match.anyValue(),
            GRACE_PERIOD_SECONDS: '120',
            POWERTOOLS_METRICS_NAMESPACE: 'ManagedFlinkPlayground',
          }),
        },
      },
      2,
    );
  });

  it('feeds the auditor from the output stream or topic, reporting batch item failures on Kinesis', () => {
    functions.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    functions.hasResourceProperties(
      'AWS::Lambda::EventSourceMapping',
      kinesis
        ? { StartingPosition: 'TRIM_HORIZON', FunctionResponseTypes: ['ReportBatchItemFailures'], BisectBatchOnFunctionError: true }
        : { StartingPosition: 'TRIM_HORIZON', Topics: ['output'], AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'playground-auditor' } },
    );
  });

  it('schedules the generator and the sweep every minute', () => {
    functions.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' }, 2);
  });

  it('scopes data-plane permissions to the created resources (no * resource)', () => {
    const dataPlane = /^(kinesis|dynamodb|kafka-cluster|s3):/;
    const all = statements(Object.values(synth.templates));
    expect(all.length).toBeGreaterThan(0);
    for (const statement of all) {
      const actions = [statement.Action].flat();
      if (!actions.some((action) => dataPlane.test(action))) continue;
      for (const resource of [statement.Resource].flat()) {
        expect(resource, `resource of ${actions.join(',')}`).not.toBe('*');
      }
    }
  });

  it('has a dashboard and alarms for missing and wrong windows, restarts and lag', () => {
    monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(monitoring.toJSON().Resources);
    for (const metric of ['WindowsExact', 'WindowsWrong', 'WindowsMissing', 'EndToEndLatency', 'EventsSent']) expect(body).toContain(metric);
    if (!localstack) {
      for (const metric of ['runningTime', 'numRestarts', 'lastCheckpointDuration', 'lastCheckpointSize', 'numRecordsInPerSecond', 'numRecordsOutPerSecond', 'cpuUtilization', 'KPUs']) {
        expect(body).toContain(metric);
      }
      expect(body).toContain(kinesis ? 'millisBehindLatest' : 'records_lag_max');
    }
    if (kinesis) for (const metric of ['IncomingRecords', 'GetRecords.IteratorAgeMilliseconds', 'WriteProvisionedThroughputExceeded']) expect(body).toContain(metric);
    monitoring.resourceCountIs('AWS::CloudWatch::Alarm', localstack ? 3 : 5);
    monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'WindowsMissing', Threshold: 0 });
    monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'WindowsWrong', Threshold: 0 });
  });

  it('passes the cdk-nag AwsSolutions checks with only acknowledged findings', () => {
    const result = new AwsSolutionsChecks(synth.app).validateScope(synth.app);
    expect(result.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('matches the normalised snapshot of each stack', () => {
    for (const [name, template] of Object.entries(synth.templates)) {
      expect(normalised(template)).toMatchSnapshot(name);
    }
  });
});

describe('the configuration switches', () => {
  it('turns the generator schedule off with generator=off and sizes provisioned streams', () => {
    const { templates } = synthesize({ generator: 'off', kinesisMode: 'provisioned', shards: '2', startApplication: 'false' });
    templates.PlaygroundFunctions.hasResourceProperties('AWS::Events::Rule', { State: 'DISABLED', ScheduleExpression: 'rate(1 minute)' });
    templates.PlaygroundStateful.allResourcesProperties('AWS::Kinesis::Stream', { ShardCount: 2, StreamModeDetails: { StreamMode: 'PROVISIONED' } });
    templates.PlaygroundApplication.resourceCountIs('Custom::AWS', 0);
  });

  it('passes parallelism, autoscaling and the checkpoint interval to the application', () => {
    const { templates } = synthesize({ parallelism: 4, parallelismPerKpu: 2, autoScaling: true, checkpointIntervalMs: 10000 });
    templates.PlaygroundApplication.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      ApplicationConfiguration: Match.objectLike({
        FlinkApplicationConfiguration: Match.objectLike({
          CheckpointConfiguration: Match.objectLike({ CheckpointInterval: 10000 }),
          ParallelismConfiguration: Match.objectLike({ Parallelism: 4, ParallelismPerKPU: 2, AutoScalingEnabled: true }),
        }),
      }),
    });
  });
});
