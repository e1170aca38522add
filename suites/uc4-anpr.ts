// UC4 ANPR frictionless payment (seed 000 use case 4): the SP registers a VRM (an assigned right), the operator's
// camera looks it up and reports the session, the platform tells the SP that issued the right (and nobody else),
// the operator completes the session and the SP confirms the payment.
import type { CheckContext, SuiteDefinition } from '../harness/suite.js';
import { UC4_PLACE, UC4_SPEC } from './fixture-ids.js';
import { credentialIdsOf, deliveredItems, isoSeconds, isResponseStatusOk, sameInstant, seedPayload, transactionIdsOf } from './shapes.js';

const DAY = 86_400_000;

export const uc4: SuiteDefinition = {
  id: 'uc4',
  title: 'UC4 ANPR frictionless payment',
  description: 'An SP registers a VRM; the operator finds it by VRM and place, reports the session and its end; the issuing SP is notified and confirms the payment.',
  role: 'platform',
  async run(s) {
    const vrm = s.freshVrm();
    const base = `/${s.runId}/uc4`;
    const paths = { spNew: `${base}/sp/sessions/new`, spUpdated: `${base}/sp/sessions/updated`, sp2: `${base}/sp2/sessions`, po: `${base}/po/sessions/updated` };
    const subscriptions: Array<{ party: 'sp' | 'sp2' | 'po'; id: string }> = [];
    const arrival = Date.now() - 2 * 3_600_000;
    const departure = Date.now() - 120_000;
    const paidAt = Date.now() - 60_000;
    const txId = s.fresh('tx');
    const count = async (c: CheckContext) => {
      const reply = await c.call('po', 'GET', '/rights/assigned', { query: { credential_id: vrm, place: UC4_PLACE } });
      c.expectStatus(reply, 200);
      return reply.body.meta?.total as number;
    };
    /** A session body of the seed's UC4 (step 3, 5 or 7) with this run's ids, VRM and times. */
    const sessionBody = (name: string) => {
      const body = seedPayload(name);
      const sent = s.state.get('uc4.session') as any;
      body.id = sent?.id ?? s.fresh('session');
      body.credentials[0].identifier.id = vrm;
      body.hierarchyElement = { id: UC4_PLACE, version: 1 };
      body.actualStart = isoSeconds(arrival);
      if (body.actualEnd) body.actualEnd = isoSeconds(departure);
      const segment = body.segments[0];
      segment.id = sent?.segments[0].id ?? s.fresh('segment');
      segment.actualStart = isoSeconds(arrival);
      if (segment.actualEnd) segment.actualEnd = isoSeconds(departure);
      segment.assignedRight = { id: (s.state.get('uc4.right') as any)?.id, version: 1 };
      for (const tx of segment.financialTransactions ?? []) {
        if (tx.dateCollected) tx.dateCollected = isoSeconds(paidAt);
        if (tx.transactionId) tx.transactionId = txId;
      }
      return body;
    };

    await s.check({ id: 'UC4-01', title: 'SP0001 subscribes to new and updated sessions; a second SP and the operator too', requirement: 'seed 000 UC4.4, UC4.6 (SP-provided notification endpoints); NPP POST /webhooks' }, async (c) => {
      const wanted = [
        { party: 'sp', topics: ['SessionCreated'], path: paths.spNew },
        { party: 'sp', topics: ['SessionUpdated'], path: paths.spUpdated },
        { party: 'sp2', topics: ['SessionCreated', 'SessionUpdated'], path: paths.sp2 },
        { party: 'po', topics: ['SessionUpdated'], path: paths.po },
      ] as const;
      for (const w of wanted) {
        const reply = await c.call(w.party, 'POST', '/webhooks', { body: { endpoint: `${s.receiver.publicUrl}${w.path}`, topics: w.topics } });
        c.expectStatus(reply, 200, 201);
        c.expectSchema(reply, 'post', '/webhooks');
        if (typeof reply.body?.id === 'string') subscriptions.push({ party: w.party, id: reply.body.id });
        else c.note(`the ${w.party} subscription has no id: it cannot be removed afterwards`);
      }
    });

    await s.check({ id: 'UC4-02', title: 'the SP uploads the assigned right for the VRM: 201', requirement: 'seed 000 UC4.1; NPP POST /rights/assigned', independent: true }, async (c) => {
      const spec = await c.call('sp', 'GET', `/rights/specs/${UC4_SPEC}`);
      if (spec.status === 404) c.precondition(`right specification ${UC4_SPEC} of the seed (UC4.1, at ${UC4_PLACE}) is missing`);
      const body = seedPayload('uc4-1-assigned-right-20410eec.json');
      body.id = s.fresh('right');
      body.rightHolder.credentials[0].identifier.id = vrm;
      body.issuanceTime = isoSeconds(Date.now() - DAY);
      body.expiry = isoSeconds(Date.now() + 365 * DAY);
      const reply = await c.call('sp', 'POST', '/rights/assigned', { body });
      c.expectStatus(reply, 201);
      c.expectSchema(reply, 'post', '/rights/assigned');
      c.expect(isResponseStatusOk(reply.body), 'the answer is a ResponseStatus "ok"', { actual: reply.body });
      s.state.set('uc4.right', body);
    });

    await s.check({ id: 'UC4-03', title: 'the same right again: 409; the right reads back by id', requirement: 'seed 000 UC4.1; APDS resource rules (duplicate POST → 409); NPP GET /rights/assigned/{id}' }, async (c) => {
      const sent = s.state.get('uc4.right') as any;
      c.expectErrorStatus(await c.call('sp', 'POST', '/rights/assigned', { body: sent }), 409);
      const reply = await c.call('sp', 'GET', `/rights/assigned/${sent.id}`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/assigned/{id}');
      c.expectEqual(reply.body.id, sent.id, 'the answer is the right asked for');
      c.expectEqual(credentialIdsOf(reply.body), [vrm], 'it is held by the VRM');
      c.expectEqual(reply.body.rightSpecification?.id, UC4_SPEC, 'its right specification is the one sent');
      const issuer = s.client.organisation('sp');
      if (issuer) c.expectEqual(reply.body.assignedRightIssuer?.id, issuer, 'its issuer is the SP that sent it');
    });

    await s.check({ id: 'UC4-04', title: 'the operator looks the VRM up at its place (credential_id): the right', requirement: 'seed 000 UC4.2; NPP GET /rights/assigned credential_id, place' }, async (c) => {
      const sent = s.state.get('uc4.right') as any;
      const reply = await c.call('po', 'GET', '/rights/assigned', { query: { credential_id: vrm, place: UC4_PLACE } });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/assigned');
      c.expect(reply.body.data?.some((r: any) => r.id === sent.id), `right ${sent.id} is in the answer (a list, not a bare right)`, { actual: reply.body.data?.map((r: any) => r.id) ?? reply.body });
      const others = reply.body.data.filter((r: any) => !credentialIdsOf(r).includes(vrm)).map((r: any) => r.id);
      c.expectEqual(others, [], `every right returned is held by ${vrm}`);
    });

    await s.check({ id: 'UC4-05', title: 'the seed\'s identifier_id lookup finds the same right', requirement: 'seed 000 UC4.2 request (identifier_id)', severity: 'SHOULD' }, async (c) => {
      const sent = s.state.get('uc4.right') as any;
      const reply = await c.call('po', 'GET', '/rights/assigned', { query: { identifier_id: vrm, place: UC4_PLACE } });
      c.expectStatus(reply, 200);
      c.expect(reply.body.data?.some((r: any) => r.id === sent.id), `right ${sent.id} is in the answer`, { actual: reply.body.data?.map((r: any) => r.id) });
      const others = reply.body.data.filter((r: any) => !credentialIdsOf(r).includes(vrm)).map((r: any) => r.id);
      c.expectEqual(others, [], `identifier_id filters: every right returned is held by ${vrm}`);
    });

    await s.check({ id: 'UC4-06', title: 'an unknown VRM: 200 with total 0, not 404', requirement: 'seed 000 UC4.2 ("0 (nothing found), 1 … or more")', independent: true }, async (c) => {
      const reply = await c.call('po', 'GET', '/rights/assigned', { query: { credential_id: s.freshVrm(), place: UC4_PLACE } });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/assigned');
      c.expectEqual(reply.body.meta?.total, 0, 'meta.total is 0');
      c.expectEqual(reply.body.data, [], 'data is empty');
    });

    await s.check({ id: 'UC4-07', title: 'a second SP registers the same VRM: the lookup finds both', requirement: 'seed 000 UC4.2 ("or more (VRM registered with multiple SPs)")' }, async (c) => {
      const body = structuredClone(s.state.get('uc4.right') as any);
      body.id = s.fresh('right');
      body.assignedRightIssuer = { id: s.client.organisation('sp2') ?? 'ID_RED_PARKING', className: 'DigitalServiceProvider' };
      const reply = await c.call('sp2', 'POST', '/rights/assigned', { body });
      c.expectStatus(reply, 201);
      c.expectEqual(await count(c), 2, `two rights for ${vrm} at ${UC4_PLACE}`);
      s.state.set('uc4.right2', body);
    });

    await s.check({ id: 'UC4-08', title: 'the operator reports the new session using the right: 201, no extra right', requirement: 'seed 000 UC4.3; NPP POST /sessions (the referenced assigned right exists: none is derived)' }, async (c) => {
      const body = sessionBody('uc4-3-session-fe5eea6a.json');
      s.state.set('uc4.mark', s.receiver.mark());
      const reply = await c.call('po', 'POST', '/sessions', { body });
      c.expectStatus(reply, 201, 200);
      if (reply.status === 200) c.note('answered 200 rather than NPP\'s 201');
      c.expectSchema(reply, 'post', '/sessions');
      s.state.set('uc4.session', body);
      s.state.set('uc4.lastEventAt', Date.now());
      const stored = await c.call('po', 'GET', `/sessions/${body.id}`);
      c.expectStatus(stored, 200);
      c.expectEqual(stored.body.segments?.[0]?.assignedRight?.id, body.segments[0].assignedRight.id, 'the segment keeps the right it names');
      c.expectEqual(await count(c), 2, 'still two rights for the VRM: none was derived');
    });

    await s.check({ id: 'UC4-09', title: 'a session naming an unknown assigned right is refused (400)', requirement: 'spec-analysis §5 UC4.3 ("the referenced AR must exist"); NPP Segment.assignedRight', independent: true }, async (c) => {
      const place = await c.call('po', 'GET', `/places/${UC4_PLACE}`);
      if (place.status === 404) c.precondition(`place ${UC4_PLACE} of the seed (UC4.3) is missing`);
      const body = seedPayload('uc4-3-session-fe5eea6a.json');
      body.id = s.fresh('session');
      body.actualStart = isoSeconds(arrival);
      body.credentials[0].identifier.id = vrm;
      body.segments[0].id = s.fresh('segment');
      body.segments[0].actualStart = isoSeconds(arrival);
      body.segments[0].assignedRight = { id: s.fresh('missing-right'), version: 1 };
      c.expectErrorStatus(await c.call('po', 'POST', '/sessions', { body }), 400);
      c.expectErrorStatus(await c.call('po', 'GET', `/sessions/${body.id}`), 404);
    });

    await s.check({ id: 'UC4-10', title: 'the platform sends the new session to SP0001, the right\'s issuer', requirement: 'seed 000 UC4.4 (PUT to the SP\'s endpoint for new sessions)' }, async (c) => {
      const sent = s.state.get('uc4.session') as any;
      const inbound = await s.receiver.waitFor((i) => i.path === paths.spNew && deliveredItems(i.body).some((x) => x.id === sent.id), s.callbackTimeoutMs, s.state.get('uc4.mark') as number);
      if (!inbound) return c.fail(`no delivery of session ${sent.id} to ${paths.spNew} within ${s.callbackTimeoutMs} ms`);
      c.record(inbound.exchange);
      const delivered = deliveredItems(inbound.body).find((x) => x.id === sent.id)!;
      if (s.dialect === 'spec') c.expectComponent(delivered, 'Session', 'the delivered object is a valid Session');
      c.expectEqual(credentialIdsOf(delivered), [vrm], 'the delivered session carries the VRM');
      c.expectEqual(delivered.segments?.[0]?.assignedRight?.id, sent.segments[0].assignedRight.id, 'and the segment\'s assigned right');
    });

    await s.check({ id: 'UC4-11', title: 'the operator sends the completed session: 200; it reads back, version as sent', requirement: 'seed 000 UC4.5; NPP PUT /sessions/{id}; APDS versioning (never auto-bumped)' }, async (c) => {
      const body = sessionBody('uc4-5-session-fe5eea6a-completed.json');
      s.state.set('uc4.mark', s.receiver.mark());
      const reply = await c.call('po', 'PUT', `/sessions/${body.id}`, { body });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'put', '/sessions/{id}');
      s.state.set('uc4.lastEventAt', Date.now());
      const stored = await c.call('po', 'GET', `/sessions/${body.id}`);
      c.expectStatus(stored, 200);
      c.expectSchema(stored, 'get', '/sessions/{id}');
      c.expect(sameInstant(stored.body.actualEnd, body.actualEnd), 'actualEnd is the one sent', { expected: body.actualEnd, actual: stored.body.actualEnd });
      c.expectEqual(stored.body.version, 1, 'version is still 1, as sent');
      c.expectEqual(stored.body.segments?.[0]?.financialTransactions?.[0]?.segmentValue, 10.8, 'the segment value 10.80 is stored');
      s.state.set('uc4.completed', body);
    });

    await s.check({ id: 'UC4-12', title: 'the platform sends the updated session, with its end, to SP0001', requirement: 'seed 000 UC4.6 (PUT to the SP\'s endpoint for session updates)' }, async (c) => {
      const sent = s.state.get('uc4.completed') as any;
      const inbound = await s.receiver.waitFor((i) => i.path === paths.spUpdated && deliveredItems(i.body).some((x) => x.id === sent.id && x.actualEnd), s.callbackTimeoutMs, s.state.get('uc4.mark') as number);
      if (!inbound) return c.fail(`no delivery of session ${sent.id} with actualEnd to ${paths.spUpdated} within ${s.callbackTimeoutMs} ms`);
      c.record(inbound.exchange);
      s.state.set('uc4.lastEventAt', inbound.at);
      const delivered = deliveredItems(inbound.body).find((x) => x.id === sent.id)!;
      if (s.dialect === 'spec') c.expectComponent(delivered, 'Session', 'the delivered object is a valid Session');
      c.expect(sameInstant(delivered.actualEnd, sent.actualEnd), 'the delivered actualEnd is the operator\'s', { expected: sent.actualEnd, actual: delivered.actualEnd });
    });

    await s.check({ id: 'UC4-13', title: 'the second SP hears of neither (not its right, not its session)', requirement: 'seed 000 UC4.4 ("Platform sends Session to selected SP"); spec-analysis §5 UC4.4 (control SP)' }, async (c) => {
      if (!subscriptions.some((x) => x.party === 'sp2')) c.skip('the second SP has no subscription');
      const sent = s.state.get('uc4.session') as any;
      // The issuing SP already heard of both changes; a platform notifying everyone would have told the second SP
      // in the same fan-out, so a short grace after the last change is enough to judge the absence.
      const grace = Math.min(s.callbackTimeoutMs, 1500);
      const remaining = (s.state.get('uc4.lastEventAt') as number) + grace - Date.now();
      const inbound = await s.receiver.waitFor((i) => i.path === paths.sp2 && deliveredItems(i.body).some((x) => x.id === sent.id), Math.max(remaining, 0), 0);
      if (inbound) {
        c.record(inbound.exchange);
        c.fail(`session ${sent.id} was delivered to the second SP, which neither issued its right nor sent it`);
      }
      c.note(`nothing about ${sent.id} reached the second SP within ${grace} ms of the last change, which the issuing SP heard of`);
    });

    await s.check({ id: 'UC4-14', title: 'the SP confirms the payment: 200; the transaction is stored', requirement: 'seed 000 UC4.7; NPP PUT /sessions/{id}' }, async (c) => {
      const body = sessionBody('uc4-7-session-fe5eea6a-payment.json');
      s.state.set('uc4.mark', s.receiver.mark());
      const reply = await c.call('sp', 'PUT', `/sessions/${body.id}`, { body });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'put', '/sessions/{id}');
      const stored = await c.call('sp', 'GET', `/sessions/${body.id}`);
      c.expectStatus(stored, 200);
      c.expectSchema(stored, 'get', '/sessions/{id}');
      c.expectEqual(transactionIdsOf(stored.body), transactionIdsOf(body), 'the transactionId is stored');
      const tx = stored.body.segments?.[0]?.financialTransactions?.[0];
      c.expect(sameInstant(tx?.dateCollected, isoSeconds(paidAt)), 'dateCollected is stored', { expected: isoSeconds(paidAt), actual: tx?.dateCollected });
      s.state.set('uc4.paid', body);
    });

    await s.check({ id: 'UC4-15', title: 'the operator is told of the payment (step 8 is MISSING_TBD in the seed)', requirement: 'seed 000 UC4.8 ("MISSING_TBD")', severity: 'INFO' }, async (c) => {
      if (!subscriptions.some((x) => x.party === 'po')) c.skip('the operator has no subscription');
      const sent = s.state.get('uc4.paid') as any;
      const tx = transactionIdsOf(sent)[0];
      const inbound = await s.receiver.waitFor((i) => i.path === paths.po && deliveredItems(i.body).some((x) => x.id === sent.id && transactionIdsOf(x).includes(tx!)), s.callbackTimeoutMs, s.state.get('uc4.mark') as number);
      if (inbound) {
        c.record(inbound.exchange);
        c.note(`the operator's SessionUpdated subscription received the session with transaction ${tx}`);
      } else c.note(`the operator received nothing carrying transaction ${tx} within ${s.callbackTimeoutMs} ms`);
    });

    await s.check({ id: 'UC4-16', title: 'the seed\'s malformed "T 13:05" timestamps: normalised (200) or refused (400)', requirement: 'seed 000 UC4.7 body ("2021-11-01T 13:05:00Z"); spec-analysis §3.2 #13', severity: 'SHOULD' }, async (c) => {
      const body = sessionBody('uc4-7-session-fe5eea6a-payment.json');
      const before = await c.call('sp', 'GET', `/sessions/${body.id}`);
      const sloppy = (ms: number) => isoSeconds(ms).replace('T', 'T ');
      body.segments[0].actualStart = sloppy(arrival);
      body.segments[0].financialTransactions[0].dateCollected = sloppy(paidAt);
      const reply = await c.call('sp', 'PUT', `/sessions/${body.id}`, { body });
      c.expectStatus(reply, 200, 400);
      const after = await c.call('sp', 'GET', `/sessions/${body.id}`);
      c.expectStatus(after, 200);
      if (reply.status === 400) {
        c.expectErrorStatus(reply, 400);
        c.note('strict: the malformed timestamps were refused (400)');
        c.expectEqual(after.body, before.body, 'the refused update changed nothing');
        return;
      }
      c.note('lenient: the malformed timestamps were accepted (200)');
      const segment = after.body.segments?.[0];
      const wellFormed = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v);
      c.expect(wellFormed(segment?.actualStart) && sameInstant(segment.actualStart, isoSeconds(arrival)), 'the segment\'s actualStart is stored as a well-formed instant, the one meant', { expected: isoSeconds(arrival), actual: segment?.actualStart });
      const collected = segment?.financialTransactions?.[0]?.dateCollected;
      c.expect(wellFormed(collected) && sameInstant(collected, isoSeconds(paidAt)), 'dateCollected is stored as a well-formed instant, the one meant', { expected: isoSeconds(paidAt), actual: collected });
    });

    await s.check({ id: 'UC4-17', title: 'the subscribers unsubscribe', requirement: 'APDS DELETE /webhooks/{id}', severity: 'SHOULD', independent: true }, async (c) => {
      if (!subscriptions.length) c.skip('no subscription id to remove');
      for (const { party, id } of subscriptions.splice(0)) {
        const reply = await c.call(party, 'DELETE', `/webhooks/${id}`);
        c.expectStatus(reply, 200);
        c.expectSchema(reply, 'delete', '/webhooks/{id}');
      }
    });
  },
};
