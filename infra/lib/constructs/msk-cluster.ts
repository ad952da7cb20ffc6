import { Arn, ArnFormat, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DependencyGroup } from 'constructs';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { awsCustomResourceLogGroup } from './aws-custom-resource-logs';
import { KafkaTopics } from './kafka-topics';

/** The IAM-authenticated TLS port of MSK brokers. */
const MSK_IAM_PORT = 9098;

/** Partitions of each playground topic. */
export const TOPIC_PARTITIONS = 2;

/**
 * How long the topics keep records: one day, on both variants (provisioned: the brokers'
 * `log.retention.hours`; serverless: each topic's `retention.ms`). Enough to restore a snapshot taken
 * the same day; a snapshot restored after that resumes from the earliest record kept.
 */
export const RETENTION_HOURS = 24;

/**
 * The provisioned brokers' EBS volume (GiB) and the size cap per partition that keeps it from filling
 * whatever the load. Each broker holds a replica of every partition (2 topics × 2 partitions,
 * replication 2 on 2 brokers), and a partition holds at most `log.retention.bytes` plus its active
 * segment and one segment awaiting deletion: 4 × (3 + 0.5) GiB = 14 GiB of 20. At the default load
 * (≈ 1.3 GB per input partition a day) the one-day time limit applies long before the size cap.
 */
export const BROKER_STORAGE = { volumeGiB: 20, retentionBytesPerPartition: 3 * 1024 ** 3, segmentBytes: 256 * 1024 ** 2 } as const;

/** The provisioned brokers' `server.properties` (an MSK configuration). */
function brokerServerProperties(): string {
  return [
    // Topics are created by the stack (AWS::MSK::Topic), never by a client's first request.
    'auto.create.topics.enable=false',
    `log.retention.hours=${RETENTION_HOURS}`,
    `log.retention.bytes=${BROKER_STORAGE.retentionBytesPerPartition}`,
    `log.segment.bytes=${BROKER_STORAGE.segmentBytes}`,
  ].join('\n');
}

export interface MskClusterProps {
  readonly vpc: ec2.IVpc;
  /** MSK Serverless instead of a provisioned cluster. @default false */
  readonly serverless?: boolean;
  /**
   * Topics to create: provisioned clusters with `AWS::MSK::Topic`, serverless ones with the
   * `Custom::KafkaTopics` custom resource (`AWS::MSK::Topic` does not cover MSK Serverless).
   * @default ['input', 'output']
   */
  readonly topics?: readonly string[];
  /** Provisioned broker instance type. @default 'kafka.t3.small' */
  readonly instanceType?: string;
  /** Provisioned Kafka version (3.6 or later for `AWS::MSK::Topic`). @default '3.8.x' */
  readonly kafkaVersion?: string;
}

/**
 * An MSK cluster (provisioned: two small brokers; or serverless) with IAM authentication and TLS only,
 * its security group, its topics (AWS::MSK::Topic, or Custom::KafkaTopics on serverless), its broker configuration (provisioned) and its IAM bootstrap broker string.
 */
export class MskCluster extends Construct implements ec2.IConnectable {
  public readonly clusterArn: string;
  public readonly clusterName: string;
  public readonly serverless: boolean;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** The SASL/IAM bootstrap broker string (`host:9098,…`). */
  public readonly bootstrapBrokers: string;
  public readonly vpc: ec2.IVpc;
  public readonly subnets: ec2.SelectedSubnets;
  /** The resources that create the topics: depend on it before producing or consuming. */
  public readonly topics: DependencyGroup;

  constructor(scope: Construct, id: string, props: MskClusterProps) {
    super(scope, id);
    this.vpc = props.vpc;
    this.serverless = props.serverless ?? false;
    this.subnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MSK brokers of the Managed Flink Playground',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(MSK_IAM_PORT),
    });
    // Lambda's MSK event source mapping (the auditor's trigger) polls the brokers from network
    // interfaces in the cluster's own subnets with the cluster's own security group (Lambda developer
    // guide, "Configuring your Amazon MSK cluster and Amazon VPC network for Lambda"). That group must
    // let itself in and out on the broker port, and out on HTTPS: the mapping reaches Lambda and STS
    // through the NAT gateway.
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'Lambda event source mapping to the brokers (IAM/TLS)');
    this.securityGroup.addEgressRule(this.securityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'Lambda event source mapping to the brokers (IAM/TLS)');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Lambda event source mapping to Lambda and STS (HTTPS through the NAT gateway)');
    // Derived from the stack name (unique per account and region), so that IAM ARNs of this
    // cluster's topics, groups and transactional ids are known at synth time.
    const clusterName = `${Stack.of(this).stackName}-${id}`.slice(0, 64);
    this.clusterName = clusterName;
    this.topics = new DependencyGroup();
    const topicNames = props.topics ?? ['input', 'output'];

    if (this.serverless) {
      const cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
        clusterName,
        clientAuthentication: { sasl: { iam: { enabled: true } } },
        vpcConfigs: [{ subnetIds: this.subnets.subnetIds, securityGroups: [this.securityGroup.securityGroupId] }],
      });
      cluster.applyRemovalPolicy(RemovalPolicy.DESTROY);
      this.clusterArn = cluster.attrArn;
    } else {
      const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', {
        retention: logs.RetentionDays.ONE_WEEK,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const kafkaVersion = props.kafkaVersion ?? '3.8.x';
      // Retention by time and by size, so that the brokers' volumes cannot fill (7 days, the broker
      // default, need ≈ 18 GB per broker at the default load).
      const configuration = new msk.CfnConfiguration(this, 'BrokerConfiguration', {
        name: `${clusterName}-brokers`.slice(0, 64),
        description: 'Managed Flink Playground brokers: bounded retention, no topic auto-creation',
        kafkaVersionsList: [kafkaVersion],
        serverProperties: brokerServerProperties(),
      });
      configuration.applyRemovalPolicy(RemovalPolicy.DESTROY);
      const cluster = new msk.CfnCluster(this, 'Cluster', {
        clusterName,
        kafkaVersion,
        numberOfBrokerNodes: this.subnets.subnetIds.length,
        configurationInfo: { arn: configuration.attrArn, revision: configuration.attrLatestRevisionRevision },
        brokerNodeGroupInfo: {
          instanceType: props.instanceType ?? 'kafka.t3.small',
          clientSubnets: this.subnets.subnetIds,
          securityGroups: [this.securityGroup.securityGroupId],
          storageInfo: { ebsStorageInfo: { volumeSize: BROKER_STORAGE.volumeGiB } },
        },
        clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
        encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
        loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
      });
      cluster.applyRemovalPolicy(RemovalPolicy.DESTROY);
      this.clusterArn = cluster.attrArn;
      for (const topic of topicNames) {
        const resource = new msk.CfnTopic(this, `Topic-${topic}`, {
          clusterArn: cluster.attrArn,
          topicName: topic,
          partitionCount: TOPIC_PARTITIONS,
          replicationFactor: Math.min(2, this.subnets.subnetIds.length),
        });
        resource.applyRemovalPolicy(RemovalPolicy.DESTROY);
        this.topics.add(resource);
      }
    }

    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: this.clusterArn },
        physicalResourceId: cr.PhysicalResourceId.of(this.clusterArn),
        outputPaths: ['BootstrapBrokerStringSaslIam'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [this.clusterArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: awsCustomResourceLogGroup(this),
    });
    this.bootstrapBrokers = brokers.getResponseField('BootstrapBrokerStringSaslIam');

    if (this.serverless) {
      const topics = new KafkaTopics(this, 'Topics', {
        clusterArn: this.clusterArn,
        bootstrapBrokers: this.bootstrapBrokers,
        vpc: this.vpc,
        subnets: this.subnets,
        topicArns: topicNames.map((topic) => this.topicArn(topic)),
        topics: topicNames.map((name) => ({ name, partitions: TOPIC_PARTITIONS, config: { 'retention.ms': String(RETENTION_HOURS * 3_600_000) } })),
        allowClient: (scope, ruleId, client, description) => this.allowClient(scope, ruleId, client, description),
      });
      this.topics.add(topics.resource);
    }
  }

  private kafkaArn(resource: 'topic' | 'group' | 'transactional-id', name: string, anyUuid = false): string {
    // arn:aws:kafka:region:account:cluster/<name>/<uuid>
    const uuid = anyUuid ? '*' : Fn.select(2, Fn.split('/', this.clusterArn));
    return Arn.format(
      { service: 'kafka', resource, resourceName: `${this.clusterName}/${uuid}/${name}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME },
      Stack.of(this),
    );
  }

  /**
   * Opens the brokers' IAM port to a security group. The rule is created in `scope` (the
   * client's stack), so that the stateful stack never depends on a stateless one.
   */
  public allowClient(scope: Construct, id: string, client: ec2.ISecurityGroup, description: string): void {
    new ec2.CfnSecurityGroupIngress(scope, id, {
      groupId: this.securityGroup.securityGroupId,
      sourceSecurityGroupId: client.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: MSK_IAM_PORT,
      toPort: MSK_IAM_PORT,
      description,
    });
  }

  /** ARN of a topic of this cluster. */
  public topicArn(topic: string): string {
    return this.kafkaArn('topic', topic);
  }

  /** ARN of a consumer group of this cluster. */
  public groupArn(group: string): string {
    return this.kafkaArn('group', group);
  }

  /** Lets the grantee connect with IAM authentication. */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      resourceArns: [this.clusterArn],
    });
  }

  /** Lets the grantee consume `topic` as consumer group `group`. */
  public grantConsume(grantee: iam.IGrantable, topic: string, group: string): void {
    this.grantConnect(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resourceArns: [this.topicArn(topic)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resourceArns: [this.groupArn(group)],
    });
  }

  /**
   * Lets the grantee produce to `topic` with an idempotent producer; with `transactionalIdPrefix`,
   * also with transactional ids (Flink's exactly-once Kafka sink) of that prefix.
   *
   * Every producer of the playground is idempotent: the generator (kafkajs `idempotent: true`) and
   * the job's KafkaSink (`enable.idempotence` is the kafka-clients default). With IAM access control
   * an idempotent producer needs `kafka-cluster:WriteDataIdempotently` on the cluster unless it may
   * write to every topic (MSK developer guide, "Create authorization policies for the IAM role");
   * without it the brokers answer `ClusterAuthorizationException`.
   */
  public grantProduce(grantee: iam.IGrantable, topic: string, transactionalIdPrefix?: string): void {
    this.grantConnect(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resourceArns: [this.topicArn(topic)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:WriteDataIdempotently'],
      resourceArns: [this.clusterArn],
    });
    if (transactionalIdPrefix !== undefined) {
      // A separate policy so the acknowledgement of its wildcard covers nothing else.
      const principal = grantee.grantPrincipal;
      const scope = principal instanceof Construct ? principal : this;
      const policy = new iam.Policy(scope, `KafkaTransactions${scope.node.children.length}`, {
        statements: [
          new iam.PolicyStatement({
            actions: ['kafka-cluster:DescribeTransactionalId', 'kafka-cluster:AlterTransactionalId'],
            resources: [this.kafkaArn('transactional-id', `${transactionalIdPrefix}*`, true)],
          }),
        ],
      });
      if (principal instanceof iam.Role) policy.attachToRole(principal);
      acknowledge(
        policy,
        'AwsSolutions-IAM5',
        "Flink's exactly-once Kafka sink generates transactional ids from a prefix; the grant covers only the transactional ids of clusters with this cluster's name",
        [`Resource::arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:transactional-id/${this.clusterName}/*/${transactionalIdPrefix}*`],
      );
    }
  }
}
