// The fan-out section of the benchmark report (Markdown): the delivery and throughput tables and the verdict.
import type { DeliveryCounters } from '../../mock/events/delivery-log.js';
import { FANOUT_MIN_RATIO, OTHER_CPU_WARN_PCT, type Checked, type FanoutResult } from './fanout-model.js';

export const fmt = (n: number | null | undefined, digits = 2) => (typeof n !== 'number' || !Number.isFinite(n) ? '–' : n.toFixed(digits));
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
