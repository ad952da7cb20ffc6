import { LOCAL_ESM_BUNDLING } from '../bundling';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopicSpec } from '../../lambdas/kafka-topics';
import { acknowledge, MANAGED_POLICY } from '../nag';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (package-lock.json) and the handler, relative to this file. */
const ROOT = resolve(HERE, '..', '..', '..');
const ENTRY = join(ROOT, 'infra', 'lambdas', 'kafka-topics.ts');

export type { TopicSpec };

export interface KafkaTopicsProps {
  readonly clusterArn: string;
  /** The SASL/IAM bootstrap broker string. */
  readonly bootstrapBrokers: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SelectedSubnets;
  /** ARNs of the topics, in the order of `topics` (IAM: create and describe only these). */
  readonly topicArns: readonly string[];
  readonly topics: readonly TopicSpec[];
  /** Opens the brokers' IAM port to the handler's security group. */
  readonly allowClient: (scope: Construct, id: string, client: ec2.ISecurityGroup, description: string) => void;
}

/**
 * `Custom::KafkaTopics`: creates topics on an MSK cluster at deploy time (for MSK Serverless, which
 * `AWS::MSK::Topic` does not cover) with a small function in the cluster's VPC that connects with
 * IAM auth. Create and update create the missing topics; delete leaves them to the cluster.
 */
export class KafkaTopics extends Construct {
  public readonly resource: CustomResource;
  public readonly handler: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    if (props.topics.length === 0) throw new Error('KafkaTopics: at least one topic');
    if (props.topicArns.length !== props.topics.length) throw new Error('KafkaTopics: one topic ARN per topic');

    const handlerLogs = new logs.LogGroup(this, 'HandlerLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
    this.handler = new nodejs.NodejsFunction(this, 'Handler', {
      description: 'Creates the Kafka topics of the Managed Flink Playground (custom resource)',
      entry: ENTRY,
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(2),
      logGroup: handlerLogs,
      vpc: props.vpc,
      vpcSubnets: { subnets: props.subnets.subnets },
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        ...LOCAL_ESM_BUNDLING,
        // Bundle the signer's AWS SDK modules too, rather than rely on the runtime's copies: a missing
        // or mismatched module there would fail every deploy.
        externalModules: [],
      },
    });
    props.allowClient(this, 'HandlerToKafka', this.handler.connections.securityGroups[0], 'topic custom resource to MSK (IAM/TLS)');
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:Connect'], resources: [props.clusterArn] }));
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'], resources: [...props.topicArns] }),
    );

    const frameworkLogs = new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.handler, logGroup: frameworkLogs });

    this.resource = new CustomResource(this, 'Resource', {
      resourceType: 'Custom::KafkaTopics',
      serviceToken: provider.serviceToken,
      properties: {
        ClusterArn: props.clusterArn,
        BootstrapBrokers: props.bootstrapBrokers,
        Topics: JSON.stringify(props.topics),
      },
    });

    // The CDK-managed provider framework function that calls the handler and answers CloudFormation.
    const framework = provider.node.findChild('framework-onEvent');
    acknowledge(framework, 'AwsSolutions-IAM4', 'CDK-managed custom resource provider framework: writes its logs through AWSLambdaBasicExecutionRole', [
      MANAGED_POLICY.basicExecution,
    ]);
    acknowledge(framework, 'AwsSolutions-IAM5', 'The CDK provider framework invokes any version of the one topic handler function (its ARN with `:*`)', [
      `Resource::<${Stack.of(this).getLogicalId(this.handler.node.defaultChild as lambda.CfnFunction)}.Arn>:*`,
    ]);
    acknowledge(this.handler, 'AwsSolutions-IAM4', 'AWSLambdaBasicExecutionRole only lets the function write its CloudWatch logs', [MANAGED_POLICY.basicExecution]);
    acknowledge(this.handler, 'AwsSolutions-IAM4', 'A function in a VPC needs AWSLambdaVPCAccessExecutionRole to manage its ENIs', [MANAGED_POLICY.vpcAccess]);
    acknowledge(this.handler, 'AwsSolutions-L1', 'The handlers target Node.js 22, the Lambda runtime the project builds and tests against');
  }
}
