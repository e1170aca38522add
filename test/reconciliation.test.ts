// NPP /reconciliation: service providers' monthly submittals (one live per provider and month; DELETE
// invalidates) and the consolidated report with what the platform recorded and the discrepancies.
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../spec/index.js';
import { makeApp, snapshot } from './support/app.js';
import { actor, makeAuthApp } from './support/auth.js';
import { plate, submittal } from './support/apds.js';
import { payload } from './support/payloads.js';

const UC4_SESSION = 'fe5eea6a-4be3-46fa-b037-20f04334ccdd'; // uc5 fixtures: open, 10.80 collected for SP0001 at 220001, November 2021

/** A closed session at `place` whose only segment carries `transactions`. */
function sessionWith(id: string, place: string, transactions: unknown[], start = '2021-11-10T09:00:00Z', end = '2021-11-10T11:00:00Z') {
  return {
    id,
    version: 1,
    actualStart: start,
    actualEnd: end,
    identifiedCredentials: [plate('RE20 CON')],
    hierarchyElement: { id: place, version: 1 },
    segments: [{ id: `${id}-segment`, version: 1, actualStart: start, actualEnd: end, validationType: ['licensePlate'], financialTransactions: transactions }],
  };
}

const sp0001 = (value: number, extra: Record<string, unknown> = {}) => ({ dateCollected: '2021-11-10T11:00:00Z', segmentValue: value, taxIncluded: true, serviceProvider: [{ language: 'en', string: 'SP0001' }], ...extra });

describe('POST, GET and DELETE /reconciliation/submittals', () => {
  it('stores a submittal (201) and answers it as stored; DELETE invalidates it (then 404)', async () => {
    const { http, platform } = makeApp();
    const res = await http.post('/reconciliation/submittals').send(submittal('SP0001-2021-11'));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'ok', code: 201, message: 'reconciliation submittal SP0001-2021-11 recorded for SP0001, 2021-11' });
    const read = await http.get('/reconciliation/submittals/SP0001-2021-11');
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ ...submittal('SP0001-2021-11'), version: 1 });
    expect(platform.store.submittals.size).toBe(1);

    const del = await http.delete('/reconciliation/submittals/SP0001-2021-11');
    expect(del.status).toBe(200);
    expect(del.body.message).toBe('reconciliation submittal SP0001-2021-11 invalidated');
    expect((await http.get('/reconciliation/submittals/SP0001-2021-11')).status).toBe(404);
    expect((await http.delete('/reconciliation/submittals/SP0001-2021-11')).status).toBe(404);
    expect(platform.store.submittals.size).toBe(0);
    // The correction flow: after the invalidation the same month (even the same id) can be submitted again.
    expect((await http.post('/reconciliation/submittals').send(submittal('SP0001-2021-11', { remittanceTotal: 10.1 }))).status).toBe(201);
    expect((await http.get('/reconciliation/submittals/SP0001-2021-11')).body.remittanceTotal).toBe(10.1);
  });

  it('answers 409 for an id in use and for a second live submittal of the same provider and month', async () => {
    const { http, platform } = makeApp();
    await http.post('/reconciliation/submittals').send(submittal('first')).expect(201);
    const before = snapshot(platform);
    const duplicate = await http.post('/reconciliation/submittals').send(submittal('first', { providerId: 'ID_RED_PARKING' }));
    expect(duplicate.status).toBe(409);
    const sameMonth = await http.post('/reconciliation/submittals').send(submittal('second'));
    expect(sameMonth.status).toBe(409);
    expect(sameMonth.body.message).toMatch(/already has submittal first for 2021-11: invalidate it/);
    expect(snapshot(platform)).toBe(before);
    // Another month, or another provider, is fine.
    await http.post('/reconciliation/submittals').send(submittal('december', { periodStart: '2021-12-01T00:00:00Z', periodEnd: '2022-01-01T00:00:00Z', locationSummaries: [] })).expect(201);
    await http.post('/reconciliation/submittals').send(submittal('red', { providerId: 'ID_RED_PARKING', locationSummaries: [] })).expect(201);
  });

  it('refuses invalid submittals with 400 and says why, storing nothing', async () => {
    const { http, platform, unexpected } = makeApp();
    const before = snapshot(platform);
    const { providerId: _p, ...noProvider } = submittal('x');
    const cases: Array<[unknown, RegExp, string?]> = [
      [undefined, /body is missing/],
      [[submittal('x')], /JSON object/],
      [noProvider, /not a valid ReconciliationSubmittal/, '/'],
      [submittal('x', { periodStart: 'November' }), /not a valid/, '/periodStart'],
      [submittal('x', { parkingFees: { transactionsQuantity: -1 } }), /not a valid/, '/parkingFees/transactionsQuantity'],
      [submittal('x', { remittanceTotal: '10.20' }), /not a valid/, '/remittanceTotal'],
      [submittal('x', { periodEnd: '2021-12-15T00:00:00Z' }), /one calendar month/, '/periodEnd'],
      [submittal('x', { periodEnd: '2021-10-15T00:00:00Z' }), /must be after periodStart/, '/periodEnd'],
      [submittal('x', { locationSummaries: [{ providerId: 'ID_RED_PARKING', locationId: '220001' }] }), /provider SP0001/, '/locationSummaries/0/providerId'],
    ];
    for (const [body, message, path] of cases) {
      const req = http.post('/reconciliation/submittals');
      const res = body === undefined ? await req : await req.send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message, JSON.stringify(body)).toMatch(message);
      if (path) expect(res.body.errors.map((e: any) => e.path), JSON.stringify(body)).toContain(path);
    }
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
  });

  it('warns about location ids that are no place of the platform (strict mode refuses them)', async () => {
    const lenient = makeApp();
    const res = await lenient.http.post('/reconciliation/submittals').send(submittal('x', { locationSummaries: [{ locationId: 'CAR-PARK-9' }] }));
    expect(res.status).toBe(201);
    expect(res.headers['x-mock-warnings']).toMatch(/CAR-PARK-9/);
    const strict = makeApp({ strict: true });
    expect((await strict.http.post('/reconciliation/submittals').send(submittal('x', { locationSummaries: [{ locationId: 'CAR-PARK-9' }] }))).status).toBe(400);
    expect(strict.platform.store.submittals.size).toBe(0);
  });

  it('is unsecured as in the contract, but a submittal sent with credentials belongs to its organisation', async () => {
    const { http } = makeAuthApp();
    const sp = actor('sp-sp0001');
    expect((await http.post('/reconciliation/submittals').set(sp).send(submittal('own'))).status).toBe(201);
    expect((await http.get('/reconciliation/submittals/own').set(sp)).status).toBe(200);
    expect((await http.get('/reconciliation/submittals/own').set(actor('sp-red-parking'))).status).toBe(404);
    expect((await http.get('/reconciliation/submittals/own')).status).toBe(404);
    expect((await http.delete('/reconciliation/submittals/own').set(actor('sp-red-parking'))).status).toBe(404);
    expect((await http.get('/reconciliation/submittals/own').set(actor('ad-npp'))).status).toBe(200);
    const forOther = await http.post('/reconciliation/submittals').set(sp).send(submittal('theirs', { providerId: 'ID_RED_PARKING', locationSummaries: [] }));
    expect(forOther.status).toBe(403);
    // Without credentials: anyone's.
    expect((await http.post('/reconciliation/submittals').send(submittal('anonymous', { providerId: 'ID_RED_PARKING', locationSummaries: [] }))).status).toBe(201);
    expect((await http.get('/reconciliation/submittals/anonymous').set(actor('po-mcc'))).status).toBe(200);
    expect((await http.delete('/reconciliation/submittals/own').set(sp)).status).toBe(200);
  });
});

describe('GET /reconciliation/reports', () => {
  it('needs month and year (400) and answers 404 for a month with neither submittal nor transaction', async () => {
    const { http, unexpected } = makeApp();
    for (const query of ['', '?month=11', '?year=2021', '?month=0&year=2021', '?month=13&year=2021', '?month=1.5&year=2021', '?month=nov&year=2021', '?month=11&year=21']) {
      const res = await http.get(`/reconciliation/reports${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.status).toBe('error');
    }
    expect((await http.get('/reconciliation/reports')).body.errors).toEqual([
      { path: 'query/month', message: 'required' },
      { path: 'query/year', message: 'required' },
    ]);
    const none = await http.get('/reconciliation/reports?month=11&year=2021');
    expect(none.status).toBe(404);
    expect(none.body.message).toMatch(/no report available for 2021-11/);
    expect(unexpected).toEqual([]);
  });

  it('shows what the platform recorded, and the discrepancy, when the provider submitted nothing', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    const res = await http.get('/reconciliation/reports?month=11&year=2021');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'reconciliation-2021-11',
      created: '2023-06-25T10:35:00.000Z',
      periodStart: '2021-11-01T00:00:00.000Z',
      periodEnd: '2021-12-01T00:00:00.000Z',
      parkingFees: { transactionsQuantity: 0, totalIncludingVAT: 0 },
      locationSummaries: [],
      'x-submittals': [],
    });
    expect(res.body['x-recorded']).toEqual({
      parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8 },
      parkingFeeRefunds: { refundsQuantity: 0, totalIncludingVAT: 0 },
      locationSummaries: [
        { providerId: 'SP0001', locationId: '220001', parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8 }, parkingFeeRefunds: { refundsQuantity: 0, totalIncludingVAT: 0 }, sessions: [UC4_SESSION] },
      ],
    });
    expect(res.body['x-discrepancies']).toEqual([
      { providerId: 'SP0001', field: 'parkingFees.transactionsQuantity', submitted: 0, recorded: 1 },
      { providerId: 'SP0001', field: 'parkingFees.totalIncludingVAT', submitted: 0, recorded: 10.8 },
    ]);
  });

  it('adds up the submittals and finds no discrepancy when they match the sessions', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    await http.post('/reconciliation/submittals').send(submittal('SP0001-2021-11')).expect(201);
    const res = await http.get('/reconciliation/reports?month=11&year=2021');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8, totalExcludingVAT: 9, vatTotal: 1.8 },
      consumerFees: { totalIncludingVAT: 0.24, totalExcludingVAT: 0.2, vatTotal: 0.04 },
      providerCommission: { totalIncludingVAT: 0.6 },
      remittanceTotal: 10.2,
      'x-submittals': [{ id: 'SP0001-2021-11', providerId: 'SP0001' }],
      'x-discrepancies': [],
    });
    expect(res.body.locationSummaries).toEqual([
      { providerId: 'SP0001', locationId: '220001', vatPercentage: 20, periodStart: '2021-11-01T00:00:00.000Z', periodEnd: '2021-11-30T23:59:59.000Z', parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8, totalExcludingVAT: 9, vatTotal: 1.8 }, remittanceTotal: 10.2 },
    ]);
    // After the invalidation the report no longer counts it.
    await http.delete('/reconciliation/submittals/SP0001-2021-11').expect(200);
    const after = await http.get('/reconciliation/reports?month=11&year=2021');
    expect(after.body['x-submittals']).toEqual([]);
    expect(after.body.parkingFees.transactionsQuantity).toBe(0);
    expect(after.body['x-discrepancies']).toHaveLength(2);
  });

  it('lists per provider and per location where the submitted figures differ from the recorded ones', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    // Recorded at Arndale for SP0001: a fee without tax (grossed up with the submitted 20 %), and a refund.
    await http.post('/sessions').send(sessionWith('arndale-1', '805432', [sp0001(5, { taxIncluded: false }), sp0001(-3.7)])).expect(201);
    // Another month: not in November's report.
    await http.post('/sessions').send(sessionWith('arndale-dec', '805432', [sp0001(3.7, { dateCollected: '2021-12-01T00:00:00Z' })])).expect(201);
    await http
      .post('/reconciliation/submittals')
      .send(
        submittal('SP0001-2021-11', {
          parkingFees: { transactionsQuantity: 2, totalIncludingVAT: 16.8 },
          parkingFeeRefunds: { refundsQuantity: 0, totalIncludingVAT: 0 },
          locationSummaries: [
            { locationId: '220001', parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8 } },
            { locationId: '805432', vatPercentage: 20, parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 6 } },
          ],
        }),
      )
      .expect(201);
    const res = await http.get('/reconciliation/reports?month=11&year=2021');
    expect(res.status).toBe(200);
    expect(res.body['x-recorded'].locationSummaries).toEqual([
      { providerId: 'SP0001', locationId: '220001', parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8 }, parkingFeeRefunds: { refundsQuantity: 0, totalIncludingVAT: 0 }, sessions: [UC4_SESSION] },
      { providerId: 'SP0001', locationId: '805432', parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 6 }, parkingFeeRefunds: { refundsQuantity: 1, totalIncludingVAT: 3.7 }, sessions: ['arndale-1'] },
    ]);
    expect(res.body['x-discrepancies']).toEqual([
      { providerId: 'SP0001', field: 'parkingFeeRefunds.refundsQuantity', submitted: 0, recorded: 1 },
      { providerId: 'SP0001', field: 'parkingFeeRefunds.totalIncludingVAT', submitted: 0, recorded: 3.7 },
      { providerId: 'SP0001', locationId: '805432', field: 'parkingFeeRefunds.refundsQuantity', submitted: 0, recorded: 1 },
      { providerId: 'SP0001', locationId: '805432', field: 'parkingFeeRefunds.totalIncludingVAT', submitted: 0, recorded: 3.7 },
    ]);
  });

  it('names the provider by contact id when a transaction gives its organisation name (UC2: "RED Parking")', async () => {
    const { http } = makeApp();
    await http.post('/sessions').send(payload('uc2-1-session-e2089853.json')).expect(201);
    await http
      .post('/reconciliation/submittals')
      .send(submittal('RED-2021-01', { providerId: 'ID_RED_PARKING', periodStart: '2021-01-01T00:00:00Z', periodEnd: '2021-02-01T00:00:00Z', parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 400 }, locationSummaries: [] }))
      .expect(201);
    const res = await http.get('/reconciliation/reports?month=1&year=2021');
    expect(res.status).toBe(200);
    expect(res.body['x-recorded'].locationSummaries).toEqual([
      expect.objectContaining({ providerId: 'ID_RED_PARKING', locationId: '001702e7-99f6-4e48-ac7c-df412907b29b', parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 450 } }),
    ]);
    expect(res.body['x-discrepancies']).toEqual([{ providerId: 'ID_RED_PARKING', field: 'parkingFees.totalIncludingVAT', submitted: 400, recorded: 450 }]);
  });
});

describe('answers in the shapes of spec/openapi.yaml', () => {
  it('ReconciliationSubmittal and ReconciliationReport', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    const schemas = schemaRegistry();
    await http.post('/reconciliation/submittals').send(submittal('s1', { parkingFees: { transactionsQuantity: 3, totalIncludingVAT: 30 } })).expect(201);
    expect(schemas.validate('ReconciliationSubmittal', (await http.get('/reconciliation/submittals/s1')).body)).toEqual([]);
    const report = (await http.get('/reconciliation/reports?month=11&year=2021')).body;
    expect(report['x-discrepancies'].length).toBeGreaterThan(0);
    expect(schemas.validate('ReconciliationReport', report)).toEqual([]);
  });
});
