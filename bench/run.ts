// `npm run bench`: throughput, latency and memory of the mock against bare Express / node:http baselines measured
// in the same run. Markdown to stdout, JSON to bench/results/latest.json, progress to stderr.
// Env: BENCH_DURATION=<s> (default 5), BENCH_QUICK=1 (1 s runs, smoke test), BENCH_CONNECTIONS (default 16),
// BENCH_ONLY=<key,key> (run some scenarios, `memory`, `ready`, `fanout`; ratios need bare-express), BENCH_PROFILE=1 (--cpu-prof the mock children
// into bench/results/profiles/).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AutocannonRequest } from 'autocannon';
import { startMockPlatform } from '../mock/server.js';
import { machineCpu, type MachineCpu } from './lib/cpu.js';
import { RIGHT_PLACE, vrm } from './lib/data.js';
import { load, type LoadResult } from './lib/load.js';
import { FANOUT_MIN_RATIO, FANOUT_SUBSCRIBERS, fanoutMarkdown, runFanout, type FanoutResult } from './scenarios/fanout.js';
import { startServer, type ServerProcess } from './lib/server-process.js';

const QUICK = process.env.BENCH_QUICK === '1';
const DURATION_S = Number(process.env.BENCH_DURATION ?? (QUICK ? 1 : 5));
const WARMUP_S = 1;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const READY_RUNS = 3;
const ONLY = process.env.BENCH_ONLY?.split(',').map((k) => k.trim()).filter(Boolean);
const PROFILE = process.env.BENCH_PROFILE === '1';
const MB = 1024 * 1024;
const OTHER_CPU_WARN_PCT = 15;

const root = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

// Access control is on by default: callers use the shipped development clients (fixtures/clients.json).
const CLIENTS = JSON.parse(readFileSync(root('fixtures/clients.json'), 'utf8')).clients as Array<{ clientId: string; clientSecret: string; accessToken?: string }>;
const client = (id: string) => {
  const found = CLIENTS.find((c) => c.clientId === id);
  if (!found?.accessToken) throw new Error(`fixtures/clients.json has no client ${id} with an accessToken`);
  return found;
};
type Headers = Record<string, string>;
const apiKey = (clientId: string) => async (): Promise<Headers> => ({ 'x-mcc-access-token': client(clientId).accessToken! });
/** An OAuth2 client-credentials token from the server under test (POST /auth), sent as Bearer. */
const bearer = (clientId: string) => async (url: string): Promise<Headers> => {
  const c = client(clientId);
  const res = await fetchBounded(`${url}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }),
  });
  if (res.status !== 200) throw new Error(`POST /auth for ${clientId} answered ${res.status}`);
  return { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
};
const SP = 'sp-sp0001'; // service provider SP0001: issuer of BD18SMR's right and of the synthetic rights
const EP = 'ep-mcr-enforcement'; // enforcement at 220001: the ANPR caller of the VRM lookup
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
/** Every probe is bounded in time too. */
const fetchBounded = (url: string, init: RequestInit = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });

if (!Number.isFinite(DURATION_S) || DURATION_S <= 0 || DURATION_S > 120) throw new Error(`BENCH_DURATION must be 0 < s ≤ 120, got ${process.env.BENCH_DURATION}`);

// ---------------------------------------------------------------------------------------------------------------
// The baselines' bytes: the mock's own answer, captured once in-process.
const PLACE_PATH = '/v1/parking/places/805428?expand=occupancy';
async function captureMockAnswer(): Promise<{ body: Buffer; contentType: string }> {
  const mock = await startMockPlatform();
  try {
    const res = await fetchBounded(`${mock.url}${PLACE_PATH}`, { headers: await apiKey(SP)() });
    if (res.status !== 200) throw new Error(`GET ${PLACE_PATH} answered ${res.status}`);
    return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/json' };
  } finally {
    await mock.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios
interface Scenario {
  key: string;
  label: string;
  /** bench/servers/<server>.js */
  server: 'bare-http' | 'bare-express' | 'mock';
  args?: string[];
  records?: string;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Headers;
  /** Credentials, fetched once the server is up; sent with every request (and ignored by the baselines). */
  auth?: (url: string) => Promise<Headers>;
  /** How the caller authenticates, for the table. */
  authNote?: string;
  setupRequest?: () => AutocannonRequest['setupRequest'];
  /** One request before the load: what it found (and whether that is what the scenario needs). */
  probe?: (url: string, headers: Headers) => Promise<{ note: string; ok: boolean }>;
  /** A check after the load (e.g. no auto-created right). */
  after?: (url: string, headers: Headers) => Promise<{ note: string; ok: boolean }>;
}

const GEO_PATH = '/places?latitude=53.4806&longitude=-2.2428&radius=1000';
const getJson = async (url: string, headers: Headers) => {
  const res = await fetchBounded(url, { headers });
  return { status: res.status, body: (await res.json()) as { meta?: { total?: number } } };
};

const geoScenario = (places: number, label: string): Scenario => ({
  key: `geo-${places}`,
  label: `geo radius 1000 m, ${label} places`,
  server: 'mock',
  args: ['--empty', '--places', String(places)],
  records: `${places} places (no fixtures)`,
  path: GEO_PATH,
  auth: apiKey(SP),
  authNote: `X-MCC-Access-Token (${SP})`,
  probe: async (url, headers) => {
    const { status, body } = await getJson(url + GEO_PATH, headers);
    return { note: `${body.meta?.total} places in radius`, ok: status === 200 };
  },
});

const vrmPath = (plate: string) => `/rights/assigned?credential_id=${plate}&place=${RIGHT_PLACE}`;
const vrmScenario = (rights: number, label: string): Scenario => ({
  key: `vrm-${rights}`,
  label: `VRM lookup, ${label} assigned rights`,
  server: 'mock',
  args: ['--rights', String(rights)],
  records: `fixtures + ${rights} rights`,
  path: vrmPath(vrm(0)),
  auth: apiKey(EP),
  authNote: `X-MCC-Access-Token (${EP})`,
  // rotating VRMs: a stride co-prime with most sizes walks the whole set
  setupRequest: () => {
    let n = 0;
    return (request) => ({ ...request, path: vrmPath(vrm((n++ * 7919) % rights)) });
  },
  probe: async (url, headers) => {
    const { status, body } = await getJson(url + vrmPath(vrm(rights - 1)), headers);
    return { note: `${body.meta?.total} right for ${vrm(rights - 1)}`, ok: status === 200 && body.meta?.total === 1 };
  },
});

function sessionScenario(): Scenario {
  const payload = JSON.parse(readFileSync(root('fixtures/payloads/uc4-3-session-fe5eea6a.json'), 'utf8'));
  const marker = '__BENCH_ID__';
  const template = JSON.stringify({ ...payload, id: marker, segments: payload.segments.map((s: object, i: number) => ({ ...s, id: `${marker}-seg${i}` })) });
  const parts = template.split(marker);
  const bodyFor = (id: string) => parts.join(id);
  const headers = { 'content-type': 'application/json' };
  return {
    key: 'post-session',
    label: 'POST /sessions (validated, existing right)',
    server: 'mock',
    args: ['--bd18smr'],
    records: 'default + BD18SMR right',
    method: 'POST',
    path: '/v1/parking/sessions',
    headers,
    auth: apiKey(SP),
    authNote: `X-MCC-Access-Token (${SP})`,
    setupRequest: () => {
      let n = 0;
      return (request) => ({ ...request, body: bodyFor(`bench-${n++}`) });
    },
    probe: async (url, auth) => {
      const res = await fetchBounded(`${url}/v1/parking/sessions`, { method: 'POST', headers: { ...headers, ...auth }, body: bodyFor('bench-probe') });
      return { note: `probe POST → ${res.status}`, ok: res.status === 201 };
    },
    after: async (url, auth) => {
      const { body } = await getJson(`${url}/rights/assigned?credential_id=BD18SMR&place=${RIGHT_PLACE}`, auth);
      return { note: `${body.meta?.total} right(s) for BD18SMR after the run (1 = no auto-right)`, ok: body.meta?.total === 1 };
    },
  };
}

const placeProbe = async (url: string, headers: Headers) => {
  const res = await fetchBounded(url + PLACE_PATH, { headers });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { note: `${res.status}, ${bytes} B`, ok: res.status === 200 };
};

const placeRead = { path: PLACE_PATH, probe: placeProbe, auth: apiKey(SP), authNote: `X-MCC-Access-Token (${SP})` };
const SCENARIOS: Scenario[] = [
  // the baselines get the same header as the mock's read (they ignore it)
  { key: 'bare-http', label: 'baseline: bare node:http', server: 'bare-http', ...placeRead, authNote: '(header sent, ignored)' },
  { key: 'bare-express', label: 'baseline: bare Express 5', server: 'bare-express', ...placeRead, authNote: '(header sent, ignored)' },
  { key: 'get-place', label: 'GET /places/{id}?expand=occupancy', server: 'mock', records: 'default fixtures', ...placeRead },
  { key: 'get-place-bearer', label: 'GET /places/{id}, Bearer JWT', server: 'mock', records: 'default fixtures', ...placeRead, auth: bearer(SP), authNote: `Bearer JWT (${SP})` },
  { key: 'get-place-noauth', label: 'GET /places/{id}, --no-auth', server: 'mock', args: ['--no-auth'], records: 'default fixtures', ...placeRead, auth: undefined, authNote: 'none (auth off)' },
  geoScenario(100, '100'),
  geoScenario(1_000, '1,000'),
  geoScenario(10_000, '10,000'),
  vrmScenario(1_000, '1,000'),
  vrmScenario(100_000, '100,000'),
  sessionScenario(),
  // the Express baseline again at the end: the reference is the mean of both, the gap shows the machine's drift
  { key: 'bare-express-2', label: 'baseline: bare Express 5 (again)', server: 'bare-express', ...placeRead, authNote: '(header sent, ignored)' },
];

interface ScenarioResult extends Partial<LoadResult> {
  key: string;
  label: string;
  records?: string;
  path: string;
  method: string;
  auth?: string;
  probe?: string;
  after?: string;
  valid: boolean;
  invalidReasons: string[];
  serverReadyMs?: number;
  loadMs?: number;
  peakRssMb?: number;
  peakRssDuringRunMb?: number;
  /** Server CPU (user + system) per response in the measured run, µs. */
  cpuUsPerReq?: number;
  /** CPU the rest of the machine used during the measured run (all busy CPU − server child − this process), % of one CPU. */
  otherCpuPct?: number;
  warmupReqPerSec?: number;
  error?: string;
}

async function runScenario(s: Scenario, baselineEnv: NodeJS.ProcessEnv): Promise<ScenarioResult> {
  const out: ScenarioResult = { key: s.key, label: s.label, records: s.records, path: s.path, method: s.method ?? 'GET', auth: s.authNote, valid: true, invalidReasons: [] };
  let server: ServerProcess | undefined;
  try {
    const execArgv = PROFILE && s.server === 'mock' ? ['--cpu-prof', `--cpu-prof-dir=${root('bench/results/profiles')}`, `--cpu-prof-name=${s.key}.cpuprofile`] : [];
    server = await startServer(s.server, s.args ?? [], { env: s.server === 'mock' ? {} : baselineEnv, execArgv });
    out.serverReadyMs = server.readyMs;
    out.loadMs = server.ready.loadMs;
    const headers = { ...s.headers, ...(await s.auth?.(server.url)) };
    if (s.probe) {
      const probe = await s.probe(server.url, headers);
      out.probe = probe.note;
      if (!probe.ok) out.invalidReasons.push(`probe: ${probe.note}`);
    }
    log(`${s.key}: ${server.url} ready in ${server.readyMs.toFixed(0)} ms${out.probe ? ` (${out.probe})` : ''}; ${WARMUP_S} s warm-up + ${DURATION_S} s`);
    const srv = server;
    let cpuBefore = 0;
    let machineBefore: MachineCpu | undefined;
    let selfBefore = process.cpuUsage();
    let measuredFrom = 0;
    const result = await load(
      { url: server.url, path: s.path, method: s.method, headers, setupRequest: s.setupRequest?.(), connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S },
      async () => {
        cpuBefore = (await srv.resetPeak()).cpuUs;
        machineBefore = machineCpu();
        selfBefore = process.cpuUsage();
        measuredFrom = performance.now();
      },
    );
    const machineAfter = machineCpu();
    const self = process.cpuUsage(selfBefore);
    const rss = await server.rss();
    const serverCpuUs = rss.cpuUs - cpuBefore;
    out.cpuUsPerReq = result.requests ? serverCpuUs / result.requests : undefined;
    if (machineBefore && machineAfter) {
      const otherUs = machineAfter.busyUs - machineBefore.busyUs - serverCpuUs - (self.user + self.system);
      out.otherCpuPct = Math.max(0, (otherUs / ((performance.now() - measuredFrom) * 1000)) * 100);
    }
    Object.assign(out, { ...result, warmup: undefined });
    out.warmupReqPerSec = result.warmup.reqPerSec;
    out.peakRssMb = Math.max(rss.maxRss, rss.peakSampled) / MB;
    out.peakRssDuringRunMb = rss.peakSampled / MB;
    if (s.after) {
      const after = await s.after(server.url, headers);
      out.after = after.note;
      if (!after.ok) out.invalidReasons.push(`after: ${after.note}`);
    }
    const warmupBad = result.warmup.non2xx + result.warmup.errors;
    if (result.non2xx) out.invalidReasons.push(`${result.non2xx} non-2xx responses (${JSON.stringify(result.statusCodes)})`);
    if (result.errors || result.timeouts) out.invalidReasons.push(`${result.errors} errors, ${result.timeouts} timeouts`);
    if (warmupBad) out.invalidReasons.push(`warm-up: ${result.warmup.non2xx} non-2xx, ${result.warmup.errors} errors`);
    log(`${s.key}: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, peak RSS ${out.peakRssMb.toFixed(0)} MB, server CPU ${fmt(out.cpuUsPerReq, 0)} µs/req, other CPU ${fmt(out.otherCpuPct, 0)}%`);
  } catch (err) {
    out.error = (err as Error).message;
    out.invalidReasons.push(`failed: ${out.error}`);
    log(`${s.key}: FAILED ${out.error}`);
  } finally {
    await server?.stop();
  }
  out.valid = out.invalidReasons.length === 0;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Memory: 100,000 sessions
const MEMORY_SESSIONS = 100_000;
const MEMORY_RIGHTS = 1_000;
interface MemoryResult {
  sessions: number;
  rights: number;
  loadMs?: number;
  rssBeforeMb?: number;
  rssAfterLoadMb?: number;
  rssAfterGcMb?: number;
  heapUsedAfterGcMb?: number;
  probe?: string;
  error?: string;
}

async function runMemory(): Promise<MemoryResult> {
  const out: MemoryResult = { sessions: MEMORY_SESSIONS, rights: MEMORY_RIGHTS };
  let server: ServerProcess | undefined;
  try {
    server = await startServer('mock', ['--rights', String(MEMORY_RIGHTS), '--sessions', String(MEMORY_SESSIONS)], { execArgv: ['--expose-gc'] });
    const r = server.ready;
    Object.assign(out, {
      loadMs: r.loadMs,
      rssBeforeMb: (r.rssBefore ?? NaN) / MB,
      rssAfterLoadMb: (r.rssAfterLoad ?? NaN) / MB,
      rssAfterGcMb: r.rssAfterGc === undefined ? undefined : r.rssAfterGc / MB,
      heapUsedAfterGcMb: r.heapUsedAfterGc === undefined ? undefined : r.heapUsedAfterGc / MB,
    });
    const last = `bench-session-${MEMORY_SESSIONS - 1}`;
    const res = await fetchBounded(`${server.url}/sessions/${last}`, { headers: await apiKey(SP)() });
    out.probe = `GET /sessions/${last} → ${res.status}; store: ${JSON.stringify(r.sizes)}`;
    await res.arrayBuffer();
    log(`memory: ${MEMORY_SESSIONS} sessions loaded in ${out.loadMs?.toFixed(0)} ms, RSS ${out.rssAfterLoadMb?.toFixed(0)} MB (after GC ${out.rssAfterGcMb?.toFixed(0)} MB)`);
  } catch (err) {
    out.error = (err as Error).message;
    log(`memory: FAILED ${out.error}`);
  } finally {
    await server?.stop();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Ready time of the CLI: spawn → `listening on`
async function readyOnce(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [root('dist/cli.js'), 'mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "listening on" line within 30 s')), 30_000);
      child.once('exit', (code) => reject(new Error(`the CLI exited (code ${code}) before "listening on"`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('listening on ')) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
    });
  } finally {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}

async function runReady(): Promise<{ runsMs: number[]; medianMs: number; error?: string }> {
  const runsMs: number[] = [];
  try {
    for (let i = 0; i < READY_RUNS; i++) runsMs.push(await readyOnce());
  } catch (err) {
    return { runsMs, medianMs: NaN, error: (err as Error).message };
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  log(`ready: ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  return { runsMs, medianMs: sorted[Math.floor(sorted.length / 2)]! };
}

// ---------------------------------------------------------------------------------------------------------------
// Report
interface Target {
  check: string;
  measured: string;
  target: string;
  pass: boolean | undefined;
  note?: string;
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const pct = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : `${(n * 100).toFixed(0)}%`);
const mark = (pass: boolean | undefined) => (pass === undefined ? '?' : pass ? '✓' : '✗');

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAvgStart = os.loadavg()[0]!;
  log(`duration ${DURATION_S} s per scenario after ${WARMUP_S} s warm-up, ${CONNECTIONS} connections${QUICK ? ' (BENCH_QUICK)' : ''}`);
  const answer = await captureMockAnswer();
  log(`captured GET ${PLACE_PATH}: ${answer.body.length} B, ${answer.contentType}`);
  const baselineEnv = { BENCH_BODY_B64: answer.body.toString('base64'), BENCH_CONTENT_TYPE: answer.contentType };

  const results: ScenarioResult[] = [];
  for (const s of SCENARIOS) if (!ONLY || ONLY.includes(s.key)) results.push(await runScenario(s, baselineEnv));
  const memory = !ONLY || ONLY.includes('memory') ? await runMemory() : { sessions: MEMORY_SESSIONS, rights: MEMORY_RIGHTS, error: 'skipped (BENCH_ONLY)' };
  const ready = !ONLY || ONLY.includes('ready') ? await runReady() : { runsMs: [], medianMs: NaN, error: 'skipped (BENCH_ONLY)' };
  const fanout: FanoutResult | undefined =
    !ONLY || ONLY.includes('fanout')
      ? await runFanout({ connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, quick: QUICK, profileDir: PROFILE ? root('bench/results/profiles') : undefined, log })
      : undefined;

  const by = (key: string) => results.find((r) => r.key === key);
  const expressRuns = [by('bare-express'), by('bare-express-2')].filter((r): r is ScenarioResult => r?.reqPerSec !== undefined && r.valid);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const express = {
    reqPerSec: expressRuns.length ? mean(expressRuns.map((r) => r.reqPerSec!)) : NaN,
    p99Ms: expressRuns.length ? mean(expressRuns.map((r) => r.p99Ms!)) : NaN,
    cpuUsPerReq: expressRuns.length ? mean(expressRuns.map((r) => r.cpuUsPerReq ?? NaN)) : NaN,
    driftReqPerSec: expressRuns.length === 2 ? expressRuns[1]!.reqPerSec! / expressRuns[0]!.reqPerSec! - 1 : undefined,
  };
  const bareHttp = by('bare-http');
  const rows = results.map((r) => ({
    ...r,
    reqVsExpress: r.reqPerSec !== undefined ? r.reqPerSec / express.reqPerSec : undefined,
    reqVsHttp: r.reqPerSec !== undefined && bareHttp?.reqPerSec ? r.reqPerSec / bareHttp.reqPerSec : undefined,
    p99VsExpress: r.p99Ms !== undefined ? r.p99Ms / express.p99Ms : undefined,
    /** Express CPU/req ÷ this CPU/req: the req/s ratio a contention-free machine would show (≈). */
    cpuEfficiencyVsExpress: r.cpuUsPerReq ? express.cpuUsPerReq / r.cpuUsPerReq : undefined,
  }));
  const row = (key: string) => rows.find((r) => r.key === key);

  const targets: Target[] = [];
  const validNote = (...keys: string[]) => {
    const bad = keys.map(row).filter((r) => r && !r.valid);
    return bad.length ? `INVALID: ${bad.map((r) => `${r!.key}: ${r!.invalidReasons.join('; ')}`).join(' | ')}` : undefined;
  };
  const ratioTarget = (key: string, check: string, min: number) => {
    const r = row(key);
    targets.push({ check, measured: `${pct(r?.reqVsExpress)} (CPU/req: ${pct(r?.cpuEfficiencyVsExpress)})`, target: `≥ ${pct(min)} of bare Express req/s`, pass: r?.reqVsExpress === undefined || !r.valid ? undefined : r.reqVsExpress >= min, note: validNote(key) });
  };
  ratioTarget('get-place', 'read: GET /places/{id} req/s', 0.6);
  ratioTarget('geo-10000', 'read: geo search (10,000 places) req/s', 0.6);
  ratioTarget('vrm-100000', 'read: VRM lookup (100,000 rights) req/s', 0.6);
  ratioTarget('post-session', 'write: POST /sessions (validated) req/s', 0.5);
  for (const key of ['get-place', 'geo-10000', 'vrm-100000', 'post-session']) {
    const r = row(key);
    targets.push({ check: `p99 ${r?.label ?? key}`, measured: `${fmt(r?.p99VsExpress)}× (${fmt(r?.p99Ms)} ms)`, target: `≤ 1.5× bare Express p99 (${fmt(express.p99Ms)} ms)`, pass: r?.p99VsExpress === undefined || !r.valid ? undefined : r.p99VsExpress <= 1.5, note: validNote(key) });
  }
  const flatness = (big: string, small: string, check: string) => {
    const b = row(big);
    const s = row(small);
    const ratio = b?.p99Ms !== undefined && s?.p99Ms !== undefined ? b.p99Ms / s.p99Ms : undefined;
    targets.push({ check, measured: `${fmt(ratio)} (${fmt(b?.p99Ms)} / ${fmt(s?.p99Ms)} ms)`, target: '≤ 1.2', pass: ratio === undefined || !b?.valid || !s?.valid ? undefined : ratio <= 1.2, note: validNote(big, small) });
    return ratio;
  };
  const geoFlatness = flatness('geo-10000', 'geo-100', 'flatness: geo p99(10,000 places) / p99(100 places)');
  const vrmFlatness = flatness('vrm-100000', 'vrm-1000', 'flatness: VRM p99(100,000 rights) / p99(1,000 rights)');
  targets.push({ check: `memory: RSS after loading ${MEMORY_SESSIONS.toLocaleString('en')} sessions`, measured: `${fmt(memory.rssAfterLoadMb, 0)} MB (load ${fmt(memory.loadMs, 0)} ms)`, target: '< 300 MB', pass: memory.rssAfterLoadMb === undefined ? undefined : memory.rssAfterLoadMb < 300, note: memory.error });
  targets.push({ check: `ready: spawn → "listening on" (median of ${READY_RUNS})`, measured: `${fmt(ready.medianMs, 0)} ms`, target: '< 1000 ms', pass: Number.isFinite(ready.medianMs) ? ready.medianMs < 1000 : undefined, note: ready.error });
  if (fanout) {
    const sub = fanout.throughput.find((t) => t.key === 'subscribed');
    const bad = [...fanout.delivery, ...fanout.throughput].filter((c) => !c.valid);
    targets.push({
      check: `fan-out: GET /places/{id} req/s with ${FANOUT_SUBSCRIBERS} subscribers (${fanout.updateRatePerS * FANOUT_SUBSCRIBERS} deliveries/s) vs none`,
      measured: `${pct(fanout.ratio)} (CPU/req: ${pct(fanout.cpuRatio)})`,
      target: `≥ ${pct(FANOUT_MIN_RATIO)} of none`,
      pass: fanout.pass,
      note: fanout.error ? `FAILED: ${fanout.error}` : bad.length ? 'INVALID: see the fan-out section' : sub ? undefined : 'not measured',
    });
  }

  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim(),
    totalMemMb: Math.round(os.totalmem() / MB),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: startedAt.toISOString(),
    /** 1-minute load average before the run (the benchmark itself keeps ~2 CPUs busy after that). */
    loadAvg: { start: Number(loadAvgStart.toFixed(2)) },
  };

  // Markdown
  const md: string[] = [];
  md.push(`# apds-conformance benchmark — ${machine.date}`);
  md.push('');
  md.push(`Machine: ${machine.cpus} CPU (${machine.cpuModel}), ${machine.totalMemMb} MB RAM, ${machine.platform}, Node ${machine.node}.  `);
  const noisy = rows.filter((r) => (r.otherCpuPct ?? 0) > OTHER_CPU_WARN_PCT);
  md.push(`1-min load average before the run: ${machine.loadAvg.start}. Other work on the machine during the measured runs ("other CPU", % of one CPU): ${noisy.length ? `⚠ above ${OTHER_CPU_WARN_PCT}% in ${noisy.map((r) => r.key).join(', ')}: their req/s and latencies are distorted; the server CPU µs/req ratios suffer less` : `below ${OTHER_CPU_WARN_PCT}% throughout`}.  `);
  md.push(`Load: autocannon, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per scenario, loopback; each server in its own process.  `);
  md.push(`Reference: bare Express 5 = mean of two runs (first and last): ${fmt(express.reqPerSec, 0)} req/s, p99 ${fmt(express.p99Ms)} ms; drift between them ${express.driftReqPerSec === undefined ? '–' : pct(express.driftReqPerSec)}. Compare ratios, not absolute numbers across runs.`);
  md.push('');
  md.push('| scenario | data | caller | req/s | p50 ms | p99 ms | peak RSS MB | server CPU µs/req | req/s vs Express | CPU/req: Express ÷ this | req/s vs node:http | p99 vs Express | non-2xx | other CPU % | probe |');
  md.push('|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const r of rows) {
    const flag = r.valid ? '' : ' ⚠ INVALID';
    md.push(`| ${r.label}${flag} | ${r.records ?? '–'} | ${r.auth ?? '–'} | ${fmt(r.reqPerSec, 0)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.peakRssMb, 0)} | ${fmt(r.cpuUsPerReq, 0)} | ${pct(r.reqVsExpress)} | ${pct(r.cpuEfficiencyVsExpress)} | ${pct(r.reqVsHttp)} | ${fmt(r.p99VsExpress)}× | ${r.non2xx ?? '–'} | ${fmt(r.otherCpuPct, 0)} | ${r.probe ?? ''}${r.after ? `; ${r.after}` : ''} |`);
  }
  md.push('');
  md.push(`Memory: ${MEMORY_SESSIONS.toLocaleString('en')} sessions (each one segment → one of ${MEMORY_RIGHTS.toLocaleString('en')} assigned rights) on the default fixtures: loaded in ${fmt(memory.loadMs, 0)} ms; RSS ${fmt(memory.rssBeforeMb, 0)} MB before, ${fmt(memory.rssAfterLoadMb, 0)} MB after loading, ${fmt(memory.rssAfterGcMb, 0)} MB after a forced GC (heap used ${fmt(memory.heapUsedAfterGcMb, 0)} MB).${memory.error ? ` FAILED: ${memory.error}` : ''}  `);
  md.push(`Ready time (\`node dist/cli.js mock --port 0\`, spawn → "listening on"): ${ready.runsMs.map((ms) => fmt(ms, 0)).join(', ')} ms, median ${fmt(ready.medianMs, 0)} ms.${ready.error ? ` FAILED: ${ready.error}` : ''}`);
  md.push('');
  md.push('| target | measured | target | |');
  md.push('|---|--:|---|:-:|');
  for (const t of targets) md.push(`| ${t.check} | ${t.measured} | ${t.target} | ${mark(t.pass)}${t.note ? ` ${t.note}` : ''} |`);
  const invalid = rows.filter((r) => !r.valid);
  if (invalid.length) {
    md.push('');
    md.push(`**⚠ ${invalid.length} scenario(s) INVALID** (a benchmark with errors measures the error path):`);
    for (const r of invalid) md.push(`- ${r.key}: ${r.invalidReasons.join('; ')}`);
  }
  md.push('');
  if (fanout) md.push(...fanoutMarkdown(fanout, DURATION_S, WARMUP_S, CONNECTIONS));
  process.stdout.write(md.join('\n') + '\n');

  // JSON
  const resultsDir = root('bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const json = {
    date: machine.date,
    machine,
    settings: { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, quick: QUICK, only: ONLY, profile: PROFILE },
    capturedAnswer: { path: PLACE_PATH, bytes: answer.body.length, contentType: answer.contentType },
    reference: express,
    scenarios: rows,
    flatness: { geo: { compared: '10,000 vs 100 places', p99Ratio: geoFlatness }, vrm: { compared: '100,000 vs 1,000 rights', p99Ratio: vrmFlatness } },
    memory,
    ready,
    fanout: fanout ?? { error: 'skipped (BENCH_ONLY)' },
    targets,
  };
  const file = ONLY ? 'partial.json' : 'latest.json'; // a subset never overwrites the full run
  writeFileSync(`${resultsDir}/${file}`, JSON.stringify(json, null, 2) + '\n');
  log(`results written to bench/results/${file}`);
}

await main();
