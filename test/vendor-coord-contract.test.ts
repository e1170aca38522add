// Coord (seed 003): spec/coord.yaml as a document (it fixes the seed's defects, and every operation is served),
// the fixtures' checks and the tariff arithmetic, and the vendor-coord suite run against a listening mock,
// twice on the same platform (a suite must survive its own earlier runs).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../harness/credentials.js';
import { runSuites } from '../harness/runner.js';
import { ResponseValidator } from '../harness/schema-check.js';
import { createApp } from '../mock/app.js';
import { MockPlatform } from '../mock/platform.js';
import { costOf, parseCoordFixtures, readCoordFixtures, type Tariff } from '../mock/vendors/coord/index.js';
import { loadCoordSpec } from '../mock/vendors/coord/spec.js';
import { createAjv } from '../spec/index.js';
import { vendorCoord } from '../suites/vendor-coord.js';
import { makeApp } from './support/app.js';

const doc = loadCoordSpec();
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method], pathParams: item.parameters ?? [] })),
);

function resolve(ref: string): any {
  return ref
    .slice(2)
    .split('/')
    .reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('spec/coord.yaml', () => {
  it('is OpenAPI 3.1 whose every schema compiles and every $ref resolves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ajv = createAjv();
    ajv.addSchema(doc, 'coord.json');
    for (const name of Object.keys(doc.components.schemas)) expect(() => ajv.getSchema(`coord.json#/components/schemas/${name}`), name).not.toThrow();
    for (const ref of refs(doc)) expect(resolve(ref), ref).toBeDefined();
  });

  it('declares every path parameter (seed defect C01), and no `No Name` parameter (C02)', () => {
    for (const { path, method, op, pathParams } of operations) {
      const params = [...pathParams, ...(op.parameters ?? [])].map((p: any) => (p.$ref ? resolve(p.$ref) : p));
      const declared = params.filter((p: any) => p.in === 'path').map((p: any) => p.name).sort();
      const used = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(declared, `${method} ${path}`).toEqual(used);
      expect(params.every((p: any) => /^[a-z_]+$/.test(p.name) && p.schema), `${method} ${path}: named, typed parameters`).toBe(true);
    }
    expect(JSON.stringify({ paths: doc.paths, components: doc.components })).not.toContain('No Name');
  });

  it('has request schemas instead of the dangling `holder` (C03) and documents the errors (C04)', () => {
    expect(JSON.stringify({ paths: doc.paths, components: doc.components })).not.toContain('definitions/holder');
    for (const { path, method, op } of operations) {
      expect(op.operationId, `${method} ${path}`).toBeTruthy();
      expect(op.responses['200']?.content?.['application/json']?.schema, `${method} ${path} 200`).toBeDefined();
      const errors = Object.keys(op.responses).filter((c) => c !== '200');
      expect(errors, `${method} ${path}`).toContain('400');
      if (!op['x-mock-only']) expect(errors, `${method} ${path}`).toContain('401');
      for (const code of errors) expect(op.responses[code].content['application/json'].schema.$ref, `${method} ${path} ${code}`).toBe('#/components/schemas/Error');
    }
    const byId = Object.fromEntries(operations.map((o) => [o.op.operationId, o]));
    expect(Object.keys(byId).sort()).toEqual(['create_barcode', 'end_session', 'fake_redemption', 'get_location_sessions', 'get_session', 'get_user_sessions', 'mock_scan_barcode', 'post_session']);
    expect(Object.keys(byId.fake_redemption!.op.responses)).toContain('403');
    expect(Object.keys(byId.end_session!.op.responses)).toContain('409');
  });

  it('every operation is served by the mock (no 404 "no Coord route", no 405)', async () => {
    const { http } = makeApp();
    for (const { path, method } of operations) {
      const url = `/v1/access/parking${path.replace('{location_id}', 'sf-mission-garage').replace('{session_id}', '1')}`;
      const res = await (http as any)[method](url);
      expect([404, 405].includes(res.status) && /no Coord route|not allowed/.test(res.body.message), `${method} ${url}: ${res.status} ${res.body.message}`).toBe(false);
    }
  });

  it('its examples conform to its own schemas', () => {
    const validator = new ResponseValidator(doc, { source: 'spec/coord.yaml', digest: 'test' });
    for (const { path, method, op } of operations) {
      const content = op.responses['200'].content['application/json'];
      const examples = [content.example, ...Object.values(content.examples ?? {}).map((e: any) => e.value)].filter((e) => e !== undefined);
      for (const example of examples) expect(validator.check(method, path, 200, example).violations, `${method} ${path}`).toEqual([]);
    }
  });
});

describe('fixtures/vendors/coord.json', () => {
  it('holds the seed\'s users, sessions and a location of each kind', () => {
    const f = readCoordFixtures();
    expect(f.users.find((u) => u.id === '00000000-0000-0000-0000-000000000000')?.is_test_user).toBe(true);
    expect(f.users.some((u) => !u.is_test_user)).toBe(true);
    expect(new Set(Object.values(f.access_keys))).toEqual(new Set(f.users.map((u) => u.id)));
    expect(f.locations.map((l) => `${l.redemption}/${l.tariff.per}/${l.tariff.currency}`).sort()).toEqual(['barcode/block/USD', 'none/block/USD', 'none/minute/USD']);
    expect(f.sessions.map((s) => [s.id, s.start_time, s.end_time])).toEqual([
      [1, '2018-04-12T00:14:20.292Z', '2018-04-12T04:10:13.456Z'],
      [2, '2018-04-12T00:14:20.292Z', undefined],
    ]);
  });

  const valid = () => structuredClone(readCoordFixtures()) as any;
  it.each([
    ['a user without a UUID', (f: any) => (f.users[0].id = 'u1'), /UUID id/],
    ['a key of no user', (f: any) => (f.access_keys.k = 'nobody'), /access key "k" names no known user/],
    ['a location id with a slash', (f: any) => (f.locations[0].id = 'a/b'), /usable in a path/],
    ['an unknown redemption mode', (f: any) => (f.locations[0].redemption = 'qr'), /redemption must be/],
    ['a tariff without block_minutes', (f: any) => (f.locations[0].tariff = { currency: 'USD', per: 'block', amount: 1 }), /block_minutes/],
    ['a fractional amount', (f: any) => (f.locations[0].tariff.amount = 2.5), /integer ≥ 0/],
    ['a session at an unknown location', (f: any) => (f.sessions[0].location_id = 'x'), /unknown location/],
    ['a second-precision time', (f: any) => (f.sessions[0].start_time = '2018-04-12T00:14:20Z'), /must look like/],
    ['a second open session', (f: any) => f.sessions.push({ ...f.sessions[1], id: 3 }), /second open session/],
    ['a duplicate id', (f: any) => f.sessions.push({ ...f.sessions[0] }), /listed twice/],
    ['an end before the start', (f: any) => (f.sessions[0].end_time = '2018-04-11T00:00:00.000Z'), /end_time before start_time/],
  ])('refuses %s, naming it', (_name, mutate, message) => {
    const f = valid();
    mutate(f);
    expect(() => parseCoordFixtures(f, 'coord.json')).toThrow(message);
  });
});

describe('costOf', () => {
  const perMinute: Tariff = { currency: 'USD', per: 'minute', amount: 25 };
  const perHour: Tariff = { currency: 'USD', per: 'block', block_minutes: 60, amount: 300 };
  it.each([
    [perMinute, 0, 0],
    [perMinute, 1, 25],
    [perMinute, 209_869, 100], // the seed's example: 00:14:20.292 → 00:17:50.161
    [perMinute, 240_000, 100],
    [perMinute, 240_001, 125],
    [perHour, 3_600_000, 300],
    [perHour, 3_600_001, 600],
    [perHour, -5, 0],
  ])('%o for %i ms costs %i', (tariff, ms, amount) => {
    expect(costOf(tariff, ms)).toEqual({ amount, currency: 'USD' });
  });
});

describe('the vendor-coord suite against a listening mock', () => {
  let server: Server;
  let target: string;
  const platform = new MockPlatform();

  beforeAll(async () => {
    server = createServer(createApp(platform));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    platform.close();
    await new Promise((done) => server.close(done));
  });

  const run = (base: string) => runSuites({ target: base, credentials: devCredentials(), suites: [vendorCoord], validator: ResponseValidator.ours() });

  it('passes every check, again on the same platform, and at the /v1/parking base too', async () => {
    for (const base of [target, target, `${target}/v1/parking`]) {
      const result = await run(base);
      const checks = result.suites[0]!.checks;
      const notPassed = checks.filter((c) => c.status !== 'passed').map((c) => `${c.id} ${c.status}: ${c.message}`);
      expect(notPassed, base).toEqual([]);
      expect(checks.length).toBe(17);
      expect(checks.flatMap((c) => c.evidence.exchanges).every((e) => new URL(e.request.url).pathname.startsWith('/v1/access/parking/') || e.request.url.includes('/__admin/clock'))).toBe(true);
    }
    // The suite left the clock where it found it (it moves it to a simulated departure and back).
    expect(Math.abs(platform.clock.nowMs() - Date.now())).toBeLessThan(5_000);
  });

  it('skips everything on a target without the Coord API', async () => {
    const bare = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"status":"error","code":404,"message":"no route"}');
    });
    await new Promise<void>((done) => bare.listen(0, '127.0.0.1', () => done()));
    try {
      const result = await run(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`);
      expect(result.suites[0]!.checks.map((c) => c.status)).toEqual(Array(17).fill('skipped'));
    } finally {
      await new Promise((done) => bare.close(done));
    }
  });
});
