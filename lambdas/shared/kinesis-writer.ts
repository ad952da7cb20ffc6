import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { StreamWriteError } from './errors';
import { realSleep, type Sleep, type StreamRecord, type StreamWriter } from './stream-writer';

/** PutRecords limits: 500 records and 5 MiB per request, 1 MiB per record (data + partition key). */
const PUT_RECORDS_MAX_RECORDS = 500;
const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;
const RECORD_MAX_BYTES = 1024 * 1024;

/** Record-level error codes worth retrying; any other code fails the write at once. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['ProvisionedThroughputExceededException', 'InternalFailure']);

export interface KinesisWriterOptions {
  readonly client: Pick<KinesisClient, 'send'>;
  readonly streamName: string;
  readonly sleep?: Sleep;
  /** Attempts per batch, the first included, before the write fails. @default 10 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly baseDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
}

interface Entry {
  readonly entry: PutRecordsRequestEntry;
  readonly bytes: number;
}

/** Splits records into PutRecords requests within the count and size limits. */
export function chunkForPutRecords(records: readonly StreamRecord[]): StreamRecord[][] {
  const chunks: StreamRecord[][] = [];
  let current: StreamRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(record.data) + Buffer.byteLength(record.partitionKey);
    if (size > RECORD_MAX_BYTES) throw new StreamWriteError(`a record of ${size} bytes exceeds the 1 MiB Kinesis limit`, 1);
    if (current.length === PUT_RECORDS_MAX_RECORDS || bytes + size > PUT_RECORDS_MAX_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Writes to a Kinesis data stream with PutRecords. Records a request rejects individually
 * (throughput exceeded, internal failure) are retried — only those — with exponential backoff and
 * full jitter; when the attempts run out the write throws `StreamWriteError`: nothing is dropped
 * silently. Request-level errors are retried by the SDK's own retry strategy.
 */
export class KinesisStreamWriter implements StreamWriter {
  private readonly sleep: Sleep;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(private readonly options: KinesisWriterOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
    this.random = options.random ?? Math.random;
  }

  async write(records: readonly StreamRecord[]): Promise<void> {
    for (const chunk of chunkForPutRecords(records)) {
      await this.putWithRetry(
        chunk.map((r) => {
          const data = Buffer.from(r.data);
          return { entry: { Data: data, PartitionKey: r.partitionKey }, bytes: data.length };
        }),
      );
    }
  }

  async close(): Promise<void> {}

  private async putWithRetry(entries: readonly Entry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      const out = await this.options.client.send(
        new PutRecordsCommand({ StreamName: this.options.streamName, Records: pending.map((e) => e.entry) }),
      );
      if (!out.FailedRecordCount) return;
      const results = out.Records ?? [];
      if (results.length !== pending.length) {
        throw new StreamWriteError(
          `PutRecords returned ${results.length} results for ${pending.length} records`,
          pending.length,
        );
      }
      const failed: Entry[] = [];
      const fatal = new Set<string>();
      results.forEach((result, i) => {
        if (!result.ErrorCode) return;
        failed.push(pending[i]);
        if (!RETRYABLE_CODES.has(result.ErrorCode)) fatal.add(`${result.ErrorCode}: ${result.ErrorMessage ?? ''}`);
      });
      if (fatal.size > 0) {
        throw new StreamWriteError(
          `${failed.length} records rejected by ${this.options.streamName}: ${[...fatal].join('; ')}`,
          failed.length,
        );
      }
      if (attempt >= this.maxAttempts) {
        throw new StreamWriteError(
          `${failed.length} records still rejected by ${this.options.streamName} after ${attempt} attempts (throughput exceeded)`,
          failed.length,
        );
      }
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      await this.sleep(Math.floor(this.random() * ceiling));
      pending = failed;
    }
  }
}
