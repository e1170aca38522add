// Prices a stay from a rate table (E40): the rate lines of the first collection, walked in sequence.
import { parseDurationMs } from '../clock.js';
import { isObject, type Json } from '../dialect/common.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import { instantMs } from './filters.js';

export interface Price {
  currencyType: string;
  currencyValue: number;
  taxIncluded: boolean;
}

export type PriceOutcome = { price: Price } | { unavailable: string };

interface Line {
  start: number;
  end: number;
  type: string;
  increment?: number;
  value: number;
  min?: number;
  max?: number;
}

const amount = (v: unknown): number | undefined => (isObject(v) && typeof v.currencyValue === 'number' ? v.currencyValue : undefined);
const duration = (v: unknown): number | undefined => (typeof v === 'string' ? parseDurationMs(v) : undefined);
export const roundMoney = (v: number): number => Math.round((v + Number.EPSILON) * 100) / 100;

/** The collection that applies at `atMs`: the first (by collectionSequence) whose validStart/validEnd admit it. */
function collectionAt(rate: Entity, atMs: number): Json | undefined {
  const collections = (Array.isArray(rate.rateLineCollections) ? rate.rateLineCollections : [])
    .filter(isObject)
    .sort((a: Json, b: Json) => (a.collectionSequence ?? 0) - (b.collectionSequence ?? 0));
  return collections.find((c: Json) => {
    const from = instantMs(c.validStart);
    const to = instantMs(c.validEnd);
    return (from === undefined || from <= atMs) && (to === undefined || atMs < to);
  });
}

/** The lines as consecutive duration bands: each starts where the previous ended (or at durationStart). */
function linesOf(collection: Json): Line[] {
  const lines = (Array.isArray(collection.rateLines) ? collection.rateLines : []).filter(isObject).sort((a: Json, b: Json) => (a.sequence ?? 0) - (b.sequence ?? 0));
  const out: Line[] = [];
  let cursor = 0;
  for (const line of lines) {
    const start = duration(line.durationStart) ?? cursor;
    const increment = duration(line.incrementPeriod);
    const end = duration(line.durationEnd) ?? (increment ? start + increment : Number.POSITIVE_INFINITY);
    out.push({ start, end, type: String(line.rateLineType), increment: increment || undefined, value: amount(line.value) ?? 0, min: amount(line.minValue), max: amount(line.maxValue) });
    cursor = end;
  }
  return out;
}

/** One pass over the lines for a stay of `stayMs` (no longer than the lines cover). */
function walk(lines: Line[], stayMs: number): number {
  let total = 0;
  let tier = 0;
  for (const line of lines) {
    if (stayMs <= line.start) break;
    const covered = Math.min(stayMs, line.end) - line.start;
    let charge: number;
    if (line.type === 'incrementingRate') charge = (line.increment ? Math.ceil(covered / line.increment - 1e-9) : 1) * line.value;
    else if (line.type === 'flatRateTier') {
      tier = line.value;
      continue;
    } else charge = line.value;
    if (line.min !== undefined) charge = Math.max(charge, line.min);
    if (line.max !== undefined) charge = Math.min(charge, line.max);
    total += charge;
  }
  return total + tier;
}

/** The price of a stay of `stayMs` starting at `startMs`, or why the table cannot price it. */
export function priceStay(rate: Entity, startMs: number, stayMs: number): PriceOutcome {
  const validFrom = instantMs(rate.validityStart);
  const validTo = instantMs(rate.validityEnd);
  if ((validFrom !== undefined && startMs < validFrom) || (validTo !== undefined && startMs + stayMs > validTo)) {
    return { unavailable: `rate table ${rate.id} is not valid over the whole period` };
  }
  const collection = collectionAt(rate, startMs);
  if (!collection) return { unavailable: `rate table ${rate.id} has no rate line collection valid at the start` };
  const maxTime = duration(collection.maxTime);
  if (maxTime !== undefined && stayMs > maxTime) return { unavailable: `the stay is longer than the rate table's maxTime ${collection.maxTime}` };
  const lines = linesOf(collection);
  if (lines.length === 0) return { unavailable: `rate table ${rate.id} has no rate lines` };
  const cover = lines.reduce((end, l) => Math.max(end, l.end), 0);
  let value: number;
  if (stayMs > cover && Number.isFinite(cover) && cover > 0) {
    // A stay longer than the table covers pays the table again for every full cycle (e.g. per 24 hours).
    const cycles = Math.floor(stayMs / cover);
    const rest = stayMs - cycles * cover;
    value = cycles * walk(lines, cover) + (rest > 0 ? walk(lines, rest) : 0);
  } else value = walk(lines, stayMs);
  const minValue = amount(collection.minValueCollection);
  const maxValue = amount(collection.maxValueCollection);
  if (minValue !== undefined && stayMs > 0) value = Math.max(value, minValue);
  if (maxValue !== undefined) value = Math.min(value, maxValue);
  const first = (Array.isArray(collection.rateLines) ? collection.rateLines : []).find(isObject);
  const currencyType = String(collection.applicableCurrency ?? first?.value?.currencyType ?? 'GBP');
  const taxIncluded = collection.taxIncluded ?? first?.rateLineTax?.taxIncluded ?? false;
  return { price: { currencyType, currencyValue: roundMoney(value), taxIncluded: Boolean(taxIncluded) } };
}

/** The rate tables of a right specification, by rate eligibility priority (ascending, absent last). */
export function rateTablesOf(spec: Entity, store: PlatformStore): Entity[] {
  const eligibilities = (Array.isArray(spec.rateEligibility) ? spec.rateEligibility : [])
    .filter((r: unknown) => isObject(r) && isObject(r.rateTable))
    .sort((a: Json, b: Json) => (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER));
  const out: Entity[] = [];
  for (const e of eligibilities) {
    const rate = store.rates.get(e.rateTable.id);
    if (rate && !out.includes(rate)) out.push(rate);
  }
  return out;
}

/** Why a right specification is not available for [startMs, endMs), if it is not (E40). */
export function specUnavailable(spec: Entity, startMs: number, endMs: number): string | undefined {
  const expiry = instantMs(spec.expiry);
  if (expiry !== undefined && endMs > expiry) return `right specification ${spec.id} expires at ${spec.expiry}`;
  const period = spec.validity?.validityTimeSpecification;
  const from = instantMs(period?.overallStartTime);
  const to = instantMs(period?.overallEndTime);
  if (from !== undefined && startMs < from) return `right specification ${spec.id} is valid from ${period.overallStartTime}`;
  if (to !== undefined && endMs > to) return `right specification ${spec.id} is valid until ${period.overallEndTime}`;
  return undefined;
}
