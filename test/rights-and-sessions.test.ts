import { describe, expect, it } from 'vitest';
import { makeApp, snapshot } from './support/app.js';
import { payload } from './support/payloads.js';

const UC2_PLACE = '001702e7-99f6-4e48-ac7c-df412907b29b';

describe('UC2: a session without an assigned right', () => {
  it('creates the session (201) and an assigned right findable by place + VRM', async () => {
    const { http, platform } = makeApp();
    const rightsBefore = platform.store.assignedRights.size;
    const res = await http.post('/v1/parking/sessions').send(payload('uc2-1-session-e2089853.json')).expect(201);
    expect(res.body).toMatchObject({ status: 'ok', code: 201 });
    expect(platform.store.assignedRights.size).toBe(rightsBefore + 1);

    const found = await http.get(`/v1/parking/rights/assigned?place=${UC2_PLACE}&credential_id=AB12XYZ`).expect(200);
    expect(found.body.meta.total).toBe(1);
    const right = found.body.data[0];
    expect(right.rightHolder.credentials[0].identifier.id).toBe('AB12XYZ');
    expect(right.expiry).toBe('2021-01-16T14:10:02Z');
    expect(right.rightSpecification.id).toBe('a298d061-a30c-4a5a-bfe0-308f20d3ddc7');

    const session = await http.get('/sessions/e2089853-b790-459b-884e-4869b40d193d?expand=segments.assignedRight').expect(200);
    expect(session.body.actualStart).toBe('2021-01-16T13:10:02Z');
    expect(session.body.hierarchyElement.id).toBe(UC2_PLACE);
    expect(session.body.segments[0].assignedRight.id).toBe(right.id);
    expect(session.body.segments[0].assignedRight.rightHolder).toBeDefined();
    expect(session.body.initiator).toEqual({ id: 'e0326b5c-d73d-43ab-b274-3ecaea5a80db', version: 1 });
    expect(session.body.segments[0].financialTransactions[0].serviceProvider).toEqual([{ language: 'en', string: 'RED Parking' }]);
  });

  it('a repeated POST is 409 and creates no second right', async () => {
    const { http, platform } = makeApp();
    await http.post('/sessions').send(payload('uc2-1-session-e2089853.json')).expect(201);
    const before = snapshot(platform);
    await http.post('/sessions').send(payload('uc2-1-session-e2089853.json')).expect(409);
    expect(snapshot(platform)).toBe(before);
  });

  it('enforcement finds MS00MS (seed UC2.2) with ANDed filters', async () => {
    const { http } = makeApp();
    const res = await http.get(`/v1/parking/rights/assigned?place=${UC2_PLACE}&credential_id=MS00MS&start_after=1610751600`).expect(200);
    expect(res.body.meta.total).toBe(1);
    expect(res.body.data[0].id).toBe('bec97cab-8eb7-4868-be9f-da95fa17d19e');
    const otherPlace = await http.get('/rights/assigned?place=220001&credential_id=MS00MS').expect(200);
    expect(otherPlace.body.meta.total).toBe(0);
    const later = await http.get(`/rights/assigned?place=${UC2_PLACE}&credential_id=MS00MS&start_after=1700000000`).expect(200);
    expect(later.body.meta.total).toBe(0);
    const spaced = await http.get('/rights/assigned?credential_id=ms00%20ms').expect(200);
    expect(spaced.body.meta.total).toBe(1);
  });
});

describe('UC4: ANPR', () => {
  it('VRM search returns 0, 1 or many with 200, through identifier_id and the place of the right spec', async () => {
    const { http } = makeApp();
    const none = await http.get('/v1/parking/rights/assigned?identifier_id=BD18SMR&place=220001').expect(200);
    expect(none.body.meta.total).toBe(0);
    await http.post('/v1/parking/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json')).expect(201);
    const one = await http.get('/v1/parking/rights/assigned?identifier_id=BD18SMR&place=220001').expect(200);
    expect(one.body.data.map((r: any) => r.id)).toEqual(['20410eec-2352-4cc1-820c-21ea6cbce506']);
    const second = { ...payload('uc4-1-assigned-right-20410eec.json'), id: 'second-sp-right', assignedRightIssuer: { id: 'SP0002', className: 'DigitalServiceProvider' } };
    await http.post('/rights/assigned').send(second).expect(201);
    const many = await http.get('/rights/assigned?credential_id=BD18SMR&place=220001').expect(200);
    expect(many.body.meta.total).toBe(2);
    await http.post('/v1/parking/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json')).expect(409);
  });

  it('a session referencing an existing right creates no extra right; an unknown right is 400', async () => {
    const { http, platform } = makeApp();
    await http.post('/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json')).expect(201);
    const rights = platform.store.assignedRights.size;
    await http.post('/sessions').send(payload('uc4-3-session-fe5eea6a.json')).expect(201);
    expect(platform.store.assignedRights.size).toBe(rights);

    const bad = payload('uc4-3-session-fe5eea6a.json');
    bad.id = 'other-session';
    bad.segments[0].assignedRight.id = 'ghost-right';
    const before = snapshot(platform);
    const res = await http.post('/sessions').send(bad).expect(400);
    expect(res.body.errors).toEqual([{ path: '/segments/0/assignedRight/id', message: 'unknown assigned right ghost-right' }]);
    expect(snapshot(platform)).toBe(before);
  });

  it('payment confirmation with "T 13:05" timestamps is normalised (lenient) and rejected in strict mode', async () => {
    const lenient = makeApp();
    await lenient.http.post('/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json')).expect(201);
    await lenient.http.post('/sessions').send(payload('uc4-3-session-fe5eea6a.json')).expect(201);
    const put = await lenient.http.put('/sessions/fe5eea6a-4be3-46fa-b037-20f04334ccdd').send(payload('uc4-7-session-fe5eea6a-payment.json')).expect(200);
    expect(put.headers['x-mock-warnings']).toMatch(/2021-11-01T 13:05:00Z/);
    const read = await lenient.http.get('/sessions/fe5eea6a-4be3-46fa-b037-20f04334ccdd').expect(200);
    expect(read.body.segments[0].actualStart).toBe('2021-11-01T13:05:00Z');
    expect(read.body.segments[0].financialTransactions[0].transactionId).toBe('d9d237be-0432-44eb-9807-91fd01aae835');
    expect(read.body.version).toBe(1);

    const strict = makeApp({ strict: true });
    await strict.http.post('/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json')).expect(201);
    await strict.http.post('/sessions').send(payload('uc4-3-session-fe5eea6a.json')).expect(201);
    const before = snapshot(strict.platform);
    const rejected = await strict.http.put('/sessions/fe5eea6a-4be3-46fa-b037-20f04334ccdd').send(payload('uc4-7-session-fe5eea6a-payment.json')).expect(400);
    expect(rejected.body.message).toMatch(/^strict mode: .*T 13:05:00Z/);
    expect(snapshot(strict.platform)).toBe(before);
  });
});

const openSession = (id: string, start: string) => ({
  id,
  version: 1,
  actualStart: start,
  identifiedCredentials: [{ type: 'licensePlate', identifier: { id: 'CK19OUT', className: 'UKNumberPlate' } }],
  hierarchyElement: { id: '220001', version: 1 },
  segments: [{ id: `${id}-seg`, version: 1, actualStart: start, validationType: ['licensePlate'] }],
});

describe('UC3: check-in / check-out', () => {
  it('an open session is ongoing for end_after=now; after check-out it is not, and its auto right expires', async () => {
    const { http } = makeApp({ clock: '2023-06-25T12:00:00Z' });
    await http.post('/sessions').send(openSession('S3', '2023-06-25T11:00:00Z')).expect(201);
    const ongoing = await http.get('/sessions?credential_id=CK19OUT&place=220001&start_before=now&end_after=now').expect(200);
    expect(ongoing.body.data.map((s: any) => s.id)).toEqual(['S3']);
    const right = (await http.get('/rights/assigned?credential_id=CK19OUT&place=220001').expect(200)).body.data[0];
    expect(right.expiry).toBeUndefined();

    const checkout = { ...openSession('S3', '2023-06-25T11:00:00Z'), version: 2, actualEnd: '2023-06-25T12:30:00Z' };
    checkout.segments = [{ ...checkout.segments[0], actualEnd: '2023-06-25T12:30:00Z', financialTransactions: [{ segmentValue: 4.5, taxIncluded: true, dateCollected: '2023-06-25T12:30:00Z', transactionId: 'TX-3' }] } as any];
    await http.put('/sessions/S3').send(checkout).expect(200);
    const later = '1687696201'; // 12:30:01Z
    const after = await http.get(`/sessions?credential_id=CK19OUT&start_before=${later}&end_after=${later}`).expect(200);
    expect(after.body.meta.total).toBe(0);
    const ended = await http.get(`/sessions?credential_id=CK19OUT&end_before=${later}`).expect(200);
    expect(ended.body.data.map((s: any) => s.id)).toEqual(['S3']);
    const updatedRight = await http.get(`/rights/assigned/${right.id}`).expect(200);
    expect(updatedRight.body.expiry).toBe('2023-06-25T12:30:00Z');
    const v1 = await http.get('/sessions/S3?version=1').expect(200);
    expect(v1.body.actualEnd).toBeUndefined();
  });

  it('rejects an end before the start (400) and keeps the session as it was', async () => {
    const { http, platform } = makeApp();
    await http.post('/sessions').send(openSession('S4', '2023-06-25T11:00:00Z')).expect(201);
    const before = snapshot(platform);
    const res = await http.put('/sessions/S4').send({ ...openSession('S4', '2023-06-25T11:00:00Z'), actualEnd: '2023-06-25T10:00:00Z' }).expect(400);
    expect(res.body.errors[0].path).toBe('/actualEnd');
    expect(snapshot(platform)).toBe(before);
  });

  it('UC5.3: a PUT without the segment right keeps the stored one', async () => {
    const { http } = makeApp({ fixtures: 'uc5' });
    const put = await http.put('/v1/parking/sessions/fe5eea6a-4be3-46fa-b037-20f04334ccdd').send(payload('uc5-3-session-fe5eea6a-payment.json')).expect(200);
    expect(put.headers['x-mock-warnings']).toMatch(/assignedRight missing/);
    const read = await http.get('/sessions/fe5eea6a-4be3-46fa-b037-20f04334ccdd').expect(200);
    expect(read.body.segments[0].assignedRight.id).toBe('20410eec-2352-4cc1-820c-21ea6cbce506');
    expect(read.body.segments[0].financialTransactions[0].dateCollected).toBe('2021-11-01T17:23:01Z');
  });

  it('UC5.1: the open session is found with now windows', async () => {
    const { http } = makeApp({ fixtures: 'uc5', clock: '2021-11-01T14:15:00Z' });
    const res = await http.get('/v1/parking/sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now').expect(200);
    expect(res.body.meta).toMatchObject({ total: 1, referenceInstant: 1635776100 });
    expect(res.body.data[0].id).toBe('fe5eea6a-4be3-46fa-b037-20f04334ccdd');
    const before = await http.get('/sessions?credential_id=BD18SMR&place=220001&start_before=now&end_after=now').set('X-Mock-Now', '2021-11-01T12:00:00Z').expect(200);
    expect(before.body.meta.total).toBe(0);
  });
});

describe('assigned rights', () => {
  it('PUT of an unknown id creates it (upsert, 201)', async () => {
    const { http } = makeApp();
    const body = { ...payload('uc4-1-assigned-right-20410eec.json'), id: 'UPSERTED' };
    const res = await http.put('/rights/assigned/UPSERTED').send(body).expect(201);
    expect(res.body.code).toBe(201);
    await http.get('/rights/assigned/UPSERTED').expect(200);
  });

  it('rejects a right whose right spec is unknown', async () => {
    const { http, platform } = makeApp();
    const before = snapshot(platform);
    const body = { ...payload('uc4-1-assigned-right-20410eec.json'), rightSpecification: { id: 'nope', version: 1 } };
    await http.post('/rights/assigned').send(body).expect(400);
    expect(snapshot(platform)).toBe(before);
  });

  it('the /rights/{id} alias answers a right spec (seed UC1.2) with a warning', async () => {
    const { http } = makeApp();
    const res = await http.get('/v1/parking/rights/6091d5d0-5264-4d66-a31a-1a9e2c9eed89?expand=all').expect(200);
    expect(res.body.id).toBe('6091d5d0-5264-4d66-a31a-1a9e2c9eed89');
    expect(res.body.rateEligibility[0].rateTable.id).toBe('0376c349-ed20-4f6f-9551-1a82f9f5f734');
    expect(res.headers['x-mock-warnings']).toMatch(/not a contract path/);
    await http.get('/rights/unknown-id').expect(404);
  });
});
