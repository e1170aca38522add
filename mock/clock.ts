// The mock's virtual clock: real time by default; pinned or moved so 2021/2023 seed data replays meaningfully.

export interface ClockState {
  now: string;
  pinned: boolean;
}

export class VirtualClock {
  #pinnedAt: number | undefined;
  #offsetMs = 0;

  constructor(pinned?: number) {
    this.#pinnedAt = pinned;
  }

  nowMs(): number {
    return this.#pinnedAt ?? Date.now() + this.#offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Freezes time at `ms`; `undefined` returns to real time (and forgets any offset). */
  pin(ms: number | undefined): void {
    this.#pinnedAt = ms;
    this.#offsetMs = 0;
  }

  /** Moves time forward (or back): a pinned clock stays pinned, a running clock keeps running. */
  advance(ms: number): void {
    if (this.#pinnedAt !== undefined) this.#pinnedAt += ms;
    else this.#offsetMs += ms;
  }

  state(): ClockState {
    return { now: new Date(this.nowMs()).toISOString(), pinned: this.#pinnedAt !== undefined };
  }
}

/** The range of instants a JavaScript Date can hold (±100,000,000 days around 1970). */
const MAX_INSTANT_MS = 8.64e15;

/** Parses an instant given as ISO 8601 or epoch seconds; `undefined` when it is neither or out of range. */
export function parseInstant(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value * 1000;
  else if (typeof value === 'string' && value.trim() !== '') ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_INSTANT_MS ? ms : undefined;
}

/** Parses an ISO 8601 duration such as PT1H30M (years and months as 365/30 days). */
export function parseDurationMs(value: string): number | undefined {
  const m = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return undefined;
  const [, sign, y, mo, w, d, h, mi, s] = m;
  const days = Number(y ?? 0) * 365 + Number(mo ?? 0) * 30 + Number(w ?? 0) * 7 + Number(d ?? 0);
  const ms = ((days * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  return sign ? -ms : ms;
}
