import { createKinesisClient, type ClientOptions } from './clients';
import type { StreamTarget } from './config';
import { KafkaStreamWriter } from './kafka-writer';
import { KinesisStreamWriter } from './kinesis-writer';
import type { StreamWriter } from './stream-writer';

/** The writer for a configured input stream (Kinesis client options apply to Kinesis only). */
export function createStreamWriter(target: StreamTarget, kinesisClient: ClientOptions = {}): StreamWriter {
  return target.kind === 'kinesis'
    ? new KinesisStreamWriter({ client: createKinesisClient(kinesisClient), streamName: target.streamName })
    : new KafkaStreamWriter(target);
}
