// The benchmark's settings (from the environment), paths, logging and bounded fetch, shared by bench/run.ts and its parts.
import { fileURLToPath } from 'node:url';

export const QUICK = process.env.BENCH_QUICK === '1';
export const DURATION_S = Number(process.env.BENCH_DURATION ?? (QUICK ? 1 : 10));
export const WARMUP_S = 1;
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
export const READY_RUNS = 3;
export const ONLY = process.env.BENCH_ONLY?.split(',').map((k) => k.trim()).filter(Boolean);
export const PROFILE = process.env.BENCH_PROFILE === '1';
export const MB = 1024 * 1024;
export const OTHER_CPU_WARN_PCT = 15;

export const root = (relative: string) => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

export type Headers = Record<string, string>;
export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
/** Every probe is bounded in time too. */
export const fetchBounded = (url: string, init: RequestInit = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });

if (!Number.isFinite(DURATION_S) || DURATION_S <= 0 || DURATION_S > 120) throw new Error(`BENCH_DURATION must be 0 < s ≤ 120, got ${process.env.BENCH_DURATION}`);
