// The mock platform's state: store, clock, journal, fixtures and change listeners; no HTTP here.
import { schemaRegistry, type SchemaRegistry } from '../spec/index.js';
import { ClientRegistry, type Client } from './auth/clients.js';
import { OPEN_ACCESS, TenantPolicy, type AccessPolicy } from './auth/tenancy.js';
import { TokenService } from './auth/tokens.js';
import { DeliveryLog } from './events/delivery-log.js';
import { Dispatcher, type DispatcherOptions } from './events/dispatcher.js';
import { TOPICS, type Subscription, type Topic } from './events/subscriptions.js';
import { WebhookService } from './events/webhook-service.js';
import { forwardSessionUpdates, type ForwardingOptions } from './events/operator-forwarding.js';
import { parseInstant, VirtualClock } from './clock.js';
import type { Dialect } from './http/context.js';
import { isShippedSet, loadFixtureSet, readFixtureSet } from './fixtures.js';
import { RequestJournal } from './journal.js';
import { RequestMetrics } from './observability/request-metrics.js';
import type { ChangeEvent } from './resources/resource.js';
import { PlatformStore, type StoreDump } from './store/platform-store.js';

export interface MockPlatformOptions {
  /** Fixture set name (`default`, `uc5`) or folder; `false` starts empty. @default 'default' */
  fixtures?: string | false;
  /** Output dialect when a request does not choose one. @default 'spec' */
  dialect?: Dialect;
  /** Pins the virtual clock (ISO 8601 or epoch ms); real time when absent. */
  clock?: string | number;
  /** Rejects seed defects (sloppy timestamps, `{"en": …}` names, …) with 400 instead of normalising them. @default false */
  strict?: boolean;
  /** How many requests the journal keeps. @default 1000 */
  journalSize?: number;
  /** Access control (OAuth2 tokens, X-MCC-Access-Token, roles, tenant isolation); `false` lets everyone do everything. @default true */
  auth?: boolean;
  /** Clients file (`{"clients": [...]}`) or the clients themselves. @default the shipped fixtures/clients.json */
  clients?: string | Client[];
  /** Apply the contract's scopes to the letter (no operator session writes, as the sample flows need). @default false */
  strictScopes?: boolean;
  /** HS256 secret for tokens; a random one per start by default, so tokens die with the process. */
  tokenSecret?: string;
  /** Webhook delivery: retries, backoff, timeouts, queue bound. */
  delivery?: DispatcherOptions;
  /** Forwarding of session queries to operators' back ends (UC5). */
  forwarding?: ForwardingOptions;
}

export type ChangeListener = (event: ChangeEvent) => void;

export interface VendorState {
  reset(): void;
  dump(): unknown;
  restore(data: unknown): void;
}

export type PlatformDump = StoreDump & { vendors?: Record<string, unknown> };

export class MockPlatform {
  readonly store = new PlatformStore();
  readonly clock: VirtualClock;
  readonly journal: RequestJournal;
  /** Request counts and latency for PUT /observability/status (since start or the last reset). */
  readonly metrics = new RequestMetrics();
  readonly schemas: SchemaRegistry = schemaRegistry();
  readonly dialect: Dialect;
  readonly strict: boolean;
  readonly authEnabled: boolean;
  readonly strictScopes: boolean;
  readonly clients: ClientRegistry;
  readonly tokens: TokenService;
  readonly access: AccessPolicy;
  readonly deliveries: DeliveryLog;
  readonly dispatcher: Dispatcher;
  readonly webhooks: WebhookService;
  readonly forwarding: ForwardingOptions & { backends: Map<string, string> };
  readonly #fixtures: string | false;
  readonly #listeners = new Set<ChangeListener>();
  readonly #resetListeners = new Set<() => void>();

  constructor(options: MockPlatformOptions = {}) {
    this.clock = new VirtualClock(options.clock === undefined ? undefined : pinnedClockMs(options.clock));
    this.journal = new RequestJournal(options.journalSize ?? 1000);
    this.dialect = options.dialect ?? 'spec';
    this.strict = options.strict ?? false;
    this.authEnabled = options.auth ?? true;
    this.strictScopes = options.strictScopes ?? false;
    this.clients = Array.isArray(options.clients) ? new ClientRegistry(options.clients) : ClientRegistry.fromFile(options.clients);
    this.tokens = new TokenService(options.tokenSecret);
    this.access = this.authEnabled ? new TenantPolicy(this.store, this.clients) : OPEN_ACCESS;
    this.forwarding = { access: this.access, ...options.forwarding, backends: options.forwarding?.backends ?? new Map() };
    this.deliveries = new DeliveryLog();
    this.dispatcher = new Dispatcher(this.deliveries, options.delivery);
    this.webhooks = new WebhookService({
      store: this.store,
      access: this.access,
      dispatcher: this.dispatcher,
      defaultDialect: this.dialect,
      clientExists: (id) => this.clients.get(id) !== undefined,
    });
    this.#listeners.add((event) => this.webhooks.handle(event));
    this.#listeners.add(forwardSessionUpdates(this.store, this.dispatcher, this.dialect, this.forwarding.backends));
    this.#fixtures = options.fixtures ?? 'default';
    this.reset();
  }

  /** Removes a client: its tokens stop working, its subscriptions and their queued deliveries go. */
  removeClient(clientId: string): boolean {
    if (!this.clients.remove(clientId)) return false;
    for (const [id, s] of this.store.subscriptions) {
      if (s.owner.clientId === clientId) {
        this.store.subscriptions.delete(id);
        this.dispatcher.forget(id);
      }
    }
    this.syncClientSubscriptions();
    return true;
  }

  /** Subscriptions for the notification endpoints named in the clients file (seed UC4's SP endpoints). */
  syncClientSubscriptions(): void {
    const previous = new Map([...this.store.subscriptions].filter(([, s]) => s.source === 'client-config'));
    for (const id of previous.keys()) this.store.subscriptions.delete(id);
    const now = new Date(this.clock.nowMs()).toISOString();
    for (const client of this.clients.list()) {
      for (const [topic, endpoint] of Object.entries(client.notificationEndpoints ?? {})) {
        if (!TOPICS.includes(topic as Topic)) continue;
        const subscription: Subscription = {
          id: `client:${client.clientId}:${topic}`,
          endpoint,
          topics: [topic as Topic],
          includeChildrenEvents: false,
          method: 'PUT',
          envelope: 'bare',
          owner: { clientId: client.clientId, organisation: client.organisation, roles: client.roles },
          source: 'client-config',
          createdAt: now,
          lastModified: now,
        };
        this.store.subscriptions.set(subscription.id, subscription);
        const before = previous.get(subscription.id);
        if (before && before.endpoint !== endpoint) this.dispatcher.retarget(subscription.id, { url: endpoint });
        previous.delete(subscription.id);
      }
    }
    for (const id of previous.keys()) this.dispatcher.forget(id);
  }

  /** Stops outbound deliveries (pending ones are dropped). */
  close(): void {
    this.dispatcher.close();
  }

  get fixtures(): string | false {
    return this.#fixtures;
  }

  /**
   * Back to a fixture set (the one the platform started with by default), or empty with `false`.
   * `shippedOnly` (the admin API) refuses folders other than the shipped sets and the one it started with.
   */
  reset(fixtures: string | false = this.#fixtures, options: { shippedOnly?: boolean } = {}): void {
    const shippedOnly = options.shippedOnly && fixtures !== this.#fixtures;
    if (fixtures === false) this.store.clear();
    else loadFixtureSet(this.store, readFixtureSet(fixtures, [], { shippedOnly }), this.schemas, this.clock.nowMs(), { validate: !isShippedSet(fixtures) });
    this.syncClientSubscriptions();
    for (const listener of this.#resetListeners) listener();
    this.journal.clear();
    this.metrics.clear();
    this.#notify({ resource: 'Platform', kind: 'updated', entity: { id: 'reset', version: 1 }, principal: { clientId: 'admin', organisation: 'admin', roles: ['ad'] }, atMs: this.clock.nowMs() });
  }

  dump(): PlatformDump {
    const vendors = Object.fromEntries([...this.#vendors].map(([name, v]) => [name, v.dump()]));
    return { ...this.store.dump(), ...(this.#vendors.size ? { vendors } : {}) };
  }

  /** Loads a dump; a dump that fails part-way leaves the platform as it was. */
  restore(dump: PlatformDump): void {
    const before = this.dump();
    try {
      this.#apply(dump);
    } catch (err) {
      this.#apply(before);
      throw err;
    }
    this.#notify({ resource: 'Platform', kind: 'updated', entity: { id: 'restore', version: 1 }, principal: { clientId: 'admin', organisation: 'admin', roles: ['ad'] }, atMs: this.clock.nowMs() });
  }

  readonly #vendors = new Map<string, VendorState>();

  /**
   * A vendor API mock's state joins the platform's: reset with it, dumped and restored with it
   * (/__admin/state, --state). Vendor fixtures (users, keys) stay loaded even when the platform starts empty.
   */
  registerVendor(name: string, state: VendorState): void {
    this.#vendors.set(name, state);
    this.onReset(() => state.reset());
  }

  /** Called after every reset (vendor API mocks reset their own state with the platform's). */
  onReset(listener: () => void): () => void {
    this.#resetListeners.add(listener);
    return () => this.#resetListeners.delete(listener);
  }

  #apply(dump: PlatformDump): void {
    this.store.restore(dump);
    // Notification endpoints come from the clients file of this run, not from the dump of another.
    this.syncClientSubscriptions();
    for (const [name, vendor] of this.#vendors) {
      if (dump.vendors?.[name] !== undefined) vendor.restore(dump.vendors[name]);
      else vendor.reset();
    }
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ChangeEvent): void {
    this.#notify(event);
  }

  #notify(event: ChangeEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/** A number is epoch milliseconds (programmatic API); a string is ISO 8601 or epoch seconds (CLI). */
export function pinnedClockMs(value: string | number): number {
  const ms = typeof value === 'number' ? parseInstant(value / 1000) : parseInstant(value);
  if (ms === undefined) throw new Error(`clock must be an ISO 8601 instant or epoch seconds, got "${value}"`);
  return ms;
}
