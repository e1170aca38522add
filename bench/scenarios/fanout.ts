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
import type { DeliveryCounters } from '../../mock/events/delivery-log.js';
import { machineCpu } from '../lib/cpu.js';
import { load } from '../lib/load.js';
import { startServer, type ServerProcess } from '../lib/server-process.js';
import type { ReceiverStats, SequenceResult, UpdaterResult } from '../servers/webhook-receiver.js';

export const FANOUT_SUBSCRIBERS = 100;
export const FANOUT_UPDATE_RATE = 10; // PUTs per second during the throughput runs → 1,000 deliveries/s with 100 subscribers
export const FANOUT_MIN_RATIO = 0.8;
const PLACE_PATH = '/v1/parking/places/805428?expand=occupancy';
const SESSION_PAYLOAD = 'fixtures/payloads/uc4-3-session-fe5eea6a.json'; // its segment uses BD18SMR's right (--bd18smr)
const DRAIN_TIMEOUT_MS = 30_000;
const WAIT_PER_UPDATE_MS = 10_000;
const OTHER_CPU_WARN_PCT = 15;

export interface FanoutOptions {
  connections: number;
  durationS: number;
  warmupS: number;
  quick: boolean;
  /** --cpu-prof the mock child into this directory. */
  profileDir?: string;
  log: (message: string) => void;
}

interface Checked {
  valid: boolean;
  invalidReasons: string[];
}

export interface FanoutDelivery extends Checked {
  mode: 'sequential' | 'burst';
  subscribers: number;
  updates: number;
  deliveries: number;
  elapsedMs: number;
  deliveriesPerSec: number;
  /** Delivery latency: the PUT's stamp → the receiver has the delivery's body. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Sequential only: per update, stamp → its 100th delivery. */
  completionP50Ms: number;
  completionP99Ms: number;
  putP99Ms: number;
  /** Mock CPU (user + system) during the phase ÷ deliveries, µs (includes the PUTs, 1 per 100 deliveries). */
  mockCpuUsPerDelivery?: number;
  counters?: DeliveryCounters;
  received: ReceiverStats;
}

export interface FanoutThroughput extends Checked {
  key: 'none' | 'subscribed' | 'none-again';
  label: string;
  subscribers: number;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  warmupReqPerSec: number;
  /** Mock CPU per response in the measured run, µs; with subscribers it includes the deliveries. */
  cpuUsPerReq?: number;
  /** The receiver child's CPU during the measured run, % of one CPU (it shares the machine with the mock). */
  receiverCpuPct?: number;
  /** Everything else on the machine during the measured run, % of one CPU. */
  otherCpuPct?: number;
  updater: UpdaterResult;
  /** Deliveries received per second over the updater's run (warm-up included). */
  deliveriesPerSec: number;
  counters?: DeliveryCounters;
  received: ReceiverStats;
}

export interface FanoutResult {
  subscribers: number;
  updateRatePerS: number;
  mockArgs: string[];
  path: string;
  delivery: FanoutDelivery[];
  throughput: FanoutThroughput[];
  /** Reference: mean of the two runs without subscribers. */
  reference?: { reqPerSec: number; p99Ms: number; cpuUsPerReq: number; driftReqPerSec: number };
  /** req/s with subscribers ÷ reference req/s. */
  ratio?: number;
  /** Reference CPU/req ÷ CPU/req with subscribers: the ratio a contention-free machine would show (≈). */
  cpuRatio?: number;
  pass?: boolean;
  error?: string;
}

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

interface AdminDeliveries {
  counters: DeliveryCounters;
  backlog: Record<string, number>;
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

// ---------------------------------------------------------------------------------------------------------------
const fmt = (n: number | null | undefined, digits = 2) => (typeof n !== 'number' || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const pct = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : `${(n * 100).toFixed(0)}%`);
const int = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : Math.round(n).toLocaleString('en'));
const counters = (c: DeliveryCounters | undefined) => (c ? `${c.delivered} / ${c.failed} / ${c.dropped}` : '–');
const flag = (c: Checked) => (c.valid ? '' : ' ⚠ INVALID');

/** The fan-out section of the report: two tables and the verdict. */
export function fanoutMarkdown(f: FanoutResult, durationS: number, warmupS: number, connections: number): string[] {
  const md: string[] = [];
  md.push(`## Fan-out: one session update to ${f.subscribers} subscribers`);
  md.push('');
  md.push(`Mock \`${f.mockArgs.join(' ')}\` (its own process); ${f.subscribers} subscriptions to SessionUpdated (PUT, bare body) on a bare \`node:http\` receiver in another process, which answers 200 at once. The same process PUTs session fe5eea6a (uc4-3, place 220001) with \`"x-bench-sent-at"\` = its clock; latency = receipt of a delivery's body − that stamp (PUT handling + fan-out + queueing + delivery). Mock counters (\`GET /__admin/deliveries\`) must equal updates × ${f.subscribers}, with none failed, dropped or retried, and the receiver must have each exactly once.`);
  if (f.error) md.push(`**FAILED: ${f.error}**`);
  md.push('');
  md.push('| fan-out | updates | deliveries | elapsed s | deliveries/s | latency p50 ms | p99 ms | max ms | per update: all delivered p50 / p99 ms | PUT p99 ms | mock CPU µs/delivery | mock delivered / failed / dropped |');
  md.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const d of f.delivery) {
    const label = d.mode === 'sequential' ? 'sequential: each update waits for its deliveries' : 'burst: updates back to back, then wait';
    md.push(`| ${label}${flag(d)} | ${d.updates} | ${int(d.deliveries)} | ${fmt(d.elapsedMs / 1000)} | ${int(d.deliveriesPerSec)} | ${fmt(d.p50Ms)} | ${fmt(d.p99Ms)} | ${fmt(d.maxMs)} | ${d.mode === 'sequential' ? `${fmt(d.completionP50Ms)} / ${fmt(d.completionP99Ms)}` : '–'} | ${fmt(d.putP99Ms)} | ${fmt(d.mockCpuUsPerDelivery, 0)} | ${counters(d.counters)} |`);
  }
  md.push('');
  md.push(`API throughput: autocannon \`GET ${f.path}\` (no auth), ${connections} connections, ${warmupS} s warm-up + ${durationS} s, while the receiver PUTs the session at ${f.updateRatePerS}/s in every run (with ${f.subscribers} subscribers: ${int(f.updateRatePerS * f.subscribers)} deliveries/s). Runs in order: none, subscribed, none again; the reference is the mean of the two without. Delivery latency covers the whole updater run (warm-up included).`);
  md.push('');
  md.push('| run | subscribers | req/s | p50 ms | p99 ms | non-2xx | mock CPU µs/req | updates ok | deliveries/s | delivery p50 / p99 ms | mock delivered / failed / dropped | receiver CPU % | other CPU % |');
  md.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const t of f.throughput) {
    md.push(`| ${t.label}${flag(t)} | ${t.subscribers} | ${int(t.reqPerSec)} | ${fmt(t.p50Ms)} | ${fmt(t.p99Ms)} | ${t.non2xx} | ${fmt(t.cpuUsPerReq, 0)} | ${t.updater.puts.ok} | ${int(t.deliveriesPerSec)} | ${t.subscribers ? `${fmt(t.received.p50Ms)} / ${fmt(t.received.p99Ms)}` : '–'} | ${counters(t.counters)} | ${fmt(t.receiverCpuPct, 0)} | ${fmt(t.otherCpuPct, 0)} |`);
  }
  const noisy = f.throughput.filter((t) => (t.otherCpuPct ?? 0) > OTHER_CPU_WARN_PCT);
  if (noisy.length) md.push(`⚠ Other work on the machine above ${OTHER_CPU_WARN_PCT}% of one CPU in ${noisy.map((t) => t.key).join(', ')}: req/s and latencies there are distorted; the CPU/req ratio suffers less.`);
  md.push('');
  const sub = f.throughput.find((t) => t.key === 'subscribed');
  const mark = f.pass === undefined ? '?' : f.pass ? '✓' : '✗';
  md.push(`**API req/s with ${f.subscribers} subscribers: ${pct(f.ratio)} of none** (${int(sub?.reqPerSec)} vs ${int(f.reference?.reqPerSec)} req/s; target ≥ ${pct(FANOUT_MIN_RATIO)}) ${mark}. p99 ${fmt(sub?.p99Ms)} vs ${fmt(f.reference?.p99Ms)} ms. CPU/req: none ÷ subscribed = ${pct(f.cpuRatio)}. Drift between the two runs without subscribers: ${f.reference ? pct(f.reference.driftReqPerSec) : '–'}.`);
  const invalid = [...f.delivery.map((d) => ({ key: d.mode, ...d })), ...f.throughput].filter((c) => !c.valid);
  if (invalid.length) {
    md.push('');
    md.push(`**⚠ ${invalid.length} fan-out phase(s) INVALID:**`);
    for (const c of invalid) md.push(`- ${c.key}: ${c.invalidReasons.join('; ')}`);
  }
  md.push('');
  return md;
}
