// UC1 parking availability (seed 000 use case 1): geo search, off-street filter, right spec, rate table,
// occupancy read, and the data provider's occupancy PATCH with the rest unchanged.
import type { SuiteDefinition } from '../harness/suite.js';
import { ARNDALE, ARNDALE_RATE, ARNDALE_SPEC, DEANSGATE, PIAZZA, SEARCH_POINT } from './fixture-ids.js';
import { distanceMetres, ISO_DURATION, isoSeconds, isResponseStatusOk, occupancyOf, pointOf, rateRefsOf, structureTypesOf, text } from './shapes.js';

const OFF_STREET = ['offStreetStructure', 'offStreetSurface'];

export const uc1: SuiteDefinition = {
  id: 'uc1',
  title: 'UC1 Parking availability',
  description: 'An SP finds car parks near a point, reads their right specification and tariff and their occupancy; a data provider updates occupancy.',
  role: 'platform',
  async run(s) {
    await s.check({ id: 'UC1-01', title: 'geo search returns the places within 1000 m, each truly inside', requirement: 'seed 000 UC1.1; NPP GET /places latitude/longitude/radius' }, async (c) => {
      const reply = await c.call('sp', 'GET', '/places', { query: { ...SEARCH_POINT, radius: 1000, expand: 'all' } });
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/places');
      const { meta, data } = reply.body;
      c.expect(meta?.offset === 0, 'meta.offset of the first page is 0', { expected: 0, actual: meta?.offset });
      c.expect(Array.isArray(data) && meta.total >= data.length, 'meta.total counts at least the items of the page', { expected: `≥ ${data?.length}`, actual: meta?.total });
      const piazza = data.find((p: any) => p.id === PIAZZA);
      if (!piazza) c.precondition(`place ${PIAZZA} (Piazza, 342 m from the search point) is not in the answer: the target lacks the seed's places`);
      const outside = data
        .map((p: any) => ({ id: p.id, point: pointOf(p) }))
        .filter((p: any) => !p.point || distanceMetres(SEARCH_POINT, p.point) > 1000)
        .map((p: any) => ({ id: p.id, distance: p.point ? Math.round(distanceMetres(SEARCH_POINT, p.point)) : 'no coordinates' }));
      c.expectEqual(outside, [], 'every place of a 1000 m search lies within 1000 m (haversine) and has coordinates');
      c.note(`${data.length} places within 1000 m`);
      s.state.set('uc1.piazza', piazza);
    });

    await s.check({ id: 'UC1-02', title: 'expand=all includes right specifications and occupancy', requirement: 'seed 000 UC1.1; NPP places_expand' }, async (c) => {
      const piazza = s.state.get('uc1.piazza') as any;
      c.expect(Array.isArray(piazza.rightSpecifications) && piazza.rightSpecifications.length > 0, 'Piazza lists its right specifications', { actual: piazza.rightSpecifications });
      const occupancy = occupancyOf(piazza);
      c.expect(occupancy?.supply !== undefined, 'Piazza shows its occupancy (supply and demand)', { expected: 'hierarchyElementReference (or occupancy)', actual: Object.keys(piazza) });
    });

    await s.check({ id: 'UC1-03', title: 'structure_type filter keeps off-street places and drops on-street ones', requirement: 'seed 000 UC1.1 (location_type=off_street); NPP structure_type', independent: true }, async (c) => {
      const off = await c.call('sp', 'GET', '/places', { query: { structure_type: OFF_STREET.join(','), expand: 'characteristics' } });
      c.expectStatus(off, 200);
      c.expectSchema(off, 'get', '/places');
      c.expect(off.body.data.some((p: any) => p.id === PIAZZA), `${PIAZZA} (an underground structure) is an off-street place`);
      const wrong = off.body.data.filter((p: any) => !structureTypesOf(p).some((t) => OFF_STREET.includes(t))).map((p: any) => p.id);
      c.expectEqual(wrong, [], 'every place returned is off-street');
      const on = await c.call('sp', 'GET', '/places', { query: { structure_type: 'onStreet' } });
      c.expectStatus(on, 200);
      c.expect(!on.body.data.some((p: any) => p.id === PIAZZA), `${PIAZZA} is not returned for structure_type=onStreet`);
    });

    await s.check({ id: 'UC1-04', title: 'the seed query location_type=off_street is understood', requirement: 'seed 000 UC1.1 request', severity: 'SHOULD', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', '/places', { query: { location_type: 'off_street' } });
      c.expectStatus(reply, 200);
      c.expect(reply.body.data.some((p: any) => p.id === PIAZZA), `${PIAZZA} is in the answer of ?location_type=off_street`);
    });

    await s.check({ id: 'UC1-05', title: 'right specification of Arndale names its place and rate table', requirement: 'seed 000 UC1.2 step 1; NPP GET /rights/specs/{id}', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', `/rights/specs/${ARNDALE_SPEC}`, { query: { expand: 'all' } });
      if (reply.status === 404) c.precondition(`right specification ${ARNDALE_SPEC} of the seed is missing`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rights/specs/{id}');
      c.expectEqual(reply.body.id, ARNDALE_SPEC, 'the answer is the right specification asked for');
      c.expect((reply.body.hierarchyElements ?? []).some((h: any) => h.id === ARNDALE), `hierarchyElements include Arndale ${ARNDALE}`, { actual: reply.body.hierarchyElements });
      c.expectEqual(rateRefsOf(reply.body)[0], ARNDALE_RATE, 'rateEligibility[0] refers to the Arndale rate table');
    });

    await s.check({ id: 'UC1-06', title: 'the seed path /rights/{id} reads the right specification', requirement: 'seed 000 UC1.2 request', severity: 'SHOULD', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', `/rights/${ARNDALE_SPEC}`, { query: { expand: 'all' } });
      c.expectStatus(reply, 200);
      c.expectEqual(reply.body.id, ARNDALE_SPEC, 'the answer is the right specification asked for');
    });

    await s.check({ id: 'UC1-07', title: 'the rate table: its own id, GBP, six lines in order, valid increments', requirement: 'seed 000 UC1.2 step 2; NPP GET /rates/{id}', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', `/rates/${ARNDALE_RATE}`, { query: { expand: 'all' } });
      if (reply.status === 404) c.precondition(`rate table ${ARNDALE_RATE} of the seed is missing`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/rates/{id}');
      c.expectEqual(reply.body.id, ARNDALE_RATE, 'the answer carries the id it was asked by (the seed shows 2a00f59e…)');
      const collection = reply.body.rateLineCollections?.[0];
      c.expectEqual(collection?.applicableCurrency, 'GBP', 'the collection is in GBP');
      const lines = collection?.rateLines ?? [];
      c.expectEqual(lines.length, 6, 'six rate lines');
      const sequences = lines.map((l: any) => l.sequence);
      c.expectEqual(sequences, [...sequences].sort((a: number, b: number) => a - b), 'rate lines in ascending sequence');
      const badPeriods = lines.map((l: any) => l.incrementPeriod).filter((p: unknown) => typeof p !== 'string' || !ISO_DURATION.test(p));
      c.expectEqual(badPeriods, [], 'every incrementPeriod is an ISO 8601 duration');
    });

    await s.check({ id: 'UC1-08', title: 'occupancy of Deansgate: shown with expand=occupancy, consistent', requirement: 'seed 000 UC1.3; NPP places_expand occupancy', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', `/places/${DEANSGATE}`, { query: { expand: 'occupancy' } });
      if (reply.status === 404) c.precondition(`place ${DEANSGATE} (Deansgate) of the seed is missing`);
      c.expectStatus(reply, 200);
      c.expectSchema(reply, 'get', '/places/{id}');
      const occupancy = occupancyOf(reply.body);
      c.expect(occupancy?.supply !== undefined && occupancy.count !== undefined, 'supply and demand count are present', { actual: occupancy });
      c.expect(occupancy!.count! >= 0 && occupancy!.count! <= occupancy!.supply!, '0 ≤ count ≤ supply', { actual: occupancy });
      s.state.set('uc1.deansgate', reply.body);
    });

    await s.check({ id: 'UC1-09', title: 'without expand, occupancy is left out', requirement: 'NPP places_expand ("optional attributes … included")', severity: 'SHOULD', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', `/places/${DEANSGATE}`);
      c.expectStatus(reply, 200);
      c.expect(occupancyOf(reply.body) === undefined, 'no occupancy without expand=occupancy', { actual: Object.keys(reply.body) });
    });

    await s.check({ id: 'UC1-10', title: 'the data provider PATCHes occupancy; the rest stays as it was', requirement: 'seed 000 UC1.4 (PATCH: only the given fields change)' }, async (c) => {
      const before = s.state.get('uc1.deansgate') as any;
      const count = Math.min(occupancyOf(before)!.supply!, ((occupancyOf(before)!.count ?? 0) + 7) % (occupancyOf(before)!.supply! + 1));
      const timestamp = isoSeconds();
      const patch = {
        id: DEANSGATE,
        version: before.version,
        occupancy: { demand: { frequency: 'PT3M', timestamp, demandType: [{ count, recordDateTime: timestamp, occupancyCalculation: 'counted' }] } },
      };
      const reply = await c.call('po', 'PATCH', `/places/${DEANSGATE}`, { body: patch, headers: { 'Content-Type': 'application/merge-patch+json' } });
      c.expectStatus(reply, 200);
      c.expect(isResponseStatusOk(reply.body), 'the answer is a ResponseStatus "ok"', { actual: reply.body });
      const after = await c.call('sp', 'GET', `/places/${DEANSGATE}`, { query: { expand: 'occupancy' } });
      c.expectStatus(after, 200);
      const occupancy = occupancyOf(after.body);
      c.expectEqual(occupancy?.count, count, 'the new count reads back');
      c.expectEqual(Date.parse(occupancy?.timestamp ?? ''), Date.parse(timestamp), 'the new timestamp reads back');
      c.expectEqual(text(after.body.name), text(before.name), 'the name is unchanged');
      c.expectEqual(text(after.body.description), text(before.description), 'the description is unchanged');
      c.expectEqual(occupancy?.supply, occupancyOf(before)?.supply, 'the supply is unchanged');
    });

    await s.check({ id: 'UC1-11', title: 'PUT with a partial body is refused (400) and changes nothing', requirement: 'NPP PUT /places/{id} (a full HierarchyElement)', severity: 'SHOULD', independent: true }, async (c) => {
      const before = await c.call('sp', 'GET', `/places/${DEANSGATE}`, { query: { expand: 'all' } });
      const reply = await c.call('po', 'PUT', `/places/${DEANSGATE}`, { body: { id: DEANSGATE, version: before.body.version, occupancy: { demand: { demandType: [{ count: 1, recordDateTime: isoSeconds() }] } } } });
      c.expectErrorStatus(reply, 400);
      const after = await c.call('sp', 'GET', `/places/${DEANSGATE}`, { query: { expand: 'all' } });
      c.expectEqual(after.body, before.body, 'the place is unchanged');
    });

    await s.check({ id: 'UC1-12', title: 'unknown place and rate answer 404 with a ResponseStatus', requirement: 'NPP GET /places/{id}, /rates/{id}: 404', independent: true }, async (c) => {
      c.expectErrorStatus(await c.call('sp', 'GET', `/places/${s.fresh('missing-place')}`), 404);
      c.expectErrorStatus(await c.call('sp', 'GET', `/rates/${s.fresh('missing-rate')}`), 404);
    });
  },
};
