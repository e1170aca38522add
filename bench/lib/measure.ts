// Running the benchmark's measurements, each in its own server child: one load scenario, the memory run (100,000
// sessions) and the ready time of the CLI.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { apiKey, SP, type Scenario } from '../scenarios/api.js';
import { machineCpu, type MachineCpu } from './cpu.js';
import { load, type LoadResult } from './load.js';
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
  error?: string;
}

export async function runScenario(s: Scenario, baselineEnv: NodeJS.ProcessEnv): Promise<ScenarioResult> {
  const out: ScenarioResult = { key: s.key, label: s.label, records: s.records, path: s.path, method: s.method ?? 'GET', auth: s.authNote, valid: true, invalidReasons: [] };
  let server: ServerProcess | undefined;
  try {
    const execArgv = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${root('bench/results/profiles')}`, `--cpu-prof-name=${s.key}.cpuprofile`] : [];
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
