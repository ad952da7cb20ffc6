import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createKafkaTopicsHandler, parseTopics, type TopicAdmin } from '../../infra/lambdas/kafka-topics';

const CLUSTER = 'arn:aws:kafka:us-east-1:111111111111:cluster/PlaygroundStateful-Kafka/abc-1';
const TOPICS = [
  { name: 'input', partitions: 2, config: { 'retention.ms': '86400000' } },
  { name: 'output', partitions: 2, config: { 'retention.ms': '86400000' } },
];

function event(requestType: 'Create' | 'Update' | 'Delete', topics: unknown = TOPICS): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'KafkaTopics',
    ResourceType: 'Custom::KafkaTopics',
    ResourceProperties: { ServiceToken: 'token', ClusterArn: CLUSTER, BootstrapBrokers: 'b-1:9098, b-2:9098', Topics: JSON.stringify(topics) },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: `${CLUSTER}/topics`, OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

/** A fake admin client over a set of existing topics, recording its calls. */
function fakeAdmin(existing: Set<string>) {
  const calls: string[] = [];
  let brokers: string[] = [];
  const admin: TopicAdmin = {
    connect: async () => void calls.push('connect'),
    disconnect: async () => void calls.push('disconnect'),
    createTopics: async ({ topics }) => {
      for (const topic of topics) calls.push(`create ${topic.topic} ${topic.numPartitions} ${topic.configEntries.map((e) => `${e.name}=${e.value}`).join(',')}`);
      const created = topics.filter((topic) => !existing.has(topic.topic));
      for (const topic of created) existing.add(topic.topic);
      return created.length > 0;
    },
  };
  const factory = (list: string[]) => {
    brokers = list;
    return admin;
  };
  return { factory, calls, brokers: () => brokers };
}

describe('the Kafka topics custom resource handler', () => {
  it('creates each topic with its partitions and configuration, one at a time', async () => {
    const fake = fakeAdmin(new Set());
    const result = await createKafkaTopicsHandler(fake.factory, () => {})(event('Create'));
    expect(result).toEqual({ PhysicalResourceId: `${CLUSTER}/topics`, Data: { input: 'input', output: 'output' } });
    expect(fake.brokers()).toEqual(['b-1:9098', 'b-2:9098']);
    expect(fake.calls).toEqual(['connect', 'create input 2 retention.ms=86400000', 'create output 2 retention.ms=86400000', 'disconnect']);
  });

  it('is idempotent: existing topics are left as they are, on create and on update', async () => {
    const existing = new Set(['input']);
    const lines: string[] = [];
    const handler = createKafkaTopicsHandler(fakeAdmin(existing).factory, (line) => lines.push(line));
    await handler(event('Create'));
    await handler(event('Update'));
    expect([...existing].sort()).toEqual(['input', 'output']);
    expect(lines).toEqual(['create input: exists, left unchanged', 'create output: created', 'update input: exists, left unchanged', 'update output: exists, left unchanged']);
  });

  it('leaves the topics on delete, without connecting', async () => {
    const fake = fakeAdmin(new Set(['input', 'output']));
    const result = await createKafkaTopicsHandler(fake.factory, () => {})(event('Delete'));
    expect(result).toEqual({ PhysicalResourceId: `${CLUSTER}/topics` });
    expect(fake.calls).toEqual([]);
  });

  it('disconnects when a create fails, and fails the deployment', async () => {
    const fake = fakeAdmin(new Set());
    const failing: TopicAdmin = { ...fake.factory([]), createTopics: async () => Promise.reject(new Error('TOPIC_AUTHORIZATION_FAILED')) };
    await expect(createKafkaTopicsHandler(() => failing, () => {})(event('Create'))).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(fake.calls).toEqual(['connect', 'disconnect']);
  });

  it('rejects bad topic lists', () => {
    expect(() => parseTopics('[]')).toThrow('non-empty');
    expect(() => parseTopics('[{"name":"a b","partitions":1}]')).toThrow('invalid topic name');
    expect(() => parseTopics('[{"name":"input","partitions":0}]')).toThrow('invalid partition count');
    expect(parseTopics('[{"name":"input","partitions":"3"}]')).toEqual([{ name: 'input', partitions: 3, config: {} }]);
  });
});
