// A generated access-control matrix: every secured operation of spec/openapi.yaml × every role (+ no credentials).
//
// Nothing here lists who may do what. The expected class of each cell comes from the document: the oAuth scopes
// of the operation's `security`, plus `x-lenient-scopes` unless the mock runs with strictScopes. Only the
// request used to exercise an operation (a harmless target that the role's own organisation may touch) is
// written by hand, and a secured operation without a target fails the suite, so new operations cannot slip by.
import { describe, expect, it } from 'vitest';
import { loadOpenApi } from '../spec/index.js';
import type { MockPlatform } from '../mock/platform.js';
import type { Role } from '../mock/auth/clients.js';
import { snapshot } from './support/app.js';
import { bearers, devClient, expect401, expect403, makeAuthApp, ROLE_CLIENT, ROLES } from './support/auth.js';
import { allowedRoles, operationKey, securedOperations, type SecuredOperation } from './support/operation-scopes.js';
import { payload } from './support/payloads.js';
import { contact, observation, quoteRequest } from './support/apds.js';

const PLACE = '805428'; // MCC (po-mcc), served by ep-mcr-enforcement; no right specification points at it
const SPEC = '6091d5d0-5264-4d66-a31a-1a9e2c9eed89'; // at 805432 (MCC)
const RATE = '0376c349-ed20-4f6f-9551-1a82f9f5f734'; // priced by SPEC
const RIGHT = '20410eec-2352-4cc1-820c-21ea6cbce506'; // uc4-1: SP0001's right at 220001 (MCC), created in setup
const SESSION = 'fe5eea6a-4be3-46fa-b037-20f04334ccdd'; // uc4-3: SP0001's session at 220001, created in setup
const OBSERVATION = 'matrix-observation'; // recorded by MCR-ENFORCEMENT at 805428 in setup
const QUOTE = 'matrix-quote'; // SP0001's quote request for the Arndale right specification, sent in setup
const CONTACT = 'MCC'; // fixtures/default/contacts.json

const clone = <T>(value: T): T => structuredClone(value);
const en = (string: string) => [{ language: 'en', string }];

interface Target {
  url: string;
  body?: (platform: MockPlatform) => unknown;
}

/**
 * One request per operation. Every target is something both the contract role and the lenient role (po-mcc
 * for sessions) may touch at object level, so that the scope check is the only thing that can refuse it.
 * Item reads use objects every dev client can see: inventory, and SP0001's right and session at MCC's 220001.
 */
const TARGETS: Record<string, Target> = {
  'GET /places': { url: '/places' },
  'POST /places': { url: '/places', body: () => ({ id: 'matrix-place', version: 1, type: 'identifiedArea', layer: 2, name: en('Matrix area'), parentId: { id: PLACE, version: 1 } }) },
  'GET /places/{id}': { url: `/places/${PLACE}` },
  'PUT /places/{id}': { url: `/places/${PLACE}`, body: (p) => clone(p.store.places.get(PLACE)) },
  'PATCH /places/{id}': { url: `/places/${PLACE}`, body: () => payload('uc1-4-patch-805428.json') },
  'DELETE /places/{id}': { url: `/places/${PLACE}` },

  'GET /rights/specs': { url: '/rights/specs' },
  'POST /rights/specs': { url: '/rights/specs', body: () => ({ id: 'matrix-spec', version: 1, type: 'oneTimeUseParking', hierarchyElements: [{ id: PLACE, version: 1 }] }) },
  'GET /rights/specs/{id}': { url: `/rights/specs/${SPEC}` },
  'PUT /rights/specs/{id}': { url: `/rights/specs/${SPEC}`, body: (p) => clone(p.store.rightSpecs.get(SPEC)) },
  'PATCH /rights/specs/{id}': { url: `/rights/specs/${SPEC}`, body: () => ({ description: en('patched by the access matrix') }) },
  'DELETE /rights/specs/{id}': { url: `/rights/specs/${SPEC}` },
  'GET /rights/{id}': { url: `/rights/${SPEC}` },

  'GET /rates': { url: '/rates' },
  'POST /rates': {
    url: '/rates',
    body: (p) => {
      const { 'x-aliases': _aliases, ...rate } = clone(p.store.rates.get(RATE)!);
      return { ...rate, id: 'matrix-rate' };
    },
  },
  'GET /rates/{id}': { url: `/rates/${RATE}` },
  'PUT /rates/{id}': { url: `/rates/${RATE}`, body: (p) => clone(p.store.rates.get(RATE)) },
  'PATCH /rates/{id}': { url: `/rates/${RATE}`, body: () => ({ rateResponsibleParty: 'Manchester City Council (matrix)' }) },
  'DELETE /rates/{id}': { url: `/rates/${RATE}` },

  'GET /rights/assigned': { url: '/rights/assigned' },
  'POST /rights/assigned': { url: '/rights/assigned', body: () => ({ ...payload('uc4-1-assigned-right-20410eec.json'), id: 'matrix-right' }) },
  'GET /rights/assigned/{id}': { url: `/rights/assigned/${RIGHT}` },
  'PUT /rights/assigned/{id}': { url: `/rights/assigned/${RIGHT}`, body: () => payload('uc4-1-assigned-right-20410eec.json') },
  'PATCH /rights/assigned/{id}': { url: `/rights/assigned/${RIGHT}`, body: () => ({ expiry: '2025-12-31T23:59:59Z' }) },
  'DELETE /rights/assigned/{id}': { url: `/rights/assigned/${RIGHT}` },

  'GET /sessions': { url: '/sessions' },
  'POST /sessions': {
    url: '/sessions',
    body: () => {
      const session = payload('uc4-3-session-fe5eea6a.json');
      session.id = 'matrix-session';
      session.segments[0].id = 'matrix-session-segment';
      return session;
    },
  },
  'GET /sessions/{id}': { url: `/sessions/${SESSION}` },
  'PUT /sessions/{id}': { url: `/sessions/${SESSION}`, body: () => payload('uc4-5-session-fe5eea6a-completed.json') },
  'PATCH /sessions/{id}': { url: `/sessions/${SESSION}`, body: () => ({ actualEnd: '2021-11-01T17:23:01Z' }) },
  'DELETE /sessions/{id}': { url: `/sessions/${SESSION}` },

  'GET /observations': { url: '/observations' },
  'POST /observations': { url: '/observations', body: () => observation('matrix-observation-2') },
  'GET /observations/{id}': { url: `/observations/${OBSERVATION}` },
  'PUT /observations/{id}': { url: `/observations/${OBSERVATION}`, body: () => observation(OBSERVATION, { version: 2 }) },
  'PATCH /observations/{id}': { url: `/observations/${OBSERVATION}`, body: () => ({ observer: 'matrix officer' }) },
  'DELETE /observations/{id}': { url: `/observations/${OBSERVATION}` },

  'GET /quotes': { url: '/quotes' },
  'POST /quotes': { url: '/quotes', body: () => quoteRequest('matrix-quote-2') },
  'GET /quotes/{id}': { url: `/quotes/${QUOTE}` },

  'GET /contacts': { url: '/contacts' },
  'POST /contacts': { url: '/contacts', body: () => contact('MATRIX-CONTACT') },
  'GET /contacts/{id}': { url: `/contacts/${CONTACT}` },
  'PUT /contacts/{id}': { url: `/contacts/${CONTACT}`, body: (p) => clone(p.store.contacts.get(CONTACT)) },
  'PATCH /contacts/{id}': { url: `/contacts/${CONTACT}`, body: () => ({ shareWithPublic: false }) },
  'DELETE /contacts/{id}': { url: `/contacts/${CONTACT}` },
};

const doc = loadOpenApi();
const OPERATIONS = securedOperations(doc);
type Caller = Role | 'anonymous';
const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

/**
 * A fresh app per cell, with SP0001's right and session at 220001, MCR-ENFORCEMENT's observation and SP0001's
 * quote in place, so writes never leak.
 */
async function cell(strictScopes: boolean) {
  const app = makeAuthApp({ strictScopes });
  const headers = await bearers(app.http, Object.values(ROLE_CLIENT));
  const sp = headers[ROLE_CLIENT.sp]!;
  const right = await app.http.post('/rights/assigned').set(sp).send(payload('uc4-1-assigned-right-20410eec.json'));
  expect(right.status, JSON.stringify(right.body)).toBe(201);
  const session = await app.http.post('/sessions').set(sp).send(payload('uc4-3-session-fe5eea6a.json'));
  expect(session.status, JSON.stringify(session.body)).toBe(201);
  const seen = await app.http.post('/observations').set(headers[ROLE_CLIENT.ep]!).send(observation(OBSERVATION));
  expect(seen.status, JSON.stringify(seen.body)).toBe(201);
  const quote = await app.http.post('/quotes').set(sp).send(quoteRequest(QUOTE));
  expect(quote.status, JSON.stringify(quote.body)).toBe(200);
  return { ...app, headers };
}

type Credential = 'bearer' | 'x-mcc-access-token';

async function send(app: Awaited<ReturnType<typeof cell>>, op: SecuredOperation, target: Target, caller: Caller, credential: Credential) {
  const method = op.method;
  let req = app.http[method](target.url);
  if (caller !== 'anonymous') {
    req = credential === 'bearer' ? req.set(app.headers[ROLE_CLIENT[caller]]!) : req.set('X-MCC-Access-Token', devClient(ROLE_CLIENT[caller]).accessToken!);
  }
  if (target.body) req = req.send(target.body(app.platform) as object);
  return req;
}

describe('the document the matrix is generated from', () => {
  it('has secured operations, each with a target, and every role has a dev client holding it', () => {
    expect(OPERATIONS.length).toBeGreaterThan(0);
    const missing = OPERATIONS.map(operationKey).filter((key) => !(key in TARGETS));
    expect(missing, 'secured operations without a target in TARGETS').toEqual([]);
    const stale = Object.keys(TARGETS).filter((key) => !OPERATIONS.some((op) => operationKey(op) === key));
    expect(stale, 'targets of operations the document no longer secures').toEqual([]);
    for (const role of ROLES) expect(devClient(ROLE_CLIENT[role]).roles).toContain(role);
  });

  it('makes strict scopes matter somewhere (x-lenient-scopes), so the strict run is not a copy of the lenient one', () => {
    const differ = OPERATIONS.filter((op) => ROLES.some((r) => allowedRoles(op, { strictScopes: false }).has(r) !== allowedRoles(op, { strictScopes: true }).has(r)));
    expect(differ.map(operationKey)).not.toEqual([]);
  });
});

const RUNS: Array<{ strictScopes: boolean; credential: Credential }> = [
  { strictScopes: false, credential: 'bearer' },
  { strictScopes: true, credential: 'bearer' },
  // The APDS header is an alternative to oAuth in every operation's `security`; it must decide the same way.
  { strictScopes: false, credential: 'x-mcc-access-token' },
];

for (const { strictScopes, credential } of RUNS) {
  describe(`access matrix (${strictScopes ? 'strictScopes: true' : 'lenient scopes, the default'}; ${credential === 'bearer' ? 'Bearer token from POST /auth' : 'X-MCC-Access-Token'})`, () => {
    for (const op of OPERATIONS) {
      const key = operationKey(op);
      const allowed = allowedRoles(op, { strictScopes });
      for (const caller of CALLERS) {
        // A credential of a scheme the operation does not list counts as no credentials.
        const accepted = op.schemes.includes(credential === 'bearer' ? 'oAuth' : 'apdsAccessToken');
        const expected = caller === 'anonymous' || !accepted ? '401' : allowed.has(caller) ? '2xx' : '403';
        it(`${key} (${op.operationId}) · ${caller === 'anonymous' ? 'no credentials' : `${caller} (${ROLE_CLIENT[caller]})`} → ${expected}`, async () => {
          const target = TARGETS[key];
          if (!target) throw new Error(`no target for ${key}: add one to TARGETS`);
          const app = await cell(strictScopes);
          const before = snapshot(app.platform);
          const res = await send(app, op, target, caller, credential);
          if (expected === '401') expect401(res);
          else if (expected === '403') expect403(res);
          else {
            // Every target is chosen so that the holder's request succeeds; a 4xx here would hide behind tenancy or validation.
            expect(res.status, `${key} as ${caller}: ${res.status} ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(200);
            expect(res.status, `${key} as ${caller}: ${res.status} ${JSON.stringify(res.body)}`).toBeLessThan(300);
          }
          if (expected !== '2xx') expect(snapshot(app.platform), 'a refused request must not change the store').toBe(before);
          expect(app.unexpected).toEqual([]);
        });
      }
    }
  });
}
