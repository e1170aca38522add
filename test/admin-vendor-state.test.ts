import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../spec/package-root.js';
import { makeApp } from './support/app.js';

const vendorFixtures = (name: string) => JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'vendors', `${name}.json`), 'utf8'));
const COORD_KEY = Object.keys(vendorFixtures('coord').access_keys)[0]!;
const DRIVER_TOKEN = vendorFixtures('secured-parking').drivers[0].access_token as string;

describe('vendor API state joins /__admin/state and reset', () => {
  it('a dump holds the Coord and secured-parking state; reset drops changes; PUT of the dump brings them back', async () => {
    const { http } = makeApp();
    const created = await http.post(`/v1/access/parking/sf-dogpatch-garage/session?access_key=${COORD_KEY}`).send({});
    expect(created.status, JSON.stringify(created.body)).toBeLessThan(300);
    const finalized = await http.put('/api/car_driver/parking_sessions/1/finalize').set('Authorization', `Bearer ${DRIVER_TOKEN}`).send({ parking_session: { secured_parking_id: 187 } });
    expect(finalized.status, JSON.stringify(finalized.body)).toBe(201);

    const dump = (await http.get('/__admin/state').expect(200)).body;
    expect(Object.keys(dump.vendors).sort()).toEqual(['coord', 'secured-parking']);
    const coordSessions = () => http.get(`/v1/access/parking/sf-dogpatch-garage/session?access_key=${COORD_KEY}`);
    // pay_url names the host the request came to (supertest uses a new port each time): compared without it.
    const withoutPayUrl = (body: any) => JSON.parse(JSON.stringify(body, (k, v) => (k === 'pay_url' ? undefined : v)));
    const securedSession = async () => ({ body: withoutPayUrl((await http.get('/api/car_driver/parking_sessions/1').set('Authorization', `Bearer ${DRIVER_TOKEN}`)).body) });
    const withChanges = { coord: (await coordSessions()).body, secured: (await securedSession()).body };
    expect(withChanges.secured.parking_session?.state ?? withChanges.secured.state).toBe('exiting');

    await http.post('/__admin/reset').expect(200);
    expect((await securedSession()).body).not.toEqual(withChanges.secured);
    expect((await coordSessions()).body).not.toEqual(withChanges.coord);

    await http.put('/__admin/state').send(dump).expect(200);
    expect((await coordSessions()).body).toEqual(withChanges.coord);
    expect((await securedSession()).body).toEqual(withChanges.secured);
  });

  it('a dump whose vendor part is broken is refused (400) and leaves every part as it was', async () => {
    const { http, platform } = makeApp();
    await http.post(`/v1/access/parking/sf-dogpatch-garage/session?access_key=${COORD_KEY}`).send({}).expect((r) => expect(r.status).toBeLessThan(300));
    const before = JSON.stringify(platform.dump());
    const broken = { ...platform.dump(), collections: {}, vendors: { coord: { nonsense: true } } };
    await http.put('/__admin/state').send(broken).expect(400);
    expect(JSON.stringify(platform.dump())).toBe(before);
  });
});
