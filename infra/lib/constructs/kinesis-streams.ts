import { RemovalPolicy } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import type { KinesisMode } from '../config';

export interface KinesisStreamsProps {
  /** @default 'on-demand' */
  readonly mode?: KinesisMode;
  /** Shards per stream in provisioned mode. @default 1 */
  readonly shards?: number;
}

/** The job's input (ClickEvent) and output (ClickEventStatistics) streams, encrypted with `aws/kinesis`. */
export class KinesisStreams extends Construct {
  public readonly input: kinesis.Stream;
  public readonly output: kinesis.Stream;

  constructor(scope: Construct, id: string, props: KinesisStreamsProps = {}) {
    super(scope, id);
    const shards = props.shards ?? 1;
    if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a positive integer, got ${shards}`);
    const provisioned = props.mode === 'provisioned';
    const common: kinesis.StreamProps = {
      encryption: kinesis.StreamEncryption.MANAGED,
      streamMode: provisioned ? kinesis.StreamMode.PROVISIONED : kinesis.StreamMode.ON_DEMAND,
      shardCount: provisioned ? shards : undefined,
      removalPolicy: RemovalPolicy.DESTROY,
    };
    this.input = new kinesis.Stream(this, 'Input', common);
    this.output = new kinesis.Stream(this, 'Output', common);
  }
}
