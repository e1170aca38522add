// Every delivery attempt (and every dropped event), in a fixed-size ring for /__admin/deliveries.

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'dropped';

export interface DeliveryRecord {
  seq: number;
  time: string;
  subscriptionId: string;
  eventId: string;
  topic: string;
  resourceId: string;
  method: string;
  url: string;
  attempt: number;
  outcome: DeliveryOutcome;
  status?: number;
  latencyMs?: number;
  error?: string;
  nextAttemptInMs?: number;
}

export interface DeliveryCounters {
  enqueued: number;
  delivered: number;
  failed: number;
  dropped: number;
  attempts: number;
}

export class DeliveryLog {
  readonly #ring: (DeliveryRecord | undefined)[];
  #next = 0;
  #seq = 0;
  readonly counters: DeliveryCounters = { enqueued: 0, delivered: 0, failed: 0, dropped: 0, attempts: 0 };

  constructor(readonly capacity = 2000) {
    this.#ring = new Array(Math.max(1, capacity));
  }

  record(entry: Omit<DeliveryRecord, 'seq' | 'time'>): DeliveryRecord {
    const record = { seq: ++this.#seq, time: new Date().toISOString(), ...entry };
    this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.#ring.length;
    if (entry.outcome !== 'dropped') this.counters.attempts++;
    if (entry.outcome === 'delivered') this.counters.delivered++;
    else if (entry.outcome === 'failed') this.counters.failed++;
    else if (entry.outcome === 'dropped') this.counters.dropped++;
    return record;
  }

  entries(filter: { subscriptionId?: string; limit?: number } = {}): DeliveryRecord[] {
    const out: DeliveryRecord[] = [];
    for (let i = 0; i < this.#ring.length; i++) {
      const r = this.#ring[(this.#next + i) % this.#ring.length];
      if (r && (!filter.subscriptionId || r.subscriptionId === filter.subscriptionId)) out.push(r);
    }
    return out.slice(Math.max(0, out.length - (filter.limit ?? this.capacity)));
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    for (const key of Object.keys(this.counters) as Array<keyof DeliveryCounters>) this.counters[key] = 0;
  }
}
