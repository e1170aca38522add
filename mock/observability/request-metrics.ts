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

const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];
const ANONYMOUS = -1;

export class RequestMetrics {
  // A ring in columns: recording is O(1) however full it is, and allocates nothing that outlives the request (one
  // object per sample would be kept for 10,000 requests, and copying such survivors is what garbage collection costs).
  readonly #atMs: Float64Array;
  readonly #durationMs: Float64Array;
  /** Index into STATUS_CLASSES, or 255 for an empty slot. */
  readonly #statusClass: Uint8Array;
  /** Index into #organisations, or ANONYMOUS. */
  readonly #organisation: Int32Array;
  readonly #organisations: string[] = [];
  readonly #organisationIndex = new Map<string, number>();
  #next = 0;
  /** `${organisation}|${statusClass}` → totals since start/reset (organisation empty when anonymous). */
  readonly #totals = new Map<string, RequestTotals>();

  constructor(readonly capacity = SAMPLE_CAPACITY) {
    const size = Math.max(1, capacity);
    this.#atMs = new Float64Array(size);
    this.#durationMs = new Float64Array(size);
    this.#statusClass = new Uint8Array(size).fill(255);
    this.#organisation = new Int32Array(size);
  }

  record(sample: RequestSample): void {
    const at = this.#next;
    this.#atMs[at] = sample.atMs;
    this.#durationMs[at] = sample.durationMs;
    this.#statusClass[at] = STATUS_CLASSES.indexOf(sample.statusClass);
    this.#organisation[at] = sample.organisation === undefined ? ANONYMOUS : this.#internOrganisation(sample.organisation);
    this.#next = (at + 1) % this.#atMs.length;
    const key = `${sample.organisation ?? ''}|${sample.statusClass}`;
    const totals = this.#totals.get(key);
    if (totals) {
      totals.count++;
      totals.totalMs += sample.durationMs;
    } else this.#totals.set(key, { count: 1, totalMs: sample.durationMs });
  }

  #internOrganisation(organisation: string): number {
    let index = this.#organisationIndex.get(organisation);
    if (index === undefined) {
      index = this.#organisations.push(organisation) - 1;
      this.#organisationIndex.set(organisation, index);
    }
    return index;
  }

  /** The kept samples, oldest first (at most `capacity`). */
  samples(): readonly RequestSample[] {
    const out: RequestSample[] = [];
    const size = this.#atMs.length;
    for (let i = 0; i < size; i++) {
      const at = (this.#next + i) % size;
      const statusClass = STATUS_CLASSES[this.#statusClass[at]!];
      if (statusClass === undefined) continue;
      const organisation = this.#organisation[at]!;
      out.push({ atMs: this.#atMs[at]!, statusClass, durationMs: this.#durationMs[at]!, ...(organisation === ANONYMOUS ? {} : { organisation: this.#organisations[organisation]! }) });
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
    this.#statusClass.fill(255);
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
