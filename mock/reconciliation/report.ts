// The consolidated reconciliation report of a month (E38): the providers' submittals added up, what the platform
// recorded in the sessions' financial transactions, and where the two differ.
import { isObject, type Json } from '../dialect/common.js';
import { contactIdFor } from '../resources/contacts.js';
import { instantMs } from '../resources/filters.js';
import { roundMoney } from '../resources/pricing.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';

/** [first instant of the month, first instant of the next) in UTC. */
export function monthBounds(year: number, month: number): [number, number] {
  return [Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1)];
}

/** The month a submittal belongs to: that of its periodStart. */
export function monthOf(ms: number): { year: number; month: number } {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

const SECTIONS = {
  parkingFees: ['transactionsQuantity', 'totalIncludingVAT', 'totalExcludingVAT', 'vatTotal'],
  parkingFeeRefunds: ['refundsQuantity', 'totalIncludingVAT', 'totalExcludingVAT', 'vatTotal'],
  consumerFees: ['totalIncludingVAT', 'totalExcludingVAT', 'vatTotal'],
  consumerFeeRefunds: ['totalIncludingVAT', 'totalExcludingVAT', 'vatTotal'],
  providerCommission: ['totalIncludingVAT', 'totalExcludingVAT', 'vatTotal'],
} as const;

type Section = keyof typeof SECTIONS;
const isQuantity = (field: string) => field.endsWith('Quantity');

/** Adds the figures of `records` (each section and remittanceTotal); sections nobody gave stay out. */
function addFigures(records: Json[]): Json {
  const out: Json = {};
  for (const [section, fields] of Object.entries(SECTIONS) as Array<[Section, readonly string[]]>) {
    const given = records.map((r) => r[section]).filter(isObject);
    if (!given.length) continue;
    const sum: Json = {};
    for (const field of fields) {
      const values = given.map((g) => g[field]).filter((v): v is number => typeof v === 'number');
      if (values.length) sum[field] = isQuantity(field) ? values.reduce((a, b) => a + b, 0) : roundMoney(values.reduce((a, b) => a + b, 0));
    }
    out[section] = sum;
  }
  const remittances = records.map((r) => r.remittanceTotal).filter((v): v is number => typeof v === 'number');
  if (remittances.length) out.remittanceTotal = roundMoney(remittances.reduce((a, b) => a + b, 0));
  return out;
}

interface Recorded {
  providerId: string;
  locationId: string;
  fees: { quantity: number; total: number };
  refunds: { quantity: number; total: number };
  sessions: Set<string>;
}

const textOf = (mls: unknown): string | undefined =>
  Array.isArray(mls) ? mls.filter(isObject).map((s) => String(s.string ?? '').trim()).find((s) => s !== '') : typeof mls === 'string' && mls.trim() !== '' ? mls.trim() : undefined;

/** Who collected a transaction: its serviceProvider (as a contact id when one matches), else the right's issuer, else the initiator. */
function providerOf(tx: Json, segment: Json, session: Entity, store: PlatformStore): string {
  const text = textOf(tx.serviceProvider);
  if (text) return contactIdFor(store, text) ?? text;
  const issuer = isObject(segment.assignedRight) ? store.assignedRights.get(String(segment.assignedRight.id))?.assignedRightIssuer?.id : undefined;
  if (typeof issuer === 'string') return issuer;
  return typeof session.initiator?.id === 'string' ? session.initiator.id : 'unknown';
}

interface Submitted {
  providerId: string;
  submittals: Entity[];
  figures: Json;
  /** locationId → summed location summary; absent when the provider gave no location summaries. */
  locations?: Map<string, Json>;
  vat: Map<string, number>;
}

export interface ReportInput {
  store: PlatformStore;
  year: number;
  month: number;
  nowMs: number;
}

/** The report, or undefined when the month has neither a live submittal nor a recorded transaction. */
export function compileReport({ store, year, month, nowMs }: ReportInput): Json | undefined {
  const [startMs, endMs] = monthBounds(year, month);
  const inMonth = (ms: number | undefined) => ms !== undefined && ms >= startMs && ms < endMs;

  // ----- What the providers submitted ----- //
  const submittals = [...store.submittals.values()].filter((s) => inMonth(instantMs(s.periodStart)));
  const byProvider = new Map<string, Submitted>();
  for (const s of submittals) {
    const entry: Submitted = byProvider.get(s.providerId) ?? { providerId: s.providerId, submittals: [], figures: {}, vat: new Map() };
    entry.submittals.push(s);
    byProvider.set(s.providerId, entry);
  }
  const allLocations = new Map<string, Json>();
  for (const entry of byProvider.values()) {
    const summaries = entry.submittals.flatMap((s) => (Array.isArray(s.locationSummaries) ? s.locationSummaries.filter(isObject) : []));
    if (summaries.length) {
      entry.locations = new Map();
      const groups = new Map<string, Json[]>();
      for (const summary of summaries) {
        const location = String(summary.locationId ?? 'unknown');
        groups.set(location, [...(groups.get(location) ?? []), summary]);
        if (typeof summary.vatPercentage === 'number' && !entry.vat.has(location)) entry.vat.set(location, summary.vatPercentage);
      }
      for (const [location, group] of groups) {
        const starts = group.map((g) => instantMs(g.periodStart)).filter((v): v is number => v !== undefined);
        const ends = group.map((g) => instantMs(g.periodEnd)).filter((v): v is number => v !== undefined);
        const merged: Json = { providerId: entry.providerId, locationId: location };
        const vat = group.find((g) => typeof g.vatPercentage === 'number')?.vatPercentage;
        if (vat !== undefined) merged.vatPercentage = vat;
        if (starts.length) merged.periodStart = new Date(Math.min(...starts)).toISOString();
        if (ends.length) merged.periodEnd = new Date(Math.max(...ends)).toISOString();
        Object.assign(merged, addFigures(group));
        entry.locations.set(location, merged);
        allLocations.set(`${entry.providerId}|${location}`, merged);
      }
    }
    // A provider's totals: its submittals' own, else the sum of its location summaries.
    const own = entry.submittals.filter((s) => isObject(s.parkingFees) || isObject(s.parkingFeeRefunds));
    entry.figures = own.length ? addFigures(entry.submittals) : addFigures([...(entry.locations?.values() ?? [])]);
  }

  // ----- What the platform recorded ----- //
  const recorded = new Map<string, Recorded>();
  for (const session of store.sessions.values()) {
    for (const segment of Array.isArray(session.segments) ? session.segments.filter(isObject) : []) {
      for (const tx of Array.isArray(segment.financialTransactions) ? segment.financialTransactions.filter(isObject) : []) {
        const atMs = instantMs(tx.dateCollected) ?? instantMs(session.actualEnd) ?? instantMs(session.actualStart);
        if (!inMonth(atMs)) continue;
        const providerId = providerOf(tx, segment, session, store);
        const locationId = typeof session.hierarchyElement?.id === 'string' ? session.hierarchyElement.id : 'unknown';
        const key = `${providerId}|${locationId}`;
        const entry = recorded.get(key) ?? { providerId, locationId, fees: { quantity: 0, total: 0 }, refunds: { quantity: 0, total: 0 }, sessions: new Set<string>() };
        const value = typeof tx.segmentValue === 'number' ? tx.segmentValue : 0;
        const vat = byProvider.get(providerId)?.vat.get(locationId) ?? 0;
        const gross = tx.taxIncluded === false ? value * (1 + vat / 100) : value;
        if (value >= 0) {
          entry.fees.quantity++;
          entry.fees.total += gross;
        } else {
          entry.refunds.quantity++;
          entry.refunds.total += -gross;
        }
        entry.sessions.add(session.id);
        recorded.set(key, entry);
      }
    }
  }

  if (submittals.length === 0 && recorded.size === 0) return undefined;

  const recordedFigures = (entries: Recorded[]) => ({
    parkingFees: { transactionsQuantity: entries.reduce((a, e) => a + e.fees.quantity, 0), totalIncludingVAT: roundMoney(entries.reduce((a, e) => a + e.fees.total, 0)) },
    parkingFeeRefunds: { refundsQuantity: entries.reduce((a, e) => a + e.refunds.quantity, 0), totalIncludingVAT: roundMoney(entries.reduce((a, e) => a + e.refunds.total, 0)) },
  });
  const recordedList = [...recorded.values()].sort((a, b) => a.providerId.localeCompare(b.providerId) || a.locationId.localeCompare(b.locationId));

  // ----- Where they differ ----- //
  const COMPARED: Array<[string, (f: Json) => number]> = [
    ['parkingFees.transactionsQuantity', (f) => f.parkingFees?.transactionsQuantity ?? 0],
    ['parkingFees.totalIncludingVAT', (f) => f.parkingFees?.totalIncludingVAT ?? 0],
    ['parkingFeeRefunds.refundsQuantity', (f) => f.parkingFeeRefunds?.refundsQuantity ?? 0],
    ['parkingFeeRefunds.totalIncludingVAT', (f) => f.parkingFeeRefunds?.totalIncludingVAT ?? 0],
  ];
  const discrepancies: Json[] = [];
  const compare = (providerId: string, locationId: string | undefined, submitted: Json, actual: Json) => {
    for (const [field, read] of COMPARED) {
      const s = read(submitted);
      const r = read(actual);
      const differs = isQuantity(field) ? s !== r : Math.abs(roundMoney(s) - roundMoney(r)) >= 0.005;
      if (differs) discrepancies.push({ providerId, ...(locationId !== undefined ? { locationId } : {}), field, submitted: s, recorded: r });
    }
  };
  const providers = [...new Set([...byProvider.keys(), ...recordedList.map((r) => r.providerId)])].sort();
  for (const providerId of providers) {
    const submitted = byProvider.get(providerId);
    const ownRecords = recordedList.filter((r) => r.providerId === providerId);
    compare(providerId, undefined, submitted?.figures ?? {}, recordedFigures(ownRecords));
    if (submitted?.locations) {
      const locations = [...new Set([...submitted.locations.keys(), ...ownRecords.map((r) => r.locationId)])].sort();
      for (const locationId of locations) {
        compare(providerId, locationId, submitted.locations.get(locationId) ?? {}, recordedFigures(ownRecords.filter((r) => r.locationId === locationId)));
      }
    }
  }

  const pad = (n: number) => String(n).padStart(2, '0');
  const totals = addFigures(submittals);
  return {
    id: `reconciliation-${year}-${pad(month)}`,
    created: new Date(nowMs).toISOString(),
    periodStart: new Date(startMs).toISOString(),
    periodEnd: new Date(endMs).toISOString(),
    parkingFees: { transactionsQuantity: 0, totalIncludingVAT: 0, totalExcludingVAT: 0, vatTotal: 0, ...totals.parkingFees },
    parkingFeeRefunds: { refundsQuantity: 0, totalIncludingVAT: 0, totalExcludingVAT: 0, vatTotal: 0, ...totals.parkingFeeRefunds },
    ...Object.fromEntries(Object.entries(totals).filter(([k]) => k !== 'parkingFees' && k !== 'parkingFeeRefunds')),
    locationSummaries: [...allLocations.values()],
    singleTransactions: submittals.flatMap((s) => (Array.isArray(s.singleTransactions) ? s.singleTransactions.filter(isObject).map((t: Json) => ({ providerId: s.providerId, ...t })) : [])),
    'x-submittals': submittals.map((s) => ({ id: s.id, providerId: s.providerId })),
    'x-recorded': {
      ...recordedFigures(recordedList),
      locationSummaries: recordedList.map((r) => ({ providerId: r.providerId, locationId: r.locationId, ...recordedFigures([r]), sessions: [...r.sessions] })),
    },
    'x-discrepancies': discrepancies,
  };
}
