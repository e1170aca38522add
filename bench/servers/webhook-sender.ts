// The sending side of the fan-out receiver (bench/servers/webhook-receiver.ts): PUTs of the stamped session, one
// after another (sequence), back to back (burst), or at a fixed rate (the updater).
import { lastReceiptMs, percentile, received, reset, stats, waitFor, type ReceiverStats } from './webhook-receipts.js';

export interface Target {
  url: string;
  headers?: Record<string, string>;
  session: Record<string, unknown>;
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

type RunBody = { target: Target; count: number; expected: number; waitMs: number };

/** Bounds of a sequence or burst run, a fresh putter, cleared receipts, and the run's deadline. */
function startRun(body: RunBody) {
  const run = {
    count: bounded(body.count, 1, 10_000, 'count'),
    expected: bounded(body.expected, 1, 10_000, 'expected'),
    waitMs: bounded(body.waitMs, 1, 30_000, 'waitMs'),
    putter: new Putter(body.target),
  };
  reset();
  return { ...run, deadline: performance.now() + MAX_CALL_MS };
}

export async function sequence(body: RunBody): Promise<SequenceResult> {
  const { count, expected, waitMs, putter, deadline } = startRun(body);
  const completions: number[] = [];
  let incomplete = 0;
  let firstStamp: number | undefined;
  let updates = 0;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const before = received();
    const stamp = await putter.put();
    firstStamp ??= stamp;
    updates++;
    if (await waitFor(before + expected, Math.min(waitMs, Math.max(1, deadline - performance.now())))) completions.push(lastReceiptMs()! - stamp);
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

export async function burst(body: RunBody): Promise<SequenceResult> {
  const { count, expected, waitMs, putter, deadline } = startRun(body);
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

/** Whether the updater is running (the child stops it before it exits). */
export const updaterRunning = () => updater !== undefined;

export function startUpdater(body: { target: Target; ratePerS: number; maxS: number }): { ok: true } {
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

export async function stopUpdater(): Promise<UpdaterResult> {
  const u = updater;
  if (!u) throw new Error('the updater is not running');
  clearInterval(u.timer);
  clearTimeout(u.stopTimer);
  const elapsedMs = performance.now() - u.started;
  await u.inFlight;
  updater = undefined;
  return { puts: u.putter.stats(), skipped: u.skipped, ratePerS: u.ratePerS, elapsedMs };
}
