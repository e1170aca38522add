// The harness's own HTTP endpoint, for the steps where the system under test calls out: webhook deliveries,
// notifications to the SP, queries forwarded to the operator. Waits are bounded; every call is evidence.
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './model.js';

export interface Inbound {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
  exchange: Exchange;
}

export type Responder = (inbound: Inbound) => { status: number; body?: unknown } | undefined;

export class CallbackReceiver {
  readonly received: Inbound[] = [];
  #server: Server | undefined;
  #seq = 0;
  #responders: Array<{ method: string; path: RegExp; respond: Responder }> = [];
  #waiters: Array<{ match: (i: Inbound) => boolean; resolve: (i: Inbound) => void }> = [];
  /** The URL the target is told to call (differs from the local one behind NAT or in containers). */
  publicUrl = '';

  constructor(readonly options: { host?: string; port?: number; publicUrl?: string } = {}) {}

  async start(): Promise<string> {
    const app = express();
    // Whatever the target sends is evidence: forms (an SP asking the played platform for a token), JSON, or text.
    app.use(express.urlencoded({ extended: false, limit: '1mb' }));
    app.use(express.text({ type: (req) => !/urlencoded/.test(String(req.headers['content-type'] ?? '')), limit: '5mb' }));
    app.use((req, _res, next) => {
      if (typeof req.body === 'string' && req.body.trim() !== '') {
        try {
          req.body = JSON.parse(req.body);
        } catch {
          // not JSON: kept as text
        }
      } else if (typeof req.body === 'string') req.body = undefined;
      next();
    });
    app.use((req, res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const inbound: Inbound = {
        seq: ++this.#seq,
        at: Date.now(),
        method: req.method,
        path: req.path,
        query: { ...(req.query as Record<string, unknown>) },
        headers,
        body: req.body,
        exchange: { direction: 'inbound', request: { method: req.method, url: req.originalUrl, headers, body: req.body } },
      };
      const responder = this.#responders.find((r) => r.method === req.method && r.path.test(req.path));
      const answer = responder?.respond(inbound) ?? { status: 200, body: { status: 'ok', code: 200, message: 'received by the conformance harness' } };
      inbound.exchange.response = { status: answer.status, headers: { 'content-type': 'application/json' }, body: answer.body, durationMs: 0 };
      this.received.push(inbound);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(inbound)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(inbound);
        }
      }
      res.status(answer.status).json(answer.body ?? {});
    });
    this.#server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
    const { port } = this.#server.address() as AddressInfo;
    const local = `http://${this.options.host ?? '127.0.0.1'}:${port}`;
    this.publicUrl = (this.options.publicUrl ?? local).replace(/\/+$/, '');
    return local;
  }

  /** Answers `method path` with what `respond` returns (the harness playing an operator back end). */
  respond(method: string, path: RegExp, respond: Responder): void {
    this.#responders.unshift({ method, path, respond });
  }

  /** The first inbound call (received since `since`, or still to come) that matches; undefined after the timeout. */
  async waitFor(match: (i: Inbound) => boolean, timeoutMs: number, since = 0): Promise<Inbound | undefined> {
    const found = this.received.find((i) => i.seq > since && match(i));
    if (found) return found;
    return new Promise((resolve) => {
      const waiter = {
        match: (i: Inbound) => i.seq > since && match(i),
        resolve: (i: Inbound) => {
          clearTimeout(timer);
          resolve(i);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Sequence number of the last call so far: pass it to `waitFor` to ignore what came before. */
  mark(): number {
    return this.#seq;
  }

  async stop(): Promise<void> {
    if (!this.#server) return;
    const server = this.#server;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
