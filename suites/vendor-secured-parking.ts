// Secured-parking car-driver API (seed 002, "Finalize Parking Session with Payment V1"): the documented example
// replayed, every documented error code reached, and the session state machine (entering → active → exiting → paid
// → closed) driven through every transition, the forbidden ones included (a clear 4xx and the session unchanged),
// with the smart key's tries and validity window and the payment sandbox's test cards. Authenticates with the
// drivers' bearer tokens of fixtures/vendors/secured-parking.json; validates answers against
// spec/secured-parking.yaml. The API is expected at /api/... on the target's host (whatever path --target has).
// Times are set per request with X-Mock-Now (the mock's virtual clock), so the 2017 example replays as documented.
import type { SuiteDefinition } from '../harness/suite.js';
import { CARDS, FINALIZE, HEX, KEY_USE, KEYS, keysOf, NO_BODY, PAY, SEED_002_REQUEST, SEED_002_RESPONSE, securedParkingApi, SESSION } from './vendor-secured-parking-helpers.js';

export { CARDS, SEED_002_REQUEST, SEED_002_RESPONSE } from './vendor-secured-parking-helpers.js';

export const vendorSecuredParking: SuiteDefinition = {
  id: 'vendor-secured-parking',
  title: 'Secured-parking car-driver API (seed 002)',
  description: 'Finalize a parking session with payment: the seed example, its 400/401/404/422 errors, the session state machine, smart-key tries and window, and the payment page with the sandbox test cards.',
  role: 'platform',
  optIn: true,
  async run(s) {
    const { driver2, call, schema, refused, read, refusedUnchanged, create, use, finalize, pay, sessionIn } = securedParkingApi(s);

    await s.check({ id: 'VSP-01', title: 'the secured-parking API answers on the target: GET /api/car_driver/smart_keys', requirement: 'seed 002 (smart_key "the same structure from GET /api/car_driver/smart_keys")' }, async (c) => {
      const reply = await call(c, 'GET', KEYS, undefined);
      if (reply.status === 404) c.precondition('the target does not serve the secured-parking API at /api/car_driver on its host');
      if (reply.status === 401) c.precondition("the target refuses the fixtures' driver token (fixtures/vendors/secured-parking.json)");
      c.expectStatus(reply, 200);
      schema(c, reply, 'get', KEYS);
    });

    await s.check({ id: 'VSP-02', title: "the seed's example replayed on session 1: 201 and the documented answer", requirement: 'seed 002 PUT /api/car_driver/parking_sessions/:id/finalize, Request and Response', independent: true }, async (c) => {
      const before = await call(c, 'GET', SESSION, 1);
      if (before.status === 404) c.precondition("session 1 of the seed (driver 1, parking 187) is missing from the target's data");
      if (before.body?.parking_session?.state !== 'active') {
        c.skip(`session 1 is ${before.body?.parking_session?.state}, not active: it was finalized by an earlier run; reset the mock (POST /__admin/reset) to replay the example on it (VSP-09 replays it on a fresh session)`);
      }
      const reply = await finalize(c, 1, '2017-09-07T09:05:00+00:00', SEED_002_REQUEST, 'PUT');
      c.expectStatus(reply, 201);
      schema(c, reply, 'put', FINALIZE);
      const { pay_url, smart_key, ...rest } = reply.body;
      const { pay_url: _u, smart_key: seedKey, ...seedRest } = SEED_002_RESPONSE;
      c.expectEqual(rest, seedRest, 'amount, currency and parking_session are as documented');
      c.expectEqual({ ...smart_key, access_command: undefined }, { ...seedKey, access_command: undefined }, 'the smart key is as documented (access_command apart)');
      c.expect(HEX.test(smart_key.access_command), 'access_command is a hex command', { actual: smart_key.access_command });
      c.expect(new URL(pay_url).pathname + new URL(pay_url).search === '/api/payment/pay/1?from_mobile_v4=true', 'pay_url is /api/payment/pay/1?from_mobile_v4=true on the target', { expected: SEED_002_RESPONSE.pay_url, actual: pay_url });
      c.expectEqual(keysOf(reply.body), keysOf(SEED_002_RESPONSE), 'the answer has exactly the documented fields');
    });

    let id = 0;
    let keyId = 0;
    await s.check({ id: 'VSP-03', title: 'a new session starts entering, with 10 tries each way and a key valid 5 minutes', requirement: 'seed 002 parking_session state, *_remaining_tries; our extension POST /api/car_driver/parking_sessions' }, async (c) => {
      const body = await create(c, '2017-09-07T08:00:00+00:00');
      id = body.parking_session.id;
      keyId = body.smart_key.id;
      c.expectEqual(body.parking_session.state, 'entering', 'the session is entering');
      c.expectEqual([body.parking_session.entrance_remaining_tries, body.parking_session.exit_remaining_tries], [10, 10], '10 entrance and 10 exit tries');
      c.expectEqual([body.smart_key.start_time, body.smart_key.end_time], ['2017-09-07T08:00:00+00:00', '2017-09-07T08:05:00+00:00'], 'the entrance key is valid from now for 5 minutes');
      c.expectEqual(body.smart_key.secured_parking_id, 1, "the key names secured parking 1 for parking 187 (the seed's quirk)");
    });

    await s.check({ id: 'VSP-04', title: 'finalize while entering: 422, session unchanged', requirement: 'seed 002 422; only an active session is finalized' }, async (c) => {
      await refusedUnchanged(c, id, () => finalize(c, id, '2017-09-07T08:00:30+00:00'), 'put', FINALIZE, 422, 'state');
    });

    await s.check({ id: 'VSP-05', title: 'entrance: the key at a wrong access point is refused; at module 2 the session becomes active', requirement: 'seed 002 access_points, entrance_remaining_tries; our extension POST /smart_keys/{id}/use' }, async (c) => {
      await refusedUnchanged(c, id, () => use(c, keyId, '2017-09-07T08:00:30+00:00', { access_point: { mac_address: '00:11:22:33:44:55' } }), 'post', KEY_USE, 422, 'access_point');
      const reply = await use(c, keyId, '2017-09-07T08:00:30+00:00', { access_point: { mac_address: '76:86:BB:DE:63:AD' } });
      c.expectStatus(reply, 200);
      schema(c, reply, 'post', KEY_USE);
      c.expectEqual(reply.body.parking_session.state, 'active', 'the session is active');
      c.expectEqual(reply.body.parking_session.entrance_remaining_tries, 9, 'one entrance try is spent');
    });

    await s.check({ id: 'VSP-06', title: 'while active: key use, payment and a finalize naming another parking are refused (422), session unchanged', requirement: 'seed 002 422' }, async (c) => {
      await refusedUnchanged(c, id, () => use(c, keyId, '2017-09-07T08:02:00+00:00'), 'post', KEY_USE, 422, 'state');
      await refusedUnchanged(c, id, () => pay(c, id, CARDS.netopiaAccepted), 'post', PAY, 422, 'state');
      await refusedUnchanged(c, id, () => finalize(c, id, '2017-09-07T09:05:00+00:00', { parking_session: { secured_parking_id: 1 } }), 'put', FINALIZE, 422, 'secured_parking_id');
      const page = await call(c, 'GET', PAY, id, { token: null });
      c.expectStatus(page, 422);
    });

    await s.check({ id: 'VSP-07', title: 'PATCH finalize after 65 minutes: 201, the documented shape, 10.00 RON, exit key 09:05–09:10', requirement: 'seed 002 PUT|PATCH finalize, Response' }, async (c) => {
      const reply = await finalize(c, id, '2017-09-07T09:05:00+00:00', SEED_002_REQUEST, 'PATCH');
      c.expectStatus(reply, 201);
      schema(c, reply, 'patch', FINALIZE);
      const b = reply.body;
      c.expectEqual(keysOf(b), keysOf(SEED_002_RESPONSE), 'the documented top-level fields');
      c.expectEqual(keysOf(b.parking_session), keysOf(SEED_002_RESPONSE.parking_session), 'the documented parking_session fields');
      c.expectEqual(keysOf(b.smart_key), keysOf(SEED_002_RESPONSE.smart_key), 'the documented smart_key fields');
      c.expectEqual([b.amount, b.currency], ['10.00', 'RON'], '65 minutes at parking 187 cost 10.00 RON');
      c.expectEqual({ ...b.parking_session, id: 1, entrance_remaining_tries: 10 }, SEED_002_RESPONSE.parking_session, 'exiting, 08:00 to 09:05 (the id and the spent entrance try apart)');
      c.expectEqual({ ...b.smart_key, id: 1, access_command: '' }, { ...SEED_002_RESPONSE.smart_key, access_command: '' }, 'the key is re-issued for 09:05–09:10 with the access points of secured parking 1');
      c.expectEqual(b.smart_key.id, keyId, "the session's own key, re-issued");
      c.expect(b.pay_url.endsWith(`/api/payment/pay/${id}?from_mobile_v4=true`), 'pay_url names the session', { actual: b.pay_url });
      s.state.set('pay_url', b.pay_url);
    });

    await s.check({ id: 'VSP-08', title: 'while exiting: finalize again and the exit key before paying are refused (422), session unchanged', requirement: 'seed 002 422' }, async (c) => {
      await refusedUnchanged(c, id, () => finalize(c, id, '2017-09-07T09:06:00+00:00'), 'put', FINALIZE, 422, 'state');
      await refusedUnchanged(c, id, () => use(c, keyId, '2017-09-07T09:06:00+00:00'), 'post', KEY_USE, 422, 'state');
    });

    await s.check({ id: 'VSP-09', title: 'the pay_url serves a self-contained HTML payment page with the amount', requirement: 'seed 002 pay_url ("GET request in mobile WebView")' }, async (c) => {
      const url = new URL(s.state.get('pay_url') as string);
      const reply = await call(c, 'GET', PAY, id, { token: null, query: { from_mobile_v4: url.searchParams.get('from_mobile_v4') ?? undefined }, headers: { Accept: 'text/html' } });
      c.expectStatus(reply, 200);
      c.expect(/^text\/html/.test(reply.headers['content-type'] ?? ''), 'the page is text/html', { actual: reply.headers['content-type'] });
      const html = String(reply.body);
      c.expect(html.includes('10.00') && html.includes('RON'), 'the page shows 10.00 RON');
      c.expect(/<form[^>]+method="post"/i.test(html) && html.includes('name="card_number"'), 'the page has a card form');
      c.expect(!/\s(src|href)="(https?:)?\/\//i.test(html), 'the page loads nothing from elsewhere');
    });

    await s.check({ id: 'VSP-10', title: 'the expired Netopia card 9900541631437790 is declined (402), session unchanged', requirement: 'seed 002 test cards: expired card' }, async (c) => {
      await refusedUnchanged(c, id, () => pay(c, id, CARDS.netopiaExpired), 'post', PAY, 402, 'card');
      await refusedUnchanged(c, id, () => pay(c, id, { ...CARDS.netopiaAccepted, cvv: '222' }), 'post', PAY, 402, 'card');
    });

    await s.check({ id: 'VSP-11', title: 'the Netopia card 9900004810225098 with CVV 111 is accepted: the session is paid', requirement: 'seed 002 test cards: accepted card with CVV=111' }, async (c) => {
      const reply = await pay(c, id, CARDS.netopiaAccepted);
      c.expectStatus(reply, 200);
      schema(c, reply, 'post', PAY);
      c.expectEqual([reply.body.payment.provider, reply.body.payment.amount, reply.body.payment.currency], ['netopia', '10.00', 'RON'], 'netopia took 10.00 RON');
      c.expectEqual(reply.body.parking_session.state, 'paid', 'the session is paid');
      c.expectEqual((await read(c, id)).parking_session.state, 'paid', 'the session reads back paid');
    });

    await s.check({ id: 'VSP-12', title: 'while paid: paying again and finalizing are refused (422), session unchanged', requirement: 'seed 002 422' }, async (c) => {
      await refusedUnchanged(c, id, () => pay(c, id, CARDS.netopiaAccepted), 'post', PAY, 422, 'state');
      await refusedUnchanged(c, id, () => finalize(c, id, '2017-09-07T09:07:00+00:00'), 'put', FINALIZE, 422, 'state');
    });

    await s.check({ id: 'VSP-13', title: 'exit: the key at 09:07 spends an exit try and closes the session', requirement: 'seed 002 exit_remaining_tries, smart key window' }, async (c) => {
      const reply = await use(c, keyId, '2017-09-07T09:07:00+00:00', { access_point: { mac_address: '6F:FF:D3:B0:57:39' } });
      c.expectStatus(reply, 200);
      schema(c, reply, 'post', KEY_USE);
      c.expectEqual(reply.body.parking_session.state, 'closed', 'the session is closed');
      c.expectEqual(reply.body.parking_session.exit_remaining_tries, 9, 'one exit try is spent');
    });

    await s.check({ id: 'VSP-14', title: 'while closed: key use, finalize and payment are refused (422), and the key is no longer listed', requirement: 'seed 002 422; GET /api/car_driver/smart_keys' }, async (c) => {
      await refusedUnchanged(c, id, () => use(c, keyId, '2017-09-07T09:08:00+00:00'), 'post', KEY_USE, 422, 'state');
      await refusedUnchanged(c, id, () => finalize(c, id, '2017-09-07T09:08:00+00:00'), 'put', FINALIZE, 422, 'state');
      await refusedUnchanged(c, id, () => pay(c, id, CARDS.netopiaAccepted), 'post', PAY, 422, 'state');
      const keys = await call(c, 'GET', KEYS, undefined);
      c.expectStatus(keys, 200);
      c.expect(!keys.body.smart_keys.some((k: any) => k.id === keyId), `key ${keyId} of the closed session is not listed`);
    });

    await s.check({ id: 'VSP-15', title: 'the EPX card 4000000000000002 (no CVV, 12/2025) pays through the HTML form', requirement: 'seed 002 test cards: EPX', independent: true }, async (c) => {
      const { id: epx } = await sessionIn(c, 'exiting', '2017-09-07T10:00:00Z');
      await refusedUnchanged(c, epx, () => pay(c, epx, { ...CARDS.epxAccepted, expiry: '11/2025' }), 'post', PAY, 402, 'card');
      const form = new URLSearchParams(CARDS.epxAccepted).toString();
      const reply = await call(c, 'POST', PAY, epx, { token: null, rawBody: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' } });
      c.expectStatus(reply, 200);
      c.expect(/^text\/html/.test(reply.headers['content-type'] ?? '') && /Payment received/.test(String(reply.body)), 'an HTML confirmation', { actual: reply.headers['content-type'] });
      const after = await read(c, epx);
      c.expectEqual([after.parking_session.state, after.parking_session.payment?.provider, after.parking_session.amount], ['paid', 'epx', '10.00'], 'paid by EPX, 10.00');
    });

    await s.check({ id: 'VSP-16', title: 'the smart key outside its window is refused (422): entrance after 5 minutes, exit after 5 minutes', requirement: 'seed 002 smart_key start_time/end_time', independent: true }, async (c) => {
      const entering = await sessionIn(c, 'entering', '2017-09-07T11:00:00Z');
      await refusedUnchanged(c, entering.id, () => use(c, entering.keyId, entering.at(6)), 'post', KEY_USE, 422, 'smart_key');
      const paid = await sessionIn(c, 'paid', '2017-09-07T12:00:00Z');
      await refusedUnchanged(c, paid.id, () => use(c, paid.keyId, paid.at(65 + 6)), 'post', KEY_USE, 422, 'smart_key');
      await refusedUnchanged(c, paid.id, () => use(c, paid.keyId, paid.at(64)), 'post', KEY_USE, 422, 'smart_key');
    });

    await s.check({ id: 'VSP-17', title: 'tries run out: 10 failed entrance attempts, then 422 and the session stays entering', requirement: 'seed 002 entrance_remaining_tries ("countdown of remaining available tries")', independent: true }, async (c) => {
      const { id: sid, keyId: kid, at } = await sessionIn(c, 'entering', '2017-09-07T13:00:00Z');
      for (let i = 9; i >= 0; i--) {
        const reply = await use(c, kid, at(1), { opened: false });
        c.expectStatus(reply, 200);
        c.expectEqual([reply.body.parking_session.state, reply.body.parking_session.entrance_remaining_tries], ['entering', i], `a failed attempt leaves ${i} tries`);
      }
      await refusedUnchanged(c, sid, () => use(c, kid, at(2)), 'post', KEY_USE, 422, 'smart_key');
    });

    await s.check({ id: 'VSP-18', title: '400 when parking_session or secured_parking_id is missing', requirement: 'seed 002 "400 if secured_parking_id or parking_session params are missing"', independent: true }, async (c) => {
      const { id: sid } = await sessionIn(c, 'active', '2017-09-07T14:00:00Z');
      await refusedUnchanged(c, sid, () => finalize(c, sid, '2017-09-07T15:05:00Z', {}), 'put', FINALIZE, 400, 'parking_session');
      await refusedUnchanged(c, sid, () => finalize(c, sid, '2017-09-07T15:05:00Z', NO_BODY), 'put', FINALIZE, 400, 'parking_session');
      await refusedUnchanged(c, sid, () => finalize(c, sid, '2017-09-07T15:05:00Z', { parking_session: {} }, 'PATCH'), 'patch', FINALIZE, 400, 'secured_parking_id');
      await refusedUnchanged(c, sid, () => finalize(c, sid, '2017-09-07T15:05:00Z', { parking_session: { secured_parking_id: 'abc' } }), 'put', FINALIZE, 422, 'secured_parking_id');
      s.state.set('active', sid);
    });

    await s.check({ id: 'VSP-19', title: '401 when the access token is missing or not ok', requirement: 'seed 002 "401 if request access token not ok"', independent: true }, async (c) => {
      const sid = (s.state.get('active') as number | undefined) ?? 1;
      for (const token of [null, 'not-a-token-of-this-api-0000000000']) {
        refused(c, await finalize(c, sid, '2017-09-07T15:05:00Z', SEED_002_REQUEST, 'PUT', token), 'put', FINALIZE, 401, 'access_token');
        refused(c, await call(c, 'GET', KEYS, undefined, { token }), 'get', KEYS, 401, 'access_token');
      }
      const basic = await call(c, 'GET', KEYS, undefined, { token: null, headers: { Authorization: 'Basic ZHJpdmVyOnNlY3JldA==' } });
      refused(c, basic, 'get', KEYS, 401, 'access_token');
    });

    await s.check({ id: 'VSP-20', title: "404 for an unknown session or parking, and for another driver's session", requirement: 'seed 002 "404 if resources for secured_parking_id, or id params are not found"', independent: true }, async (c) => {
      refused(c, await finalize(c, 999_999_999, '2017-09-07T15:05:00Z'), 'put', FINALIZE, 404, 'id');
      const sid = (s.state.get('active') as number | undefined) ?? (await sessionIn(c, 'active', '2017-09-07T14:00:00Z')).id;
      await refusedUnchanged(c, sid, () => finalize(c, sid, '2017-09-07T15:05:00Z', { parking_session: { secured_parking_id: 999_999 } }), 'put', FINALIZE, 404, 'secured_parking_id');
      const other = await create(c, '2017-09-07T14:00:00Z', 187, driver2);
      refused(c, await finalize(c, other.parking_session.id, '2017-09-07T15:05:00Z'), 'put', FINALIZE, 404, 'id');
      refused(c, await call(c, 'GET', SESSION, other.parking_session.id), 'get', SESSION, 404, 'id');
      c.expectEqual((await read(c, other.parking_session.id, driver2)).parking_session.state, 'entering', "the other driver's session is unchanged");
    });

    await s.check({ id: 'VSP-21', title: 'GET /api/car_driver/smart_keys lists only the caller\'s keys, in the smart_key structure', requirement: 'seed 002 smart_key ("the same structure from GET /api/car_driver/smart_keys")', independent: true }, async (c) => {
      const mine = await create(c, '2017-09-07T16:00:00Z');
      const theirs = await create(c, '2017-09-07T16:00:00Z', 1, driver2);
      const reply = await call(c, 'GET', KEYS, undefined);
      c.expectStatus(reply, 200);
      schema(c, reply, 'get', KEYS);
      const ids = reply.body.smart_keys.map((k: any) => k.id);
      c.expect(ids.includes(mine.smart_key.id), `the caller's key ${mine.smart_key.id} is listed`, { actual: ids });
      c.expect(!ids.includes(theirs.smart_key.id), `driver 2's key ${theirs.smart_key.id} is not`, { actual: ids });
      c.expectEqual(reply.body.smart_keys.find((k: any) => k.id === mine.smart_key.id), mine.smart_key, 'the listed key equals the one the session answered');
    });
  },
};
