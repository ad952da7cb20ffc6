/** An environment variable is missing or invalid; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${variable}: ${message}`, options);
    this.name = 'ConfigError';
  }
}

/** A record on a stream is not a valid ClickEvent / ClickEventStatistics; retrying it cannot help. */
export class MalformedRecordError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedRecordError';
  }
}

/** Records could not be written to the stream within the retry budget: nothing is dropped silently. */
export class StreamWriteError extends Error {
  constructor(
    message: string,
    readonly failedRecords: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StreamWriteError';
  }
}

/** DynamoDB kept returning some keys of a BatchGetItem as unprocessed: the read gives up rather than guess. */
export class BatchGetError extends Error {
  constructor(
    message: string,
    readonly unprocessedKeys: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'BatchGetError';
  }
}

/** An audit query over a time range that is empty, inverted or longer than the query allows. */
export class AuditRangeError extends RangeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AuditRangeError';
  }
}
