// UC3 payment on check-out (seed 000 use case 3 says "Details to follow"; this follows the proposal of
// spec-analysis §5 UC3): the SP checks a vehicle in (an open session), it is ongoing, the SP checks it out with
// the payment, and the platform keeps versions, refuses bad updates and deletes logically.
import type { SuiteDefinition } from '../harness/suite.js';
import { ARNDALE } from './fixture-ids.js';
import { credentialIdsOf, deliveredItems, epochSeconds, isoSeconds, isResponseStatusOk, sameInstant, seedPayload, transactionIdsOf } from './shapes.js';

const PROPOSED = 'spec-analysis §5 UC3 (proposed: the seed says "Details to follow")';

export const uc3: SuiteDefinition = {
  id: 'uc3',
  title: 'UC3 Check-in / check-out',
  description: 'An SP opens a session on arrival and closes it with the payment on departure; the session is ongoing in between, and the platform refuses inconsistent, unknown and stale updates.',
  role: 'platform',
  async run(s) {
    const vrm = s.freshVrm();
    const base = `/${s.runId}/uc3/sp/sessions`;
    const subscriptions: string[] = [];
    const checkIn = Date.now() - 3_600_000;
    const checkOut = Date.now() - 60_000;
    const ongoingQuery = () => ({ credential_id: vrm, place: ARNDALE, start_before: epochSeconds(), end_after: epochSeconds() });

    await s.check({ id: 'UC3-01', title: 'the SP subscribes to new and updated sessions', requirement: `${PROPOSED} step 0; NPP POST /webhooks`, severity: 'SHOULD' }, async (c) => {
      for (const [topic, path] of [['SessionCreated', `${base}/new`], ['SessionUpdated', `${base}/updated`]] as const) {
        const reply = await c.call('sp', 'POST', '/webhooks', { body: { endpoint: `${s.receiver.publicUrl}${path}`, topics: [topic] } });
        c.expectStatus(reply, 200, 201);
        c.expectSchema(reply, 'post', '/webhooks');
        if (typeof reply.body?.id === 'string') subscriptions.push(reply.body.id);
        else c.note(`the ${topic} subscription has no id: it cannot be removed afterwards`);
      }
      s.state.set('uc3.subscribed', true);
    });

    await s.check({ id: 'UC3-02', title: 'check-in: an open session (no actualEnd) is created: 201', requirement: `${PROPOSED} step 1; NPP POST /sessions`, independent: true }, async (c) => {
      const place = await c.call('sp', 'GET', `/places/${ARNDALE}`);
      if (place.status === 404) c.precondition(`place ${ARNDALE} (Arndale) of the seed is missing`);
      const body = seedPayload('uc4-3-session-fe5eea6a.json');
      body.id = s.fresh('session');
      body.actualStart = isoSeconds(checkIn);
      body.credentials[0].identifier.id = vrm;
      body.hierarchyElement = { id: ARNDALE, version: 1 };
      body.segments[0].id = s.fresh('segment');
      body.segments[0].actualStart = isoSeconds(checkIn);
      delete body.segments[0].assignedRight; // the platform derives it (as in UC2)
      s.state.set('uc3.mark', s.receiver.mark());
      const reply = await c.call('sp', 'POST', '/sessions', { body });
      c.expectStatus(reply, 201, 200);
      if (reply.status === 200) c.note('answered 200 rather than NPP\'s 201');
      c.expectSchema(reply, 'post', '/sessions');
      c.expect(isResponseStatusOk(reply.body), 'the answer is a ResponseStatus "ok"', { actual: reply.body });
      s.state.set('uc3.session', body);
    });

    await s.check({ id: 'UC3-03', title: 'the open session is ongoing: the now-window query finds it', requirement: `${PROPOSED} step 1 ("a missing end counts as ongoing"); NPP GET /sessions start_before, end_after` }, async (c) => {
      const sent = s.state.get('uc3.session') as any;
      const reply = await c.call('sp', 'GET', '/sessions', { query: ongoingQuery() });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/sessions');
      c.expect(reply.body.data?.some((x: any) => x.id === sent.id), `session ${sent.id} is in the answer`, { actual: reply.body.data?.map((x: any) => x.id) });
      const found = reply.body.data.find((x: any) => x.id === sent.id);
      c.expect(found.actualEnd === undefined || found.actualEnd === null, 'it has no actualEnd', { actual: found.actualEnd });
    });

    await s.check({ id: 'UC3-04', title: 'while parked, an assigned right for the VRM at the place exists', requirement: `${PROPOSED} steps 1–2 (enforcement: the vehicle is authorised while parked)` }, async (c) => {
      const sent = s.state.get('uc3.session') as any;
      const reply = await c.call('ep', 'GET', '/rights/assigned', { query: { place: ARNDALE, credential_id: vrm } });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/assigned');
      c.expect(reply.body.meta?.total >= 1, 'at least one assigned right for the VRM at the place', { expected: '≥ 1', actual: reply.body.meta?.total });
      const session = await c.call('sp', 'GET', `/sessions/${sent.id}`);
      c.expectStatus(session, 200);
      const rightId = session.body.segments?.[0]?.assignedRight?.id;
      c.expect(typeof rightId === 'string', 'the segment now refers to an assigned right', { actual: session.body.segments?.[0] });
      const right = reply.body.data.find((r: any) => r.id === rightId);
      c.expect(right, `the segment's right ${rightId} is the one enforcement finds`, { actual: reply.body.data.map((r: any) => r.id) });
      c.note(right.expiry ? `its expiry while the session is open: ${right.expiry}` : 'it has no expiry while the session is open');
      s.state.set('uc3.rightId', rightId);
      s.state.set('uc3.stored', session.body);
    });

    await s.check({ id: 'UC3-05', title: 'the SP is notified of the new session', requirement: `${PROPOSED} step 1 (SessionCreated)`, severity: 'SHOULD' }, async (c) => {
      if (!s.state.get('uc3.subscribed')) c.skip('no subscription (UC3-01 did not pass)');
      const sent = s.state.get('uc3.session') as any;
      const inbound = await s.receiver.waitFor((i) => i.path === `${base}/new` && deliveredItems(i.body).some((x) => x.id === sent.id), s.callbackTimeoutMs, s.state.get('uc3.mark') as number);
      if (!inbound) return c.fail(`no delivery of session ${sent.id} to ${base}/new within ${s.callbackTimeoutMs} ms`);
      c.record(inbound.exchange);
      const delivered = deliveredItems(inbound.body).find((x) => x.id === sent.id)!;
      if (s.dialect === 'spec') c.expectComponent(delivered, 'Session', 'the delivered object is a valid Session');
      c.expectEqual(credentialIdsOf(delivered), [vrm], 'the delivered session carries the VRM');
    });

    await s.check({ id: 'UC3-06', title: 'check-out: version 2 with the end and the payment: 200', requirement: `${PROPOSED} step 3; NPP PUT /sessions/{id}; APDS versioning (a higher version is kept)` }, async (c) => {
      const sent = s.state.get('uc3.session') as any;
      const body = structuredClone(sent);
      body.version = 2;
      body.actualEnd = isoSeconds(checkOut);
      body.segments[0].actualEnd = isoSeconds(checkOut);
      body.segments[0].assignedRight = { id: s.state.get('uc3.rightId'), version: 1 };
      body.segments[0].financialTransactions = [
        { dateCollected: isoSeconds(checkOut), segmentValue: 4.5, serviceProvider: { en: 'SP0001' }, taxIncluded: true, transactionId: s.fresh('tx') },
      ];
      s.state.set('uc3.mark', s.receiver.mark());
      const reply = await c.call('sp', 'PUT', `/sessions/${sent.id}`, { body });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'put', '/sessions/{id}');
      c.expect(isResponseStatusOk(reply.body), 'the answer is a ResponseStatus "ok"', { actual: reply.body });
      s.state.set('uc3.checkedOut', body);
    });

    await s.check({ id: 'UC3-07', title: 'the closed session reads back with its end, payment and version 2', requirement: `${PROPOSED} step 3; NPP GET /sessions/{id}` }, async (c) => {
      const sent = s.state.get('uc3.checkedOut') as any;
      const reply = await c.call('sp', 'GET', `/sessions/${sent.id}`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/sessions/{id}');
      c.expectEqual(reply.body.version, 2, 'the stored version is the one sent');
      c.expect(sameInstant(reply.body.actualEnd, sent.actualEnd), 'actualEnd is the check-out time', { expected: sent.actualEnd, actual: reply.body.actualEnd });
      c.expect(sameInstant(reply.body.segments?.[0]?.actualEnd, sent.actualEnd), 'the segment ends at check-out', { expected: sent.actualEnd, actual: reply.body.segments?.[0]?.actualEnd });
      c.expectEqual(transactionIdsOf(reply.body), transactionIdsOf(sent), 'the payment\'s transactionId is stored');
      s.state.set('uc3.stored', reply.body);
    });

    await s.check({ id: 'UC3-08', title: 'after check-out the session is no longer ongoing, but ended', requirement: `${PROPOSED} step 3; NPP GET /sessions end_after, end_before` }, async (c) => {
      const sent = s.state.get('uc3.checkedOut') as any;
      const ongoing = await c.call('sp', 'GET', '/sessions', { query: ongoingQuery() });
      c.expectStatus(ongoing, 200);
      c.expect(!ongoing.body.data?.some((x: any) => x.id === sent.id), 'the now-window query no longer returns it', { actual: ongoing.body.data?.map((x: any) => x.id) });
      const ended = await c.call('sp', 'GET', '/sessions', { query: { credential_id: vrm, place: ARNDALE, end_before: epochSeconds() } });
      c.expectStatus(ended, 200);
      c.expectSchema(ended, 'get', '/sessions');
      c.expect(ended.body.data?.some((x: any) => x.id === sent.id), 'end_before=now returns it', { actual: ended.body.data?.map((x: any) => x.id) });
    });

    await s.check({ id: 'UC3-09', title: 'the derived assigned right now expires at check-out', requirement: `${PROPOSED} step 3 ("the auto AR's expiry = T1"); as UC2-04 (expiry = the session's end)` }, async (c) => {
      const sent = s.state.get('uc3.checkedOut') as any;
      const reply = await c.call('sp', 'GET', `/rights/assigned/${s.state.get('uc3.rightId')}`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/assigned/{id}');
      c.expect(sameInstant(reply.body.expiry, sent.actualEnd), 'its expiry is the session\'s end', { expected: sent.actualEnd, actual: reply.body.expiry });
    });

    await s.check({ id: 'UC3-10', title: 'the SP is notified of the update, with the end', requirement: `${PROPOSED} step 3 ("SessionUpdated carries actualEnd")`, severity: 'SHOULD' }, async (c) => {
      if (!s.state.get('uc3.subscribed')) c.skip('no subscription (UC3-01 did not pass)');
      const sent = s.state.get('uc3.checkedOut') as any;
      const inbound = await s.receiver.waitFor((i) => i.path === `${base}/updated` && deliveredItems(i.body).some((x) => x.id === sent.id && x.actualEnd), s.callbackTimeoutMs, s.state.get('uc3.mark') as number);
      if (!inbound) return c.fail(`no delivery of session ${sent.id} with actualEnd to ${base}/updated within ${s.callbackTimeoutMs} ms`);
      c.record(inbound.exchange);
      const delivered = deliveredItems(inbound.body).find((x) => x.id === sent.id)!;
      if (s.dialect === 'spec') c.expectComponent(delivered, 'Session', 'the delivered object is a valid Session');
      c.expect(sameInstant(delivered.actualEnd, sent.actualEnd), 'the delivered actualEnd is the check-out time', { expected: sent.actualEnd, actual: delivered.actualEnd });
    });

    await s.check({ id: 'UC3-11', title: 'an end before the start is refused (400) and changes nothing', requirement: `${PROPOSED} step 4; NPP PUT /sessions/{id}: 400` }, async (c) => {
      const sent = s.state.get('uc3.checkedOut') as any;
      const before = await c.call('sp', 'GET', `/sessions/${sent.id}`);
      const body = structuredClone(sent);
      body.version = 3;
      body.actualEnd = isoSeconds(checkIn - 600_000);
      body.segments[0].actualEnd = isoSeconds(checkIn - 600_000);
      c.expectErrorStatus(await c.call('sp', 'PUT', `/sessions/${sent.id}`, { body }), 400);
      const after = await c.call('sp', 'GET', `/sessions/${sent.id}`);
      c.expectEqual(after.body, before.body, 'the session is unchanged');
    });

    await s.check({ id: 'UC3-12', title: 'an update of an unknown session answers 404', requirement: `${PROPOSED} step 4; NPP PUT /sessions/{id}: 404`, independent: true }, async (c) => {
      const body = structuredClone((s.state.get('uc3.checkedOut') ?? seedPayload('uc4-5-session-fe5eea6a-completed.json')) as any);
      body.id = s.fresh('missing-session');
      body.hierarchyElement = { id: ARNDALE, version: 1 };
      delete body.segments[0].assignedRight;
      c.expectErrorStatus(await c.call('sp', 'PUT', `/sessions/${body.id}`, { body }), 404);
      c.expectErrorStatus(await c.call('sp', 'GET', `/sessions/${body.id}`), 404);
    });

    await s.check({ id: 'UC3-13', title: 'a stale version is refused (409) and changes nothing', requirement: `${PROPOSED} step 4; APDS versioning (a lower version → 409)` }, async (c) => {
      const sent = s.state.get('uc3.checkedOut') as any;
      const before = await c.call('sp', 'GET', `/sessions/${sent.id}`);
      const stale = structuredClone(sent);
      stale.version = 1;
      stale.segments[0].financialTransactions[0].segmentValue = 0.01;
      c.expectErrorStatus(await c.call('sp', 'PUT', `/sessions/${sent.id}`, { body: stale }), 409);
      const after = await c.call('sp', 'GET', `/sessions/${sent.id}`);
      c.expectEqual(after.body, before.body, 'the session is unchanged');
    });

    await s.check({ id: 'UC3-14', title: 'DELETE: 200, then 404, and listed in deletedReferences since then', requirement: `${PROPOSED} step 4; NPP DELETE /sessions/{id}, modified_since → deletedReferences` }, async (c) => {
      const sent = s.state.get('uc3.checkedOut') as any;
      const clock = await c.call('sp', 'GET', '/sessions', { query: { credential_id: vrm } });
      c.expectStatus(clock, 200);
      const since = typeof clock.body.meta?.referenceInstant === 'number' ? clock.body.meta.referenceInstant - 1 : epochSeconds() - 5;
      const reply = await c.call('sp', 'DELETE', `/sessions/${sent.id}`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'delete', '/sessions/{id}');
      c.expectErrorStatus(await c.call('sp', 'GET', `/sessions/${sent.id}`), 404);
      const changes = await c.call('sp', 'GET', '/sessions', { query: { modified_since: since } });
      c.expectStatus(changes, 200);
      c.expectSchema(changes, 'get', '/sessions');
      c.expect((changes.body.deletedReferences ?? []).some((d: any) => d?.id === sent.id), `deletedReferences of modified_since=${since} lists ${sent.id}`, { actual: changes.body.deletedReferences });
      c.expect(!changes.body.data?.some((x: any) => x.id === sent.id), 'the deleted session is not among the data', { actual: changes.body.data?.map((x: any) => x.id) });
    });

    await s.check({ id: 'UC3-15', title: 'the SP unsubscribes', requirement: 'APDS DELETE /webhooks/{id}', severity: 'SHOULD', independent: true }, async (c) => {
      if (!subscriptions.length) c.skip('no subscription id to remove');
      for (const id of subscriptions.splice(0)) {
        const reply = await c.call('sp', 'DELETE', `/webhooks/${id}`);
        c.expectStatus(reply, 200);
        c.expectSchema(reply, 'delete', '/webhooks/{id}');
      }
    });
  },
};
