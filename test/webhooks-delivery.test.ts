// Webhook deliveries through the whole platform (POST /webhooks → a change through the API → the outbound call),
// intercepted by nock: exact method, URL, headers (event id, topic, subscription id, attempt, HMAC signature
// recomputed here), body (the object as GET shows it, or APDS's EventData envelope), every topic the API
// produces, retries with exponential spacing (`delivery: {random: () => 0.5, baseDelayMs: 50}`) as seen in
// /__admin/deliveries, and asynchrony: the API answers before (and no slower because of) the delivery.
import nock from 'nock';
import { onlyLoopback } from './support/network.js';
import { describe, expect, it } from 'vitest';
import { makeApp, SEED_NOW } from './support/app.js';
import { payload } from './support/payloads.js';
import { ARNDALE, bumpPlace, DEANSGATE, hmac, settle, subscribe, UC4_RIGHT, UC4_SESSION } from './support/webhooks.js';

const HOOKS = 'http://127.0.0.1:65531';

interface Hit {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
}

/** Records every PUT/POST to HOOKS under `path`, answering with `status(hitIndex)`. */
function hooks(path: string, status: (i: number) => number = () => 200) {
  const hits: Hit[] = [];
  const record = function (this: { req: { method: string; headers: Record<string, string> } }, uri: string, body: unknown): [number, string] {
    hits.push({ at: performance.now(), method: this.req.method, path: uri, headers: { ...this.req.headers }, body });
    return [status(hits.length - 1), '{"status":"ok"}'];
  };
  const scope = nock(HOOKS).persist().put(path).reply(record).post(path).reply(record);
  return { hits, scope };
}

onlyLoopback(65531);

describe('one delivery, exactly', () => {
  it('PUTs the changed object as GET shows it, with event id, topic, subscription id, attempt and an HMAC signature', async () => {
    const { http, platform } = makeApp();
    const { hits } = hooks('/npp/places');
    const secret = 'per-subscription-secret';
    const id = await subscribe(http, { endpoint: `${HOOKS}/npp/places`, topics: ['PlaceUpdated'], secret });
    await bumpPlace(http, DEANSGATE);
    await settle(platform);

    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit!.method).toBe('PUT');
    expect(hit!.path).toBe('/npp/places');
    expect(hit!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-npp-topic': 'PlaceUpdated',
      'x-npp-subscription-id': id,
      'x-npp-delivery-attempt': '1',
    });
    expect(hit!.headers['x-npp-event-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const current = await http.get(`/places/${DEANSGATE}`);
    expect(hit!.body).toEqual(current.body);
    expect(hit!.body.version).toBe(2);
    // The signature covers the exact bytes sent (nock parsed them; JSON.stringify gives them back).
    expect(hit!.headers['x-npp-signature']).toBe(hmac(secret, JSON.stringify(hit!.body)));
    expect(hit!.headers['x-npp-signature']).not.toBe(hmac('another-secret', JSON.stringify(hit!.body)));

    const log = await http.get('/__admin/deliveries');
    expect(log.body.counters).toMatchObject({ enqueued: 1, delivered: 1, failed: 0, dropped: 0, attempts: 1 });
    expect(log.body.entries).toEqual([
      expect.objectContaining({ subscriptionId: id, eventId: hit!.headers['x-npp-event-id'], topic: 'PlaceUpdated', resourceId: DEANSGATE, method: 'PUT', url: `${HOOKS}/npp/places`, attempt: 1, outcome: 'delivered', status: 200, latencyMs: expect.any(Number) }),
    ]);
  });

  it('POSTs APDS\'s EventData envelope {data, eventSubscriptionId, eventTime, topic} when asked to', async () => {
    const { http, platform } = makeApp();
    const { hits } = hooks('/apds/events');
    const id = await subscribe(http, { endpoint: `${HOOKS}/apds/events`, topics: ['PlaceUpdated'], method: 'POST', envelope: 'eventData', secret: 'eventdata-secret' });
    await bumpPlace(http, DEANSGATE);
    await settle(platform);

    expect(hits).toHaveLength(1);
    expect(hits[0]!.method).toBe('POST');
    const body = hits[0]!.body;
    expect(Object.keys(body)).toEqual(['data', 'eventSubscriptionId', 'eventTime', 'topic']);
    expect(body.eventSubscriptionId).toBe(id);
    expect(body.topic).toBe('PlaceUpdated');
    expect(Date.parse(body.eventTime)).toBe(Date.parse(SEED_NOW)); // the platform's (pinned) clock
    expect(body.data).toEqual([(await http.get(`/places/${DEANSGATE}`)).body]);
    expect(platform.schemas.validate('EventData', body)).toEqual([]);
    expect(hits[0]!.headers['x-npp-signature']).toBe(hmac('eventdata-secret', JSON.stringify(body)));
  });

  it('sends the flows dialect when the subscription asks for it, the spec dialect by default', async () => {
    const { http, platform } = makeApp();
    const { hits } = hooks('/sessions');
    await subscribe(http, { endpoint: `${HOOKS}/sessions`, topics: ['SessionCreated'], dialect: 'flows' });
    await subscribe(http, { endpoint: `${HOOKS}/sessions`, topics: ['SessionCreated'] });
    expect((await http.post('/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    await settle(platform);
    expect(hits).toHaveLength(2);
    const flows = hits.find((h) => 'credentials' in h.body)!;
    const spec = hits.find((h) => 'identifiedCredentials' in h.body)!;
    expect(flows, 'one delivery in the flows dialect').toBeDefined();
    expect(spec, 'one delivery in the spec dialect').toBeDefined();
    expect(flows.body).toEqual((await http.get(`/sessions/${UC4_SESSION}?dialect=flows`)).body);
    expect(spec.body).toEqual((await http.get(`/sessions/${UC4_SESSION}`)).body);
    // The seed's UC4.4 body (flows) is what the flows subscriber got, field for field where the seed says anything.
    expect(flows.body).toMatchObject(payload('uc4-3-session-fe5eea6a.json'));
    // Two subscriptions, two deliveries, each with its own event id.
    expect(hits[0]!.headers['x-npp-event-id']).not.toBe(hits[1]!.headers['x-npp-event-id']);
  });
});

describe('every topic the API produces', () => {
  it('delivers created, updated and deleted events of places, right specs, rates, assigned rights and sessions, in order', async () => {
    const { http, platform } = makeApp();
    const { hits } = hooks('/all');
    const topics = ['Place', 'RightSpecification', 'RateTable', 'AssignedRight', 'Session'].flatMap((r) => ['Created', 'Updated', 'Deleted'].map((k) => r + k));
    await subscribe(http, { endpoint: `${HOOKS}/all`, topics: [...topics, 'ObservationCreated', 'SystemEvents'] });

    const ok = (res: { status: number; body: unknown }, what: string) => expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    const deansgate = (await http.get(`/places/${DEANSGATE}`)).body;
    const { rightSpecifications: _s, hierarchyElementRecord: _r, ...place } = deansgate;
    ok(await http.post('/places').send({ ...place, id: 'wh-new-place', version: 1 }), 'POST place');
    await bumpPlace(http, DEANSGATE);
    ok(await http.delete('/places/wh-new-place'), 'DELETE place');

    const spec = (await http.get('/rights/specs/6091d5d0-5264-4d66-a31a-1a9e2c9eed89')).body;
    const specBody = { ...spec, id: 'wh-spec', version: 1 };
    delete specBody.issuer;
    ok(await http.post('/rights/specs').send(specBody), 'POST spec');
    ok(await http.put('/rights/specs/wh-spec').send({ ...specBody, version: 2 }), 'PUT spec');
    ok(await http.delete('/rights/specs/wh-spec'), 'DELETE spec');

    const rate = (await http.get('/rates/0376c349-ed20-4f6f-9551-1a82f9f5f734')).body;
    const { ['x-aliases']: _a, ...rateBody } = rate;
    ok(await http.post('/rates').send({ ...rateBody, id: 'wh-rate', version: 1 }), 'POST rate');
    ok(await http.put('/rates/wh-rate').send({ ...rateBody, id: 'wh-rate', version: 2 }), 'PUT rate');
    ok(await http.delete('/rates/wh-rate'), 'DELETE rate');

    ok(await http.post('/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json')), 'POST right');
    ok(await http.put(`/rights/assigned/${UC4_RIGHT}`).send({ ...payload('uc4-1-assigned-right-20410eec.json'), version: 2 }), 'PUT right');
    ok(await http.post('/sessions').send(payload('uc4-3-session-fe5eea6a.json')), 'POST session');
    ok(await http.put(`/sessions/${UC4_SESSION}`).send(payload('uc4-5-session-fe5eea6a-completed.json')), 'PUT session');
    ok(await http.delete(`/sessions/${UC4_SESSION}`), 'DELETE session');
    ok(await http.delete(`/rights/assigned/${UC4_RIGHT}`), 'DELETE right');
    await settle(platform);

    expect(hits.map((h) => `${h.headers['x-npp-topic']} ${h.body.id}`)).toEqual([
      'PlaceCreated wh-new-place',
      `PlaceUpdated ${DEANSGATE}`,
      'PlaceDeleted wh-new-place',
      'RightSpecificationCreated wh-spec',
      'RightSpecificationUpdated wh-spec',
      'RightSpecificationDeleted wh-spec',
      'RateTableCreated wh-rate',
      'RateTableUpdated wh-rate',
      'RateTableDeleted wh-rate',
      `AssignedRightCreated ${UC4_RIGHT}`,
      `AssignedRightUpdated ${UC4_RIGHT}`,
      `SessionCreated ${UC4_SESSION}`,
      `SessionUpdated ${UC4_SESSION}`,
      `SessionDeleted ${UC4_SESSION}`,
      `AssignedRightDeleted ${UC4_RIGHT}`,
    ]);
    // Every delivery names its own event.
    expect(new Set(hits.map((h) => h.headers['x-npp-event-id'])).size).toBe(hits.length);
    expect(hits.find((h) => h.headers['x-npp-topic'] === 'AssignedRightUpdated')!.body.version).toBe(2);
  });
});

describe('retries through the platform', () => {
  it('retries a failing subscriber with exponentially growing spacing and logs every attempt in /__admin/deliveries', async () => {
    const { http, platform } = makeApp({ delivery: { random: () => 0.5, baseDelayMs: 50, maxAttempts: 5 } });
    const { hits } = hooks('/flaky', (i) => (i < 3 ? 503 : 200));
    const id = await subscribe(http, { endpoint: `${HOOKS}/flaky`, topics: ['PlaceUpdated'], secret: 'flaky-secret' });
    await bumpPlace(http, ARNDALE);
    await settle(platform);

    expect(hits.map((h) => h.headers['x-npp-delivery-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(new Set(hits.map((h) => h.headers['x-npp-event-id'])).size).toBe(1);
    expect(new Set(hits.map((h) => JSON.stringify(h.body))).size).toBe(1);
    for (const h of hits) expect(h.headers['x-npp-signature']).toBe(hmac('flaky-secret', JSON.stringify(h.body)));
    const gaps = hits.slice(1).map((h, i) => h.at - hits[i]!.at);
    // Never shorter than the doubling backoff; the upper tolerance is generous for loaded machines.
    [38, 75, 150].forEach((expected, i) => {
      expect(gaps[i], `gaps ${gaps.map(Math.round).join(', ')} ms`).toBeGreaterThanOrEqual(expected - 5);
      expect(gaps[i], `gaps ${gaps.map(Math.round).join(', ')} ms`).toBeLessThan(expected + 150);
    });

    const log = await http.get(`/__admin/deliveries?subscription=${id}`);
    expect(log.status).toBe(200);
    expect(log.body.entries.map((e: any) => [e.attempt, e.outcome, e.status, e.nextAttemptInMs])).toEqual([
      [1, 'retrying', 503, 38],
      [2, 'retrying', 503, 75],
      [3, 'retrying', 503, 150],
      [4, 'delivered', 200, undefined],
    ]);
    for (const e of log.body.entries) expect(e.latencyMs).toBeGreaterThanOrEqual(0);
    expect(log.body.counters).toMatchObject({ enqueued: 1, delivered: 1, failed: 0, attempts: 4 });
    expect(log.body.backlog).toEqual({});
    expect((await http.get('/__admin/deliveries?limit=2')).body.entries.map((e: any) => e.attempt)).toEqual([3, 4]);
    expect((await http.get('/__admin/deliveries?limit=0')).status).toBe(400);
    expect((await http.delete('/__admin/deliveries')).status).toBe(200);
    expect((await http.get('/__admin/deliveries')).body).toMatchObject({ counters: { enqueued: 0, delivered: 0, attempts: 0 }, entries: [] });
  });

  it('gives up after maxAttempts: logged failed and counted', async () => {
    const { http, platform } = makeApp({ delivery: { random: () => 0.5, baseDelayMs: 20, maxAttempts: 3 } });
    const { hits } = hooks('/down', () => 500);
    await subscribe(http, { endpoint: `${HOOKS}/down`, topics: ['PlaceUpdated'] });
    await bumpPlace(http, ARNDALE);
    await settle(platform);
    expect(hits).toHaveLength(3);
    const log = (await http.get('/__admin/deliveries')).body;
    expect(log.entries.map((e: any) => e.outcome)).toEqual(['retrying', 'retrying', 'failed']);
    expect(log.entries[2]).toMatchObject({ status: 500, error: 'HTTP 500' });
    expect(log.counters).toMatchObject({ enqueued: 1, delivered: 0, failed: 1, attempts: 3 });
  });
});

describe('asynchronous delivery', () => {
  it('answers the API call before the delivery completes, and a slow subscriber does not slow the API', async () => {
    const { http, platform } = makeApp({ delivery: { timeoutMs: 5000 } });
    let calls = 0;
    nock(HOOKS)
      .persist()
      .put('/slow')
      .delay(1500)
      .reply(() => {
        calls++;
        return [200, 'ok'];
      });
    await subscribe(http, { endpoint: `${HOOKS}/slow`, topics: ['PlaceUpdated'] });
    await subscribe(http, { endpoint: `${HOOKS}/slow`, topics: ['PlaceUpdated'] });
    const started = performance.now();
    await bumpPlace(http, DEANSGATE);
    const elapsed = performance.now() - started;
    // Each delivery takes 1.5 s; the API call (and its GET) took far less, and no delivery had completed.
    expect(elapsed).toBeLessThan(1000);
    expect(platform.deliveries.counters.delivered).toBe(0);
    await settle(platform);
    expect(calls).toBe(2);
    expect(platform.deliveries.counters.delivered).toBe(2);
  });
});
