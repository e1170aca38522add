// Turns platform changes into webhook deliveries: topic, place scope and the subscriber's read rights decide who
// hears of what (nobody is told of what they may not read). Runs after the response, off the request path.
import type { AccessPolicy } from '../auth/tenancy.js';
import type { Json } from '../dialect/common.js';
import { UNRESTRICTED, type Dialect, type RequestContext } from '../http/context.js';
import { resourceByName } from '../resources/index.js';
import type { ChangeEvent, ResourceDeps } from '../resources/resource.js';
import { observationPlaceIds, type Entity, type PlatformStore } from '../store/platform-store.js';
import type { Dispatcher } from './dispatcher.js';
import { TOPICS, type Subscription, type Topic } from './subscriptions.js';

const KIND_SUFFIX = { created: 'Created', updated: 'Updated', deleted: 'Deleted' } as const;

export function topicOf(event: ChangeEvent): Topic | undefined {
  if (event.resource === 'Platform') return undefined;
  if (event.resource === 'SystemAlert') return 'SystemEvents';
  // Resources without topics (contacts, quotes, submittals) notify nobody.
  const topic = `${event.resource}${KIND_SUFFIX[event.kind]}` as Topic;
  return TOPICS.includes(topic) ? topic : undefined;
}

/** The places an object is about, for place-scoped subscriptions. */
export function placesOf(resource: string, entity: Entity, store: PlatformStore): string[] {
  switch (resource) {
    case 'Place':
      return [entity.id];
    case 'RightSpecification':
      return store.placeIdsForSpec(entity).concat((entity.hierarchyElements ?? []).map((r: Json) => r?.id));
    case 'RateTable':
      return [...store.specsByRate.lookup(entity.id)].flatMap((id) => {
        const spec = store.rightSpecs.get(id);
        return spec ? store.placeIdsForSpec(spec) : [];
      });
    case 'AssignedRight': {
      const spec = store.rightSpecs.get(entity.rightSpecification?.id);
      return spec ? store.placeIdsForSpec(spec) : [];
    }
    case 'Session':
      return entity.hierarchyElement?.id ? [entity.hierarchyElement.id] : [];
    case 'Observation':
      return observationPlaceIds(entity);
    default:
      return [];
  }
}

export interface WebhookServiceDeps {
  store: PlatformStore;
  access: AccessPolicy;
  dispatcher: Dispatcher;
  defaultDialect: Dialect;
  /** Is the subscriber still a client (a removed client hears nothing)? */
  clientExists(clientId: string): boolean;
}

export class WebhookService {
  #pending: ChangeEvent[] = [];
  #scheduled = false;

  constructor(readonly deps: WebhookServiceDeps) {}

  /** Called for every change; the work happens on the next turn of the event loop. */
  handle(event: ChangeEvent): void {
    if (this.deps.store.subscriptions.size === 0 || topicOf(event) === undefined) return;
    this.#pending.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const events = this.#pending;
    this.#pending = [];
    for (const event of events) this.#fanOut(event);
  }

  #fanOut(event: ChangeEvent): void {
    const topic = topicOf(event)!;
    const bodies = new Map<string, string>();
    let places: string[] | undefined;
    for (const subscription of this.deps.store.subscriptions.values()) {
      if (!subscription.topics.includes(topic)) continue;
      if (!this.#allowed(subscription, event)) continue;
      if (subscription.hierarchyElements?.length) {
        places ??= placesOf(event.resource, event.entity, this.deps.store);
        if (!this.#inScope(subscription, places, event)) continue;
      }
      const dialect = subscription.dialect ?? this.deps.defaultDialect;
      let bare = bodies.get(dialect);
      if (bare === undefined) bodies.set(dialect, (bare = JSON.stringify(this.#present(event, dialect))));
      const body =
        subscription.envelope === 'eventData'
          ? `{"data":[${bare}],"eventSubscriptionId":${JSON.stringify(subscription.id)},"eventTime":"${new Date(event.atMs).toISOString()}","topic":"${topic}"}`
          : bare;
      this.deps.dispatcher.enqueue(
        { subscriptionId: subscription.id, url: subscription.endpoint, method: subscription.method, secret: subscription.secret },
        { topic, resourceId: event.entity.id, body },
      );
    }
  }

  #allowed(subscription: Subscription, event: ChangeEvent): boolean {
    const owner = subscription.owner;
    // System alerts are public (GET /observability/events is unsecured): anyone subscribed hears them.
    if (event.resource === 'SystemAlert') return true;
    if (owner !== UNRESTRICTED && !this.deps.clientExists(owner.clientId)) return false;
    if (owner.roles.length === 0) return false;
    return this.deps.access.canRead(event.resource, event.entity, owner);
  }

  #inScope(subscription: Subscription, places: string[], event: ChangeEvent): boolean {
    const wanted = new Set(subscription.hierarchyElements!.map((h) => h.id));
    return places.some((place) => {
      const chain = subscription.includeChildrenEvents ? this.#ancestry(place, event) : [place];
      return chain.some((id) => wanted.has(id));
    });
  }

  /** A place and those above it; a deleted place is gone from the store, so its parent comes from the event. */
  #ancestry(placeId: string, event: ChangeEvent): string[] {
    const store = this.deps.store;
    if (store.places.has(placeId)) return store.placeWithAncestors(placeId);
    const parent = event.resource === 'Place' && event.entity.id === placeId ? event.entity.parentId?.id : undefined;
    return parent ? [placeId, ...store.placeWithAncestors(parent)] : [placeId];
  }

  #present(event: ChangeEvent, dialect: Dialect): Json {
    const def = resourceByName(event.resource);
    if (!def) return event.entity;
    const ctx = { dialect, nowMs: event.atMs, strict: false, principal: UNRESTRICTED, authEnabled: false, authenticated: false, warnings: [] } satisfies RequestContext;
    const deps = { store: this.deps.store } as ResourceDeps;
    return def.present(event.entity, new Set(def.defaultExpand), ctx, deps);
  }
}
