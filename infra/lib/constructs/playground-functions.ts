import { LOCAL_ESM_BUNDLING } from '../bundling';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, MANAGED_POLICY } from '../nag';
import { join } from 'node:path';
import { KAFKA_GROUPS, KAFKA_TOPICS, type PlaygroundStreams } from '../streams';

import {
  AUDITOR_DEFAULTS,
  auditorEnvironment,
  auditSweepEnvironment,
  GENERATOR_DEFAULTS,
  generatorEnvironment,
  withoutRuntimeVariables,
  type AuditorConfig,
  type GeneratorConfig,
} from '../../../lambdas/shared/config';

export interface PlaygroundFunctionsProps {
  /** The repository root (handlers under `lambdas/`, `package-lock.json`). */
  readonly root: string;
  readonly streams: PlaygroundStreams;
  readonly ledger: dynamodb.ITable;
  readonly audit: dynamodb.ITable;
  /** @default GENERATOR_DEFAULTS.eventsPerWindow (1000) */
  readonly eventsPerWindow?: number;
  /** Whether the generator's schedule is enabled. @default true */
  readonly generatorEnabled?: boolean;
  /** @default GENERATOR_DEFAULTS.windowsPerInvocation (4) */
  readonly windowsPerInvocation?: number;
  /** @default AUDITOR_DEFAULTS.gracePeriodSeconds (120) */
  readonly gracePeriodSeconds?: number;
}

/** The deployed functions' configurations, from which their environments are built. */
export interface DeployedFunctionConfigs {
  readonly generator: GeneratorConfig;
  /** The auditor's and the audit sweep's. */
  readonly auditor: AuditorConfig;
}

/**
 * What the deployed generator, auditor and sweep are configured with: the names of the deployed
 * streams and tables (tokens until deploy), the brokers with IAM auth in the function's region on
 * MSK, and the props' settings or the functions' defaults.
 */
function deployedFunctionConfigs(
  region: string,
  props: Pick<PlaygroundFunctionsProps, 'streams' | 'ledger' | 'audit' | 'eventsPerWindow' | 'windowsPerInvocation' | 'gracePeriodSeconds'>,
): DeployedFunctionConfigs {
  const { streams } = props;
  return {
    generator: {
      target:
        streams.kind === 'kinesis'
          ? { kind: 'kinesis', streamName: streams.input.streamName }
          : { kind: 'kafka', bootstrapServers: [streams.cluster.bootstrapBrokers], topic: KAFKA_TOPICS.input, auth: 'iam', region },
      ledgerTableName: props.ledger.tableName,
      eventsPerWindow: props.eventsPerWindow ?? GENERATOR_DEFAULTS.eventsPerWindow,
      windowsPerInvocation: props.windowsPerInvocation ?? GENERATOR_DEFAULTS.windowsPerInvocation,
      rateMode: GENERATOR_DEFAULTS.rateMode,
    },
    auditor: {
      auditTableName: props.audit.tableName,
      ledgerTableName: props.ledger.tableName,
      gracePeriodSeconds: props.gracePeriodSeconds ?? AUDITOR_DEFAULTS.gracePeriodSeconds,
    },
  };
}

/**
 * The generator (scheduled every minute), the auditor (event source mapping on the output stream or
 * topic) and the audit sweep (scheduled), bundled from `lambdas/` with the locally installed esbuild.
 */
export class PlaygroundFunctions extends Construct {
  public readonly generator: nodejs.NodejsFunction;
  public readonly auditor: nodejs.NodejsFunction;
  public readonly sweep: nodejs.NodejsFunction;
  public readonly generatorSchedule: events.Rule;
  public readonly sweepSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: PlaygroundFunctionsProps) {
    super(scope, id);
    const { streams } = props;
    const msk = streams.kind === 'msk' ? streams.cluster : undefined;
    const functionConfigs = deployedFunctionConfigs(Stack.of(this).region, props);
    const { windowsPerInvocation } = functionConfigs.generator;
    // The builders validate the values (a ConfigError names the variable) before anything is created.
    const generatorEnv = withoutRuntimeVariables(generatorEnvironment(functionConfigs.generator));
    const auditorEnv = auditorEnvironment(functionConfigs.auditor);
    const sweepEnv = auditSweepEnvironment(functionConfigs.auditor);

    // The generator paces whole windows in real time: `windowsPerInvocation` × 15 s plus headroom.
    this.generator = this.function('Generator', props.root, 'generator.ts', {
      environment: generatorEnv,
      timeout: Duration.seconds(windowsPerInvocation * 15 + 60),
      memorySize: 512,
      vpc: msk?.vpc,
      vpcSubnets: msk ? { subnets: msk.subnets.subnets } : undefined,
    });
    this.auditor = this.function('Auditor', props.root, 'auditor.ts', {
      environment: auditorEnv,
      timeout: Duration.seconds(60),
      memorySize: 256,
    });
    this.sweep = this.function('AuditSweep', props.root, 'audit-sweep.ts', {
      environment: sweepEnv,
      timeout: Duration.seconds(60),
      memorySize: 256,
    });

    props.ledger.grantReadWriteData(this.generator);
    props.ledger.grantReadData(this.auditor);
    props.audit.grantReadWriteData(this.auditor);
    props.ledger.grantReadData(this.sweep);
    props.audit.grantReadWriteData(this.sweep);

    if (streams.kind === 'kinesis') {
      streams.input.grantWrite(this.generator);
      this.auditor.addEventSource(
        new sources.KinesisEventSource(streams.output, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: 10,
        }),
      );
    } else {
      const cluster = streams.cluster;
      cluster.grantProduce(this.generator, KAFKA_TOPICS.input);
      cluster.allowClient(this, 'GeneratorToKafka', this.generator.connections.securityGroups[0], 'generator to MSK (IAM/TLS)');
      cluster.grantConsume(this.auditor, KAFKA_TOPICS.output, KAFKA_GROUPS.auditor);
      this.auditor.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeClusterDynamicConfiguration'], resources: [cluster.clusterArn] }),
      );
      // The generator produces without auto-creation, and the mapping reads an existing topic.
      this.generator.node.addDependency(cluster.topics);
      this.auditor.node.addDependency(cluster.topics);
      // No `reportBatchItemFailures`/`bisectBatchOnError`/`retryAttempts` here, unlike the Kinesis
      // mapping: for Amazon MSK and self-managed Kafka, Lambda offers these error-handling controls
      // (FunctionResponseTypes: ReportBatchItemFailures) only in provisioned poller mode, which bills
      // event poller units by the hour on top. The auditor returns no partial response for MSK
      // batches: a transient error fails the whole batch, which Lambda redelivers, and arrivals are
      // idempotent, so a redelivered batch does not change the audit.
      this.auditor.addEventSource(
        new sources.ManagedKafkaEventSource({
          clusterArn: cluster.clusterArn,
          topic: KAFKA_TOPICS.output,
          consumerGroupId: KAFKA_GROUPS.auditor,
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(1),
        }),
      );
      acknowledge(this.auditor, 'AwsSolutions-IAM4', 'ManagedKafkaEventSource attaches AWSLambdaMSKExecutionRole: the MSK event source mapping creates ENIs in the cluster VPC', [
        MANAGED_POLICY.mskExecution,
      ]);
      acknowledge(this.generator, 'AwsSolutions-IAM4', 'A function in a VPC needs AWSLambdaVPCAccessExecutionRole to manage its ENIs', [MANAGED_POLICY.vpcAccess]);
    }

    this.generatorSchedule = new events.Rule(this, 'GeneratorSchedule', {
      description: 'Runs the click generator every minute (the `generator` context switch)',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      enabled: props.generatorEnabled ?? true,
      targets: [new targets.LambdaFunction(this.generator, { retryAttempts: 0 })],
    });
    this.sweepSchedule = new events.Rule(this, 'SweepSchedule', {
      description: 'Marks windows without complete results after the grace period as missing',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.sweep, { retryAttempts: 2 })],
    });

    for (const fn of [this.generator, this.auditor, this.sweep]) {
      acknowledge(fn, 'AwsSolutions-IAM4', 'AWSLambdaBasicExecutionRole only lets the function write its CloudWatch logs', [MANAGED_POLICY.basicExecution]);
      acknowledge(fn, 'AwsSolutions-L1', 'The handlers target Node.js 22, the Lambda runtime the project builds and tests against');
    }
  }

  private function(id: string, root: string, file: string, options: Partial<nodejs.NodejsFunctionProps>): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const { environment, ...rest } = options;
    return new nodejs.NodejsFunction(this, id, {
      entry: join(root, 'lambdas', file),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      logGroup,
      tracing: lambda.Tracing.DISABLED,
      bundling: LOCAL_ESM_BUNDLING,
      ...rest,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
    });
  }
}
