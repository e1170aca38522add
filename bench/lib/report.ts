// The benchmark report: ratios to the bare Express reference, the targets, the machine, and the Markdown tables.
import os from 'node:os';
import { FANOUT_MIN_RATIO, FANOUT_SUBSCRIBERS, fanoutMarkdown, type FanoutResult } from '../scenarios/fanout.js';
import { fmt, mark, pct } from './format.js';
import { MEMORY_RIGHTS, MEMORY_SESSIONS, PAIRED_ROUNDS, type MemoryResult, type ReadyResult, type ScenarioResult } from './measure.js';
import { CONNECTIONS, DURATION_S, MB, OTHER_CPU_WARN_PCT, READY_RUNS, WARMUP_S } from './settings.js';

export interface Target {
  check: string;
  measured: string;
  target: string;
  pass: boolean | undefined;
  note?: string;
}

/** The reference (mean of the two bare Express runs), every scenario's ratios to it, and the targets. */
export function summarize(results: ScenarioResult[], memory: MemoryResult, ready: ReadyResult, fanout: FanoutResult | undefined) {
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
  // A mock scenario's ratios are the medians of its paired rounds; the baselines' are to the standalone Express runs.
  const rows = results.map((r) => ({
    ...r,
    reqVsExpress: r.paired ? r.paired.reqRatio : r.reqPerSec !== undefined ? r.reqPerSec / express.reqPerSec : undefined,
    reqVsHttp: r.reqPerSec !== undefined && bareHttp?.reqPerSec ? r.reqPerSec / bareHttp.reqPerSec : undefined,
    p99VsExpress: r.paired ? r.paired.p99Ratio : r.p99Ms !== undefined ? r.p99Ms / express.p99Ms : undefined,
    /** Express CPU/req ÷ this CPU/req: the req/s ratio a contention-free machine would show (≈). */
    cpuEfficiencyVsExpress: r.paired ? r.paired.cpuRatio : r.cpuUsPerReq ? express.cpuUsPerReq / r.cpuUsPerReq : undefined,
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
    const expressP99 = r?.paired ? r.paired.express.p99Ms : express.p99Ms;
    targets.push({ check: `p99 ${r?.label ?? key}`, measured: `${fmt(r?.p99VsExpress)}× (${fmt(r?.p99Ms)} ms)`, target: `≤ 1.5× bare Express p99 (${fmt(expressP99)} ms${r?.paired ? ', its paired rounds' : ''})`, pass: r?.p99VsExpress === undefined || !r.valid ? undefined : r.p99VsExpress <= 1.5, note: validNote(key) });
  }
  // Both scenarios' p99 relative to their paired Express rounds: minutes apart, the machine's drift cancels out.
  const flatness = (big: string, small: string, check: string) => {
    const b = row(big);
    const s = row(small);
    const normalised = b?.paired && s?.paired;
    const ratio = normalised ? b.paired!.p99Ratio / s.paired!.p99Ratio : b?.p99Ms !== undefined && s?.p99Ms !== undefined ? b.p99Ms / s.p99Ms : undefined;
    const basis = normalised ? `p99 ÷ paired Express p99: ${fmt(b.paired!.p99Ratio)} / ${fmt(s.paired!.p99Ratio)}; raw ${fmt(b.p99Ms)} / ${fmt(s.p99Ms)} ms` : `${fmt(b?.p99Ms)} / ${fmt(s?.p99Ms)} ms`;
    targets.push({ check, measured: `${fmt(ratio)} (${basis})`, target: '≤ 1.2', pass: ratio === undefined || !b?.valid || !s?.valid ? undefined : ratio <= 1.2, note: validNote(big, small) });
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
  return { express, rows, targets, geoFlatness, vrmFlatness };
}

export type Summary = ReturnType<typeof summarize>;

export function machineInfo(startedAt: Date, loadAvgStart: number) {
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
  return machine;
}

export type Machine = ReturnType<typeof machineInfo>;

/** The report on stdout: the scenario table, memory and ready time, the targets, and the fan-out section. */
export function renderMarkdown(machine: Machine, summary: Summary, memory: MemoryResult, ready: ReadyResult, fanout: FanoutResult | undefined): string {
  const { express, rows, targets } = summary;
  const md: string[] = [];
  md.push(`# apds-conformance benchmark — ${machine.date}`);
  md.push('');
  md.push(`Machine: ${machine.cpus} CPU (${machine.cpuModel}), ${machine.totalMemMb} MB RAM, ${machine.platform}, Node ${machine.node}.  `);
  const noisy = rows.filter((r) => (r.otherCpuPct ?? 0) > OTHER_CPU_WARN_PCT);
  md.push(`1-min load average before the run: ${machine.loadAvg.start}. Other work on the machine during the measured runs ("other CPU", % of one CPU): ${noisy.length ? `⚠ above ${OTHER_CPU_WARN_PCT}% in ${noisy.map((r) => r.key).join(', ')}: their req/s and latencies are distorted; the server CPU µs/req ratios suffer less` : `below ${OTHER_CPU_WARN_PCT}% throughout`}.  `);
  md.push(`Load: autocannon, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per scenario, loopback; each server in its own process.  `);
  md.push(`Reference: every mock scenario's ${DURATION_S} s are measured in ${PAIRED_ROUNDS} rounds, each right after a round of the same length in which a bare Express 5 app (one child for the whole benchmark, one route) gets the same requests and answers them with the bytes the mock gave the scenario's probe. A mock row's ratios ("vs Express") are the medians over its rounds: the same traffic, seconds apart. The standalone bare Express runs (first and last, the GET /places/{id} bytes) give the baselines' ratios: mean ${fmt(express.reqPerSec, 0)} req/s, p99 ${fmt(express.p99Ms)} ms; the drift between them, ${express.driftReqPerSec === undefined ? '–' : pct(express.driftReqPerSec)}, is what pairing takes out. Compare ratios, not absolute numbers across runs.`);
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
  return md.join('\n') + '\n';
}
