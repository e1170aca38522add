// Secured-parking API (seed 002) in process: the documented example replayed, every documented error code, the
// session state machine through every transition (forbidden ones: a clear 4xx and the session unchanged), smart-key
// tries and window, the payment page and its test cards, reset, fixtures and our OpenAPI document.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ResponseValidator } from '../harness/schema-check.js';
import { MockPlatform } from '../mock/platform.js';
import { checkSecuredParkingFixtures, createSecuredParking, readSecuredParkingFixtures, SECURED_PARKING_BASE, SecuredParkingFixtureError } from '../mock/vendors/secured-parking/index.js';
import { escapeHtml } from '../mock/vendors/secured-parking/payment.js';
import { createAjv, type OpenApiDocument } from '../spec/index.js';
import { packageRoot } from '../spec/package-root.js';
import { CARDS, SEED_002_REQUEST, SEED_002_RESPONSE } from '../suites/vendor-secured-parking.js';
import { makeApp } from './support/app.js';

const fixtures = readSecuredParkingFixtures();
const T1 = fixtures.drivers[0]!.access_token;
const T2 = fixtures.drivers[1]!.access_token;
const specText = readFileSync(join(packageRoot(), 'spec', 'secured-parking.yaml'), 'utf8');
const doc = parseYaml(specText) as OpenApiDocument;
const validator = new ResponseValidator(doc, { source: 'spec/secured-parking.yaml', digest: createHash('sha256').update(specText).digest('hex') });

const FINALIZE = '/api/car_driver/parking_sessions/{id}/finalize';
const SESSION = '/api/car_driver/parking_sessions/{id}';
const SESSIONS = '/api/car_driver/parking_sessions';
const KEYS = '/api/car_driver/smart_keys';
const KEY_USE = '/api/car_driver/smart_keys/{id}/use';
const PAY = '/api/payment/pay/{id}';
const NO_BODY = Symbol('no body');
const at = (iso: string, minutes = 0) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

type Http = ReturnType<typeof makeApp>['http'];
type Res = { status: number; body: any; headers: Record<string, string>; text: string };

/** The answer must be one of the document's for that operation and status, and valid. */
function conforms(res: Res, method: string, template: string): void {
  const result = validator.check(method, template, res.status, res.body);
  expect(result.undocumented, `${method} ${template} ${res.status} is documented`).toBeFalsy();
  expect(result.violations, `${method} ${template} ${res.status}: ${JSON.stringify(res.body)}`).toEqual([]);
}

function refused(res: Res, method: string, template: string, status: number, field: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  conforms(res, method, template);
  expect(Object.keys(res.body.errors)).toContain(field);
}

function driver(http: Http, token: string | null = T1) {
  const auth = <T extends { set(k: string, v: string): T }>(r: T, now?: string) => {
    if (token !== null) r = r.set('Authorization', `Bearer ${token}`);
    return now ? r.set('X-Mock-Now', now) : r;
  };
  return {
    get: (path: string, now?: string) => auth(http.get(path), now),
    create: (parking: number, now: string) => auth(http.post(SESSIONS), now).send({ parking_session: { secured_parking_id: parking } }),
    read: (id: number) => auth(http.get(`/api/car_driver/parking_sessions/${id}`)),
    /** `NO_BODY` sends none (undefined would mean the seed's request). */
    finalize: (id: number | string, now: string, body: unknown = SEED_002_REQUEST, method: 'put' | 'patch' = 'put') => {
      const r = auth(http[method](`/api/car_driver/parking_sessions/${id}/finalize`), now);
      return body === NO_BODY ? r : r.send(body as object);
    },
    use: (keyId: number, now: string, body?: object) => {
      const r = auth(http.post(`/api/car_driver/smart_keys/${keyId}/use`), now);
      return body === undefined ? r : r.send(body);
    },
    keys: () => auth(http.get(KEYS)),
  };
}

const pay = (http: Http, id: number, card: object) => http.post(`/api/payment/pay/${id}`).send(card);

/** Proves that a refused request left the session as it was. */
async function unchanged(http: Http, id: number, attempt: () => PromiseLike<Res>, token: string = T1): Promise<Res> {
  const before = portless((await driver(http, token).read(id)).body);
  const res = await attempt();
  expect(portless((await driver(http, token).read(id)).body)).toEqual(before);
  return res;
}

/** supertest listens on a new port per request: pay_url's origin differs from one answer to the next. */
const portless = (body: unknown) => JSON.parse(JSON.stringify(body).replace(/http:\/\/127\.0\.0\.1:\d+\//g, 'http://127.0.0.1/'));

/** A new session of driver 1 at parking 187 taken to `state`, starting at `start`. */
async function sessionIn(http: Http, state: 'entering' | 'active' | 'exiting' | 'paid' | 'closed', start: string) {
  const d = driver(http);
  const created = await d.create(187, start).expect(201);
  const id: number = created.body.parking_session.id;
  const keyId: number = created.body.smart_key.id;
  if (state !== 'entering') await d.use(keyId, at(start, 1)).expect(200);
  if (['exiting', 'paid', 'closed'].includes(state)) await d.finalize(id, at(start, 65)).expect(201);
  if (['paid', 'closed'].includes(state)) await pay(http, id, CARDS.netopiaAccepted).expect(200);
  if (state === 'closed') await d.use(keyId, at(start, 66)).expect(200);
  return { id, keyId };
}

describe('seed 002 example replayed', () => {
  it('PUT finalize of session 1 at 09:05 answers 201 and the documented body', async () => {
    const { http } = makeApp();
    const res = await driver(http).finalize(1, '2017-09-07T09:05:00+00:00').expect(201);
    conforms(res, 'put', FINALIZE);
    expect(res.body).toEqual({
      ...SEED_002_RESPONSE,
      pay_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/payment\/pay\/1\?from_mobile_v4=true$/),
      smart_key: { ...SEED_002_RESPONSE.smart_key, access_command: expect.stringMatching(/^[0-9a-f]{70}$/) },
    });
    // Field order as documented, too.
    expect(Object.keys(res.body)).toEqual(Object.keys(SEED_002_RESPONSE));
    expect(Object.keys(res.body.parking_session)).toEqual(Object.keys(SEED_002_RESPONSE.parking_session));
    expect(Object.keys(res.body.smart_key)).toEqual(Object.keys(SEED_002_RESPONSE.smart_key));
  });

  it('PATCH gives the same answer, and the key command is deterministic', async () => {
    const a = makeApp();
    const b = makeApp();
    const put = await driver(a.http).finalize(1, '2017-09-07T09:05:00+00:00', SEED_002_REQUEST, 'put').expect(201);
    const patch = await driver(b.http).finalize(1, '2017-09-07T09:05:00+00:00', SEED_002_REQUEST, 'patch').expect(201);
    conforms(patch, 'patch', FINALIZE);
    expect(portless(patch.body)).toEqual(portless(put.body));
  });

  it("uses the platform's virtual clock when there is no X-Mock-Now", async () => {
    const { http } = makeApp({ clock: '2017-09-07T09:05:00Z' });
    const res = await driver(http).finalize(1, '').expect(201);
    expect(res.body.parking_session.end_time).toBe('2017-09-07T09:05:00+00:00');
    expect([res.body.smart_key.start_time, res.body.smart_key.end_time]).toEqual(['2017-09-07T09:05:00+00:00', '2017-09-07T09:10:00+00:00']);
  });

  it('the pay_url serves the payment page', async () => {
    const { http } = makeApp();
    const res = await driver(http).finalize(1, '2017-09-07T09:05:00+00:00').expect(201);
    const url = new URL(res.body.pay_url);
    const page = await http.get(url.pathname + url.search).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toContain('10.00 RON');
    expect(page.text).toContain('action="/api/payment/pay/1?from_mobile_v4=true"');
    expect(page.text).not.toMatch(/\s(src|href)=/i);
  });
});

describe('documented errors', () => {
  it('400 when parking_session or secured_parking_id is missing; the session is unchanged', async () => {
    const { http } = makeApp();
    const d = driver(http);
    const now = '2017-09-07T09:05:00Z';
    refused(await unchanged(http, 1, () => d.finalize(1, now, NO_BODY)), 'put', FINALIZE, 400, 'parking_session');
    refused(await unchanged(http, 1, () => d.finalize(1, now, {})), 'put', FINALIZE, 400, 'parking_session');
    refused(await unchanged(http, 1, () => d.finalize(1, now, { parking_session: null })), 'put', FINALIZE, 400, 'parking_session');
    refused(await unchanged(http, 1, () => d.finalize(1, now, { parking_session: 187 })), 'put', FINALIZE, 400, 'parking_session');
    refused(await unchanged(http, 1, () => d.finalize(1, now, [SEED_002_REQUEST])), 'put', FINALIZE, 400, 'parking_session');
    refused(await unchanged(http, 1, () => d.finalize(1, now, { parking_session: {} }, 'patch')), 'patch', FINALIZE, 400, 'secured_parking_id');
    refused(await unchanged(http, 1, () => d.finalize(1, now, { parking_session: { secured_parking_id: null } })), 'put', FINALIZE, 400, 'secured_parking_id');
    refused(await unchanged(http, 1, () => d.finalize(1, now, { secured_parking_id: 187 })), 'put', FINALIZE, 400, 'parking_session');
  });

  it('400 for malformed JSON and forbidden keys, 415 for another media type, 413 beyond 1 MB: all in the vendor error shape', async () => {
    const { http } = makeApp();
    const url = '/api/car_driver/parking_sessions/1/finalize';
    const bad = await http.put(url).set('Authorization', `Bearer ${T1}`).set('Content-Type', 'application/json').send('{"parking_session": ');
    refused(bad, 'put', FINALIZE, 400, 'base');
    const proto = await http.put(url).set('Authorization', `Bearer ${T1}`).set('Content-Type', 'application/json').send('{"parking_session": {"secured_parking_id": 187, "__proto__": {"x": 1}}}');
    refused(proto, 'put', FINALIZE, 400, 'base');
    const ctor = await http.put(url).set('Authorization', `Bearer ${T1}`).send({ parking_session: { secured_parking_id: 187, constructor: { prototype: {} } } });
    expect(ctor.status).toBe(400);
    const xml = await http.put(url).set('Authorization', `Bearer ${T1}`).set('Content-Type', 'application/xml').send('<parking_session/>');
    expect(xml.status).toBe(415);
    expect(xml.body.errors.base[0]).toMatch(/unsupported media type/);
    const big = await http.put(url).set('Authorization', `Bearer ${T1}`).set('Content-Type', 'application/json').send(`{"pad": "${'x'.repeat(1024 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect(big.body.errors.base[0]).toMatch(/exceeds/);
    expect((await driver(http).read(1)).body.parking_session.state).toBe('active');
  });

  it('401 without a token, with another scheme or an unknown token, before anything else', async () => {
    const { http } = makeApp();
    for (const res of [
      await driver(http, null).finalize(1, '2017-09-07T09:05:00Z'),
      await driver(http, null).finalize(999, '2017-09-07T09:05:00Z', {}),
      await driver(http, 'ffffffffffffffffffffffffffffffff').finalize(1, '2017-09-07T09:05:00Z'),
      await http.put('/api/car_driver/parking_sessions/1/finalize').set('Authorization', `Token ${T1}`).send(SEED_002_REQUEST),
      await http.put('/api/car_driver/parking_sessions/1/finalize').set('Authorization', 'Bearer ').send(SEED_002_REQUEST),
    ]) {
      refused(res, 'put', FINALIZE, 401, 'access_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="secured-parking"/);
    }
    refused(await driver(http, null).keys(), 'get', KEYS, 401, 'access_token');
    refused(await driver(http, null).read(1), 'get', SESSION, 401, 'access_token');
    refused(await driver(http, null).create(187, '2017-09-07T08:00:00Z'), 'post', SESSIONS, 401, 'access_token');
    refused(await driver(http, null).use(1, '2017-09-07T08:00:00Z'), 'post', KEY_USE, 401, 'access_token');
    // The platform's own tokens mean nothing here, and the vendor's mean nothing to the platform.
    expect((await http.get('/places').set('Authorization', `Bearer ${T1}`)).status).toBe(200); // auth off in makeApp
    expect((await driver(http).read(1)).body.parking_session.state).toBe('active');
  });

  it("404 for an unknown session, an unknown parking, a non-integer id and another driver's session", async () => {
    const { http } = makeApp();
    const d = driver(http);
    refused(await d.finalize(999, '2017-09-07T09:05:00Z'), 'put', FINALIZE, 404, 'id');
    refused(await d.finalize('abc', '2017-09-07T09:05:00Z'), 'put', FINALIZE, 404, 'id');
    refused(await d.finalize('1.5', '2017-09-07T09:05:00Z'), 'put', FINALIZE, 404, 'id');
    refused(await unchanged(http, 1, () => d.finalize(1, '2017-09-07T09:05:00Z', { parking_session: { secured_parking_id: 999 } })), 'put', FINALIZE, 404, 'secured_parking_id');
    // Session 2 is driver 2's: driver 1 cannot see or finalize it.
    refused(await unchanged(http, 2, () => d.finalize(2, '2017-09-07T09:35:00Z', { parking_session: { secured_parking_id: 1 } }), T2), 'put', FINALIZE, 404, 'id');
    refused(await d.read(2), 'get', SESSION, 404, 'id');
    refused(await d.use(2, '2017-09-07T08:31:00Z'), 'post', KEY_USE, 404, 'id');
    refused(await d.create(4242, '2017-09-07T08:00:00Z'), 'post', SESSIONS, 404, 'secured_parking_id');
  });

  it('422 for a parking that does not match, a wrong state and a non-integer parking id, errors collected', async () => {
    const { http } = makeApp();
    const d = driver(http);
    const mismatch = await unchanged(http, 1, () => d.finalize(1, '2017-09-07T09:05:00Z', { parking_session: { secured_parking_id: 1 } }));
    refused(mismatch, 'put', FINALIZE, 422, 'secured_parking_id');
    expect(mismatch.body).toEqual({ errors: { secured_parking_id: ['does not match the parking of the session (187)'] } });
    refused(await unchanged(http, 1, () => d.finalize(1, '2017-09-07T09:05:00Z', { parking_session: { secured_parking_id: 'P187' } })), 'put', FINALIZE, 422, 'secured_parking_id');
    // A string of digits is an id, as a Rails back end would take it.
    await d.finalize(1, '2017-09-07T09:05:00Z', { parking_session: { secured_parking_id: '187' } }).expect(201);
    const both = await unchanged(http, 1, () => d.finalize(1, '2017-09-07T09:06:00Z', { parking_session: { secured_parking_id: 1 } }));
    refused(both, 'put', FINALIZE, 422, 'state');
    expect(Object.keys(both.body.errors).sort()).toEqual(['secured_parking_id', 'state']);
  });

  it('422 when finalizing before the session started (X-Mock-Now in the past)', async () => {
    const { http } = makeApp();
    refused(await unchanged(http, 1, () => driver(http).finalize(1, '2017-09-07T07:59:00Z')), 'put', FINALIZE, 422, 'end_time');
  });

  it('405 with Allow for another method on a known path; 404 in the vendor shape for an unknown one', async () => {
    const { http } = makeApp();
    const get = await driver(http).get('/api/car_driver/parking_sessions/1/finalize');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('PUT, PATCH');
    conforms(get, 'put', FINALIZE);
    const del = await http.delete('/api/car_driver/smart_keys').set('Authorization', `Bearer ${T1}`);
    expect([del.status, del.headers.allow]).toEqual([405, 'GET']);
    const unknown = await driver(http).get('/api/car_driver/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: { base: ['no route for GET /api/car_driver/nothing'] } });
    const payUnknown = await http.get('/api/payment/other');
    expect(payUnknown.status).toBe(404);
  });
});

describe('session state machine', () => {
  it('entering → active → exiting → paid → closed, with the forbidden moves refused at each state', async () => {
    const { http } = makeApp();
    const d = driver(http);
    const t0 = '2017-09-07T08:00:00Z';

    // entering
    const created = await d.create(187, t0).expect(201);
    conforms(created, 'post', SESSIONS);
    const id: number = created.body.parking_session.id;
    const keyId: number = created.body.smart_key.id;
    expect(created.headers.location).toBe(`/api/car_driver/parking_sessions/${id}`);
    expect(id).toBe(3);
    expect(created.body.parking_session).toEqual({
      id, type: 'pay_per_use', state: 'entering', start_time: '2017-09-07T08:00:00+00:00', end_time: null, entrance_remaining_tries: 10, exit_remaining_tries: 10,
      secured_parking_id: 187, amount: null, currency: 'RON', pay_url: null, payment: null,
    });
    expect(created.body.smart_key).toMatchObject({ id: 3, secured_parking_id: 1, name: 'Secured P 1', type: 'session_access', start_time: '2017-09-07T08:00:00+00:00', end_time: '2017-09-07T08:05:00+00:00' });
    refused(await unchanged(http, id, () => d.finalize(id, at(t0, 1))), 'put', FINALIZE, 422, 'state');
    refused(await unchanged(http, id, () => pay(http, id, CARDS.netopiaAccepted)), 'post', PAY, 422, 'state');
    refused(await unchanged(http, id, () => d.use(keyId, at(t0, 1), { access_point: { mac_address: '00:00:00:00:00:00' } })), 'post', KEY_USE, 422, 'access_point');
    refused(await unchanged(http, id, () => d.use(keyId, at(t0, 1), { opened: 'yes' })), 'post', KEY_USE, 422, 'opened');
    expect((await http.get(`/api/payment/pay/${id}`)).status).toBe(422);

    // a failed attempt spends a try, the state stays
    const failed = await d.use(keyId, at(t0, 1), { opened: false }).expect(200);
    conforms(failed, 'post', KEY_USE);
    expect(failed.body.parking_session).toMatchObject({ state: 'entering', entrance_remaining_tries: 9 });

    // entering → active (case-insensitive MAC)
    const entered = await d.use(keyId, at(t0, 1), { access_point: { mac_address: '76:86:bb:de:63:ad' } }).expect(200);
    expect(entered.body.parking_session).toMatchObject({ state: 'active', entrance_remaining_tries: 8, exit_remaining_tries: 10 });
    refused(await unchanged(http, id, () => d.use(keyId, at(t0, 2))), 'post', KEY_USE, 422, 'state');
    refused(await unchanged(http, id, () => pay(http, id, CARDS.netopiaAccepted)), 'post', PAY, 422, 'state');

    // active → exiting
    const fin = await d.finalize(id, at(t0, 65)).expect(201);
    expect(fin.body).toMatchObject({ amount: '10.00', currency: 'RON', parking_session: { state: 'exiting', end_time: '2017-09-07T09:05:00+00:00' } });
    expect(fin.body.smart_key).toMatchObject({ id: keyId, start_time: '2017-09-07T09:05:00+00:00', end_time: '2017-09-07T09:10:00+00:00' });
    expect(fin.body.smart_key.access_command).not.toBe(created.body.smart_key.access_command);
    refused(await unchanged(http, id, () => d.finalize(id, at(t0, 66))), 'put', FINALIZE, 422, 'state');
    refused(await unchanged(http, id, () => d.use(keyId, at(t0, 66))), 'post', KEY_USE, 422, 'state');
    const detail = await d.read(id).expect(200);
    conforms(detail, 'get', SESSION);
    expect(portless(detail.body).parking_session).toMatchObject({ amount: '10.00', pay_url: portless(fin.body).pay_url, payment: null });

    // exiting → paid (declines first)
    refused(await unchanged(http, id, () => pay(http, id, CARDS.netopiaExpired)), 'post', PAY, 402, 'card');
    refused(await unchanged(http, id, () => pay(http, id, { ...CARDS.netopiaAccepted, cvv: '112' })), 'post', PAY, 402, 'card');
    refused(await unchanged(http, id, () => pay(http, id, { card_number: '4111111111111111', cvv: '123', expiry: '12/2030' })), 'post', PAY, 402, 'card');
    refused(await unchanged(http, id, () => pay(http, id, {})), 'post', PAY, 400, 'card_number');
    refused(await unchanged(http, id, () => pay(http, id, { card_number: '1234' })), 'post', PAY, 422, 'card_number');
    refused(await unchanged(http, id, () => pay(http, id, { ...CARDS.netopiaAccepted, expiry: '13/2030' })), 'post', PAY, 422, 'expiry');
    refused(await unchanged(http, id, () => pay(http, id, { ...CARDS.netopiaAccepted, cvv: 111 })), 'post', PAY, 422, 'cvv');
    const paid = await pay(http, id, { ...CARDS.netopiaAccepted, card_number: '9900 0048 1022 5098' }).expect(200);
    conforms(paid, 'post', PAY);
    expect(paid.body.payment).toMatchObject({ provider: 'netopia', status: 'accepted', amount: '10.00', currency: 'RON', card_last4: '5098' });
    expect(paid.body.parking_session.state).toBe('paid');
    expect(JSON.stringify(paid.body)).not.toContain('9900004810225098');
    refused(await unchanged(http, id, () => pay(http, id, CARDS.netopiaAccepted)), 'post', PAY, 422, 'state');
    refused(await unchanged(http, id, () => d.finalize(id, at(t0, 66))), 'put', FINALIZE, 422, 'state');
    expect((await http.get(`/api/payment/pay/${id}`)).text).toContain('Payment received');

    // paid → closed
    const exit = await d.use(keyId, at(t0, 67), { access_point: { mac_address: '6F:FF:D3:B0:57:39' } }).expect(200);
    expect(exit.body.parking_session).toMatchObject({ state: 'closed', entrance_remaining_tries: 8, exit_remaining_tries: 9 });
    refused(await unchanged(http, id, () => d.use(keyId, at(t0, 68))), 'post', KEY_USE, 422, 'state');
    refused(await unchanged(http, id, () => d.finalize(id, at(t0, 68))), 'put', FINALIZE, 422, 'state');
    refused(await unchanged(http, id, () => pay(http, id, CARDS.netopiaAccepted)), 'post', PAY, 422, 'state');
    const keys = await d.keys().expect(200);
    expect(keys.body.smart_keys.map((k: any) => k.id)).toEqual([1]);
  });

  it('exit: a failed attempt spends an exit try and keeps the session paid', async () => {
    const { http } = makeApp();
    const { id, keyId } = await sessionIn(http, 'paid', '2017-09-07T10:00:00Z');
    const res = await driver(http).use(keyId, at('2017-09-07T10:00:00Z', 66), { opened: false }).expect(200);
    expect(res.body.parking_session).toMatchObject({ id, state: 'paid', exit_remaining_tries: 9 });
  });

  it('the key window: refused before its start and after its end, both ways', async () => {
    const { http } = makeApp();
    const d = driver(http);
    const t0 = '2017-09-07T10:00:00Z';
    const e = await sessionIn(http, 'entering', t0);
    refused(await unchanged(http, e.id, () => d.use(e.keyId, at(t0, -1))), 'post', KEY_USE, 422, 'smart_key');
    refused(await unchanged(http, e.id, () => d.use(e.keyId, at(t0, 5.02))), 'post', KEY_USE, 422, 'smart_key');
    await d.use(e.keyId, at(t0, 5)).expect(200); // the end is inclusive
    const p = await sessionIn(http, 'paid', t0);
    refused(await unchanged(http, p.id, () => d.use(p.keyId, at(t0, 64))), 'post', KEY_USE, 422, 'smart_key');
    const late = await unchanged(http, p.id, () => d.use(p.keyId, at(t0, 71)));
    refused(late, 'post', KEY_USE, 422, 'smart_key');
    expect(late.body.errors.smart_key[0]).toBe('expired at 2017-09-07T11:10:00+00:00');
  });

  it('exhausted tries: after 10 spent, the next use is refused and nothing changes (entrance and exit)', async () => {
    const { http } = makeApp();
    const d = driver(http);
    const t0 = '2017-09-07T11:00:00Z';
    const e = await sessionIn(http, 'entering', t0);
    for (let i = 0; i < 10; i++) await d.use(e.keyId, at(t0, 1), { opened: false }).expect(200);
    const out = await unchanged(http, e.id, () => d.use(e.keyId, at(t0, 1)));
    refused(out, 'post', KEY_USE, 422, 'smart_key');
    expect(out.body.errors.smart_key).toEqual(['has no entrance tries left']);
    expect((await d.read(e.id)).body.parking_session).toMatchObject({ state: 'entering', entrance_remaining_tries: 0 });

    const p = await sessionIn(http, 'paid', t0);
    for (let i = 0; i < 10; i++) await d.use(p.keyId, at(t0, 66), { opened: false }).expect(200);
    refused(await unchanged(http, p.id, () => d.use(p.keyId, at(t0, 66))), 'post', KEY_USE, 422, 'smart_key');
  });

  it('the tariff: per started hour at parking 187 (5.00 RON), at least one hour; parking 1 has its own', async () => {
    const { http } = makeApp();
    const d = driver(http);
    const t0 = '2017-09-07T12:00:00Z';
    const cases: Array<[number, string]> = [[0, '5.00'], [60, '5.00'], [61, '10.00'], [65, '10.00'], [180, '15.00'], [181, '20.00']];
    for (const [minutes, amount] of cases) {
      const { id, keyId } = await sessionIn(http, 'entering', t0);
      await d.use(keyId, t0).expect(200);
      const res = await d.finalize(id, at(t0, minutes)).expect(201);
      expect([minutes, res.body.amount]).toEqual([minutes, amount]);
    }
    const one = await driver(http).create(1, t0).expect(201);
    await driver(http).use(one.body.smart_key.id, t0).expect(200);
    const res = await driver(http).finalize(one.body.parking_session.id, at(t0, 65), { parking_session: { secured_parking_id: 1 } }).expect(201);
    expect(res.body.amount).toBe('8.00');
    expect(res.body.smart_key.name).toBe('Secured P 1');
  });
});

describe('payment page', () => {
  it('EPX 4000000000000002 with no CVV and 12/2025 pays through the HTML form; other expiry or a CVV is declined', async () => {
    const { http } = makeApp();
    const { id } = await sessionIn(http, 'exiting', '2017-09-07T13:00:00Z');
    const form = (card: Record<string, string>) => http.post(`/api/payment/pay/${id}?from_mobile_v4=true`).type('form').send(card);
    const wrongExpiry = await unchanged(http, id, () => form({ ...CARDS.epxAccepted, expiry: '11/2025' }));
    expect(wrongExpiry.status).toBe(402);
    expect(wrongExpiry.headers['content-type']).toMatch(/^text\/html/);
    expect(wrongExpiry.text).toContain('declined: invalid expiry date');
    expect(wrongExpiry.text).toContain('name="card_number"'); // the form again
    expect((await unchanged(http, id, () => form({ ...CARDS.epxAccepted, cvv: '123' }))).status).toBe(402);
    expect((await unchanged(http, id, () => form({ card_number: CARDS.epxAccepted.card_number, cvv: '' }))).status).toBe(402);
    const ok = await form({ ...CARDS.epxAccepted, expiry: '12/25' }).expect(200);
    expect(ok.headers['content-type']).toMatch(/^text\/html/);
    expect(ok.text).toContain('Payment received');
    expect(ok.text).toContain('Paid 10.00 RON by epx card ending 0002');
    const after = await driver(http).read(id);
    expect(after.body.parking_session).toMatchObject({ state: 'paid', payment: { provider: 'epx', card_last4: '0002' } });
  });

  it('the expired Netopia card through the form: 402 page, session unchanged', async () => {
    const { http } = makeApp();
    const { id } = await sessionIn(http, 'exiting', '2017-09-07T13:00:00Z');
    const res = await unchanged(http, id, () => http.post(`/api/payment/pay/${id}`).type('form').send(CARDS.netopiaExpired));
    expect(res.status).toBe(402);
    expect(res.text).toContain('Payment declined');
    expect(res.text).toContain('declined: expired card');
  });

  it('JSON versus HTML: a JSON post answers JSON, Accept: application/json without a body too', async () => {
    const { http } = makeApp();
    const { id } = await sessionIn(http, 'exiting', '2017-09-07T13:00:00Z');
    const empty = await http.post(`/api/payment/pay/${id}`).set('Accept', 'application/json');
    refused(empty, 'post', PAY, 400, 'card_number');
    const html = await http.post(`/api/payment/pay/${id}`).set('Accept', 'text/html');
    expect([html.status, html.headers['content-type']]).toEqual([400, 'text/html; charset=utf-8']);
    const unknown = await pay(http, 999, CARDS.netopiaAccepted);
    refused(unknown, 'post', PAY, 404, 'id');
    expect((await http.get('/api/payment/pay/999')).status).toBe(404);
    expect((await http.get('/api/payment/pay/abc')).status).toBe(404);
    const put = await http.put(`/api/payment/pay/${id}`).send({});
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, POST']);
  });

  it('escapes everything it shows and reflects nothing from the request', async () => {
    const hostile = structuredClone(fixtures);
    hostile.parkings[1]!.name = '<script>alert("x")</script> & \'co\'';
    hostile.parkings[1]!.currency = 'RON';
    const platform = new MockPlatform({ clock: '2017-09-07T08:00:00Z', auth: false });
    const app = express().use(SECURED_PARKING_BASE, createSecuredParking(platform, { fixtures: hostile }).router);
    const http = request(app);
    await request(app).put('/api/car_driver/parking_sessions/1/finalize').set('Authorization', `Bearer ${T1}`).set('Content-Type', 'application/json').send(JSON.stringify(SEED_002_REQUEST)).expect(201);
    const page = await http.get('/api/payment/pay/1?from_mobile_v4=%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    expect(page.text).toContain('action="/api/payment/pay/1"');
    const declined = await http.post('/api/payment/pay/1').type('form').send({ card_number: '<b>1</b>' });
    expect(declined.status).toBe(422);
    expect(declined.text).not.toContain('<b>1</b>');
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('a bad Host header does not make its way into pay_url', async () => {
    const { http } = makeApp();
    const res = await driver(http).finalize(1, '2017-09-07T09:05:00Z').set('Host', 'evil"><script>').expect(201);
    expect(res.body.pay_url).toBe('http://localhost/api/payment/pay/1?from_mobile_v4=true');
  });
});

describe('smart keys, reset and fixtures', () => {
  it("GET /api/car_driver/smart_keys lists the caller's keys of sessions not closed", async () => {
    const { http } = makeApp();
    const one = await driver(http).keys().expect(200);
    conforms(one, 'get', KEYS);
    expect(one.body.smart_keys.map((k: any) => k.id)).toEqual([1]);
    expect(one.body.smart_keys[0]).toMatchObject({ secured_parking_id: 1, name: 'Secured P 1', description: null, is_active: null, is_online: false, access_points: SEED_002_RESPONSE.smart_key.access_points });
    const two = await driver(http, T2).keys().expect(200);
    expect(two.body.smart_keys.map((k: any) => k.id)).toEqual([2]);
  });

  it("the platform's reset (and POST /__admin/reset) restores the fixtures", async () => {
    const { http, platform } = makeApp();
    await driver(http).finalize(1, '2017-09-07T09:05:00Z').expect(201);
    await driver(http).create(187, '2017-09-07T09:05:00Z').expect(201);
    platform.reset();
    expect((await driver(http).read(1)).body.parking_session.state).toBe('active');
    expect((await driver(http).read(3)).status).toBe(404);
    await driver(http).finalize(1, '2017-09-07T09:05:00Z').expect(201);
    await http.post('/__admin/reset').expect(200);
    expect((await driver(http).read(1)).body.parking_session).toMatchObject({ state: 'active', end_time: null });
  });

  it('the shipped fixtures hold the seed example; broken ones are refused with the entry named', () => {
    expect(fixtures.sessions.find((s) => s.id === 1)).toMatchObject({ secured_parking_id: 187, state: 'active', start_time: '2017-09-07T08:00:00+00:00' });
    expect(T1.startsWith('09ba487fc3df')).toBe(true);
    const broken = (change: (f: any) => void) => {
      const f: any = structuredClone(fixtures);
      change(f);
      return () => checkSecuredParkingFixtures(f);
    };
    expect(broken((f) => (f.sessions[0].secured_parking_id = 5))).toThrow(/sessions\[0\] \(id 1\): secured_parking_id 5 is not a parking/);
    expect(broken((f) => (f.drivers[1].access_token = f.drivers[0].access_token))).toThrow(/drivers\[1\]: access_token is already used/);
    expect(broken((f) => (f.parkings[0].access_points[0].mac_address = 'zz'))).toThrow(SecuredParkingFixtureError);
    expect(broken((f) => (f.sessions[0].state = 'exiting'))).toThrow(/end_time is an ISO 8601 instant once the session is finalized/);
    expect(broken((f) => (f.smart_keys[1].parking_session_id = 1))).toThrow(/smart_keys\[1\]/);
    expect(broken((f) => (f.test_cards[1].decline_reason = undefined))).toThrow(/decline_reason/);
    expect(broken((f) => (f.parkings[1].smart_key_parking_id = 77))).toThrow(/smart_key_parking_id 77 is not a parking/);
  });
});

describe('spec/secured-parking.yaml', () => {
  it('compiles, every operation has an operationId and documented answers, extensions are marked', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ajv = createAjv();
    ajv.addSchema(doc, 'sp.json');
    for (const name of Object.keys(doc.components.schemas)) expect(ajv.getSchema(`sp.json#/components/schemas/${name}`), name).toBeTruthy();
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).filter(([m]) => ['get', 'put', 'post', 'patch', 'delete'].includes(m)).map(([method, op]) => ({ path, method, op: op as any })));
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'get /api/car_driver/parking_sessions/{id}',
      'get /api/car_driver/smart_keys',
      'get /api/payment/pay/{id}',
      'patch /api/car_driver/parking_sessions/{id}/finalize',
      'post /api/car_driver/parking_sessions',
      'post /api/car_driver/smart_keys/{id}/use',
      'post /api/payment/pay/{id}',
      'put /api/car_driver/parking_sessions/{id}/finalize',
    ]);
    for (const { op } of ops) expect(op.operationId).toMatch(/^[a-zA-Z]+$/);
    const extensions = ops.filter((o) => o.op['x-extension'] === true).map((o) => `${o.method} ${o.path}`).sort();
    expect(extensions).toEqual(['get /api/car_driver/parking_sessions/{id}', 'post /api/car_driver/parking_sessions', 'post /api/car_driver/smart_keys/{id}/use', 'post /api/payment/pay/{id}']);
    // The seed's example is valid against the document.
    expect(validator.check('put', FINALIZE, 201, SEED_002_RESPONSE).violations).toEqual([]);
    expect(validator.checkSchema('FinalizeRequest', SEED_002_REQUEST)).toEqual([]);
    for (const status of ['400', '401', '404', '422']) expect(doc.paths[FINALIZE]!.put.responses[status], status).toBeDefined();
  });
});
