// The app answers the hot operations from the route it finds up front (app.ts `front`) and reads plain UTF-8 bodies
// with raw-body; every other spelling of a path and every other body encoding must be answered exactly the same.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Express } from 'express';
import { describe, expect, it } from 'vitest';
import { makeApp, snapshot } from './support/app.js';

const PIAZZA = 'QP_GB_G7HRF7Y';

const newPlace = (id: string, name = 'Bench Test Car Park') => ({
  id,
  version: 1,
  type: 'parkingPlace',
  layer: 1,
  name: [{ language: 'en', string: name }],
});

describe('path spellings of the hot operations', () => {
  it('GET /places/{id}: case, trailing slash and %-escapes give the same answer as the plain path', async () => {
    const { http } = makeApp();
    const plain = await http.get(`/v1/parking/places/${PIAZZA}?expand=all`).expect(200);
    expect(plain.body.id).toBe(PIAZZA);
    for (const path of [`/V1/Parking/Places/${PIAZZA}`, `/v1/parking/places/${PIAZZA}/`, `/v1/parking/places/QP%5FGB%5FG7HRF7Y`, `/places/${PIAZZA}`]) {
      const res = await http.get(`${path}?expand=all`).expect(200);
      expect(res.body, path).toEqual(plain.body);
    }
  });

  it('HEAD of a place answers 200 without a body; an unknown id is 404 either way', async () => {
    const { http } = makeApp();
    const head = await http.head(`/v1/parking/places/${PIAZZA}`).expect(200);
    expect(head.text ?? '').toBe('');
    await http.head('/v1/parking/places/no-such-place').expect(404);
    const missing = await http.get('/v1/parking/places/no-such-place').expect(404);
    expect(missing.body).toMatchObject({ status: 'error', code: 404, message: expect.stringMatching(/no-such-place/) });
  });

  it('GET and POST on a collection with a trailing slash or capitals reach the same routes', async () => {
    const { http } = makeApp();
    const plain = await http.get('/v1/parking/places?name=Piazza').expect(200);
    expect(plain.body.meta.total).toBeGreaterThan(0);
    expect((await http.get('/v1/parking/places/?name=Piazza').expect(200)).body.data).toEqual(plain.body.data);
    await http.post('/V1/PARKING/PLACES/').send(newPlace('SPELT_1')).expect(201);
    expect((await http.get('/v1/parking/places/SPELT_1').expect(200)).body.name).toEqual([{ language: 'en', string: 'Bench Test Car Park' }]);
  });

  it('a path below a member is not a member: 404 with a clear message, nothing created', async () => {
    const { http, platform } = makeApp();
    const before = snapshot(platform);
    const res = await http.get(`/v1/parking/places/${PIAZZA}/occupancy`).expect(404);
    expect(res.body).toMatchObject({ status: 'error', code: 404, message: expect.stringMatching(/no route/) });
    await http.post(`/v1/parking/places/${PIAZZA}`).send(newPlace('X')).expect(404);
    expect(snapshot(platform)).toBe(before);
  });
});

/** POSTs these exact bytes (supertest would serialise a Buffer sent as application/json) over a real socket. */
async function postBytes(app: Express, path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: any }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    server.close();
  }
}

describe('request body encodings', () => {
  it('reads a gzip-compressed body', async () => {
    const { http, app } = makeApp();
    const body = gzipSync(Buffer.from(JSON.stringify(newPlace('GZ_1', 'Gzipped Car Park'))));
    const res = await postBytes(app, '/v1/parking/places', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body);
    expect(res).toMatchObject({ status: 201, body: { code: 201 } });
    expect((await http.get('/v1/parking/places/GZ_1').expect(200)).body.name[0].string).toBe('Gzipped Car Park');
  });

  it('decodes a body in the charset its Content-Type names', async () => {
    const { http, app } = makeApp();
    const body = Buffer.from(JSON.stringify(newPlace('LATIN_1', 'Café Car Park')), 'latin1');
    expect(body.includes(Buffer.from('Caf\xe9', 'latin1'))).toBe(true);
    expect((await postBytes(app, '/v1/parking/places', { 'Content-Type': 'application/json; charset=ISO-8859-1' }, body)).status).toBe(201);
    expect((await http.get('/v1/parking/places/LATIN_1').expect(200)).body.name[0].string).toBe('Café Car Park');
  });

  it('reads UTF-8 with and without a byte-order mark, with or without charset=utf-8', async () => {
    const { http, app } = makeApp();
    const utf8 = (id: string) => Buffer.from(JSON.stringify(newPlace(id, 'Straße Car Park — ✓')), 'utf8');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('BOM_1')]);
    expect((await postBytes(app, '/v1/parking/places', { 'Content-Type': 'application/json' }, bom)).status).toBe(201);
    expect((await postBytes(app, '/v1/parking/places', { 'Content-Type': 'application/json; charset="UTF-8"' }, utf8('UTF8_1'))).status).toBe(201);
    for (const id of ['BOM_1', 'UTF8_1']) expect((await http.get(`/v1/parking/places/${id}`).expect(200)).body.name[0].string).toBe('Straße Car Park — ✓');
  });

  it('an unknown charset or content encoding is 415 and changes nothing', async () => {
    const { http, platform, unexpected } = makeApp();
    const before = snapshot(platform);
    const text = JSON.stringify(newPlace('NOPE'));
    const charset = await http.post('/v1/parking/places').set('Content-Type', 'application/json; charset=klingon').send(text).expect(415);
    expect(charset.body).toMatchObject({ status: 'error', code: 415 });
    const encoding = await http.post('/v1/parking/places').set('Content-Type', 'application/json').set('Content-Encoding', 'lzw').send(text).expect(415);
    expect(encoding.body).toMatchObject({ status: 'error', code: 415 });
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });

  it('a body over 1 MB is 413 on the plain path too, and the connection still answers afterwards', async () => {
    const { http, platform } = makeApp();
    const before = snapshot(platform);
    const big = JSON.stringify({ ...newPlace('BIG'), pad: 'x'.repeat(1_100_000) });
    const res = await http.post('/v1/parking/places').set('Content-Type', 'application/json; charset=utf-8').send(big).expect(413);
    expect(res.body.message).toMatch(/exceeds the limit of 1048576 bytes/);
    expect(snapshot(platform)).toBe(before);
    await http.get(`/v1/parking/places/${PIAZZA}`).expect(200);
  });
});

describe('bodies with prototype keys or nested too deep', () => {
  it('names where a forbidden key sits, however deep, and stores nothing', async () => {
    const { http, platform, unexpected } = makeApp();
    const before = snapshot(platform);
    const body = JSON.stringify({ ...newPlace('DEEP_KEY'), description: [{ language: 'en', string: 'x', notes: { list: [{}, { constructor: 1 }] } }] });
    const res = await http.post('/v1/parking/places').set('Content-Type', 'application/json').send(body).expect(400);
    expect(res.body.message).toBe('request body contains a forbidden key at /description/0/notes/list/1/constructor');
    expect(res.body.errors).toEqual([{ path: '/description/0/notes/list/1/constructor', message: 'forbidden key' }]);
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });

  it('refuses a body nested 10,000 levels deep with a 400 (never a stack overflow), and one 60 levels deep passes the check', async () => {
    const { http, platform, unexpected } = makeApp();
    const before = snapshot(platform);
    const deep = `{"id":"DEEP","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await http.post('/v1/parking/places').set('Content-Type', 'application/json').send(deep).expect(400);
    expect(res.body.message).toMatch(/^request body nests deeper than 64 levels \(at \/x(\/0)+\)$/);
    expect(snapshot(platform)).toBe(before);
    const shallow = JSON.stringify({ ...newPlace('NEST_60'), x: JSON.parse(`${'['.repeat(60)}${']'.repeat(60)}`) });
    await http.post('/v1/parking/places').set('Content-Type', 'application/json').send(shallow).expect(201);
    expect((await http.get('/v1/parking/places/NEST_60').expect(200)).body.x).toEqual(JSON.parse(`${'['.repeat(60)}${']'.repeat(60)}`));
    expect(unexpected).toEqual([]);
  });
});
