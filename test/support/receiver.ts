// A small webhook receiver on a loopback port for delivery tests: records every request (method, path, headers,
// raw body and parsed JSON, time) and answers as told: 200, an error status, never (hang), or not at all
// (`refuse`: the port is closed, so connections are refused, and re-opened on the same port by `mode('ok')`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  seq: number;
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  raw: string;
  body: any;
  /** What the receiver answered (undefined: it hung up or never answered). */
  status?: number;
}

export type ReceiverMode = 'ok' | 'error' | 'hang' | 'refuse';

export interface Receiver {
  url: string;
  port: number;
  readonly received: Received[];
  /** Requests answered 200. */
  delivered(): Received[];
  mode(mode: ReceiverMode, status?: number): Promise<void>;
  /** Resolves when `count` requests matching `match` have been recorded (bounded wait). */
  waitFor(match: (r: Received) => boolean, count?: number, timeoutMs?: number): Promise<Received[]>;
  clear(): void;
  close(): Promise<void>;
}

export async function startReceiver(options: { port?: number; mode?: ReceiverMode; status?: number } = {}): Promise<Receiver> {
  const received: Received[] = [];
  let current: ReceiverMode = options.mode ?? 'ok';
  let errorStatus = options.status ?? 503;
  let seq = 0;
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const waiters = new Set<() => void>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        // keep the text
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const entry: Received = { seq: ++seq, at: performance.now(), method: req.method ?? '', path: req.url ?? '', headers, raw, body };
      received.push(entry);
      if (current === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
      } else {
        entry.status = current === 'error' ? errorStatus : 200;
        res.writeHead(entry.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: entry.status === 200 ? 'ok' : 'error', code: entry.status }));
      }
      for (const w of [...waiters]) w();
    });
  };

  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer(handler);
      s.keepAliveTimeout = 1000;
      s.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  const stop = async () => {
    if (!server) return;
    const s = server;
    server = undefined;
    for (const res of hanging) res.destroy();
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  };

  let port = options.port ?? 0;
  if (current !== 'refuse') {
    server = await listen(port);
    port = (server.address() as AddressInfo).port;
  } else if (port === 0) {
    // Reserve a free port, then close it: connections to it are refused until `mode('ok')` opens it again.
    const probe = await listen(0);
    port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    delivered: () => received.filter((r) => r.status === 200),
    async mode(mode, status) {
      if (status !== undefined) errorStatus = status;
      if (mode === 'refuse') {
        current = mode;
        await stop();
        return;
      }
      if (current !== 'hang' || mode !== 'hang') for (const res of hanging) res.destroy();
      current = mode;
      if (!server) server = await listen(port);
    },
    waitFor(match, count = 1, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hits = received.filter(match);
          if (hits.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(hits);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: ${received.filter(match).length} of ${count} matching requests within ${timeoutMs} ms; received: ${JSON.stringify(received.map((r) => `${r.method} ${r.path} ${r.headers['x-npp-topic'] ?? ''} ${r.status ?? '-'}`))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    clear: () => void received.splice(0),
    close: stop,
  };
}

/** Polls `probe` until it returns a truthy value (bounded); returns that value. */
export async function waitUntil<T>(probe: () => T | Promise<T>, timeoutMs = 5000, what = 'condition', intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves after `ms` (for "nothing arrives" checks, always after the dispatcher went idle). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
