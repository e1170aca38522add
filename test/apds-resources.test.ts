// The APDS resources the NPP does not use, served as extensions: /observations (versioned resource, ep writes),
// /quotes (priced from the rate tables; a right assigned from a quote), /contacts (APDS 4.0 organisations).
import { afterEach, describe, expect, it } from 'vitest';
import { priceStay } from '../mock/resources/pricing.js';
import { schemaRegistry } from '../spec/index.js';
import { makeApp, snapshot } from './support/app.js';
import { actor, makeAuthApp } from './support/auth.js';
import { ANPR_SPEC, ARNDALE_PLACE, ARNDALE_RATE, ARNDALE_SPEC, contact, DEANSGATE, HOUR, iso, observation, plate, quoteRequest, SEED_NOW_MS } from './support/apds.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { settle, subscribe } from './support/webhooks.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('/observations', () => {
  it('stores an observation (201) and fills observerOrganisation and creationDateTime; images and the vehicle only on expand', async () => {
    const { http } = makeAuthApp();
    const ep = actor('ep-mcr-enforcement');
    const res = await http.post('/observations').set(ep).send(observation('obs-1'));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'ok', code: 201, message: 'observation obs-1 created' });
    const read = await http.get('/observations/obs-1').set(actor('sp-sp0001'));
    expect(read.status).toBe(200);
    const { images: _i, vehicleAncilliaryIdentification: _v, ...core } = observation('obs-1');
    expect(read.body).toEqual({ ...core, creationDateTime: '2023-06-25T10:35:00.000Z', observerOrganisation: { id: 'MCR-ENFORCEMENT', version: 1, className: 'Organisation' } });
    const all = await http.get('/observations/obs-1?expand=all').set(ep);
    expect(all.body.images).toEqual(observation('obs-1').images);
    expect(all.body.vehicleAncilliaryIdentification).toEqual({ country: 'gb', make: 'Ford', color: 'blue' });
    expect(all.body.hierarchyElement).toMatchObject({ id: DEANSGATE, type: 'parkingPlace' });
  });

  it('stores an observation set, recognised by observationElements', async () => {
    const { http } = makeApp();
    const set = { id: 'set-1', version: 1, observationElements: [observation('set-1-a'), observation('set-1-b', { method: 'chalk', observedCredentialId: 'AB12 XYZ' })] };
    expect((await http.post('/observations').send(set)).status).toBe(201);
    const read = await http.get('/observations/set-1?expand=images');
    expect(read.body.creator).toEqual({ id: 'anonymous', version: 1, className: 'Organisation' });
    expect(read.body.observationElements.map((e: any) => [e.id, e.method, e.images?.length])).toEqual([['set-1-a', 'anpr', 1], ['set-1-b', 'chalk', 1]]);
    expect((await http.get('/observations?credential_id=ab12xyz')).body.data.map((o: any) => o.id)).toEqual(['set-1']);
  });

  it('filters by place (with descendants), credential, type, method, time window and distance', async () => {
    const { http } = makeApp();
    await http.post('/observations').send(observation('deansgate-anpr')).expect(201);
    await http.post('/observations').send(observation('arndale-chalk', { method: 'chalk', type: undefined, observedCredentialId: 'XY99 ZZZ', elementIds: { id: ARNDALE_PLACE, version: 1 }, location: { observerLocation: { pointCoordinates: { epsgCode: 'EPSG:27700', x: 384200, y: 398600 } } }, observationStartTime: '2023-06-24T08:00:00Z', observationEndTime: undefined })).expect(201);
    const ids = async (query: string) => (await http.get(`/observations${query}`)).body.data.map((o: any) => o.id);
    expect(await ids('')).toEqual(['deansgate-anpr', 'arndale-chalk']);
    expect(await ids(`?place=${DEANSGATE}`)).toEqual(['deansgate-anpr']);
    expect(await ids('?place=bc2b7fdd-b83b-4fcc-a05e-4e42f123c041')).toEqual(['deansgate-anpr', 'arndale-chalk']); // the campus above both
    expect(await ids('?credential_id=bd18smr')).toEqual(['deansgate-anpr']);
    expect(await ids('?method=chalk')).toEqual(['arndale-chalk']);
    expect(await ids('?credential_type=licensePlate')).toEqual(['deansgate-anpr']);
    expect(await ids(`?start_after=${Date.parse('2023-06-25T00:00:00Z') / 1000}`)).toEqual(['deansgate-anpr']);
    expect(await ids(`?end_before=${Date.parse('2023-06-25T00:00:00Z') / 1000}`)).toEqual(['arndale-chalk']);
    // Deansgate's observed point; Arndale's observation only has projected coordinates, so its place's point counts.
    expect(await ids('?latitude=53.4829&longitude=-2.2446&radius=50')).toEqual(['deansgate-anpr']);
    expect((await http.get('/observations?method=drone')).status).toBe(400);
  });

  it('versions, merge-patches and logically deletes like every resource', async () => {
    const { http } = makeApp();
    await http.post('/observations').send(observation('obs-v')).expect(201);
    const since = Math.floor(SEED_NOW_MS / 1000);
    expect((await http.put('/observations/obs-v').send(observation('obs-v', { version: 2, observer: 'officer 12' }))).status).toBe(200);
    expect((await http.put('/observations/obs-v').send(observation('obs-v', { version: 1 }))).status).toBe(409);
    expect((await http.get('/observations/obs-v?version=1')).body.observer).toBe('camera DG-03');
    const patched = await http.patch('/observations/obs-v').send({ description: { en: 'plate partly hidden' } });
    expect(patched.status).toBe(200);
    const read = await http.get('/observations/obs-v');
    expect(read.body).toMatchObject({ version: 2, observer: 'officer 12', description: [{ language: 'en', string: 'plate partly hidden' }], creationDateTime: '2023-06-25T10:35:00.000Z' });
    expect((await http.delete('/observations/obs-v')).status).toBe(200);
    expect((await http.get('/observations/obs-v')).status).toBe(404);
    const changes = await http.get(`/observations?modified_since=${since}`);
    expect(changes.body.deletedReferences).toEqual([{ id: 'obs-v', className: 'Observation', deleteTimestamp: '2023-06-25T10:35:00.000Z' }]);
  });

  it('refuses bad observations with 400 (409 for a taken id), changing nothing', async () => {
    const { http, platform, unexpected } = makeApp();
    await http.post('/observations').send(observation('taken')).expect(201);
    const before = snapshot(platform);
    const { location: _l, ...noLocation } = observation('x');
    const cases: Array<[unknown, number, string]> = [
      [observation('x', { method: 'telepathy' }), 400, '/method'],
      [noLocation, 400, '/'],
      [observation('x', { location: { observedLocation: { type: 'Point', coordinates: [1, 2] } } }), 400, '/location'],
      [observation('x', { observationStartTime: 'this morning' }), 400, '/observationStartTime'],
      [observation('x', { elementIds: { id: 'nowhere', version: 1 } }), 400, '/elementIds/id'],
      [observation('x', { observationEndTime: '2023-06-25T09:00:00Z' }), 400, '/observationEndTime'],
      [{ id: 'x', version: 1, observationElements: [] }, 400, '/observationElements'],
      [{ id: 'x', version: 1, observationElements: [observation('e'), observation('e')] }, 400, '/observationElements'],
      [observation('taken'), 409, ''],
    ];
    for (const [body, status, path] of cases) {
      const res = await http.post('/observations').send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (path) expect(res.body.errors.map((e: any) => e.path), JSON.stringify(res.body)).toContain(path);
    }
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });

  it('lets enforcement write only its own observations; other roles read', async () => {
    const { http } = makeAuthApp();
    const ep = actor('ep-mcr-enforcement');
    await http.post('/__admin/clients').send({ clientId: 'ep-other', clientSecret: 'other-secret', accessToken: 'other-ep-token', roles: ['ep'], organisation: 'OTHER-ENFORCEMENT' }).expect(201);
    const other = { 'X-MCC-Access-Token': 'other-ep-token' };
    await http.post('/observations').set(ep).send(observation('mine')).expect(201);
    expect((await http.put('/observations/mine').set(other).send(observation('mine', { version: 2 }))).status).toBe(403);
    expect((await http.delete('/observations/mine').set(other)).status).toBe(403);
    expect((await http.post('/observations').set(actor('po-mcc')).send(observation('po'))).status).toBe(403);
    expect((await http.get('/observations').set(actor('po-mcc'))).body.meta.total).toBe(1);
    expect((await http.put('/observations/mine').set(ep).send(observation('mine', { version: 2 }))).status).toBe(200);
  });

  it('notifies ObservationCreated subscribers of the observation\'s place', async () => {
    const { http, platform } = makeApp();
    receiver = await startReceiver();
    await subscribe(http, { endpoint: `${receiver.url}/deansgate`, topics: ['ObservationCreated'], hierarchyElements: [{ id: DEANSGATE }] });
    await subscribe(http, { endpoint: `${receiver.url}/arndale`, topics: ['ObservationCreated'], hierarchyElements: [{ id: ARNDALE_PLACE }] });
    await http.post('/observations').send(observation('seen')).expect(201);
    await settle(platform);
    expect(receiver.received.map((r) => [r.path, r.headers['x-npp-topic'], r.body.id])).toEqual([['/deansgate', 'ObservationCreated', 'seen']]);
    expect(receiver.received[0]!.body.images).toBeUndefined();
    platform.close();
  });
});

describe('/quotes: pricing from the rate table', () => {
  const arndale = (app: ReturnType<typeof makeApp>) => app.platform.store.rates.get(ARNDALE_RATE)!;
  const at = Date.parse('2023-06-25T11:00:00Z');

  it('walks the Arndale table: 3.70 the first hour, then +3.00, +2.50, +3.00, +3.00, then 5.30 up to 24 h (repeated after)', () => {
    const rate = arndale(makeApp());
    const price = (hours: number) => {
      const outcome = priceStay(rate, at, hours * HOUR);
      if (!('price' in outcome)) throw new Error(outcome.unavailable);
      return outcome.price.currencyValue;
    };
    expect([0.25, 1, 1.01, 2, 3, 4, 5, 5.5, 6, 24].map(price)).toEqual([3.7, 3.7, 6.7, 6.7, 9.2, 12.2, 15.2, 20.5, 20.5, 20.5]);
    expect(price(25)).toBe(24.2);
    expect(price(48)).toBe(41);
    expect(priceStay(rate, at, 2 * HOUR)).toEqual({ price: { currencyType: 'GBP', currencyValue: 6.7, taxIncluded: true } });
  });

  it('answers a right quote with one response per period, each option priced, expiring 15 minutes after (mock clock)', async () => {
    const { http, platform } = makeApp();
    const res = await http.post('/quotes').send(quoteRequest('q-arndale', { timePeriods: ['PT30M', 'PT6H'] }));
    expect(res.status).toBe(200);
    expect(res.body.meta).toMatchObject({ total: 3 });
    const [twoHours, halfHour, sixHours] = res.body.data;
    expect(twoHours).toEqual({
      id: expect.any(String),
      version: 1,
      start: '2023-06-25T11:00:00.000Z',
      end: '2023-06-25T13:00:00.000Z',
      requestTime: '2023-06-25T10:35:00Z',
      quoteRequestId: { id: 'q-arndale', version: 1, className: 'QuoteRightRequest' },
      responseTime: '2023-06-25T10:35:00.000Z',
      'x-quoteType': 'QuoteRightResponse',
      options: [
        {
          id: expect.any(String),
          version: 1,
          elementId: { id: ARNDALE_PLACE, version: 1, className: 'HierarchyElement' },
          boolean: true,
          quoteExpiration: { expiresDateTime: '2023-06-25T10:50:00.000Z', firstComeFirstServed: true },
          financialQuote: { taxIncluded: true, value: { currencyType: 'GBP', currencyValue: 6.7 } },
          identifiers: [{ rateTableId: { id: ARNDALE_RATE, version: 1, className: 'RateTable' }, rightSpecificationId: { id: ARNDALE_SPEC, version: 1, className: 'RightSpecification' } }],
        },
      ],
    });
    expect(halfHour.options[0].financialQuote.value.currencyValue).toBe(3.7);
    expect(sixHours).toMatchObject({ end: '2023-06-25T17:00:00.000Z', options: [{ financialQuote: { value: { currencyValue: 20.5 } } }] });
    expect(platform.store.quotes.size).toBe(4); // the request and its three responses
  });

  it('answers a reason instead of options when nothing can be priced', async () => {
    const { http } = makeApp();
    const reasonOf = async (id: string, overrides: Record<string, unknown>) => {
      const res = await http.post('/quotes').send(quoteRequest(id, overrides));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data[0].options).toBeUndefined();
      return res.body.data[0].reason;
    };
    const spec = (id: string, place?: string) => [{ rightSpecificationId: { id, version: 1 }, ...(place ? { elementId: { id: place, version: 1 } } : {}) }];
    expect(await reasonOf('unknown-spec', { referencedRightSpecifications: spec('no-such-spec') })).toBe('noMatchingSpecification');
    expect(await reasonOf('wrong-version', { referencedRightSpecifications: [{ rightSpecificationId: { id: ARNDALE_SPEC, version: 7 } }] })).toBe('noMatchingSpecification');
    expect(await reasonOf('wrong-place', { referencedRightSpecifications: spec(ARNDALE_SPEC, DEANSGATE) })).toBe('noMatchingSpecification');
    expect(await reasonOf('after-expiry', { periodStart: '2025-12-31T22:00:00Z', periodEnd: '2026-01-01T02:00:00Z' })).toBe('rightSpecificationNotAvailableAtRequestedTimes');
    expect(await reasonOf('no-rate', { referencedRightSpecifications: spec(ANPR_SPEC) })).toBe('other');
  });

  it('refuses bad quote requests with 400 (409 for a taken id), changing nothing', async () => {
    const { http, platform, unexpected } = makeApp();
    await http.post('/quotes').send(quoteRequest('taken')).expect(200);
    const before = snapshot(platform);
    const cases: Array<[unknown, number, RegExp]> = [
      [undefined, 400, /body is missing/],
      [quoteRequest('x', { periodEnd: undefined }), 400, /give periodEnd or timePeriods/],
      [quoteRequest('x', { periodEnd: '2023-06-25T10:00:00Z' }), 400, /must be after periodStart/],
      [quoteRequest('x', { periodEnd: undefined, timePeriods: ['PT0M'] }), 400, /longer than zero/],
      [quoteRequest('x', { timePeriods: ['two hours'] }), 400, /not a valid QuoteRightRequest/],
      [quoteRequest('x', { requestTime: undefined }), 400, /not a valid QuoteRightRequest/],
      [quoteRequest('x', { referencedRightSpecifications: [] }), 400, /not a valid QuoteRightRequest/],
      [{ id: 'x', version: 1, sessionId: { id: 's' }, requestTime: '2023-06-25T10:35:00Z' }, 400, /not a valid QuoteSessionExtensionRequest/],
      [quoteRequest('taken'), 409, /already exists/],
    ];
    for (const [body, status, message] of cases) {
      const req = http.post('/quotes');
      const res = body === undefined ? await req : await req.send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await http.put('/quotes/taken').send({})).status).toBe(405);
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });

  it('lists and reads the caller\'s quote requests and responses; another client\'s answer 404', async () => {
    const { http } = makeAuthApp();
    const sp = actor('sp-sp0001');
    const red = actor('sp-red-parking');
    const posted = await http.post('/quotes').set(sp).send(quoteRequest('q-sp0001'));
    expect(posted.status).toBe(200);
    const responseId = posted.body.data[0].id;
    await http.post('/quotes').set(red).send(quoteRequest('q-red', { referencedRightSpecifications: [{ rightSpecificationId: { id: ANPR_SPEC, version: 1 } }] })).expect(200);

    const mine = await http.get('/quotes').set(sp);
    expect(mine.body.data.map((q: any) => [q.id, q['x-quoteType']])).toEqual([['q-sp0001', 'QuoteRightRequest'], [responseId, 'QuoteRightResponse']]);
    expect((await http.get('/quotes?type=QuoteRightResponse').set(sp)).body.data.map((q: any) => q.id)).toEqual([responseId]);
    expect((await http.get(`/quotes?place=${ARNDALE_PLACE}`).set(sp)).body.meta.total).toBe(2);
    expect((await http.get(`/quotes?place=${DEANSGATE}`).set(sp)).body.meta.total).toBe(0);
    expect((await http.get(`/quotes?right_spec=${ARNDALE_SPEC}&expand=none`).set(sp)).body.data[1].options).toBeUndefined();
    expect((await http.get('/quotes').set(actor('ad-npp'))).body.meta.total).toBe(4);

    const request = await http.get('/quotes/q-sp0001').set(sp);
    expect(request.body).toMatchObject({ id: 'q-sp0001', 'x-quoteType': 'QuoteRightRequest', 'x-responses': [{ id: responseId, version: 1 }] });
    expect((await http.get(`/quotes/${responseId}?type=QuoteRightResponse`).set(sp)).status).toBe(200);
    expect((await http.get(`/quotes/${responseId}?type=QuoteRightRequest`).set(sp)).status).toBe(404);
    expect((await http.get(`/quotes/${responseId}?type=Nonsense`).set(sp)).status).toBe(400);
    expect((await http.get(`/quotes/${responseId}`).set(red)).status).toBe(404);
    expect((await http.get('/quotes/q-red').set(sp)).status).toBe(404);
    expect((await http.post('/quotes').set(actor('ep-mcr-enforcement')).send(quoteRequest('q-ep'))).status).toBe(403);
  });
});

describe('/quotes: session extensions', () => {
  /** An ongoing session at Arndale that started an hour before the seed's "now", for AB12 CDE. */
  const arndaleSession = { id: 'ongoing', version: 1, actualStart: iso(SEED_NOW_MS - HOUR), identifiedCredentials: [plate('AB12 CDE')], hierarchyElement: { id: ARNDALE_PLACE, version: 1 }, segments: [{ id: 'ongoing-1', version: 1, actualStart: iso(SEED_NOW_MS - HOUR), validationType: ['licensePlate'] }] };
  const extension = (id: string, overrides: Record<string, unknown> = {}) => ({ id, version: 1, sessionId: { id: 'ongoing', version: 1 }, requestedEndTime: iso(SEED_NOW_MS + HOUR), requestTime: iso(SEED_NOW_MS), suppliedCredential: { id: 'ab12cde', version: 1 }, ...overrides });

  it('prices the extension as the difference between the longer stay and the stay so far', async () => {
    const { http } = makeApp();
    await http.post('/sessions').send(arndaleSession).expect(201);
    const res = await http.post('/quotes').send(extension('ext-1'));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      {
        id: expect.any(String),
        version: 1,
        requestSessionExtensionId: { id: 'ext-1', version: 1, className: 'QuoteSessionExtensionRequest' },
        sessionId: { id: 'ongoing', version: 1 },
        requestTime: '2023-06-25T10:35:00.000Z',
        responseTime: '2023-06-25T10:35:00.000Z',
        revisedEndTime: '2023-06-25T11:35:00.000Z',
        'x-quoteType': 'QuoteSessionExtensionResponse',
        quoteExpiration: { expiresDateTime: '2023-06-25T10:50:00.000Z', firstComeFirstServed: true },
        financialQuote: { taxIncluded: true, value: { currencyType: 'GBP', currencyValue: 3 } }, // 2 h (6.70) − 1 h (3.70)
        identifiers: [{ rateTableId: { id: ARNDALE_RATE, version: 1, className: 'RateTable' }, rightSpecificationId: { id: ARNDALE_SPEC, version: 1, className: 'RightSpecification' } }],
      },
    ]);
  });

  it('answers existingSessionNotFound, incorrectCredentialsSupplied or noExtensionPossible', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    await http.post('/sessions').send(arndaleSession).expect(201);
    const reason = async (id: string, overrides: Record<string, unknown>) => {
      const res = await http.post('/quotes').send(extension(id, overrides));
      expect(res.status).toBe(200);
      expect(res.body.data[0].financialQuote).toBeUndefined();
      return [res.body.data[0].reason, res.body.data[0].revisedEndTime];
    };
    expect(await reason('e1', { sessionId: { id: 'no-such-session', version: 1 } })).toEqual(['existingSessionNotFound', iso(SEED_NOW_MS + HOUR)]);
    expect(await reason('e2', { sessionId: { id: 'ongoing', version: 3 } })).toEqual(['existingSessionNotFound', iso(SEED_NOW_MS + HOUR)]);
    expect(await reason('e3', { suppliedCredential: { id: 'ZZ99ZZZ', version: 1 } })).toEqual(['incorrectCredentialsSupplied', iso(SEED_NOW_MS + HOUR)]);
    expect(await reason('e4', { requestedEndTime: iso(SEED_NOW_MS - 60_000) })).toEqual(['noExtensionPossible', iso(SEED_NOW_MS)]);
    // UC5's session at 220001: its right's specification and its place have no rate table.
    expect(await reason('e5', { sessionId: { id: 'fe5eea6a-4be3-46fa-b037-20f04334ccdd', version: 1 }, suppliedCredential: { id: 'BD18SMR', version: 1 } })).toEqual(['noExtensionPossible', iso(SEED_NOW_MS)]);
  });
});

describe('POST/PUT /rights/assigned from a quote (ReferenceToQuote)', () => {
  async function quoted(http: ReturnType<typeof makeApp>['http'], id = 'q', headers: Record<string, string> = {}, overrides: Record<string, unknown> = {}) {
    const res = await http.post('/quotes').set(headers).send(quoteRequest(id, overrides));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data[0];
  }

  it('creates the right the option describes: specification, times, price, holder; the id is the option\'s', async () => {
    const { http } = makeAuthApp();
    const sp = actor('sp-sp0001');
    const quote = await quoted(http, 'q', sp);
    const option = quote.options[0];
    const res = await http.post('/rights/assigned').set(sp).send({ quoteResponseId: { id: quote.id, version: 1 }, optionId: { id: option.id, version: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const right = await http.get(`/rights/assigned/${option.id}`).set(sp);
    expect(right.body).toEqual({
      id: option.id,
      version: 1,
      rightSpecification: { id: ARNDALE_SPEC, version: 1 },
      rightHolder: { credentials: [plate('QU07 TED')] },
      assignedRightIssuer: { id: 'SP0001', className: 'DigitalServiceProvider', version: 1 },
      issueMethod: 'electronic',
      plannedUses: [{ startTime: '2023-06-25T11:00:00.000Z', endTime: '2023-06-25T13:00:00.000Z' }],
      expiry: '2023-06-25T13:00:00.000Z',
      monetaryValue: { taxIncluded: true, value: { currencyType: 'GBP', currencyValue: 6.7 } },
      totalRightValue: { currencyType: 'GBP', currencyValue: 6.7 },
      'x-quote': { quoteResponseId: { id: quote.id, version: 1 }, optionId: { id: option.id, version: 1 } },
    });
    // Enforcement finds it by plate at Arndale.
    const found = await http.get(`/rights/assigned?place=${ARNDALE_PLACE}&credential_id=QU07TED`).set(actor('po-mcc'));
    expect(found.body.data.map((r: any) => r.id)).toEqual([option.id]);
    // An option serves one right.
    const again = await http.post('/rights/assigned').set(sp).send({ quoteResponseId: { id: quote.id, version: 1 }, id: 'second-right' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already used for assigned right/);
  });

  it('PUT /rights/assigned/{id} takes a reference too, with the holder of the body', async () => {
    const { http } = makeApp();
    const quote = await quoted(http, 'q', {}, { rightHolder: undefined });
    const res = await http.put('/rights/assigned/from-quote').send({ quoteResponseId: { id: quote.id, version: 1 }, rightHolder: { credentials: [plate('PU77 ONE')] } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const right = await http.get('/rights/assigned/from-quote');
    expect(right.body).toMatchObject({ id: 'from-quote', version: 1, rightHolder: { credentials: [plate('PU77 ONE')] }, monetaryValue: { value: { currencyValue: 6.7 } } });
    // Re-sending it is an idempotent overwrite of the same right.
    expect((await http.put('/rights/assigned/from-quote').send({ quoteResponseId: { id: quote.id, version: 1 }, rightHolder: { credentials: [plate('PU77 ONE')] } })).status).toBe(200);
  });

  it('refuses unknown, foreign, refused, ambiguous or expired quotes, changing nothing', async () => {
    const { http, platform, unexpected } = makeAuthApp();
    const sp = actor('sp-sp0001');
    const quote = await quoted(http, 'q', sp);
    const refused = await quoted(http, 'q-refused', sp, { referencedRightSpecifications: [{ rightSpecificationId: { id: ANPR_SPEC, version: 1 } }] });
    const two = await quoted(http, 'q-two', sp, { referencedRightSpecifications: [{ rightSpecificationId: { id: ARNDALE_SPEC, version: 1 } }, { rightSpecificationId: { id: ARNDALE_SPEC, version: 1 } }] });
    expect(two.options).toHaveLength(2);
    const before = snapshot(platform);
    const ref = (q: any, extra: Record<string, unknown> = {}) => ({ quoteResponseId: { id: q.id, version: 1 }, ...extra });
    const cases: Array<[Record<string, string>, unknown, number, RegExp]> = [
      [sp, { quoteResponseId: { id: 'no-such-quote', version: 1 } }, 400, /not a right quote response of yours/],
      [sp, { quoteResponseId: { id: 'q', version: 1 } }, 400, /not a right quote response/], // the request, not a response
      [sp, { quoteResponseId: { id: quote.id } }, 400, /not a valid ReferenceToQuote/],
      [sp, ref(quote, { optionId: { id: 'nope', version: 1 } }), 400, /has no option nope/],
      [sp, ref(two), 400, /has 2 options: name one with optionId/],
      [sp, ref(refused), 409, /offers nothing to assign \(reason other\)/],
      [actor('sp-red-parking'), ref(quote), 400, /not a right quote response of yours/],
    ];
    for (const [headers, body, status, message] of cases) {
      const res = await http.post('/rights/assigned').set(headers).send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.message, JSON.stringify(body)).toMatch(message);
    }
    const expired = await http.post('/rights/assigned').set(sp).set('X-Mock-Now', iso(SEED_NOW_MS + 16 * 60_000)).send(ref(quote));
    expect(expired.status).toBe(409);
    expect(expired.body.message).toMatch(/expired at 2023-06-25T10:50:00.000Z/);
    const noHolder = await quoted(http, 'q-no-holder', sp, { rightHolder: undefined });
    const before2 = snapshot(platform);
    const holderless = await http.post('/rights/assigned').set(sp).send(ref(noHolder));
    expect(holderless.status).toBe(400);
    expect(holderless.body.message).toMatch(/needs a holder/);
    expect(snapshot(platform)).toBe(before2);
    expect(before2).not.toBe(before); // only the quote request changed the store in between
    expect(unexpected).toEqual([]);
  });
});

describe('/contacts', () => {
  it('lists the organisations of the seed and the dev clients, filtered by type, and reads one', async () => {
    const { http } = makeAuthApp();
    const ep = actor('ep-mcr-enforcement');
    const all = await http.get('/contacts').set(ep);
    expect(all.status).toBe(200);
    const ids = all.body.data.map((c: any) => c.id);
    for (const id of ['MCC', 'Q-Park', 'SP0001', 'ID_RED_PARKING', 'MCR-ENFORCEMENT', 'NCP', 'TFGM']) expect(ids).toContain(id);
    expect(all.body.meta.total).toBe(14);
    const providers = await http.get('/contacts?type=serviceProvider').set(ep);
    expect(providers.body.data.map((c: any) => c.id)).toEqual(['ID_RED_PARKING', 'SP0001']);
    const one = await http.get('/contacts/MCC').set(actor('sp-sp0001'));
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'MCC', version: 1, contactType: 'contactPoint', type: 'operator', organisationName: [{ language: 'en', string: 'Manchester City Council' }] });
    expect((await http.get('/contacts/nobody').set(ep)).status).toBe(404);
    expect((await http.get('/contacts?type=friend').set(ep)).status).toBe(400);
    expect((await http.get('/contacts')).status).toBe(401);
  });

  it('lets administrators add, replace and remove organisations (versioned), and nobody else', async () => {
    const { http, platform, unexpected } = makeAuthApp();
    const ad = actor('ad-npp');
    const before = snapshot(platform);
    expect((await http.post('/contacts').set(actor('sp-sp0001')).send(contact('NEWCO'))).status).toBe(403);
    expect((await http.post('/contacts').set(ad).send(contact('NEWCO', { type: 'friend' }))).status).toBe(400);
    expect((await http.post('/contacts').set(ad).send(contact('NEWCO', { type: undefined }))).status).toBe(400);
    expect((await http.post('/contacts').set(ad).send(contact('NEWCO', { contactType: 'contactByReference' }))).status).toBe(400);
    expect((await http.post('/contacts').set(ad).send(contact('MCC'))).status).toBe(409);
    expect(snapshot(platform)).toBe(before);

    expect((await http.post('/contacts').set(ad).send(contact('NEWCO'))).status).toBe(201);
    expect((await http.put('/contacts/NEWCO').set(ad).send(contact('NEWCO', { version: 2, type: 'operator' }))).status).toBe(200);
    expect((await http.get('/contacts/NEWCO?version=1').set(ad)).body.type).toBe('serviceProvider');
    expect((await http.get('/contacts?type=operator').set(ad)).body.data.map((c: any) => c.id)).toContain('NEWCO');
    expect((await http.patch('/contacts/NEWCO').set(ad).send({ shareWithPublic: false })).status).toBe(200);
    expect((await http.delete('/contacts/NEWCO').set(actor('po-mcc'))).status).toBe(403);
    expect((await http.delete('/contacts/NEWCO').set(ad)).status).toBe(200);
    expect((await http.get('/contacts/NEWCO').set(ad)).status).toBe(404);
    expect(unexpected).toEqual([]);
  });
});

describe('answers in the shapes of spec/openapi.yaml', () => {
  it('ObservationList, Observation, QuoteResponseList, QuoteList, Quote, ContactPointList, ContactPoint', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    const schemas = schemaRegistry();
    const check = (name: string, body: unknown) => expect(schemas.validate(name, body), name).toEqual([]);
    await http.post('/observations').send(observation('o1')).expect(201);
    await http.post('/observations').send({ id: 'set', version: 1, observationElements: [observation('o2')] }).expect(201);
    check('ObservationList', (await http.get('/observations?expand=all')).body);
    check('Observation', (await http.get('/observations/set?expand=all')).body);
    check('QuoteResponseList', (await http.post('/quotes').send(quoteRequest('q1', { timePeriods: ['PT1H'] }))).body);
    check('QuoteResponseList', (await http.post('/quotes').send(quoteRequest('q2', { referencedRightSpecifications: [{ rightSpecificationId: { id: 'nope', version: 1 } }] }))).body);
    const extension = { id: 'e1', version: 1, sessionId: { id: 'fe5eea6a-4be3-46fa-b037-20f04334ccdd', version: 1 }, requestedEndTime: '2023-06-25T12:00:00Z', requestTime: '2023-06-25T10:35:00Z', suppliedCredential: { id: 'BD18SMR', version: 1 } };
    check('QuoteResponseList', (await http.post('/quotes').send(extension)).body);
    check('QuoteList', (await http.get('/quotes')).body);
    check('Quote', (await http.get('/quotes/q1')).body);
    check('ContactPointList', (await http.get('/contacts')).body);
    check('ContactPoint', (await http.get('/contacts/SP0001')).body);
  });
});
