import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FlinkApplication } from '../constructs/flink-application';
import { acknowledgeAwsCustomResourceProvider } from '../nag';
import { StartApplication } from '../constructs/start-application';
import { DEFAULT_JOB_VARIANT, deployedJobStreams, jobPropertyGroups, type JobVariant } from '../job-properties';
import { KAFKA_GROUPS, KAFKA_TOPICS, type PlaygroundStreams } from '../streams';

export interface ApplicationStackProps extends StackProps {
  readonly streams: PlaygroundStreams;
  /** Path of the job jar. */
  readonly jarPath: string;
  /** @default 1 */
  readonly parallelism?: number;
  /** @default 1 */
  readonly parallelismPerKpu?: number;
  /** @default false */
  readonly autoScaling?: boolean;
  /** @default 60000 */
  readonly checkpointIntervalMs?: number;
  /** The application's CheckpointingEnabled (false: the `--no-checkpointing` variant). @default true */
  readonly checkpointing?: boolean;
  /** `ClickCountJob.event-time` and `ClickCountJob.backpressure`. @default DEFAULT_JOB_VARIANT */
  readonly variant?: JobVariant;
  /** Start the application after deploy. @default true */
  readonly startApplication?: boolean;
}

/** The Managed Service for Apache Flink application running ClickCountJob. */
export class ApplicationStack extends Stack {
  public readonly application: FlinkApplication;

  constructor(scope: Construct, id: string, props: ApplicationStackProps) {
    super(scope, id, props);
    const { streams } = props;
    const msk = streams.kind === 'msk' ? streams.cluster : undefined;
    this.application = new FlinkApplication(this, 'ClickCountJob', {
      jarPath: props.jarPath,
      propertyGroups: jobPropertyGroups(deployedJobStreams(streams, this.region), props.variant ?? DEFAULT_JOB_VARIANT),
      parallelism: props.parallelism,
      parallelismPerKpu: props.parallelismPerKpu,
      autoScaling: props.autoScaling,
      checkpointIntervalMs: props.checkpointIntervalMs,
      checkpointing: props.checkpointing,
      vpc: msk?.vpc,
      vpcSubnets: msk ? { subnets: msk.subnets.subnets } : undefined,
    });
    const role = this.application.role;
    if (streams.kind === 'kinesis') {
      streams.input.grantRead(role);
      streams.output.grantWrite(role);
    } else {
      streams.cluster.grantConsume(role, KAFKA_TOPICS.input, KAFKA_GROUPS.job);
      // The job's default delivery guarantee is AT_LEAST_ONCE (the auditor counts duplicates), so no
      // transactional-id grant; with `delivery.guarantee=EXACTLY_ONCE` pass its `transactional.id.prefix`.
      streams.cluster.grantProduce(role, KAFKA_TOPICS.output);
      streams.cluster.allowClient(this, 'ApplicationToKafka', this.application.securityGroup!, 'Managed Flink to MSK (IAM/TLS)');
      // The job neither creates nor waits for its topics: start it only once they exist.
      this.application.node.addDependency(streams.cluster.topics);
    }
    if (props.startApplication ?? true) {
      new StartApplication(this, 'Start', { application: this.application });
      acknowledgeAwsCustomResourceProvider(this);
    }
    new CfnOutput(this, 'ApplicationName', { value: this.application.applicationName, description: 'Managed Flink application' });
  }
}
