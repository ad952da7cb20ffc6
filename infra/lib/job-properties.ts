import type { PropertyGroups } from './constructs/flink-application';
import { KAFKA_GROUPS, KAFKA_TOPICS, type PlaygroundStreams } from './streams';

/**
 * The MSF runtime property groups that ClickCountJob reads (documented in `job/README.md`):
 * the required `ClickCountJob.streams` switch plus the group of the chosen connector. Keys left
 * out take the job's defaults.
 */
export function jobPropertyGroups(streams: PlaygroundStreams, region: string): PropertyGroups {
  if (streams.kind === 'kinesis') {
    return {
      ClickCountJob: { streams: 'kinesis' },
      Kinesis: {
        'aws.region': region,
        'input.stream.arn': streams.input.streamArn,
        'output.stream.arn': streams.output.streamArn,
      },
    };
  }
  return {
    ClickCountJob: { streams: 'kafka' },
    Kafka: {
      'bootstrap.servers': streams.cluster.bootstrapBrokers,
      'input.topic': KAFKA_TOPICS.input,
      'output.topic': KAFKA_TOPICS.output,
      'group.id': KAFKA_GROUPS.job,
      auth: 'iam',
    },
  };
}
