import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { jobJarPath, type PlaygroundDirs } from '../paths';
import type { FlinkCluster } from '../flink/cluster';
import { ApiError } from './errors';
import type { FlinkEngine } from './engine';
import { ClusterEngine } from './flink-engine';
import type { Json } from './model';
import { ControlPlaneService } from './service';
import { ApplicationStore, applicationsDir } from './store';

const targetPrefix = 'KinesisAnalytics_20180523.';

export interface ControlPlaneOptions {
  readonly dirs: PlaygroundDirs;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The cluster the applications run on. */
  readonly cluster?: FlinkCluster;
  /** Instead of `cluster`: the Flink work behind the operations (tests use a fake one). */
  readonly engine?: FlinkEngine;
  /** @default jobJarPath */
  readonly jarPath?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** The most KPUs one application may use. @default 8 */
  readonly maxKpus?: number;
  /** @default 2000 */
  readonly monitorIntervalMs?: number;
  /** Background events (failed starts, failed snapshots, jobs that ended). */
  readonly onEvent?: (message: string) => void;
  /** A job the cluster lost runs again from its latest checkpoint. */
  readonly onJobRecovered?: (application: string, message: string) => void;
  /** An operation that changes an application succeeded (a play: start, stop, scale, snapshot, …); `message` says what it asked. */
  readonly onPlay?: (application: string, message: string) => void;
  /** The Flink Web UI that CreateApplicationPresignedUrl answers. @default the cluster's REST URL */
  readonly dashboardUrl?: string;
}

export interface ControlPlane {
  /** e.g. `http://127.0.0.1:4567`: the `endpoint` of a KinesisAnalyticsV2Client. */
  readonly endpoint: string;
  readonly port: number;
  readonly service: ControlPlaneService;
  /** Stops serving and waits for the Flink work in flight. */
  close(): Promise<void>;
}

type Operation = (service: ControlPlaneService, request: Json) => Json;

const operations: Readonly<Record<string, Operation>> = {
  CreateApplication: (s, r) => s.createApplication(r),
  DescribeApplication: (s, r) => s.describeApplication(r),
  ListApplications: (s, r) => s.listApplications(r),
  StartApplication: (s, r) => s.startApplication(r),
  StopApplication: (s, r) => s.stopApplication(r),
  UpdateApplication: (s, r) => s.updateApplication(r),
  DeleteApplication: (s, r) => s.deleteApplication(r),
  CreateApplicationSnapshot: (s, r) => s.createApplicationSnapshot(r),
  ListApplicationSnapshots: (s, r) => s.listApplicationSnapshots(r),
  DescribeApplicationSnapshot: (s, r) => s.describeApplicationSnapshot(r),
  DeleteApplicationSnapshot: (s, r) => s.deleteApplicationSnapshot(r),
  ListApplicationVersions: (s, r) => s.listApplicationVersions(r),
  DescribeApplicationVersion: (s, r) => s.describeApplicationVersion(r),
  RollbackApplication: (s, r) => s.rollbackApplication(r),
  ListApplicationOperations: (s, r) => s.listApplicationOperations(r),
  DescribeApplicationOperation: (s, r) => s.describeApplicationOperation(r),
  CreateApplicationPresignedUrl: (s, r) => s.createApplicationPresignedUrl(r),
  TagResource: (s, r) => s.tagResource(r),
  UntagResource: (s, r) => s.untagResource(r),
  ListTagsForResource: (s, r) => s.listTagsForResource(r),
  AddApplicationCloudWatchLoggingOption: (s, r) => s.addApplicationCloudWatchLoggingOption(r),
  DeleteApplicationCloudWatchLoggingOption: (s, r) => s.deleteApplicationCloudWatchLoggingOption(r),
  ...unsupportedOperations(),
};

/**
 * The operations of kinesisanalyticsv2 that have no local meaning, and why (answered with
 * UnsupportedOperationException once the application is known to exist).
 */
function unsupportedOperations(): Record<string, Operation> {
  const sql = 'applies to SQL applications only; the local control plane runs Apache Flink applications, whose sources and sinks are in the job';
  const why: Record<string, string> = {
    AddApplicationInput: sql,
    AddApplicationInputProcessingConfiguration: sql,
    AddApplicationOutput: sql,
    AddApplicationReferenceDataSource: sql,
    DeleteApplicationInputProcessingConfiguration: sql,
    DeleteApplicationOutput: sql,
    DeleteApplicationReferenceDataSource: sql,
    AddApplicationVpcConfiguration: 'has no local meaning: the local Flink cluster runs on this machine, in no VPC',
    DeleteApplicationVpcConfiguration: 'has no local meaning: the local Flink cluster runs on this machine, in no VPC',
    UpdateApplicationMaintenanceConfiguration: 'has no local meaning: the local Flink cluster has no maintenance windows (it runs the Flink version it was started with)',
  };
  const operations: Record<string, Operation> = Object.fromEntries(
    Object.entries(why).map(([name, reason]) => [name, (s: ControlPlaneService, r: Json) => s.unsupported(r, `${name} ${reason}`)]),
  );
  operations.DiscoverInputSchema = (s) => s.unsupported(undefined, `DiscoverInputSchema ${sql}`);
  return operations;
}

/**
 * Starts the local kinesisanalyticsv2 endpoint (AWS JSON 1.1: `POST /` with
 * `X-Amz-Target: KinesisAnalytics_20180523.<Operation>`), in this process.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const engine =
    options.engine ??
    (options.cluster
      ? new ClusterEngine({
          cluster: options.cluster,
          jarPath: options.jarPath ?? jobJarPath,
          dataDir: path.join(options.dirs.data, 'control-plane'),
        })
      : undefined);
  if (!engine) throw new TypeError('startControlPlane needs a cluster or an engine');
  const service = new ControlPlaneService({
    store: new ApplicationStore(applicationsDir(options.dirs)),
    engine,
    region: options.region,
    maxKpus: options.maxKpus,
    monitorIntervalMs: options.monitorIntervalMs,
    onEvent: options.onEvent,
    onJobRecovered: options.onJobRecovered,
    dashboardUrl: options.dashboardUrl ?? options.cluster?.restUrl,
  });
  await service.reconcile();
  service.startMonitor();
  options.cluster?.onJobManagerRestart(() => service.checkNow());
  const server = createServer((request, response) => void handle(service, request, response, options.onPlay));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    service,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await service.close();
    },
  };
}

function field(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) at = at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** What a request that changes an application asked for, in a few words (undefined for the reads). */
export function describePlay(operation: string, request: Json): string | undefined {
  switch (operation) {
    case 'StartApplication': {
      const restore = field(request, 'RunConfiguration', 'ApplicationRestoreConfiguration');
      const type = field(restore, 'ApplicationRestoreType');
      if (type === 'RESTORE_FROM_CUSTOM_SNAPSHOT') return `start from snapshot ${String(field(restore, 'SnapshotName'))}`;
      if (type === 'SKIP_RESTORE_FROM_SNAPSHOT') return 'start without restoring a snapshot';
      return 'start from the latest snapshot';
    }
    case 'StopApplication':
      return field(request, 'Force') === true ? 'stop at once (forced, no snapshot)' : 'stop with a snapshot';
    case 'UpdateApplication': {
      const update = field(request, 'ApplicationConfigurationUpdate');
      const parallelism = field(update, 'FlinkApplicationConfigurationUpdate', 'ParallelismConfigurationUpdate', 'ParallelismUpdate');
      const parts = [
        ...(parallelism !== undefined ? [`scale to parallelism ${String(parallelism)}`] : []),
        ...(field(update, 'ApplicationCodeConfigurationUpdate') !== undefined ? ['upgrade the code'] : []),
      ];
      return parts.length > 0 ? parts.join(' and ') : 'update the configuration';
    }
    case 'CreateApplicationSnapshot':
      return `snapshot ${String(field(request, 'SnapshotName'))}`;
    case 'DeleteApplicationSnapshot':
      return `delete snapshot ${String(field(request, 'SnapshotName'))}`;
    case 'RollbackApplication':
      return 'roll back to the previous version';
    default:
      return undefined;
  }
}

async function handle(
  service: ControlPlaneService,
  request: IncomingMessage,
  response: ServerResponse,
  onPlay?: ControlPlaneOptions['onPlay'],
): Promise<void> {
  const requestId = randomUUID();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST') throw new ApiError('UnknownOperationException', `${request.method} is not supported; POST / only`);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(targetPrefix) ? operations[target.slice(targetPrefix.length)] : undefined;
    // as the service: an X-Amz-Target that names no operation of kinesisanalyticsv2 is UnknownOperationException (HTTP 400)
    if (!operation || !Object.hasOwn(operations, target.slice(targetPrefix.length))) {
      throw new ApiError('UnknownOperationException', `Operation ${target || '(no X-Amz-Target)'} is not supported`);
    }
    let body: Json;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      body = (text.trim().length > 0 ? JSON.parse(text) : {}) as Json;
    } catch {
      throw new ApiError('SerializationException', 'The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('SerializationException', 'The request body must be a JSON object');
    }
    const answer = operation(service, body);
    const play = onPlay && describePlay(target.slice(targetPrefix.length), body);
    if (play) onPlay(String(field(body, 'ApplicationName') ?? '?'), play);
    send(response, 200, answer, requestId);
  } catch (error) {
    if (error instanceof ApiError) {
      send(response, error.statusCode, { __type: error.type, message: error.message }, requestId, error.type);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      send(response, 500, { __type: 'ServiceUnavailableException', message }, requestId, 'ServiceUnavailableException');
    }
  }
}

function send(response: ServerResponse, status: number, body: Json, requestId: string, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}
