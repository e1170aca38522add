// Outbound HTTP deliveries: one FIFO queue per target (so events of a resource arrive in order), asynchronous,
// retried with exponential backoff and (equal) jitter, bounded in attempts and in queue length (what is dropped is
// logged and counted), optionally signed with HMAC-SHA256. A target that is down never blocks the API.
import { createHmac, randomUUID } from 'node:crypto';
import type { DeliveryLog } from './delivery-log.js';
import { httpSend } from './http-send.js';

export interface DispatcherOptions {
  /** Attempts per event before it is given up (logged as failed); the default rides out an outage of about a minute. @default 10 */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. @default 500 */
  baseDelayMs?: number;
  /** @default 30000 */
  maxDelayMs?: number;
  /** Per-attempt timeout. @default 5000 */
  timeoutMs?: number;
  /** Events waiting per target; more are dropped (logged, counted). @default 1000 */
  maxQueue?: number;
  /** @default Math.random */
  random?: () => number;
  /** Send through this fetch instead of node:http (for tests). */
  fetch?: typeof fetch;
}

export interface DeliveryTarget {
  /** Queue key: one queue (and one order) per subscription. */
  subscriptionId: string;
  url: string;
  method: 'PUT' | 'POST';
  secret?: string;
  headers?: Record<string, string>;
}

export interface OutboundEvent {
  topic: string;
  resourceId: string;
  body: string;
  eventId?: string;
}

interface Job {
  target: DeliveryTarget;
  event: Required<OutboundEvent>;
  attempt: number;
}

interface Queue {
  jobs: Job[];
  busy: boolean;
  timer?: NodeJS.Timeout;
}

export function signature(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export class Dispatcher {
  readonly #queues = new Map<string, Queue>();
  readonly #options: Required<Omit<DispatcherOptions, 'fetch'>> & { fetch?: typeof fetch };
  #closed = false;
  /** Aborts what is in flight when the dispatcher closes. */
  readonly #stop = new AbortController();
  #idleWaiters: Array<() => void> = [];

  constructor(
    readonly log: DeliveryLog,
    options: DispatcherOptions = {},
  ) {
    this.#options = {
      maxAttempts: options.maxAttempts ?? 10,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 5000,
      maxQueue: options.maxQueue ?? 1000,
      random: options.random ?? Math.random,
      fetch: options.fetch,
    };
  }

  /** Queues one event for one target; returns the event id, or undefined when the queue was full. */
  enqueue(target: DeliveryTarget, event: OutboundEvent): string | undefined {
    if (this.#closed) return undefined;
    const full: Required<OutboundEvent> = { eventId: event.eventId ?? randomUUID(), ...event } as Required<OutboundEvent>;
    let queue = this.#queues.get(target.subscriptionId);
    if (!queue) this.#queues.set(target.subscriptionId, (queue = { jobs: [], busy: false }));
    if (queue.jobs.length >= this.#options.maxQueue) {
      this.log.record({ ...this.#describe({ target, event: full, attempt: 0 }), outcome: 'dropped', error: `queue full (${this.#options.maxQueue} waiting)` });
      return undefined;
    }
    this.log.counters.enqueued++;
    queue.jobs.push({ target, event: full, attempt: 0 });
    if (!queue.busy) void this.#drain(target.subscriptionId, queue);
    return full.eventId;
  }

  /** Events waiting or in flight, per subscription. */
  backlog(): Record<string, number> {
    return Object.fromEntries([...this.#queues].filter(([, q]) => q.jobs.length).map(([id, q]) => [id, q.jobs.length]));
  }

  /** Sends what still waits for a subscription to its new endpoint (method, secret) from the next attempt on. */
  retarget(subscriptionId: string, target: Partial<Omit<DeliveryTarget, 'subscriptionId'>>): void {
    for (const job of this.#queues.get(subscriptionId)?.jobs ?? []) job.target = { ...job.target, ...target };
  }

  /** Drops what waits for a subscription (it was deleted). */
  forget(subscriptionId: string): void {
    const queue = this.#queues.get(subscriptionId);
    if (!queue) return;
    clearTimeout(queue.timer);
    for (const job of queue.jobs.splice(0)) this.log.record({ ...this.#describe(job), outcome: 'dropped', error: 'subscription deleted' });
    this.#queues.delete(subscriptionId);
    this.#checkIdle();
  }

  /** Resolves when no event waits anywhere (for tests and clean shutdown). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  close(): void {
    this.#closed = true;
    this.#stop.abort();
    for (const queue of this.#queues.values()) clearTimeout(queue.timer);
    this.#queues.clear();
    this.#checkIdle();
  }

  #isIdle(): boolean {
    for (const q of this.#queues.values()) if (q.jobs.length || q.busy) return false;
    return true;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #describe(job: Job) {
    return {
      subscriptionId: job.target.subscriptionId,
      eventId: job.event.eventId,
      topic: job.event.topic,
      resourceId: job.event.resourceId,
      method: job.target.method,
      url: job.target.url,
      attempt: job.attempt,
    };
  }

  /** Delay before attempt n+1: "equal jitter", between half and all of an exponential ceiling (never bunched at 0). */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.#options.random() * ceiling) / 2);
  }

  async #drain(id: string, queue: Queue): Promise<void> {
    queue.busy = true;
    while (queue.jobs.length && !this.#closed) {
      const job = queue.jobs[0]!;
      job.attempt++;
      const result = await this.#attempt(job);
      if (this.#queues.get(id) !== queue) return; // forgotten meanwhile
      if (result.ok) {
        queue.jobs.shift();
        this.log.record({ ...this.#describe(job), outcome: 'delivered', status: result.status, latencyMs: result.latencyMs });
        continue;
      }
      if (job.attempt >= this.#options.maxAttempts) {
        queue.jobs.shift();
        this.log.record({ ...this.#describe(job), outcome: 'failed', status: result.status, latencyMs: result.latencyMs, error: result.error });
        continue;
      }
      const delay = this.backoffMs(job.attempt);
      this.log.record({ ...this.#describe(job), outcome: 'retrying', status: result.status, latencyMs: result.latencyMs, error: result.error, nextAttemptInMs: delay });
      await new Promise<void>((resolve) => {
        queue.timer = setTimeout(resolve, delay);
        queue.timer.unref();
      });
    }
    queue.busy = false;
    this.#checkIdle();
  }

  async #attempt(job: Job): Promise<{ ok: boolean; status?: number; latencyMs: number; error?: string }> {
    const { target, event } = job;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-NPP-Event-Id': event.eventId,
      'X-NPP-Topic': event.topic,
      'X-NPP-Subscription-Id': target.subscriptionId,
      'X-NPP-Delivery-Attempt': String(job.attempt),
      ...target.headers,
    };
    if (target.secret) headers['X-NPP-Signature'] = signature(target.secret, event.body);
    const started = performance.now();
    try {
      const status = await this.#send(target.url, { method: target.method, headers, body: event.body, timeoutMs: this.#options.timeoutMs });
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      if (status >= 200 && status < 300) return { ok: true, status, latencyMs };
      return { ok: false, status, latencyMs, error: `HTTP ${status}` };
    } catch (err) {
      const e = err as Error & { code?: string; cause?: { code?: string } };
      const error = e.name === 'TimeoutError' ? `timeout after ${this.#options.timeoutMs} ms` : (e.code ?? e.cause?.code ?? e.message);
      return { ok: false, latencyMs: Math.round((performance.now() - started) * 10) / 10, error };
    }
  }

  /** node:http by default; an injected fetch (tests) goes through fetch. */
  async #send(url: string, options: { method: string; headers: Record<string, string>; body: string; timeoutMs: number }): Promise<number> {
    if (!this.#options.fetch) return (await httpSend(url, { ...options, signal: this.#stop.signal })).status;
    const response = await this.#options.fetch(url, { method: options.method, headers: options.headers, body: options.body, signal: AbortSignal.timeout(options.timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  }
}
