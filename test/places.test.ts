import { describe, expect, it } from 'vitest';
import { haversineMetres } from '../mock/store/indexes.js';
import { makeApp, snapshot } from './support/app.js';

const CENTRE = { latitude: 53.4806, longitude: -2.2428 };

const pointOf = (place: any) => {
  const [longitude, latitude] = place.indicativePlacePointLocation[0].coordinates;
  return { latitude, longitude };
};

describe('GET /places geo search', () => {
  it('returns every place within the radius, nearest first, each truly inside it', async () => {
    const { http } = makeApp();
    const res = await http.get('/v1/parking/places?latitude=53.4806&longitude=-2.2428&radius=1000&expand=all').expect(200);
    expect(res.body.meta).toMatchObject({ offset: 0, pageSize: 200 });
    expect(res.body.meta.total).toBe(res.body.data.length);
    expect(res.body.data.length).toBeGreaterThanOrEqual(9);
    const distances = res.body.data.map((p: any) => haversineMetres(CENTRE, pointOf(p)));
    for (const d of distances) expect(d).toBeLessThanOrEqual(1000);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    const piazza = res.body.data.find((p: any) => p.id === 'QP_GB_G7HRF7Y');
    expect(Math.round(haversineMetres(CENTRE, pointOf(piazza)))).toBeGreaterThanOrEqual(340);
    expect(piazza.hierarchyElementReference.supply[0].supplyQuantity).toBe(225);
    expect(piazza.rightSpecifications).toHaveLength(4);
  });

  it('finds more places in a 50 km radius than in 1 km', async () => {
    const { http } = makeApp();
    const near = await http.get('/places?latitude=53.4806&longitude=-2.2428&radius=1000').expect(200);
    const far = await http.get('/places?latitude=53.4806&longitude=-2.2428&radius=50000').expect(200);
    expect(far.body.meta.total).toBeGreaterThan(near.body.meta.total);
  });

  it('rejects a partial geo filter and out-of-range values with 400', async () => {
    const { http } = makeApp();
    for (const q of ['latitude=53.48&longitude=-2.24', 'latitude=91&longitude=0&radius=5', 'latitude=x&longitude=0&radius=5', 'latitude=53&longitude=-2&radius=-1']) {
      const res = await http.get(`/places?${q}`).expect(400);
      expect(res.body).toMatchObject({ status: 'error', code: 400 });
      expect(res.body.message).toMatch(/latitude|longitude|radius/);
    }
  });
});

describe('GET /places filters', () => {
  it('location_type=off_street keeps off-street places only (seed alias of structure_type)', async () => {
    const { http } = makeApp();
    const res = await http.get('/v1/parking/places?location_type=off_street').expect(200);
    expect(res.body.data.map((p: any) => p.id)).toContain('QP_GB_G7HRF7Y');
    for (const p of res.body.data) {
      expect(p.characteristics.some((c: any) => ['offStreetStructure', 'offStreetSurface'].includes(c.structureType))).toBe(true);
    }
    const all = await http.get('/places').expect(200);
    expect(res.body.meta.total).toBeLessThan(all.body.meta.total);
  });

  it('filters by structure_grade, type, name and layer', async () => {
    const { http } = makeApp();
    const underground = await http.get('/places?structure_grade=underground').expect(200);
    expect(underground.body.data.map((p: any) => p.id)).toContain('QP_GB_G7HRF7Y');
    const campus = await http.get('/places?type=campus').expect(200);
    expect(campus.body.data.map((p: any) => p.id)).toEqual(['bc2b7fdd-b83b-4fcc-a05e-4e42f123c041']);
    const named = await http.get('/places?name=piaz').expect(200);
    expect(named.body.data.map((p: any) => p.id)).toEqual(['QP_GB_G7HRF7Y']);
    const top = await http.get('/places?layer=0').expect(200);
    expect(top.body.data.every((p: any) => p.layer === 0)).toBe(true);
  });

  it('right_type keeps places with a right spec of that type', async () => {
    const { http } = makeApp();
    const res = await http.get('/places?right_type=oneTimeUseParking').expect(200);
    expect(res.body.data.map((p: any) => p.id)).toEqual(expect.arrayContaining(['805432', '001702e7-99f6-4e48-ac7c-df412907b29b']));
    expect(res.body.data.map((p: any) => p.id)).not.toContain('805428');
  });

  it('answers 400 for unknown enum values and reports unknown parameters in X-Mock-Warnings', async () => {
    const { http } = makeApp();
    const bad = await http.get('/places?type=castle').expect(400);
    expect(bad.body.message).toContain('castle');
    const ok = await http.get('/places?colour=blue').expect(200);
    expect(ok.headers['x-mock-warnings']).toContain('colour');
  });

  it('pages with page=N at the default page size', async () => {
    const { http, platform } = makeApp();
    for (let i = 0; i < 250; i++) {
      platform.store.places.create({ id: `bulk-${i}`, version: 1, type: 'parkingPlace', name: [{ language: 'en', string: `Bulk ${i}` }], layer: 1 }, 0);
    }
    const first = await http.get('/places?page=1').expect(200);
    const second = await http.get('/places?page=2').expect(200);
    expect(first.body.data).toHaveLength(200);
    expect(second.body.meta.offset).toBe(200);
    expect(second.body.data.length).toBe(first.body.meta.total - 200);
    await http.get('/places?page=0').expect(400);
  });
});

describe('GET /places/{id}', () => {
  it('omits occupancy unless expanded, and shows it with expand=occupancy', async () => {
    const { http } = makeApp();
    const plain = await http.get('/places/805428').expect(200);
    expect(plain.body.hierarchyElementReference).toBeUndefined();
    const expanded = await http.get('/places/805428?expand=occupancy').expect(200);
    const ref = expanded.body.hierarchyElementReference;
    expect(ref.supply[0].supplyQuantity).toBe(340);
    expect(ref.demandTable[0].demandType[0].count).toBe(125);
    const none = await http.get('/places/QP_GB_G7HRF7Y?expand=none').expect(200);
    expect(none.body.contacts).toBeUndefined();
    expect(none.body.name).toBeDefined();
  });

  it('serves the flows dialect per request', async () => {
    const { http } = makeApp();
    const res = await http.get('/places/805428?expand=occupancy&dialect=flows').expect(200);
    expect(res.body).toMatchObject({ id: '805428', type: 'place', name: { en: 'Deansgate' }, occupancy: { supply: { supplyQuantity: 340 } } });
    expect(res.body.occupancy.demand.demandType[0].count).toBe(125);
    const header = await http.get('/places/805428').set('X-Mock-Dialect', 'flows').expect(200);
    expect(header.body.name).toEqual({ en: 'Deansgate' });
    await http.get('/places/805428?dialect=yaml').expect(400);
  });

  it('answers 404 with a ResponseStatus for an unknown id', async () => {
    const { http } = makeApp();
    const res = await http.get('/v1/parking/places/nope').expect(404);
    expect(res.body).toEqual({ status: 'error', code: 404, message: 'place nope does not exist' });
  });
});

const newPlace = (id: string, extra: object = {}) => ({
  id,
  version: 1,
  type: 'parkingPlace',
  name: [{ language: 'en', string: 'Test car park' }],
  layer: 1,
  timeZone: 'Europe/London',
  indicativePlacePointLocation: [{ type: 'Point', coordinates: [-2.25, 53.48] }],
  ...extra,
});

describe('place writes', () => {
  it('creates a place (201), finds it by geo search, and fills hierarchyElementRecord', async () => {
    const { http } = makeApp();
    const res = await http.post('/places').send(newPlace('P-NEW')).expect(201);
    expect(res.body).toEqual({ status: 'ok', code: 201, message: 'place P-NEW created' });
    const read = await http.get('/places/P-NEW').expect(200);
    expect(read.body.hierarchyElementRecord.creationTime).toBe('2023-06-25T10:35:00.000Z');
    const near = await http.get('/places?latitude=53.48&longitude=-2.25&radius=10').expect(200);
    expect(near.body.data.map((p: any) => p.id)).toEqual(['P-NEW']);
  });

  it('accepts a place in the flows dialect and stores the canonical form', async () => {
    const { http } = makeApp();
    await http
      .post('/places')
      .send({ id: 'P-FLOWS', version: 1, type: 'place', layer: 1, name: { en: 'Flows' }, indicativePointLocation: { type: 'Point', coordinates: [-2.24, 53.47] }, timeZone: 'Europe/London' })
      .expect(201);
    const read = await http.get('/places/P-FLOWS').expect(200);
    expect(read.body).toMatchObject({ type: 'parkingPlace', name: [{ language: 'en', string: 'Flows' }], indicativePlacePointLocation: [{ coordinates: [-2.24, 53.47] }] });
  });

  it('PATCH merges: new occupancy count, everything else unchanged (seed UC1.4)', async () => {
    const { http } = makeApp();
    const before = (await http.get('/places/805428?expand=all').expect(200)).body;
    await http
      .patch('/v1/parking/places/805428')
      .send({ id: '805428', version: 1, occupancy: { demand: { frequency: 'PT3M', timestamp: '2023-06-25 10:33:00', demandType: [{ count: 130, recordDateTime: '2023-06-25 10:33:00', occupancyCalculation: 'counted' }] } } })
      .expect(200);
    const after = (await http.get('/places/805428?expand=all').expect(200)).body;
    expect(after.hierarchyElementReference.demandTable[0].demandType[0].count).toBe(130);
    expect(after.hierarchyElementReference.demandTable[0].timestamp).toBe('2023-06-25T10:33:00Z');
    expect(after.hierarchyElementReference.supply).toEqual(before.hierarchyElementReference.supply);
    expect(after.name).toEqual(before.name);
    expect(after.description).toEqual(before.description);
    expect(after.version).toBe(1);
  });

  it('PUT with a partial body is rejected (400) and changes nothing', async () => {
    const { http, platform } = makeApp();
    const before = snapshot(platform);
    const res = await http.put('/places/805428').send({ id: '805428', version: 1, occupancy: { demand: { demandType: [{ count: 1, recordDateTime: '2023-06-25T10:00:00Z' }] } } }).expect(400);
    expect(res.body.errors.map((e: any) => e.message).join(' ')).toMatch(/required property 'name'|required property 'type'/);
    expect(snapshot(platform)).toBe(before);
  });

  it('DELETE is logical: 404 afterwards, listed in deletedReferences for modified_since', async () => {
    const { http, platform } = makeApp();
    platform.clock.advance(60_000);
    await http.delete('/places/805428').expect(200);
    await http.get('/places/805428').expect(404);
    await http.delete('/places/805428').expect(404);
    const since = Math.floor(platform.clock.nowMs() / 1000) - 1;
    const res = await http.get(`/places?modified_since=${since}`).expect(200);
    expect(res.body.deletedReferences).toEqual([{ id: '805428', className: 'HierarchyElement', deleteTimestamp: '2023-06-25T10:36:00.000Z' }]);
    expect(res.body.data).toEqual([]);
  });

  it('rejects a place whose parent does not exist', async () => {
    const { http, platform } = makeApp();
    const before = snapshot(platform);
    const res = await http.post('/places').send(newPlace('P-ORPHAN', { parentId: { id: 'ghost', version: 1 } })).expect(400);
    expect(res.body.errors).toEqual([{ path: '/parentId/id', message: 'unknown place' }]);
    expect(snapshot(platform)).toBe(before);
  });
});
