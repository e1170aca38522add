// The metrics of PUT /observability/status (E36), computed from the mock's own state: request samples, the
// stored sessions and rights, and the webhook dispatcher.
import type { Json } from '../dialect/common.js';
import type { DeliveryLog } from '../events/delivery-log.js';
import type { Dispatcher } from '../events/dispatcher.js';
import { badRequest } from '../http/errors.js';
import { instantMs } from '../resources/filters.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import type { RequestMetrics } from './request-metrics.js';

export interface MetricSources {
  store: PlatformStore;
  metrics: RequestMetrics;
  dispatcher: Dispatcher;
  deliveries: DeliveryLog;
}

interface Range {
  startMs: number;
  endMs: number;
  stepMs?: number;
}

interface Filters {
  providers?: Set<string>;
  range?: Range;
}

/** Something that happened: `value` adds up; an average divides the values by the weights. */
interface Event {
  atMs: number;
  value: number;
  weight?: number;
  group?: string;
  provider?: string;
}

interface MetricDefinition {
  name: string;
  description: string;
  aggregator: 'sum' | 'average';
  groupBy?: string[];
  /** A gauge is a value now: time ranges do not apply. */
  gauge?: boolean;
  events(sources: MetricSources, filters: Filters, nowMs: number): Event[];
}

const GRANULARITY_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };
export const MAX_DATA_POINTS = 1440;

const providerOfSession = (session: Entity, store: PlatformStore): string | undefined => {
  for (const segment of Array.isArray(session.segments) ? session.segments : []) {
    const issuer = store.assignedRights.get(segment?.assignedRight?.id)?.assignedRightIssuer?.id;
    if (typeof issuer === 'string') return issuer;
  }
  return typeof session.initiator?.id === 'string' ? session.initiator.id : undefined;
};

const DEFINITIONS: MetricDefinition[] = [
  {
    name: 'npp.api.requests.count',
    description: 'API requests answered (test controls excluded), per status class (primaryGroup); the service-provider filter keeps the requests of those organisations',
    aggregator: 'sum',
    events: ({ metrics }, filters, nowMs) =>
      filters.range
        ? metrics.samples().map((s) => ({ atMs: s.atMs, value: 1, group: s.statusClass, provider: s.organisation }))
        : metrics.totals().map((t) => ({ atMs: nowMs, value: t.count, group: t.statusClass, provider: t.organisation || undefined })),
  },
  {
    name: 'npp.api.responsetime.average',
    description: 'average response time of the API in milliseconds, per status class (primaryGroup)',
    aggregator: 'average',
    events: ({ metrics }, filters, nowMs) =>
      filters.range
        ? metrics.samples().map((s) => ({ atMs: s.atMs, value: s.durationMs, weight: 1, group: s.statusClass, provider: s.organisation }))
        : metrics.totals().map((t) => ({ atMs: nowMs, value: t.totalMs, weight: t.count, group: t.statusClass, provider: t.organisation || undefined })),
  },
  {
    name: 'npp.ingestion.dataset.sessions.count',
    description: 'session records received (live ones), per service provider (primaryGroup: the issuer of the session\'s assigned right, else its initiator)',
    aggregator: 'sum',
    groupBy: ['service-provider'],
    events: ({ store }) =>
      [...store.sessions.values()].map((s) => {
        const provider = providerOfSession(s, store) ?? 'unknown';
        return { atMs: store.sessions.record(s.id)!.createdAt, value: 1, group: provider, provider };
      }),
  },
  {
    name: 'npp.ingestion.dataset.rights.count',
    description: 'assigned right records received (live ones), per service provider (primaryGroup: the right\'s issuer)',
    aggregator: 'sum',
    groupBy: ['service-provider'],
    events: ({ store }) =>
      [...store.assignedRights.values()].map((r) => {
        const provider = typeof r.assignedRightIssuer?.id === 'string' ? r.assignedRightIssuer.id : 'unknown';
        return { atMs: store.assignedRights.record(r.id)!.createdAt, value: 1, group: provider, provider };
      }),
  },
  {
    name: 'npp.webhooks.backlog',
    description: 'webhook events waiting for delivery now; the service-provider filter keeps the subscriptions of those organisations',
    aggregator: 'sum',
    gauge: true,
    events: ({ dispatcher, store }, _filters, nowMs) =>
      Object.entries(dispatcher.backlog()).map(([subscription, waiting]) => ({ atMs: nowMs, value: waiting, provider: store.subscriptions.get(subscription)?.owner.organisation })),
  },
  {
    name: 'npp.webhooks.deliveries.count',
    description: 'webhook deliveries since start, per outcome (primaryGroup: enqueued, delivered, failed, dropped, attempts); filters do not apply',
    aggregator: 'sum',
    gauge: true,
    events: ({ deliveries }, _filters, nowMs) => Object.entries(deliveries.counters).map(([outcome, n]) => ({ atMs: nowMs, value: n, group: outcome })),
  },
];

export const METRIC_NAMES: readonly string[] = DEFINITIONS.map((d) => d.name);

function readFilters(filters: Json[] | undefined, index: number): Filters {
  const out: Filters = {};
  for (const [i, f] of (filters ?? []).entries()) {
    const path = `/${index}/filters/${i}`;
    if (f.type === 'service-provider') {
      out.providers ??= new Set();
      for (const v of f.values as unknown[]) out.providers.add(String(v));
    } else if (f.type === 'time-range') {
      if (out.range) throw badRequest('give at most one time-range filter per metric', [{ path, message: 'second time-range' }]);
      const startMs = instantMs(f.start)!;
      const endMs = instantMs(f.end)!;
      if (endMs <= startMs) throw badRequest(`time-range end ${f.end} must be after its start ${f.start}`, [{ path: `${path}/end`, message: 'must be after start' }]);
      const stepMs = f.granularity ? GRANULARITY_MS[f.granularity] : undefined;
      if (stepMs && Math.ceil((endMs - startMs) / stepMs) > MAX_DATA_POINTS) {
        throw badRequest(`time-range ${f.start}..${f.end} at ${f.granularity} granularity makes more than ${MAX_DATA_POINTS} data points; choose a coarser granularity`, [{ path: `${path}/granularity`, message: 'too fine for the range' }]);
      }
      out.range = { startMs, endMs, stepMs };
    }
  }
  return out;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

function dataPoints(def: MetricDefinition, events: Event[], filters: Filters, nowMs: number): Json[] {
  const range = def.gauge ? undefined : filters.range;
  const kept = events.filter((e) => {
    if (filters.providers && !(e.provider !== undefined && filters.providers.has(e.provider))) return false;
    return !range || (e.atMs >= range.startMs && e.atMs < range.endMs);
  });
  const buckets = !range ? [nowMs] : range.stepMs ? Array.from({ length: Math.ceil((range.endMs - range.startMs) / range.stepMs) }, (_, i) => range.startMs + i * range.stepMs!) : [range.startMs];
  const bucketOf = (atMs: number) => (range?.stepMs ? range.startMs + Math.floor((atMs - range.startMs) / range.stepMs) * range.stepMs : buckets[0]!);
  const groups = [...new Set(kept.map((e) => e.group))].sort((a, b) => String(a ?? '').localeCompare(String(b ?? '')));
  const sums = new Map<string, { value: number; weight: number }>();
  for (const e of kept) {
    const key = `${bucketOf(e.atMs)}|${e.group ?? ''}`;
    const acc = sums.get(key) ?? { value: 0, weight: 0 };
    acc.value += e.value;
    acc.weight += e.weight ?? 1;
    sums.set(key, acc);
  }
  const out: Json[] = [];
  for (const group of groups.length ? groups : [undefined]) {
    for (const bucket of buckets) {
      const acc = sums.get(`${bucket}|${group ?? ''}`);
      if (def.aggregator === 'average' && !acc?.weight) continue;
      const value = def.aggregator === 'average' ? round(acc!.value / acc!.weight) : (acc?.value ?? 0);
      out.push({ timestamp: new Date(bucket).toISOString(), ...(group !== undefined ? { primaryGroup: group } : {}), value });
    }
  }
  return out;
}

/** The metrics asked for (all of them without a body), in the order asked. */
export function snapshot(requested: Json[] | undefined, sources: MetricSources, nowMs: number): Json[] {
  const wanted: Json[] = requested ?? DEFINITIONS.map((d) => ({ name: d.name }));
  return wanted.map((query, index) => {
    const def = DEFINITIONS.find((d) => d.name === query.name)!;
    const filters = readFilters(query.filters, index);
    const metric: Json = { name: def.name, description: def.description };
    if (query.filters) metric.filters = query.filters;
    metric.aggregator = def.aggregator;
    if (def.groupBy) metric.groupBy = def.groupBy;
    metric.dataPoints = dataPoints(def, def.events(sources, filters, nowMs), filters, nowMs);
    return metric;
  });
}
