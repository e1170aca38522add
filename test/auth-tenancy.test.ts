// Tenant isolation with real tokens: an SP reads and changes only the rights and sessions it issued, an operator
// sees those at its places and changes only its inventory, enforcement reads at the places it serves, admin sees
// all. Another tenant's object answers 404 (as a missing one would) and lists leave it out; nothing refused
// changes the store.
import { describe, expect, it } from 'vitest';
import { snapshot } from './support/app.js';
import { bearers, expect403, makeAuthApp } from './support/auth.js';
import { payload } from './support/payloads.js';

const RIGHT = '20410eec-2352-4cc1-820c-21ea6cbce506'; // uc4-1, SP0001, spec 0ab95c73 at 220001 (MCC)
const SESSION = 'fe5eea6a-4be3-46fa-b037-20f04334ccdd'; // uc4-3, SP0001, at 220001
const RED_RIGHT = 'bec97cab-8eb7-4868-be9f-da95fa17d19e'; // fixture: ID_RED_PARKING's right at 001702e7 (MCC)
const QP_RIGHT = 'qp-right'; // SP0001's right at Q-Park's Piazza
const QP_SESSION = 'qp-session'; // SP0001's session at Q-Park's Piazza
const QP_PLACE = 'QP_GB_G7HRF7Y';
const QP_SPEC = '4942671f-56c8-40bd-80ed-804dca62591f';
const UC2_PLACE = '001702e7-99f6-4e48-ac7c-df412907b29b';
const CLIENTS = ['sp-sp0001', 'sp-red-parking', 'po-mcc', 'po-qpark', 'ep-mcr-enforcement', 'ad-npp'] as const;
type ClientId = (typeof CLIENTS)[number];

const qpRight = () => ({
  ...payload('uc4-1-assigned-right-20410eec.json'),
  id: QP_RIGHT,
  rightHolder: { credentials: [{ type: 'licensePlate', identifier: { id: 'QP11AAA', className: 'UKNumberPlate' } }] },
  rightSpecification: { id: QP_SPEC, version: 1 },
});
const qpSession = () => ({
  id: QP_SESSION,
  version: 1,
  actualStart: '2023-06-25T09:00:00Z',
  identifiedCredentials: [{ type: 'licensePlate', identifier: { id: 'QP11AAA', className: 'UKNumberPlate' } }],
  hierarchyElement: { id: QP_PLACE, version: 1 },
  segments: [{ id: 'qp-segment', version: 1, actualStart: '2023-06-25T09:00:00Z', validationType: ['licensePlate'], assignedRight: { id: QP_RIGHT, version: 1 } }],
});

/** SP0001 has a right and a session at MCC's 220001 and at Q-Park's Piazza; ID_RED_PARKING has its fixture right. */
async function world(options: { strictScopes?: boolean } = {}) {
  const app = makeAuthApp(options);
  const h = (await bearers(app.http, CLIENTS)) as Record<ClientId, Record<string, string>>;
  const sp = h['sp-sp0001'];
  for (const [url, body] of [
    ['/rights/assigned', payload('uc4-1-assigned-right-20410eec.json')],
    ['/sessions', payload('uc4-3-session-fe5eea6a.json')],
    ['/rights/assigned', qpRight()],
    ['/sessions', qpSession()],
  ] as const) {
    const res = await app.http.post(url).set(sp).send(body);
    expect(res.status, `setup POST ${url}: ${JSON.stringify(res.body)}`).toBe(201);
  }
  /** Runs a request that must be refused, and proves the store did not change. */
  const refused = async (run: () => PromiseLike<any>, status: number) => {
    const before = snapshot(app.platform);
    const res = await run();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body).toMatchObject({ status: 'error', code: status });
    expect(snapshot(app.platform), 'a refused request must leave the store unchanged').toBe(before);
    return res;
  };
  const ids = async (who: ClientId, url: string): Promise<string[]> => {
    const res = await app.http.get(url).set(h[who]);
    expect(res.status, `${who} GET ${url}: ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body.meta.total, 'meta.total counts only what the caller may see').toBe(res.body.data.length);
    return res.body.data.map((e: any) => e.id);
  };
  const status = async (who: ClientId, url: string) => (await app.http.get(url).set(h[who])).status;
  return { ...app, h, refused, ids, status };
}

describe('service providers: only what they issued', () => {
  it('SP0001 reads, lists, updates and deletes its own right and session', async () => {
    const w = await world();
    const sp = w.h['sp-sp0001'];
    expect(await w.status('sp-sp0001', `/rights/assigned/${RIGHT}`)).toBe(200);
    expect(await w.status('sp-sp0001', `/sessions/${SESSION}`)).toBe(200);
    expect(await w.ids('sp-sp0001', '/rights/assigned')).toEqual(expect.arrayContaining([RIGHT, QP_RIGHT]));
    expect(await w.ids('sp-sp0001', '/rights/assigned')).not.toContain(RED_RIGHT);
    expect(await w.ids('sp-sp0001', '/sessions')).toEqual(expect.arrayContaining([SESSION, QP_SESSION]));
    expect((await w.http.put(`/sessions/${SESSION}`).set(sp).send(payload('uc4-5-session-fe5eea6a-completed.json'))).status).toBe(200);
    expect((await w.http.patch(`/rights/assigned/${RIGHT}`).set(sp).send({ expiry: '2025-12-31T23:59:59Z' })).status).toBe(200);
    expect((await w.http.delete(`/sessions/${SESSION}`).set(sp)).status).toBe(200);
    expect((await w.http.delete(`/rights/assigned/${RIGHT}`).set(sp)).status).toBe(200);
  });

  it('ID_RED_PARKING gets 404 reading, replacing, patching and deleting SP0001\'s right, exactly as for a missing one', async () => {
    const w = await world();
    const red = w.h['sp-red-parking'];
    const missing = await w.refused(() => w.http.get('/rights/assigned/no-such-right').set(red), 404);
    const read = await w.refused(() => w.http.get(`/rights/assigned/${RIGHT}`).set(red), 404);
    expect(read.body.message).toBe(missing.body.message.replace('no-such-right', RIGHT));
    await w.refused(() => w.http.get(`/rights/assigned/${RIGHT}?version=1`).set(red), 404);
    await w.refused(() => w.http.get(`/v1/parking/rights/${RIGHT}`).set(red), 404); // the seed's /rights/{id} alias
    await w.refused(() => w.http.put(`/rights/assigned/${RIGHT}`).set(red).send(payload('uc4-1-assigned-right-20410eec.json')), 404);
    await w.refused(() => w.http.patch(`/rights/assigned/${RIGHT}`).set(red).send({ expiry: '2030-01-01T00:00:00Z' }), 404);
    await w.refused(() => w.http.delete(`/rights/assigned/${RIGHT}`).set(red), 404);
    expect(w.platform.store.assignedRights.get(RIGHT)!.assignedRightIssuer.id).toBe('SP0001');
  });

  it('ID_RED_PARKING gets 404 reading, replacing, patching and deleting SP0001\'s session', async () => {
    const w = await world();
    const red = w.h['sp-red-parking'];
    const missing = await w.refused(() => w.http.get('/sessions/no-such-session').set(red), 404);
    const read = await w.refused(() => w.http.get(`/sessions/${SESSION}`).set(red), 404);
    expect(read.body.message).toBe(missing.body.message.replace('no-such-session', SESSION));
    await w.refused(() => w.http.get(`/sessions/${SESSION}?version=1&expand=all`).set(red), 404);
    await w.refused(() => w.http.put(`/sessions/${SESSION}`).set(red).send(payload('uc4-5-session-fe5eea6a-completed.json')), 404);
    await w.refused(() => w.http.patch(`/sessions/${SESSION}`).set(red).send({ actualEnd: '2021-11-01T17:23:01Z' }), 404);
    await w.refused(() => w.http.delete(`/sessions/${SESSION}`).set(red), 404);
  });

  it('lists of ID_RED_PARKING silently leave SP0001\'s rights and sessions out, whatever the filter', async () => {
    const w = await world();
    expect(await w.ids('sp-red-parking', '/rights/assigned')).toEqual([RED_RIGHT]);
    expect(await w.ids('sp-red-parking', '/rights/assigned?credential_id=BD18SMR')).toEqual([]);
    expect(await w.ids('sp-red-parking', '/v1/parking/rights/assigned?place=220001')).toEqual([]);
    expect(await w.ids('sp-red-parking', '/sessions')).toEqual([]);
    expect(await w.ids('sp-red-parking', '/sessions?credential_id=BD18SMR&place=220001')).toEqual([]);
    expect(await w.ids('sp-sp0001', '/rights/assigned?credential_id=BD18SMR')).toEqual([RIGHT]);
  });

  it('an SP posting a right in another organisation\'s name becomes its issuer, with a warning', async () => {
    const w = await world();
    const red = w.h['sp-red-parking'];
    const body = { ...payload('uc4-1-assigned-right-20410eec.json'), id: 'red-claims-sp0001' }; // assignedRightIssuer SP0001
    const res = await w.http.post('/rights/assigned').set(red).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers['x-mock-warnings']).toMatch(/assignedRightIssuer: SP0001 replaced by .*ID_RED_PARKING/);
    expect(w.platform.store.assignedRights.get('red-claims-sp0001')!.assignedRightIssuer).toMatchObject({ id: 'ID_RED_PARKING' });
    expect(await w.status('sp-red-parking', '/rights/assigned/red-claims-sp0001')).toBe(200);
    expect(await w.status('sp-sp0001', '/rights/assigned/red-claims-sp0001')).toBe(404);

    const upsert = await w.http.put('/rights/assigned/red-upsert').set(red).send({ ...body, id: 'red-upsert' });
    expect(upsert.status, JSON.stringify(upsert.body)).toBe(201);
    expect(upsert.headers['x-mock-warnings']).toMatch(/SP0001 replaced by/);
    expect(w.platform.store.assignedRights.get('red-upsert')!.assignedRightIssuer.id).toBe('ID_RED_PARKING');
  });

  it('an SP cannot attach a session to another SP\'s right, and nothing is stored', async () => {
    const w = await world();
    const session = { ...payload('uc4-3-session-fe5eea6a.json'), id: 'red-session-on-sp0001-right' };
    const before = snapshot(w.platform);
    const res = await w.http.post('/sessions').set(w.h['sp-red-parking']).send(session);
    // 403 today; 400 "unknown assigned right" once the existence oracle below is fixed. Never 2xx.
    expect([400, 403, 404], JSON.stringify(res.body)).toContain(res.status);
    expect(snapshot(w.platform)).toBe(before);
    expect(await w.status('sp-sp0001', '/sessions/red-session-on-sp0001-right')).toBe(404);
  });

  // REPORTED MOCK BUG (minor, existence oracle): a session that references another tenant's assigned right is
  // refused with 403 (mock/resources/resource-router.ts:97 assertWritable, via tenancy.ts #sessionRelates), while a
  // reference to a right that does not exist is 400 "unknown assigned right" (mock/resources/session-rights.ts:46, which checks
  // store.assignedRights.has without the caller's visibility). The difference tells ID_RED_PARKING that SP0001's
  // right exists. Expected: the same 400 as for a missing right.
  it('a reference to another SP\'s right answers like a reference to a missing one', async () => {
    const w = await world();
    const red = w.h['sp-red-parking'];
    const hidden = { ...payload('uc4-3-session-fe5eea6a.json'), id: 'red-s1' };
    const ghost = { ...payload('uc4-3-session-fe5eea6a.json'), id: 'red-s2' };
    ghost.segments[0].assignedRight.id = 'ghost-right';
    const toGhost = await w.refused(() => w.http.post('/sessions').set(red).send(ghost), 400);
    const toHidden = await w.http.post('/sessions').set(red).send(hidden);
    expect(toHidden.status, JSON.stringify(toHidden.body)).toBe(toGhost.status);
  });

  // REPORTED MOCK BUG: `deletedReferences` of a list read with modified_since is not filtered by tenant
  // (mock/resources/resource-router.ts:78 `collection.deletedSince(sinceMs)` bypasses deps.access.canRead), so
  // ID_RED_PARKING learns the ids of SP0001's deleted rights and sessions.
  it('deletedReferences name only objects the caller could see', async () => {
    const w = await world();
    const sp = w.h['sp-sp0001'];
    expect((await w.http.delete(`/rights/assigned/${RIGHT}`).set(sp)).status).toBe(200);
    expect((await w.http.delete(`/sessions/${SESSION}`).set(sp)).status).toBe(200);
    const own = await w.http.get('/rights/assigned?modified_since=0').set(sp).expect(200);
    expect(own.body.deletedReferences.map((d: any) => d.id)).toContain(RIGHT);
    for (const url of ['/rights/assigned?modified_since=0', '/sessions?modified_since=0']) {
      const other = await w.http.get(url).set(w.h['sp-red-parking']).expect(200);
      const leaked = (other.body.deletedReferences ?? []).map((d: any) => d.id);
      expect(leaked, `${url} as ID_RED_PARKING`).not.toContain(RIGHT);
      expect(leaked, `${url} as ID_RED_PARKING`).not.toContain(SESSION);
    }
  });

  // REPORTED MOCK BUG: when another tenant re-creates a deleted id with a new version, the old versions of the
  // first tenant stay in the record's history (mock/store/collection.ts:90) and `visible()` in
  // mock/resources/resource-router.ts:46-49 checks canRead on the *current* version only, so `?version=1` hands
  // SP0001's deleted right to ID_RED_PARKING.
  it('?version=N never returns a version written by another tenant', async () => {
    const w = await world();
    expect((await w.http.delete(`/rights/assigned/${RIGHT}`).set(w.h['sp-sp0001'])).status).toBe(200);
    const red = w.h['sp-red-parking'];
    const recreated = await w.http.post('/rights/assigned').set(red).send({ ...payload('uc4-1-assigned-right-20410eec.json'), version: 2 });
    expect(recreated.status, JSON.stringify(recreated.body)).toBe(201);
    expect(await w.status('sp-red-parking', `/rights/assigned/${RIGHT}`)).toBe(200);
    const old = await w.http.get(`/rights/assigned/${RIGHT}?version=1`).set(red);
    expect(old.status, `ID_RED_PARKING read SP0001's version 1: ${JSON.stringify(old.body)}`).toBe(404);
  });
});

describe('operators: read at their places, write their inventory', () => {
  it('po-mcc sees the right and session at its 220001 (and RED\'s at 001702e7); po-qpark does not', async () => {
    const w = await world();
    expect(await w.status('po-mcc', `/rights/assigned/${RIGHT}`)).toBe(200);
    expect(await w.status('po-mcc', `/sessions/${SESSION}`)).toBe(200);
    expect(await w.status('po-mcc', `/rights/assigned/${RED_RIGHT}`)).toBe(200);
    expect((await w.ids('po-mcc', '/rights/assigned?place=220001')).sort()).toEqual([RIGHT]);
    expect((await w.ids('po-mcc', '/rights/assigned')).sort()).toEqual([RIGHT, RED_RIGHT].sort());
    expect(await w.ids('po-mcc', '/sessions')).toEqual([SESSION]);
    await w.refused(() => w.http.get(`/rights/assigned/${QP_RIGHT}`).set(w.h['po-mcc']), 404);
    await w.refused(() => w.http.get(`/sessions/${QP_SESSION}`).set(w.h['po-mcc']), 404);

    const qp = w.h['po-qpark'];
    await w.refused(() => w.http.get(`/rights/assigned/${RIGHT}`).set(qp), 404);
    await w.refused(() => w.http.get(`/sessions/${SESSION}`).set(qp), 404);
    await w.refused(() => w.http.put(`/sessions/${SESSION}`).set(qp).send(payload('uc4-5-session-fe5eea6a-completed.json')), 404);
    await w.refused(() => w.http.delete(`/sessions/${SESSION}`).set(qp), 404);
    expect(await w.ids('po-qpark', '/rights/assigned?place=220001')).toEqual([]);
    expect(await w.ids('po-qpark', '/rights/assigned')).toEqual([QP_RIGHT]);
    expect(await w.ids('po-qpark', '/sessions')).toEqual([QP_SESSION]);
    expect(await w.status('po-qpark', `/sessions/${QP_SESSION}`)).toBe(200);
  });

  it('po-mcc patches its 805428; po-qpark may read it but PATCH, PUT and DELETE are 403 and change nothing', async () => {
    const w = await world();
    const qp = w.h['po-qpark'];
    const stored = structuredClone(w.platform.store.places.get('805428'));
    expect(await w.status('po-qpark', '/places/805428')).toBe(200);
    await w.refused(() => w.http.patch('/places/805428').set(qp).send(payload('uc1-4-patch-805428.json')), 403);
    await w.refused(() => w.http.put('/places/805428').set(qp).send(stored), 403);
    await w.refused(() => w.http.delete('/places/805428').set(qp), 403);
    await w.refused(() => w.http.post('/places').set(qp).send({ id: 'qp-child', version: 1, type: 'identifiedArea', layer: 2, name: [{ language: 'en', string: 'x' }], parentId: { id: '805428', version: 1 } }), 403);
    await w.refused(() => w.http.patch(`/rights/specs/${QP_SPEC}`).set(w.h['po-mcc']).send({ description: [{ language: 'en', string: 'x' }] }), 403);
    await w.refused(() => w.http.patch('/rates/0376c349-ed20-4f6f-9551-1a82f9f5f734').set(qp).send({ rateResponsibleParty: 'Q-Park' }), 403);

    const patched = await w.http.patch('/places/805428').set(w.h['po-mcc']).send(payload('uc1-4-patch-805428.json'));
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(w.platform.store.places.get('805428')!.hierarchyElementReference.demandTable.at(-1).demandType[0].count).toBe(125);
    const own = await w.http.patch(`/places/${QP_PLACE}`).set(qp).send({ description: [{ language: 'en', string: 'Piazza, run by Q-Park' }] });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it('po-mcc may POST a session at its 220001 (lenient scopes) but not at Q-Park\'s Piazza; strictScopes refuses both', async () => {
    const w = await world();
    const mcc = w.h['po-mcc'];
    const atMcc = { ...payload('uc4-3-session-fe5eea6a.json'), id: 'mcc-session' };
    atMcc.segments[0].id = 'mcc-segment';
    const created = await w.http.post('/sessions').set(mcc).send(atMcc);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const atQp = { ...qpSession(), id: 'mcc-at-qp', segments: [{ id: 'mcc-qp-seg', version: 1, actualStart: '2023-06-25T09:00:00Z', validationType: ['licensePlate'] }] };
    await w.refused(() => w.http.post('/sessions').set(mcc).send(atQp), 403);
    await w.refused(() => w.http.put(`/sessions/${QP_SESSION}`).set(mcc).send(qpSession()), 404);

    const strict = await world({ strictScopes: true });
    await strict.refused(() => strict.http.post('/sessions').set(strict.h['po-mcc']).send(atMcc), 403);
  });
});

describe('enforcement and admin', () => {
  it('ep-mcr-enforcement reads rights and sessions at the places it serves, not at Q-Park\'s, and cannot write', async () => {
    const w = await world();
    const ep = w.h['ep-mcr-enforcement'];
    expect(await w.status('ep-mcr-enforcement', `/rights/assigned/${RIGHT}`)).toBe(200);
    expect(await w.status('ep-mcr-enforcement', `/sessions/${SESSION}`)).toBe(200);
    expect(await w.status('ep-mcr-enforcement', `/rights/assigned/${RED_RIGHT}`)).toBe(200);
    expect(await w.ids('ep-mcr-enforcement', '/rights/assigned?place=220001&credential_id=BD18SMR')).toEqual([RIGHT]);
    expect((await w.ids('ep-mcr-enforcement', '/rights/assigned')).sort()).toEqual([RIGHT, RED_RIGHT].sort());
    expect(await w.ids('ep-mcr-enforcement', '/sessions')).toEqual([SESSION]);
    await w.refused(() => w.http.get(`/rights/assigned/${QP_RIGHT}`).set(ep), 404);
    await w.refused(() => w.http.get(`/sessions/${QP_SESSION}`).set(ep), 404);
    expect(await w.ids('ep-mcr-enforcement', `/rights/assigned?place=${QP_PLACE}`)).toEqual([]);

    const writes: Array<() => PromiseLike<any>> = [
      () => w.http.put(`/sessions/${SESSION}`).set(ep).send(payload('uc4-5-session-fe5eea6a-completed.json')),
      () => w.http.patch(`/sessions/${SESSION}`).set(ep).send({ actualEnd: '2021-11-01T17:23:01Z' }),
      () => w.http.delete(`/sessions/${SESSION}`).set(ep),
      () => w.http.post('/rights/assigned').set(ep).send({ ...payload('uc4-1-assigned-right-20410eec.json'), id: 'ep-right' }),
      () => w.http.delete(`/rights/assigned/${RIGHT}`).set(ep),
      () => w.http.patch('/places/805428').set(ep).send(payload('uc1-4-patch-805428.json')),
    ];
    for (const write of writes) expect403(await w.refused(write, 403));
  });

  it('ad-npp sees everything', async () => {
    const w = await world();
    for (const url of [`/rights/assigned/${RIGHT}`, `/rights/assigned/${QP_RIGHT}`, `/rights/assigned/${RED_RIGHT}`, `/sessions/${SESSION}`, `/sessions/${QP_SESSION}`]) {
      expect(await w.status('ad-npp', url), url).toBe(200);
    }
    expect((await w.ids('ad-npp', '/rights/assigned')).sort()).toEqual([RIGHT, QP_RIGHT, RED_RIGHT].sort());
    expect((await w.ids('ad-npp', '/sessions')).sort()).toEqual([SESSION, QP_SESSION].sort());
  });
});

describe('UC2 with real tokens', () => {
  // REPORTED MOCK BUG: with access control on, an SP cannot create a session whose segment has no assigned right
  // yet (UC2, also a UC3 check-in): POST /sessions answers 403 "may not create session". TenantPolicy.canWrite →
  // #sessionRelates (mock/auth/tenancy.ts:89-93) admits an SP only when the stored record is its own (there is no
  // record yet on create) or when a segment's right, looked up in the store, is issued by it; the right that
  // planSessionRights (mock/resources/session-rights.ts) plans with the caller as issuer is committed only after
  // assertWritable (mock/resources/resource-router.ts:97), so it is not found. A new session should belong to
  // the SP that creates it. Remove `.fails` once fixed.
  it('RED Parking\'s session creates a right issued by ID_RED_PARKING that enforcement finds by place + VRM', async () => {
    const w = await world();
    const red = w.h['sp-red-parking'];
    const res = await w.http.post('/v1/parking/sessions').set(red).send(payload('uc2-1-session-e2089853.json'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    const found = await w.http.get(`/v1/parking/rights/assigned?place=${UC2_PLACE}&credential_id=AB12XYZ`).set(w.h['ep-mcr-enforcement']).expect(200);
    expect(found.body.meta.total).toBe(1);
    const right = found.body.data[0];
    expect(right.assignedRightIssuer.id).toBe('ID_RED_PARKING');
    expect(right.rightSpecification.id).toBe('a298d061-a30c-4a5a-bfe0-308f20d3ddc7');

    expect(await w.status('sp-red-parking', `/rights/assigned/${right.id}`)).toBe(200);
    expect(await w.status('sp-red-parking', '/sessions/e2089853-b790-459b-884e-4869b40d193d')).toBe(200);
    expect(await w.ids('sp-sp0001', '/rights/assigned?credential_id=AB12XYZ')).toEqual([]);
    await w.refused(() => w.http.get('/sessions/e2089853-b790-459b-884e-4869b40d193d').set(w.h['sp-sp0001']), 404);
    await w.refused(() => w.http.get(`/rights/assigned/${right.id}`).set(w.h['po-qpark']), 404);
    expect(await w.status('po-mcc', `/rights/assigned/${right.id}`)).toBe(200);
  });
});
