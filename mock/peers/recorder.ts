// What a simulated peer received, and how it should misbehave: shared by the operator and SP back ends.
import express, { Router, type NextFunction, type Request, type Response } from 'express';

export interface ReceivedRequest {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
}

export type FailureMode = 'none' | 'error' | 'timeout' | 'slow';

export interface Failure {
  mode: FailureMode;
  /** HTTP status for mode `error`. @default 503 */
  status?: number;
  /** Delay for mode `slow` (answers after it) and `timeout` (never answers within it). @default 10000 */
  delayMs?: number;
  /** Fail this many requests, then behave again; unlimited when absent. */
  count?: number;
}

const KEPT_HEADERS = /^(content-type|x-npp-|x-mcc-|authorization$)/i;
const MAX_KEPT = 1000;

export class Recorder {
  readonly received: ReceivedRequest[] = [];
  failure: Failure = { mode: 'none' };
  #seq = 0;
  readonly #waiters: Array<{ match: (r: ReceivedRequest) => boolean; resolve: (r: ReceivedRequest) => void }> = [];

  record(req: Request): ReceivedRequest {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (KEPT_HEADERS.test(k) && typeof v === 'string') headers[k.toLowerCase()] = v;
    const entry: ReceivedRequest = { seq: ++this.#seq, time: new Date().toISOString(), method: req.method, path: req.path, query: { ...(req.query as Record<string, unknown>) }, headers, body: req.body };
    this.received.push(entry);
    if (this.received.length > MAX_KEPT) this.received.shift();
    for (const waiter of [...this.#waiters]) {
      if (waiter.match(entry)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    }
    return entry;
  }

  /** Resolves with the first request (already received or still to come) that matches. */
  waitFor(match: (r: ReceivedRequest) => boolean, timeoutMs = 5000): Promise<ReceivedRequest> {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (r: ReceivedRequest) => (clearTimeout(timer), resolve(r)) };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Applies the failure mode to the peer's own routes; /__peer stays reachable. */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      if (req.path.startsWith('/__peer')) return next();
      this.record(req);
      const failure = this.failure;
      if (failure.mode === 'none') return next();
      if (failure.count !== undefined && --failure.count <= 0) this.failure = { mode: 'none' };
      if (failure.mode === 'error') {
        res.status(failure.status ?? 503).json({ status: 'error', code: failure.status ?? 503, message: 'simulated failure' });
        return;
      }
      const delay = failure.delayMs ?? 10_000;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (failure.mode === 'timeout') {
        res.socket?.destroy();
        return;
      }
      next();
    };
  }

  router(): Router {
    const router = Router();
    router.get('/__peer/received', (req, res) => {
      const path = typeof req.query.path === 'string' ? req.query.path : undefined;
      res.json({ received: this.received.filter((r) => !path || r.path === path) });
    });
    router.delete('/__peer/received', (_req, res) => {
      this.received.length = 0;
      res.json({ status: 'ok', code: 200, message: 'cleared' });
    });
    router.get('/__peer/failure', (_req, res) => res.json(this.failure));
    router.put('/__peer/failure', express.json(), (req, res) => {
      const body = req.body as Partial<Failure>;
      if (!body || !['none', 'error', 'timeout', 'slow'].includes(body.mode as string)) {
        res.status(400).json({ status: 'error', code: 400, message: 'mode must be none, error, timeout or slow' });
        return;
      }
      this.failure = { mode: body.mode as FailureMode, status: body.status, delayMs: body.delayMs, count: body.count };
      res.json(this.failure);
    });
    return router;
  }
}
