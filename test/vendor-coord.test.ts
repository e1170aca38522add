// Coord Parking Access API (seed 003) on the mock: the seed's examples replayed, both state machines through every
// transition (forbidden ones: a clear 4xx and nothing changed), access keys, errors, reset with the platform.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ResponseValidator } from '../harness/schema-check.js';
import type { OpenApiDocument } from '../spec/index.js';
import { packageRoot } from '../spec/package-root.js';
import { coordState } from '../mock/vendors/coord/index.js';
import { makeApp } from './support/app.js';

const BASE = '/v1/access/parking';
const TEST_KEY = 'coord-test-7f3a9c2e51d4';
const USER_KEY = 'coord-live-b84e06d1a9f2';
const TEST_USER = '00000000-0000-0000-0000-000000000000';
const REGULAR_USER = '6f1d2c3b-8a4e-4b7f-9c21-5e0a7d3b9f48';
const PLAIN = 'sf-mission-garage'; // 25 ¢ per started minute
const BARCODE = 'sf-soma-lot'; // 300 ¢ per started hour, barcode redemption
const BLOCKS = 'sf-dogpatch-garage'; // 150 ¢ per started 15 minutes

/** The seed's documented answers, verbatim. */
const EXAMPLE = {
  list: [
    { id: 1, start_time: '2018-04-12T00:14:20.292Z', end_time: '2018-04-12T04:10:13.456Z', user_id: TEST_USER },
    { id: 2, start_time: '2018-04-12T00:14:20.292Z', user_id: TEST_USER },
  ],
  created: { id: 1, start_time: '2018-04-12T00:14:20.292Z', user_id: TEST_USER },
  ended: { billing_info: { cost: { amount: 100, currency: 'USD' } }, end_time: '2018-04-12T00:17:50.161Z', id: 1, start_time: '2018-04-12T00:14:20.292Z', user_id: TEST_USER },
};

const specText = readFileSync(join(packageRoot(), 'spec', 'coord.yaml'), 'utf8');
const validator = new ResponseValidator(parseYaml(specText) as OpenApiDocument, { source: 'spec/coord.yaml', digest: 'test' });

/** The answer matches spec/coord.yaml for that operation and status. */
function conforms(res: { status: number; body: unknown }, method: string, template: string): void {
  const result = validator.check(method, template, res.status, res.body);
  expect(result.undocumented, `${method} ${template} ${res.status} is documented`).toBeFalsy();
  expect(result.violations).toEqual([]);
}

/** The JSON types of a value, to compare an answer with an example field by field. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return 'instant-ms-Z';
  return typeof value;
}

function coordApp(now = '2018-04-12T00:14:20.292Z') {
  const app = makeApp({ clock: now });
  const k = (key: string) => `access_key=${encodeURIComponent(key)}`;
  return {
    ...app,
    get: (path: string, key = TEST_KEY) => app.http.get(`${BASE}${path}?${k(key)}`),
    post: (path: string, body?: unknown, key = TEST_KEY) => {
      const req = app.http.post(`${BASE}${path}?${k(key)}`);
      return body === undefined ? req : req.send(body as object);
    },
    put: (path: string, key = TEST_KEY) => app.http.put(`${BASE}${path}?${k(key)}`),
    scan: (barcode: string) => app.http.post(`${BASE}/__mock/scan`).send({ barcode }),
    pin: (iso: string) => app.platform.clock.pin(Date.parse(iso)),
    advanceMinutes: (m: number) => app.platform.clock.advance(m * 60_000),
    /** Everything the Coord API shows of both users, to prove a refused request changed nothing. */
    async everything() {
      const a = await app.http.get(`${BASE}/session?${k(TEST_KEY)}`);
      const b = await app.http.get(`${BASE}/session?${k(USER_KEY)}`);
      return [a.body, b.body];
    },
  };
}

describe('seed 003 examples, replayed', () => {
  it('GET /{location_id}/session answers the list example verbatim', async () => {
    const t = coordApp();
    const res = await t.get(`/${PLAIN}/session`).expect(200).expect('Content-Type', /json/);
    expect(res.body).toEqual(EXAMPLE.list);
    conforms(res, 'get', '/{location_id}/session');
  });

  it("GET /session answers the user's sessions like the list example", async () => {
    const t = coordApp();
    const res = await t.get('/session').expect(200);
    expect(res.body).toEqual(EXAMPLE.list);
    conforms(res, 'get', '/session');
    expect((await t.get('/session', USER_KEY).expect(200)).body).toEqual([]);
  });

  it('GET /{location_id}/session/{session_id} answers the session', async () => {
    const t = coordApp();
    const res = await t.get(`/${PLAIN}/session/2`).expect(200);
    expect(res.body).toEqual(EXAMPLE.list[1]);
    expect(shape(res.body)).toEqual(shape(EXAMPLE.created));
    conforms(res, 'get', '/{location_id}/session/{session_id}');
  });

  it('POST /{location_id}/session answers the created example (start_time from the virtual clock)', async () => {
    const t = coordApp('2018-04-12T00:14:20.292Z');
    const res = await t.post(`/${BLOCKS}/session`).expect(200);
    expect(res.body).toEqual({ ...EXAMPLE.created, id: 3 });
    expect(shape(res.body)).toEqual(shape(EXAMPLE.created));
    conforms(res, 'post', '/{location_id}/session');
  });

  it('PUT …/end answers the ended example: 3.5 minutes at 25 ¢ per started minute is 100 USD cents', async () => {
    const t = coordApp('2018-04-12T00:17:50.161Z');
    const res = await t.put(`/${PLAIN}/session/2/end`).expect(200);
    expect(res.body).toEqual({ ...EXAMPLE.ended, id: 2 });
    expect(shape(res.body)).toEqual(shape(EXAMPLE.ended));
    conforms(res, 'put', '/{location_id}/session/{session_id}/end');
    expect((await t.get(`/${PLAIN}/session/2`).expect(200)).body).toEqual(res.body);
  });
});

describe('plain sessions: active → ended', () => {
  it('creates an active session, refuses a second open one (409), ends and bills it, refuses to end it again', async () => {
    const t = coordApp('2018-04-12T08:00:00.000Z');
    await t.put(`/${PLAIN}/session/2/end`).expect(200);
    const created = (await t.post(`/${PLAIN}/session`, {}).expect(200)).body;
    expect(created).toEqual({ id: 3, start_time: '2018-04-12T08:00:00.000Z', user_id: TEST_USER });

    const before = await t.everything();
    const second = await t.post(`/${PLAIN}/session`).expect(409);
    expect(second.body).toMatchObject({ status: 'error', code: 409 });
    expect(second.body.message).toMatch(/already has an open session \(3, active\)/);
    conforms(second, 'post', '/{location_id}/session');
    expect(await t.everything()).toEqual(before);

    // Another user and another location are independent.
    await t.post(`/${PLAIN}/session`, undefined, USER_KEY).expect(200);
    await t.post(`/${BLOCKS}/session`).expect(200);

    t.advanceMinutes(60);
    const ended = (await t.put(`/${PLAIN}/session/3/end`).expect(200)).body;
    expect(ended).toEqual({ ...created, end_time: '2018-04-12T09:00:00.000Z', billing_info: { cost: { amount: 1500, currency: 'USD' } } });

    const again = await t.put(`/${PLAIN}/session/3/end`).expect(409);
    expect(again.body.message).toMatch(/already ended at 2018-04-12T09:00:00.000Z/);
    conforms(again, 'put', '/{location_id}/session/{session_id}/end');
    expect((await t.get(`/${PLAIN}/session/3`)).body).toEqual(ended);

    // Once ended, a new session may start.
    expect((await t.post(`/${PLAIN}/session`).expect(200)).body.id).toBe(6);
  });

  it('bills every started minute or block in full', async () => {
    const t = coordApp('2018-04-12T08:00:00.000Z');
    const cases: Array<[string, number, number]> = [
      [BLOCKS, 0, 0],
      [BLOCKS, 1, 150],
      [BLOCKS, 15, 150],
      [BLOCKS, 15.001, 300],
      [BLOCKS, 61, 750],
    ];
    for (const [location, minutes, amount] of cases) {
      const id = (await t.post(`/${location}/session`).expect(200)).body.id;
      t.platform.clock.advance(Math.round(minutes * 60_000));
      const res = await t.put(`/${location}/session/${id}/end`).expect(200);
      expect(res.body.billing_info, `${minutes} min`).toEqual({ cost: { amount, currency: 'USD' } });
    }
  });

  it('refuses barcodes and simulate_redemption for a plain session (409, unchanged)', async () => {
    const t = coordApp();
    const before = await t.everything();
    const barcode = await t.post('/barcode', { location_id: PLAIN, session_id: 2 }).expect(409);
    expect(barcode.body.message).toMatch(/not redeemed physically/);
    conforms(barcode, 'post', '/barcode');
    const simulate = await t.post(`/testing/${PLAIN}/2/simulate_redemption`, { duration_m: 10 }).expect(409);
    conforms(simulate, 'post', '/testing/{location_id}/{session_id}/simulate_redemption');
    expect(await t.everything()).toEqual(before);
  });
});

describe('redemption sessions: pending → active → ended', () => {
  async function pending(t: ReturnType<typeof coordApp>, key = TEST_KEY) {
    const res = await t.post(`/${BARCODE}/session`, undefined, key).expect(200);
    conforms(res, 'post', '/{location_id}/session');
    return res.body;
  }

  it('creates a pending session with redemption_info and no start_time', async () => {
    const t = coordApp();
    expect(await pending(t)).toEqual({ id: 3, user_id: TEST_USER, redemption_info: { type: 'barcode', format: 'code128', barcode: 'CRD-000003-01' } });
    const open = await t.post(`/${BARCODE}/session`).expect(409);
    expect(open.body.message).toMatch(/open session \(3, pending\)/);
  });

  it('pending: PUT …/end is refused (409), unchanged', async () => {
    const t = coordApp();
    const s = await pending(t);
    const before = await t.everything();
    const res = await t.put(`/${BARCODE}/session/${s.id}/end`).expect(409);
    expect(res.body.message).toMatch(/redeemed physically/);
    expect(await t.everything()).toEqual(before);
  });

  it('POST /barcode replaces the barcode; the old one no longer scans', async () => {
    const t = coordApp('2018-04-12T10:00:00.000Z');
    const s = await pending(t);
    const res = await t.post('/barcode', { location_id: BARCODE, session_id: s.id }).expect(200);
    conforms(res, 'post', '/barcode');
    expect(res.body).toEqual({ barcode: 'CRD-000003-02', format: 'code128', purpose: 'entry', location_id: BARCODE, session_id: 3, user_id: TEST_USER, created_at: '2018-04-12T10:00:00.000Z' });
    expect((await t.get(`/${BARCODE}/session/3`)).body.redemption_info.barcode).toBe('CRD-000003-02');
    const before = await t.everything();
    expect((await t.scan('CRD-000003-01').expect(409)).body.message).toMatch(/replaced by CRD-000003-02/);
    expect((await t.scan('CRD-999999-01').expect(404)).body).toMatchObject({ status: 'error', code: 404 });
    expect(await t.everything()).toEqual(before);
  });

  it('scan on arrival → active; PUT …/end refused; barcode for the exit; scan on departure → ended and billed; then everything refused', async () => {
    const t = coordApp('2018-04-12T10:00:00.000Z');
    const s = await pending(t, USER_KEY);
    const entry = await t.scan(s.redemption_info.barcode).expect(200);
    conforms(entry, 'post', '/__mock/scan');
    expect(entry.body).toEqual({ action: 'entry', location_id: BARCODE, session: { ...s, start_time: '2018-04-12T10:00:00.000Z' } });

    let before = await t.everything();
    await t.put(`/${BARCODE}/session/${s.id}/end`, USER_KEY).expect(409);
    await t.post(`/testing/${BARCODE}/${s.id}/simulate_redemption`, { duration_m: 5 }, USER_KEY).expect(403);
    expect(await t.everything()).toEqual(before);

    const exitCode = (await t.post('/barcode', { location_id: BARCODE, session_id: s.id }, USER_KEY).expect(200)).body;
    expect(exitCode).toMatchObject({ purpose: 'exit', barcode: 'CRD-000003-02' });
    t.advanceMinutes(61);
    const exit = await t.scan(exitCode.barcode).expect(200);
    expect(exit.body.action).toBe('exit');
    expect(exit.body.session).toEqual({
      id: 3,
      start_time: '2018-04-12T10:00:00.000Z',
      end_time: '2018-04-12T11:01:00.000Z',
      user_id: REGULAR_USER,
      redemption_info: { type: 'barcode', format: 'code128', barcode: 'CRD-000003-02' },
      billing_info: { cost: { amount: 600, currency: 'USD' } },
    });

    before = await t.everything();
    await t.scan(exitCode.barcode).expect(409);
    await t.put(`/${BARCODE}/session/${s.id}/end`, USER_KEY).expect(409);
    await t.post('/barcode', { location_id: BARCODE, session_id: s.id }, USER_KEY).expect(409);
    expect(await t.everything()).toEqual(before);
  });

  it('simulate_redemption (test user): active now, ended duration_m later on the virtual clock', async () => {
    const t = coordApp('2018-04-12T10:00:00.000Z');
    const s = await pending(t);
    const res = await t.post(`/testing/${BARCODE}/${s.id}/simulate_redemption`, { duration_m: 90 }).expect(200);
    conforms(res, 'post', '/testing/{location_id}/{session_id}/simulate_redemption');
    expect(res.body).toEqual({ ...s, start_time: '2018-04-12T10:00:00.000Z' });

    // Active until the departure: every other transition is refused.
    const before = await t.everything();
    expect((await t.post(`/testing/${BARCODE}/${s.id}/simulate_redemption`, { duration_m: 90 }).expect(409)).body.message).toMatch(/is active, not pending/);
    await t.put(`/${BARCODE}/session/${s.id}/end`).expect(409);
    await t.post('/barcode', { location_id: BARCODE, session_id: s.id }).expect(409);
    await t.scan(s.redemption_info.barcode).expect(409);
    await t.post(`/${BARCODE}/session`).expect(409);
    t.advanceMinutes(89);
    expect(await t.everything()).toEqual(before);

    t.advanceMinutes(30);
    const ended = (await t.get(`/${BARCODE}/session/${s.id}`).expect(200)).body;
    expect(ended).toEqual({ ...s, start_time: '2018-04-12T10:00:00.000Z', end_time: '2018-04-12T11:30:00.000Z', billing_info: { cost: { amount: 600, currency: 'USD' } } });
    const after = await t.everything();
    await t.post(`/testing/${BARCODE}/${s.id}/simulate_redemption`, { duration_m: 5 }).expect(409);
    await t.scan(s.redemption_info.barcode).expect(409);
    expect(await t.everything()).toEqual(after);
    await t.post(`/${BARCODE}/session`).expect(200);
  });

  it('simulate_redemption of a regular user\'s session: 403, unchanged', async () => {
    const t = coordApp();
    const s = await pending(t, USER_KEY);
    const before = await t.everything();
    const res = await t.post(`/testing/${BARCODE}/${s.id}/simulate_redemption`, { duration_m: 5 }, USER_KEY).expect(403);
    expect(res.body).toMatchObject({ status: 'error', code: 403 });
    expect(res.body.message).toMatch(/only available for sessions started by test users/);
    conforms(res, 'post', '/testing/{location_id}/{session_id}/simulate_redemption');
    expect(await t.everything()).toEqual(before);
  });
});

describe('access keys and errors', () => {
  const operations: Array<[string, string, unknown?]> = [
    ['get', '/session'],
    ['get', `/${PLAIN}/session`],
    ['post', `/${PLAIN}/session`],
    ['get', `/${PLAIN}/session/1`],
    ['put', `/${PLAIN}/session/2/end`],
    ['post', '/barcode', { location_id: BARCODE, session_id: 1 }],
    ['post', `/testing/${BARCODE}/1/simulate_redemption`, { duration_m: 5 }],
  ];

  it.each(operations)('%s %s: 401 without or with an unknown access_key, and nothing changes', async (method, path, body) => {
    const t = coordApp();
    const before = await t.everything();
    for (const query of ['', '?access_key=', '?access_key=nope', '?ACCESS_KEY=' + TEST_KEY]) {
      let req = (t.http as any)[method](`${BASE}${path}${query}`);
      if (body) req = req.send(body);
      const res = await req.expect(401);
      expect(res.body).toMatchObject({ status: 'error', code: 401 });
      expect(res.body.message).toMatch(/access_key/);
    }
    expect(await t.everything()).toEqual(before);
  });

  it('a repeated access_key is a 400', async () => {
    const t = coordApp();
    await t.http.get(`${BASE}/session?access_key=${TEST_KEY}&access_key=${TEST_KEY}`).expect(400);
  });

  it('404: unknown location, unknown session, a session at another location, another user\'s session', async () => {
    const t = coordApp();
    for (const [res, pattern] of [
      [await t.get('/nowhere/session'), /no location nowhere/],
      [await t.post('/nowhere/session'), /no location nowhere/],
      [await t.get(`/${PLAIN}/session/99`), /no session 99/],
      [await t.get(`/${BARCODE}/session/1`), /no session 1 of this user at location sf-soma-lot/],
      [await t.get(`/${PLAIN}/session/1`, USER_KEY), /no session 1/],
      [await t.put(`/${PLAIN}/session/2/end`, USER_KEY), /no session 2/],
      [await t.post('/barcode', { location_id: 'nowhere', session_id: 1 }), /no location/],
      [await t.post(`/testing/${PLAIN}/99/simulate_redemption`, { duration_m: 5 }), /no session 99/],
    ] as const) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 'error', code: 404 });
      expect(res.body.message).toMatch(pattern);
    }
    expect((await t.get(`/${PLAIN}/session`, USER_KEY)).body).toEqual([]);
  });

  it('400: malformed session ids and bodies, with the violations listed', async () => {
    const t = coordApp();
    await t.post(`/${BARCODE}/session`).expect(200); // session 3, pending: simulate_redemption reaches its body check
    const before = await t.everything();
    for (const path of [`/%/session`, `/${PLAIN}/session/%E0`]) {
      expect((await t.get(path).expect(400)).body.message).toMatch(/malformed percent-encoding/);
    }
    expect(t.unexpected).toEqual([]);
    for (const id of ['abc', '0', '-1', '1.5', '01', '1e3', '9999999999999999']) {
      const res = await t.get(`/${PLAIN}/session/${id}`).expect(400);
      expect(res.body.message).toMatch(/session_id must be an integer/);
    }
    const bodies: Array<[string, unknown, RegExp]> = [
      ['/barcode', undefined, /JSON body is required/],
      ['/barcode', {}, /location_id/],
      ['/barcode', { location_id: BARCODE, session_id: '3' }, /session_id must be integer/],
      ['/barcode', { location_id: BARCODE, session_id: 3, extra: 1 }, /additional properties/],
      [`/testing/${BARCODE}/3/simulate_redemption`, { duration_m: 0 }, /duration_m must be >= 1/],
      [`/testing/${BARCODE}/3/simulate_redemption`, { duration_m: 1.5 }, /duration_m must be integer/],
      [`/testing/${BARCODE}/3/simulate_redemption`, { duration_m: 10081 }, /duration_m must be <= 10080/],
      [`/${PLAIN}/session`, [1], /must be object/],
      [`/${BLOCKS}/session`, { user_id: REGULAR_USER }, /additional properties/],
    ];
    for (const [path, body, pattern] of bodies) {
      const res = await t.post(path, body).expect(400);
      expect(res.body).toMatchObject({ status: 'error', code: 400 });
      expect(res.body.message, `${path} ${JSON.stringify(body)}`).toMatch(pattern);
    }
    // simulate_redemption checks its body after the ids (404) and before the state (409).
    await t.post(`/testing/${BARCODE}/1/simulate_redemption`).expect(404);
    await t.post(`/testing/${BARCODE}/3/simulate_redemption`).expect(400);
    const malformed = await t.http.post(`${BASE}/barcode?access_key=${TEST_KEY}`).set('Content-Type', 'application/json').send('{"location_id": ').expect(400);
    expect(malformed.body.message).toMatch(/malformed JSON/);
    await t.http.post(`${BASE}/barcode?access_key=${TEST_KEY}`).set('Content-Type', 'text/plain').send('hello').expect(415);
    await t.http.put(`${BASE}/${PLAIN}/session/2/end?access_key=${TEST_KEY}`).send({ now: 1 }).expect(400);
    expect(await t.everything()).toEqual(before);
  });

  it('405 with Allow for other methods; 404 for paths the API does not have', async () => {
    const t = coordApp();
    const res = await t.http.delete(`${BASE}/${PLAIN}/session/1?access_key=${TEST_KEY}`).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect((await t.http.patch(`${BASE}/${PLAIN}/session`).expect(405)).headers.allow).toBe('GET, POST, HEAD');
    await t.http.get(`${BASE}/barcode`).expect(405);
    const unknown = await t.http.get(`${BASE}/locations?access_key=${TEST_KEY}`).expect(404);
    expect(unknown.body.message).toMatch(/no Coord route for GET \/v1\/access\/parking\/locations/);
    // The platform's own API is untouched by the mount.
    await t.http.get('/v1/parking/places/805428').expect(200);
  });
});

describe('reset with the platform', () => {
  it('platform.reset() and POST /__admin/reset restore the fixtures and the id counter', async () => {
    const t = coordApp();
    await t.put(`/${PLAIN}/session/2/end`).expect(200);
    await t.post(`/${BARCODE}/session`).expect(200);
    t.platform.reset();
    expect((await t.get(`/${PLAIN}/session`)).body).toEqual(EXAMPLE.list);
    expect((await t.get(`/${BARCODE}/session`)).body).toEqual([]);
    await t.post(`/${BARCODE}/session`).expect(200);
    await t.http.post('/__admin/reset').expect(200);
    expect((await t.get('/session')).body).toEqual(EXAMPLE.list);
    expect((await t.post(`/${BLOCKS}/session`).expect(200)).body.id).toBe(3);
  });

  it('keeps one state per platform, shared by every app built on it', async () => {
    const a = coordApp();
    const b = coordApp();
    await a.put(`/${PLAIN}/session/2/end`).expect(200);
    expect((await b.get(`/${PLAIN}/session/2`)).body).toEqual(EXAMPLE.list[1]);
    expect(coordState(a.platform)).toBe(coordState(a.platform));
    expect(coordState(a.platform)).not.toBe(coordState(b.platform));
  });
});
