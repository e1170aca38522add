// `--role operator`: the system under test is a car park operator's back end, and the harness plays the platform.
// It sends what the platform sends in UC5 (pay on departure): the SP's session query, passed on as is (UC5.2), and
// the SP's payment confirmation (UC5.4), and reads the session back (not in the seed) to see it paid.
//
// `--target` is the operator back end's base URL (the platform calls {target}/sessions…). Data, from the environment:
//   APDS_OPERATOR_VRM    default BD18SMR  (a VRM with an open session at the place, as in the seed)
//   APDS_OPERATOR_PLACE  default 220001   (the operator's car park)
import { randomUUID } from 'node:crypto';
import type { CheckContext, SuiteDefinition } from '../harness/suite.js';
import type { Reply } from '../harness/http-client.js';
import { credentialIdsOf, epochSeconds, instantMs, isoSeconds, seedPayload, transactionIdsOf } from './shapes.js';
import { deliver, expectAccepted, expectRejected, isFlowsSession, specSession, type Delivery } from './role-sp.js';

type Json = Record<string, any>;

export interface OperatorRoleConfig {
  vrm: string;
  place: string;
}

export function operatorRoleConfig(env: NodeJS.ProcessEnv = process.env): OperatorRoleConfig {
  return { vrm: env.APDS_OPERATOR_VRM?.trim() || 'BD18SMR', place: env.APDS_OPERATOR_PLACE?.trim() || '220001' };
}

const vrmKey = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, '').toUpperCase() : '');

/** A 200 SessionList (either shape; a flows-shaped one is read as NPP shapes and said so). */
function expectSessionList(c: CheckContext, reply: Reply): Json[] {
  c.expectStatus(reply, 200);
  const body = reply.body as Json;
  c.expect(body !== null && typeof body === 'object' && Array.isArray(body.data), 'the answer is a session list {meta, data: […]}', { actual: body });
  if (body.data.some(isFlowsSession)) c.note('the operator answers in the sample flows\' shapes (as the seed\'s UC5.2 shows): validated after reading them as NPP shapes');
  c.expectComponent({ ...body, data: body.data.map(specSession) }, 'SessionList', 'the answer is a valid SessionList');
  c.expectEqual(body.meta?.total, body.data.length, 'meta.total counts the sessions of the (only) page');
  return body.data as Json[];
}

export const operatorRole: SuiteDefinition = {
  id: 'operator',
  title: 'Operator back end: the platform\'s forwarded query and payment (UC5)',
  description:
    'The harness plays the platform towards a car park operator\'s back end: it passes on an SP\'s query for a vehicle\'s open session (UC5.2), then the SP\'s payment confirmation (UC5.4), redelivers it, and reads the session back to see it paid.',
  role: 'operator',
  async run(s) {
    const { vrm, place } = operatorRoleConfig();
    const subscriptionId = `operator:${s.client.baseUrl}`;
    const forwardedFor = s.client.organisation('sp') ?? 'SP0001';
    const query = (credentialId: string, start: string | number, end: string | number) => ({ credential_id: credentialId, place, start_before: start, end_after: end });
    const ask = (c: CheckContext, q: Record<string, string | number>, label: string) =>
      c.call('anonymous', 'GET', '/sessions', { query: q, label, headers: { 'X-NPP-Forwarded-For': forwardedFor } });

    await s.check({ id: 'OP-01', title: 'the forwarded session query (VRM, place, now) is answered 200 with the vehicle\'s open session', requirement: 'seed 000 UC5.2 (GET /sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now → 200, total 1)' }, async (c) => {
      const reply = await ask(c, query(vrm, 'now', 'now'), 'UC5.2 session query');
      const data = expectSessionList(c, reply);
      const others = data.filter((x) => !credentialIdsOf(x).some((id) => vrmKey(id) === vrmKey(vrm))).map((x) => x.id);
      c.expectEqual(others, [], `every session returned carries ${vrm}`);
      const elsewhere = data.filter((x) => x.hierarchyElement?.id !== undefined && x.hierarchyElement.id !== place).map((x) => x.id);
      c.expectEqual(elsewhere, [], `every session returned is at ${place}`);
      const open = data.find((x) => x.actualEnd === undefined || (instantMs(x.actualEnd) ?? 0) >= Date.now());
      if (!open) return c.fail(`no open session of ${vrm} at ${place} (the seed's state for UC5: the vehicle is parked, not yet paid)`, { expected: 'total ≥ 1, an ongoing session', actual: reply.body?.meta ?? reply.body });
      c.expect(typeof open.id === 'string' && Array.isArray(open.segments) && open.segments.length > 0, 'the open session has an id and segments', { actual: open });
      s.state.set('op.session', open);
    });

    await s.check(
      { id: 'OP-02', title: 'the same query with epoch-second times finds the same session', requirement: 'NPP GET /sessions start_before, end_after (epoch seconds; the platform passes the SP\'s query on as is)', severity: 'SHOULD' },
      async (c) => {
        const open = s.state.get('op.session') as Json;
        const now = epochSeconds();
        const reply = await ask(c, query(vrm, now, now), 'UC5.2 session query, epoch seconds');
        const data = expectSessionList(c, reply);
        c.expect(data.some((x) => x.id === open.id), `session ${open.id} is in the answer`, { actual: data.map((x) => x.id) });
      },
    );

    await s.check({ id: 'OP-03', title: 'the forwarded payment confirmation is answered 200, in time', requirement: 'seed 000 UC5.4 (PUT /sessions/{id} with dateCollected and transactionId → 200; the operator sets the session paid)' }, async (c) => {
      const open = s.state.get('op.session') as Json;
      const body = seedPayload('uc5-4-forwarded-payment.json');
      const segment = body.segments[0];
      const openSegment = open.segments[0] ?? {};
      body.id = open.id;
      body.version = open.version ?? 1;
      body.actualStart = open.actualStart ?? body.actualStart;
      body.credentials[0].identifier.id = credentialIdsOf(open)[0] ?? vrm;
      body.hierarchyElement = open.hierarchyElement ?? { id: place, version: 1 };
      segment.id = openSegment.id ?? segment.id;
      segment.version = openSegment.version ?? 1;
      segment.actualStart = openSegment.actualStart ?? body.actualStart;
      const tx = segment.financialTransactions[0];
      const due = openSegment.financialTransactions?.[0]?.segmentValue;
      if (typeof due === 'number') tx.segmentValue = due;
      tx.dateCollected = isoSeconds();
      tx.transactionId = randomUUID();
      const sent = s.dialect === 'spec' ? specSession(body) : body;
      const delivery: Delivery = { path: `/sessions/${encodeURIComponent(open.id)}`, topic: 'SessionUpdated', subscriptionId, eventId: randomUUID(), body: sent, label: 'UC5.4 payment confirmation' };
      const reply = await deliver(c, delivery);
      expectAccepted(c, reply, 'UC5.4');
      s.state.set('op.payment', delivery);
    });

    await s.check(
      { id: 'OP-04', title: 'a redelivery of it (same X-NPP-Event-Id) is answered 2xx too: idempotent', requirement: 'seed 000 UC5.4; at-least-once delivery (the platform retries until a 2xx, with the same X-NPP-Event-Id)', severity: 'SHOULD' },
      async (c) => {
        const first = s.state.get('op.payment') as Delivery;
        expectAccepted(c, await deliver(c, { ...first, attempt: 2, label: 'UC5.4 payment confirmation, redelivered' }), 'UC5.4');
      },
    );

    await s.check(
      { id: 'OP-05', title: 'the session reads back paid (GET /sessions/{id}), if the operator exposes it', requirement: 'seed 000 UC5.4 ("Operator sets Status to paid"); not in the seed: GET /sessions/{id} on the operator', severity: 'SHOULD' },
      async (c) => {
        const payment = s.state.get('op.payment') as Delivery;
        const sent = payment.body as Json;
        const reply = await c.call('anonymous', 'GET', payment.path, { label: 'the session, read back' });
        if ([404, 405, 501].includes(reply.status)) c.skip(`the operator does not expose GET /sessions/{id} (answered ${reply.status})`);
        c.expectStatus(reply, 200);
        const body = reply.body as Json;
        c.expectEqual(body?.id, sent.id, 'the answer is the session asked for');
        c.expectComponent(specSession(body), 'Session', 'the answer is a valid Session');
        const status = typeof body.paymentStatus === 'string' ? body.paymentStatus.toLowerCase() : undefined;
        const carries = transactionIdsOf(sent).every((t) => transactionIdsOf(body).includes(t));
        c.expect(status === 'paid' || (status === undefined && carries), status === undefined ? 'the session carries the payment (its transactionId)' : `the session is paid (paymentStatus "${body.paymentStatus}")`, {
          expected: { paymentStatus: 'paid', transactionIds: transactionIdsOf(sent) },
          actual: { paymentStatus: body.paymentStatus, transactionIds: transactionIdsOf(body) },
        });
      },
    );

    await s.check({ id: 'OP-06', title: 'an unknown VRM: 200 with total 0, not 404', requirement: 'seed 000 UC5.2 (a session list); seed 000 UC4.2 ("0 (nothing found)")', independent: true }, async (c) => {
      const reply = await ask(c, query(s.freshVrm(), 'now', 'now'), 'UC5.2 unknown VRM');
      const data = expectSessionList(c, reply);
      c.expectEqual(reply.body.meta?.total, 0, 'meta.total is 0');
      c.expectEqual(data, [], 'data is empty');
    });

    await s.check(
      { id: 'OP-07', title: 'a malformed payment confirmation body is refused with 4xx', requirement: 'seed 000 UC5.4 endpoint; HTTP semantics (400 for a body that cannot be read)', severity: 'SHOULD', independent: true },
      async (c) => {
        const open = s.state.get('op.session') as Json | undefined;
        const id = open?.id ?? randomUUID();
        const reply = await deliver(c, { path: `/sessions/${encodeURIComponent(id)}`, topic: 'SessionUpdated', subscriptionId, eventId: randomUUID(), rawBody: `{"id": "${id}", "segments": [`, label: 'malformed JSON' });
        expectRejected(c, reply);
      },
    );
  },
};
