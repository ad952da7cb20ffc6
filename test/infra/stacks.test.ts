import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Dependable } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UPGRADE_CODE_PREFIX } from '../../infra/lib/code-location';
import { BROKER_STORAGE, RETENTION_HOURS, TOPIC_PARTITIONS } from '../../infra/lib/constructs/msk-cluster';
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

/** The IAM policy statements attached to the role with the given logical ID. */
function roleStatements(template: Template, roleId: string): { Action: string | string[]; Resource: unknown }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes(`"${roleId}"`))
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
}

/** The logical ID in `{ 'Fn::GetAtt': [id, attribute] }` or `{ Ref: id }`. */
function logicalIdOf(value: unknown): string {
  const ref = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  const id = ref['Fn::GetAtt']?.[0] ?? ref.Ref;
  if (id === undefined) throw new Error(`not a reference: ${JSON.stringify(value)}`);
  return id;
}

/** The name CDK's default synthesizer gives the bootstrap assets bucket. */
const BOOTSTRAP_ASSETS_BUCKET = 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}';

interface GraphedMetric {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The metrics the dashboard's widgets graph, from the parsed dashboard body: each `metrics` row
 * `[namespace, name, dimension…, options?]` (math expression rows have no name). Tokens in the body
 * (region, stream and application names) stand inside JSON strings, so a placeholder keeps it JSON.
 */
function dashboardMetrics(template: Template): GraphedMetric[] {
  const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties?.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(body['Fn::Join'][0]);
  const parsed = JSON.parse(text) as { widgets: { type: string; properties: { metrics?: unknown[][] } }[] };
  const metrics: GraphedMetric[] = [];
  for (const widget of parsed.widgets) {
    for (const row of widget.properties.metrics ?? []) {
      if (typeof row[0] === 'string' && typeof row[1] === 'string') metrics.push({ namespace: row[0], name: row[1] });
    }
  }
  return metrics;
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

  it('creates no buckets of its own: the job jar is an asset in the bootstrap bucket', () => {
    const buckets = Object.entries(synth.templates).flatMap(([stack, template]) =>
      Object.keys(resourcesOf(template, 'AWS::S3::Bucket')).map((id) => `${stack}/${id}`),
    );
    expect(buckets).toEqual([]);
    for (const template of Object.values(synth.templates)) {
      for (const bucket of Object.values(resourcesOf(template, 'AWS::S3::Bucket'))) expect(bucket.Properties?.BucketEncryption).toBeDefined();
    }
    if (localstack) {
      expect(application).toBeUndefined();
      return;
    }
    const apps = Object.values(resourcesOf(application as Template, 'AWS::KinesisAnalyticsV2::Application'));
    expect(apps).toHaveLength(1);
    const code = (apps[0].Properties?.ApplicationConfiguration as { ApplicationCodeConfiguration: unknown }).ApplicationCodeConfiguration;
    expect(code).toEqual({
      CodeContentType: 'ZIPFILE',
      CodeContent: {
        S3ContentLocation: {
          BucketARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::Sub': BOOTSTRAP_ASSETS_BUCKET }]] },
          FileKey: expect.stringMatching(/^[0-9a-f]{64}\.jar$/),
        },
      },
    });
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

  it("lets the application's role read the jars playground upgrade uploads under their prefix of the code bucket, and only read them", () => {
    if (localstack) return expect(application, 'no Managed Flink on LocalStack').toBeUndefined();
    const statements = Object.values(resourcesOf(application!, 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties?.PolicyDocument as { Statement: { Action: string[]; Resource: unknown }[] }).Statement,
    );
    const upgrades = statements.filter((statement) => JSON.stringify(statement.Resource).includes(`/${UPGRADE_CODE_PREFIX}*`));
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0].Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(JSON.stringify(upgrades[0].Resource)).toContain('cdk-hnb659fds-assets-');
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
        : {
            StartingPosition: 'TRIM_HORIZON',
            Topics: ['output'],
            AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'playground-auditor' },
            // Kafka mappings report batch item failures only in provisioned poller mode (not used).
            FunctionResponseTypes: Match.absent(),
            ProvisionedPollerConfig: Match.absent(),
          },
    );
  });

  it.runIf(!kinesis && !localstack)('creates the topics before the application and functions use them', () => {
    const cluster = synth.stacks.stateful.streams.kind === 'msk' ? synth.stacks.stateful.streams.cluster : undefined;
    expect(cluster).toBeDefined();
    const topicResources = Dependable.of(cluster!.topics).dependencyRoots;
    const names = ['input', 'output'];
    if (variant.context.streams === 'msk') {
      // One mechanism per variant: AWS::MSK::Topic on provisioned clusters, no auto-creation.
      stateful.resourceCountIs('AWS::MSK::Topic', 2);
      for (const name of names) {
        stateful.hasResourceProperties('AWS::MSK::Topic', { TopicName: name, PartitionCount: TOPIC_PARTITIONS, ReplicationFactor: 2 });
      }
      stateful.resourceCountIs('Custom::KafkaTopics', 0);
      expect(topicResources).toHaveLength(2);
    } else {
      stateful.resourceCountIs('AWS::MSK::Topic', 0);
      stateful.resourceCountIs('Custom::KafkaTopics', 1);
      const [id, resource] = Object.entries(resourcesOf(stateful, 'Custom::KafkaTopics'))[0];
      const props = resource.Properties as { Topics: string; ClusterArn: unknown; BootstrapBrokers: unknown };
      expect(JSON.parse(props.Topics)).toEqual(
        names.map((name) => ({ name, partitions: TOPIC_PARTITIONS, config: { 'retention.ms': String(RETENTION_HOURS * 3_600_000) } })),
      );
      expect(props.ClusterArn).toEqual({ 'Fn::GetAtt': ['KafkaCluster21A1BE89', 'Arn'] });
      expect(JSON.stringify(props.BootstrapBrokers)).toContain('BootstrapBrokerStringSaslIam');
      expect(topicResources).toHaveLength(1);
      expect(id).toMatch(/^KafkaTopics/);
      // The handler: arm64 Node.js 22 in the cluster's private subnets, allowed onto the brokers' IAM port.
      stateful.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('Kafka topics'),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      });
      stateful.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 9098,
        ToPort: 9098,
        Description: 'topic custom resource to MSK (IAM/TLS)',
      });
    }
    // The application and the generator and auditor depend on the topics (across stacks: on the stateful stack).
    const dependents = [synth.stacks.application!.application, synth.stacks.functions.functions.generator, synth.stacks.functions.functions.auditor];
    const topicPaths = topicResources.map((resource) => resource.node.path);
    for (const dependent of dependents) {
      expect(dependent.node.dependencies.map((dependency) => dependency.node.path), dependent.node.path).toEqual(expect.arrayContaining(topicPaths));
    }
    for (const stack of [synth.stacks.application!, synth.stacks.functions]) {
      expect(stack.dependencies.map((dependency) => dependency.stackName)).toContain(synth.stacks.stateful.stackName);
    }
  });

  it.runIf(variant.context.streams === 'msk-serverless')('lets the topic handler only connect, create and describe the two topics', () => {
    const handlerRole = Object.keys(
      stateful.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Kafka topics') } }),
    ).map((id) => (stateful.toJSON().Resources[id].Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0])[0];
    const policies = Object.values(resourcesOf(stateful, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties?.Roles).includes(handlerRole),
    );
    expect(policies).toHaveLength(1);
    const kafkaStatements = statements([stateful]).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('kafka-cluster:')));
    const own = (policies[0].Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
    expect(own).toEqual(kafkaStatements);
    expect(own).toEqual([
      { Effect: 'Allow', Action: 'kafka-cluster:Connect', Resource: { 'Fn::GetAtt': ['KafkaCluster21A1BE89', 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
        Resource: [Match.anyValue(), Match.anyValue()].map(() => expect.anything()),
      },
    ].map((statement) => expect.objectContaining(statement)));
    const topicArns = JSON.stringify(own[1].Resource);
    expect(topicArns).toMatch(/:topic\/PlaygroundStateful-Kafka\/.*\/input"/);
    expect(topicArns).toMatch(/:topic\/PlaygroundStateful-Kafka\/.*\/output"/);
    expect(topicArns).not.toContain('*');
  });

  it.runIf(variant.context.streams === 'msk')('bounds the brokers\' retention so that their volumes cannot fill', () => {
    const configurations = Object.entries(resourcesOf(stateful, 'AWS::MSK::Configuration'));
    expect(configurations).toHaveLength(1);
    const [configId, configuration] = configurations[0];
    stateful.hasResourceProperties('AWS::MSK::Cluster', {
      ConfigurationInfo: { Arn: { 'Fn::GetAtt': [configId, 'Arn'] }, Revision: { 'Fn::GetAtt': [configId, 'LatestRevision.Revision'] } },
      BrokerNodeGroupInfo: Match.objectLike({ StorageInfo: { EBSStorageInfo: { VolumeSize: BROKER_STORAGE.volumeGiB } } }),
    });
    const properties = Object.fromEntries(
      String(configuration.Properties?.ServerProperties)
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    expect(properties['auto.create.topics.enable']).toBe('false');
    expect(Number(properties['log.retention.hours'])).toBe(RETENTION_HOURS);
    // Worst case per broker: a replica of every partition, each at its size cap plus an active
    // segment and one awaiting deletion; it must leave room for the internal topics and the OS.
    const partitionsPerBroker = 2 * TOPIC_PARTITIONS;
    const worstCase = partitionsPerBroker * (Number(properties['log.retention.bytes']) + 2 * Number(properties['log.segment.bytes']));
    expect(worstCase).toBeLessThan(0.75 * BROKER_STORAGE.volumeGiB * 1024 ** 3);
    // And at the default load (400 events/s of 65 bytes, + 20 % Kafka record overhead) the time limit
    // comes first: a day of records per partition stays under the size cap.
    const perPartitionPerDay = (400 * 65 * 1.2 * 3_600 * RETENTION_HOURS) / TOPIC_PARTITIONS;
    expect(perPartitionPerDay).toBeLessThan(Number(properties['log.retention.bytes']));
  });

  it.runIf(!kinesis && !localstack)('lets the auditor\'s event source mapping reach the brokers through the cluster\'s own security group', () => {
    // The mapping polls from network interfaces with the cluster's subnets and security group.
    const clusters = { ...resourcesOf(stateful, 'AWS::MSK::Cluster'), ...resourcesOf(stateful, 'AWS::MSK::ServerlessCluster') };
    const [cluster] = Object.values(clusters);
    const groups =
      variant.context.streams === 'msk'
        ? (cluster.Properties!.BrokerNodeGroupInfo as { SecurityGroups: unknown[] }).SecurityGroups
        : (cluster.Properties!.VpcConfigs as { SecurityGroups: unknown[] }[])[0].SecurityGroups;
    expect(groups).toHaveLength(1);
    const group = { 'Fn::GetAtt': [logicalIdOf(groups[0]), 'GroupId'] };
    stateful.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: group,
      SourceSecurityGroupId: group,
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
    });
    stateful.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: group,
      DestinationSecurityGroupId: group,
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
    });
    // Out to Lambda and STS over HTTPS (through the NAT gateway), and nothing else.
    const egress = stateful.toJSON().Resources[logicalIdOf(groups[0])].Properties.SecurityGroupEgress as unknown[];
    expect(egress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
  });

  it.runIf(!kinesis && !localstack)('lets every idempotent producer (generator, Flink application) write idempotently on the cluster', () => {
    const generatorRole = Object.values(resourcesOf(functions, 'AWS::Lambda::Function'))
      .filter((fn) => JSON.stringify(fn.Properties?.Environment ?? {}).includes('"INPUT_TOPIC"'))
      .map((fn) => logicalIdOf(fn.Properties!.Role));
    expect(generatorRole).toHaveLength(1);
    const applicationRole = Object.values(resourcesOf(application!, 'AWS::KinesisAnalyticsV2::Application')).map((app) =>
      logicalIdOf(app.Properties!.ServiceExecutionRole),
    );
    expect(applicationRole).toHaveLength(1);
    for (const [template, roleId] of [
      [functions, generatorRole[0]],
      [application!, applicationRole[0]],
    ] as const) {
      const idempotent = roleStatements(template, roleId).filter((statement) => [statement.Action].flat().includes('kafka-cluster:WriteDataIdempotently'));
      expect(idempotent, roleId).toHaveLength(1);
      // The cluster's ARN, imported from the stateful stack (not a topic's).
      const resources = [idempotent[0].Resource].flat();
      expect(resources, roleId).toHaveLength(1);
      expect(JSON.stringify(resources[0]), roleId).toMatch(/Fn::ImportValue.*KafkaCluster21A1BE89Arn/);
    }
  });

  it('sends every function\'s logs to a log group of its stack with a retention, deleted with the stack', () => {
    let functionCount = 0;
    for (const [name, template] of Object.entries(synth.templates)) {
      const resources = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>;
      for (const [id, fn] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
        functionCount += 1;
        const logGroup = (fn.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
        expect.soft(logGroup, `${name}/${id} has a log group of its own`).toBeDefined();
        if (logGroup === undefined) continue;
        const group = resources[logicalIdOf(logGroup)];
        expect.soft(group?.Type, `${name}/${id}`).toBe('AWS::Logs::LogGroup');
        expect.soft(group?.Properties?.RetentionInDays, `${name}/${id}`).toBeGreaterThan(0);
        expect.soft(group?.DeletionPolicy, `${name}/${id}`).toBe('Delete');
      }
    }
    expect(functionCount).toBeGreaterThanOrEqual(3);
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
    const graphed = dashboardMetrics(monitoring);
    const names = graphed.map((metric) => metric.name);
    for (const metric of ['WindowsExact', 'WindowsWrong', 'WindowsMissing', 'EndToEndLatency', 'EventsSent']) expect(names).toContain(metric);
    if (!localstack) {
      for (const metric of ['runningTime', 'numRestarts', 'lastCheckpointDuration', 'lastCheckpointSize', 'numRecordsInPerSecond', 'numRecordsOutPerSecond', 'cpuUtilization', 'KPUs']) {
        expect(graphed).toContainEqual({ namespace: 'AWS/KinesisAnalytics', name: metric });
      }
      expect(graphed).toContainEqual({ namespace: 'AWS/KinesisAnalytics', name: kinesis ? 'millisBehindLatest' : 'records_lag_max' });
    } else {
      expect(graphed.filter((metric) => metric.namespace === 'AWS/KinesisAnalytics')).toEqual([]);
    }
    if (kinesis) {
      for (const metric of ['IncomingRecords', 'GetRecords.IteratorAgeMilliseconds', 'WriteProvisionedThroughputExceeded']) {
        expect(graphed).toContainEqual({ namespace: 'AWS/Kinesis', name: metric });
      }
    }
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

  it('starts the application again on a deploy that changes only its configuration, and not on one that changes nothing', { timeout: 180_000 }, () => {
    const startOf = (context: Record<string, unknown>): unknown => {
      const starts = Object.values(resourcesOf(synthesize(context).templates.PlaygroundApplication, 'Custom::AWS'));
      expect(starts).toHaveLength(1);
      return starts[0].Properties;
    };
    const before = startOf({ checkpointIntervalMs: 60000 });
    // A change of the properties makes CloudFormation send an Update, which calls StartApplication.
    expect(startOf({ checkpointIntervalMs: 60000 })).toEqual(before);
    expect(startOf({ checkpointIntervalMs: 10000 })).not.toEqual(before);
    expect(startOf({ parallelism: 2 })).not.toEqual(before);
  });

  it('runs the variants: without checkpoints (-c checkpointing=false), in processing time, with the Backpressure operator', { timeout: 180_000 }, () => {
    const application = (context: Record<string, unknown>): { checkpoint: Record<string, unknown>; job: Record<string, string> } => {
      const apps = Object.values(resourcesOf(synthesize(context).templates.PlaygroundApplication, 'AWS::KinesisAnalyticsV2::Application'));
      expect(apps).toHaveLength(1);
      const config = apps[0].Properties?.ApplicationConfiguration as {
        FlinkApplicationConfiguration: { CheckpointConfiguration: Record<string, unknown> };
        EnvironmentProperties: { PropertyGroups: { PropertyGroupId: string; PropertyMap: Record<string, string> }[] };
      };
      const job = config.EnvironmentProperties.PropertyGroups.find((group) => group.PropertyGroupId === 'ClickCountJob');
      return { checkpoint: config.FlinkApplicationConfiguration.CheckpointConfiguration, job: job?.PropertyMap ?? {} };
    };
    const defaults = application({});
    expect(defaults.checkpoint).toMatchObject({ ConfigurationType: 'CUSTOM', CheckpointingEnabled: true });
    expect(defaults.job).toMatchObject({ 'event-time': 'true', backpressure: 'false' });

    const variant = application({ checkpointing: 'false', eventTime: 'false', backpressure: 'true' });
    expect(variant.checkpoint).toMatchObject({ ConfigurationType: 'CUSTOM', CheckpointingEnabled: false });
    expect(variant.job).toEqual({ streams: 'kinesis', 'event-time': 'false', backpressure: 'true' });
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
