// Operator forwarding (UC5), in process: GET /sessions?place=P for a place whose operator has a back end is
// answered by that back end (X-NPP-Answered-By), with a timeout: 502 when the operator fails (5xx, unreachable,
// not JSON), 504 when it is too slow (`forwarding: {timeoutMs: 200}`); a payment confirmation PUT by the SP is
// forwarded to the operator (reliably: retried), who marks the session paid; the operator's own updates are not
// sent back to it. The back end comes from the peers (`withPeers`: 220001 → the simulated operator), from a
// place's own `operatorBackendUrl`, or from an ancestor's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { onlyLoopback } from './support/network.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockPlatform, type RunningMockPlatform } from '../mock/server.js';
import { makeApp } from './support/app.js';
import { actor } from './support/auth.js';
import { jsonClient } from './support/fetch-json.js';
import { payload } from './support/payloads.js';
import { sleep, startReceiver, waitUntil } from './support/receiver.js';
import { ANPR_PLACE, CAMPUS, DEANSGATE, PIAZZA, settle, UC4_SESSION } from './support/webhooks.js';

const UC5_QUERY = '/sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now';

let mock: RunningMockPlatform;
let api: ReturnType<typeof jsonClient>;
let operator: ReturnType<typeof jsonClient>;

beforeAll(async () => {
  mock = await startMockPlatform({
    fixtures: 'uc5',
    withPeers: { paymentDelayMs: false },
    forwarding: { timeoutMs: 200 },
    delivery: { random: () => 0.5, baseDelayMs: 50, maxAttempts: 5 },
  });
  api = jsonClient(`${mock.url}/v1/parking`);
  operator = jsonClient(mock.peers!.operator.url);
});
afterAll(async () => {
  await mock?.close();
});
afterEach(async () => {
  await operator('PUT', '/__peer/failure', { mode: 'none' });
  await operator('DELETE', '/__peer/received');
  mock.platform.forwarding.backends.set(ANPR_PLACE, mock.peers!.operator.url);
});

describe('session queries answered by the operator (UC5.1/5.2)', () => {
  it("SP0001's query is forwarded as is and the operator's answer returned, marked X-NPP-Answered-By", async () => {
    const res = await api('GET', UC5_QUERY, undefined, actor('sp-sp0001'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('x-npp-answered-by')).toBe(mock.peers!.operator.url);
    expect(res.body.meta).toMatchObject({ offset: 0, pageSize: 100, total: 1 });
    expect(res.body.data).toEqual(payload('expected/uc5-1-sessions.json').data);
    const received = (await operator('GET', '/__peer/received?path=/sessions')).body.received;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'GET', query: { credential_id: 'BD18SMR', place: '220001', start_before: 'now', end_after: 'now' }, headers: { 'x-npp-forwarded-for': 'SP0001' } });
  });

  it('needs credentials like any session query (401 before anything is forwarded)', async () => {
    const res = await api('GET', UC5_QUERY);
    expect(res.status).toBe(401);
    expect((await operator('GET', '/__peer/received')).body.received).toEqual([]);
  });

  it('queries without a place, or about places without (or with several) operator back ends, are answered by the platform', async () => {
    for (const query of ['/sessions?credential_id=BD18SMR', `/sessions?place=${DEANSGATE}`, `/sessions?place=${ANPR_PLACE},${PIAZZA}`]) {
      const res = await api('GET', query, undefined, actor('ad-npp'));
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.headers.get('x-npp-answered-by'), query).toBeNull();
    }
    expect((await operator('GET', '/__peer/received')).body.received).toEqual([]);
  });

  it.each([500, 503])('502 when the operator answers %i', async (status) => {
    await operator('PUT', '/__peer/failure', { mode: 'error', status, count: 1 });
    const res = await api('GET', UC5_QUERY, undefined, actor('sp-sp0001'));
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ status: 'error', code: 502, message: expect.stringContaining(`answered ${status}`) });
    expect(res.headers.get('x-npp-answered-by')).toBeNull();
    // The next query is answered again.
    expect((await api('GET', UC5_QUERY, undefined, actor('sp-sp0001'))).status).toBe(200);
  });

  it('502 when the operator cannot be reached', async () => {
    const closed = await startReceiver({ mode: 'refuse' });
    mock.platform.forwarding.backends.set(ANPR_PLACE, closed.url);
    const res = await api('GET', UC5_QUERY, undefined, actor('sp-sp0001'));
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
  });

  it.each([
    ['timeout', 3000],
    ['slow', 3000],
  ])('504 after forwarding.timeoutMs (200 ms) when the operator is in mode %s', async (mode, delayMs) => {
    await operator('PUT', '/__peer/failure', { mode, delayMs, count: 1 });
    const t = performance.now();
    const res = await api('GET', UC5_QUERY, undefined, actor('sp-sp0001'));
    const elapsed = performance.now() - t;
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ status: 'error', code: 504, message: expect.stringContaining('200 ms') });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
  });

  it('a slow operator within the timeout is waited for', async () => {
    const slowMock = await startMockPlatform({ fixtures: 'uc5', withPeers: { paymentDelayMs: false }, forwarding: { timeoutMs: 3000 } });
    try {
      const peer = jsonClient(slowMock.peers!.operator.url);
      await peer('PUT', '/__peer/failure', { mode: 'slow', delayMs: 400, count: 1 });
      const t = performance.now();
      const res = await jsonClient(`${slowMock.url}/v1/parking`)('GET', UC5_QUERY, undefined, actor('sp-sp0001'));
      expect(res.status).toBe(200);
      expect(performance.now() - t).toBeGreaterThanOrEqual(390);
      expect(res.body.meta.total).toBe(1);
    } finally {
      await slowMock.close();
    }
  });
});

describe('odd operator answers', () => {
  let server: Server;
  let url: string;
  let behaviour: 'text' | 'stall-body' = 'text';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (behaviour === 'text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('sessions: none');
        return;
      }
      // Headers at once, then the body never finishes.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"meta": {"total": 1}, "data": [');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('502 when the operator answers something that is not JSON', async () => {
    behaviour = 'text';
    mock.platform.forwarding.backends.set(ANPR_PLACE, url);
    const res = await api('GET', UC5_QUERY, undefined, actor('sp-sp0001'));
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(/not JSON/);
  });

  it('was BUG-W3: 504 (not 500) when the operator sends its headers in time but never finishes the body', async () => {
    behaviour = 'stall-body';
    mock.platform.forwarding.backends.set(ANPR_PLACE, url);
    const t = performance.now();
    const res = await api('GET', UC5_QUERY, undefined, actor('sp-sp0001'));
    expect(performance.now() - t).toBeLessThan(1000);
    expect(res.body).toMatchObject({ code: 504 });
    expect(res.status).toBe(504);
  });
});

describe("a place's own operatorBackendUrl (and its ancestors')", () => {
  const BACKEND = 'http://127.0.0.1:65532';
  onlyLoopback(65532);

  it('forwards queries about the place and about the places below it', async () => {
    const { http } = makeApp();
    const campus = (await http.get(`/places/${CAMPUS}`)).body;
    const { rightSpecifications: _s, hierarchyElementRecord: _r, ...body } = campus;
    expect((await http.put(`/places/${CAMPUS}`).send({ ...body, version: campus.version + 1, operatorBackendUrl: `${BACKEND}/op/` })).status).toBe(200);
    const seen: string[] = [];
    nock(BACKEND)
      .persist()
      .get('/op/sessions')
      .query(true)
      .reply(function (uri) {
        seen.push(`${uri} ${this.req.headers['x-npp-forwarded-for']}`);
        return [200, { meta: { referenceInstant: 1, offset: 0, pageSize: 100, total: 0 }, data: [], answeredBy: 'campus operator' }];
      });
    for (const place of [CAMPUS, DEANSGATE]) {
      const res = await http.get(`/sessions?place=${place}&credential_id=AB12XYZ`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers['x-npp-answered-by']).toBe(`${BACKEND}/op`);
      expect(res.body.answeredBy).toBe('campus operator');
    }
    expect(seen).toEqual([`/op/sessions?place=${CAMPUS}&credential_id=AB12XYZ anonymous`, `/op/sessions?place=${DEANSGATE}&credential_id=AB12XYZ anonymous`]);
    // A place outside the campus is answered by the platform.
    const outside = await http.get('/sessions?place=gb-bury-radcliffe-pr');
    expect(outside.status).toBe(200);
    expect(outside.headers['x-npp-answered-by']).toBeUndefined();
  });

  it('was BUG-W4: a 502 from a failing operator is an expected outcome, not reported as an unexpected (500-class) error', async () => {
    const { http, unexpected, platform } = makeApp();
    platform.forwarding.backends.set(ANPR_PLACE, BACKEND);
    nock(BACKEND).get('/sessions').query(true).reply(500, { status: 'error' });
    const res = await http.get(`/sessions?place=${ANPR_PLACE}`);
    expect(res.status).toBe(502);
    // createApp's onUnexpectedError is for crashes (console.error in the CLI); a gateway error is not one.
    expect(unexpected).toEqual([]);
  });
});

describe('payment confirmations forwarded to the operator (UC5.3/5.4)', () => {
  it("SP0001's PUT is stored, then forwarded as PUT {operator}/sessions/{id}; the operator marks the session paid", async () => {
    const put = await api('PUT', `/sessions/${UC4_SESSION}`, payload('uc5-3-session-fe5eea6a-payment.json'), actor('sp-sp0001'));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const stored = await api('GET', `/sessions/${UC4_SESSION}`, undefined, actor('sp-sp0001'));
    expect(stored.body.segments[0].financialTransactions[0]).toMatchObject({ transactionId: 'd9d237be-0432-44eb-9807-91fd01aae835', dateCollected: '2021-11-01T17:23:01Z' });

    await waitUntil(async () => (await operator('GET', `/sessions/${UC4_SESSION}`)).body.paymentStatus === 'paid', 3000, 'the operator to mark the session paid');
    const received = (await operator('GET', `/__peer/received?path=/sessions/${UC4_SESSION}`)).body.received.filter((r: any) => r.method === 'PUT');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'PUT', headers: { 'x-npp-topic': 'SessionUpdated', 'x-npp-subscription-id': `operator:${mock.peers!.operator.url}`, 'x-npp-delivery-attempt': '1' } });
    expect(received[0].headers['x-npp-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    // What was forwarded is the session as the platform now holds it.
    expect(received[0].body).toEqual(stored.body);
    const log = mock.platform.deliveries.entries({ subscriptionId: `operator:${mock.peers!.operator.url}` });
    expect(log.at(-1)).toMatchObject({ method: 'PUT', url: `${mock.peers!.operator.url}/sessions/${UC4_SESSION}`, outcome: 'delivered', status: 200 });
  });

  it('is retried while the operator fails', async () => {
    await operator('PUT', '/__peer/failure', { mode: 'error', status: 503, count: 2 });
    const body = { ...payload('uc5-3-session-fe5eea6a-payment.json'), version: 3 };
    expect((await api('PUT', `/sessions/${UC4_SESSION}`, body, actor('sp-sp0001'))).status).toBe(200);
    await settle(mock.platform);
    const received = (await operator('GET', `/__peer/received?path=/sessions/${UC4_SESSION}`)).body.received.filter((r: any) => r.method === 'PUT');
    expect(received.map((r: any) => r.headers['x-npp-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(received.map((r: any) => r.headers['x-npp-event-id'])).size).toBe(1);
    expect((await operator('GET', `/sessions/${UC4_SESSION}`)).body).toMatchObject({ version: 3, paymentStatus: 'paid' });
  });

  it("the operator's own session updates are not sent back to it", async () => {
    const completed = { ...payload('uc4-5-session-fe5eea6a-completed.json'), version: 4 };
    expect((await api('PUT', `/sessions/${UC4_SESSION}`, completed, actor('po-mcc'))).status).toBe(200);
    await settle(mock.platform);
    await sleep(100);
    expect((await operator('GET', '/__peer/received')).body.received).toEqual([]);
  });
});
