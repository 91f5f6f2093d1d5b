import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the scripted server saw it. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path and query as received, e.g. `/query?function=...`. */
  rawUrl: string;
  /** Path, e.g. `/query`. */
  path: string;
  /** Query parameters. */
  params: URLSearchParams;
  /** Request headers. */
  headers: IncomingMessage['headers'];
}

/** What the server does for one request. */
export type ScriptStep =
  | {
      /** HTTP status. @default 200 */
      status?: number;
      /** Body text. @default '' */
      body?: string;
      /** Extra headers. */
      headers?: Record<string, string>;
      /** Wait this long (real ms) before answering. */
      delayMs?: number;
    }
  /** Destroy the connection without answering (ECONNRESET / "socket hang up" at the client). */
  | { reset: true }
  /** Send headers and `partial` body, then destroy the connection mid-body. */
  | { partial: string }
  /** Never answer (until the client gives up or the server closes). */
  | { hang: true };

/** A step, or a function computing one from the request (its index among all requests given). */
export type Scripted = ScriptStep | ((req: RecordedRequest, index: number) => ScriptStep);

/** A running scripted server. */
export interface ScriptServer {
  /** Origin, e.g. `http://127.0.0.1:53121`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Appends steps to the script (consumed one per request, in order). */
  enqueue(...steps: Scripted[]): void;
  /** What to answer when the script is empty. */
  setFallback(step: Scripted): void;
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}

/**
 * Starts a tiny HTTP server on 127.0.0.1 (random port) that answers each request with the next
 * scripted step — body, status, delay, connection reset, partial body or no answer — and records
 * the requests. Unit tests use it instead of mocking fetch, so the real fetch/undici path runs.
 * When the script is empty and no fallback is set it answers 599 `unscripted request`.
 */
export async function startScriptServer(...initial: Scripted[]): Promise<ScriptServer> {
  const queue: Scripted[] = [...initial];
  let fallback: Scripted = { status: 599, body: 'unscripted request' };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://localhost');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      rawUrl: req.url ?? '/',
      path: parsed.pathname,
      params: parsed.searchParams,
      headers: req.headers,
    };
    const index = requests.length;
    requests.push(recorded);
    const scripted = queue.length > 0 ? (queue.shift() as Scripted) : fallback;
    const step = typeof scripted === 'function' ? scripted(recorded, index) : scripted;
    if ('reset' in step) {
      req.socket.destroy();
      return;
    }
    if ('hang' in step) return;
    if ('partial' in step) {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(step.partial.length * 2 + 10),
      });
      res.write(step.partial, () => req.socket.destroy());
      return;
    }
    const answer = () => {
      res.writeHead(step.status ?? 200, { 'content-type': 'application/json', ...step.headers });
      res.end(step.body ?? '');
    };
    if (step.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, step.delayMs);
      timers.add(t);
    } else {
      answer();
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...steps) => queue.push(...steps),
    setFallback: (step) => {
      fallback = step;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
