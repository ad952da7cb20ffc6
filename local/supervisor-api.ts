import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalStackError } from './errors';
import type { FlinkCluster, TaskManagerProcess } from './flink/cluster';
import type { FlinkRestClient, TaskManagerInfo } from './flink/rest';
import { poll } from './poll';
import type { ProcessSupervisor, SupervisedProcessInfo } from './supervisor';

/**
 * The supervisor's API (HTTP on loopback, its address in the stack record as
 * `endpoints.supervisor`): how other `playground` processes ask the one owner of the stack's
 * processes to act on them. They never start or stop a process of the stack themselves.
 *
 * - `GET /processes` → `{ processes: ProcessView[] }`
 * - `POST /taskmanagers/kill` `{ id?, replaceAfterMs }` → `{ victim, replaceAt }` (the kill play)
 */
export interface ProcessView extends SupervisedProcessInfo {
  /** `jobmanager`, `taskmanager`, or the service (`kafka`, `generator`, …). */
  readonly role: string;
}

export interface KillTaskManagerResult {
  readonly victim: TaskManagerProcess;
  /** When the replacement starts (epoch ms). */
  readonly replaceAt: number;
}

export interface SupervisorApi {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts the API over the stack's supervisor and Flink cluster. */
export async function startSupervisorApi(supervisor: ProcessSupervisor, cluster: FlinkCluster): Promise<SupervisorApi> {
  const processes = (): ProcessView[] => [
    ...supervisor.processes().map((p) => ({ ...p, role: p.name })),
    {
      name: 'jobmanager',
      role: 'jobmanager',
      pid: cluster.jobManagerPid,
      logFile: cluster.jobManagerLogFile,
      alive: true,
      restarts: cluster.jobManagerRestarts,
      startedAt: cluster.jobManagerStartedAt,
    },
    ...cluster.taskManagers().map((tm) => ({
      name: tm.id,
      role: 'taskmanager',
      pid: tm.pid,
      logFile: tm.logFile,
      alive: tm.alive,
      restarts: 0,
      startedAt: tm.startedAt,
    })),
  ];
  const routes: Readonly<Record<string, (body: Record<string, unknown>) => Promise<unknown>>> = {
    'GET /processes': async () => ({ processes: processes() }),
    'POST /taskmanagers/kill': async (body) => {
      const replaceAfterMs = body.replaceAfterMs;
      if (typeof replaceAfterMs !== 'number' || !Number.isFinite(replaceAfterMs) || replaceAfterMs < 0) {
        throw new BadRequestError('replaceAfterMs must be a number of milliseconds ≥ 0');
      }
      if (body.id !== undefined && typeof body.id !== 'string') throw new BadRequestError('id must be a TaskManager id such as taskmanager-1');
      return cluster.killTaskManager({ id: body.id as string | undefined, replaceAfterMs });
    },
  };
  const server = createServer((request, response) => void handle(routes, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

class BadRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

async function handle(
  routes: Readonly<Record<string, (body: Record<string, unknown>) => Promise<unknown>>>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const reply = (status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const route = routes[`${request.method} ${(request.url ?? '/').split('?')[0]}`];
    if (!route) return reply(404, { error: `no route ${request.method} ${request.url}` });
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return reply(400, { error: 'the body is not JSON' });
    }
    reply(200, await route(body));
  } catch (error) {
    const status = error instanceof BadRequestError ? 400 : error instanceof LocalStackError ? 409 : 500;
    reply(status, { error: error instanceof Error ? error.message : String(error) });
  }
}

/** A client of the supervisor's API, for the CLI and the benchmark. */
export class SupervisorClient {
  constructor(private readonly endpoint: string) {}

  async processes(): Promise<ProcessView[]> {
    return (await this.request<{ processes: ProcessView[] }>('GET', '/processes')).processes;
  }

  /** Asks the supervisor to SIGKILL a TaskManager (the oldest without `id`) and replace it after `replaceAfterMs`. */
  killTaskManager(options: { readonly id?: string; readonly replaceAfterMs: number }): Promise<KillTaskManagerResult> {
    return this.request('POST', '/taskmanagers/kill', options);
  }

  private async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${route}`, {
        method,
        signal: AbortSignal.timeout(30_000),
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    } catch (error) {
      throw new LocalStackError(`the stack's supervisor does not answer at ${this.endpoint} (${(error as Error).message}); is the playground still running?`, {
        cause: error,
      });
    }
    const parsed = (await response.json().catch(() => ({}))) as T & { error?: string };
    if (!response.ok) throw new LocalStackError(`the stack's supervisor refused ${method} ${route}: ${parsed.error ?? response.status}`);
    return parsed;
  }
}

/** Waits until the JobManager lists a TaskManager that is not one of `known` (a replacement); resolves with it. */
export async function awaitNewTaskManager(rest: FlinkRestClient, known: ReadonlySet<string>, timeoutMs: number): Promise<TaskManagerInfo> {
  const { value } = await poll<TaskManagerInfo>(
    async () => {
      const fresh = (await rest.taskManagers().catch(() => [])).find((tm) => !known.has(tm.id));
      return fresh ? { done: true, value: fresh } : { done: false, state: 'no new TaskManager' };
    },
    {
      timeoutMs,
      intervalMs: 250,
      timeout: () => new LocalStackError(`no new TaskManager registered within ${Math.round(timeoutMs / 1000)} s; see the supervisor's log and the TaskManager logs`),
    },
  );
  return value;
}
