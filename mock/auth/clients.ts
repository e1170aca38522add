// The clients the mock knows: who they are, the roles (scopes) they hold and the organisation they act for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../spec/package-root.js';

export const ROLES = ['po', 'sp', 'ep', 'ad'] as const;
export type Role = (typeof ROLES)[number];

export interface Client {
  clientId: string;
  clientSecret: string;
  /** Pre-shared `X-MCC-Access-Token` (APDS README). */
  accessToken?: string;
  roles: Role[];
  organisation: string;
  name?: string;
  /** Places an operator runs, or an enforcement contractor serves (children included). */
  places?: string[];
  /** Where the platform PUTs events for this client (seed UC4: "SP-provided notification endpoint for new sessions"), by topic. */
  notificationEndpoints?: Record<string, string>;
}

export class ClientRegistryError extends Error {
  override readonly name = 'ClientRegistryError';
}

export function defaultClientsPath(): string {
  return join(packageRoot(), 'fixtures', 'clients.json');
}

function checkClient(raw: unknown, where: string): Client {
  const c = raw as Partial<Client>;
  const problems: string[] = [];
  if (typeof c?.clientId !== 'string' || c.clientId === '') problems.push('clientId must be a non-empty string');
  if (typeof c?.clientSecret !== 'string' || c.clientSecret === '') problems.push('clientSecret must be a non-empty string');
  if (typeof c?.organisation !== 'string' || c.organisation === '') problems.push('organisation must be a non-empty string');
  if (!Array.isArray(c?.roles) || c.roles.length === 0 || !c.roles.every((r) => ROLES.includes(r))) problems.push(`roles must be a non-empty list of ${ROLES.join(', ')}`);
  if (c?.accessToken !== undefined && typeof c.accessToken !== 'string') problems.push('accessToken must be a string');
  if (c?.places !== undefined && !(Array.isArray(c.places) && c.places.every((p) => typeof p === 'string'))) problems.push('places must be a list of place ids');
  const endpoints = c?.notificationEndpoints;
  if (endpoints !== undefined && !(endpoints && typeof endpoints === 'object' && Object.values(endpoints).every((u) => typeof u === 'string' && /^https?:\/\//.test(u)))) {
    problems.push('notificationEndpoints must map topics to http(s) URLs');
  }
  if (problems.length) throw new ClientRegistryError(`${where}: ${problems.join('; ')}`);
  return { ...(c as Client), roles: [...c.roles!], places: c.places ? [...c.places] : undefined, notificationEndpoints: endpoints ? { ...endpoints } : undefined };
}

export class ClientRegistry {
  readonly #byId = new Map<string, Client>();
  readonly #byToken = new Map<string, Client>();

  constructor(clients: readonly Client[] = []) {
    for (const client of clients) this.add(client);
  }

  static fromFile(path: string = defaultClientsPath()): ClientRegistry {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ClientRegistryError(`cannot read clients file ${path}: ${(err as Error).message}`);
    }
    const list = (parsed as { clients?: unknown })?.clients;
    if (!Array.isArray(list)) throw new ClientRegistryError(`${path}: expected {"clients": [...]}`);
    return new ClientRegistry(list.map((c, i) => checkClient(c, `${path} clients[${i}]`)));
  }

  add(raw: unknown): Client {
    const client = checkClient(raw, 'client');
    if (this.#byId.has(client.clientId)) throw new ClientRegistryError(`client ${client.clientId} already exists`);
    if (client.accessToken && this.#byToken.has(client.accessToken)) throw new ClientRegistryError(`access token of ${client.clientId} is already in use`);
    this.#byId.set(client.clientId, client);
    if (client.accessToken) this.#byToken.set(client.accessToken, client);
    return client;
  }

  remove(clientId: string): boolean {
    const client = this.#byId.get(clientId);
    if (!client) return false;
    this.#byId.delete(clientId);
    if (client.accessToken) this.#byToken.delete(client.accessToken);
    return true;
  }

  /** Points a client's notifications somewhere else (e.g. at the simulated SP back end). */
  setNotificationEndpoints(clientId: string, endpoints: Record<string, string>): void {
    const client = this.#byId.get(clientId);
    if (!client) throw new ClientRegistryError(`client ${clientId} does not exist`);
    client.notificationEndpoints = { ...endpoints };
  }

  get(clientId: string): Client | undefined {
    return this.#byId.get(clientId);
  }

  byAccessToken(token: string): Client | undefined {
    return this.#byToken.get(token);
  }

  list(): Client[] {
    return [...this.#byId.values()];
  }
}
