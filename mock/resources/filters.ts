// Query filters shared by several resources: geo radius, place lists, credentials, time windows.
import { credentialKey } from '../dialect/credentials.js';
import { badRequest } from '../http/errors.js';
import type { QueryReader } from '../http/query.js';
import type { GeoPoint } from '../store/indexes.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';

export const PLACE_TYPES = ['campus', 'identifiedArea', 'parkingPlace', 'space', 'subplaceElement'] as const;
export const RIGHT_TYPES = ['accessPermission', 'loadingUnloading', 'oneTimeUseParking', 'permitParking', 'setdownPickup', 'waiting'] as const;
export const CREDENTIAL_TYPES = [
  'barcode', 'bluetooth', 'eticket', 'hangtag', 'licensePlate', 'permit', 'qrCode', 'rfid', 'ticket', 'electronicID', 'ticketcoupon', 'vehicleplate',
] as const;

export interface GeoFilter {
  centre: GeoPoint;
  radius: number;
}

export function readGeo(query: QueryReader): GeoFilter | undefined {
  const latitude = query.number('latitude', { min: -90, max: 90 });
  const longitude = query.number('longitude', { min: -180, max: 180 });
  const radius = query.number('radius', { min: 0 });
  const given = [latitude, longitude, radius].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given < 3) throw badRequest('latitude, longitude and radius (metres) go together: give all three or none');
  return { centre: { latitude: latitude!, longitude: longitude! }, radius: radius! };
}

/**
 * Narrows candidates to those whose key (a right's spec, a session's place) is allowed. With candidates already
 * found (a VRM lookup) it checks each of them; only without them does it read the index for every allowed key,
 * so a VRM query costs the same with 1,000 or 100,000 rights at the place.
 */
export function narrowBy(
  ids: Set<string> | undefined,
  allowed: ReadonlySet<string>,
  keyOf: (id: string) => string | undefined,
  index: { lookup(key: string): ReadonlySet<string> },
): Set<string> {
  if (ids) {
    const out = new Set<string>();
    for (const id of ids) {
      const key = keyOf(id);
      if (key !== undefined && allowed.has(key)) out.add(id);
    }
    return out;
  }
  const out = new Set<string>();
  for (const key of allowed) for (const id of index.lookup(key)) out.add(id);
  return out;
}

/** Intersects optional candidate sets; `undefined` means "no constraint". */
export function intersect(a: Set<string> | undefined, b: Iterable<string> | undefined): Set<string> | undefined {
  if (b === undefined) return a;
  const next = new Set(b);
  if (a === undefined) return next;
  return new Set([...a].filter((id) => next.has(id)));
}

/** Places named by `place` (with their descendants) and/or inside the geo filter; `undefined` when neither is given. */
export function placeScope(query: QueryReader, store: PlatformStore): Set<string> | undefined {
  const places = query.list('place');
  const geo = readGeo(query);
  let scope: Set<string> | undefined;
  if (places) scope = new Set(places.flatMap((p) => store.placeWithDescendants(p)));
  if (geo) scope = intersect(scope, store.placesByLocation.within(geo.centre, geo.radius).map((r) => r.id));
  return scope;
}

/** credential_id, or the seeds' identifier_id / cred_id; normalised VRM keys. */
export function readCredentialIds(query: QueryReader): string[] | undefined {
  const ids = ['credential_id', 'identifier_id', 'cred_id'].flatMap((name) => query.list(name) ?? []);
  return ids.length ? ids.map(credentialKey) : undefined;
}

export interface TimeWindows {
  startBefore?: number;
  startAfter?: number;
  endBefore?: number;
  endAfter?: number;
}

export function readWindows(query: QueryReader): TimeWindows {
  return {
    startBefore: query.instant('start_before'),
    startAfter: query.instant('start_after'),
    endBefore: query.instant('end_before'),
    endAfter: query.instant('end_after'),
  };
}

/** No bound given: every candidate passes, and its instants need not be read. */
export const unbounded = (w: TimeWindows): boolean =>
  w.startBefore === undefined && w.startAfter === undefined && w.endBefore === undefined && w.endAfter === undefined;

/** Inclusive bounds; a missing end means "still going" (an open session, a right without expiry). */
export function inWindows(start: number | undefined, end: number | undefined, w: TimeWindows): boolean {
  if (w.startBefore !== undefined && (start === undefined || start > w.startBefore)) return false;
  if (w.startAfter !== undefined && (start === undefined || start < w.startAfter)) return false;
  if (w.endBefore !== undefined && (end === undefined || end > w.endBefore)) return false;
  if (w.endAfter !== undefined && end !== undefined && end < w.endAfter) return false;
  return true;
}

export const instantMs = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

/** Materialises candidates (or every entity) in collection order. */
export function candidatesOf(all: Iterable<Entity>, get: (id: string) => Entity | undefined, ids: Set<string> | undefined): Entity[] {
  if (ids === undefined) return [...all];
  const out: Entity[] = [];
  for (const id of ids) {
    const e = get(id);
    if (e) out.push(e);
  }
  return out;
}
