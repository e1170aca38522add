// Fan-out: one session update to 100 webhook subscribers. Deliveries per second and delivery latency, and what 100
// subscribers (and the 1,000 deliveries/s a modest update rate makes of them) cost the API's read throughput.
//
// Processes: the mock (bench/servers/mock.js --no-auth --bd18smr), the receiver (bench/servers/webhook-receiver.js:
// it answers the deliveries, PUTs the session, and times both on its own clock), and this process, which subscribes,
// orchestrates and runs autocannon. The receiver is not in this process because autocannon keeps its event loop busy:
// receipts and updates would wait behind it.
//
// Phases, all on one mock child:
//   1. throughput, no subscribers: autocannon GET /places/805428?expand=occupancy while the receiver PUTs the session
//      at UPDATE_RATE/s (changes that notify nobody);
//   2. 100 subscriptions (SessionUpdated, PUT to receiver/s/<n>);
//   3. sequential fan-out: updates one after another, each waiting for its 100 deliveries;
//   4. burst fan-out: updates back to back, then wait for all deliveries (the dispatcher's capacity);
//   5. throughput with the 100 subscribers and the same updater (UPDATE_RATE × 100 deliveries/s);
//   6. the subscriptions deleted, throughput without subscribers again: the reference is the mean of 1 and 6, and the
//      gap between them shows the machine's drift.
// The mock's delivery counters (GET /__admin/deliveries) must agree with what the receiver got: every update
// delivered to every subscriber, none failed, none dropped, none received twice. Otherwise the phase is INVALID.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineCpu } from '../lib/cpu.js';
import { load } from '../lib/load.js';
import { startServer, type ServerProcess } from '../lib/server-process.js';
import type { ReceiverStats, SequenceResult, UpdaterResult } from '../servers/webhook-receiver.js';
import { fmt } from './fanout-markdown.js';
import {
  DRAIN_TIMEOUT_MS,
  FANOUT_MIN_RATIO,
  FANOUT_SUBSCRIBERS,
  FANOUT_UPDATE_RATE,
  PLACE_PATH,
  SESSION_PAYLOAD,
  WAIT_PER_UPDATE_MS,
  type AdminDeliveries,
  type Checked,
  type FanoutDelivery,
  type FanoutOptions,
  type FanoutResult,
  type FanoutThroughput,
} from './fanout-model.js';

export { fanoutMarkdown } from './fanout-markdown.js';
export { FANOUT_MIN_RATIO, FANOUT_SUBSCRIBERS, FANOUT_UPDATE_RATE, type FanoutDelivery, type FanoutOptions, type FanoutResult, type FanoutThroughput } from './fanout-model.js';

const root = (relative: string) => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

async function call<T>(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 60_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** POST to the receiver's control API. */
async function control<T>(receiver: ServerProcess, path: string, body: unknown = {}): Promise<T> {
  const { status, body: out } = await call<T & { error?: string }>(`${receiver.url}/__ctl/${path}`, json('POST', body));
  if (status !== 200) throw new Error(`receiver ${path}: ${status} ${out?.error ?? ''}`);
  return out;
}

/** Waits (bounded) until the mock has nothing queued and every enqueued event was settled; answers the counters. */
async function drained(mock: ServerProcess): Promise<AdminDeliveries & { settled: boolean }> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const { body } = await call<AdminDeliveries>(`${mock.url}/__admin/deliveries?limit=1`);
    const c = body.counters;
    const settled = Object.keys(body.backlog).length === 0 && c.delivered + c.failed + c.dropped >= c.enqueued;
    if (settled || performance.now() > deadline) return { ...body, settled };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function clearDeliveries(mock: ServerProcess): Promise<void> {
  const { status } = await call(`${mock.url}/__admin/deliveries`, { method: 'DELETE' });
  if (status !== 200) throw new Error(`DELETE /__admin/deliveries answered ${status}`);
}

/** Every update reached every subscriber exactly once, as both ends count it. */
function checkDeliveries(out: Checked, updates: number, subscribers: number, admin: AdminDeliveries & { settled: boolean }, received: ReceiverStats): void {
  const expected = updates * subscribers;
  const c = admin.counters;
  if (!admin.settled) out.invalidReasons.push(`deliveries not settled within ${DRAIN_TIMEOUT_MS / 1000} s: ${JSON.stringify(admin.backlog)}`);
  if (c.delivered !== expected) out.invalidReasons.push(`mock delivered ${c.delivered}, expected ${updates} × ${subscribers} = ${expected}`);
  if (c.failed || c.dropped) out.invalidReasons.push(`mock: ${c.failed} failed, ${c.dropped} dropped`);
  if (c.attempts !== c.delivered) out.invalidReasons.push(`mock: ${c.attempts} attempts for ${c.delivered} deliveries (retries)`);
  if (received.deliveries !== expected) out.invalidReasons.push(`receiver got ${received.deliveries}, expected ${expected}`);
  if (received.duplicates || received.unstamped) out.invalidReasons.push(`receiver: ${received.duplicates} duplicates, ${received.unstamped} without a stamp`);
  if (subscribers && updates && received.subscribers !== subscribers) out.invalidReasons.push(`receiver heard from ${received.subscribers} of ${subscribers} subscribers`);
}

export async function runFanout(o: FanoutOptions): Promise<FanoutResult> {
  const mockArgs = ['--no-auth', '--bd18smr'];
  const result: FanoutResult = { subscribers: FANOUT_SUBSCRIBERS, updateRatePerS: FANOUT_UPDATE_RATE, mockArgs, path: PLACE_PATH, delivery: [], throughput: [] };
  const sequentialUpdates = o.quick ? 10 : 50;
  const burstUpdates = o.quick ? 10 : 50;
  let mock: ServerProcess | undefined;
  let receiver: ServerProcess | undefined;
  try {
    const execArgv = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`, '--cpu-prof-name=fanout.cpuprofile'] : [];
    mock = await startServer('mock', mockArgs, { execArgv });
    receiver = await startServer('webhook-receiver');
    const m = mock;
    const r = receiver;

    const session = JSON.parse(readFileSync(root(SESSION_PAYLOAD), 'utf8')) as Record<string, unknown> & { id: string };
    const created = await call(`${m.url}/v1/parking/sessions`, json('POST', session));
    if (created.status !== 201) throw new Error(`POST /sessions (uc4-3) answered ${created.status}: ${JSON.stringify(created.body)}`);
    const target = { url: `${m.url}/v1/parking/sessions/${session.id}`, session };
    const probe = await fetch(m.url + PLACE_PATH, { signal: AbortSignal.timeout(30_000) });
    await probe.arrayBuffer();
    if (probe.status !== 200) throw new Error(`GET ${PLACE_PATH} answered ${probe.status}`);
    o.log(`fanout: mock ${m.url}, receiver ${r.url}; session ${session.id} at 220001`);

    const throughput = async (key: FanoutThroughput['key'], label: string, subscribers: number): Promise<FanoutThroughput> => {
      await clearDeliveries(m);
      await control(r, 'reset');
      await control(r, 'updater/start', { target, ratePerS: FANOUT_UPDATE_RATE, maxS: o.warmupS + o.durationS + 30 });
      let updater: UpdaterResult | undefined;
      let mockCpuBefore = 0;
      let receiverCpuBefore = 0;
      let machineBefore = machineCpu();
      let selfBefore = process.cpuUsage();
      let measuredFrom = 0;
      let loaded;
      try {
        loaded = await load({ url: m.url, path: PLACE_PATH, connections: o.connections, durationS: o.durationS, warmupS: o.warmupS }, async () => {
          mockCpuBefore = (await m.resetPeak()).cpuUs;
          receiverCpuBefore = (await r.resetPeak()).cpuUs;
          machineBefore = machineCpu();
          selfBefore = process.cpuUsage();
          measuredFrom = performance.now();
        });
      } finally {
        updater = await control<UpdaterResult>(r, 'updater/stop');
      }
      const wallUs = (performance.now() - measuredFrom) * 1000;
      const machineAfter = machineCpu();
      const self = process.cpuUsage(selfBefore);
      const mockCpuUs = (await m.rss()).cpuUs - mockCpuBefore;
      const receiverCpuUs = (await r.rss()).cpuUs - receiverCpuBefore;
      const admin = await drained(m);
      const { body: received } = await call<ReceiverStats>(`${r.url}/__ctl/stats`);
      const out: FanoutThroughput = {
        key,
        label,
        subscribers,
        requests: loaded.requests,
        reqPerSec: loaded.reqPerSec,
        p50Ms: loaded.p50Ms,
        p99Ms: loaded.p99Ms,
        non2xx: loaded.non2xx,
        errors: loaded.errors,
        timeouts: loaded.timeouts,
        warmupReqPerSec: loaded.warmup.reqPerSec,
        cpuUsPerReq: loaded.requests ? mockCpuUs / loaded.requests : undefined,
        receiverCpuPct: (receiverCpuUs / wallUs) * 100,
        otherCpuPct: machineBefore && machineAfter ? Math.max(0, ((machineAfter.busyUs - machineBefore.busyUs - mockCpuUs - receiverCpuUs - self.user - self.system) / wallUs) * 100) : undefined,
        updater,
        deliveriesPerSec: received.deliveries / (updater.elapsedMs / 1000),
        counters: admin.counters,
        received,
        valid: true,
        invalidReasons: [],
      };
      if (loaded.non2xx || loaded.errors || loaded.timeouts) out.invalidReasons.push(`${loaded.non2xx} non-2xx, ${loaded.errors} errors, ${loaded.timeouts} timeouts`);
      if (loaded.warmup.non2xx || loaded.warmup.errors) out.invalidReasons.push(`warm-up: ${loaded.warmup.non2xx} non-2xx, ${loaded.warmup.errors} errors`);
      if (updater.puts.failed) out.invalidReasons.push(`updater: ${updater.puts.failed} of ${updater.puts.sent} PUTs failed ${JSON.stringify(updater.puts.failures)}`);
      checkDeliveries(out, updater.puts.ok, subscribers, admin, received);
      out.valid = out.invalidReasons.length === 0;
      o.log(`fanout ${key}: ${fmt(out.reqPerSec, 0)} req/s, p99 ${fmt(out.p99Ms)} ms, ${updater.puts.ok} updates → ${received.deliveries} deliveries (delivery p99 ${fmt(received.p99Ms, 1)} ms), mock CPU ${fmt(out.cpuUsPerReq, 0)} µs/req, receiver CPU ${fmt(out.receiverCpuPct, 0)}%, other CPU ${fmt(out.otherCpuPct, 0)}%${out.valid ? '' : ` INVALID: ${out.invalidReasons.join('; ')}`}`);
      return out;
    };

    const fanOut = async (mode: FanoutDelivery['mode'], updates: number): Promise<FanoutDelivery> => {
      await clearDeliveries(m);
      const cpuBefore = (await m.rss()).cpuUs;
      const run = await control<SequenceResult>(r, mode === 'sequential' ? 'sequence' : 'burst', { target, count: updates, expected: FANOUT_SUBSCRIBERS, waitMs: WAIT_PER_UPDATE_MS });
      const admin = await drained(m);
      const cpuUs = (await m.rss()).cpuUs - cpuBefore;
      const rec = run.received;
      const out: FanoutDelivery = {
        mode,
        subscribers: FANOUT_SUBSCRIBERS,
        updates: run.updates,
        deliveries: rec.deliveries,
        elapsedMs: run.elapsedMs,
        deliveriesPerSec: rec.deliveries / (run.elapsedMs / 1000),
        p50Ms: rec.p50Ms,
        p99Ms: rec.p99Ms,
        maxMs: rec.maxMs,
        completionP50Ms: run.completionP50Ms,
        completionP99Ms: run.completionP99Ms,
        putP99Ms: run.puts.p99Ms,
        mockCpuUsPerDelivery: rec.deliveries ? cpuUs / rec.deliveries : undefined,
        counters: admin.counters,
        received: rec,
        valid: true,
        invalidReasons: [],
      };
      if (run.updates !== updates) out.invalidReasons.push(`${run.updates} of ${updates} updates sent in the time allowed`);
      if (run.incomplete) out.invalidReasons.push(`${run.incomplete} update(s) not fully delivered within ${WAIT_PER_UPDATE_MS / 1000} s`);
      if (run.puts.failed) out.invalidReasons.push(`${run.puts.failed} of ${run.puts.sent} PUTs failed ${JSON.stringify(run.puts.failures)}`);
      checkDeliveries(out, run.puts.ok, FANOUT_SUBSCRIBERS, admin, rec);
      out.valid = out.invalidReasons.length === 0;
      o.log(`fanout ${mode}: ${out.updates} updates → ${out.deliveries} deliveries in ${fmt(out.elapsedMs, 0)} ms = ${fmt(out.deliveriesPerSec, 0)}/s, latency p50 ${fmt(out.p50Ms, 1)} ms, p99 ${fmt(out.p99Ms, 1)} ms${out.valid ? '' : ` INVALID: ${out.invalidReasons.join('; ')}`}`);
      return out;
    };

    // 1. no subscribers
    result.throughput.push(await throughput('none', 'no subscribers', 0));

    // 2. 100 subscribers
    const ids: string[] = [];
    for (let n = 0; n < FANOUT_SUBSCRIBERS; n++) {
      const { status, body } = await call<{ id: string }>(`${m.url}/webhooks`, json('POST', { endpoint: `${r.url}/s/${n}`, topics: ['SessionUpdated'] }));
      if (status !== 200 || !body?.id) throw new Error(`POST /webhooks answered ${status}: ${JSON.stringify(body)}`);
      ids.push(body.id);
    }

    // 3.–5.
    result.delivery.push(await fanOut('sequential', sequentialUpdates));
    result.delivery.push(await fanOut('burst', burstUpdates));
    result.throughput.push(await throughput('subscribed', `${FANOUT_SUBSCRIBERS} subscribers`, FANOUT_SUBSCRIBERS));

    // 6. subscriptions gone, no subscribers again
    for (const id of ids) {
      const { status } = await call(`${m.url}/webhooks/${id}`, { method: 'DELETE' });
      if (status !== 200) throw new Error(`DELETE /webhooks/${id} answered ${status}`);
    }
    result.throughput.push(await throughput('none-again', 'no subscribers (again)', 0));

    const none = result.throughput.filter((t) => t.key !== 'subscribed' && t.valid);
    const subscribed = result.throughput.find((t) => t.key === 'subscribed');
    if (none.length === 2) {
      const mean = (f: (t: FanoutThroughput) => number) => (f(none[0]!) + f(none[1]!)) / 2;
      result.reference = {
        reqPerSec: mean((t) => t.reqPerSec),
        p99Ms: mean((t) => t.p99Ms),
        cpuUsPerReq: mean((t) => t.cpuUsPerReq ?? NaN),
        driftReqPerSec: none[1]!.reqPerSec / none[0]!.reqPerSec - 1,
      };
      if (subscribed) {
        result.ratio = subscribed.reqPerSec / result.reference.reqPerSec;
        result.cpuRatio = subscribed.cpuUsPerReq ? result.reference.cpuUsPerReq / subscribed.cpuUsPerReq : undefined;
        result.pass = subscribed.valid ? result.ratio >= FANOUT_MIN_RATIO : undefined;
      }
    }
  } catch (err) {
    result.error = (err as Error).message;
    o.log(`fanout: FAILED ${result.error}`);
  } finally {
    await receiver?.stop();
    await mock?.stop();
  }
  return result;
}
