// System alerts (NPP /observability/events): kept by id, the last `capacity` changed ones, oldest change first.
import type { Json } from '../dialect/common.js';

export interface StoredAlert {
  /** The SystemAlert as posted (with the id the platform gave it when it had none). */
  alert: Json & { id: string };
  /** When the platform first recorded it (epoch ms, mock clock). */
  receivedAtMs: number;
  /** When it last changed (epoch ms, mock clock): what `modified-since` compares with. */
  modifiedAtMs: number;
  /** Organisation that reported it (absent when anonymous or with access control off). */
  reporter?: string;
}

export const ALERT_CAPACITY = 1000;

export class AlertLog {
  /** Insertion order is modification order: a re-posted alert moves to the end. */
  readonly #alerts = new Map<string, StoredAlert>();

  constructor(readonly capacity = ALERT_CAPACITY) {}

  get size(): number {
    return this.#alerts.size;
  }

  get(id: string): StoredAlert | undefined {
    return this.#alerts.get(id);
  }

  /** Records a new alert or a new state of a known one; returns whether it was new. */
  put(alert: Json & { id: string }, nowMs: number, reporter?: string): { stored: StoredAlert; created: boolean } {
    const previous = this.#alerts.get(alert.id);
    this.#alerts.delete(alert.id);
    const stored: StoredAlert = { alert, receivedAtMs: previous?.receivedAtMs ?? nowMs, modifiedAtMs: nowMs, ...(reporter ? { reporter } : {}) };
    this.#alerts.set(alert.id, stored);
    while (this.#alerts.size > this.capacity) this.#alerts.delete(this.#alerts.keys().next().value!);
    return { stored, created: previous === undefined };
  }

  /** Alerts changed at or after `sinceMs`, oldest change first. */
  since(sinceMs: number): StoredAlert[] {
    return [...this.#alerts.values()].filter((a) => a.modifiedAtMs >= sinceMs);
  }

  clear(): void {
    this.#alerts.clear();
  }

  dump(): StoredAlert[] {
    return [...this.#alerts.values()];
  }

  restore(alerts: StoredAlert[]): void {
    this.clear();
    for (const a of alerts) if (a && typeof a.alert?.id === 'string') this.#alerts.set(a.alert.id, a);
  }
}
