// Drives autocannon against one server for a given time, bounded. Latencies are collected from every response
// (autocannon's histogram rounds to whole ms; ours keeps µs), so stretches of load can be merged.
import autocannon, { type AutocannonRequest } from 'autocannon';

export interface LoadOptions {
  url: string;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Builds the request path or body each time (fresh session ids, rotating VRMs). */
  setupRequest?: AutocannonRequest['setupRequest'];
  connections: number;
  durationS: number;
  warmupS: number;
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Stretch extends LoadResult {
  /** Every response's latency, ms, ascending. */
  latencies: Float64Array;
  seconds: number;
}

/** One stretch of load. */
export function runLoad(options: LoadOptions, durationS: number): Promise<Stretch> {
  const request: AutocannonRequest = { method: options.method ?? 'GET', path: options.path, headers: options.headers };
  if (options.setupRequest) request.setupRequest = options.setupRequest;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      { url: options.url, connections: options.connections, duration: durationS, requests: [request], timeout: 10 },
      (err, result) => {
        if (err) return reject(err);
        const elapsedS = (performance.now() - started) / 1000;
        const sorted = Float64Array.from(latencies).sort();
        const non2xx = Object.entries(statusCodes).reduce((n, [code, c]) => (code.startsWith('2') ? n : n + c), 0);
        const seconds = Math.min(elapsedS, result.duration || elapsedS);
        resolve({
          latencies: sorted,
          seconds,
          requests: latencies.length,
          reqPerSec: latencies.length / seconds,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      latencies.push(responseTimeMs);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
}

/** Warm-up (results dropped), `between` (e.g. reset the RSS peak), then the measured run. */
export async function load(options: LoadOptions, between?: () => Promise<void>): Promise<LoadResult & { warmup: LoadResult }> {
  const { latencies: _warmupLatencies, seconds: _warmupSeconds, ...warmup } = await runLoad(options, options.warmupS);
  await between?.();
  const { latencies: _latencies, seconds: _seconds, ...measured } = await runLoad(options, options.durationS);
  return { ...measured, warmup };
}
