import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { PlaygroundDirs } from '../paths';
import type { StackRecord } from '../stack-state';
import { readEvents, readJob, readWindows } from './api';
import { isViewPlay, PlayRequestError, PlayRunner, VIEW_PLAYS } from './plays';

/**
 * The web view of the local stack (`up` serves it on `--view-port`, 8090 by default): the static
 * page in local/view/static/ and its JSON API, on loopback, in the stack's own process.
 *
 * - `GET /api/windows` → WindowsAnswer (the grid: every window with its verdict and pages)
 * - `GET /api/events` → EventsAnswer (the timeline: the stack's event log)
 * - `GET /api/job` → JobAnswer (the job panel)
 * - `GET /api/plays` → `{ actions, plays, last }`; with actions on, `POST /api/plays/<name>` runs a play
 */
export interface ViewServerOptions {
  readonly dirs: PlaygroundDirs;
  readonly port: number;
  /** The stack's record once it runs (the API answers 503 before). */
  readonly record: () => StackRecord | undefined;
  /** The play buttons (`up --view-actions`): off, the API is read-only. */
  readonly actions: boolean;
  /** @default '127.0.0.1' */
  readonly host?: string;
}

export interface ViewServer {
  readonly url: string;
  close(): Promise<void>;
}

const STATIC_DIR = path.join(import.meta.dirname, 'static');
const STATIC_FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/view.css': { file: 'view.css', type: 'text/css; charset=utf-8' },
  '/view.js': { file: 'view.js', type: 'text/javascript; charset=utf-8' },
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const host = options.host ?? '127.0.0.1';
  const runner = new PlayRunner(options.dirs.home);
  const running = (): StackRecord => {
    const record = options.record();
    if (!record) throw new HttpError(503, 'the stack is still starting');
    return record;
  };
  const plays = (): unknown => ({
    actions: options.actions,
    plays: Object.entries(VIEW_PLAYS).map(([name, play]) => ({ name, label: play.label })),
    last: runner.last() ?? null,
  });
  const gets: Readonly<Record<string, () => unknown>> = {
    '/api/windows': () => readWindows(running()),
    '/api/events': () => readEvents(options.dirs, running()),
    '/api/job': () => readJob(options.dirs, running(), options.actions),
    '/api/plays': plays,
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', `http://${host}`);
    const reply = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      response.end(text);
    };
    try {
      if (request.method === 'GET' && STATIC_FILES[url.pathname]) {
        const { file, type } = STATIC_FILES[url.pathname];
        const content = await readFile(path.join(STATIC_DIR, file));
        response.writeHead(200, { 'content-type': type, 'content-length': content.length, 'cache-control': 'no-store' });
        response.end(content);
        return;
      }
      const get = gets[url.pathname];
      if (request.method === 'GET' && get) return reply(200, await get());
      const play = /^\/api\/plays\/([a-z]+)$/.exec(url.pathname)?.[1];
      if (request.method === 'POST' && play !== undefined) {
        if (!options.actions) throw new HttpError(403, 'the view is read-only; start the stack with playground up --view-actions to run plays from it');
        // Only the page itself, on loopback, may run a play: no other site the browser has open,
        // and no name that merely resolves to this address.
        const hostHeader = request.headers.host ?? '';
        const origin = request.headers.origin;
        if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(hostHeader) || (origin !== undefined && origin !== `http://${hostHeader}`)) {
          throw new HttpError(403, `plays are run only for the page at its loopback address, not for ${origin ?? hostHeader}`);
        }
        if (!isViewPlay(play)) throw new HttpError(404, `no play ${play}; the plays are ${Object.keys(VIEW_PLAYS).join(', ')}`);
        running();
        return reply(202, runner.start(play, await readJsonBody(request)));
      }
      throw new HttpError(404, `no ${request.method} ${url.pathname}`);
    } catch (error) {
      if (error instanceof HttpError || error instanceof PlayRequestError) return reply(error.status, { error: error.message });
      reply(500, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'the body must be a JSON object');
}
