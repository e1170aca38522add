// /webhooks: subscribe with NPP's body {endpoint, topics} or APDS's (plus hierarchyElements, includeChildrenEvents),
// read, list, replace and delete; bad bodies are a 400 with violations and store nothing; each caller sees and
// manages only its own subscriptions (admin all); subscriptions from the clients file (notificationEndpoints)
// are listed but changed only there; a deleted subscription stops receiving and what waited for it is dropped
// (logged); a removed client's subscriptions stop.
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../mock/auth/clients.js';
import { makeApp } from './support/app.js';
import { actor, DEV_CLIENTS, makeAuthApp } from './support/auth.js';
import { payload } from './support/payloads.js';
import { sleep, startReceiver, type Receiver } from './support/receiver.js';
import { ARNDALE, bumpPlace, CAMPUS, DEANSGATE, settle, subscribe, UC2_SESSION } from './support/webhooks.js';

const receivers: Receiver[] = [];
async function receiver(options: Parameters<typeof startReceiver>[0] = {}) {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const ENDPOINT = 'http://127.0.0.1:65531/hooks';

describe('subscription CRUD', () => {
  it('NPP body: POST answers 200 with the id; GET shows the stored view (defaults filled, no secret)', async () => {
    const { http, platform } = makeApp();
    const res = await http.post('/webhooks').send({ endpoint: ENDPOINT, topics: ['AssignedRightCreated', 'SessionCreated'], secret: 'a-long-secret' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', code: 200, id: expect.any(String) });
    expect(platform.schemas.validate('ResponseStatusWithId', res.body)).toEqual([]);
    const view = await http.get(`/webhooks/${res.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      id: res.body.id,
      endpoint: ENDPOINT,
      topics: ['AssignedRightCreated', 'SessionCreated'],
      method: 'PUT',
      envelope: 'bare',
      includeChildrenEvents: false,
      signed: true,
      source: 'api',
    });
    expect(view.body).not.toHaveProperty('secret');
    expect(JSON.stringify(view.body)).not.toContain('a-long-secret');
    expect(platform.schemas.validate('EventSubscriptionView', view.body)).toEqual([]);
  });

  it('APDS body: hierarchyElements and includeChildrenEvents (also written as the string "true"), POST and eventData', async () => {
    const { http } = makeApp();
    const id = await subscribe(http, {
      endpoint: ENDPOINT,
      topics: ['PlaceUpdated', 'RateTableUpdated'],
      hierarchyElements: [{ id: CAMPUS, className: 'Campus' }],
      includeChildrenEvents: 'true',
      method: 'POST',
      envelope: 'eventData',
    });
    const view = (await http.get(`/webhooks/${id}`)).body;
    expect(view).toMatchObject({ hierarchyElements: [{ id: CAMPUS, className: 'Campus' }], includeChildrenEvents: true, method: 'POST', envelope: 'eventData', signed: false });
    const other = await subscribe(http, { endpoint: ENDPOINT, topics: ['PlaceUpdated'], includeChildrenEvents: 'false' });
    expect((await http.get(`/webhooks/${other}`)).body.includeChildrenEvents).toBe(false);
  });

  it('lists, replaces (PUT keeps id and createdAt) and deletes (then 404)', async () => {
    const { http } = makeApp();
    const a = await subscribe(http, { endpoint: ENDPOINT, topics: ['SessionCreated'] });
    const b = await subscribe(http, { endpoint: `${ENDPOINT}/b`, topics: ['SessionUpdated'] });
    const list = await http.get('/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.meta).toMatchObject({ offset: 0, total: 2 });
    expect(list.body.data.map((s: any) => s.id).sort()).toEqual([a, b].sort());

    const before = (await http.get(`/webhooks/${a}`)).body;
    const put = await http.put(`/webhooks/${a}`).send({ endpoint: `${ENDPOINT}/new`, topics: ['PlaceDeleted'], method: 'POST', secret: 'replaced-secret' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: 'ok', code: 200 });
    const after = (await http.get(`/webhooks/${a}`)).body;
    expect(after).toMatchObject({ id: a, endpoint: `${ENDPOINT}/new`, topics: ['PlaceDeleted'], method: 'POST', signed: true, createdAt: before.createdAt });

    expect((await http.delete(`/webhooks/${a}`)).status).toBe(200);
    expect((await http.get(`/webhooks/${a}`)).status).toBe(404);
    expect((await http.put(`/webhooks/${a}`).send({ endpoint: ENDPOINT, topics: ['PlaceDeleted'] })).status).toBe(404);
    expect((await http.delete(`/webhooks/${a}`)).status).toBe(404);
    expect((await http.get('/webhooks')).body.data.map((s: any) => s.id)).toEqual([b]);
    expect((await http.get('/webhooks/no-such-subscription')).status).toBe(404);
  });
});

describe('bad subscription bodies: 400 with violations, nothing stored', () => {
  const cases: Array<[string, unknown, string]> = [
    ['no endpoint, no topics', {}, ''],
    ['empty topics', { endpoint: ENDPOINT, topics: [] }, '/topics'],
    ['unknown topic', { endpoint: ENDPOINT, topics: ['SessionStarted'] }, '/topics/0'],
    ['duplicate topics', { endpoint: ENDPOINT, topics: ['SessionCreated', 'SessionCreated'] }, '/topics'],
    ['topics not a list', { endpoint: ENDPOINT, topics: 'SessionCreated' }, '/topics'],
    ['empty endpoint', { endpoint: '', topics: ['SessionCreated'] }, '/endpoint'],
    ['relative endpoint', { endpoint: '/hooks', topics: ['SessionCreated'] }, '/endpoint'],
    ['endpoint not http(s)', { endpoint: 'ftp://127.0.0.1/hooks', topics: ['SessionCreated'] }, '/endpoint'],
    ['method GET', { endpoint: ENDPOINT, topics: ['SessionCreated'], method: 'GET' }, '/method'],
    ['unknown envelope', { endpoint: ENDPOINT, topics: ['SessionCreated'], envelope: 'cloudevents' }, '/envelope'],
    ['unknown dialect', { endpoint: ENDPOINT, topics: ['SessionCreated'], dialect: 'xml' }, '/dialect'],
    ['secret too short', { endpoint: ENDPOINT, topics: ['SessionCreated'], secret: 'short' }, '/secret'],
    ['hierarchy element without id', { endpoint: ENDPOINT, topics: ['PlaceUpdated'], hierarchyElements: [{ className: 'Campus' }] }, '/hierarchyElements/0'],
    ['includeChildrenEvents "yes"', { endpoint: ENDPOINT, topics: ['PlaceUpdated'], includeChildrenEvents: 'yes' }, '/includeChildrenEvents'],
  ];

  it.each(cases)('%s', async (_name, body, path) => {
    const { http, platform } = makeApp();
    const res = await http.post('/webhooks').send(body as object);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ status: 'error', code: 400 });
    expect(Array.isArray(res.body.errors) && res.body.errors.length > 0, `violations expected: ${JSON.stringify(res.body)}`).toBe(true);
    expect(res.body.errors.some((e: { path: string }) => e.path.startsWith(path)), JSON.stringify(res.body.errors)).toBe(true);
    expect(platform.store.subscriptions.size).toBe(0);
    expect((await http.get('/webhooks')).body.data).toEqual([]);
  });

  it('a body that is not an object, or carries __proto__, is a 400 and stores nothing', async () => {
    const { http, platform } = makeApp();
    for (const raw of ['[]', '"x"', '{"endpoint":"http://127.0.0.1:1/h","topics":["SessionCreated"],"__proto__":{"x":1}}']) {
      const res = await http.post('/webhooks').set('content-type', 'application/json').send(raw);
      expect(res.status, `${raw}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body).toMatchObject({ status: 'error', code: 400 });
    }
    expect(platform.store.subscriptions.size).toBe(0);
  });

  it('a bad PUT leaves the stored subscription as it was', async () => {
    const { http } = makeApp();
    const id = await subscribe(http, { endpoint: ENDPOINT, topics: ['SessionCreated'] });
    const before = (await http.get(`/webhooks/${id}`)).body;
    const res = await http.put(`/webhooks/${id}`).send({ endpoint: 'not a url', topics: ['SessionCreated'] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/endpoint' })]);
    expect((await http.get(`/webhooks/${id}`)).body).toEqual(before);
  });
});

describe('ownership (access control on)', () => {
  it('each caller sees and manages only its own subscriptions; an admin sees all', async () => {
    const { http } = makeAuthApp();
    const mine = await subscribe(http, { endpoint: ENDPOINT, topics: ['SessionCreated'] }, actor('sp-sp0001'));
    const theirs = await subscribe(http, { endpoint: ENDPOINT, topics: ['SessionCreated'] }, actor('sp-red-parking'));
    const ids = async (client: string) => (await http.get('/webhooks').set(actor(client))).body.data.map((s: any) => s.id).sort();
    expect(await ids('sp-sp0001')).toEqual([mine]);
    expect(await ids('sp-red-parking')).toEqual([theirs]);
    expect(await ids('ad-npp')).toEqual([mine, theirs].sort());
    expect((await http.get(`/webhooks/${theirs}`).set(actor('sp-sp0001'))).status).toBe(404);
    expect((await http.put(`/webhooks/${theirs}`).set(actor('sp-sp0001')).send({ endpoint: ENDPOINT, topics: ['PlaceUpdated'] })).status).toBe(404);
    expect((await http.delete(`/webhooks/${theirs}`).set(actor('sp-sp0001'))).status).toBe(404);
    expect((await http.get(`/webhooks/${theirs}`).set(actor('sp-red-parking'))).body.topics).toEqual(['SessionCreated']);
    // The owner stays the one who subscribed, even when an admin replaces the subscription.
    expect((await http.put(`/webhooks/${theirs}`).set(actor('ad-npp')).send({ endpoint: ENDPOINT, topics: ['SessionUpdated'] })).status).toBe(200);
    expect((await http.get(`/webhooks/${theirs}`).set(actor('sp-red-parking'))).body).toMatchObject({ topics: ['SessionUpdated'], owner: { clientId: 'sp-red-parking' } });
  });

  it('subscriptions from the clients file (notificationEndpoints) are listed with source client-config and cannot be replaced through the API', async () => {
    const clients: Client[] = DEV_CLIENTS.map((c) => (c.clientId === 'sp-sp0001' ? { ...c, notificationEndpoints: { SessionCreated: `${ENDPOINT}/sessions/new`, SessionUpdated: `${ENDPOINT}/sessions/updated` } } : c));
    const { http } = makeAuthApp({ clients });
    const list = (await http.get('/webhooks').set(actor('sp-sp0001'))).body.data;
    expect(list.map((s: any) => [s.id, s.source, s.endpoint, s.topics, s.method, s.envelope])).toEqual([
      ['client:sp-sp0001:SessionCreated', 'client-config', `${ENDPOINT}/sessions/new`, ['SessionCreated'], 'PUT', 'bare'],
      ['client:sp-sp0001:SessionUpdated', 'client-config', `${ENDPOINT}/sessions/updated`, ['SessionUpdated'], 'PUT', 'bare'],
    ]);
    expect((await http.get('/webhooks').set(actor('sp-red-parking'))).body.data).toEqual([]);
    const put = await http.put('/webhooks/client:sp-sp0001:SessionCreated').set(actor('sp-sp0001')).send({ endpoint: ENDPOINT, topics: ['SessionCreated'] });
    expect(put.status).toBe(400);
    expect(put.body.message).toMatch(/clients file/);
  });
});

describe('deleting a subscription', () => {
  it('stops its deliveries and drops what waited for it (logged as dropped)', async () => {
    const { http, platform } = makeApp({ delivery: { baseDelayMs: 1000, random: () => 0 } });
    const down = await receiver({ mode: 'error', status: 503 });
    const id = await subscribe(http, { endpoint: `${down.url}/hooks`, topics: ['PlaceUpdated'] });
    await bumpPlace(http, DEANSGATE);
    await bumpPlace(http, ARNDALE);
    await bumpPlace(http, DEANSGATE);
    await down.waitFor(() => true, 1);
    expect(platform.dispatcher.backlog()).toEqual({ [id]: 3 });

    expect((await http.delete(`/webhooks/${id}`)).status).toBe(200);
    const attemptsBeforeDelete = down.received.length;
    expect(platform.dispatcher.backlog()).toEqual({});
    const log = (await http.get(`/__admin/deliveries?subscription=${id}`)).body;
    const dropped = log.entries.filter((e: any) => e.outcome === 'dropped');
    expect(dropped.map((e: any) => [e.resourceId, e.error])).toEqual([
      [DEANSGATE, 'subscription deleted'],
      [ARNDALE, 'subscription deleted'],
      [DEANSGATE, 'subscription deleted'],
    ]);
    expect(log.counters.dropped).toBe(3);

    await down.mode('ok');
    await bumpPlace(http, ARNDALE);
    await settle(platform);
    await sleep(800); // past the retry (after 500 ms) the deleted subscription had scheduled
    expect(down.received).toHaveLength(attemptsBeforeDelete); // nothing after the delete (normally just the first attempt)
  });
});

describe('replacing a subscription', () => {
  it('was BUG-W6: events still waiting when PUT moves the endpoint go to the new endpoint, not to the old (dead) one', async () => {
    const { http, platform } = makeApp({ delivery: { baseDelayMs: 200, random: () => 0, maxAttempts: 3 } });
    const old = await receiver({ mode: 'error', status: 503 });
    const moved = await receiver();
    const id = await subscribe(http, { endpoint: `${old.url}/old`, topics: ['PlaceUpdated'] });
    await bumpPlace(http, DEANSGATE);
    await old.waitFor(() => true, 1);
    expect((await http.put(`/webhooks/${id}`).send({ endpoint: `${moved.url}/new`, topics: ['PlaceUpdated'] })).status).toBe(200);
    await settle(platform);
    // Actual: the queued event keeps retrying the old endpoint until it is given up (failed); the new one hears nothing.
    expect(platform.deliveries.counters.failed).toBe(0);
    expect(moved.delivered().map((d) => d.body.id)).toEqual([DEANSGATE]);
  });
});

describe('removing a client', () => {
  it("stops the removed client's subscriptions (API and clients file) for later events", async () => {
    const hooks = await receiver();
    const clients: Client[] = DEV_CLIENTS.map((c) => (c.clientId === 'ep-mcr-enforcement' ? { ...c, notificationEndpoints: { AssignedRightCreated: `${hooks.url}/config` } } : c));
    const { http, platform } = makeAuthApp({ clients });
    await subscribe(http, { endpoint: `${hooks.url}/api`, topics: ['AssignedRightCreated'] }, actor('ep-mcr-enforcement'));
    const session = (id: string, segment: string) => ({ ...payload('uc2-1-session-e2089853.json'), id, segments: [{ ...payload('uc2-1-session-e2089853.json').segments[0], id: segment }] });

    expect((await http.post('/sessions').set(actor('sp-red-parking')).send(session(UC2_SESSION, 'seg-1'))).status).toBe(201);
    await settle(platform);
    expect(hooks.received.map((r) => r.path).sort()).toEqual(['/api', '/config']);

    expect((await http.delete('/__admin/clients/ep-mcr-enforcement')).status).toBe(200);
    expect((await http.get('/webhooks').set(actor('ad-npp'))).body.data.some((s: any) => s.id.startsWith('client:ep-mcr-enforcement'))).toBe(false);
    expect((await http.post('/sessions').set(actor('sp-red-parking')).send(session('uc2-second-session', 'seg-2'))).status).toBe(201);
    await settle(platform);
    expect(hooks.received).toHaveLength(2);
  });

  it("was BUG-W2: events already queued for a removed client are not delivered after its removal", async () => {
    const hooks = await receiver({ mode: 'error', status: 503 });
    const { http, platform } = makeAuthApp({ delivery: { baseDelayMs: 300, random: () => 0 } });
    await subscribe(http, { endpoint: `${hooks.url}/api`, topics: ['AssignedRightCreated'] }, actor('ep-mcr-enforcement'));
    expect((await http.post('/sessions').set(actor('sp-red-parking')).send(payload('uc2-1-session-e2089853.json'))).status).toBe(201);
    await hooks.waitFor(() => true, 1);
    expect((await http.delete('/__admin/clients/ep-mcr-enforcement')).status).toBe(200);
    await hooks.mode('ok');
    await settle(platform);
    // Expected: the removed client's queue is dropped (as DELETE /webhooks/{id} does) and nothing reaches it.
    expect(hooks.delivered()).toEqual([]);
    expect(platform.dispatcher.backlog()).toEqual({});
  });
});

describe('clients added or restored at run time', () => {
  it('a client added through /__admin/clients with notificationEndpoints is notified at once', async () => {
    const hooks = await receiver();
    const { http, platform } = makeAuthApp();
    const added = await http.post('/__admin/clients').send({
      clientId: 'sp-late',
      clientSecret: 'late-dev-secret',
      accessToken: 'late-token-0001',
      roles: ['sp'],
      organisation: 'SP0001',
      notificationEndpoints: { SessionCreated: `${hooks.url}/late/sessions/new` },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect((await http.get('/webhooks/client:sp-late:SessionCreated').set(actor('ad-npp'))).body).toMatchObject({ source: 'client-config', owner: { clientId: 'sp-late' } });
    expect((await http.post('/rights/assigned').set(actor('sp-sp0001')).send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').set(actor('po-mcc')).send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    await settle(platform);
    expect(hooks.delivered().map((d) => `${d.method} ${d.path} ${d.headers['x-npp-topic']}`)).toEqual(['PUT /late/sessions/new SessionCreated']);
  });

  it("was BUG-W5: restoring a state (PUT /__admin/state) keeps the clients file's notification endpoints", async () => {
    const hooks = await receiver();
    const clients: Client[] = DEV_CLIENTS.map((c) => (c.clientId === 'sp-sp0001' ? { ...c, notificationEndpoints: { SessionCreated: `${hooks.url}/sessions/new` } } : c));
    const { http, platform } = makeAuthApp({ clients });
    // A state saved by another run, whose clients had no (or other) notification endpoints.
    const saved = makeApp().platform.dump();
    expect((await http.put('/__admin/state').send(saved)).status).toBe(200);
    expect((await http.post('/rights/assigned').set(actor('sp-sp0001')).send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').set(actor('po-mcc')).send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    await settle(platform);
    expect(hooks.delivered().map((d) => d.path)).toEqual(['/sessions/new']);
  });
});

describe('a subscription without credentials while access control is on', () => {
  it('is refused (401) for data topics, stores nothing, and hears nothing (E43)', async () => {
    const hooks = await receiver();
    const { http, platform } = makeAuthApp();
    const res = await http.post('/webhooks').send({ endpoint: `${hooks.url}/anon`, topics: ['PlaceUpdated', 'AssignedRightCreated'] });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.message).toMatch(/needs credentials/);
    expect([...platform.store.subscriptions.values()].filter((s) => s.source === 'api')).toEqual([]);
    await bumpPlace(http, DEANSGATE, actor('po-mcc'));
    expect((await http.post('/rights/assigned').set(actor('sp-sp0001')).send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    await settle(platform);
    expect(hooks.received).toEqual([]);
  });

  it('may subscribe to SystemEvents alone, and hears system alerts', async () => {
    const hooks = await receiver();
    const { http, platform } = makeAuthApp();
    const id = await subscribe(http, { endpoint: `${hooks.url}/alerts`, topics: ['SystemEvents'] });
    expect((await http.get(`/webhooks/${id}`).set(actor('ad-npp'))).body.owner).toMatchObject({ clientId: 'anonymous', roles: [] });
    const alert = { timestamp: '2023-06-25T10:35:00Z', type: 'triggered', affectedSystem: 'NPP', metric: 'npp.api.responsetime.average', impact: ['responseTime'] };
    expect((await http.post('/observability/events').send(alert)).status).toBe(200);
    await settle(platform);
    expect(hooks.delivered().map((d) => `${d.method} ${d.path} ${d.headers['x-npp-topic']}`)).toEqual(['PUT /alerts SystemEvents']);
  });
});
