// Request counts and latency of the API (not /__admin), by status class and caller organisation, since the mock
// started or was last reset; the last samples are kept for time-range queries of PUT /observability/status.
import type { Request, Response } from 'express';
import type { RequestContext } from '../http/context.js';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export interface RequestSample {
  /** Mock-clock instant the request was handled at (epoch ms). */
  atMs: number;
  statusClass: StatusClass;
  durationMs: number;
  /** The authenticated caller's organisation. */
  organisation?: string;
}

export interface RequestTotals {
  count: number;
  totalMs: number;
}

export const SAMPLE_CAPACITY = 10_000;

export const statusClassOf = (status: number): StatusClass => `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx` as StatusClass;

export class RequestMetrics {
  /** A ring: recording is O(1) however full it is. */
  readonly #ring: (RequestSample | undefined)[];
  #next = 0;
  /** `${organisation}|${statusClass}` → totals since start/reset (organisation empty when anonymous). */
  readonly #totals = new Map<string, RequestTotals>();

  constructor(readonly capacity = SAMPLE_CAPACITY) {
    this.#ring = new Array(Math.max(1, capacity));
  }

  record(sample: RequestSample): void {
    this.#ring[this.#next] = sample;
    this.#next = (this.#next + 1) % this.#ring.length;
    const key = `${sample.organisation ?? ''}|${sample.statusClass}`;
    const totals = this.#totals.get(key) ?? { count: 0, totalMs: 0 };
    totals.count++;
    totals.totalMs += sample.durationMs;
    this.#totals.set(key, totals);
  }

  /** The kept samples, oldest first (at most `capacity`). */
  samples(): readonly RequestSample[] {
    const out: RequestSample[] = [];
    for (let i = 0; i < this.#ring.length; i++) {
      const sample = this.#ring[(this.#next + i) % this.#ring.length];
      if (sample) out.push(sample);
    }
    return out;
  }

  /** Totals since start or reset, by organisation ('' when anonymous) and status class. */
  totals(): Array<{ organisation: string; statusClass: StatusClass } & RequestTotals> {
    return [...this.#totals].map(([key, t]) => {
      const [organisation, statusClass] = key.split('|') as [string, StatusClass];
      return { organisation, statusClass, ...t };
    });
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#totals.clear();
  }

  /** Records a finished request (not the test controls); `nowMs` is the mock clock for requests without a context. */
  recordFinished(req: Request, res: Response, durationMs: number, nowMs: () => number): void {
    if (req.originalUrl.startsWith('/__admin')) return;
    const ctx = res.locals.ctx as RequestContext | undefined;
    this.record({
      atMs: ctx?.nowMs ?? nowMs(),
      statusClass: statusClassOf(res.statusCode),
      durationMs,
      ...(ctx?.authenticated ? { organisation: ctx.principal.organisation } : {}),
    });
  }

}
