import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeContext } from './support/recorders';

const kinesis = mockClient(KinesisClient);
const dynamodb = mockClient(DynamoDBDocumentClient);

describe('handler modules', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    kinesis.reset();
    dynamodb.reset();
  });

  it('fails the generator cold start with the name of a missing variable', async () => {
    vi.stubEnv('STREAMS', 'kinesis');
    vi.stubEnv('LEDGER_TABLE_NAME', 'ledger');
    await expect(import('../../lambdas/generator')).rejects.toThrow(/^INPUT_STREAM_NAME: is required/);
  });

  it('fails the auditor and sweep cold starts with the name of a missing variable', async () => {
    vi.stubEnv('LEDGER_TABLE_NAME', 'ledger');
    await expect(import('../../lambdas/auditor')).rejects.toThrow(/^AUDIT_TABLE_NAME: /);
    await expect(import('../../lambdas/audit-sweep')).rejects.toThrow(/^AUDIT_TABLE_NAME: /);
  });

  it('runs the generator handler from its environment against Kinesis and DynamoDB', async () => {
    vi.stubEnv('STREAMS', 'kinesis');
    vi.stubEnv('INPUT_STREAM_NAME', 'input');
    vi.stubEnv('LEDGER_TABLE_NAME', 'ledger');
    vi.stubEnv('EVENTS_PER_WINDOW', '100');
    vi.stubEnv('WINDOWS_PER_INVOCATION', '1');
    vi.stubEnv('RATE_MODE', 'burst');
    dynamodb.on(PutCommand).resolves({}).on(UpdateCommand).resolves({});
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 0,
      Records: (input.Records ?? []).map(() => ({ SequenceNumber: '1', ShardId: 's' })),
    }));
    const { handler } = await import('../../lambdas/generator');

    const result = await handler({ time: new Date().toISOString() }, fakeContext());

    expect(result.eventsSent).toBe(600);
    expect(kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records?.length)).toEqual([500, 100]);
    expect(dynamodb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
      TableName: 'ledger',
      ConditionExpression: 'attribute_not_exists(windowStart)',
    });
  });
});
