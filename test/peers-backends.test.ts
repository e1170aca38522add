// The simulated peers on their own (mock/peers): the operator back end (UC5's open BD18SMR session at 220001,
// forwarded session queries, payment confirmations marked paid), the SP back end (records notifications, answers
// 200, confirms payment of a completed session after a delay), and what both share: GET/DELETE /__peer/received
// and PUT /__peer/failure (error / slow / timeout, for a number of requests or until told otherwise).
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createOperatorBackend, UC5_OPEN_SESSION } from '../mock/peers/operator-backend.js';
import { createSpBackend, type SpBackend } from '../mock/peers/sp-backend.js';
import { payload } from './support/payloads.js';
import { sleep, startReceiver, waitUntil, type Receiver } from './support/receiver.js';

const UC5_SESSION = 'fe5eea6a-4be3-46fa-b037-20f04334ccdd';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('operator back end', () => {
  it("answers UC5's forwarded query with the open BD18SMR session, exactly as the seed shows it", async () => {
    const { app } = createOperatorBackend();
    const res = await request(app).get('/sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now').set('X-NPP-Forwarded-For', 'SP0001');
    expect(res.status).toBe(200);
    expect(res.body.meta).toMatchObject({ offset: 0, pageSize: 100, total: 1 });
    expect(res.body.data).toEqual(payload('expected/uc5-1-sessions.json').data);
    expect(res.body.data[0]).toEqual(UC5_OPEN_SESSION);
  });

  it('filters by credential, place and time; unknown ones give an empty list', async () => {
    const { app } = createOperatorBackend();
    const total = async (query: string) => (await request(app).get(`/sessions?${query}`)).body.meta.total;
    expect(await total('credential_id=bd18smr')).toBe(1); // VRMs compare normalised
    expect(await total('identifier_id=BD18SMR')).toBe(1);
    expect(await total('credential_id=AB12XYZ')).toBe(0);
    expect(await total('place=805428')).toBe(0);
    expect(await total('place=805428,220001')).toBe(1);
    expect(await total('start_before=1635771600')).toBe(0); // 2021-11-01T13:00Z, before the session started
    expect(await total('start_before=now&end_after=now')).toBe(1); // still open
  });

  it('GET /sessions/{id}; an unknown id is a 404', async () => {
    const { app } = createOperatorBackend();
    expect((await request(app).get(`/sessions/${UC5_SESSION}`)).body).toEqual(UC5_OPEN_SESSION);
    const missing = await request(app).get('/sessions/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', code: 404 });
  });

  it('a payment confirmation (a transaction with dateCollected) marks the session paid; an update without one does not', async () => {
    const { app, sessions } = createOperatorBackend();
    const unpaid = await request(app).put(`/sessions/${UC5_SESSION}`).send(payload('uc4-5-session-fe5eea6a-completed.json'));
    expect(unpaid.status).toBe(200);
    expect((await request(app).get(`/sessions/${UC5_SESSION}`)).body.paymentStatus).toBe('open');
    const paid = await request(app).put(`/sessions/${UC5_SESSION}`).send(payload('uc5-4-forwarded-payment.json'));
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'ok', code: 200, message: expect.stringMatching(/paid/) });
    const session = (await request(app).get(`/sessions/${UC5_SESSION}`)).body;
    expect(session.paymentStatus).toBe('paid');
    expect(session.segments[0].financialTransactions[0].transactionId).toBe('d9d237be-0432-44eb-9807-91fd01aae835');
    expect(sessions.get(UC5_SESSION)!.paymentStatus).toBe('paid');
    // A later update without payment keeps it paid.
    await request(app).put(`/sessions/${UC5_SESSION}`).send(payload('uc4-5-session-fe5eea6a-completed.json'));
    expect((await request(app).get(`/sessions/${UC5_SESSION}`)).body.paymentStatus).toBe('paid');
    expect((await request(app).put(`/sessions/${UC5_SESSION}`).send([1, 2])).status).toBe(400);
  });

  it('cannot drive UC4 without a platform URL (409)', async () => {
    const { app } = createOperatorBackend();
    const res = await request(app).post('/__peer/drive/anpr').send({ vrm: 'BD18SMR' });
    expect(res.status).toBe(409);
  });

  it('records what it received (method, path, query, X-NPP-* headers, body), filterable by path, and forgets on DELETE', async () => {
    const { app } = createOperatorBackend();
    await request(app).get('/sessions?place=220001').set('X-NPP-Forwarded-For', 'SP0001').set('X-Other', 'dropped');
    await request(app).put(`/sessions/${UC5_SESSION}`).set('X-NPP-Event-Id', 'ev-1').send({ id: UC5_SESSION, segments: [] });
    const all = (await request(app).get('/__peer/received')).body.received;
    expect(all.map((r: any) => `${r.method} ${r.path}`)).toEqual(['GET /sessions', `PUT /sessions/${UC5_SESSION}`]);
    expect(all[0]).toMatchObject({ seq: 1, query: { place: '220001' }, headers: { 'x-npp-forwarded-for': 'SP0001' } });
    expect(all[0].headers['x-other']).toBeUndefined();
    expect(all[1]).toMatchObject({ headers: { 'x-npp-event-id': 'ev-1', 'content-type': expect.stringMatching(/json/) }, body: { id: UC5_SESSION } });
    expect((await request(app).get('/__peer/received?path=/sessions')).body.received).toHaveLength(1);
    expect((await request(app).delete('/__peer/received')).status).toBe(200);
    expect((await request(app).get('/__peer/received')).body.received).toEqual([]);
  });
});

describe('failure modes (/__peer/failure), shared by both peers', () => {
  it('error: the given status for `count` requests, then normal again; /__peer stays reachable', async () => {
    const { app } = createOperatorBackend();
    const set = await request(app).put('/__peer/failure').send({ mode: 'error', status: 500, count: 2 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ mode: 'error', status: 500, count: 2 });
    expect((await request(app).get('/__peer/failure')).body).toMatchObject({ mode: 'error' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(app).get('/sessions')).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect((await request(app).get('/__peer/failure')).body).toEqual({ mode: 'none' });
    // Failed requests are recorded too.
    expect((await request(app).get('/__peer/received')).body.received).toHaveLength(3);
  });

  it('error without count fails until told `none`; the default status is 503', async () => {
    const { app } = createSpBackend();
    await request(app).put('/__peer/failure').send({ mode: 'error' });
    for (let i = 0; i < 3; i++) {
      const res = await request(app).put('/sessions/new').send({ id: 'x' });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'error', code: 503 });
    }
    await request(app).put('/__peer/failure').send({ mode: 'none' });
    expect((await request(app).put('/sessions/new').send({ id: 'x' })).status).toBe(200);
  });

  it('slow: answers normally after delayMs', async () => {
    const { app } = createOperatorBackend();
    await request(app).put('/__peer/failure').send({ mode: 'slow', delayMs: 500, count: 1 });
    let t = performance.now();
    const slow = await request(app).get('/sessions?credential_id=BD18SMR');
    expect(performance.now() - t).toBeGreaterThanOrEqual(490);
    expect(slow.status).toBe(200);
    expect(slow.body.meta.total).toBe(1);
    t = performance.now();
    await request(app).get('/sessions');
    expect(performance.now() - t).toBeLessThan(400);
  });

  it('timeout: hangs up without an answer after delayMs', async () => {
    const { app } = createSpBackend();
    await request(app).put('/__peer/failure').send({ mode: 'timeout', delayMs: 200 });
    const t = performance.now();
    const outcome = await request(app)
      .put('/sessions/new')
      .send({ id: 'x' })
      .then(
        (res) => `answered ${res.status}`,
        (err: Error) => `no answer: ${err.message}`,
      );
    expect(outcome).toMatch(/^no answer: (socket hang up|.*ECONNRESET)/);
    expect(performance.now() - t).toBeGreaterThanOrEqual(190);
  });

  it('refuses unknown modes (400) and keeps the current one', async () => {
    const { app } = createOperatorBackend();
    await request(app).put('/__peer/failure').send({ mode: 'slow', delayMs: 10 });
    const res = await request(app).put('/__peer/failure').send({ mode: 'explode' });
    expect(res.status).toBe(400);
    expect((await request(app).get('/__peer/failure')).body.mode).toBe('slow');
    expect((await request(app).put('/__peer/failure').send([])).status).toBe(400);
  });
});

describe('SP back end', () => {
  /** An SP back end whose platform is a local receiver (no credentials: no token request). */
  async function spWithPlatform(paymentDelayMs: number | false): Promise<{ sp: SpBackend; platform: Receiver }> {
    const platform = await startReceiver();
    const sp = createSpBackend({ platformUrl: platform.url, paymentDelayMs });
    cleanups.push(() => platform.close(), () => sp.close());
    return { sp, platform };
  }

  it('answers 200 to PUT and POST on any path and records them with the X-NPP headers', async () => {
    const { app, recorder } = createSpBackend();
    const put = await request(app).put('/sessions/new').set('X-NPP-Topic', 'SessionCreated').set('X-NPP-Event-Id', 'e1').send({ id: 's1' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: 'ok', code: 200 });
    expect((await request(app).post('/apds/events').send({ data: [{ id: 's1' }], topic: 'SessionCreated' })).status).toBe(200);
    expect(recorder.received.map((r) => `${r.method} ${r.path} ${r.headers['x-npp-topic'] ?? '-'}`)).toEqual(['PUT /sessions/new SessionCreated', 'POST /apds/events -']);
    expect(recorder.received[0]!.headers['x-npp-event-id']).toBe('e1');
  });

  it('confirms payment of a completed session after the delay: PUT {platform}/sessions/{id} with transactionId and dateCollected', async () => {
    const { sp, platform } = await spWithPlatform(150);
    const completed = payload('uc4-5-session-fe5eea6a-completed.json');
    const t = performance.now();
    expect((await request(sp.app).put('/sessions/updated').set('X-NPP-Topic', 'SessionUpdated').send(completed)).status).toBe(200);
    const [confirmation] = await platform.waitFor((r) => r.method === 'PUT', 1, 3000);
    expect(confirmation!.at - t).toBeGreaterThanOrEqual(140);
    expect(confirmation!.path).toBe(`/sessions/${UC5_SESSION}`);
    const tx = confirmation!.body.segments[0].financialTransactions[0];
    expect(tx).toMatchObject({ segmentValue: 10.8, taxIncluded: true, dateCollected: '2021-11-01T17:23:01Z', transactionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(confirmation!.body).toMatchObject({ id: UC5_SESSION, actualEnd: '2021-11-01T17:23:01Z', segments: [{ assignedRight: { id: '20410eec-2352-4cc1-820c-21ea6cbce506' } }] });
    await waitUntil(() => sp.payments.length === 1, 2000, 'the payment to be recorded');
    expect(sp.payments[0]).toMatchObject({ sessionId: UC5_SESSION, transactionId: tx.transactionId, answer: { status: 200 } });
  });

  it('the path /sessions/updated counts as SessionUpdated without the topic header', async () => {
    const { sp, platform } = await spWithPlatform(10);
    await request(sp.app).put('/sessions/updated').send(payload('uc4-5-session-fe5eea6a-completed.json'));
    await platform.waitFor((r) => r.method === 'PUT', 1, 2000);
  });

  it('does not confirm open, already paid or new sessions, nor with the delay off; close() cancels pending confirmations', async () => {
    const { sp, platform } = await spWithPlatform(50);
    await request(sp.app).put('/sessions/new').set('X-NPP-Topic', 'SessionCreated').send(payload('uc4-5-session-fe5eea6a-completed.json'));
    await request(sp.app).put('/sessions/updated').set('X-NPP-Topic', 'SessionUpdated').send(payload('uc4-3-session-fe5eea6a.json'));
    await request(sp.app).put('/sessions/updated').set('X-NPP-Topic', 'SessionUpdated').send(payload('uc4-7-session-fe5eea6a-payment.json'));
    const { sp: off, platform: offPlatform } = await spWithPlatform(false);
    await request(off.app).put('/sessions/updated').set('X-NPP-Topic', 'SessionUpdated').send(payload('uc4-5-session-fe5eea6a-completed.json'));
    const { sp: closing, platform: closingPlatform } = await spWithPlatform(100);
    await request(closing.app).put('/sessions/updated').set('X-NPP-Topic', 'SessionUpdated').send(payload('uc4-5-session-fe5eea6a-completed.json'));
    closing.close();
    await sleep(300);
    expect(platform.received).toEqual([]);
    expect(offPlatform.received).toEqual([]);
    expect(closingPlatform.received).toEqual([]);
    expect(sp.payments).toEqual([]);
  });
});
