import { Kafka, logLevel, Partitioners, type logCreator, type Producer } from 'kafkajs';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import type { KafkaTarget } from './config';
import type { StreamRecord, StreamWriter } from './stream-writer';

/**
 * kafkajs's own log lines, as JSON on stderr — less its warning that bounded retries "may invalidate
 * EoS guarantees": a write that runs out of retries fails the invocation, its window stays claimed
 * and is never sent again, so bounded retries can leave a window incomplete but never send a click twice.
 */
const writerLog: logCreator = () => ({ level, log }) => {
  if (log.message.startsWith('Limiting retries for the idempotent producer')) return;
  process.stderr.write(`${JSON.stringify({ level: logLevel[level], logger: 'kafkajs', ...log })}\n`);
};

/** Messages per produce call; keeps each request well under the broker's request size limit. */
const MAX_MESSAGES_PER_SEND = 5_000;

/**
 * Writes to a Kafka topic (Amazon MSK or the local broker) with an idempotent producer
 * (`acks=all`, one request in flight, kafkajs's unbounded retries for idempotence). With
 * `auth: 'iam'` it authenticates with SASL OAUTHBEARER tokens from the AWS MSK IAM signer over TLS.
 * Connects on first write and stays connected across warm invocations.
 */
export class KafkaStreamWriter implements StreamWriter {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(private readonly target: KafkaTarget) {
    const iam = target.auth === 'iam';
    const region = target.region;
    if (iam && !region) throw new Error('KafkaStreamWriter: region is required for IAM auth');
    const kafka = new Kafka({
      clientId: 'playground-generator',
      brokers: [...target.bootstrapServers],
      logLevel: logLevel.WARN,
      logCreator: writerLog,
      // A broker that restarts (a rolling MSK update, the local broker replaced by the supervisor)
      // is reconnected to for about a minute before a write fails; the default gives up in ~10 s.
      retry: { retries: 15, initialRetryTime: 300, maxRetryTime: 5_000 },
      ...(iam
        ? {
            ssl: true,
            sasl: {
              mechanism: 'oauthbearer' as const,
              oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region: region as string })).token }),
            },
          }
        : {}),
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async write(records: readonly StreamRecord[]): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    for (let i = 0; i < records.length; i += MAX_MESSAGES_PER_SEND) {
      await this.producer.send({
        topic: this.target.topic,
        acks: -1,
        messages: records.slice(i, i + MAX_MESSAGES_PER_SEND).map((r) => ({ key: r.partitionKey, value: r.data })),
      });
    }
  }

  async close(): Promise<void> {
    if (this.connected) {
      this.connected = undefined;
      await this.producer.disconnect();
    }
  }
}
