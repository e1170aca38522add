// Test helpers for access control: the dev clients of fixtures/clients.json, tokens from POST /auth, 401 checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Response } from 'supertest';
import type { Client, Role } from '../../mock/auth/clients.js';
import { packageRoot } from '../../spec/package-root.js';
import { makeApp } from './app.js';
import type { MockPlatformOptions } from '../../mock/platform.js';

export const ROLES: readonly Role[] = ['po', 'sp', 'ep', 'ad'];

/** The shipped dev clients, read fresh from fixtures/clients.json. */
export const DEV_CLIENTS: readonly Client[] = JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'clients.json'), 'utf8')).clients;

export function devClient(clientId: string): Client {
  const client = DEV_CLIENTS.find((c) => c.clientId === clientId);
  if (!client) throw new Error(`fixtures/clients.json has no client ${clientId}`);
  return client;
}

/** `X-MCC-Access-Token` header of a shipped client, to call the mock as one of the seed's actors: `actor('po-mcc')`. */
export function actor(clientId: string): Record<string, string> {
  const token = devClient(clientId).accessToken;
  if (!token) throw new Error(`fixtures/clients.json has no accessToken for ${clientId}`);
  return { 'X-MCC-Access-Token': token };
}

/**
 * The dev client that acts for each role in the generated tests. The tenancy targets of the matrix (place
 * 805428, the right and session at 220001) are chosen for these organisations (MCC, SP0001).
 */
export const ROLE_CLIENT: Readonly<Record<Role, string>> = {
  po: 'po-mcc',
  sp: 'sp-sp0001',
  ep: 'ep-mcr-enforcement',
  ad: 'ad-npp',
};

type Agent = ReturnType<typeof makeApp>['http'];

/** An in-process app with access control on (makeApp turns it off by default). */
export function makeAuthApp(options: MockPlatformOptions = {}) {
  return makeApp({ auth: true, ...options });
}

/** POST /auth with the client's id and secret in a form body; asserts 200 and returns the access token. */
export async function tokenFor(http: Agent, clientId: string, scope?: string): Promise<string> {
  const client = devClient(clientId);
  const res = await http
    .post('/auth')
    .type('form')
    .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, ...(scope === undefined ? {} : { scope }) });
  expect(res.status, `POST /auth for ${clientId}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body.access_token as string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Bearer headers for each of the given dev clients, from one app's token endpoint. */
export async function bearers(http: Agent, clientIds: readonly string[]): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const id of clientIds) out[id] = bearer(await tokenFor(http, id));
  return out;
}

export const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A 401 of the API: ResponseStatus body and a Bearer challenge in WWW-Authenticate. */
export function expect401(res: Response, message?: RegExp): void {
  expect(res.status, `expected 401, got ${res.status}: ${JSON.stringify(res.body)}`).toBe(401);
  expect(res.headers['www-authenticate'], 'a 401 must carry WWW-Authenticate').toMatch(/^Bearer realm="[^"]+"/);
  expect(res.body).toMatchObject({ status: 'error', code: 401 });
  if (message) expect(res.body.message).toMatch(message);
}

export function expect403(res: Response): void {
  expect(res.status, `expected 403, got ${res.status}: ${JSON.stringify(res.body)}`).toBe(403);
  expect(res.body).toMatchObject({ status: 'error', code: 403 });
}
