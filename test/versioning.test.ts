import { describe, expect, it } from 'vitest';
import { makeApp, snapshot } from './support/app.js';

const rate = (version: number, name = 'Test tariff') => ({
  id: 'RATE-V',
  version,
  rateTableName: [{ language: 'en', string: name }],
  availability: 'public',
  rateLineCollections: [
    {
      id: 'RLC-1', version: 1, collectionSequence: 1, applicableCurrency: 'GBP', relativeTimes: true, taxIncluded: true,
      rateLines: [{ sequence: 1, rateLineType: 'incrementingRate', incrementPeriod: 'PT1H', value: { currencyType: 'GBP', currencyValue: 2.5 } }],
    },
  ],
});

describe('versions (client-owned, APDS README)', () => {
  it('POST of an existing id answers 409 and keeps the stored object', async () => {
    const { http, platform } = makeApp();
    await http.post('/rates').send(rate(1)).expect(201);
    const before = snapshot(platform);
    const res = await http.post('/rates').send(rate(1, 'Other')).expect(409);
    expect(res.body).toMatchObject({ status: 'error', code: 409 });
    expect(res.body.message).toContain('RATE-V');
    expect(snapshot(platform)).toBe(before);
  });

  it('PUT: equal version overwrites, higher version keeps history, lower version is 409', async () => {
    const { http, platform } = makeApp();
    await http.post('/rates').send(rate(1)).expect(201);
    await http.put('/rates/RATE-V').send(rate(1, 'Overwritten')).expect(200);
    expect((await http.get('/rates/RATE-V').expect(200)).body.rateTableName[0].string).toBe('Overwritten');
    await http.put('/rates/RATE-V').send(rate(3, 'Third')).expect(200);
    const latest = await http.get('/rates/RATE-V').expect(200);
    expect(latest.body).toMatchObject({ version: 3, rateTableName: [{ string: 'Third' }] });
    const old = await http.get('/rates/RATE-V?version=1').expect(200);
    expect(old.body).toMatchObject({ version: 1, rateTableName: [{ string: 'Overwritten' }] });
    await http.get('/rates/RATE-V?version=2').expect(404);
    const before = snapshot(platform);
    const stale = await http.put('/rates/RATE-V').send(rate(2, 'Stale')).expect(409);
    expect(stale.body.message).toMatch(/version 2 is older than the stored version 3/);
    expect(snapshot(platform)).toBe(before);
  });

  it('PUT of an unknown id is 404 (assigned rights excepted: an upsert)', async () => {
    const { http } = makeApp();
    await http.put('/rates/NOPE').send({ ...rate(1), id: 'NOPE' }).expect(404);
  });

  it('PUT whose body id differs from the path is 400', async () => {
    const { http } = makeApp();
    await http.post('/rates').send(rate(1)).expect(201);
    const res = await http.put('/rates/RATE-V').send({ ...rate(2), id: 'OTHER' }).expect(400);
    expect(res.body.errors).toEqual([{ path: '/id', message: 'must equal the path id' }]);
  });

  it('serves the seed rate under its path id and accepts the body id as an alias (seed #3)', async () => {
    const { http } = makeApp();
    const res = await http.get('/rates/0376c349-ed20-4f6f-9551-1a82f9f5f734?expand=all').expect(200);
    expect(res.body.id).toBe('0376c349-ed20-4f6f-9551-1a82f9f5f734');
    const alias = await http.get('/rates/2a00f59e-50b0-4ac1-8733-1b3d23482403').expect(200);
    expect(alias.body.id).toBe('0376c349-ed20-4f6f-9551-1a82f9f5f734');
  });

  it('collection PUT (seed UC5 overview) is 405 with Allow', async () => {
    const { http } = makeApp();
    const res = await http.put('/v1/parking/sessions').send({}).expect(405);
    expect(res.headers.allow).toBe('GET, POST');
  });
});

describe('bad input never half-applies', () => {
  const cases: Array<[string, (h: ReturnType<typeof makeApp>['http']) => any, number, RegExp]> = [
    ['malformed JSON', (h) => h.post('/sessions').set('Content-Type', 'application/json').send('{"id": "x",'), 400, /malformed JSON/],
    ['a JSON array body', (h) => h.post('/sessions').send([1, 2]), 400, /JSON object/],
    ['no body', (h) => h.post('/places'), 400, /missing/],
    ['wrong media type', (h) => h.post('/places').set('Content-Type', 'text/plain').send('hello'), 415, /media type/],
    ['__proto__ key', (h) => h.post('/places').set('Content-Type', 'application/json').send('{"id":"P","__proto__":{"polluted":true}}'), 400, /forbidden/],
    ['constructor.prototype key', (h) => h.post('/places').set('Content-Type', 'application/json').send('{"id":"P","constructor":{"prototype":{"polluted":true}}}'), 400, /forbidden/],
    ['constructor key', (h) => h.post('/places').set('Content-Type', 'application/json').send('{"id":"P","version":1,"constructor":1}'), 400, /forbidden/],
    ['wrong types', (h) => h.post('/places').send({ id: 5, version: 'one', type: 'parkingPlace', name: [], layer: -1 }), 400, /not a valid HierarchyElement/],
    ['oversize body', (h) => h.post('/places').set('Content-Type', 'application/json').send(JSON.stringify({ id: 'big', pad: 'x'.repeat(1_100_000) })), 413, /exceeds/],
    ['bad X-Mock-Now', (h) => h.get('/places').set('X-Mock-Now', 'yesterday'), 400, /X-Mock-Now/],
    ['unknown route', (h) => h.get('/parking-lots'), 404, /no route/],
  ];
  for (const [name, send, status, message] of cases) {
    it(`${name} → ${status} with a ResponseStatus, state unchanged`, async () => {
      const { http, platform, unexpected } = makeApp();
      const before = snapshot(platform);
      const res = await send(http).expect(status);
      expect(res.body).toMatchObject({ status: 'error', code: status });
      expect(res.body.message).toMatch(message);
      expect(snapshot(platform)).toBe(before);
      expect(({} as any).polluted).toBeUndefined();
      expect(unexpected).toEqual([]);
    });
  }

  it('lists every schema violation with its path', async () => {
    const { http } = makeApp();
    const res = await http.post('/places').send({ id: 'P', version: 0, type: 'castle', layer: 'one' }).expect(400);
    const paths = res.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/version', '/type', '/layer']));
    expect(res.body.errors.some((e: any) => /name/.test(e.message))).toBe(true);
  });
});
