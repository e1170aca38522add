// Reading answers in either dialect (spec: NPP 1.0.1 shapes; flows: the sample flows' shapes), and small
// helpers the suites share. The harness has its own copies: it never imports the mock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../spec/package-root.js';

export type Dialect = 'spec' | 'flows';
type Json = Record<string, any>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The seed's request bodies shipped in fixtures/payloads (fresh copy each call). */
export function seedPayload(name: string): Json {
  return JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'payloads', name), 'utf8')) as Json;
}

/** English text of a multilingual string in either shape. */
export function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.find((s) => isObject(s) && s.language === 'en')?.string ?? value.find(isObject)?.string;
  if (isObject(value)) return typeof value.en === 'string' ? value.en : (Object.values(value).find((v) => typeof v === 'string') as string | undefined);
  return typeof value === 'string' ? value : undefined;
}

export function pointOf(place: Json): { latitude: number; longitude: number } | undefined {
  const point = Array.isArray(place?.indicativePlacePointLocation) ? place.indicativePlacePointLocation[0] : place?.indicativePointLocation;
  const c = isObject(point) ? point.coordinates : undefined;
  if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') return undefined;
  return { longitude: c[0], latitude: c[1] };
}

export interface Occupancy {
  supply?: number;
  count?: number;
  timestamp?: string;
}

/** Latest supply and demand, from `hierarchyElementReference` (spec) or `occupancy` (flows); undefined when absent. */
export function occupancyOf(place: Json): Occupancy | undefined {
  if (isObject(place?.hierarchyElementReference)) {
    const ref = place.hierarchyElementReference;
    const supply = Array.isArray(ref.supply) ? ref.supply.at(-1) : undefined;
    const demand = Array.isArray(ref.demandTable) ? ref.demandTable.at(-1) : undefined;
    return { supply: supply?.supplyQuantity, count: demand?.demandType?.[0]?.count, timestamp: demand?.timestamp };
  }
  if (isObject(place?.occupancy)) {
    const { supply, demand } = place.occupancy;
    return { supply: supply?.supplyQuantity, count: demand?.demandType?.[0]?.count, timestamp: demand?.timestamp };
  }
  return undefined;
}

export function structureTypesOf(place: Json): string[] {
  const list = Array.isArray(place?.characteristics) ? place.characteristics : isObject(place?.characteristics) ? [place.characteristics] : [];
  return list.map((c: Json) => c?.structureType).filter((v: unknown): v is string => typeof v === 'string');
}

/** rateEligibility[].rateTable (spec) or .rate (flows). */
export function rateRefsOf(spec: Json): string[] {
  return (Array.isArray(spec?.rateEligibility) ? spec.rateEligibility : []).map((r: Json) => (r?.rateTable ?? r?.rate)?.id).filter(Boolean);
}

/** Session credentials: identifiedCredentials (spec) or credentials (flows). */
export function credentialIdsOf(entity: Json): string[] {
  const list = entity?.identifiedCredentials ?? entity?.credentials ?? entity?.rightHolder?.credentials ?? [];
  return (Array.isArray(list) ? list : []).map((c: Json) => c?.identifier?.id).filter(Boolean);
}

export function isResponseStatusOk(body: unknown): boolean {
  return isObject(body) && String(body.status).toLowerCase() === 'ok';
}

const EARTH_RADIUS_M = 6_371_008.8;
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.latitude - a.latitude) / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(rad(b.longitude - a.longitude) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/** Now as an ISO instant without milliseconds, as the seeds write them. */
export const isoSeconds = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---- UC2–UC5 helpers ----

/** The objects a webhook delivery carries: the bare object (sample flows) or the `data` of an APDS EventData envelope. */
export function deliveredItems(body: unknown): Json[] {
  if (isObject(body) && Array.isArray(body.data) && (body.topic !== undefined || body.eventSubscriptionId !== undefined)) return body.data.filter(isObject);
  return isObject(body) ? [body] : [];
}

/** Is the delivery an APDS EventData envelope (rather than the bare object)? */
export const isEventData = (body: unknown): boolean => isObject(body) && Array.isArray(body.data) && (body.topic !== undefined || body.eventSubscriptionId !== undefined);

/** Epoch ms of an instant: ISO 8601 with a zone, or zone-less (read as UTC, as the seeds mean them); undefined when it is not one. */
export function instantMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Both are instants and denote the same moment. */
export const sameInstant = (a: unknown, b: unknown): boolean => instantMs(a) !== undefined && instantMs(a) === instantMs(b);

/** Epoch seconds, as the NPP time filters (start_before, end_after, modified_since) take them. */
export const epochSeconds = (ms = Date.now()) => Math.floor(ms / 1000);

/** transactionId of every financial transaction of every segment of a session. */
export function transactionIdsOf(session: Json): string[] {
  return (Array.isArray(session?.segments) ? session.segments : [])
    .flatMap((s: Json) => (Array.isArray(s?.financialTransactions) ? s.financialTransactions : []))
    .map((t: Json) => t?.transactionId)
    .filter((t: unknown): t is string => typeof t === 'string');
}
