// The mock platform's state: store, clock, journal, fixtures and change listeners; no HTTP here.
import { schemaRegistry, type SchemaRegistry } from '../spec/index.js';
import { ClientRegistry, type Client } from './auth/clients.js';
import { TokenService } from './auth/tokens.js';
import { VirtualClock } from './clock.js';
import type { Dialect } from './http/context.js';
import { loadFixtureSet, readFixtureSet } from './fixtures.js';
import { RequestJournal } from './journal.js';
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
}

export type ChangeListener = (event: ChangeEvent) => void;

export class MockPlatform {
  readonly store = new PlatformStore();
  readonly clock: VirtualClock;
  readonly journal: RequestJournal;
  readonly schemas: SchemaRegistry = schemaRegistry();
  readonly dialect: Dialect;
  readonly strict: boolean;
  readonly authEnabled: boolean;
  readonly strictScopes: boolean;
  readonly clients: ClientRegistry;
  readonly tokens: TokenService;
  readonly #fixtures: string | false;
  readonly #listeners = new Set<ChangeListener>();

  constructor(options: MockPlatformOptions = {}) {
    this.clock = new VirtualClock(options.clock === undefined ? undefined : pinnedClockMs(options.clock));
    this.journal = new RequestJournal(options.journalSize ?? 1000);
    this.dialect = options.dialect ?? 'spec';
    this.strict = options.strict ?? false;
    this.authEnabled = options.auth ?? true;
    this.strictScopes = options.strictScopes ?? false;
    this.clients = Array.isArray(options.clients) ? new ClientRegistry(options.clients) : ClientRegistry.fromFile(options.clients);
    this.tokens = new TokenService(options.tokenSecret);
    this.#fixtures = options.fixtures ?? 'default';
    this.reset();
  }

  get fixtures(): string | false {
    return this.#fixtures;
  }

  /** Back to a fixture set (the one the platform started with by default), or empty with `false`. */
  reset(fixtures: string | false = this.#fixtures): void {
    if (fixtures === false) this.store.clear();
    else loadFixtureSet(this.store, readFixtureSet(fixtures), this.schemas, this.clock.nowMs());
    this.journal.clear();
    this.#notify({ resource: 'Platform', kind: 'updated', entity: { id: 'reset', version: 1 }, principal: { clientId: 'admin', organisation: 'admin', roles: ['ad'] }, atMs: this.clock.nowMs() });
  }

  dump(): StoreDump {
    return this.store.dump();
  }

  restore(dump: StoreDump): void {
    this.store.restore(dump);
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

export function pinnedClockMs(value: string | number): number {
  const ms = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`clock must be an ISO 8601 instant or epoch seconds, got "${value}"`);
  return ms;
}
