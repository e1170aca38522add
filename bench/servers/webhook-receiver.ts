// The far end of the fan-out benchmark, in its own child process: a bare node:http webhook receiver that answers 200
// at once, and the client that PUTs the session. Both live here so that the stamp a PUT carries and the receipt of
// its deliveries are read from one clock (performance.now() of this process, sub-ms), and so that neither is delayed
// by the parent, whose event loop is busy driving autocannon.
//
// Deliveries: any request to /s/<n>. Latency = receipt (body complete) − the body's "x-bench-sent-at".
// Control (JSON; from the parent only, a handful of calls per run):
//   POST /__ctl/reset                                   forget what was received
//   GET  /__ctl/stats                                   what was received (counts, latency percentiles)
//   POST /__ctl/sequence {target, count, expected, waitMs}
//        `count` updates one after another; each waits (≤ waitMs) until its `expected` deliveries arrived
//   POST /__ctl/burst {target, count, expected, waitMs}
//        `count` updates back to back (each PUT awaited, not its deliveries), then waits (≤ waitMs) for them all
//   POST /__ctl/updater/start {target, ratePerS, maxS}  PUTs at a fixed rate (never two at once) until stopped or maxS
//   POST /__ctl/updater/stop                            stops it; answers its counts
// target = {url, headers?, session}: the session is PUT to url with "x-bench-sent-at" set at the moment of sending.
import http from 'node:http';
import { announce, serveParent } from './child.js';

interface Target {
  url: string;
  headers?: Record<string, string>;
  session: Record<string, unknown>;
}

export interface ReceiverStats {
  deliveries: number;
  /** Deliveries whose (subscription, event id) was already received: retries the receiver saw twice. */
  duplicates: number;
  /** Deliveries without a usable "x-bench-sent-at". */
  unstamped: number;
  /** Distinct /s/<n> paths that received something. */
  subscribers: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** performance.now() of the first and the last receipt. */
  firstAtMs?: number;
  lastAtMs?: number;
}

export interface PutStats {
  sent: number;
  ok: number;
  failed: number;
  /** Status codes of the failed PUTs (or the error). */
  failures: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

export interface SequenceResult {
  updates: number;
  /** Updates whose deliveries did not all arrive within waitMs. */
  incomplete: number;
  /** Stamp of the first PUT → receipt of the last delivery, ms. */
  elapsedMs: number;
  /** Per update: stamp → its last (expected-th) delivery, ms. */
  completionP50Ms: number;
  completionP99Ms: number;
  puts: PutStats;
  received: ReceiverStats;
}

export interface UpdaterResult {
  puts: PutStats;
  /** Ticks skipped because the previous PUT had not answered yet. */
  skipped: number;
  ratePerS: number;
  elapsedMs: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Receipt
let latencies: number[] = [];
let seen = new Set<string>();
let paths = new Set<string>();
let duplicates = 0;
let unstamped = 0;
let firstAtMs: number | undefined;
let lastAtMs: number | undefined;
let waiters: Array<{ count: number; resolve: () => void }> = [];

function reset(): void {
  latencies = [];
  seen = new Set();
  paths = new Set();
  duplicates = unstamped = 0;
  firstAtMs = lastAtMs = undefined;
}

function stats(): ReceiverStats {
  return {
    deliveries: latencies.length + unstamped,
    duplicates,
    unstamped,
    subscribers: paths.size,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length ? latencies.reduce((a, b) => (b > a ? b : a), -Infinity) : NaN,
    firstAtMs,
    lastAtMs,
  };
}

const received = () => latencies.length + unstamped;

function record(req: http.IncomingMessage, body: string, atMs: number): void {
  firstAtMs ??= atMs;
  lastAtMs = atMs;
  paths.add(req.url ?? '');
  const key = `${req.headers['x-npp-subscription-id']}|${req.headers['x-npp-event-id']}`;
  if (seen.has(key)) duplicates++;
  else seen.add(key);
  let sentAt: unknown;
  try {
    sentAt = (JSON.parse(body) as Record<string, unknown>)['x-bench-sent-at'];
  } catch {
    sentAt = undefined;
  }
  if (typeof sentAt === 'number' && Number.isFinite(sentAt)) latencies.push(atMs - sentAt);
  else unstamped++;
  if (waiters.length) {
    const n = received();
    waiters = waiters.filter((w) => (n >= w.count ? (w.resolve(), false) : true));
  }
}

/** Resolves true once `count` deliveries were received in all, false after `timeoutMs`. */
function waitFor(count: number, timeoutMs: number): Promise<boolean> {
  if (received() >= count) return Promise.resolve(true);
  return new Promise((resolve) => {
    const waiter = {
      count,
      resolve: () => {
        clearTimeout(timer);
        resolve(true);
      },
    };
    const timer = setTimeout(() => {
      waiters = waiters.filter((w) => w !== waiter);
      resolve(false);
    }, timeoutMs);
    waiters.push(waiter);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Sending
class Putter {
  readonly latencies: number[] = [];
  readonly failures: Record<string, number> = {};
  sent = 0;
  ok = 0;

  constructor(readonly target: Target) {}

  /** PUTs the session stamped now; answers the stamp. */
  async put(): Promise<number> {
    const sentAt = performance.now();
    const body = JSON.stringify({ ...this.target.session, 'x-bench-sent-at': sentAt });
    this.sent++;
    try {
      const res = await fetch(this.target.url, { method: 'PUT', headers: { 'content-type': 'application/json', ...this.target.headers }, body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.ok) this.ok++;
      else this.failures[res.status] = (this.failures[res.status] ?? 0) + 1;
    } catch (err) {
      const name = (err as Error).name;
      this.failures[name] = (this.failures[name] ?? 0) + 1;
    }
    this.latencies.push(performance.now() - sentAt);
    return sentAt;
  }

  stats(): PutStats {
    return { sent: this.sent, ok: this.ok, failed: this.sent - this.ok, failures: this.failures, p50Ms: percentile(this.latencies, 50), p99Ms: percentile(this.latencies, 99) };
  }
}

const bounded = (n: unknown, min: number, max: number, name: string): number => {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in [${min}, ${max}], got ${n}`);
  return n;
};
/** No control call may run longer than this (the parent's own fetch gives up after 60 s). */
const MAX_CALL_MS = 45_000;

async function sequence(body: { target: Target; count: number; expected: number; waitMs: number }): Promise<SequenceResult> {
  const count = bounded(body.count, 1, 10_000, 'count');
  const expected = bounded(body.expected, 1, 10_000, 'expected');
  const waitMs = bounded(body.waitMs, 1, 30_000, 'waitMs');
  const putter = new Putter(body.target);
  reset();
  const deadline = performance.now() + MAX_CALL_MS;
  const completions: number[] = [];
  let incomplete = 0;
  let firstStamp: number | undefined;
  let updates = 0;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const before = received();
    const stamp = await putter.put();
    firstStamp ??= stamp;
    updates++;
    if (await waitFor(before + expected, Math.min(waitMs, Math.max(1, deadline - performance.now())))) completions.push(lastAtMs! - stamp);
    else incomplete++;
  }
  const r = stats();
  return {
    updates,
    incomplete,
    elapsedMs: r.lastAtMs !== undefined && firstStamp !== undefined ? r.lastAtMs - firstStamp : NaN,
    completionP50Ms: percentile(completions, 50),
    completionP99Ms: percentile(completions, 99),
    puts: putter.stats(),
    received: r,
  };
}

async function burst(body: { target: Target; count: number; expected: number; waitMs: number }): Promise<SequenceResult> {
  const count = bounded(body.count, 1, 10_000, 'count');
  const expected = bounded(body.expected, 1, 10_000, 'expected');
  const waitMs = bounded(body.waitMs, 1, 30_000, 'waitMs');
  const putter = new Putter(body.target);
  reset();
  const deadline = performance.now() + MAX_CALL_MS;
  let firstStamp: number | undefined;
  let updates = 0;
  for (let i = 0; i < count && performance.now() < deadline - waitMs; i++) {
    const stamp = await putter.put();
    firstStamp ??= stamp;
    updates++;
  }
  const complete = await waitFor(updates * expected, waitMs);
  const r = stats();
  return {
    updates,
    incomplete: complete ? 0 : updates - Math.floor(r.deliveries / expected),
    elapsedMs: r.lastAtMs !== undefined && firstStamp !== undefined ? r.lastAtMs - firstStamp : NaN,
    completionP50Ms: NaN,
    completionP99Ms: NaN,
    puts: putter.stats(),
    received: r,
  };
}

interface Updater {
  putter: Putter;
  ratePerS: number;
  started: number;
  skipped: number;
  inFlight?: Promise<number>;
  timer?: NodeJS.Timeout;
  stopTimer?: NodeJS.Timeout;
}
let updater: Updater | undefined;

function startUpdater(body: { target: Target; ratePerS: number; maxS: number }): { ok: true } {
  if (updater) throw new Error('the updater is already running');
  const ratePerS = bounded(body.ratePerS, 0.1, 1000, 'ratePerS');
  const maxS = bounded(body.maxS, 1, 600, 'maxS');
  const u: Updater = { putter: new Putter(body.target), ratePerS, started: performance.now(), skipped: 0 };
  u.timer = setInterval(() => {
    if (u.inFlight) {
      u.skipped++;
      return;
    }
    u.inFlight = u.putter.put().finally(() => (u.inFlight = undefined));
  }, 1000 / ratePerS);
  // bounded in time even if the parent never says stop
  u.stopTimer = setTimeout(() => clearInterval(u.timer), maxS * 1000);
  updater = u;
  return { ok: true };
}

async function stopUpdater(): Promise<UpdaterResult> {
  const u = updater;
  if (!u) throw new Error('the updater is not running');
  clearInterval(u.timer);
  clearTimeout(u.stopTimer);
  const elapsedMs = performance.now() - u.started;
  await u.inFlight;
  updater = undefined;
  return { puts: u.putter.stats(), skipped: u.skipped, ratePerS: u.ratePerS, elapsedMs };
}

// ---------------------------------------------------------------------------------------------------------------
// Server
const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const control: Record<string, (body: any) => unknown> = {
  'POST /__ctl/reset': () => (reset(), { ok: true }),
  'GET /__ctl/stats': () => stats(),
  'POST /__ctl/sequence': sequence,
  'POST /__ctl/burst': burst,
  'POST /__ctl/updater/start': startUpdater,
  'POST /__ctl/updater/stop': stopUpdater,
};

const server = http.createServer((req, res) => {
  if (req.url?.startsWith('/s/')) {
    readBody(req).then(
      (body) => {
        const atMs = performance.now();
        res.writeHead(200, { 'content-length': '0' });
        res.end();
        record(req, body, atMs);
      },
      () => res.destroy(),
    );
    return;
  }
  const handler = control[`${req.method} ${req.url}`];
  if (!handler) return sendJson(res, 404, { error: `no route ${req.method} ${req.url}` });
  readBody(req)
    .then((text) => handler(text ? JSON.parse(text) : {}))
    .then(
      (out) => sendJson(res, 200, out),
      (err: Error) => sendJson(res, 400, { error: err.message }),
    );
});
// the mock's fetch keeps its connections (one per subscription) alive between updates
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  announce(`http://127.0.0.1:${address.port}`);
});
serveParent(async () => {
  if (updater) await stopUpdater();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
