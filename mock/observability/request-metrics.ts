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
  readonly #samples: RequestSample[] = [];
  /** `${organisation}|${statusClass}` → totals since start/reset (organisation empty when anonymous). */
  readonly #totals = new Map<string, RequestTotals>();

  constructor(readonly capacity = SAMPLE_CAPACITY) {}

  record(sample: RequestSample): void {
    this.#samples.push(sample);
    if (this.#samples.length > this.capacity) this.#samples.splice(0, this.#samples.length - this.capacity);
    const key = `${sample.organisation ?? ''}|${sample.statusClass}`;
    const totals = this.#totals.get(key) ?? { count: 0, totalMs: 0 };
    totals.count++;
    totals.totalMs += sample.durationMs;
    this.#totals.set(key, totals);
  }

  /** The kept samples, oldest first (at most `capacity`). */
  samples(): readonly RequestSample[] {
    return this.#samples;
  }

  /** Totals since start or reset, by organisation ('' when anonymous) and status class. */
  totals(): Array<{ organisation: string; statusClass: StatusClass } & RequestTotals> {
    return [...this.#totals].map(([key, t]) => {
      const [organisation, statusClass] = key.split('|') as [string, StatusClass];
      return { organisation, statusClass, ...t };
    });
  }

  clear(): void {
    this.#samples.length = 0;
    this.#totals.clear();
  }

  /** Records a finished request (not the test controls); `nowMs` is the mock clock for requests without a context. */
  recordFinished(req: Request, res: Response, startedNs: bigint, nowMs: () => number): void {
    if (req.originalUrl.startsWith('/__admin')) return;
    const ctx = res.locals.ctx as RequestContext | undefined;
    this.record({
      atMs: ctx?.nowMs ?? nowMs(),
      statusClass: statusClassOf(res.statusCode),
      durationMs: Number(process.hrtime.bigint() - startedNs) / 1e6,
      ...(ctx?.authenticated ? { organisation: ctx.principal.organisation } : {}),
    });
  }

}
