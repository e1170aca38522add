// Who hears of what: a subscriber is only told of objects it may read (tenancy of mock/auth/tenancy.ts, decided
// with the subscriber's credentials), and only of the places it named (and the places below them with
// includeChildrenEvents). UC4: the SP whose assigned right a session uses — and only that SP — gets the
// session at its notification endpoints (clients file), as PUT of the bare session.
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../mock/auth/clients.js';
import { makeApp } from './support/app.js';
import { actor, DEV_CLIENTS, makeAuthApp } from './support/auth.js';
import { payload } from './support/payloads.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { ANPR_PLACE, ARNDALE, bumpPlace, CAMPUS, DEANSGATE, settle, subscribe, UC2_PLACE, UC2_SESSION, UC4_RIGHT, UC4_SESSION } from './support/webhooks.js';

const receivers: Receiver[] = [];
async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const CLIENTS = ['sp-sp0001', 'sp-red-parking', 'po-mcc', 'po-qpark', 'ep-mcr-enforcement', 'ad-npp'] as const;

/** Who got which topic about which object: "client topic id". */
const heard = (r: Receiver) => r.delivered().map((d) => `${d.path.slice(1)} ${d.headers['x-npp-topic']} ${d.body.id}`).sort();

describe('tenancy: nobody is notified of what they may not read', () => {
  it("UC4's right and session (SP0001's right at MCC's 220001) reach SP0001, MCC, MCC's enforcement and the admin, not RED Parking or Q-Park", async () => {
    const hooks = await receiver();
    const { http, platform } = makeAuthApp();
    for (const client of CLIENTS) await subscribe(http, { endpoint: `${hooks.url}/${client}`, topics: ['AssignedRightCreated', 'SessionCreated', 'SessionUpdated'] }, actor(client));

    expect((await http.post('/rights/assigned').set(actor('sp-sp0001')).send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').set(actor('po-mcc')).send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    expect((await http.put(`/sessions/${UC4_SESSION}`).set(actor('po-mcc')).send(payload('uc4-5-session-fe5eea6a-completed.json'))).status).toBe(200);
    await settle(platform);

    const expected = ['sp-sp0001', 'po-mcc', 'ep-mcr-enforcement', 'ad-npp'].flatMap((c) => [`${c} AssignedRightCreated ${UC4_RIGHT}`, `${c} SessionCreated ${UC4_SESSION}`, `${c} SessionUpdated ${UC4_SESSION}`]);
    expect(heard(hooks)).toEqual(expected.sort());
  });

  it("a second SP's SessionCreated subscription does not receive sessions that use SP0001's right, and the other way round", async () => {
    const hooks = await receiver();
    const { http, platform } = makeAuthApp();
    await subscribe(http, { endpoint: `${hooks.url}/sp-sp0001`, topics: ['SessionCreated', 'AssignedRightCreated'] }, actor('sp-sp0001'));
    await subscribe(http, { endpoint: `${hooks.url}/sp-red-parking`, topics: ['SessionCreated', 'AssignedRightCreated'] }, actor('sp-red-parking'));

    expect((await http.post('/rights/assigned').set(actor('sp-sp0001')).send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').set(actor('po-mcc')).send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    // UC2: RED Parking's session at 001702e7; the platform creates its assigned right.
    expect((await http.post('/sessions').set(actor('sp-red-parking')).send(payload('uc2-1-session-e2089853.json'))).status).toBe(201);
    await settle(platform);

    const got = heard(hooks);
    expect(got.filter((h) => h.startsWith('sp-sp0001 '))).toEqual([`sp-sp0001 AssignedRightCreated ${UC4_RIGHT}`, `sp-sp0001 SessionCreated ${UC4_SESSION}`]);
    const red = got.filter((h) => h.startsWith('sp-red-parking '));
    expect(red).toHaveLength(2);
    expect(red).toContain(`sp-red-parking SessionCreated ${UC2_SESSION}`);
    expect(red.some((h) => h.startsWith('sp-red-parking AssignedRightCreated '))).toBe(true);
    expect(got.some((h) => h.includes(UC4_RIGHT) && h.startsWith('sp-red-parking'))).toBe(false);
  });

  it('UC4 through the clients file: the SP whose right the session uses gets PUT /sessions/new and /sessions/updated with the bare session; another SP with endpoints gets nothing', async () => {
    const hooks = await receiver();
    const clients: Client[] = DEV_CLIENTS.map((c) =>
      c.clientId === 'sp-sp0001'
        ? { ...c, notificationEndpoints: { SessionCreated: `${hooks.url}/sp0001/sessions/new`, SessionUpdated: `${hooks.url}/sp0001/sessions/updated` } }
        : c.clientId === 'sp-red-parking'
          ? { ...c, notificationEndpoints: { SessionCreated: `${hooks.url}/red/sessions/new`, SessionUpdated: `${hooks.url}/red/sessions/updated` } }
          : c,
    );
    const { http, platform } = makeAuthApp({ clients });
    expect((await http.post('/rights/assigned').set(actor('sp-sp0001')).send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').set(actor('po-mcc')).send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    await settle(platform);
    const created = (await http.get(`/sessions/${UC4_SESSION}`).set(actor('sp-sp0001'))).body;
    expect((await http.put(`/sessions/${UC4_SESSION}`).set(actor('po-mcc')).send(payload('uc4-5-session-fe5eea6a-completed.json'))).status).toBe(200);
    await settle(platform);
    const completed = (await http.get(`/sessions/${UC4_SESSION}`).set(actor('sp-sp0001'))).body;

    expect(hooks.received.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /sp0001/sessions/new', 'PUT /sp0001/sessions/updated']);
    const [neu, upd] = hooks.received;
    expect(neu!.headers['x-npp-topic']).toBe('SessionCreated');
    expect(neu!.headers['x-npp-subscription-id']).toBe('client:sp-sp0001:SessionCreated');
    expect(neu!.body).toEqual(created);
    expect(neu!.body).toMatchObject({ id: UC4_SESSION, hierarchyElement: { id: ANPR_PLACE }, segments: [{ assignedRight: { id: UC4_RIGHT } }] });
    expect(neu!.body).not.toHaveProperty('actualEnd');
    expect(upd!.body).toEqual(completed);
    expect(upd!.body).toMatchObject({ actualEnd: '2021-11-01T17:23:01Z', segments: [{ financialTransactions: [{ segmentValue: 10.8 }] }] });

    // RED Parking's own session (UC2) goes to RED's endpoint only.
    expect((await http.post('/sessions').set(actor('sp-red-parking')).send(payload('uc2-1-session-e2089853.json'))).status).toBe(201);
    await settle(platform);
    expect(hooks.received.map((r) => r.path)).toEqual(['/sp0001/sessions/new', '/sp0001/sessions/updated', '/red/sessions/new']);
    expect(hooks.received[2]!.body.id).toBe(UC2_SESSION);
  });
});

describe('place scope', () => {
  it('hierarchyElements without includeChildrenEvents: only the places named; with it: also the places below', async () => {
    const hooks = await receiver();
    const { http, platform } = makeApp();
    await subscribe(http, { endpoint: `${hooks.url}/campus-only`, topics: ['PlaceUpdated'], hierarchyElements: [{ id: CAMPUS }] });
    await subscribe(http, { endpoint: `${hooks.url}/campus-and-children`, topics: ['PlaceUpdated'], hierarchyElements: [{ id: CAMPUS }], includeChildrenEvents: true });
    await subscribe(http, { endpoint: `${hooks.url}/campus-and-children-string`, topics: ['PlaceUpdated'], hierarchyElements: [{ id: CAMPUS }], includeChildrenEvents: 'true' });
    await subscribe(http, { endpoint: `${hooks.url}/deansgate`, topics: ['PlaceUpdated'], hierarchyElements: [{ id: DEANSGATE }], includeChildrenEvents: true });
    await subscribe(http, { endpoint: `${hooks.url}/everywhere`, topics: ['PlaceUpdated'] });

    await bumpPlace(http, DEANSGATE);
    await bumpPlace(http, CAMPUS);
    await bumpPlace(http, 'gb-bury-radcliffe-pr'); // no parent: outside the campus
    await settle(platform);

    expect(heard(hooks)).toEqual(
      [
        `campus-only PlaceUpdated ${CAMPUS}`,
        `campus-and-children PlaceUpdated ${DEANSGATE}`,
        `campus-and-children PlaceUpdated ${CAMPUS}`,
        `campus-and-children-string PlaceUpdated ${DEANSGATE}`,
        `campus-and-children-string PlaceUpdated ${CAMPUS}`,
        `deansgate PlaceUpdated ${DEANSGATE}`,
        `everywhere PlaceUpdated ${DEANSGATE}`,
        `everywhere PlaceUpdated ${CAMPUS}`,
        'everywhere PlaceUpdated gb-bury-radcliffe-pr',
      ].sort(),
    );
  });

  it('sessions and assigned rights are scoped by their place (the session\'s, the right specification\'s)', async () => {
    const hooks = await receiver();
    const { http, platform } = makeApp();
    const topics = ['AssignedRightCreated', 'SessionCreated'];
    await subscribe(http, { endpoint: `${hooks.url}/anpr`, topics, hierarchyElements: [{ id: ANPR_PLACE }] });
    await subscribe(http, { endpoint: `${hooks.url}/campus`, topics, hierarchyElements: [{ id: CAMPUS }] });
    await subscribe(http, { endpoint: `${hooks.url}/campus-children`, topics, hierarchyElements: [{ id: CAMPUS }], includeChildrenEvents: true });
    await subscribe(http, { endpoint: `${hooks.url}/arndale-children`, topics, hierarchyElements: [{ id: ARNDALE }], includeChildrenEvents: true });

    expect((await http.post('/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    await settle(platform);

    expect(heard(hooks)).toEqual(
      [`anpr AssignedRightCreated ${UC4_RIGHT}`, `anpr SessionCreated ${UC4_SESSION}`, `campus-children AssignedRightCreated ${UC4_RIGHT}`, `campus-children SessionCreated ${UC4_SESSION}`].sort(),
    );
    // UC2's session at 001702e7 (also below the campus) with its auto-created right.
    hooks.clear();
    expect((await http.post('/sessions').send(payload('uc2-1-session-e2089853.json'))).status).toBe(201);
    await settle(platform);
    expect(hooks.delivered().map((d) => `${d.path.slice(1)} ${d.headers['x-npp-topic']}`).sort()).toEqual(['campus-children AssignedRightCreated', 'campus-children SessionCreated']);
    expect(hooks.delivered().find((d) => d.headers['x-npp-topic'] === 'SessionCreated')!.body.hierarchyElement.id).toBe(UC2_PLACE);
  });

  it('was BUG-W1: PlaceDeleted of a child place reaches a subscription to its parent with includeChildrenEvents', async () => {
    const hooks = await receiver();
    const { http, platform } = makeApp();
    await subscribe(http, { endpoint: `${hooks.url}/campus-children`, topics: ['PlaceUpdated', 'PlaceDeleted'], hierarchyElements: [{ id: CAMPUS }], includeChildrenEvents: true });
    await bumpPlace(http, ARNDALE);
    expect((await http.delete(`/places/${ARNDALE}`)).status).toBe(200);
    await settle(platform);
    // Updated is delivered (the place is still in the store when the event fans out) …
    expect(hooks.delivered()[0]!.headers['x-npp-topic']).toBe('PlaceUpdated');
    // … Deleted should be too: the deleted place's parentId says it was below the campus.
    expect(heard(hooks)).toEqual([`campus-children PlaceDeleted ${ARNDALE}`, `campus-children PlaceUpdated ${ARNDALE}`]);
  });
});
