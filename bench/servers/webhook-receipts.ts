// The receipt side of the fan-out receiver (bench/servers/webhook-receiver.ts): what arrived at /s/<n>, when, and
// how late against its "x-bench-sent-at" stamp; waits for a number of deliveries.
import type http from 'node:http';

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

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

let latencies: number[] = [];
let seen = new Set<string>();
let paths = new Set<string>();
let duplicates = 0;
let unstamped = 0;
let firstAtMs: number | undefined;
let lastAtMs: number | undefined;
let waiters: Array<{ count: number; resolve: () => void }> = [];

/** performance.now() of the last receipt, if any since the last reset. */
export const lastReceiptMs = () => lastAtMs;

export function reset(): void {
  latencies = [];
  seen = new Set();
  paths = new Set();
  duplicates = unstamped = 0;
  firstAtMs = lastAtMs = undefined;
}

export function stats(): ReceiverStats {
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

export const received = () => latencies.length + unstamped;

export function record(req: http.IncomingMessage, body: string, atMs: number): void {
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
export function waitFor(count: number, timeoutMs: number): Promise<boolean> {
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
