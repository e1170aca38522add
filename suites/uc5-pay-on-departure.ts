// UC5 pay-on-departure ticket payment (seed 000 use case 5): the SP finds the vehicle's open session by VRM and
// place, collects the fee and confirms the payment. Steps 2 and 4 (the platform asking and telling the operator's
// back end) use our extension: a place's operatorBackendUrl, with the harness playing the operator.
import type { SuiteDefinition } from '../harness/suite.js';
import { UC4_PLACE, UC4_SPEC } from './fixture-ids.js';
import { credentialIdsOf, epochSeconds, isoSeconds, isResponseStatusOk, sameInstant, seedPayload, transactionIdsOf } from './shapes.js';

const DAY = 86_400_000;
const EXTENSION = 'our extension (spec/openapi.yaml HierarchyElement.operatorBackendUrl)';

export const uc5: SuiteDefinition = {
  id: 'uc5',
  title: 'UC5 Pay on departure',
  description: 'An SP finds a vehicle\'s open session by VRM and place and confirms its payment; the platform can ask and tell the operator\'s back end.',
  role: 'platform',
  async run(s) {
    const vrm = s.freshVrm();
    const arrival = Date.now() - 45 * 60_000;
    const paidAt = Date.now() - 30_000;
    const operatorPath = `/${s.runId}/operator`;
    const nowQuery = () => ({ credential_id: vrm, place: UC4_PLACE, start_before: epochSeconds(), end_after: epochSeconds() });
    /** The seed's payment confirmation (UC5.3) for this run's session: no segment assignedRight, no session end. */
    const payment = () => {
      const open = s.state.get('uc5.session') as any;
      const body = seedPayload('uc5-3-session-fe5eea6a-payment.json');
      body.id = open.id;
      body.actualStart = open.actualStart;
      body.credentials[0].identifier.id = vrm;
      body.hierarchyElement = { id: UC4_PLACE, version: 1 };
      const segment = body.segments[0];
      segment.id = open.segments[0].id;
      segment.actualStart = open.actualStart;
      segment.actualEnd = isoSeconds(paidAt);
      segment.financialTransactions[0].dateCollected = isoSeconds(paidAt);
      segment.financialTransactions[0].transactionId = s.state.get('uc5.tx');
      return body;
    };

    await s.check({ id: 'UC5-01', title: 'precondition: an open session of the VRM at the car park, with a fee due', requirement: 'seed 000 UC5 (state: the UC4 session open, fee 10.80, not paid); NPP POST /rights/assigned, POST /sessions' }, async (c) => {
      const spec = await c.call('sp', 'GET', `/rights/specs/${UC4_SPEC}`);
      if (spec.status === 404) c.precondition(`right specification ${UC4_SPEC} of the seed (at ${UC4_PLACE}) is missing`);
      const right = seedPayload('uc4-1-assigned-right-20410eec.json');
      right.id = s.fresh('right');
      right.rightHolder.credentials[0].identifier.id = vrm;
      right.issuanceTime = isoSeconds(Date.now() - DAY);
      right.expiry = isoSeconds(Date.now() + 365 * DAY);
      c.expectStatus(await c.call('sp', 'POST', '/rights/assigned', { body: right }), 201);
      const session = seedPayload('uc4-3-session-fe5eea6a.json');
      session.id = s.fresh('session');
      session.actualStart = isoSeconds(arrival);
      session.credentials[0].identifier.id = vrm;
      session.hierarchyElement = { id: UC4_PLACE, version: 1 };
      session.segments[0].id = s.fresh('segment');
      session.segments[0].actualStart = isoSeconds(arrival);
      session.segments[0].assignedRight = { id: right.id, version: 1 };
      session.segments[0].financialTransactions = [{ segmentValue: 10.8, taxIncluded: true }];
      const reply = await c.call('po', 'POST', '/sessions', { body: session });
      c.expectStatus(reply, 201, 200);
      c.expectSchema(reply, 'post', '/sessions');
      s.state.set('uc5.right', right);
      s.state.set('uc5.session', session);
      s.state.set('uc5.tx', s.fresh('tx'));
    });

    await s.check({ id: 'UC5-02', title: 'the SP\'s query by VRM, place and now finds the open session (total 1)', requirement: 'seed 000 UC5.1; NPP GET /sessions credential_id, place, start_before, end_after' }, async (c) => {
      const open = s.state.get('uc5.session') as any;
      const reply = await c.call('sp', 'GET', '/sessions', { query: nowQuery() });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/sessions');
      c.expectEqual(reply.body.meta?.total, 1, 'meta.total is 1');
      c.expectEqual(reply.body.data?.map((x: any) => x.id), [open.id], 'the one session is the open one');
      const found = reply.body.data[0];
      c.expectEqual(credentialIdsOf(found), [vrm], 'it carries the VRM');
      c.expectEqual(found.segments?.[0]?.financialTransactions?.[0]?.segmentValue, 10.8, 'its fee (segmentValue 10.80) is shown');
    });

    await s.check({ id: 'UC5-03', title: 'the seed\'s literal start_before=now&end_after=now is understood', requirement: 'seed 000 UC5.1 request; spec-analysis §3.2 #7', severity: 'SHOULD', independent: true }, async (c) => {
      const open = s.state.get('uc5.session') as any;
      if (!open) c.skip('no open session (UC5-01 did not pass)');
      const reply = await c.call('sp', 'GET', '/sessions', { query: { credential_id: vrm, place: UC4_PLACE, start_before: 'now', end_after: 'now' } });
      c.expectStatus(reply, 200);
      c.expectEqual(reply.body.data?.map((x: any) => x.id), [open.id], 'the open session, and only it');
    });

    await s.check({ id: 'UC5-04', title: 'the operator names its back end for the car park (PATCH operatorBackendUrl)', requirement: `seed 000 UC5.2 (Platform → Operator); ${EXTENSION}`, severity: 'SHOULD' }, async (c) => {
      const reply = await c.call('po', 'PATCH', `/places/${UC4_PLACE}`, { body: { operatorBackendUrl: `${s.receiver.publicUrl}${operatorPath}` }, headers: { 'Content-Type': 'application/merge-patch+json' } });
      if (reply.status >= 400 && reply.status < 500) c.skip(`the target does not take operatorBackendUrl (PATCH answered ${reply.status}): steps 2 and 4 are not tested`);
      c.expectStatus(reply, 200);
      c.expect(isResponseStatusOk(reply.body), 'the answer is a ResponseStatus "ok"', { actual: reply.body });
      s.state.set('uc5.backend', true);
    });

    await s.check({ id: 'UC5-05', title: 'the SP\'s query is answered by the operator\'s back end, passed on as is', requirement: `seed 000 UC5.2 ("Platform sends Session Query to Operator"; the SP gets the operator's answer); ${EXTENSION}`, severity: 'MUST' }, async (c) => {
      if (!s.state.get('uc5.backend')) c.skip('no operator back end (UC5-04 did not pass)');
      const open = s.state.get('uc5.session') as any;
      const marker = operatorAnswer(s.dialect, s.fresh('operator-session'), vrm, open.actualStart);
      s.receiver.respond('GET', new RegExp(`^${operatorPath}/sessions$`), () => ({ status: 200, body: marker }));
      const mark = s.receiver.mark();
      const query = nowQuery();
      const reply = await c.call('sp', 'GET', '/sessions', { query });
      const inbound = await s.receiver.waitFor((i) => i.method === 'GET' && i.path === `${operatorPath}/sessions`, 0, mark);
      if (!inbound) return c.fail(`the platform did not ask the operator (no GET ${operatorPath}/sessions)`, { actual: { status: reply.status, body: reply.body } });
      c.record(inbound.exchange);
      c.expectEqual(inbound.query.credential_id, vrm, 'the operator is asked about the VRM');
      c.expectEqual(inbound.query.place, UC4_PLACE, 'and the place');
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/sessions');
      c.expectEqual(reply.body, marker, 'the SP gets exactly the operator\'s answer');
    });

    await s.check({ id: 'UC5-06', title: 'the SP confirms the payment: 200; stored, the segment\'s right kept', requirement: 'seed 000 UC5.3; NPP PUT /sessions/{id}; spec-analysis §3.2 #25 (a missing segment assignedRight keeps the stored one)' }, async (c) => {
      const body = payment();
      s.state.set('uc5.mark', s.receiver.mark());
      const reply = await c.call('sp', 'PUT', `/sessions/${body.id}`, { body });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'put', '/sessions/{id}');
      c.expect(isResponseStatusOk(reply.body), 'the answer is a ResponseStatus "ok"', { actual: reply.body });
      const stored = await c.call('sp', 'GET', `/sessions/${body.id}`);
      c.expectStatus(stored, 200);
      c.expectSchema(stored, 'get', '/sessions/{id}');
      c.expectEqual(transactionIdsOf(stored.body), transactionIdsOf(body), 'the transactionId is stored');
      const segment = stored.body.segments?.[0];
      c.expect(sameInstant(segment?.financialTransactions?.[0]?.dateCollected, isoSeconds(paidAt)), 'dateCollected is stored', { expected: isoSeconds(paidAt), actual: segment?.financialTransactions?.[0]?.dateCollected });
      c.expect(sameInstant(segment?.actualEnd, isoSeconds(paidAt)), 'the segment\'s actualEnd is stored', { expected: isoSeconds(paidAt), actual: segment?.actualEnd });
      c.expectEqual(segment?.assignedRight?.id, (s.state.get('uc5.right') as any).id, 'the segment keeps its assigned right');
      s.state.set('uc5.stored', stored.body);
    });

    await s.check({ id: 'UC5-07', title: 'the payment confirmation is passed on to the operator\'s back end', requirement: `seed 000 UC5.4 (PUT {operator}/sessions/{id}); ${EXTENSION}`, severity: 'MUST' }, async (c) => {
      if (!s.state.get('uc5.backend')) c.skip('no operator back end (UC5-04 did not pass)');
      const stored = s.state.get('uc5.stored') as any;
      if (!stored) c.skip('no stored payment confirmation (UC5-06 did not pass)');
      const path = `${operatorPath}/sessions/${encodeURIComponent(stored.id)}`;
      const inbound = await s.receiver.waitFor((i) => i.method === 'PUT' && i.path === path, s.callbackTimeoutMs, s.state.get('uc5.mark') as number);
      if (!inbound) return c.fail(`no PUT ${path} within ${s.callbackTimeoutMs} ms`);
      c.record(inbound.exchange);
      c.expectEqual(transactionIdsOf(inbound.body as any), transactionIdsOf(stored), 'the forwarded session carries the payment');
      c.expectEqual(inbound.body, stored, 'the forwarded body is the session as stored');
    });

    await s.check({ id: 'UC5-08', title: 'the operator back end is removed again (merge-patch null); queries are the platform\'s again', requirement: `${EXTENSION}; RFC 7396 (null deletes)`, severity: 'SHOULD', independent: true }, async (c) => {
      if (!s.state.get('uc5.backend')) c.skip('no operator back end was set');
      const reply = await c.call('po', 'PATCH', `/places/${UC4_PLACE}`, { body: { operatorBackendUrl: null }, headers: { 'Content-Type': 'application/merge-patch+json' } });
      c.expectStatus(reply, 200);
      const place = await c.call('po', 'GET', `/places/${UC4_PLACE}`, { query: { expand: 'all' } });
      c.expectStatus(place, 200);
      c.expect(place.body.operatorBackendUrl === undefined, 'the place no longer names a back end', { actual: place.body.operatorBackendUrl });
      const open = s.state.get('uc5.session') as any;
      if (!open) return;
      const query = await c.call('sp', 'GET', '/sessions', { query: nowQuery() });
      c.expectStatus(query, 200);
      c.expectEqual(query.body.data?.map((x: any) => x.id), [open.id], 'the SP\'s query is answered from the platform\'s own sessions again');
    });
  },
};

/** What the harness, playing the operator, answers to the forwarded query: the seed's UC5.2 list, in the target's dialect. */
function operatorAnswer(dialect: 'spec' | 'flows', id: string, vrm: string, start: string) {
  const credential = { identifier: { id: vrm, className: 'UKNumberPlate' }, type: 'licensePlate' };
  const segment = { id: `${id}-segment`, version: 1, actualStart: start, validationType: ['licensePlate'], financialTransactions: [{ segmentValue: 10.8, taxIncluded: true }] };
  const session =
    dialect === 'flows'
      ? { id, version: 1, actualStart: start, credentials: [credential], segments: [segment], hierarchyElement: { id: UC4_PLACE, version: 1 } }
      : { id, version: 1, actualStart: start, initiator: { id: 'MCC', version: 1 }, identifiedCredentials: [credential], segments: [segment], hierarchyElement: { id: UC4_PLACE, version: 1 } };
  return { meta: { referenceInstant: epochSeconds(), offset: 0, pageSize: 100, total: 1 }, data: [session] };
}
