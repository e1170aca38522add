// Secondary indexes: key → ids (VRM, place, right spec) and a geographic R-tree for radius search.
import RBush from 'rbush';
import type { CollectionIndex, Versioned } from './collection.js';

/** Maps each of an entity's keys to the ids of the entities that have it. */
export class KeyIndex<T extends Versioned> implements CollectionIndex<T> {
  readonly #ids = new Map<string, Set<string>>();

  constructor(readonly keysOf: (entity: T) => Iterable<string>) {}

  add(entity: T): void {
    for (const key of this.keysOf(entity)) {
      let set = this.#ids.get(key);
      if (!set) this.#ids.set(key, (set = new Set()));
      set.add(entity.id);
    }
  }

  remove(entity: T): void {
    for (const key of this.keysOf(entity)) {
      const set = this.#ids.get(key);
      if (!set) continue;
      set.delete(entity.id);
      if (set.size === 0) this.#ids.delete(key);
    }
  }

  clear(): void {
    this.#ids.clear();
  }

  lookup(key: string): ReadonlySet<string> {
    return this.#ids.get(key) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

interface GeoItem {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  id: string;
  point: GeoPoint;
}

const EARTH_RADIUS_M = 6_371_008.8;
const toRad = (deg: number) => (deg * Math.PI) / 180;

export function haversineMetres(a: GeoPoint, b: GeoPoint): number {
  const dLat = toRad(b.latitude - a.latitude);
  const dLon = toRad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.latitude)) * Math.cos(toRad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Points in an R-tree; a radius query reads a bounding box, then keeps what haversine puts inside. */
export class GeoIndex<T extends Versioned> implements CollectionIndex<T> {
  readonly #tree = new RBush<GeoItem>();
  readonly #items = new Map<string, GeoItem>();

  constructor(readonly pointOf: (entity: T) => GeoPoint | undefined) {}

  add(entity: T): void {
    const point = this.pointOf(entity);
    if (!point) return;
    const item: GeoItem = { minX: point.longitude, maxX: point.longitude, minY: point.latitude, maxY: point.latitude, id: entity.id, point };
    this.#items.set(entity.id, item);
    this.#tree.insert(item);
  }

  remove(entity: T): void {
    const item = this.#items.get(entity.id);
    if (!item) return;
    this.#tree.remove(item);
    this.#items.delete(entity.id);
  }

  clear(): void {
    this.#tree.clear();
    this.#items.clear();
  }

  /** Ids within `radiusMetres` of `centre`, nearest first, with their distance. */
  within(centre: GeoPoint, radiusMetres: number): Array<{ id: string; distance: number }> {
    const dLat = (radiusMetres / EARTH_RADIUS_M) * (180 / Math.PI);
    const cosLat = Math.max(Math.cos(toRad(centre.latitude)), 1e-6);
    const dLon = Math.min(180, dLat / cosLat);
    const candidates = this.#tree.search({
      minX: centre.longitude - dLon,
      maxX: centre.longitude + dLon,
      minY: centre.latitude - dLat,
      maxY: centre.latitude + dLat,
    });
    const out: Array<{ id: string; distance: number }> = [];
    for (const item of candidates) {
      const distance = haversineMetres(centre, item.point);
      if (distance <= radiusMetres) out.push({ id: item.id, distance });
    }
    return out.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
  }
}
