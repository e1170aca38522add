// `mock --spec FILE`: another API document's operations answered by Prism in process, where our routes do not.
// In-process with supertest against test/fixtures/any-spec/*, plus the built CLI as a real process.
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAnySpec, type AnySpec } from '../mock/any-spec/index.js';
import { RouteTable, serverBasePath, templatePattern } from '../mock/any-spec/routes.js';
import { createApp } from '../mock/app.js';
import { MockPlatform } from '../mock/platform.js';
import { packageRoot } from '../spec/package-root.js';
import { actor } from './support/auth.js';
import { runCli, startMock, type RunningMock } from './support/cli-process.js';

const FIXTURES = join('test', 'fixtures', 'any-spec');
const OAS31 = join(FIXTURES, 'apds-next.oas31.yaml');
const SWAGGER2 = join(FIXTURES, 'kerbside-permits.swagger2.yaml');

function appWith(anySpec: AnySpec, auth = false) {
  const platform = new MockPlatform({ clock: '2023-06-25T10:35:00Z', auth });
  const unexpected: unknown[] = [];
  const app = createApp(platform, { anySpec, onUnexpectedError: (err) => unexpected.push(err) });
  return { platform, http: request(app), unexpected };
}

/** The sl-violations header, parsed. */
function slViolations(res: request.Response): Array<{ location: string[]; severity: string; message: string }> {
  const header = res.headers['sl-violations'];
  expect(header, 'sl-violations header').toBeTypeOf('string');
  return JSON.parse(header as string);
}

const observation = { id: 'obs-9', placeId: '805428', observedAt: '2023-06-25T10:40:00Z', occupied: 400 };

describe('an OpenAPI 3.1 document', () => {
  let spec: AnySpec;
  let app: ReturnType<typeof appWith>;
  beforeAll(async () => {
    spec = await loadAnySpec(join(packageRoot(), OAS31));
    app = appWith(spec);
  });
  afterAll(() => expect(app.unexpected).toEqual([]));

  it('knows its operations and the base path of its server', () => {
    expect(spec.operationCount).toBe(8);
    expect(spec.basePaths).toEqual(['/apds-next']);
    expect(spec.dynamic).toBe(false);
  });

  it('serves the example of an operation we do not model, at its path and under its server path', async () => {
    for (const path of ['/v2/parking/observations', '/apds-next/v2/parking/observations']) {
      const res = await app.http.get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.data.map((o: { id: string }) => o.id), path).toEqual(['obs-1', 'obs-2']);
      expect(res.headers['sl-violations']).toBeUndefined();
    }
  });

  it('serves the first named example, and a body built from the schema where there is no example', async () => {
    expect((await app.http.get('/tariffs/T-1').expect(200)).body).toEqual({ id: 'T-1', name: 'Evening flat rate', currency: 'GBP', amount: 4.5 });
    expect((await app.http.get('/tariffs').expect(200)).body).toEqual([{ id: 'T-9', name: 'Overnight', currency: 'GBP', amount: 3 }]);
  });

  it('answers a valid request with the documented status, headers and example', async () => {
    const res = await app.http.post('/v2/parking/observations').send(observation).expect(201);
    expect(res.headers.location).toBe('/v2/parking/observations/obs-3');
    expect(res.body).toMatchObject({ id: 'obs-3', occupied: 415 });
  });

  it('refuses a bad body with 422, every violation as ResponseStatus errors, and sl-violations', async () => {
    const res = await app.http.post('/v2/parking/observations').send({ id: '', placeId: '805428', occupied: -1 }).expect(422);
    expect(res.body).toMatchObject({ status: 'error', code: 422, message: expect.stringContaining('3 violations') });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: '/', message: expect.stringContaining("required property 'observedAt'") },
        { path: '/id', message: expect.stringContaining('fewer than 1 characters') },
        { path: '/occupied', message: expect.stringContaining('>= 0') },
      ]),
    );
    expect(res.body.errors).toHaveLength(3);
    expect(slViolations(res)).toEqual(expect.arrayContaining([expect.objectContaining({ location: ['request', 'body', 'occupied'], severity: 'Error' })]));
  });

  it('validates query and path parameters too', async () => {
    const query = await app.http.get('/v2/parking/observations?limit=500').expect(422);
    expect(query.body.errors).toEqual([{ path: 'query.limit', message: expect.stringContaining('<= 100') }]);
    const path = await app.http.get('/tariffs/not-a-tariff').expect(422);
    expect(path.body.errors).toEqual([{ path: 'path.id', message: expect.stringContaining('must match pattern') }]);
  });

  it("uses the document's own 400 when it declares one, still as ResponseStatus with the violations", async () => {
    const res = await app.http.put('/tariffs/T-1').send({ id: 'T-1', name: 'Evening', currency: 'USD', amount: 5 }).expect(400);
    expect(res.body).toMatchObject({ status: 'error', code: 400 });
    expect(res.body.errors).toEqual([{ path: '/currency', message: expect.stringContaining('allowed values') }]);
    expect(slViolations(res)).toHaveLength(1);
  });

  it('answers an example that breaks its own schema, and says so in sl-violations', async () => {
    const res = await app.http.get('/v2/parking/observations/obs-1').expect(200);
    expect(res.body.occupied).toBe(-3);
    expect(slViolations(res)).toEqual([expect.objectContaining({ location: ['response', 'body', 'occupied'], severity: 'Error' })]);
  });

  it('405 with Allow for a method the document does not have on its path', async () => {
    const res = await app.http.delete('/tariffs/T-1').expect(405);
    expect(res.headers.allow).toBe('GET, PUT');
    expect(res.body).toMatchObject({ status: 'error', code: 405 });
  });

  it('HEAD of a GET operation: the headers without the body', async () => {
    const res = await app.http.head('/tariffs/T-1').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text ?? '').toBe('');
  });

  it('our stateful route wins where the document has the same operation', async () => {
    for (const path of ['/places', '/v1/parking/places']) {
      const res = await app.http.get(path).expect(200);
      expect(res.body.meta, path).toMatchObject({ offset: 0 });
      expect(res.body.data.length, path).toBeGreaterThan(1);
      expect(JSON.stringify(res.body), path).not.toContain('from-any-spec');
    }
  });

  it('a path in neither is still our 404 ResponseStatus', async () => {
    const res = await app.http.get('/v2/parking/nowhere').expect(404);
    expect(res.body).toEqual({ status: 'error', code: 404, message: 'no route for GET /v2/parking/nowhere' });
  });

  it('never gives /__admin to the document', async () => {
    const res = await app.http.get('/__admin/probe').expect(404);
    expect(res.body).toMatchObject({ status: 'error', code: 404 });
    expect(res.body).not.toHaveProperty('from');
  });

  it('puts the violations of a refused request in the journal', async () => {
    await app.http.get('/tariffs/bad').expect(422);
    const journal = await app.http.get('/__admin/journal?limit=1').expect(200);
    expect(journal.body.entries[0]).toMatchObject({ method: 'GET', path: '/tariffs/bad', status: 422, violations: [{ path: 'path.id' }] });
  });
});

describe('security with access control on', () => {
  let app: ReturnType<typeof appWith>;
  beforeAll(async () => {
    app = appWith(await loadAnySpec(OAS31), true);
  });

  it('the document routes do not check credentials, not even ones our platform would refuse', async () => {
    await app.http.get('/tariffs/T-1').expect(200);
    await app.http.get('/tariffs/T-1').set('Authorization', 'Bearer a-token-of-another-api').expect(200);
    await app.http.get('/tariffs/T-1').set('Authorization', 'Basic dXNlcjpwYXNz').expect(200);
    await app.http.get('/tariffs/T-1').set('X-MCC-Access-Token', 'unknown').expect(200);
  });

  it('our routes keep their security, also where the document has the same operation', async () => {
    await app.http.get('/places').expect(401);
    const bad = await app.http.get('/places').set('Authorization', 'Bearer a-token-of-another-api').expect(401);
    expect(bad.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    await app.http.get('/places').set(actor('sp-sp0001')).expect(200);
    await app.http.get('/sessions').set('Authorization', 'Bearer a-token-of-another-api').expect(401);
  });
});

describe('a Swagger 2.0 document', () => {
  let spec: AnySpec;
  let app: ReturnType<typeof appWith>;
  beforeAll(async () => {
    spec = await loadAnySpec(SWAGGER2);
    app = appWith(spec);
  });
  afterAll(() => expect(app.unexpected).toEqual([]));

  it('serves its examples under its basePath and at the bare paths', async () => {
    expect(spec.basePaths).toEqual(['/v1/kerbside']);
    for (const path of ['/v1/kerbside/MCR-A/permit', '/MCR-A/permit']) {
      const res = await app.http.get(path).query({ access_key: 'k' }).expect(200);
      expect(res.body, path).toEqual([{ id: 101, zone_id: 'MCR-A', vrm: 'BD18SMR', kind: 'resident', valid_from: '2023-06-01T00:00:00Z' }]);
    }
    const created = await app.http.post('/v1/kerbside/MCR-A/permit?access_key=k').send({ vrm: 'LN68XYZ', kind: 'visitor' }).expect(200);
    expect(created.body).toMatchObject({ id: 102, kind: 'visitor' });
  });

  it('validates body parameters against the definitions, and the query parameters', async () => {
    const res = await app.http.post('/v1/kerbside/MCR-A/permit').send({ vrm: 'X', kind: 'lodger' }).expect(422);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: '/vrm', message: expect.stringContaining('fewer than 2 characters') },
        { path: '/kind', message: expect.stringContaining('allowed values') },
        { path: 'query', message: expect.stringContaining("'access_key'") },
      ]),
    );
    const typed = await app.http.get('/v1/kerbside/MCR-A/permit/first?access_key=k').expect(422);
    expect(typed.body.errors).toEqual([{ path: 'path.permit_id', message: expect.stringContaining('integer') }]);
  });

  it("leaves the mock's own vendor API (Coord, seed 003) alone", async () => {
    const res = await app.http.get('/v1/access/parking/session').expect(401);
    expect(res.body.message).toMatch(/access_key/);
  });
});

describe('generated bodies (--spec-dynamic)', () => {
  it('answers with a body generated from the schema instead of the example', async () => {
    const { http } = appWith(await loadAnySpec(OAS31, { dynamic: true }));
    const res = await http.get('/tariffs/T-1').expect(200);
    expect(res.body.id).toMatch(/^T-[0-9]+$/);
    expect(['GBP', 'EUR']).toContain(res.body.currency);
    expect(res.body.amount).toBeGreaterThanOrEqual(0);
    expect(res.body.name).not.toBe('Evening flat rate');
    expect(res.body.name).toMatch(/^[a-z]+( [a-z]+)*$/); // x-faker: lorem.words (faker, loaded on first use)
  });
});

describe('loading', () => {
  it('refuses a missing file and a file that is no API document', async () => {
    await expect(loadAnySpec(join(FIXTURES, 'missing.yaml'))).rejects.toThrow(/no such file/);
    await expect(loadAnySpec('package.json')).rejects.toThrow(/cannot read package\.json as an OpenAPI 3\.x or Swagger 2 document/);
  });
});

describe('routing table', () => {
  it('matches path templates, parameters inside segments included', () => {
    expect(templatePattern('/tariffs/{id}').test('/tariffs/T-1')).toBe(true);
    expect(templatePattern('/tariffs/{id}').test('/tariffs/T-1/x')).toBe(false);
    expect(templatePattern('/files/{name}.json').test('/files/a.json')).toBe(true);
    expect(templatePattern('/files/{name}.json').test('/files/a.xml')).toBe(false);
  });

  it('takes the base path from server URLs, with variables at their defaults', () => {
    expect(serverBasePath({ url: 'https://api.example.org/v1/permits/' })).toBe('/v1/permits');
    expect(serverBasePath({ url: '/relative/base' })).toBe('/relative/base');
    expect(serverBasePath({ url: 'https://{host}/{base}', variables: { host: { default: 'h.example' }, base: { default: 'v2' } } })).toBe('/v2');
    expect(serverBasePath({ url: 'https://api.example.org' })).toBe('');
  });

  it('answers HEAD as GET, lists the methods of a known path, and never claims /__admin', () => {
    const table = new RouteTable([
      { method: 'get', path: '/a/{id}', servers: [{ url: 'https://x.example/base' }] },
      { method: 'put', path: '/a/{id}' },
      { method: 'get', path: '/__admin/state' },
    ]);
    expect(table.match('HEAD', '/base/a/1')).toMatchObject({ kind: 'operation', method: 'get', path: '/a/1' });
    expect(table.match('DELETE', '/a/1')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'PUT'] });
    expect(table.claims('GET', '/__admin/state')).toBe(false);
    expect(table.match('GET', '/b')).toBeUndefined();
  });
});

describe('the CLI: mock --spec', () => {
  let mock: RunningMock | undefined;
  afterAll(async () => {
    if (!mock) return;
    if (mock.child.exitCode === null && mock.child.signalCode === null) process.kill(mock.child.pid!, 'SIGTERM');
    await mock.exited;
  });

  it('starts, says what it serves, and answers an operation of the document', async () => {
    mock = await startMock(['--port', '0', '--spec', OAS31]);
    expect(mock.stdout()).toMatch(/^any spec: {2}test\/fixtures\/any-spec\/apds-next\.oas31\.yaml: 8 operations at \/ and \/apds-next\//m);
    const res = await fetch(`${mock.url}/tariffs/T-2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'T-1', name: 'Evening flat rate', currency: 'GBP', amount: 4.5 });
    const ours = await fetch(`${mock.url}/places`);
    expect(ours.status).toBe(401); // our route, with our security
  });

  it('usage errors: --spec-dynamic alone, a missing document', async () => {
    const alone = await runCli(['mock', '--port', '0', '--spec-dynamic']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^--spec-dynamic needs --spec <file>/);
    const missing = await runCli(['mock', '--port', '0', '--spec', 'no-such-api.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file no-such-api\.yaml/);
  });
});
