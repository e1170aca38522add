// The Coord suite's fixtures, seed examples, tariff arithmetic and the request/validation helpers its checks share.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Reply } from '../harness/http-client.js';
import { ResponseValidator } from '../harness/schema-check.js';
import type { CheckContext, SuiteContext } from '../harness/suite.js';
import type { OpenApiDocument } from '../spec/index.js';
import { packageRoot } from '../spec/package-root.js';

export const COORD_BASE = '/v1/access/parking';
export const TEST_USER = '00000000-0000-0000-0000-000000000000';
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The seed's list example (GET /{location_id}/session and GET /session). */
export const LIST_EXAMPLE = [
  { id: 1, start_time: '2018-04-12T00:14:20.292Z', end_time: '2018-04-12T04:10:13.456Z', user_id: TEST_USER },
  { id: 2, start_time: '2018-04-12T00:14:20.292Z', user_id: TEST_USER },
];

export type Tariff = { currency: string; per: 'minute'; amount: number } | { currency: string; per: 'block'; block_minutes: number; amount: number };
export interface Location {
  id: string;
  redemption: 'none' | 'barcode';
  tariff: Tariff;
}
export interface Fixtures {
  users: Array<{ id: string; is_test_user: boolean }>;
  access_keys: Record<string, string>;
  locations: Location[];
}

export function readFixtures(): { testKey: string; userKey: string; userId: string; plain: Location; blocks: Location; barcode: Location } {
  const f = JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'vendors', 'coord.json'), 'utf8')) as Fixtures;
  const keyOf = (userId: string) => Object.entries(f.access_keys).find(([, id]) => id === userId)?.[0];
  const user = f.users.find((u) => !u.is_test_user)!;
  return {
    testKey: keyOf(TEST_USER)!,
    userKey: keyOf(user.id)!,
    userId: user.id,
    plain: f.locations.find((l) => l.redemption === 'none' && l.tariff.per === 'minute')!,
    blocks: f.locations.find((l) => l.redemption === 'none' && l.tariff.per === 'block')!,
    barcode: f.locations.find((l) => l.redemption === 'barcode')!,
  };
}

export function coordValidator(): ResponseValidator {
  const path = join(packageRoot(), 'spec', 'coord.yaml');
  const text = readFileSync(path, 'utf8');
  return new ResponseValidator(parseYaml(text) as OpenApiDocument, { source: 'spec/coord.yaml', digest: createHash('sha256').update(text).digest('hex') });
}

/** Expected cost: every started minute or block in full. */
export function costOf(tariff: Tariff, startTime: string, endTime: string): { amount: number; currency: string } {
  const unitMs = (tariff.per === 'minute' ? 1 : tariff.block_minutes) * 60_000;
  return { amount: Math.ceil(Math.max(0, Date.parse(endTime) - Date.parse(startTime)) / unitMs) * tariff.amount, currency: tariff.currency };
}

export const isOpen = (s: any) => s && s.end_time === undefined;

/** The calls and judgements the checks share, bound to one run (fixtures read, spec loaded, paths resolved). */
export function coordApi(s: SuiteContext) {
  const fx = readFixtures();
  const validator = coordValidator();
  // Paths are relative to the target's base; climb out of it to reach the host's root.
  const basePath = new URL(s.client.baseUrl).pathname.replace(/\/+$/, '');
  const root = basePath.split('/').filter(Boolean).map(() => '/..').join('');
  const coord = (path: string) => (basePath.endsWith(COORD_BASE) ? path : `${root}${COORD_BASE}${path}`);
  const admin = (path: string) => `${root}${path}`;

  /** Set by COORD-01 when the target does not serve the API: every later check skips. */
  const service: { absent?: string } = {};
  let mockControls: boolean | undefined;
  const as = (c: CheckContext, key: string | undefined, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    c.call('anonymous', method, coord(path), { query: { ...(key === undefined ? {} : { access_key: key }), ...extra }, ...(body === undefined ? {} : { body }) });
  const schema = (c: CheckContext, reply: Reply, method: string, template: string) => {
    const result = validator.check(method, template, reply.status, reply.body);
    if (result.undocumented) c.fail(`spec/coord.yaml documents no ${reply.status} answer for ${method.toUpperCase()} ${template}`);
    if (result.violations.length) {
      c.fail(`answer of ${method.toUpperCase()} ${template} does not match spec/coord.yaml: ${result.violations.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ')}`, { expected: `a valid ${reply.status} answer`, actual: result.violations });
    }
  };
  const read = async (c: CheckContext, key: string, location: string, id: number) => {
    const reply = await as(c, key, 'GET', `/${location}/session/${id}`);
    c.expectStatus(reply, 200);
    return reply.body;
  };
  /** A refused transition: the given 4xx, and the session reads back as before. */
  const refused = async (c: CheckContext, reply: Reply, status: number, key: string, location: string, before: any, what: string) => {
    c.expectErrorStatus(reply, status);
    schema(c, reply, reply.exchange.request.method.toLowerCase(), templateOf(reply));
    c.expectEqual(await read(c, key, location, before.id), before, `${what} leaves session ${before.id} unchanged`);
  };
  const templateOf = (reply: Reply) => {
    const path = new URL(reply.exchange.request.url).pathname.slice(COORD_BASE.length);
    if (path === '/barcode' || path === '/session' || path === '/__mock/scan') return path;
    if (path.startsWith('/testing/')) return '/testing/{location_id}/{session_id}/simulate_redemption';
    if (path.endsWith('/end')) return '/{location_id}/session/{session_id}/end';
    return /\/session\/[^/]+$/.test(path) ? '/{location_id}/session/{session_id}' : '/{location_id}/session';
  };
  /** Mock controls (/__mock/scan) answer on this target; checks needing them skip otherwise. */
  const needMock = async (c: CheckContext) => {
    if (mockControls === undefined) {
      const probe = await c.call('anonymous', 'POST', coord('/__mock/scan'), { body: {}, label: 'probe for the mock scanner' });
      mockControls = probe.status === 400;
    }
    if (!mockControls) c.skip('the target has no mock scanner (POST /v1/access/parking/__mock/scan): physical redemption cannot be driven');
  };
  const scan = async (c: CheckContext, barcode: string) => c.call('anonymous', 'POST', coord('/__mock/scan'), { body: { barcode } });
  /** Ends the user's open sessions at a location (left by earlier runs), so a new one may be created. */
  const closeOpen = async (c: CheckContext, key: string, location: Location) => {
    const list = await as(c, key, 'GET', `/${location.id}/session`);
    c.expectStatus(list, 200);
    for (const open of (list.body as any[]).filter(isOpen)) {
      if (open.redemption_info === undefined) c.expectStatus(await as(c, key, 'PUT', `/${location.id}/session/${open.id}/end`), 200);
      else {
        await needMock(c);
        for (let i = 0; i < 2 && isOpen(await read(c, key, location.id, open.id)); i++) await scan(c, (await read(c, key, location.id, open.id)).redemption_info.barcode);
        if (isOpen(await read(c, key, location.id, open.id))) c.precondition(`open session ${open.id} at ${location.id} (left by an earlier run) cannot be closed`);
      }
      c.note(`closed session ${open.id} at ${location.id}, left open before this check`);
    }
  };
  const guard = (c: CheckContext) => {
    if (service.absent) c.skip(service.absent);
  };
  return { fx, coord, admin, as, schema, read, refused, templateOf, needMock, scan, closeOpen, guard, service };
}

export type CoordApi = ReturnType<typeof coordApi>;
