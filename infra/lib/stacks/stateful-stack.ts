import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { KinesisMode, StreamsKind } from '../config';
import { KinesisStreams } from '../constructs/kinesis-streams';
import { MskCluster } from '../constructs/msk-cluster';
import { acknowledgeAwsCustomResourceProvider } from '../nag';
import { PlaygroundNetwork } from '../constructs/network';
import { PlaygroundTables } from '../constructs/tables';
import type { PlaygroundStreams } from '../streams';

export interface StatefulStackProps extends StackProps {
  /** @default 'kinesis' */
  readonly streams?: StreamsKind;
  /** @default 'on-demand' */
  readonly kinesisMode?: KinesisMode;
  /** @default 1 */
  readonly shards?: number;
}

/** What holds data: the streams (Kinesis, or MSK with its VPC) and the ledger and audit tables. */
export class StatefulStack extends Stack {
  public readonly streams: PlaygroundStreams;
  public readonly tables: PlaygroundTables;
  public readonly network?: PlaygroundNetwork;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    const kind = props.streams ?? 'kinesis';
    if (kind === 'kinesis') {
      const kinesis = new KinesisStreams(this, 'Streams', { mode: props.kinesisMode, shards: props.shards });
      this.streams = { kind: 'kinesis', input: kinesis.input, output: kinesis.output };
      new CfnOutput(this, 'InputStreamName', { value: kinesis.input.streamName, description: 'Kinesis stream of ClickEvents' });
      new CfnOutput(this, 'OutputStreamName', { value: kinesis.output.streamName, description: 'Kinesis stream of ClickEventStatistics' });
    } else {
      this.network = new PlaygroundNetwork(this, 'Network');
      const cluster = new MskCluster(this, 'Kafka', { vpc: this.network.vpc, serverless: kind === 'msk-serverless' });
      this.streams = { kind: 'msk', cluster };
      new CfnOutput(this, 'BootstrapBrokers', { value: cluster.bootstrapBrokers, description: 'MSK bootstrap brokers (SASL/IAM, TLS)' });
      acknowledgeAwsCustomResourceProvider(this);
    }
    this.tables = new PlaygroundTables(this, 'Tables');
    new CfnOutput(this, 'LedgerTableName', { value: this.tables.ledger.tableName });
    new CfnOutput(this, 'AuditTableName', { value: this.tables.audit.tableName });
    new CfnOutput(this, 'Region', { value: Aws.REGION });
  }
}
