import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamWriteError } from '../../lambdas/shared/errors';
import { chunkForPutRecords, KinesisStreamWriter } from '../../lambdas/shared/kinesis-writer';
import type { StreamRecord } from '../../lambdas/shared/stream-writer';

const kinesis = mockClient(KinesisClient);
afterEach(() => kinesis.reset());

function records(n: number, size = 40): StreamRecord[] {
  return Array.from({ length: n }, (_, i) => ({ partitionKey: `k${i}`, data: String(i).padEnd(size, 'x') }));
}

function sentData(input: PutRecordsCommandInput): string[] {
  return (input.Records ?? []).map((r) => Buffer.from(r.Data as Uint8Array).toString());
}

function writer(sleeps: number[] = [], maxAttempts = 5): KinesisStreamWriter {
  return new KinesisStreamWriter({
    client: new KinesisClient({ region: 'us-east-1' }),
    streamName: 'input',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    maxAttempts,
    random: () => 0.999,
  });
}

describe('KinesisStreamWriter', () => {
  it('splits writes into PutRecords requests of at most 500 records', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 0,
      Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-0' })),
    }));

    await writer().write(records(1_201));

    const sizes = kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records?.length);
    expect(sizes).toEqual([500, 500, 201]);
  });

  it('keeps each request under 5 MiB', () => {
    const chunks = chunkForPutRecords(records(30, 400_000));
    expect(chunks.map((c) => c.length)).toEqual([13, 13, 4]);
  });

  it('retries only the records that failed, with exponential backoff', async () => {
    // Prepare: the first request rejects records 1 and 3; the second rejects record 3 again.
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [
          { SequenceNumber: '1', ShardId: 's' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
          { SequenceNumber: '2', ShardId: 's' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
        ],
      })
      .resolvesOnce({
        FailedRecordCount: 1,
        Records: [{ SequenceNumber: '3', ShardId: 's' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }],
      })
      .resolvesOnce({ FailedRecordCount: 0, Records: [{ SequenceNumber: '4', ShardId: 's' }] });
    const sleeps: number[] = [];

    // Act
    await writer(sleeps).write(records(4, 4));

    // Assess
    const calls = kinesis.commandCalls(PutRecordsCommand).map((c) => sentData(c.args[0].input));
    expect(calls).toEqual([['0xxx', '1xxx', '2xxx', '3xxx'], ['1xxx', '3xxx'], ['3xxx']]);
    expect(sleeps).toEqual([99, 199]);
  });

  it('throws, never drops, when records keep failing past the retry budget', async () => {
    kinesis.on(PutRecordsCommand).resolves({
      FailedRecordCount: 1,
      Records: [{ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }],
    });

    const error = await writer([], 3).write(records(1)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StreamWriteError);
    expect((error as StreamWriteError).failedRecords).toBe(1);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });

  it('fails at once on a record error that retrying cannot fix', async () => {
    kinesis.on(PutRecordsCommand).resolves({
      FailedRecordCount: 1,
      Records: [{ ErrorCode: 'KMSAccessDeniedException', ErrorMessage: 'denied' }],
    });

    await expect(writer().write(records(1))).rejects.toThrow(/KMSAccessDeniedException/);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1);
  });
});
