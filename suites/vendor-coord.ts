// Coord Parking Access API (seed 003): the documented examples replayed, and both session state machines
// (plain: active → ended; redemption: pending → active → ended) driven through every transition, the forbidden
// ones included (a clear 4xx and the session unchanged). Authenticates with the `access_key` query parameter,
// keys from fixtures/vendors/coord.json; validates answers against spec/coord.yaml. The API is expected at
// /v1/access/parking on the target's host (or at --target itself when it ends with that path). Checks that
// need the mock's controls (/__mock/scan, /__admin/clock) are SHOULD and skip on a target without them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Reply } from '../harness/http-client.js';
import { ResponseValidator } from '../harness/schema-check.js';
import type { CheckContext, SuiteDefinition } from '../harness/suite.js';
import type { OpenApiDocument } from '../spec/index.js';
import { packageRoot } from '../spec/package-root.js';

const COORD_BASE = '/v1/access/parking';
const TEST_USER = '00000000-0000-0000-0000-000000000000';
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The seed's list example (GET /{location_id}/session and GET /session). */
const LIST_EXAMPLE = [
  { id: 1, start_time: '2018-04-12T00:14:20.292Z', end_time: '2018-04-12T04:10:13.456Z', user_id: TEST_USER },
  { id: 2, start_time: '2018-04-12T00:14:20.292Z', user_id: TEST_USER },
];

type Tariff = { currency: string; per: 'minute'; amount: number } | { currency: string; per: 'block'; block_minutes: number; amount: number };
interface Location {
  id: string;
  redemption: 'none' | 'barcode';
  tariff: Tariff;
}
interface Fixtures {
  users: Array<{ id: string; is_test_user: boolean }>;
  access_keys: Record<string, string>;
  locations: Location[];
}

function readFixtures(): { testKey: string; userKey: string; userId: string; plain: Location; blocks: Location; barcode: Location } {
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

function coordValidator(): ResponseValidator {
  const path = join(packageRoot(), 'spec', 'coord.yaml');
  const text = readFileSync(path, 'utf8');
  return new ResponseValidator(parseYaml(text) as OpenApiDocument, { source: 'spec/coord.yaml', digest: createHash('sha256').update(text).digest('hex') });
}

/** Expected cost: every started minute or block in full. */
function costOf(tariff: Tariff, startTime: string, endTime: string): { amount: number; currency: string } {
  const unitMs = (tariff.per === 'minute' ? 1 : tariff.block_minutes) * 60_000;
  return { amount: Math.ceil(Math.max(0, Date.parse(endTime) - Date.parse(startTime)) / unitMs) * tariff.amount, currency: tariff.currency };
}

const isOpen = (s: any) => s && s.end_time === undefined;

export const vendorCoord: SuiteDefinition = {
  id: 'vendor-coord',
  title: 'Coord Parking Access API (seed 003)',
  description: 'Location and user sessions, ending with billing, barcodes and simulated redemption, under /v1/access/parking with access_key authentication.',
  role: 'platform',
  optIn: true,
  async run(s) {
    const fx = readFixtures();
    const validator = coordValidator();
    // Paths are relative to the target's base; climb out of it to reach the host's root.
    const basePath = new URL(s.client.baseUrl).pathname.replace(/\/+$/, '');
    const root = basePath.split('/').filter(Boolean).map(() => '/..').join('');
    const coord = (path: string) => (basePath.endsWith(COORD_BASE) ? path : `${root}${COORD_BASE}${path}`);
    const admin = (path: string) => `${root}${path}`;

    let absent: string | undefined;
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
      if (absent) c.skip(absent);
    };

    await s.check({ id: 'COORD-01', title: "GET /session lists the user's sessions as the seed shows them", requirement: 'seed 003 get_user_sessions example' }, async (c) => {
      const reply = await as(c, fx.testKey, 'GET', '/session');
      if (reply.status === 404 && !Array.isArray(reply.body)) {
        absent = `the target does not serve the Coord API at ${COORD_BASE} (GET /session answered 404)`;
        c.skip(absent);
      }
      c.expectStatus(reply, 200);
      schema(c, reply, 'get', '/session');
      c.expectEqual(reply.body.find((x: any) => x.id === 1), LIST_EXAMPLE[0], 'session 1 reads exactly as in the example (ms-precision UTC times, no billing)');
      c.expect((reply.body as any[]).every((x) => x.user_id === TEST_USER), 'only the key owner\'s sessions are listed', { actual: reply.body.map((x: any) => x.user_id) });
      const ids = reply.body.map((x: any) => x.id);
      c.expectEqual(ids, [...ids].sort((a: number, b: number) => a - b), 'oldest first');
    });

    await s.check({ id: 'COORD-02', title: "GET /{location_id}/session replays the list example; at most one session is open", requirement: 'seed 003 get_location_sessions example' }, async (c) => {
      guard(c);
      const reply = await as(c, fx.testKey, 'GET', `/${fx.plain.id}/session`);
      c.expectStatus(reply, 200);
      schema(c, reply, 'get', '/{location_id}/session');
      const [one, two] = [1, 2].map((id) => reply.body.find((x: any) => x.id === id));
      c.expectEqual(one, LIST_EXAMPLE[0], 'session 1 as in the example');
      if (isOpen(two)) c.expectEqual(two, LIST_EXAMPLE[1], 'session 2, still open, as in the example');
      else c.note('session 2 was ended by an earlier run: compared without end_time and billing_info');
      c.expectEqual({ id: two?.id, start_time: two?.start_time, user_id: two?.user_id }, LIST_EXAMPLE[1], 'session 2 keeps its id, start and user');
      c.expect(reply.body.filter(isOpen).length <= 1, 'at most one session is still active', { actual: reply.body.filter(isOpen).map((x: any) => x.id) });
    });

    await s.check({ id: 'COORD-03', title: 'GET /{location_id}/session/{session_id} reads one session', requirement: 'seed 003 get_session example' }, async (c) => {
      guard(c);
      const reply = await as(c, fx.testKey, 'GET', `/${fx.plain.id}/session/1`);
      c.expectStatus(reply, 200);
      schema(c, reply, 'get', '/{location_id}/session/{session_id}');
      c.expectEqual(reply.body, LIST_EXAMPLE[0], 'session 1 as listed');
    });

    await s.check({ id: 'COORD-04', title: 'POST /{location_id}/session at a plain location: an active session', requirement: 'seed 003 post_session example' }, async (c) => {
      guard(c);
      await closeOpen(c, fx.testKey, fx.plain);
      const reply = await as(c, fx.testKey, 'POST', `/${fx.plain.id}/session`);
      c.expectStatus(reply, 200);
      schema(c, reply, 'post', '/{location_id}/session');
      c.expect(Number.isInteger(reply.body.id), 'an integer id', { actual: reply.body.id });
      c.expect(INSTANT.test(reply.body.start_time), 'start_time set, like 2018-04-12T00:14:20.292Z', { actual: reply.body.start_time });
      c.expectEqual(reply.body.user_id, TEST_USER, 'the key owner is the user');
      c.expectEqual(Object.keys(reply.body).sort(), ['id', 'start_time', 'user_id'], 'exactly the fields of the example (active: no end_time, billing or redemption_info)');
      s.state.set('coord.plain', reply.body);
    });

    await s.check({ id: 'COORD-05', title: 'a second session at the same location while one is open: 409, nothing created', requirement: 'seed 003 "at most one will still be active"; spec-analysis §6.2' }, async (c) => {
      guard(c);
      const before = await as(c, fx.testKey, 'GET', `/${fx.plain.id}/session`);
      const reply = await as(c, fx.testKey, 'POST', `/${fx.plain.id}/session`);
      c.expectErrorStatus(reply, 409);
      schema(c, reply, 'post', '/{location_id}/session');
      const after = await as(c, fx.testKey, 'GET', `/${fx.plain.id}/session`);
      c.expectEqual(after.body, before.body, 'the location\'s sessions are unchanged');
    });

    await s.check({ id: 'COORD-06', title: 'PUT …/end ends the session and bills it from the tariff', requirement: 'seed 003 end_session example' }, async (c) => {
      guard(c);
      const created = s.state.get('coord.plain') as any;
      const reply = await as(c, fx.testKey, 'PUT', `/${fx.plain.id}/session/${created.id}/end`);
      c.expectStatus(reply, 200);
      schema(c, reply, 'put', '/{location_id}/session/{session_id}/end');
      c.expectEqual(Object.keys(reply.body).sort(), ['billing_info', 'end_time', 'id', 'start_time', 'user_id'], 'the fields of the example');
      c.expectEqual({ id: reply.body.id, start_time: reply.body.start_time, user_id: reply.body.user_id }, created, 'the same session');
      c.expect(INSTANT.test(reply.body.end_time) && reply.body.end_time >= reply.body.start_time, 'end_time set, not before start_time', { actual: reply.body.end_time });
      c.expectEqual(reply.body.billing_info, { cost: costOf(fx.plain.tariff, reply.body.start_time, reply.body.end_time) }, `cost: ${fx.plain.tariff.amount} cents per started minute, in USD minor units`);
      c.expectEqual(await read(c, fx.testKey, fx.plain.id, created.id), reply.body, 'it reads back ended');
      s.state.set('coord.plain.ended', reply.body);
    });

    await s.check({ id: 'COORD-07', title: 'ending an ended session: 409, unchanged', requirement: 'spec-analysis §6.2 (409 for an already-ended session)' }, async (c) => {
      guard(c);
      const ended = s.state.get('coord.plain.ended') as any;
      await refused(c, await as(c, fx.testKey, 'PUT', `/${fx.plain.id}/session/${ended.id}/end`), 409, fx.testKey, fx.plain.id, ended, 'a second end');
      const mine = await as(c, fx.testKey, 'GET', '/session');
      c.expectEqual(mine.body.find((x: any) => x.id === ended.id), ended, 'GET /session shows it ended too');
    });

    await s.check({ id: 'COORD-08', title: 'per-block tariff; barcode and simulate_redemption refused for a plain session', requirement: 'seed 003 end_session, create_barcode, fake_redemption; spec-analysis §6.2', independent: true }, async (c) => {
      guard(c);
      await closeOpen(c, fx.testKey, fx.blocks);
      const created = await as(c, fx.testKey, 'POST', `/${fx.blocks.id}/session`);
      c.expectStatus(created, 200);
      await refused(c, await as(c, fx.testKey, 'POST', '/barcode', { location_id: fx.blocks.id, session_id: created.body.id }), 409, fx.testKey, fx.blocks.id, created.body, 'a barcode for a plain session');
      await refused(c, await as(c, fx.testKey, 'POST', `/testing/${fx.blocks.id}/${created.body.id}/simulate_redemption`, { duration_m: 30 }), 409, fx.testKey, fx.blocks.id, created.body, 'simulate_redemption of a plain session');
      const ended = await as(c, fx.testKey, 'PUT', `/${fx.blocks.id}/session/${created.body.id}/end`);
      c.expectStatus(ended, 200);
      c.expectEqual(ended.body.billing_info, { cost: costOf(fx.blocks.tariff, ended.body.start_time, ended.body.end_time) }, `cost: ${fx.blocks.tariff.amount} cents per started block`);
      await refused(c, await as(c, fx.testKey, 'POST', `/testing/${fx.blocks.id}/${created.body.id}/simulate_redemption`, { duration_m: 30 }), 409, fx.testKey, fx.blocks.id, ended.body, 'simulate_redemption of an ended session');
    });

    await s.check({ id: 'COORD-09', title: 'POST at a barcode location: a pending session with redemption_info; PUT …/end refused', requirement: 'seed 003 post_session ("either the start_time set, or a follow-on token"), end_session ("invalid … redemption_info")', independent: true }, async (c) => {
      guard(c);
      await closeOpen(c, fx.testKey, fx.barcode);
      const reply = await as(c, fx.testKey, 'POST', `/${fx.barcode.id}/session`);
      c.expectStatus(reply, 200);
      schema(c, reply, 'post', '/{location_id}/session');
      c.expect(reply.body.start_time === undefined && reply.body.end_time === undefined, 'pending: no start_time yet', { actual: reply.body });
      c.expect(typeof reply.body.redemption_info?.barcode === 'string', 'redemption_info carries the barcode to scan', { actual: reply.body.redemption_info });
      await refused(c, await as(c, fx.testKey, 'PUT', `/${fx.barcode.id}/session/${reply.body.id}/end`), 409, fx.testKey, fx.barcode.id, reply.body, 'PUT …/end of a pending redemption session');
      s.state.set('coord.pending', reply.body);
    });

    await s.check({ id: 'COORD-10', title: 'POST /barcode issues a new barcode that replaces the previous one', requirement: 'seed 003 create_barcode' }, async (c) => {
      guard(c);
      const pending = s.state.get('coord.pending') as any;
      const reply = await as(c, fx.testKey, 'POST', '/barcode', { location_id: fx.barcode.id, session_id: pending.id });
      c.expectStatus(reply, 200);
      schema(c, reply, 'post', '/barcode');
      c.expectEqual({ session_id: reply.body.session_id, location_id: reply.body.location_id, user_id: reply.body.user_id, purpose: reply.body.purpose }, { session_id: pending.id, location_id: fx.barcode.id, user_id: TEST_USER, purpose: 'entry' }, 'a barcode for entering with this session');
      c.expect(reply.body.barcode !== pending.redemption_info.barcode, 'a new barcode', { actual: reply.body.barcode });
      const after = await read(c, fx.testKey, fx.barcode.id, pending.id);
      c.expectEqual(after.redemption_info?.barcode, reply.body.barcode, 'redemption_info now shows the new barcode');
      s.state.set('coord.pending', after);
      s.state.set('coord.oldBarcode', pending.redemption_info.barcode);
    });

    await s.check({ id: 'COORD-11', title: 'simulate_redemption (test user): pending → active; every further transition refused', requirement: 'seed 003 fake_redemption' }, async (c) => {
      guard(c);
      const pending = s.state.get('coord.pending') as any;
      const reply = await as(c, fx.testKey, 'POST', `/testing/${fx.barcode.id}/${pending.id}/simulate_redemption`, { duration_m: 90 });
      c.expectStatus(reply, 200);
      schema(c, reply, 'post', '/testing/{location_id}/{session_id}/simulate_redemption');
      c.expect(INSTANT.test(reply.body.start_time) && reply.body.end_time === undefined, 'active: start_time set (the simulated arrival, now), no end_time before the departure', { actual: reply.body });
      c.expectEqual(reply.body.redemption_info, pending.redemption_info, 'still a physically redeemed session');
      await refused(c, await as(c, fx.testKey, 'POST', `/testing/${fx.barcode.id}/${pending.id}/simulate_redemption`, { duration_m: 90 }), 409, fx.testKey, fx.barcode.id, reply.body, 'a second simulate_redemption');
      await refused(c, await as(c, fx.testKey, 'PUT', `/${fx.barcode.id}/session/${pending.id}/end`), 409, fx.testKey, fx.barcode.id, reply.body, 'PUT …/end of an active redemption session');
      await refused(c, await as(c, fx.testKey, 'POST', '/barcode', { location_id: fx.barcode.id, session_id: pending.id }), 409, fx.testKey, fx.barcode.id, reply.body, 'a barcode for a session whose departure is simulated');
      s.state.set('coord.simulated', reply.body);
    });

    await s.check({ id: 'COORD-12', title: 'the simulated departure ends the session duration_m after the arrival, billed per started block', requirement: 'seed 003 fake_redemption ("checked out … duration_m minutes in the future")', severity: 'SHOULD' }, async (c) => {
      guard(c);
      const active = s.state.get('coord.simulated') as any;
      const clock = await c.call('anonymous', 'GET', admin('/__admin/clock'));
      if (clock.status !== 200) c.skip('the target has no /__admin/clock to move time to the departure');
      const advanced = await c.call('anonymous', 'PUT', admin('/__admin/clock'), { body: { advance: 'PT91M' } });
      c.expectStatus(advanced, 200);
      try {
        const after = await read(c, fx.testKey, fx.barcode.id, active.id);
        const departure = new Date(Date.parse(active.start_time) + 90 * 60_000).toISOString();
        c.expectEqual(after.end_time, departure, 'end_time = start_time + 90 minutes');
        c.expectEqual(after.billing_info, { cost: costOf(fx.barcode.tariff, active.start_time, departure) }, `billed: ${fx.barcode.tariff.amount} cents per started block`);
        await refused(c, await as(c, fx.testKey, 'POST', `/testing/${fx.barcode.id}/${active.id}/simulate_redemption`, { duration_m: 5 }), 409, fx.testKey, fx.barcode.id, after, 'simulate_redemption of an ended session');
        await refused(c, await as(c, fx.testKey, 'PUT', `/${fx.barcode.id}/session/${active.id}/end`), 409, fx.testKey, fx.barcode.id, after, 'PUT …/end of an ended redemption session');
      } finally {
        await c.call('anonymous', 'PUT', admin('/__admin/clock'), { body: { advance: '-PT91M' }, label: 'clock back' });
      }
    });

    await s.check({ id: 'COORD-13', title: 'simulate_redemption for a non-test user: 403, unchanged', requirement: 'seed 003 fake_redemption ("only available for sessions started by test users"); spec-analysis §6.2', independent: true }, async (c) => {
      guard(c);
      await closeOpen(c, fx.userKey, fx.barcode);
      const created = await as(c, fx.userKey, 'POST', `/${fx.barcode.id}/session`);
      c.expectStatus(created, 200);
      c.expectEqual(created.body.user_id, fx.userId, 'the regular user\'s session');
      await refused(c, await as(c, fx.userKey, 'POST', `/testing/${fx.barcode.id}/${created.body.id}/simulate_redemption`, { duration_m: 30 }), 403, fx.userKey, fx.barcode.id, created.body, 'simulate_redemption by a regular user');
      s.state.set('coord.userPending', created.body);
    });

    await s.check({ id: 'COORD-14', title: 'scanning the barcode: arrival starts the session, departure ends and bills it; stale scans refused', requirement: 'seed 003 post_session, get_session (redemption "via external, barcode mechanism"); mock scanner', severity: 'SHOULD' }, async (c) => {
      guard(c);
      const pending = s.state.get('coord.userPending') as any;
      if (!pending) c.skip('COORD-13 created no pending session');
      await needMock(c);
      const old = s.state.get('coord.oldBarcode') as string | undefined;
      if (old) {
        const stale = await scan(c, old);
        c.expectErrorStatus(stale, 409);
      }
      const entry = await scan(c, pending.redemption_info.barcode);
      c.expectStatus(entry, 200);
      schema(c, entry, 'post', '/__mock/scan');
      c.expectEqual(entry.body.action, 'entry', 'the first scan is the arrival');
      const active = await read(c, fx.userKey, fx.barcode.id, pending.id);
      c.expect(INSTANT.test(active.start_time) && active.end_time === undefined, 'active after the arrival scan', { actual: active });
      await refused(c, await as(c, fx.userKey, 'PUT', `/${fx.barcode.id}/session/${pending.id}/end`), 409, fx.userKey, fx.barcode.id, active, 'PUT …/end of a scanned-in session');
      const exit = await scan(c, pending.redemption_info.barcode);
      c.expectStatus(exit, 200);
      c.expectEqual(exit.body.action, 'exit', 'the second scan is the departure');
      const ended = await read(c, fx.userKey, fx.barcode.id, pending.id);
      c.expect(INSTANT.test(ended.end_time), 'ended after the departure scan', { actual: ended });
      c.expectEqual(ended.billing_info, { cost: costOf(fx.barcode.tariff, ended.start_time, ended.end_time) }, 'billed from the tariff');
      c.expectErrorStatus(await scan(c, pending.redemption_info.barcode), 409);
      await refused(c, await as(c, fx.userKey, 'POST', '/barcode', { location_id: fx.barcode.id, session_id: pending.id }), 409, fx.userKey, fx.barcode.id, ended, 'a barcode for an ended session');
    });

    await s.check({ id: 'COORD-15', title: 'a missing or unknown access_key: 401 on every operation', requirement: 'seed 003 access_key parameter; spec-analysis §6.2 (401)', independent: true }, async (c) => {
      guard(c);
      const calls: Array<[string, string, unknown?]> = [
        ['GET', '/session'],
        ['GET', `/${fx.plain.id}/session`],
        ['POST', `/${fx.plain.id}/session`],
        ['GET', `/${fx.plain.id}/session/1`],
        ['PUT', `/${fx.plain.id}/session/1/end`],
        ['POST', '/barcode', { location_id: fx.barcode.id, session_id: 1 }],
        ['POST', `/testing/${fx.plain.id}/1/simulate_redemption`, { duration_m: 5 }],
      ];
      for (const [method, path, body] of calls) {
        for (const key of [undefined, `${s.runId}-not-a-key`]) {
          const reply = await as(c, key, method, path, body);
          c.expectErrorStatus(reply, 401);
          schema(c, reply, method.toLowerCase(), templateOf(reply));
        }
      }
    });

    await s.check({ id: 'COORD-16', title: "unknown locations and sessions, and another user's session: 404", requirement: 'spec-analysis §6.2 (404 for unknown ids)', independent: true }, async (c) => {
      guard(c);
      const missing = s.fresh('location');
      for (const [method, path, body] of [
        ['GET', `/${missing}/session`],
        ['POST', `/${missing}/session`],
        ['GET', `/${fx.plain.id}/session/999999999`],
        ['PUT', `/${fx.plain.id}/session/999999999/end`],
        ['GET', `/${fx.barcode.id}/session/1`],
        ['POST', '/barcode', { location_id: missing, session_id: 1 }],
        ['POST', `/testing/${fx.plain.id}/999999999/simulate_redemption`, { duration_m: 5 }],
      ] as Array<[string, string, unknown?]>) {
        const reply = await as(c, fx.testKey, method, path, body);
        c.expectErrorStatus(reply, 404);
        schema(c, reply, method.toLowerCase(), templateOf(reply));
      }
      const others = await as(c, fx.userKey, 'GET', `/${fx.plain.id}/session/1`);
      c.expectErrorStatus(others, 404);
      const theirs = await as(c, fx.userKey, 'GET', `/${fx.plain.id}/session`);
      c.expect(Array.isArray(theirs.body) && !theirs.body.some((x: any) => x.user_id === TEST_USER), 'another user\'s sessions are not listed', { actual: theirs.body });
    });

    await s.check({ id: 'COORD-17', title: 'malformed ids and bodies: 400', requirement: 'spec/coord.yaml parameters and request schemas (C01, C03); spec-analysis §6.2', independent: true }, async (c) => {
      guard(c);
      for (const [method, path, body] of [
        ['GET', `/${fx.plain.id}/session/abc`],
        ['PUT', `/${fx.plain.id}/session/0/end`],
        ['POST', '/barcode', {}],
        ['POST', '/barcode', { location_id: fx.barcode.id, session_id: '1' }],
        ['POST', `/testing/${fx.barcode.id}/1.5/simulate_redemption`, { duration_m: 5 }],
        ['POST', `/${fx.plain.id}/session`, [1]],
      ] as Array<[string, string, unknown?]>) {
        const reply = await as(c, fx.testKey, method, path, body);
        c.expectErrorStatus(reply, 400);
        schema(c, reply, method.toLowerCase(), templateOf(reply));
      }
      const malformed = await c.call('anonymous', 'POST', coord('/barcode'), { query: { access_key: fx.testKey }, rawBody: '{"location_id": ' });
      c.expectErrorStatus(malformed, 400);
    });
  },
};
