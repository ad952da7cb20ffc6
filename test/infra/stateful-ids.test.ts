import { describe, expect, it } from 'vitest';
import { synthesize } from './helpers';

/**
 * Logical IDs of the stateful resources. A change here replaces a stream, cluster or table (and
 * loses its data) on the next deploy: change these only on purpose.
 */
const STATEFUL_IDS: Record<string, Record<string, string[]>> = {
  kinesis: {
    'AWS::Kinesis::Stream': ['StreamsInputEB621ECE', 'StreamsOutputA1BED6AF'],
    'AWS::DynamoDB::Table': ['TablesAuditCEFF9E0F', 'TablesLedgerF9806C8B'],
  },
  msk: {
    'AWS::MSK::Cluster': ['KafkaCluster21A1BE89'],
    'AWS::MSK::Topic': ['KafkaTopicinput3F63EDC7', 'KafkaTopicoutput920FEB0D'],
    'AWS::EC2::VPC': ['NetworkVpc7FB7348F'],
    'AWS::DynamoDB::Table': ['TablesAuditCEFF9E0F', 'TablesLedgerF9806C8B'],
  },
  'msk-serverless': {
    'AWS::MSK::ServerlessCluster': ['KafkaCluster21A1BE89'],
    'AWS::EC2::VPC': ['NetworkVpc7FB7348F'],
    'AWS::DynamoDB::Table': ['TablesAuditCEFF9E0F', 'TablesLedgerF9806C8B'],
  },
};

describe('stateful resources', () => {
  it.each(Object.keys(STATEFUL_IDS))('keep their logical IDs (%s)', { timeout: 120_000 }, (streams) => {
    const { templates } = synthesize({ streams, startApplication: false, localstack: false });
    const template = templates.PlaygroundStateful;
    const actual: Record<string, string[]> = {};
    for (const type of Object.keys(STATEFUL_IDS[streams])) actual[type] = Object.keys(template.findResources(type)).sort();
    expect(actual).toEqual(STATEFUL_IDS[streams]);
  });
});
