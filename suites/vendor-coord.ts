// Coord Parking Access API (seed 003): the documented examples replayed, and both session state machines
// (plain: active → ended; redemption: pending → active → ended) driven through every transition, the forbidden
// ones included (a clear 4xx and the session unchanged). Authenticates with the `access_key` query parameter,
// keys from fixtures/vendors/coord.json; validates answers against spec/coord.yaml. The API is expected at
// /v1/access/parking on the target's host (or at --target itself when it ends with that path). Checks that
// need the mock's controls (/__mock/scan, /__admin/clock) are SHOULD and skip on a target without them.
import type { SuiteDefinition } from '../harness/suite.js';
import { coordApi, costOf, COORD_BASE, INSTANT, isOpen, LIST_EXAMPLE, TEST_USER } from './vendor-coord-helpers.js';
import { coordErrorChecks } from './vendor-coord-errors.js';

export const vendorCoord: SuiteDefinition = {
  id: 'vendor-coord',
  title: 'Coord Parking Access API (seed 003)',
  description: 'Location and user sessions, ending with billing, barcodes and simulated redemption, under /v1/access/parking with access_key authentication.',
  role: 'platform',
  optIn: true,
  async run(s) {
    const api = coordApi(s);
    const { fx, admin, as, schema, read, refused, needMock, scan, closeOpen, guard, service } = api;

    await s.check({ id: 'COORD-01', title: "GET /session lists the user's sessions as the seed shows them", requirement: 'seed 003 get_user_sessions example' }, async (c) => {
      const reply = await as(c, fx.testKey, 'GET', '/session');
      if (reply.status === 404 && !Array.isArray(reply.body)) {
        service.absent = `the target does not serve the Coord API at ${COORD_BASE} (GET /session answered 404)`;
        c.skip(service.absent);
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

    await coordErrorChecks(s, api);
  },
};
