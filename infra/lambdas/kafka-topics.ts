/**
 * The `Custom::KafkaTopics` handler (onEvent of a CDK Provider): creates the playground's topics on
 * an MSK cluster, which `AWS::MSK::Topic` does not do for MSK Serverless. Connects with SASL
 * OAUTHBEARER tokens from the AWS MSK IAM signer over TLS, from inside the cluster's VPC.
 *
 * Idempotent: each topic is created on its own and an existing topic counts as created (its
 * partitions and configuration are left as they are). Delete does nothing: the topics go with the
 * cluster, and a custom resource that is only replaced must not take the data with it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { Kafka, logLevel } from 'kafkajs';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Topic configuration entries (e.g. `retention.ms`). */
  readonly config?: Readonly<Record<string, string>>;
}

/** The custom resource's properties (CloudFormation passes every value as a string). */
export interface KafkaTopicsProperties {
  readonly ClusterArn: string;
  /** `host:9098,…` (SASL/IAM). */
  readonly BootstrapBrokers: string;
  /** JSON of `TopicSpec[]`. */
  readonly Topics: string;
}

/** The subset of the kafkajs admin client the handler uses. */
export interface TopicAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(options: {
    topics: { topic: string; numPartitions: number; configEntries: { name: string; value: string }[] }[];
    waitForLeaders: boolean;
  }): Promise<boolean>;
}

export interface KafkaTopicsResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

export type KafkaTopicsHandler = (event: CloudFormationCustomResourceEvent) => Promise<KafkaTopicsResponse>;

export function parseTopics(json: string): TopicSpec[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('Topics must be a non-empty JSON array');
  return parsed.map((entry: unknown) => {
    const { name, partitions, config } = (entry ?? {}) as Partial<TopicSpec>;
    if (typeof name !== 'string' || !/^[\w.-]{1,249}$/.test(name)) throw new Error(`invalid topic name: ${String(name)}`);
    const count = Number(partitions);
    if (!Number.isInteger(count) || count < 1) throw new Error(`invalid partition count for ${name}: ${String(partitions)}`);
    return { name, partitions: count, config: config ?? {} };
  });
}

/** Builds the handler around an admin-client factory (kafkajs with MSK IAM in Lambda; a fake in tests). */
export function createKafkaTopicsHandler(
  adminFor: (brokers: string[]) => TopicAdmin,
  log: (line: string) => void = (line) => console.error(line),
): KafkaTopicsHandler {
  return async (event) => {
    const props = event.ResourceProperties as unknown as KafkaTopicsProperties;
    // One physical id per cluster: a new cluster is a new resource (CloudFormation then deletes the old one, a no-op).
    const physicalId = `${props.ClusterArn}/topics`;
    if (event.RequestType === 'Delete') {
      log(`delete ${event.PhysicalResourceId}: topics are left to the cluster`);
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    const topics = parseTopics(props.Topics);
    const brokers = props.BootstrapBrokers.split(',').map((broker) => broker.trim()).filter(Boolean);
    if (brokers.length === 0) throw new Error('BootstrapBrokers is empty');
    const admin = adminFor(brokers);
    await admin.connect();
    try {
      for (const topic of topics) {
        const created = await admin.createTopics({
          topics: [
            {
              topic: topic.name,
              numPartitions: topic.partitions,
              configEntries: Object.entries(topic.config ?? {}).map(([name, value]) => ({ name, value })),
            },
          ],
          waitForLeaders: true,
        });
        log(`${event.RequestType.toLowerCase()} ${topic.name}: ${created ? 'created' : 'exists, left unchanged'}`);
      }
    } finally {
      await admin.disconnect();
    }
    return { PhysicalResourceId: physicalId, Data: Object.fromEntries(topics.map((topic) => [topic.name, topic.name])) };
  };
}

/** kafkajs admin client with SASL/IAM over TLS, in the function's region. */
function iamAdmin(brokers: string[]): TopicAdmin {
  const region = process.env.AWS_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const kafka = new Kafka({
    clientId: 'playground-kafka-topics',
    brokers,
    logLevel: logLevel.WARN,
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }),
    },
  });
  return kafka.admin();
}

export const handler: KafkaTopicsHandler = createKafkaTopicsHandler(iamAdmin);
