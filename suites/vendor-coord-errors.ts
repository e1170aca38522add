// Coord suite, COORD-15..17: authentication (401), unknown ids (404) and malformed requests (400) on every operation.
import type { SuiteContext } from '../harness/suite.js';
import { TEST_USER, type CoordApi } from './vendor-coord-helpers.js';

export async function coordErrorChecks(s: SuiteContext, { fx, coord, as, schema, templateOf, guard }: CoordApi): Promise<void> {
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
}
