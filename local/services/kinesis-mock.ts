import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../lambdas/shared/clients';
import { LocalStackError } from '../errors';
import { startProcess, tcpOpen, type RunningProcess } from '../process';

/** kinesis-mock's fixed account; stream ARNs are `arn:aws:kinesis:<region>:000000000000:stream/<name>`. */
const KINESIS_MOCK_ACCOUNT = '000000000000';

export interface KinesisMockOptions {
  /** Plain HTTP port (the TLS port is `port - 1`). @default 4568 */
  readonly port?: number;
  readonly logDir: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Streams created at start-up. */
  readonly streams?: readonly { readonly name: string; readonly shards: number }[];
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LocalKinesis {
  /** e.g. http://127.0.0.1:4568 — for `AWS_ENDPOINT_URL_KINESIS` and the job's `aws.endpoint`. */
  readonly endpoint: string;
  readonly region: string;
  readonly process: RunningProcess;
  streamArn(name: string): string;
  stop(): Promise<void>;
}

/**
 * Starts kinesis-mock (npm `kinesis-local`, the engine LocalStack uses) from its package folder, so
 * that it finds its bundled TLS certificate, with the given streams created and ACTIVE.
 */
export async function startKinesisMock(options: KinesisMockOptions): Promise<LocalKinesis> {
  const port = options.port ?? 4568;
  const region = options.region ?? 'us-east-1';
  const main = createRequire(import.meta.url).resolve('kinesis-local/main.js');
  const server = await startProcess({
    name: 'kinesis-mock',
    command: process.execPath,
    args: [main],
    cwd: path.dirname(main),
    env: options.env,
    extraEnv: {
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(port - 1),
      KINESIS_MOCK_CERT_PATH: path.join(path.dirname(main), 'server.json'),
      AWS_REGION: region,
      INITIALIZE_STREAMS: (options.streams ?? []).map((s) => `${s.name}:${s.shards}`).join(','),
      CREATE_STREAM_DURATION: '100ms',
      LOG_LEVEL: 'WARN',
    },
    logFile: path.join(options.logDir, 'kinesis-mock.log'),
    ready: () => tcpOpen(port),
    readyTimeoutMs: 60_000,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForStreams(endpoint, region, (options.streams ?? []).map((s) => s.name));
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    endpoint,
    region,
    process: server,
    streamArn: (name) => `arn:aws:kinesis:${region}:${KINESIS_MOCK_ACCOUNT}:stream/${name}`,
    stop: () => server.stop(),
  };
}

/** A Kinesis client for kinesis-mock (HTTP/1.1, as every Kinesis client of ours), with dummy credentials. */
export function localKinesisClient(endpoint: string, region: string): KinesisClient {
  return createKinesisClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

async function waitForStreams(endpoint: string, region: string, names: readonly string[]): Promise<void> {
  const client = localKinesisClient(endpoint, region);
  const deadline = Date.now() + 30_000;
  try {
    for (const name of names) {
      for (;;) {
        const status = await client
          .send(new DescribeStreamSummaryCommand({ StreamName: name }))
          .then((r) => r.StreamDescriptionSummary?.StreamStatus)
          .catch(() => undefined);
        if (status === 'ACTIVE') break;
        if (Date.now() > deadline) throw new LocalStackError(`kinesis-mock did not make stream '${name}' ACTIVE within 30 s`);
        await sleep(200);
      }
    }
  } finally {
    client.destroy();
  }
}
