// The committed fixture sets (fixtures/default, fixtures/uc5) and the seed payload copies (fixtures/payloads).
// Checks ids, references, the seed 000 inventory, geography and, where ../shared exists, fidelity to the seed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = join(root, 'fixtures');
const seedPath = join(root, '..', 'shared', 'seeds', '000_840d7f6c1a5439af.txt');
const carParksPath = join(root, '..', 'shared', 'data', 'manchester-car-parks.json');
const specYaml = join(root, 'spec', 'openapi.yaml');
const haveSeed = existsSync(seedPath);
const haveCarParks = existsSync(carParksPath);
const SCHEMA_OF: Record<string, string> = { places: 'HierarchyElement', 'right-specs': 'RightSpecification', rates: 'RateTable', 'assigned-rights': 'AssignedRight', sessions: 'Session' };
/** Our OpenAPI document once it exists: parsed lazily (a YAML error fails the validation test, it does not skip it). */
const specText = existsSync(specYaml) ? readFileSync(specYaml, 'utf8') : undefined;
/** The spec is written in parallel with the fixtures: validate once it defines the entity schemas. */
const specDefinesEntities = !!specText && ['HierarchyElement', 'RightSpecification', 'RateTable', 'AssignedRight'].every((n) => new RegExp(`^    ${n}:`, 'm').test(specText));

type Entity = Record<string, any> & { id: string; version: number };
type Ref = { id: string; version: number };

const readJson = (...parts: string[]): any => JSON.parse(readFileSync(join(fixturesDir, ...parts), 'utf8'));
const KINDS = ['places', 'right-specs', 'rates', 'assigned-rights', 'sessions'] as const;
const fx = Object.fromEntries(KINDS.map((k) => [k, readJson('default', `${k}.json`)])) as Record<(typeof KINDS)[number], Entity[]>;
const { places, 'right-specs': specs, rates, 'assigned-rights': assignedRights, sessions } = fx;
const manifest = readJson('uc5', 'manifest.json');

const ids = (list: Entity[]) => list.map((e) => e.id);
const refKey = (r: Ref) => `${r.id}@${r.version}`;
const indexBy = (list: Entity[]) => new Map(list.map((e) => [e.id, e]));

const PIAZZA = 'QP_GB_G7HRF7Y';
const CAMPUS = 'bc2b7fdd-b83b-4fcc-a05e-4e42f123c041';
const SEED_PLACES = [PIAZZA, '805428', '805432', '001702e7-99f6-4e48-ac7c-df412907b29b', '220001', CAMPUS];
const SEED_SPECS = [
  '6091d5d0-5264-4d66-a31a-1a9e2c9eed89',
  'a298d061-a30c-4a5a-bfe0-308f20d3ddc7',
  '0ab95c73-4c2b-4fe3-8528-0403c7734b92',
  '53facf38-9b8e-484f-b381-c725c446a26d',
  '4a4bcba3-2f45-4b39-b038-d1489493b405',
  '4942671f-56c8-40bd-80ed-804dca62591f',
  '96bb1226-a734-4489-be72-8c7d8bfe1e1f',
];
const RATE = '0376c349-ed20-4f6f-9551-1a82f9f5f734';
const RATE_ALIAS = '2a00f59e-50b0-4ac1-8733-1b3d23482403';
const AR_MS00MS = 'bec97cab-8eb7-4868-be9f-da95fa17d19e';
const FLOW_CREATED = ['e2089853-b790-459b-884e-4869b40d193d', '20410eec-2352-4cc1-820c-21ea6cbce506', 'fe5eea6a-4be3-46fa-b037-20f04334ccdd'];

function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const R = 6371008.8;
  const rad = (x: number) => (x * Math.PI) / 180;
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
const distanceFromUc1Point = (p: Entity): number | undefined => {
  const c = p.indicativePlacePointLocation?.[0]?.coordinates;
  return c ? haversineM(53.4806, -2.2428, c[1], c[0]) : undefined;
};

/** Every value in a JSON tree, with its path. */
function* walk(value: unknown, path = ''): Generator<[string, unknown]> {
  yield [path, value];
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* walk(value[i], `${path}/${i}`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}/${k}`);
}

describe('fixtures/default: ids and references', () => {
  it.each(KINDS)('%s.json is an array of entities with unique ids and version 1', (kind) => {
    const list = fx[kind];
    expect(Array.isArray(list)).toBe(true);
    expect(new Set(ids(list)).size).toBe(list.length);
    for (const e of list) expect(e.version, e.id).toBe(1);
  });

  it('places.json is sorted by id (the generator is deterministic)', () => {
    expect(ids(places)).toEqual([...ids(places)].sort());
  });

  it('every parentId resolves to a place of a lower layer', () => {
    const byId = indexBy(places);
    for (const p of places) {
      if (!p.parentId) continue;
      const parent = byId.get(p.parentId.id);
      expect(parent, `${p.id} → ${p.parentId.id}`).toBeDefined();
      expect(parent!.version).toBe(p.parentId.version);
      expect(p.layer, p.id).toBe(parent!.layer + 1);
    }
  });

  it('place.rightSpecifications and spec.hierarchyElements agree both ways', () => {
    const fromPlaces = new Set(places.flatMap((p) => (p.rightSpecifications ?? []).map((r: Ref) => `${p.id}@${p.version}→${refKey(r)}`)));
    const fromSpecs = new Set(specs.flatMap((s) => s.hierarchyElements.map((h: Ref) => `${refKey(h)}→${s.id}@${s.version}`)));
    expect([...fromPlaces].sort()).toEqual([...fromSpecs].sort());
    const placeIds = new Set(ids(places));
    for (const s of specs) for (const h of s.hierarchyElements) expect(placeIds.has(h.id), `${s.id} → ${h.id}`).toBe(true);
  });

  it('every rateEligibility[].rateTable resolves to a rate', () => {
    const rateKeys = new Set(rates.map(refKey));
    for (const s of specs) for (const re of s.rateEligibility ?? []) expect(rateKeys.has(refKey(re.rateTable)), `${s.id} → ${re.rateTable?.id}`).toBe(true);
  });

  it('every assigned right names an existing right specification', () => {
    const specKeys = new Set(specs.map(refKey));
    for (const ar of assignedRights) expect(specKeys.has(refKey(ar.rightSpecification)), ar.id).toBe(true);
  });

  it('occupancy is self-consistent: elementId is the place, demand count ≤ supply', () => {
    for (const p of places) {
      const ref = p.hierarchyElementReference;
      if (!ref) continue;
      expect(ref.elementId, p.id).toEqual({ id: p.id, version: p.version });
      const supply = ref.supply?.[0]?.supplyQuantity;
      for (const d of ref.demandTable ?? []) for (const t of d.demandType) if (supply !== undefined) expect(t.count, p.id).toBeLessThanOrEqual(supply);
      if (p.characteristics?.[0]?.spacesTotal !== undefined && supply !== undefined) expect(supply, p.id).toBe(p.characteristics[0].spacesTotal);
    }
  });
});

describe('fixtures/default: the seed 000 inventory', () => {
  it('holds every seed place; every other place is a real car park from manchester-car-parks.json', () => {
    const placeIds = ids(places);
    for (const id of SEED_PLACES) expect(placeIds).toContain(id);
    for (const p of places) {
      if (SEED_PLACES.includes(p.id)) continue;
      expect(p.id).toMatch(/^gb-/);
      expect(p['x-sources']?.length, p.id).toBeGreaterThan(0);
    }
  });

  it('holds exactly the seed right specifications, rate, assigned right and no session', () => {
    expect(ids(specs).sort()).toEqual([...SEED_SPECS].sort());
    expect(ids(rates)).toEqual([RATE]);
    expect(rates[0]['x-aliases']).toEqual([RATE_ALIAS]);
    expect(ids(assignedRights)).toEqual([AR_MS00MS]);
    expect(sessions).toEqual([]);
  });

  it('does not preload what the flows create (sessions e2089853, fe5eea6a; assigned right 20410eec) nor the rate alias', () => {
    const all = new Set(KINDS.flatMap((k) => ids(fx[k])));
    for (const id of [...FLOW_CREATED, RATE_ALIAS]) expect(all.has(id), id).toBe(false);
  });

  it('is in canonical form: no flows shapes, no zone-less or spaced timestamps, no PTM3M, lowercase country codes', () => {
    const flowsKeys = new Set(['parent', 'indicativePointLocation', 'occupancy', 'rate']);
    for (const kind of KINDS) {
      for (const [path, v] of walk(fx[kind], kind)) {
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          for (const k of Object.keys(v)) expect(flowsKeys.has(k), `${path}/${k}`).toBe(false);
          expect('en' in v, `${path} is a flows MultilingualString`).toBe(false);
        }
        if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]/.test(v)) expect(v, path).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        if (path.endsWith('/frequency')) expect(v, path).not.toBe('PTM3M');
        if (path.endsWith('/countryCode')) expect(v, path).toMatch(/^[a-z]{2}$/);
      }
    }
  });

  it('Piazza carries all of its UC1.1 content', () => {
    const p = indexBy(places).get(PIAZZA)!;
    expect(p).toMatchObject({
      type: 'parkingPlace',
      layer: 1,
      name: [{ language: 'en', string: 'Piazza' }],
      description: [{ language: 'en', string: 'Manchester City Council - Chinatown' }],
      parentId: { id: CAMPUS, version: 1 },
      timeZone: 'Europe/London',
      indicativePlacePointLocation: [{ type: 'Point', coordinates: [-2.2412945, 53.4776558] }],
      characteristics: [{ accessControlled: true, evChargingPoints: 0, openToPublic: true, spacesTotal: 225, structureGrade: 'underground', structureType: 'offStreetStructure' }],
      contacts: [{ contactType: 'contactPoint', organisationName: [{ language: 'en', string: 'Q-Park' }], type: 'operator' }],
      paymentMethods: [{ paymentMode: ['payAndExit'] }],
      placeStreetAddress: [{ postCode: 'M1 4BP', city: [{ language: 'en', string: 'Manchester' }], countryCode: 'gb', addressLines: [{ type: 'street', order: 0, text: [{ language: 'en', string: 'St James Street' }] }] }],
      hierarchyElementReference: {
        elementId: { id: PIAZZA, version: 1 },
        supply: [{ supplyQuantity: 225, supplyViewType: 'vehicleView', supplyValidityStart: '2019-01-01T00:00:00Z', supplyValidityEnd: '2025-12-31T23:59:59Z' }],
        demandTable: [{ frequency: 'PT3M', timestamp: '2023-06-16T04:21:04Z', demandType: [{ count: 116, recordDateTime: '2023-06-16T04:21:03Z', occupancyCalculation: 'counted' }] }],
      },
    });
    expect(p.rightSpecifications.map((r: Ref) => r.id)).toEqual(SEED_SPECS.slice(3));
    expect(p.hierarchyElementRecord).toBeUndefined();
  });

  it('Deansgate 805428 carries its UC1.3 content', () => {
    expect(indexBy(places).get('805428')).toMatchObject({
      name: [{ language: 'en', string: 'Deansgate' }],
      description: [{ language: 'en', string: 'Deansgate Car Park in Manchester City' }],
      areaType: 'generalParking',
      hierarchyElementReference: {
        supply: [{ supplyQuantity: 340, supplyViewType: 'vehicleView' }],
        demandTable: [{ frequency: 'PT3M', timestamp: '2023-06-25T10:30:00Z', demandType: [{ count: 125, recordDateTime: '2023-06-25T10:30:00Z', occupancyCalculation: 'counted' }] }],
      },
    });
  });

  it('the campus is layer 0 and every other seed place hangs under it', () => {
    const byId = indexBy(places);
    expect(byId.get(CAMPUS)).toMatchObject({ type: 'campus', layer: 0 });
    for (const id of SEED_PLACES.filter((x) => x !== CAMPUS)) expect(byId.get(id)!.parentId, id).toEqual({ id: CAMPUS, version: 1 });
  });

  it('right specification 6091d5d0 is UC1.2a in canonical form', () => {
    expect(indexBy(specs).get(SEED_SPECS[0])).toMatchObject({
      type: 'oneTimeUseParking',
      description: [{ language: 'en', string: 'right specification for Arndale Car Park in Manchester City' }],
      expiry: '2025-12-31T23:59:59Z',
      hierarchyElements: [{ id: '805432', version: 1 }],
      rateEligibility: [{ id: 'b49794f3-a845-4451-8618-641100f49b2e', version: 1, rateTable: { id: RATE, version: 1 } }],
      validity: { validityTimeSpecification: { validPeriods: [{ periodName: [{ language: 'en', string: 'all week long' }], recurringDayWeekMonthPeriod: [{ applicableDay: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] }] }] } },
      transferable: false,
    });
    for (const s of specs) expect(s.issuer, s.id).toBeUndefined();
  });

  it('rate 0376c349 is UC1.2b in canonical form', () => {
    const r = rates[0];
    expect(r).toMatchObject({ availability: 'public', rateResponsibleParty: 'Manchester City Council', rateTableName: [{ language: 'en', string: 'rate table for Arndale Car Park in Manchester (general public parking)' }] });
    expect(r.rateLineCollections).toHaveLength(1);
    const c = r.rateLineCollections[0];
    expect(c).toMatchObject({ version: 1, collectionSequence: 0, applicableCurrency: 'GBP', relativeTimes: true, taxIncluded: true });
    expect(c.rateLines.map((l: any) => [l.sequence, l.rateLineType, l.incrementPeriod, l.value])).toEqual([
      [0, 'incrementingRate', 'PT1H', { currencyType: 'GBP', currencyValue: 3.7 }],
      [1, 'incrementingRate', 'PT1H', { currencyType: 'GBP', currencyValue: 3.0 }],
      [2, 'incrementingRate', 'PT1H', { currencyType: 'GBP', currencyValue: 2.5 }],
      [3, 'incrementingRate', 'PT1H', { currencyType: 'GBP', currencyValue: 3.0 }],
      [4, 'incrementingRate', 'PT1H', { currencyType: 'GBP', currencyValue: 3.0 }],
      [5, 'incrementingRate', 'PT19H', { currencyType: 'GBP', currencyValue: 5.3 }],
    ]);
  });

  it('assigned right bec97cab is UC2.2 in canonical form and starts after start_after=1610751600', () => {
    const ar = assignedRights[0];
    expect(ar).toMatchObject({
      rightHolder: { credentials: [{ type: 'licensePlate', identifier: { id: 'MS00MS', className: 'UKNumberPlate' }, issuer: [{ language: 'en', string: 'DMV' }] }] },
      rightSpecification: { id: 'a298d061-a30c-4a5a-bfe0-308f20d3ddc7', version: 1 },
      expiry: '2021-01-16T14:10:02Z',
      assignedRightIssuer: { id: 'ID_RED_PARKING', className: 'DigitalServiceProvider', version: 1 },
      issueMethod: 'electronic',
    });
    expect(Date.parse(ar.issuanceTime) / 1000).toBeGreaterThan(1610751600);
    // the enforcement query of UC2.2 names place 001702e7: the AR reaches it through its spec
    const spec = indexBy(specs).get(ar.rightSpecification.id)!;
    expect(spec.hierarchyElements.map((h: Ref) => h.id)).toContain('001702e7-99f6-4e48-ac7c-df412907b29b');
  });
});

describe('fixtures/default: geography (UC1.1 search around 53.4806, -2.2428)', () => {
  it('puts Piazza at 342 ± 2 m', () => {
    expect(Math.abs(distanceFromUc1Point(indexBy(places).get(PIAZZA)!)! - 342)).toBeLessThanOrEqual(2);
  });

  it('has at least 9 places within 1000 m, about 30 parking places, and more within 50 km', () => {
    const within = (m: number) => places.filter((p) => p.type === 'parkingPlace' && (distanceFromUc1Point(p) ?? Infinity) <= m);
    expect(within(1000).length).toBeGreaterThanOrEqual(9);
    expect(within(1000).length).toBeGreaterThanOrEqual(25);
    expect(within(1000).length).toBeLessThanOrEqual(40);
    expect(within(50_000).length).toBeGreaterThan(within(1000).length);
  });

  it('gives every place coordinates ([lon, lat], in Greater Manchester or Merseyside)', () => {
    for (const p of places) {
      const [lon, lat] = p.indicativePlacePointLocation[0].coordinates;
      expect(lat, p.id).toBeGreaterThan(53.3);
      expect(lat, p.id).toBeLessThan(53.7);
      expect(lon, p.id).toBeGreaterThan(-3.1);
      expect(lon, p.id).toBeLessThan(-2.0);
    }
  });
});

describe('fixtures/uc5: manifest over default', () => {
  it('extends default and adds assigned right 20410eec and open session fe5eea6a', () => {
    expect(manifest.extends).toBe('default');
    expect(ids(manifest.add['assigned-rights'])).toEqual([FLOW_CREATED[1]]);
    expect(ids(manifest.add.sessions)).toEqual([FLOW_CREATED[2]]);
    expect(Object.keys(manifest.add).every((k) => (KINDS as readonly string[]).includes(k))).toBe(true);
  });

  it('its entities resolve against default and do not collide with it', () => {
    const ar = manifest.add['assigned-rights'][0];
    const session = manifest.add.sessions[0];
    expect(new Set(specs.map(refKey)).has(refKey(ar.rightSpecification))).toBe(true);
    expect(indexBy(places).has(session.hierarchyElement.id)).toBe(true);
    expect(refKey(session.segments[0].assignedRight)).toBe(refKey(ar));
    for (const kind of ['assigned-rights', 'sessions'] as const) for (const e of manifest.add[kind]) expect(ids(fx[kind])).not.toContain(e.id);
  });

  it('session fe5eea6a is in the open UC5 state: fee 10.80, no end, no payment', () => {
    const s = manifest.add.sessions[0];
    expect(s.actualEnd).toBeUndefined();
    expect(s.identifiedCredentials[0]).toMatchObject({ type: 'licensePlate', identifier: { id: 'BD18SMR', className: 'UKNumberPlate' } });
    expect(s.segments).toHaveLength(1);
    expect(s.segments[0].actualEnd).toBeUndefined();
    expect(s.segments[0].financialTransactions).toEqual([{ segmentValue: 10.8, taxIncluded: true }]);
    expect(s.credentials).toBeUndefined();
  });
});

describe('fixtures/payloads: seed 000 bodies', () => {
  const PAYLOAD_LINES: Record<string, number> = {
    'uc1-4-patch-805428.json': 369,
    'uc2-1-session-e2089853.json': 428,
    'uc4-1-assigned-right-20410eec.json': 645,
    'uc4-3-session-fe5eea6a.json': 716,
    'uc4-5-session-fe5eea6a-completed.json': 794,
    'uc4-7-session-fe5eea6a-payment.json': 888,
    'uc5-3-session-fe5eea6a-payment.json': 1078,
    'uc5-4-forwarded-payment.json': 1122,
    'expected/uc1-2a-right-spec-6091d5d0.json': 189,
    'expected/uc1-2b-rate-0376c349.json': 243,
    'expected/uc1-3-place-805428.json': 326,
    'expected/uc2-2-assigned-rights.json': 497,
    'expected/uc4-2-assigned-right-20410eec.json': 681,
    'expected/uc5-1-sessions.json': 1027,
  };
  const files = [...Object.keys(PAYLOAD_LINES), 'expected/uc1-1-piazza.json'];

  it('holds exactly the listed files, each parsing as JSON', () => {
    const present = [
      ...readdirSync(join(fixturesDir, 'payloads')).filter((f) => f.endsWith('.json')),
      ...readdirSync(join(fixturesDir, 'payloads', 'expected')).map((f) => `expected/${f}`),
    ];
    expect(present.sort()).toEqual([...files].sort());
    for (const f of files) expect(() => JSON.parse(readFileSync(join(fixturesDir, 'payloads', f), 'utf8')), f).not.toThrow();
  });

  it('keeps the seed quirks the mock must normalise (UC4.7 "T 13:05", UC1.4 PTM3M)', () => {
    const uc47 = readFileSync(join(fixturesDir, 'payloads', 'uc4-7-session-fe5eea6a-payment.json'), 'utf8');
    expect(uc47).toContain('"2021-11-01T 13:05:00Z"');
    expect(uc47).toContain('"2021-11-01T 17:23:01Z"');
    expect(readFileSync(join(fixturesDir, 'payloads', 'uc1-4-patch-805428.json'), 'utf8')).toContain('PTM3M');
  });

  // ../shared (the seeds and the car-park data) sits beside the checkout for engineers and CI but not in a bare
  // clone of the repository: these two tests skip there instead of failing, since the committed JSON is what ships.
  it.skipIf(!haveSeed)('equal the JSON blocks of seed 000 verbatim [needs ../shared/seeds/000_840d7f6c1a5439af.txt]', () => {
    const lines = readFileSync(seedPath, 'utf8').split('\n');
    const blocks = new Map<number, string>(); // 1-based line of the opening fence → body
    for (let i = 0, open = -1; i < lines.length; i++) {
      if (!/^\s*```/.test(lines[i])) continue;
      if (open < 0) open = i;
      else {
        blocks.set(open + 1, lines.slice(open + 1, i).join('\n').replace(/^(\s*\n)+/, '').replace(/(\n\s*)+$/, '') + '\n');
        open = -1;
      }
    }
    for (const [file, line] of Object.entries(PAYLOAD_LINES)) {
      const text = readFileSync(join(fixturesDir, 'payloads', file), 'utf8');
      const block = blocks.get(line);
      expect(block, `${file}: no fenced block at seed line ${line}`).toBeDefined();
      expect(text, file).toBe(block);
      expect(JSON.parse(text), file).toEqual(JSON.parse(block!));
    }
    const uc11 = JSON.parse(blocks.get(68)!.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n'));
    expect(JSON.parse(readFileSync(join(fixturesDir, 'payloads', 'expected', 'uc1-1-piazza.json'), 'utf8'))).toEqual(uc11.data[0]);
  });

  it.skipIf(!haveCarParks)('places.json is what build-manchester.mjs generates [needs ../shared/data/manchester-car-parks.json]', async () => {
    const { buildPlaces } = await import('../fixtures/build-manchester.mjs');
    const seed = readJson('seed-000-entities.json');
    const data = JSON.parse(readFileSync(carParksPath, 'utf8'));
    expect(JSON.parse(JSON.stringify(buildPlaces(seed.places, data.carParks)))).toEqual(places);
    expect(places.length).toBe(new Set([...data.carParks.map((c: any) => c.id), ...SEED_PLACES]).size);
  });
});

describe('fixtures against spec/openapi.yaml', () => {
  // spec/openapi.yaml is written separately; until it defines the entity schemas there is nothing to validate against.
  it.skipIf(!specDefinesEntities)('every fixture entity validates against its schema [needs spec/openapi.yaml with the entity schemas]', () => {
    const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const name of ['float', 'double', 'url']) ajv.addFormat(name, true);
    const specDoc = parseYaml(specText!);
    ajv.addSchema(specDoc, 'openapi.json');
    const failures: string[] = [];
    // The loader fills the server-owned fields (docs/architecture.md) before an entity is served; validate it in that state.
    const serverOwned: Record<string, Record<string, unknown>> = {
      places: { hierarchyElementRecord: { creationTime: '2021-01-01T00:00:00Z' } },
      'right-specs': { issuer: { id: 'fixture-loader', version: 1 } },
      sessions: { initiator: { id: 'fixture-loader', version: 1 } },
    };
    const check = (kind: string, list: Entity[]) => {
      if (!specDoc.components.schemas[SCHEMA_OF[kind]]) return failures.push(`no schema ${SCHEMA_OF[kind]}`);
      const validate = ajv.getSchema(`openapi.json#/components/schemas/${SCHEMA_OF[kind]}`)!;
      for (const e of list) {
        if (!validate({ ...serverOwned[kind], ...e })) failures.push(`${kind} ${e.id}: ${ajv.errorsText(validate.errors)}`);
      }
    };
    for (const kind of KINDS) check(kind, fx[kind]);
    for (const [kind, list] of Object.entries(manifest.add)) check(kind, list as Entity[]);
    expect(failures).toEqual([]);
  });
});
