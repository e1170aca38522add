// NPP /observability: system alerts (stored, bounded, fed to SystemEvents subscribers) and the status snapshot of
// the mock's own metrics. Bad input is a clear 4xx that changes nothing; nothing answers 5xx.
import { afterEach, describe, expect, it } from 'vitest';
import { AlertLog } from '../mock/store/alert-log.js';
import { schemaRegistry } from '../spec/index.js';
import { makeApp, snapshot } from './support/app.js';
import { actor, makeAuthApp } from './support/auth.js';
import { alert, HOUR, iso, SEED_NOW_MS } from './support/apds.js';
import { payload } from './support/payloads.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { settle, subscribe } from './support/webhooks.js';

const NOW_S = Math.floor(SEED_NOW_MS / 1000);
const DAY_S = 24 * 3600;

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('GET /observability/events', () => {
  it('needs the modified-since header: missing, non-integer, negative or older than 14 days is a 400', async () => {
    const { http, platform, unexpected } = makeApp();
    await http.post('/observability/events').send(alert()).expect(200);
    const before = snapshot(platform);
    const missing = await http.get('/observability/events');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ status: 'error', code: 400, message: expect.stringMatching(/modified-since header is missing/) });
    for (const value of ['yesterday', '1687689300.5', '-5', '']) {
      const res = await http.get('/observability/events').set('modified-since', value);
      expect(res.status, value).toBe(400);
      expect(res.body.errors?.[0]?.path ?? res.body.message).toMatch(/modified-since/);
    }
    const tooOld = await http.get('/observability/events').set('modified-since', String(NOW_S - 14 * DAY_S - 1));
    expect(tooOld.status).toBe(400);
    expect(tooOld.body.message).toMatch(/more than 14 days/);
    const oldest = await http.get('/observability/events').set('modified-since', String(NOW_S - 14 * DAY_S));
    expect(oldest.status).toBe(200);
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });

  it('answers the alerts changed since the instant, oldest change first, in a paginated list', async () => {
    const { http } = makeApp();
    const empty = await http.get('/observability/events').set('modified-since', String(NOW_S - HOUR / 1000));
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ meta: { referenceInstant: NOW_S, offset: 0, pageSize: 100, total: 0 }, data: [] });

    await http.post('/observability/events').set('X-Mock-Now', iso(SEED_NOW_MS - 2 * HOUR)).send(alert({ id: 'a-early' })).expect(200);
    await http.post('/observability/events').send(alert({ id: 'a-now', impact: ['rights', 'sessions'] })).expect(200);
    const recent = await http.get('/observability/events').set('modified-since', String(NOW_S - HOUR / 1000));
    expect(recent.body.data.map((a: any) => a.id)).toEqual(['a-now']);
    const all = await http.get('/observability/events').set('modified-since', String(NOW_S - DAY_S));
    expect(all.body.meta.total).toBe(2);
    expect(all.body.data.map((a: any) => a.id)).toEqual(['a-early', 'a-now']);
    expect(all.body.data[1]).toEqual(alert({ id: 'a-now', impact: ['rights', 'sessions'] }));
    const page2 = await http.get('/observability/events?page=2').set('modified-since', String(NOW_S - DAY_S));
    expect(page2.body).toMatchObject({ meta: { offset: 100, total: 2 }, data: [] });
  });
});

describe('POST /observability/events', () => {
  it('records a SystemAlert (200, with its id) and re-posting the id records its new state as a change', async () => {
    const { http } = makeApp();
    const res = await http.post('/observability/events').send(alert());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', code: 200, message: 'system alert c7874361-cdca-467d-a389-f9ab6b8e411c recorded', id: 'c7874361-cdca-467d-a389-f9ab6b8e411c' });

    const later = iso(SEED_NOW_MS + HOUR);
    const resolved = await http.post('/observability/events').set('X-Mock-Now', later).send(alert({ type: 'resolved', end: '2023-06-25T11:20:00Z' }));
    expect(resolved.status).toBe(200);
    expect(resolved.body.message).toMatch(/updated$/);
    const since = await http.get('/observability/events').set('X-Mock-Now', later).set('modified-since', String(NOW_S + 1));
    expect(since.body.data).toEqual([alert({ type: 'resolved', end: '2023-06-25T11:20:00Z' })]);
    const all = await http.get('/observability/events').set('modified-since', String(NOW_S - DAY_S));
    expect(all.body.meta.total).toBe(1);
  });

  it('assigns an id when the alert has none and answers it', async () => {
    const { http } = makeApp();
    const { id: _omit, ...anonymous } = alert();
    const res = await http.post('/observability/events').send(anonymous);
    expect(res.status).toBe(200);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const list = await http.get('/observability/events').set('modified-since', String(NOW_S - 60));
    expect(list.body.data).toEqual([{ ...anonymous, id: res.body.id }]);
  });

  it('refuses invalid alerts with 400 and the violations, storing nothing', async () => {
    const { http, platform, unexpected } = makeApp();
    const before = snapshot(platform);
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /body is missing/],
      [[alert()], /JSON object/],
      [alert({ type: 'exploded' }), /SystemAlert/],
      [alert({ impact: ['everything'] }), /SystemAlert/],
      [alert({ timestamp: undefined }), /SystemAlert/],
      [alert({ timestamp: 'not a time' }), /SystemAlert/],
      [alert({ start: '2023-06-25T10:00:00Z', end: '2023-06-25T09:00:00Z' }), /ends .* before it starts/],
    ];
    for (const [body, message] of cases) {
      const req = http.post('/observability/events');
      const res = body === undefined ? await req : await req.send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message, JSON.stringify(body)).toMatch(message);
    }
    const typed = await http.post('/observability/events').send(alert({ type: 'exploded' }));
    expect(typed.body.errors).toEqual([{ path: '/type', message: 'must be equal to one of the allowed values: triggered, persistent, resolved' }]);
    const text = await http.post('/observability/events').set('Content-Type', 'text/plain').send('alert!');
    expect(text.status).toBe(415);
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });

  it('keeps the last 1000 alerts (the oldest change goes first)', () => {
    const log = new AlertLog(3);
    for (const id of ['a', 'b', 'c']) log.put({ id }, 1000);
    log.put({ id: 'a', type: 'resolved' }, 2000); // a is now the newest change
    log.put({ id: 'd' }, 3000);
    expect(log.dump().map((a) => a.alert.id)).toEqual(['c', 'a', 'd']);
    expect(log.get('a')).toMatchObject({ receivedAtMs: 1000, modifiedAtMs: 2000 });
    expect(log.since(2000).map((a) => a.alert.id)).toEqual(['a', 'd']);
    expect(new AlertLog().capacity).toBe(1000);
  });

  it('pushes every recorded alert to the SystemEvents subscribers, and only to them', async () => {
    const { http, platform } = makeApp();
    receiver = await startReceiver();
    await subscribe(http, { endpoint: `${receiver.url}/system`, topics: ['SystemEvents'], method: 'POST' });
    await subscribe(http, { endpoint: `${receiver.url}/places`, topics: ['PlaceUpdated'] });
    await subscribe(http, { endpoint: `${receiver.url}/wrapped`, topics: ['SystemEvents'], envelope: 'eventData' });
    await http.post('/observability/events').send(alert()).expect(200);
    await http.post('/observability/events').send(alert({ type: 'resolved' })).expect(200);
    await settle(platform);
    const system = receiver.received.filter((r) => r.path === '/system');
    expect(system.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(system.map((r) => r.body)).toEqual([alert(), alert({ type: 'resolved' })]);
    expect(system[0]!.headers['x-npp-topic']).toBe('SystemEvents');
    const wrapped = receiver.received.filter((r) => r.path === '/wrapped');
    expect(wrapped[0]!.body).toMatchObject({ topic: 'SystemEvents', data: [alert()] });
    expect(receiver.received.filter((r) => r.path === '/places')).toEqual([]);
    platform.close();
  });

  it('is unsecured (as in the contract) also when access control is on; a reporter with credentials is kept', async () => {
    const { http, platform } = makeAuthApp();
    expect((await http.post('/observability/events').send(alert({ id: 'anonymous' }))).status).toBe(200);
    expect((await http.post('/observability/events').set(actor('sp-sp0001')).send(alert({ id: 'from-sp' }))).status).toBe(200);
    expect(platform.store.alerts.get('from-sp')?.reporter).toBe('SP0001');
    expect(platform.store.alerts.get('anonymous')?.reporter).toBeUndefined();
    const list = await http.get('/observability/events').set('modified-since', String(NOW_S - 60));
    expect(list.body.meta.total).toBe(2);
    const bad = await http.get('/observability/events').set('modified-since', String(NOW_S)).set('X-MCC-Access-Token', 'nope');
    expect(bad.status).toBe(401);
  });

  it('is cleared by a reset and kept through a state dump and restore', async () => {
    const { http, platform } = makeApp();
    await http.post('/observability/events').send(alert()).expect(200);
    const state = await http.get('/__admin/state');
    expect(state.body.alerts).toHaveLength(1);
    await http.post('/__admin/reset').expect(200);
    expect(platform.store.alerts.size).toBe(0);
    await http.put('/__admin/state').send(state.body).expect(200);
    const list = await http.get('/observability/events').set('modified-since', String(NOW_S - 60));
    expect(list.body.data).toEqual([alert()]);
  });
});

describe('PUT /observability/status', () => {
  const metric = (body: any[], name: string) => body.find((m) => m.name === name);

  it('answers every metric without a body, measured on the mock itself', async () => {
    const { http } = makeApp();
    await http.get('/places/805428').expect(200);
    await http.get('/places/nope').expect(404);
    await http.get('/places?latitude=x').expect(400);
    await http.get('/__admin/journal').expect(200); // test controls are not counted
    const res = await http.put('/observability/status');
    expect(res.status).toBe(200);
    expect(res.body.map((m: any) => m.name)).toEqual([
      'npp.api.requests.count',
      'npp.api.responsetime.average',
      'npp.ingestion.dataset.sessions.count',
      'npp.ingestion.dataset.rights.count',
      'npp.webhooks.backlog',
      'npp.webhooks.deliveries.count',
    ]);
    const at = '2023-06-25T10:35:00.000Z';
    expect(metric(res.body, 'npp.api.requests.count')).toMatchObject({
      aggregator: 'sum',
      dataPoints: [
        { timestamp: at, primaryGroup: '2xx', value: 1 },
        { timestamp: at, primaryGroup: '4xx', value: 2 },
      ],
    });
    const latency = metric(res.body, 'npp.api.responsetime.average');
    expect(latency.aggregator).toBe('average');
    expect(latency.dataPoints.map((p: any) => p.primaryGroup)).toEqual(['2xx', '4xx']);
    for (const p of latency.dataPoints) expect(p.value).toBeGreaterThan(0);
    expect(metric(res.body, 'npp.ingestion.dataset.rights.count').dataPoints).toEqual([{ timestamp: at, primaryGroup: 'ID_RED_PARKING', value: 1 }]);
    expect(metric(res.body, 'npp.webhooks.backlog').dataPoints).toEqual([{ timestamp: at, value: 0 }]);
    // The snapshot request itself counts afterwards.
    const again = await http.put('/observability/status').send([{ name: 'npp.api.requests.count' }]);
    expect(again.body).toEqual([
      {
        name: 'npp.api.requests.count',
        description: expect.any(String),
        aggregator: 'sum',
        dataPoints: [
          { timestamp: at, primaryGroup: '2xx', value: 2 },
          { timestamp: at, primaryGroup: '4xx', value: 2 },
        ],
      },
    ]);
  });

  it('counts the sessions and rights received per service provider, and filters by provider (echoing the filters)', async () => {
    const { http, platform } = makeAuthApp();
    const sp = actor('sp-sp0001');
    await http.post('/rights/assigned').set(sp).send(payload('uc4-1-assigned-right-20410eec.json')).expect(201);
    await http.post('/sessions').set(sp).send(payload('uc4-3-session-fe5eea6a.json')).expect(201);
    const filters = [{ type: 'service-provider', values: ['SP0001', 'PROVIDER2'] }];
    const res = await http.put('/observability/status').send([
      { name: 'npp.ingestion.dataset.sessions.count', filters },
      { name: 'npp.ingestion.dataset.rights.count' },
      { name: 'npp.api.requests.count', filters: [{ type: 'service-provider', values: ['SP0001'] }] },
    ]);
    expect(res.status).toBe(200);
    expect(res.body[0]).toMatchObject({ name: 'npp.ingestion.dataset.sessions.count', filters, groupBy: ['service-provider'], dataPoints: [{ primaryGroup: 'SP0001', value: 1 }] });
    expect(res.body[1].dataPoints.map((p: any) => [p.primaryGroup, p.value])).toEqual([['ID_RED_PARKING', 1], ['SP0001', 1]]);
    expect(res.body[2].dataPoints).toEqual([{ timestamp: expect.any(String), primaryGroup: '2xx', value: 2 }]);
    expect(platform.store.sessions.size).toBe(1);
  });

  it('answers one data point per interval of a time range (zero-filled), on the mock clock', async () => {
    const { http } = makeApp();
    const t0 = Date.parse('2023-06-25T10:00:00Z');
    for (const minute of [0, 0, 2]) await http.get('/places/805428').set('X-Mock-Now', iso(t0 + minute * 60_000 + 5000)).expect(200);
    await http.get('/places/805428').set('X-Mock-Now', iso(t0 + 10 * 60_000)).expect(200); // outside [10:00, 10:05)
    const range = { type: 'time-range', start: '2023-06-25T10:00:00Z', end: '2023-06-25T10:05:00Z', granularity: 'minute' };
    const res = await http.put('/observability/status').send([{ name: 'npp.api.requests.count', filters: [range] }]);
    expect(res.status).toBe(200);
    expect(res.body[0].dataPoints).toEqual([
      { timestamp: '2023-06-25T10:00:00.000Z', primaryGroup: '2xx', value: 2 },
      { timestamp: '2023-06-25T10:01:00.000Z', primaryGroup: '2xx', value: 0 },
      { timestamp: '2023-06-25T10:02:00.000Z', primaryGroup: '2xx', value: 1 },
      { timestamp: '2023-06-25T10:03:00.000Z', primaryGroup: '2xx', value: 0 },
      { timestamp: '2023-06-25T10:04:00.000Z', primaryGroup: '2xx', value: 0 },
    ]);
    const whole = await http.put('/observability/status').send([{ name: 'npp.api.requests.count', filters: [{ ...range, granularity: undefined }] }]);
    expect(whole.body[0].dataPoints).toEqual([{ timestamp: '2023-06-25T10:00:00.000Z', primaryGroup: '2xx', value: 3 }]);
  });

  it('reports the webhook backlog while a subscriber does not answer', async () => {
    const { http, platform } = makeApp({ delivery: { timeoutMs: 60_000 } });
    receiver = await startReceiver({ mode: 'hang' });
    await subscribe(http, { endpoint: `${receiver.url}/slow`, topics: ['SystemEvents'] });
    await http.post('/observability/events').send(alert({ id: 'one' })).expect(200);
    await http.post('/observability/events').send(alert({ id: 'two' })).expect(200);
    await receiver.waitFor(() => true, 1);
    const res = await http.put('/observability/status').send([{ name: 'npp.webhooks.backlog' }, { name: 'npp.webhooks.deliveries.count' }]);
    expect(res.body[0].dataPoints).toEqual([{ timestamp: expect.any(String), value: 2 }]);
    expect(res.body[1].dataPoints).toContainEqual({ timestamp: expect.any(String), primaryGroup: 'enqueued', value: 2 });
    platform.close();
  });

  it('refuses unknown metrics and bad filters with 400, changing nothing', async () => {
    const { http, platform, unexpected } = makeApp();
    const before = snapshot(platform);
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'npp.api.requests.count' }, /must be an array/],
      [[{ name: 'npp.cpu.temperature' }], /unknown metric npp.cpu.temperature/],
      [[{ description: 'no name' }], /not a valid list of SystemMetric/],
      [[{ name: 'npp.api.requests.count', filters: [{ type: 'time-range', start: '2023-06-25T10:00:00Z' }] }], /not a valid list/],
      [[{ name: 'npp.api.requests.count', filters: [{ type: 'service-provider' }] }], /not a valid list/],
      [[{ name: 'npp.api.requests.count', filters: [{ type: 'weather' }] }], /not a valid list/],
      [[{ name: 'npp.api.requests.count', filters: [{ type: 'time-range', start: '2023-06-25T11:00:00Z', end: '2023-06-25T10:00:00Z' }] }], /must be after its start/],
      [[{ name: 'npp.api.requests.count', filters: [{ type: 'time-range', start: '2023-06-01T00:00:00Z', end: '2023-06-25T00:00:00Z', granularity: 'second' }] }], /more than 1440 data points/],
    ];
    for (const [body, message] of cases) {
      const res = await http.put('/observability/status').send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message, JSON.stringify(body)).toMatch(message);
    }
    const named = await http.put('/observability/status').send([{ name: 'npp.api.requests.count' }, { name: 'nope' }]);
    expect(named.body.errors).toEqual([{ path: '/1/name', message: 'unknown metric' }]);
    expect((await http.get('/observability/status')).status).toBe(405);
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });
});

describe('answers in the shapes of spec/openapi.yaml', () => {
  it('SystemAlertList, ResponseStatusWithId, SystemMetric', async () => {
    const { http } = makeApp();
    const schemas = schemaRegistry();
    expect(schemas.validate('ResponseStatusWithId', (await http.post('/observability/events').send(alert())).body)).toEqual([]);
    expect(schemas.validate('SystemAlertList', (await http.get('/observability/events').set('modified-since', String(NOW_S - 60))).body)).toEqual([]);
    const metrics = (await http.put('/observability/status')).body;
    for (const m of metrics) expect(schemas.validate('SystemMetric', m), m.name).toEqual([]);
  });
});
