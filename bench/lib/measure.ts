// Running the benchmark's measurements, each in its own server child: one load scenario, the memory run (100,000
// sessions) and the ready time of the CLI.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { apiKey, SP, type RecordedAnswer, type Scenario } from '../scenarios/api.js';
import { machineCpu } from './cpu.js';
import { percentile, runLoad, type LoadOptions, type LoadResult, type Stretch } from './load.js';
import { fmt } from './format.js';
import { startServer, type ServerProcess } from './server-process.js';
import { CONNECTIONS, DURATION_S, fetchBounded, log, MB, PROFILE, READY_RUNS, root, WARMUP_S } from './settings.js';

export interface ScenarioResult extends Partial<LoadResult> {
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
  /** A mock scenario's measured run in rounds, each right after a round of the bare Express reference. */
  paired?: Paired;
  error?: string;
}

/** The bare Express child every mock scenario is paired with; it runs for the whole benchmark. */
export interface Reference {
  server: ServerProcess;
  url: string;
}

export interface RoundFigures {
  reqPerSec: number;
  p99Ms: number;
  cpuUsPerReq?: number;
}

export interface Paired {
  rounds: Array<{ express: RoundFigures; mock: RoundFigures }>;
  /** Medians over the rounds of this ÷ Express (req/s, p99) and Express ÷ this (CPU per response). */
  reqRatio: number;
  p99Ratio: number;
  cpuRatio?: number;
  /** The reference's rounds merged. */
  express: RoundFigures;
}

/** Rounds per mock scenario: the measured time is split between them. */
export const PAIRED_ROUNDS = 5;

interface Measured extends Stretch {
  cpuUs: number;
  /** Busy CPU of everything else on the machine, µs (undefined off Linux). */
  otherUs?: number;
  wallUs: number;
}

/** One stretch of load on a server, with the server's CPU time and the rest of the machine's. */
async function measureStretch(server: ServerProcess, options: LoadOptions, durationS: number): Promise<Measured> {
  const cpuBefore = (await server.rss()).cpuUs;
  const machineBefore = machineCpu();
  const selfBefore = process.cpuUsage();
  const from = performance.now();
  const stretch = await runLoad(options, durationS);
  const wallUs = (performance.now() - from) * 1000;
  const machineAfter = machineCpu();
  const self = process.cpuUsage(selfBefore);
  const cpuUs = (await server.rss()).cpuUs - cpuBefore;
  const otherUs = machineBefore && machineAfter ? Math.max(0, machineAfter.busyUs - machineBefore.busyUs - cpuUs - (self.user + self.system)) : undefined;
  return { ...stretch, cpuUs, otherUs, wallUs };
}

function merge(parts: Measured[]): Measured {
  const sum = (f: (m: Measured) => number) => parts.reduce((n, m) => n + f(m), 0);
  const latencies = new Float64Array(sum((m) => m.latencies.length));
  let at = 0;
  for (const m of parts) {
    latencies.set(m.latencies, at);
    at += m.latencies.length;
  }
  latencies.sort();
  const statusCodes: Record<string, number> = {};
  for (const m of parts) for (const [code, n] of Object.entries(m.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const seconds = sum((m) => m.seconds);
  return {
    latencies,
    seconds,
    requests: sum((m) => m.requests),
    reqPerSec: sum((m) => m.requests) / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    statusCodes,
    cpuUs: sum((m) => m.cpuUs),
    otherUs: parts.every((m) => m.otherUs !== undefined) ? sum((m) => m.otherUs!) : undefined,
    wallUs: sum((m) => m.wallUs),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const figures = (m: Measured): RoundFigures => ({ reqPerSec: m.reqPerSec, p99Ms: m.p99Ms, cpuUsPerReq: m.requests ? m.cpuUs / m.requests : undefined });

function pair(express: Measured[], mock: Measured[]): Paired {
  const rounds = mock.map((m, i) => ({ express: figures(express[i]!), mock: figures(m) }));
  const cpuRatios = rounds.filter((r) => r.express.cpuUsPerReq && r.mock.cpuUsPerReq).map((r) => r.express.cpuUsPerReq! / r.mock.cpuUsPerReq!);
  return {
    rounds,
    reqRatio: median(rounds.map((r) => r.mock.reqPerSec / r.express.reqPerSec)),
    p99Ratio: median(rounds.map((r) => r.mock.p99Ms / r.express.p99Ms)),
    cpuRatio: cpuRatios.length === rounds.length ? median(cpuRatios) : undefined,
    express: figures(merge(express)),
  };
}

/** Starts the bare Express reference (bench/servers/bare-express.ts). */
export async function startReference(baselineEnv: NodeJS.ProcessEnv): Promise<Reference> {
  const server = await startServer('bare-express', [], { env: baselineEnv });
  log(`reference: bare Express at ${server.url}, paired with every mock scenario (${PAIRED_ROUNDS} rounds each)`);
  return { server, url: server.url };
}

/** Has the reference answer the scenario's requests with the bytes the mock gave its probe, and warms it up. */
async function pairReference(reference: Reference, s: Scenario, answer: RecordedAnswer | undefined, options: LoadOptions): Promise<LoadOptions> {
  if (!answer) throw new Error('the probe recorded no answer for the paired bare Express to give');
  await reference.server.ask('answer', { method: s.method ?? 'GET', route: s.baselineRoute, status: answer.status, contentType: answer.contentType, bodyB64: answer.body.toString('base64') });
  const referenceOptions = { ...options, url: reference.url };
  await runLoad(referenceOptions, WARMUP_S);
  return referenceOptions;
}

/**
 * One scenario in its own server child: probe, warm-up, the measured run, checks. With a reference, a mock
 * scenario's measured run is split into rounds, each right after a round of the same length in which the reference
 * gets the same requests and answers them with the bytes the mock gave the probe: the ratios compare the same
 * traffic seconds apart, however the machine's load drifts.
 */
export async function runScenario(s: Scenario, baselineEnv: NodeJS.ProcessEnv, reference?: Reference): Promise<ScenarioResult> {
  const out: ScenarioResult = { key: s.key, label: s.label, records: s.records, path: s.path, method: s.method ?? 'GET', auth: s.authNote, valid: true, invalidReasons: [] };
  let server: ServerProcess | undefined;
  try {
    const execArgv = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${root('bench/results/profiles')}`, `--cpu-prof-name=${s.key}.cpuprofile`] : [];
    server = await startServer(s.server, s.args ?? [], { env: s.server === 'mock' ? {} : baselineEnv, execArgv });
    out.serverReadyMs = server.readyMs;
    out.loadMs = server.ready.loadMs;
    const headers = { ...s.headers, ...(await s.auth?.(server.url)) };
    const probe = await s.probe?.(server.url, headers);
    if (probe) {
      out.probe = probe.note;
      if (!probe.ok) out.invalidReasons.push(`probe: ${probe.note}`);
    }
    const paired = reference && s.server === 'mock';
    log(`${s.key}: ${server.url} ready in ${server.readyMs.toFixed(0)} ms${out.probe ? ` (${out.probe})` : ''}; ${WARMUP_S} s warm-up + ${DURATION_S} s${paired ? ` in ${PAIRED_ROUNDS} rounds paired with bare Express` : ''}`);
    const options: LoadOptions = { url: server.url, path: s.path, method: s.method, headers, setupRequest: s.setupRequest?.(), connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S };
    const warmup = await runLoad(options, WARMUP_S);
    await server.resetPeak();
    const mine: Measured[] = [];
    const theirs: Measured[] = [];
    if (paired) {
      const referenceOptions = await pairReference(reference, s, probe?.answer, options);
      for (let i = 0; i < PAIRED_ROUNDS; i++) {
        theirs.push(await measureStretch(reference.server, referenceOptions, DURATION_S / PAIRED_ROUNDS));
        mine.push(await measureStretch(server, options, DURATION_S / PAIRED_ROUNDS));
      }
      out.paired = pair(theirs, mine);
    } else mine.push(await measureStretch(server, options, DURATION_S));
    const { latencies: _latencies, seconds: _seconds, cpuUs, otherUs, wallUs, ...result } = merge(mine);
    const rss = await server.rss();
    Object.assign(out, result);
    out.cpuUsPerReq = result.requests ? cpuUs / result.requests : undefined;
    out.otherCpuPct = otherUs === undefined ? undefined : (otherUs / wallUs) * 100;
    out.warmupReqPerSec = warmup.reqPerSec;
    out.peakRssMb = Math.max(rss.maxRss, rss.peakSampled) / MB;
    out.peakRssDuringRunMb = rss.peakSampled / MB;
    if (s.after) {
      const after = await s.after(server.url, headers);
      out.after = after.note;
      if (!after.ok) out.invalidReasons.push(`after: ${after.note}`);
    }
    const warmupBad = warmup.non2xx + warmup.errors;
    const referenceBad = theirs.reduce((n, m) => n + m.non2xx + m.errors + m.timeouts, 0);
    if (result.non2xx) out.invalidReasons.push(`${result.non2xx} non-2xx responses (${JSON.stringify(result.statusCodes)})`);
    if (result.errors || result.timeouts) out.invalidReasons.push(`${result.errors} errors, ${result.timeouts} timeouts`);
    if (warmupBad) out.invalidReasons.push(`warm-up: ${warmup.non2xx} non-2xx, ${warmup.errors} errors`);
    if (referenceBad) out.invalidReasons.push(`the paired Express reference had ${referenceBad} failed responses`);
    const ratios = out.paired ? `; vs paired Express: req/s ${(out.paired.reqRatio * 100).toFixed(0)}%, CPU/req ${fmt(out.paired.cpuRatio === undefined ? undefined : out.paired.cpuRatio * 100, 0)}%, p99 ${out.paired.p99Ratio.toFixed(2)}×` : '';
    log(`${s.key}: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, peak RSS ${out.peakRssMb.toFixed(0)} MB, server CPU ${fmt(out.cpuUsPerReq, 0)} µs/req, other CPU ${fmt(out.otherCpuPct, 0)}%${ratios}`);
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
export const MEMORY_SESSIONS = 100_000;
export const MEMORY_RIGHTS = 1_000;
export interface MemoryResult {
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

export async function runMemory(): Promise<MemoryResult> {
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

export interface ReadyResult {
  runsMs: number[];
  medianMs: number;
  error?: string;
}

export async function runReady(): Promise<ReadyResult> {
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
