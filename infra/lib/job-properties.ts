/**
 * The one builder of the MSF runtime property groups that ClickCountJob reads (every key is
 * documented in `job/README.md`), used by the CDK app and by the local stack alike. The two differ
 * only where the caller says so: the brokers' authentication, and the Kinesis emulator's endpoint
 * with the client settings an emulator needs. Module of plain values: the local stack imports it
 * without loading the CDK.
 */
import type { PropertyGroups } from './constructs/flink-application';
import { KAFKA_GROUPS, KAFKA_TOPICS, type PlaygroundStreams } from './streams';

/** A Kinesis emulator (kinesis-mock) instead of the region's endpoint. */
export interface KinesisEmulator {
  /** `aws.endpoint`, e.g. `https://localhost:4567`. */
  readonly endpoint: string;
}

export interface KinesisJobStreams {
  readonly kind: 'kinesis';
  readonly region: string;
  readonly inputStreamArn: string;
  readonly outputStreamArn: string;
  /**
   * Sets `aws.endpoint` and the settings emulators need (`aws.trust.all.certificates=true`,
   * `aws.http.protocol.version=HTTP1_1`, `aws.cbor.enabled=false`; DESIGN.md "Measured facts").
   * @default - the AWS endpoint of the region, with the job's client defaults
   */
  readonly emulator?: KinesisEmulator;
}

export interface KafkaJobStreams {
  readonly kind: 'kafka';
  /** Comma-separated `host:port` list. */
  readonly bootstrapServers: string;
  /** `none` (PLAINTEXT, the local broker) or `iam` (Amazon MSK). */
  readonly auth: 'none' | 'iam';
  /** @default KAFKA_TOPICS */
  readonly topics?: { readonly input: string; readonly output: string };
}

export type JobStreams = KinesisJobStreams | KafkaJobStreams;

/**
 * The original playground's job options that are properties of the job (`ClickCountJob.event-time`,
 * `ClickCountJob.backpressure`). Its third, checkpointing, is the application's
 * CheckpointConfiguration, not a property.
 */
export interface JobVariant {
  /** `ClickCountJob.event-time`: event-time windows; false: processing-time windows. @default true */
  readonly eventTime: boolean;
  /** `ClickCountJob.backpressure`: the Backpressure operator (10 ms per record during even minutes). @default false */
  readonly backpressure: boolean;
}

export const DEFAULT_JOB_VARIANT: JobVariant = { eventTime: true, backpressure: false };

/** The keys an emulator adds to the Kinesis group: the local stack's documented overrides. */
export const KINESIS_EMULATOR_KEYS = ['aws.endpoint', 'aws.trust.all.certificates', 'aws.http.protocol.version', 'aws.cbor.enabled'] as const;

/**
 * The `ClickCountJob` group (the streams switch and the variant) plus the group of the chosen
 * connector, every key written.
 */
export function jobPropertyGroups(streams: JobStreams, variant: JobVariant): PropertyGroups {
  const job = { streams: streams.kind, 'event-time': String(variant.eventTime), backpressure: String(variant.backpressure) };
  if (streams.kind === 'kinesis') {
    const { emulator } = streams;
    return {
      ClickCountJob: job,
      Kinesis: {
        'aws.region': streams.region,
        'input.stream.arn': streams.inputStreamArn,
        'output.stream.arn': streams.outputStreamArn,
        ...(emulator
          ? {
              'aws.endpoint': emulator.endpoint,
              'aws.trust.all.certificates': 'true',
              'aws.http.protocol.version': 'HTTP1_1',
              'aws.cbor.enabled': 'false',
            }
          : {}),
      },
    };
  }
  const topics = streams.topics ?? KAFKA_TOPICS;
  return {
    ClickCountJob: job,
    Kafka: {
      'bootstrap.servers': streams.bootstrapServers,
      'input.topic': topics.input,
      'output.topic': topics.output,
      'group.id': KAFKA_GROUPS.job,
      auth: streams.auth,
    },
  };
}

/** The deployed streams as the job sees them: Kinesis in the stack's region, or MSK with IAM. */
export function deployedJobStreams(streams: PlaygroundStreams, region: string): JobStreams {
  return streams.kind === 'kinesis'
    ? { kind: 'kinesis', region, inputStreamArn: streams.input.streamArn, outputStreamArn: streams.output.streamArn }
    : { kind: 'kafka', bootstrapServers: streams.cluster.bootstrapBrokers, auth: 'iam' };
}

/** The groups in the kinesisanalyticsv2 API's shape (`EnvironmentProperties.PropertyGroups`). */
export function propertyGroupList(groups: PropertyGroups): { PropertyGroupId: string; PropertyMap: Record<string, string> }[] {
  return Object.entries(groups).map(([PropertyGroupId, map]) => ({ PropertyGroupId, PropertyMap: { ...map } }));
}
