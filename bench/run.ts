// `npm run bench`: throughput, latency and memory of the mock against bare Express / node:http baselines measured
// in the same run. Markdown to stdout, JSON to bench/results/latest.json, progress to stderr.
// Env: BENCH_DURATION=<s> (default 10), BENCH_QUICK=1 (1 s runs, smoke test), BENCH_CONNECTIONS (default 16),
// BENCH_ONLY=<key,key> (run some scenarios, `memory`, `ready`, `fanout`), BENCH_PROFILE=1 (--cpu-prof the server children
// into bench/results/profiles/).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { MEMORY_RIGHTS, MEMORY_SESSIONS, runMemory, runReady, runScenario, startReference, type ScenarioResult } from './lib/measure.js';
import { machineInfo, renderMarkdown, summarize } from './lib/report.js';
import { CONNECTIONS, DURATION_S, log, ONLY, PROFILE, QUICK, root, WARMUP_S } from './lib/settings.js';
import { captureMockAnswer, PLACE_PATH, SCENARIOS } from './scenarios/api.js';
import { runFanout, type FanoutResult } from './scenarios/fanout.js';

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAvgStart = os.loadavg()[0]!;
  log(`duration ${DURATION_S} s per scenario after ${WARMUP_S} s warm-up, ${CONNECTIONS} connections${QUICK ? ' (BENCH_QUICK)' : ''}`);
  const answer = await captureMockAnswer();
  log(`captured GET ${PLACE_PATH}: ${answer.body.length} B, ${answer.contentType}`);
  const baselineEnv = { BENCH_BODY_B64: answer.body.toString('base64'), BENCH_CONTENT_TYPE: answer.contentType };

  const chosen = SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.key));
  const reference = chosen.some((s) => s.server === 'mock') ? await startReference(baselineEnv) : undefined;
  const results: ScenarioResult[] = [];
  try {
    for (const s of chosen) results.push(await runScenario(s, baselineEnv, reference));
  } finally {
    await reference?.server.stop();
  }
  const memory = !ONLY || ONLY.includes('memory') ? await runMemory() : { sessions: MEMORY_SESSIONS, rights: MEMORY_RIGHTS, error: 'skipped (BENCH_ONLY)' };
  const ready = !ONLY || ONLY.includes('ready') ? await runReady() : { runsMs: [], medianMs: NaN, error: 'skipped (BENCH_ONLY)' };
  const fanout: FanoutResult | undefined =
    !ONLY || ONLY.includes('fanout')
      ? await runFanout({ connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, quick: QUICK, profileDir: PROFILE ? root('bench/results/profiles') : undefined, log })
      : undefined;

  const summary = summarize(results, memory, ready, fanout);
  const { express, rows, targets, geoFlatness, vrmFlatness } = summary;
  const machine = machineInfo(startedAt, loadAvgStart);
  process.stdout.write(renderMarkdown(machine, summary, memory, ready, fanout));

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
