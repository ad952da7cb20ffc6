/** One record for the input stream: the serialized ClickEvent and a partition key. */
export interface StreamRecord {
  readonly partitionKey: string;
  readonly data: string;
}

/** Writes records to the input stream; resolves only when every record is stored, else throws. */
export interface StreamWriter {
  write(records: readonly StreamRecord[]): Promise<void>;
  /** Releases connections (Kafka producer); a no-op for Kinesis. */
  close(): Promise<void>;
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
