import { KinesisAnalyticsV2ServiceException } from '@aws-sdk/client-kinesis-analytics-v2';
import { UsageError, type Io } from './io';

export { UsageError };

/** A play could not do what was asked; the message says what to do. Printed as one line, exit 1. */
export class PlayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PlayError';
  }
}

/**
 * A command that changes the application was about to act on AWS without being told to: no
 * `--target` and no local stack running. A usage error (exit 2): nothing was called.
 */
export class TargetRefusedError extends UsageError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TargetRefusedError';
  }
}

/** A wait ran out of time. */
export class WaitTimeoutError extends PlayError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WaitTimeoutError';
  }
}

/** Where a play acted, as far as the explanation of an error needs to know. */
export interface ErrorContext {
  readonly kind: 'local' | 'aws';
}

/** What to do about each kinesisanalyticsv2 error, by the exception's name. */
const advice: Readonly<Record<string, string>> = {
  ResourceInUseException: "the application is busy or in the wrong state for this; check 'playground status' and retry once it is RUNNING or READY",
  ConcurrentModificationException: 'someone else changed the application at the same time (its version moved); run the command again',
  LimitExceededException: 'a limit was reached; lower the parallelism, delete old snapshots, or ask for a quota increase (Service Quotas → Managed Service for Apache Flink)',
  ResourceNotFoundException: "not found; check --app (or cdk-outputs.json) and the region, list snapshots with 'playground snapshot list'",
  InvalidArgumentException: 'the request was rejected; check the arguments (--help)',
  InvalidRequestException: 'the request was rejected; check the arguments (--help)',
  InvalidApplicationConfigurationException: "the application's configuration does not allow this (e.g. snapshots disabled); change it in the CDK app and deploy",
  UnsupportedOperationException: 'the application does not support this operation',
  UnrecognizedClientException: 'the credentials were rejected; set AWS_PROFILE or fresh credentials',
  ExpiredTokenException: 'the credentials expired; refresh them (e.g. aws sso login)',
  InvalidClientTokenId: 'the access key is not valid (STS); set AWS_PROFILE or fresh credentials',
  SignatureDoesNotMatch: 'the secret key does not match the access key; set AWS_PROFILE or fresh credentials',
  AccessDeniedException: 'your credentials may not do this; use a role allowed to manage the application',
};

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  return 'cause' in error ? errorCode(error.cause) : undefined;
}

/** One line that says what went wrong and what to do. */
export function explainError(error: unknown, target: ErrorContext): string {
  if (error instanceof PlayError) return error.message;
  if (error instanceof Error && (error instanceof KinesisAnalyticsV2ServiceException || error.name in advice)) {
    return `${error.name}: ${error.message.replace(/\s+/g, ' ').trim()} — ${advice[error.name] ?? 'see the message above'}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (errorCode(error) === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return target.kind === 'local'
      ? `the local playground does not answer (${message}); is it still running? start it with 'npx playground up --detach'`
      : `cannot connect (${message}); check AWS_ENDPOINT_URL and the network`;
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return `no AWS credentials (${message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --target local`;
  }
  if (/Region is missing/i.test(message)) return 'no AWS region: set AWS_REGION, or deploy with --outputs-file cdk-outputs.json';
  return message.split('\n')[0] ?? message;
}

/** Runs a play: argument errors propagate (exit 2); every other error becomes one line and exit 1. */
export async function runPlay(io: Io, target: ErrorContext, play: () => Promise<number>): Promise<number> {
  try {
    return await play();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.err(`error: ${explainError(error, target)}`);
    return 1;
  }
}
