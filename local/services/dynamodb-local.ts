import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { LocalStackError } from '../errors';
import { resolveClasspath } from '../maven';
import { startProcess, tcpOpen, type RunningProcess } from '../process';

export interface DynamoDbLocalOptions {
  /** @default 8000 */
  readonly port?: number;
  /** Keep tables in this folder between runs; in memory when absent. */
  readonly dataDir?: string;
  readonly logDir: string;
  /** Where resolved classpaths are cached. */
  readonly cacheDir: string;
  readonly onProgress?: (message: string) => void;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LocalDynamoDb {
  /** e.g. http://127.0.0.1:8000 — for `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint: string;
  readonly process: RunningProcess;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local (Maven Central `com.amazonaws:DynamoDBLocal`) with one shared database. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<LocalDynamoDb> {
  const port = options.port ?? 8000;
  const resolved = await resolveClasspath('dynamodb-local', { cacheDir: options.cacheDir, onResolve: options.onProgress });
  const jars = resolved.filter((entry) => entry.endsWith('.jar'));
  const native = resolved.find((entry) => /libsqlite4java-linux-amd64[^/]*\.so$/.test(entry));
  if (process.platform === 'linux' && process.arch === 'x64' && !native) {
    throw new LocalStackError('the sqlite4java native library for Linux x86-64 is missing from the DynamoDB Local classpath');
  }
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  mkdirSync(options.dataDir ?? options.logDir, { recursive: true });
  const libraryPath = native ? [`-Dsqlite4java.library.path=${path.dirname(native)}`] : [];
  const server = await startProcess({
    name: 'dynamodb-local',
    command: 'java',
    // DynamoDB Local writes a metadata file into its working directory.
    cwd: options.dataDir ?? options.logDir,
    env: options.env,
    args: [
      '-Xms64m',
      '-Xmx512m',
      ...libraryPath,
      '-cp',
      jars.join(path.delimiter),
      'com.amazonaws.services.dynamodbv2.local.main.ServerRunner',
      '-port',
      String(port),
      '-sharedDb',
      ...storage,
    ],
    logFile: path.join(options.logDir, 'dynamodb-local.log'),
    ready: () => tcpOpen(port),
    readyTimeoutMs: 60_000,
  });
  return { endpoint: `http://127.0.0.1:${port}`, process: server, stop: () => server.stop() };
}
