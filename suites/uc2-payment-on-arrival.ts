// UC2 payment on arrival (seed 000 use case 2): the SP sends only a session; the platform creates the assigned
// right, which enforcement finds by place and VRM (step 2) or hears of through a subscription (step 3).
import type { SuiteDefinition } from '../harness/suite.js';
import { MS00MS_RIGHT, UC2_PLACE, UC4_PLACE } from './fixture-ids.js';
import { credentialIdsOf, deliveredItems, epochSeconds, isEventData, isoSeconds, isResponseStatusOk, sameInstant, seedPayload } from './shapes.js';

/** The seed's enforcement query (UC2.2): MS00MS at 001702e7, rights starting after 2021-01-15T23:00Z. */
const SEED_QUERY = { place: UC2_PLACE, credential_id: 'MS00MS', start_after: 1610751600 };

export const uc2: SuiteDefinition = {
  id: 'uc2',
  title: 'UC2 Payment on arrival',
  description: 'An SP sends a paid session; the platform creates the assigned right, which enforcement finds by place and VRM or is notified of.',
  role: 'platform',
  async run(s) {
    const vrm = s.freshVrm();
    const endpointPath = `/${s.runId}/uc2/ep/assigned-rights`;

    await s.check({ id: 'UC2-01', title: 'enforcement subscribes to new assigned rights', requirement: 'seed 000 UC2.3 (subscription alternative); NPP POST /webhooks; spec-analysis §2', severity: 'SHOULD' }, async (c) => {
      const reply = await c.call('ep', 'POST', '/webhooks', { body: { endpoint: `${s.receiver.publicUrl}${endpointPath}`, topics: ['AssignedRightCreated'] } });
      c.expectStatus(reply, 200, 201);
      c.expectSchema(reply, 'post', '/webhooks');
      s.state.set('uc2.mark', s.receiver.mark());
      s.state.set('uc2.subscribed', true);
      if (typeof reply.body?.id === 'string') s.state.set('uc2.subscription', reply.body.id);
      else c.note('the answer carries no subscription id: the subscription cannot be removed afterwards');
    });

    await s.check({ id: 'UC2-02', title: 'the SP sends the paid session (no assigned right): 201', requirement: 'seed 000 UC2.1; NPP POST /sessions', independent: true }, async (c) => {
      const place = await c.call('sp2', 'GET', `/places/${UC2_PLACE}`);
      if (place.status === 404) c.precondition(`place ${UC2_PLACE} of the seed (UC2.1) is missing`);
      const start = Date.now() - 60_000;
      const end = start + 3_600_000;
      const body = seedPayload('uc2-1-session-e2089853.json');
      body.id = s.fresh('session');
      body.actualStart = isoSeconds(start);
      body.actualEnd = isoSeconds(end);
      body.credentials[0].identifier.id = vrm;
      body.hierarchyElement = { id: UC2_PLACE, version: 1 };
      const segment = body.segments[0];
      segment.id = s.fresh('segment');
      segment.actualStart = isoSeconds(start);
      segment.actualEnd = isoSeconds(end);
      segment.financialTransactions[0].dateCollected = isoSeconds(start);
      segment.financialTransactions[0].transactionId = s.fresh('tx');
      const reply = await c.call('sp2', 'POST', '/sessions', { body });
      c.expectStatus(reply, 201, 200);
      if (reply.status === 200) c.note('answered 200 (as the seed shows) rather than NPP\'s 201');
      c.expectSchema(reply, 'post', '/sessions');
      c.expect(isResponseStatusOk(reply.body), 'the answer is a ResponseStatus "ok"', { actual: reply.body });
      s.state.set('uc2.session', body);
    });

    await s.check({ id: 'UC2-03', title: 'the session reads back: times, place and credential', requirement: 'seed 000 UC2.1; NPP GET /sessions/{id}' }, async (c) => {
      const sent = s.state.get('uc2.session') as any;
      const reply = await c.call('sp2', 'GET', `/sessions/${sent.id}`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/sessions/{id}');
      c.expectEqual(reply.body.id, sent.id, 'the answer is the session asked for');
      c.expect(sameInstant(reply.body.actualStart, sent.actualStart), 'actualStart is the one sent', { expected: sent.actualStart, actual: reply.body.actualStart });
      c.expect(sameInstant(reply.body.actualEnd, sent.actualEnd), 'actualEnd is the one sent', { expected: sent.actualEnd, actual: reply.body.actualEnd });
      c.expectEqual(reply.body.hierarchyElement?.id, UC2_PLACE, 'hierarchyElement is the place sent');
      c.expectEqual(credentialIdsOf(reply.body), [vrm], 'the credential is the VRM sent');
    });

    await s.check({ id: 'UC2-04', title: 'the platform created the assigned right: found by place and VRM', requirement: 'seed 000 UC2.1 note ("expected to automatically create a corresponding assigned right"); spec-analysis §5 UC2.1a' }, async (c) => {
      const sent = s.state.get('uc2.session') as any;
      const reply = await c.call('ep', 'GET', '/rights/assigned', { query: { place: UC2_PLACE, credential_id: vrm } });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/assigned');
      c.expect(reply.body.meta?.total >= 1, 'at least one assigned right for the VRM at the place', { expected: '≥ 1', actual: reply.body.meta?.total });
      const right = reply.body.data.find((r: any) => credentialIdsOf(r).includes(vrm));
      c.expect(right, `an assigned right held by ${vrm}`, { actual: reply.body.data });
      c.expect(sameInstant(right.expiry, sent.actualEnd), 'its expiry is the end of the session', { expected: sent.actualEnd, actual: right.expiry });
      const specId = right.rightSpecification?.id;
      c.expect(typeof specId === 'string', 'it names a right specification', { actual: right.rightSpecification });
      const spec = await c.call('ep', 'GET', `/rights/specs/${specId}`);
      c.expectStatus(spec, 200);
      const place = await c.call('ep', 'GET', `/places/${UC2_PLACE}`, { query: { expand: 'all' } });
      const linked = (spec.body.hierarchyElements ?? []).some((h: any) => h?.id === UC2_PLACE) || (place.body?.rightSpecifications ?? []).some((r: any) => r?.id === specId);
      c.expect(linked, `its right specification ${specId} applies at ${UC2_PLACE}`, { actual: { specPlaces: spec.body.hierarchyElements, placeSpecs: place.body?.rightSpecifications } });
      const issuer = s.client.organisation('sp2');
      if (issuer) c.expectEqual(right.assignedRightIssuer?.id, issuer, 'its issuer is the SP that sent the session');
      else c.note('the organisation of party sp2 is not configured: the issuer was not compared');
      s.state.set('uc2.right', right);
      s.state.set('uc2.rightCount', reply.body.meta.total);
    });

    await s.check({ id: 'UC2-05', title: 'expand=segments.assignedRight shows the segment using that right', requirement: 'seed 000 UC2.1; NPP sessions_expand segments.assignedRight' }, async (c) => {
      const sent = s.state.get('uc2.session') as any;
      const right = s.state.get('uc2.right') as any;
      const reply = await c.call('sp2', 'GET', `/sessions/${sent.id}`, { query: { expand: 'segments.assignedRight' } });
      c.expectStatus(reply, 200);
      const segment = (reply.body.segments ?? []).find((g: any) => g?.id === sent.segments[0].id);
      c.expect(segment, `segment ${sent.segments[0].id} is in the answer`, { actual: reply.body.segments });
      c.expectEqual(segment.assignedRight?.id, right.id, 'the segment refers to the auto-created assigned right');
    });

    await s.check({ id: 'UC2-06', title: 'the same session again: 409, and no second assigned right', requirement: 'APDS resource rules (client-assigned ids: duplicate POST → 409); spec-analysis §5 UC2.1b' }, async (c) => {
      const sent = s.state.get('uc2.session') as any;
      const reply = await c.call('sp2', 'POST', '/sessions', { body: sent });
      c.expectErrorStatus(reply, 409);
      const after = await c.call('ep', 'GET', '/rights/assigned', { query: { place: UC2_PLACE, credential_id: vrm } });
      c.expectStatus(after, 200);
      c.expectEqual(after.body.meta?.total, s.state.get('uc2.rightCount'), 'the number of assigned rights for the VRM is unchanged');
    });

    await s.check({ id: 'UC2-07', title: 'enforcement finds MS00MS\'s right with the seed query', requirement: 'seed 000 UC2.2; NPP GET /rights/assigned place, credential_id, start_after', independent: true }, async (c) => {
      const reply = await c.call('ep', 'GET', '/rights/assigned', { query: SEED_QUERY });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/assigned');
      if (!reply.body.data?.some((r: any) => r.id === MS00MS_RIGHT)) {
        const seeded = await c.call('ep', 'GET', `/rights/assigned/${MS00MS_RIGHT}`);
        if (seeded.status === 404) c.precondition(`assigned right ${MS00MS_RIGHT} (MS00MS) of the seed is missing`);
        c.fail(`${MS00MS_RIGHT} exists but the seed query does not find it`, { expected: MS00MS_RIGHT, actual: reply.body.data?.map((r: any) => r.id) });
      }
      c.expectEqual(reply.body.meta.total, 1, 'exactly one right, as the seed shows');
      const others = reply.body.data.filter((r: any) => !credentialIdsOf(r).includes('MS00MS')).map((r: any) => r.id);
      c.expectEqual(others, [], 'every right returned is held by MS00MS');
    });

    await s.check({ id: 'UC2-08', title: 'the filters are ANDed: another place or a later start_after finds nothing', requirement: 'seed 000 UC2.2; NPP GET /rights/assigned (filters combine)', independent: true }, async (c) => {
      const otherPlace = await c.call('ep', 'GET', '/rights/assigned', { query: { ...SEED_QUERY, place: UC4_PLACE } });
      c.expectStatus(otherPlace, 200);
      c.expectEqual(otherPlace.body.meta?.total, 0, `MS00MS holds no right at ${UC4_PLACE}`);
      const later = await c.call('ep', 'GET', '/rights/assigned', { query: { ...SEED_QUERY, start_after: epochSeconds() } });
      c.expectStatus(later, 200);
      c.expectEqual(later.body.meta?.total, 0, 'no MS00MS right at the place starts after now');
    });

    await s.check({ id: 'UC2-09', title: 'enforcement is notified of the auto-created assigned right', requirement: 'seed 000 UC2.3 (PUT to the subscriber\'s endpoint, bare AssignedRight); spec-analysis §2', severity: 'SHOULD' }, async (c) => {
      if (!s.state.get('uc2.subscribed')) c.skip('no subscription (UC2-01 did not pass)');
      const right = s.state.get('uc2.right') as any;
      const inbound = await s.receiver.waitFor((i) => i.path === endpointPath && deliveredItems(i.body).some((r) => r.id === right.id), s.callbackTimeoutMs, s.state.get('uc2.mark') as number);
      if (!inbound) return c.fail(`no delivery of assigned right ${right.id} to ${endpointPath} within ${s.callbackTimeoutMs} ms`);
      c.record(inbound.exchange);
      if (isEventData(inbound.body)) c.note('delivered in an APDS EventData envelope, not bare as the seed shows');
      const delivered = deliveredItems(inbound.body).find((r) => r.id === right.id)!;
      if (s.dialect === 'spec') c.expectComponent(delivered, 'AssignedRight', 'the delivered object is a valid AssignedRight');
      c.expectEqual(credentialIdsOf(delivered), [vrm], 'the delivered right is held by the session\'s VRM');
      const topic = inbound.headers['x-npp-topic'];
      if (topic !== undefined) c.expectEqual(topic, 'AssignedRightCreated', 'X-NPP-Topic names the topic subscribed to');
    });

    await s.check({ id: 'UC2-10', title: 'enforcement unsubscribes', requirement: 'APDS DELETE /webhooks/{id}', severity: 'SHOULD', independent: true }, async (c) => {
      const id = s.state.get('uc2.subscription') as string | undefined;
      if (!id) c.skip('no subscription id to remove');
      const reply = await c.call('ep', 'DELETE', `/webhooks/${id}`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'delete', '/webhooks/{id}');
    });
  },
};
