import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Options for the client factories. Everything is optional: on Lambda the SDK's defaults apply, and
 * locally the standard `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_KINESIS` variables (read by
 * the SDK itself) or an explicit `endpoint` point the clients at the emulators.
 */
export interface ClientOptions {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

function httpHandler(): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
  });
}

function baseConfig(options: ClientOptions): ClientOptions {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
}

/** A DynamoDB document client (plain JS values in and out; `undefined` attributes dropped). */
export function createDocumentClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...baseConfig(options), requestHandler: httpHandler() }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * A Kinesis client over HTTP/1.1. The v3 client defaults to an HTTP/2 handler (for
 * SubscribeToShard, which we never call); kinesis-mock fails large PutRecords over HTTP/2, so one
 * HTTP/1.1 handler is used everywhere, on AWS as locally.
 */
export function createKinesisClient(options: ClientOptions = {}): KinesisClient {
  return new KinesisClient({ ...baseConfig(options), requestHandler: httpHandler() });
}
