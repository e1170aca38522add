// All platform data: five versioned collections, their indexes, and the derived links between them; plus the
// collections of the operations beyond them (observations, quotes, contacts, reconciliation submittals, alerts).
import { credentialIds, credentialKey } from '../dialect/credentials.js';
import { isObject, type Json } from '../dialect/common.js';
import { VersionedCollection, type EntryRecord } from './collection.js';
import { AlertLog, type StoredAlert } from './alert-log.js';
import { GeoIndex, KeyIndex, type GeoPoint } from './indexes.js';
import type { Subscription } from '../events/subscriptions.js';

export type Entity = Json & { id: string; version: number };

export function placePoint(place: Entity): GeoPoint | undefined {
  const locations = place.indicativePlacePointLocation;
  const point = Array.isArray(locations) ? locations[0] : undefined;
  const coordinates = isObject(point) ? point.coordinates : undefined;
  if (!Array.isArray(coordinates) || coordinates.length < 2) return undefined;
  const [longitude, latitude] = coordinates;
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  return { latitude, longitude };
}

const refIds = (refs: unknown): string[] =>
  Array.isArray(refs) ? refs.filter((r) => isObject(r) && typeof r.id === 'string').map((r) => (r as Json).id as string) : [];

const refId = (ref: unknown): string[] => (isObject(ref) && typeof ref.id === 'string' ? [ref.id] : []);

export function segmentRightIds(session: Entity): string[] {
  return Array.isArray(session.segments) ? session.segments.flatMap((s: unknown) => (isObject(s) ? refId(s.assignedRight) : [])) : [];
}

export interface StoreDump {
  format: 'apds-conformance-state';
  formatVersion: 1;
  collections: Record<string, ReturnType<VersionedCollection<Entity>['dump']>>;
  autoRights: Array<[string, string]>;
  subscriptions?: Subscription[];
  /** Observations, quotes, contacts and reconciliation submittals (absent in state files of older versions). */
  auxiliaryCollections?: Record<string, ReturnType<VersionedCollection<Entity>['dump']>>;
  /** System alerts of /observability/events, oldest first. */
  alerts?: StoredAlert[];
}

/** The places an observation (or each element of an observation set) refers to. */
export function observationPlaceIds(observation: Entity): string[] {
  const elements = Array.isArray(observation.observationElements) ? observation.observationElements : [observation];
  return elements.flatMap((e: unknown) => (isObject(e) ? refId(e.elementIds) : []));
}

/** Normalised credential ids an observation (or each element of a set) saw. */
export function observationCredentialIds(observation: Entity): string[] {
  const elements = Array.isArray(observation.observationElements) ? observation.observationElements : [observation];
  return elements.flatMap((e: unknown) => (isObject(e) && typeof e.observedCredentialId === 'string' ? [credentialKey(e.observedCredentialId)] : []));
}

export class PlatformStore {
  readonly places = new VersionedCollection<Entity>('HierarchyElement', 'place');
  readonly rightSpecs = new VersionedCollection<Entity>('RightSpecification', 'right specification');
  readonly rates = new VersionedCollection<Entity>('RateTable', 'rate table');
  readonly assignedRights = new VersionedCollection<Entity>('AssignedRight', 'assigned right');
  readonly sessions = new VersionedCollection<Entity>('Session', 'session');
  readonly observations = new VersionedCollection<Entity>('Observation', 'observation');
  readonly quotes = new VersionedCollection<Entity>('Quote', 'quote');
  readonly contacts = new VersionedCollection<Entity>('ContactPoint', 'contact');
  readonly submittals = new VersionedCollection<Entity>('ReconciliationSubmittal', 'reconciliation submittal');
  /** System alerts (bounded: the oldest go first). */
  readonly alerts = new AlertLog();

  readonly placesByLocation = this.places.addIndex(new GeoIndex<Entity>(placePoint));
  readonly placesByParent = this.places.addIndex(new KeyIndex<Entity>((p) => refId(p.parentId)));
  readonly placesBySpec = this.places.addIndex(new KeyIndex<Entity>((p) => refIds(p.rightSpecifications)));
  readonly specsByPlace = this.rightSpecs.addIndex(new KeyIndex<Entity>((s) => refIds(s.hierarchyElements)));
  readonly specsByRate = this.rightSpecs.addIndex(
    new KeyIndex<Entity>((s) => (Array.isArray(s.rateEligibility) ? s.rateEligibility.flatMap((r: unknown) => (isObject(r) ? refId(r.rateTable) : [])) : [])),
  );
  readonly rightsByCredential = this.assignedRights.addIndex(new KeyIndex<Entity>((r) => credentialIds(r.rightHolder?.credentials)));
  readonly rightsBySpec = this.assignedRights.addIndex(new KeyIndex<Entity>((r) => refId(r.rightSpecification)));
  readonly sessionsByCredential = this.sessions.addIndex(new KeyIndex<Entity>((s) => credentialIds(s.identifiedCredentials)));
  readonly sessionsByPlace = this.sessions.addIndex(new KeyIndex<Entity>((s) => refId(s.hierarchyElement)));
  readonly sessionsByRight = this.sessions.addIndex(new KeyIndex<Entity>(segmentRightIds));
  readonly observationsByPlace = this.observations.addIndex(new KeyIndex<Entity>(observationPlaceIds));
  readonly observationsByCredential = this.observations.addIndex(new KeyIndex<Entity>(observationCredentialIds));

  /** Assigned rights the platform created for a session's segment (session id → right id). */
  readonly autoRights = new Map<string, string>();

  /** Webhook subscriptions by id. */
  readonly subscriptions = new Map<string, Subscription>();

  get collections(): Record<string, VersionedCollection<Entity>> {
    return {
      places: this.places,
      rightSpecs: this.rightSpecs,
      rates: this.rates,
      assignedRights: this.assignedRights,
      sessions: this.sessions,
    };
  }

  /** The collections beyond the five NPP resources (kept apart so counts and state files of those stay as they were). */
  get auxiliaryCollections(): Record<string, VersionedCollection<Entity>> {
    return {
      observations: this.observations,
      quotes: this.quotes,
      contacts: this.contacts,
      submittals: this.submittals,
    };
  }

  /** Any collection by its name (`places`, …, `contacts`). */
  collectionNamed(name: string): VersionedCollection<Entity> | undefined {
    return this.collections[name] ?? this.auxiliaryCollections[name];
  }

  /** The place and every place above it in the hierarchy, nearest first. */
  placeWithAncestors(placeId: string): string[] {
    const out: string[] = [];
    let id: string | undefined = this.places.resolveId(placeId);
    while (id !== undefined && !out.includes(id)) {
      out.push(id);
      const parent: unknown = this.places.get(id)?.parentId;
      id = isObject(parent) && typeof parent.id === 'string' ? parent.id : undefined;
    }
    return out;
  }

  /** The place and every place below it in the hierarchy. */
  placeWithDescendants(placeId: string): string[] {
    const out: string[] = [];
    const queue = [this.places.resolveId(placeId)];
    const seen = new Set<string>();
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      for (const child of this.placesByParent.lookup(id)) queue.push(child);
    }
    return out;
  }

  /** Right specs linked to a place, whichever side states the link: the place's own order first. */
  specIdsForPlace(placeId: string): Set<string> {
    const place = this.places.get(placeId);
    const ids = new Set(refIds(place?.rightSpecifications).filter((id) => this.rightSpecs.has(id)));
    for (const id of this.specsByPlace.lookup(placeId)) ids.add(id);
    return ids;
  }

  /** Places a right spec applies to, whichever side states the link. */
  placeIdsForSpec(spec: Entity): string[] {
    const ids = new Set(refIds(spec.hierarchyElements).filter((id) => this.places.has(id)));
    for (const id of this.placesBySpec.lookup(spec.id)) ids.add(id);
    return [...ids];
  }

  clear(): void {
    for (const collection of Object.values(this.collections)) collection.clear();
    for (const collection of Object.values(this.auxiliaryCollections)) collection.clear();
    this.alerts.clear();
    this.autoRights.clear();
    this.subscriptions.clear();
  }

  dump(): StoreDump {
    const collections: StoreDump['collections'] = {};
    for (const [name, collection] of Object.entries(this.collections)) collections[name] = collection.dump();
    const auxiliaryCollections: StoreDump['collections'] = {};
    for (const [name, collection] of Object.entries(this.auxiliaryCollections)) auxiliaryCollections[name] = collection.dump();
    return {
      format: 'apds-conformance-state',
      formatVersion: 1,
      collections,
      autoRights: [...this.autoRights],
      subscriptions: [...this.subscriptions.values()],
      auxiliaryCollections,
      alerts: this.alerts.dump(),
    };
  }

  restore(dump: StoreDump): void {
    if (dump?.format !== 'apds-conformance-state' || dump.formatVersion !== 1) throw new Error('not an apds-conformance state file (format 1)');
    this.clear();
    for (const [name, collection] of Object.entries(this.collections)) {
      const saved = dump.collections[name];
      if (saved) collection.restore(saved as { entries: Array<[string, EntryRecord<Entity>]>; aliases?: Array<[string, string]> });
    }
    for (const [name, collection] of Object.entries(this.auxiliaryCollections)) {
      const saved = dump.auxiliaryCollections?.[name];
      if (saved) collection.restore(saved as { entries: Array<[string, EntryRecord<Entity>]>; aliases?: Array<[string, string]> });
    }
    this.alerts.restore(dump.alerts ?? []);
    for (const [session, right] of dump.autoRights ?? []) this.autoRights.set(session, right);
    for (const subscription of dump.subscriptions ?? []) this.subscriptions.set(subscription.id, subscription);
  }
}
