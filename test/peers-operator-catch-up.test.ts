// The operator peer knows the sessions its organisation reported to the platform (in process, `withPeers`): the
// harness's UC5 (and any ANPR system) posts a session as MCC at 220001; the SP's query about it is forwarded to the
// operator peer, which must find it, as a real operator's back end knows the sessions of its own car park. The
// platform still hides from each caller the sessions it holds and they may not read, whoever answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorBackend, UC5_OPEN_SESSION } from '../mock/peers/operator-backend.js';
import { startMockPlatform, type RunningMockPlatform } from '../mock/server.js';
import { actor } from './support/auth.js';
import { jsonClient, type JsonClient } from './support/fetch-json.js';
import { payload } from './support/payloads.js';
import { startReceiver, waitUntil } from './support/receiver.js';
import { ANPR_PLACE } from './support/webhooks.js';
import request from 'supertest';

const DAY = 86_400_000;
const VRM = 'CU11PEE';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const nowQuery = (extra = '') => `/sessions?place=${ANPR_PLACE}&start_before=now&end_after=now${extra}`;

let mock: RunningMockPlatform;
let api: JsonClient;
let operator: JsonClient;
let session: any;

beforeAll(async () => {
  mock = await startMockPlatform({ withPeers: { paymentDelayMs: false } });
  api = jsonClient(`${mock.url}/v1/parking`);
  operator = jsonClient(mock.peers!.operator.url);
  // UC5's precondition as the harness sets it up: SP0001's right for the VRM, the open session posted by MCC.
  const right = { ...payload('uc4-1-assigned-right-20410eec.json'), id: 'catch-up-right', issuanceTime: iso(Date.now() - DAY), expiry: iso(Date.now() + 365 * DAY) };
  right.rightHolder.credentials[0].identifier.id = VRM;
  expect((await api('POST', '/rights/assigned', right, actor('sp-sp0001'))).status).toBe(201);
  const arrival = iso(Date.now() - 45 * 60_000);
  session = { ...payload('uc4-3-session-fe5eea6a.json'), id: 'catch-up-session', actualStart: arrival };
  session.credentials[0].identifier.id = VRM;
  session.segments[0] = { ...session.segments[0], id: 'catch-up-segment', actualStart: arrival, assignedRight: { id: right.id, version: 1 }, financialTransactions: [{ segmentValue: 10.8, taxIncluded: true }] };
  const posted = await api('POST', '/sessions', session, actor('po-mcc'));
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
});
afterAll(async () => {
  await mock?.close();
});

describe('the operator peer answers with the sessions MCC reported to the platform', () => {
  it("UC5.1/5.2: SP0001's query by VRM, place and now is answered by the operator peer with the open session", async () => {
    const res = await api('GET', nowQuery(`&credential_id=${VRM}`), undefined, actor('sp-sp0001'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('x-npp-answered-by')).toBe(mock.peers!.operator.url);
    expect(res.body.meta.total).toBe(1);
    expect(res.body.data.map((s: any) => s.id)).toEqual([session.id]);
    expect(res.body.data[0].segments[0].financialTransactions[0].segmentValue).toBe(10.8);
    const asked = (await operator('GET', '/__peer/received?path=/sessions')).body.received;
    expect(asked.at(-1)).toMatchObject({ method: 'GET', query: { credential_id: VRM, place: ANPR_PLACE }, headers: { 'x-npp-forwarded-for': 'SP0001' } });
  });

  it("another SP is not told of SP0001's session through the operator; the operator's own sessions still reach it", async () => {
    const own = await api('GET', nowQuery(), undefined, actor('sp-sp0001'));
    expect(own.body.data.map((s: any) => s.id).sort()).toEqual([session.id, UC5_OPEN_SESSION.id].sort());
    expect(own.body.meta.total).toBe(2);
    const other = await api('GET', nowQuery(), undefined, actor('sp-red-parking'));
    expect(other.status).toBe(200);
    expect(other.headers.get('x-npp-answered-by')).toBe(mock.peers!.operator.url);
    // fe5eea6a is only the operator's (the platform does not hold it in the default fixtures): passed on as is.
    expect(other.body.data.map((s: any) => s.id)).toEqual([UC5_OPEN_SESSION.id]);
    expect(other.body.meta.total).toBe(1);
  });

  it("after UC5.3/5.4 the operator's own record (marked paid) is what it answers, once", async () => {
    const paid = structuredClone(session);
    paid.segments[0].financialTransactions[0] = { ...paid.segments[0].financialTransactions[0], dateCollected: iso(Date.now()), transactionId: 'catch-up-tx' };
    expect((await api('PUT', `/sessions/${session.id}`, paid, actor('sp-sp0001'))).status).toBe(200);
    await waitUntil(async () => (await operator('GET', `/sessions/${session.id}`)).body?.paymentStatus === 'paid', 3000, 'the operator peer to mark it paid');
    const res = await api('GET', nowQuery(`&credential_id=${VRM}`), undefined, actor('sp-sp0001'));
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ id: session.id, paymentStatus: 'paid' });
  });
});

describe('an operator back end whose platform cannot be reached', () => {
  it('answers from what it holds, and says the catch-up failed', async () => {
    const closed = await startReceiver({ mode: 'refuse' });
    try {
      const { app } = createOperatorBackend({ platformUrl: closed.url });
      const res = await request(app).get(`${nowQuery()}&credential_id=BD18SMR`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([UC5_OPEN_SESSION]);
      expect(res.headers['x-peer-catch-up-failed']).toBeTruthy();
    } finally {
      await closed.close();
    }
  });
});
