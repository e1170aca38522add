// /__admin: reset, state dump/restore, the virtual clock and the request journal, in process (supertest).
import { describe, expect, it } from 'vitest';
import { makeApp, SEED_NOW, snapshot } from './support/app.js';
import { payload } from './support/payloads.js';

const UC4_SESSION = 'fe5eea6a-4be3-46fa-b037-20f04334ccdd';
const UC2_SESSION = 'e2089853-b790-459b-884e-4869b40d193d';
const BEC97CAB = 'bec97cab-8eb7-4868-be9f-da95fa17d19e';
const DEFAULT_COUNTS = { places: 59, rightSpecs: 7, rates: 1, assignedRights: 1, sessions: 0 };

const newPlace = (id: string) => ({ id, version: 1, type: 'parkingPlace', layer: 0, timeZone: 'Europe/London', name: [{ language: 'en', string: `Admin test ${id}` }] });

/** A handful of writes of every kind: create, merge-patch, new version with history, logical delete, auto-created right. */
async function changeEverything(http: ReturnType<typeof makeApp>['http']): Promise<void> {
  await http.post('/places').send(newPlace('ADMIN-1')).expect(201);
  await http.put('/places/ADMIN-1').send({ ...newPlace('ADMIN-1'), version: 2, layer: 1 }).expect(200);
  await http.patch('/v1/parking/places/805428').send(payload('uc1-4-patch-805428.json')).expect(200);
  await http.post('/sessions').send(payload('uc2-1-session-e2089853.json')).expect(201);
  await http.delete(`/rights/assigned/${BEC97CAB}`).expect(200);
}

describe('POST /__admin/reset', () => {
  it('restores the fixtures after changes, exactly', async () => {
    const { http, platform } = makeApp();
    const pristine = snapshot(platform);
    await changeEverything(http);
    expect(snapshot(platform)).not.toBe(pristine);

    const res = await http.post('/__admin/reset').expect(200);
    expect(res.body).toEqual({ status: 'ok', code: 200, message: 'reset to fixtures "default"', counts: DEFAULT_COUNTS });
    expect(snapshot(platform)).toBe(pristine);
    await http.get('/places/ADMIN-1').expect(404);
    await http.get(`/rights/assigned/${BEC97CAB}`).expect(200);
    await http.get(`/sessions/${UC2_SESSION}`).expect(404);
    // The auto-created right is gone with its session: the same session can be created again.
    await http.post('/sessions').send(payload('uc2-1-session-e2089853.json')).expect(201);
  });

  it('?fixtures=uc5 switches to another set; a plain reset goes back to the one the platform started with', async () => {
    const { http } = makeApp();
    await http.get(`/sessions/${UC4_SESSION}`).expect(404);
    const res = await http.post('/__admin/reset?fixtures=uc5').expect(200);
    expect(res.body.message).toBe('reset to fixtures "uc5"');
    expect(res.body.counts).toEqual({ ...DEFAULT_COUNTS, assignedRights: 2, sessions: 1 });
    const session = await http.get(`/sessions/${UC4_SESSION}`).expect(200);
    expect(session.body.actualEnd).toBeUndefined(); // open, as at the start of UC5

    const back = await http.post('/__admin/reset').expect(200);
    expect(back.body.counts).toEqual(DEFAULT_COUNTS);
    await http.get(`/sessions/${UC4_SESSION}`).expect(404);
  });

  it('?fixtures=none empties the platform', async () => {
    const { http } = makeApp();
    const res = await http.post('/__admin/reset?fixtures=none').expect(200);
    expect(res.body.counts).toEqual({ places: 0, rightSpecs: 0, rates: 0, assignedRights: 0, sessions: 0 });
    const places = await http.get('/places').expect(200);
    expect(places.body.meta.total).toBe(0);
    expect(places.body.data).toEqual([]);
  });

  it('an unknown set is 400 naming it, and nothing changes (not even a reset)', async () => {
    const { http, platform } = makeApp();
    await http.post('/places').send(newPlace('KEEP-ME')).expect(201);
    const before = snapshot(platform);
    const res = await http.post('/__admin/reset?fixtures=no-such-set').expect(400);
    expect(res.body).toMatchObject({ status: 'error', code: 400 });
    expect(res.body.message).toContain('"no-such-set" not found');
    expect(snapshot(platform)).toBe(before);
    await http.get('/places/KEEP-ME').expect(200);

    const twice = await http.post('/__admin/reset?fixtures=uc5&fixtures=default').expect(400);
    expect(twice.body.message).toMatch(/single name/);
    expect(snapshot(platform)).toBe(before);
  });
});

describe('POST /__admin/reset: reported bug', () => {
  it('was BUG-8: a directory that is no fixture set (?fixtures=payloads, /tmp, ..) is 400 and changes nothing', async () => {
    const { http, platform } = makeApp();
    const before = snapshot(platform);
    // fixtures/payloads ships with the package (seed bodies), so this does not depend on the working directory.
    const res = await http.post('/__admin/reset?fixtures=payloads');
    expect(res.status).toBe(400);
    expect(snapshot(platform)).toBe(before);
  });
});

describe('GET / PUT /__admin/state', () => {
  it('GET dumps every collection in the state-file format', async () => {
    const { http } = makeApp();
    const res = await http.get('/__admin/state').expect(200);
    expect(res.body).toMatchObject({ format: 'apds-conformance-state', formatVersion: 1, autoRights: [] });
    expect(Object.keys(res.body.collections).sort()).toEqual(['assignedRights', 'places', 'rates', 'rightSpecs', 'sessions']);
    expect(res.body.collections.places.entries).toHaveLength(59);
    expect(res.body.collections.rates.aliases).toEqual([['2a00f59e-50b0-4ac1-8733-1b3d23482403', '0376c349-ed20-4f6f-9551-1a82f9f5f734']]);
  });

  it('PUT of an earlier dump after changes restores it exactly', async () => {
    const { http, platform } = makeApp();
    const dump = (await http.get('/__admin/state').expect(200)).body;
    const pristine = snapshot(platform);
    await changeEverything(http);

    const res = await http.put('/__admin/state').send(dump).expect(200);
    expect(res.body).toEqual({ status: 'ok', code: 200, message: 'state loaded', counts: DEFAULT_COUNTS });
    expect((await http.get('/__admin/state').expect(200)).body).toEqual(dump);
    expect(snapshot(platform)).toBe(pristine);
    await http.get('/places/ADMIN-1').expect(404);
    await http.get(`/rights/assigned/${BEC97CAB}`).expect(200);
  });

  it('a dump of a changed state survives a reset: history, deletions, aliases, auto-created rights and indexes', async () => {
    const { http, platform } = makeApp();
    await changeEverything(http);
    const changed = (await http.get('/__admin/state').expect(200)).body;
    expect(changed.autoRights).toHaveLength(1);
    const changedSnapshot = snapshot(platform);

    await http.post('/__admin/reset?fixtures=none').expect(200);
    await http.put('/__admin/state').send(changed).expect(200);
    expect((await http.get('/__admin/state').expect(200)).body).toEqual(changed);
    expect(snapshot(platform)).toBe(changedSnapshot);

    expect((await http.get('/places/ADMIN-1').expect(200)).body.version).toBe(2);
    expect((await http.get('/places/ADMIN-1?version=1').expect(200)).body.layer).toBe(0);
    await http.get(`/rights/assigned/${BEC97CAB}`).expect(404);
    const deleted = await http.get('/rights/assigned?modified_since=0').expect(200);
    expect(deleted.body.deletedReferences.map((d: any) => d.id)).toEqual([BEC97CAB]);
    await http.get('/rates/2a00f59e-50b0-4ac1-8733-1b3d23482403').expect(200); // alias
    // Indexes are rebuilt: geo, VRM and place searches find restored entities.
    const near = await http.get('/places?latitude=53.4806&longitude=-2.2428&radius=1000').expect(200);
    expect(near.body.data.map((p: any) => p.id)).toContain('QP_GB_G7HRF7Y');
    const auto = await http.get('/rights/assigned?credential_id=AB12XYZ&place=001702e7-99f6-4e48-ac7c-df412907b29b').expect(200);
    expect(auto.body.meta.total).toBe(1);
    // The restored session exists: a repeat POST is a conflict.
    await http.post('/sessions').send(payload('uc2-1-session-e2089853.json')).expect(409);
  });

  it('PUT of something that is not a state dump is 400 and changes nothing', async () => {
    const { http, platform } = makeApp();
    await changeEverything(http);
    const before = snapshot(platform);
    for (const body of [{}, { format: 'apds-conformance-state', formatVersion: 2, collections: {} }, [1, 2]]) {
      const res = await http.put('/__admin/state').send(body).expect(400);
      expect(res.body.message).toMatch(/^cannot load state: /);
      expect(snapshot(platform)).toBe(before);
    }
  });
});

describe('GET / PUT /__admin/clock', () => {
  it('GET shows the pinned instant', async () => {
    const { http } = makeApp();
    const res = await http.get('/__admin/clock').expect(200);
    expect(res.body).toEqual({ now: new Date(SEED_NOW).toISOString(), pinned: true });
  });

  it('PUT {now: ISO}, {now: epoch seconds}, {advance: "PT1H"} and {now: null}', async () => {
    const { http } = makeApp();
    expect((await http.put('/__admin/clock').send({ now: '2021-11-01T14:15:00Z' }).expect(200)).body).toEqual({ now: '2021-11-01T14:15:00.000Z', pinned: true });
    await http.put('/__admin/clock').send({ now: '2000-01-01T00:00:00Z' }).expect(200);
    expect((await http.put('/__admin/clock').send({ now: 1635776100 }).expect(200)).body).toEqual({ now: '2021-11-01T14:15:00.000Z', pinned: true });
    expect((await http.put('/__admin/clock').send({ now: '1635776100' }).expect(200)).body).toEqual({ now: '2021-11-01T14:15:00.000Z', pinned: true });
    expect((await http.put('/__admin/clock').send({ advance: 'PT1H' }).expect(200)).body).toEqual({ now: '2021-11-01T15:15:00.000Z', pinned: true });
    expect((await http.put('/__admin/clock').send({ advance: 'P1DT30M' }).expect(200)).body.now).toBe('2021-11-02T15:45:00.000Z');
    expect((await http.get('/__admin/clock').expect(200)).body.now).toBe('2021-11-02T15:45:00.000Z');

    const real = await http.put('/__admin/clock').send({ now: null }).expect(200);
    expect(real.body.pinned).toBe(false);
    expect(Math.abs(Date.parse(real.body.now) - Date.now())).toBeLessThan(5_000);
  });

  it('{advance} moves a running clock too, and it keeps running', async () => {
    const { http } = makeApp();
    await http.put('/__admin/clock').send({ now: null }).expect(200);
    const res = await http.put('/__admin/clock').send({ advance: 'PT2H' }).expect(200);
    expect(res.body.pinned).toBe(false);
    expect(Date.parse(res.body.now) - Date.now()).toBeGreaterThan(2 * 3600_000 - 5_000);
    expect(Date.parse(res.body.now) - Date.now()).toBeLessThan(2 * 3600_000 + 5_000);
  });

  it('bad values are 400 and leave the clock as it was', async () => {
    const { http } = makeApp();
    const bad: unknown[] = [{ now: 'yesterday' }, { now: '' }, { now: true }, { now: {} }, { advance: '1h' }, { advance: 3600 }, { advance: 'P' }, { advance: 'PT' }, {}, { later: 'PT1H' }, [1]];
    for (const body of bad) {
      const res = await http.put('/__admin/clock').send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ status: 'error', code: 400 });
      expect((await http.get('/__admin/clock').expect(200)).body).toEqual({ now: new Date(SEED_NOW).toISOString(), pinned: true });
    }
    await http.put('/__admin/clock').expect(400); // no body
  });

  it('an instant outside the Date range is 400 and leaves the clock alone (was BUG-5: pinned, then 500 for good)', async () => {
    const { http, unexpected } = makeApp();
    for (const body of [{ now: 1e20 }, { now: 99999999999999 }, { advance: 'P99999999Y' }]) {
      const res = await http.put('/__admin/clock').send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await http.get('/__admin/clock')).body).toEqual({ now: new Date(SEED_NOW).toISOString(), pinned: true });
    }
    expect(unexpected).toEqual([]);
  });

  it('"now" in queries, referenceInstant and server-filled times follow the clock', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    const ongoing = '/sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now';

    await http.put('/__admin/clock').send({ now: '2021-11-01T14:15:00Z' }).expect(200);
    const during = await http.get(ongoing).expect(200);
    expect(during.body.meta).toMatchObject({ referenceInstant: 1635776100, total: 1 });
    expect(during.body.data[0].id).toBe(UC4_SESSION);

    await http.put('/__admin/clock').send({ now: '2021-11-01T12:00:00Z' }).expect(200); // before the session started
    const before = await http.get(ongoing).expect(200);
    expect(before.body.meta).toMatchObject({ referenceInstant: Date.parse('2021-11-01T12:00:00Z') / 1000, total: 0 });

    await http.put('/__admin/clock').send({ advance: 'PT2H' }).expect(200);
    expect((await http.get(ongoing).expect(200)).body.meta).toMatchObject({ referenceInstant: Date.parse('2021-11-01T14:00:00Z') / 1000, total: 1 });

    await http.post('/places').send(newPlace('CLOCKED')).expect(201);
    expect((await http.get('/places/CLOCKED').expect(200)).body.hierarchyElementRecord.creationTime).toBe('2021-11-01T14:00:00.000Z');
  });
});

describe('GET / DELETE /__admin/journal', () => {
  it('lists the last requests, newest last, with method, path, status and the violations of a rejected one', async () => {
    const { http } = makeApp();
    await http.get('/places/805428?expand=occupancy').expect(200);
    const invalid = { id: 'BAD-SESSION', version: 1, segments: 'not an array' };
    const rejected = await http.post('/sessions').send(invalid).expect(400);
    await http.get('/places/nope').expect(404);

    const res = await http.get('/__admin/journal').expect(200);
    expect(res.body.capacity).toBe(1000);
    const entries = res.body.entries;
    expect(entries.map((e: any) => [e.method, e.path, e.status])).toEqual([
      ['GET', '/places/805428', 200],
      ['POST', '/sessions', 400],
      ['GET', '/places/nope', 404],
    ]);
    expect(entries[0].query).toEqual({ expand: 'occupancy' });
    expect(entries[1].violations).toEqual(rejected.body.errors);
    expect(entries[1].violations.length).toBeGreaterThan(0);
    for (const v of entries[1].violations) expect(v).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect(entries[1].body).toEqual(invalid);
    expect(entries[0].violations).toBeUndefined();
    expect(entries[0].seq).toBeLessThan(entries[1].seq);
    for (const e of entries) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
  });

  it('the journal records the path as sent, mount prefix included (was BUG-6: /places/…, /journal)', async () => {
    const { http } = makeApp();
    await http.get('/v1/parking/places/805428').expect(200);
    await http.get('/__admin/clock').expect(200);
    const entries = (await http.get('/__admin/journal').expect(200)).body.entries;
    expect(entries.map((e: any) => e.path)).toEqual(['/v1/parking/places/805428', '/__admin/clock']);
  });

  it('records the normalisation warnings of a lenient request', async () => {
    const { http } = makeApp();
    await http.patch('/places/805428').send(payload('uc1-4-patch-805428.json')).expect(200);
    const [entry] = (await http.get('/__admin/journal?limit=1').expect(200)).body.entries;
    expect(entry).toMatchObject({ method: 'PATCH', path: '/places/805428', status: 200 });
    expect(entry.warnings.join('\n')).toMatch(/PTM3M/);
  });

  it('?limit=2 returns the 2 newest; a bad limit is 400', async () => {
    const { http } = makeApp();
    for (const id of ['805428', '805432', 'QP_GB_G7HRF7Y']) await http.get(`/places/${id}`).expect(200);
    const res = await http.get('/__admin/journal?limit=2').expect(200);
    expect(res.body.entries.map((e: any) => e.path)).toEqual(['/places/805432', '/places/QP_GB_G7HRF7Y']);
    for (const limit of ['0', '-1', 'abc', '1.5']) await http.get(`/__admin/journal?limit=${limit}`).expect(400);
  });

  it('DELETE clears it', async () => {
    const { http } = makeApp();
    for (let i = 0; i < 3; i++) await http.get('/places/805428').expect(200);
    const res = await http.delete('/__admin/journal').expect(200);
    expect(res.body).toEqual({ status: 'ok', code: 200, message: 'journal cleared' });
    const after = (await http.get('/__admin/journal').expect(200)).body.entries;
    // Only the DELETE itself (recorded when it finished) may be there.
    expect(after.filter((e: any) => e.method !== 'DELETE')).toEqual([]);
    expect(after.length).toBeLessThanOrEqual(1);
  });

  it('is bounded: journalSize 5 keeps the last 5 of 20 requests', async () => {
    const { http, platform } = makeApp({ journalSize: 5 });
    expect(platform.journal.capacity).toBe(5);
    for (let i = 1; i <= 20; i++) await http.get(`/places/journal-${i}`).expect(404);
    const res = await http.get('/__admin/journal').expect(200);
    expect(res.body.capacity).toBe(5);
    expect(res.body.entries.map((e: any) => e.path)).toEqual([16, 17, 18, 19, 20].map((i) => `/places/journal-${i}`));
    const seqs = res.body.entries.map((e: any) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => a - b));
    // ...and it stays bounded while it keeps recording.
    for (let i = 0; i < 7; i++) await http.get('/__admin/clock').expect(200);
    expect((await http.get('/__admin/journal').expect(200)).body.entries).toHaveLength(5);
  });
});
