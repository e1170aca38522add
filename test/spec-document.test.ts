// Checks spec/openapi.yaml as a document: it compiles, its references resolve, its operations are complete,
// it agrees with the NPP 1.0.1 contract where it claims to, and the seed entities (in canonical form) validate.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

type Json = Record<string, any>;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const doc: Json = parseYaml(readFileSync(join(root, 'spec', 'openapi.yaml'), 'utf8'));
const referencePath = join(root, '..', 'shared', 'reference', 'npp-api-1.0.1.yaml');
const hasReference = existsSync(referencePath);
const contract: Json | undefined = hasReference ? parseYaml(readFileSync(referencePath, 'utf8')) : undefined;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const NPP_PREFIXES = ['/places', '/rights', '/rates', '/sessions'];
const isNppPath = (path: string) => NPP_PREFIXES.some((p) => path === p || path.startsWith(p + '/'));
// APDS resources the NPP does not use, served as extensions (E39, E40, E42): secured like NPP data operations.
const APDS_PREFIXES = ['/observations', '/quotes', '/contacts'];
const isApdsPath = (path: string) => APDS_PREFIXES.some((p) => path === p || path.startsWith(p + '/'));

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(ajv);
  for (const name of ['float', 'double', 'url']) ajv.addFormat(name, true);
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  return ajv;
}

const ajv = createAjv();
const validatorFor = (name: string) => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });

/** The errors of validating `value` against components.schemas[name], as "path message" lines. */
function errorsOf(name: string, value: unknown): string[] {
  const validate = validatorFor(name);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

function operations(paths: Json): Array<{ path: string; method: string; op: Json }> {
  const out: Array<{ path: string; method: string; op: Json }> = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) if (item[method]) out.push({ path, method, op: item[method] });
  }
  return out;
}

/** The oAuth scopes of an operation's security, sorted; undefined when it has no oAuth requirement. */
function oauthScopes(op: Json): string[] | undefined {
  const requirement = (op.security ?? []).find((r: Json) => 'oAuth' in r);
  return requirement ? [...requirement.oAuth].sort() : undefined;
}

function resolvePointer(pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.replace(/^#\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in (node as Json))) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function collectRefs(node: unknown, at = '#', out: Array<{ at: string; ref: string }> = []) {
  if (Array.isArray(node)) node.forEach((v, i) => collectRefs(v, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push({ at, ref: value });
      else collectRefs(value, `${at}/${key}`, out);
    }
  }
  return out;
}

// ----- Seed 000 entities in canonical form (docs/architecture.md conversion table applied) ----- //

const en = (string: string) => [{ language: 'en', string }];

/** UC1.1: place Piazza. */
const piazza = {
  id: 'QP_GB_G7HRF7Y',
  version: 1,
  type: 'parkingPlace',
  layer: 1,
  name: en('Piazza'),
  indicativePlacePointLocation: [{ type: 'Point', coordinates: [-2.2412945, 53.4776558] }],
  hierarchyElementReference: {
    elementId: { id: 'QP_GB_G7HRF7Y', version: 1 },
    supply: [
      { supplyQuantity: 225, supplyViewType: 'vehicleView', supplyValidityStart: '2019-01-01T00:00:00Z', supplyValidityEnd: '2025-12-31T23:59:59Z' },
    ],
    demandTable: [
      {
        frequency: 'PT3M',
        timestamp: '2023-06-16T04:21:04Z',
        demandType: [{ count: 116, recordDateTime: '2023-06-16T04:21:03Z', occupancyCalculation: 'counted' }],
      },
    ],
  },
  description: en('Manchester City Council - Chinatown'),
  parentId: { id: 'bc2b7fdd-b83b-4fcc-a05e-4e42f123c041', version: 1 },
  characteristics: [
    { accessControlled: true, evChargingPoints: 0, openToPublic: true, spacesTotal: 225, structureGrade: 'underground', structureType: 'offStreetStructure' },
  ],
  contacts: [{ contactType: 'contactPoint', organisationName: en('Q-Park'), type: 'operator' }],
  rightSpecifications: [
    { id: '53facf38-9b8e-484f-b381-c725c446a26d', version: 1 },
    { id: '4a4bcba3-2f45-4b39-b038-d1489493b405', version: 1 },
    { id: '4942671f-56c8-40bd-80ed-804dca62591f', version: 1 },
    { id: '96bb1226-a734-4489-be72-8c7d8bfe1e1f', version: 1 },
  ],
  paymentMethods: [{ paymentMode: ['payAndExit'] }],
  placeStreetAddress: [
    {
      postCode: 'M1 4BP',
      city: en('Manchester'),
      countryCode: 'gb',
      addressLines: [{ type: 'street', order: 0, text: en('St James Street') }],
    },
  ],
};

/** UC1.2a: right specification 6091d5d0 (`rate` renamed rateTable, validity wrapped, recurring period in an array). */
const rightSpec6091 = {
  id: '6091d5d0-5264-4d66-a31a-1a9e2c9eed89',
  version: 1,
  type: 'oneTimeUseParking',
  description: en('right specification for Arndale Car Park in Manchester City'),
  expiry: '2025-12-31T23:59:59Z',
  hierarchyElements: [{ id: '805432', version: 1 }],
  rateEligibility: [
    { id: 'b49794f3-a845-4451-8618-641100f49b2e', version: 1, rateTable: { id: '0376c349-ed20-4f6f-9551-1a82f9f5f734', version: 1 } },
  ],
  validity: {
    validityTimeSpecification: {
      validPeriods: [
        {
          periodName: en('all week long'),
          recurringDayWeekMonthPeriod: [{ applicableDay: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] }],
        },
      ],
    },
  },
};

/** UC1.2b: rate table 0376c349 (stored under the path id; bare values become GBP amounts). */
const rateLine = (sequence: number, text: string, value: number, incrementPeriod: string) => ({
  sequence,
  description: en(text),
  rateLineType: 'incrementingRate',
  value: { currencyType: 'GBP', currencyValue: value },
  incrementPeriod,
});
const rate0376 = {
  id: '0376c349-ed20-4f6f-9551-1a82f9f5f734',
  version: 1,
  rateTableName: en('rate table for Arndale Car Park in Manchester (general public parking)'),
  rateLineCollections: [
    {
      applicableCurrency: 'GBP',
      collectionSequence: 0,
      rateLines: [
        rateLine(0, 'Up to 1 hour', 3.7, 'PT1H'),
        rateLine(1, 'Up to 2 hours', 3.0, 'PT1H'),
        rateLine(2, 'Up to 3 hours', 2.5, 'PT1H'),
        rateLine(3, 'Up to 4 hours', 3.0, 'PT1H'),
        rateLine(4, 'Up to 5 hours', 3.0, 'PT1H'),
        rateLine(5, 'Up to 24 hours', 5.3, 'PT19H'),
      ],
      relativeTimes: true,
    },
  ],
  availability: 'public',
  rateResponsibleParty: 'Manchester City Council',
};

/** UC4.1: assigned right 20410eec (issuer version defaulted to 1). */
const assignedRight2041 = {
  id: '20410eec-2352-4cc1-820c-21ea6cbce506',
  version: 1,
  rightHolder: { credentials: [{ type: 'licensePlate', identifier: { id: 'BD18SMR', className: 'UKNumberPlate' } }] },
  rightSpecification: { id: '0ab95c73-4c2b-4fe3-8528-0403c7734b92', version: 1 },
  issuanceTime: '2021-10-18T15:21:00Z',
  expiry: '2024-12-31T23:59:59Z',
  assignedRightIssuer: { id: 'SP0001', className: 'DigitalServiceProvider', version: 1 },
  issueMethod: 'electronic',
};

/** UC4.5: completed session fe5eea6a (`credentials` renamed identifiedCredentials). */
const sessionFe5e = {
  id: 'fe5eea6a-4be3-46fa-b037-20f04334ccdd',
  version: 1,
  actualStart: '2021-11-01T13:05:00Z',
  actualEnd: '2021-11-01T17:23:01Z',
  identifiedCredentials: [{ identifier: { id: 'BD18SMR', className: 'UKNumberPlate' }, type: 'licensePlate' }],
  segments: [
    {
      id: '9323f1a7-ac48-4ab1-a141-7381373583ca',
      version: 1,
      actualStart: '2021-11-01T13:05:00Z',
      actualEnd: '2021-11-01T17:23:01Z',
      validationType: ['licensePlate'],
      financialTransactions: [{ segmentValue: 10.8, serviceProvider: en('SP0001'), taxIncluded: true }],
      assignedRight: { id: '20410eec-2352-4cc1-820c-21ea6cbce506', version: 1 },
    },
  ],
  hierarchyElement: { id: '220001', version: 1 },
};

// ----- Tests ----- //

describe('spec/openapi.yaml', () => {
  it('is an OpenAPI 3.1 document with both mounts', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('apds-conformance mock platform');
    expect(doc.info.version).toBe('0.1.0');
    expect(doc.servers.map((s: Json) => s.url)).toEqual(['/', '/v1/parking']);
  });

  it('compiles every components.schemas entry with Ajv2020', () => {
    const failures: string[] = [];
    for (const name of Object.keys(doc.components.schemas)) {
      try {
        validatorFor(name);
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('compiles every parameter schema', () => {
    const failures: string[] = [];
    for (const name of Object.keys(doc.components.parameters)) {
      try {
        ajv.compile({ $ref: `openapi.json#/components/parameters/${name}/schema` });
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('resolves every $ref inside the document', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(100);
    const dangling = refs.filter(({ ref }) => !ref.startsWith('#/') || resolvePointer(ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('gives every operation a unique operationId, a summary and responses', () => {
    const ops = operations(doc.paths);
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of ops) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
    }
  });

  it('secures every NPP data operation with oAuth or the APDS access token', () => {
    const nppOps = operations(doc.paths).filter(({ path }) => isNppPath(path));
    expect(nppOps.length).toBe(31); // 5 resources × 6 operations, plus GET /rights/{id}
    for (const { path, method, op } of nppOps) {
      const label = `${method} ${path}`;
      expect(oauthScopes(op)?.length, label).toBeGreaterThan(0);
      expect(op.security.some((r: Json) => 'apdsAccessToken' in r), label).toBe(true);
      if (method === 'patch') expect(oauthScopes(op), label).toEqual(oauthScopes(doc.paths[path].put));
    }
  });

  it('secures every APDS extension operation (observations, quotes, contacts) with oAuth and the APDS access token', () => {
    const apdsOps = operations(doc.paths).filter(({ path }) => isApdsPath(path));
    expect(apdsOps.length).toBe(15); // observations 6, quotes 3, contacts 6
    for (const { path, method, op } of apdsOps) {
      const label = `${method} ${path}`;
      expect(oauthScopes(op)?.length, label).toBeGreaterThan(0);
      expect(op.security.some((r: Json) => 'apdsAccessToken' in r), label).toBe(true);
      if (method === 'patch') expect(oauthScopes(op), label).toEqual(oauthScopes(doc.paths[path].put));
    }
  });

  it('leaves the admin, meta, webhook, observability and reconciliation routes unsecured and marks admin routes', () => {
    for (const { path, method, op } of operations(doc.paths).filter(({ path }) => !isNppPath(path) && !isApdsPath(path))) {
      expect(op.security, `${method} ${path}`).toEqual([]);
      if (path.startsWith('/__admin/')) expect(op['x-admin'], `${method} ${path}`).toBe(true);
    }
  });

  it('documents each erratum with an id, what the contract says and what we do', () => {
    const errata: Json[] = doc['x-errata'];
    expect(errata.length).toBeGreaterThanOrEqual(25);
    for (const entry of errata) {
      expect(entry.id).toMatch(/^E\d{2}$/);
      expect(typeof entry.contract === 'string' && entry.contract.length > 0, entry.id).toBe(true);
      expect(typeof entry.ours === 'string' && entry.ours.length > 0, entry.id).toBe(true);
    }
    expect(new Set(errata.map((e) => e.id)).size).toBe(errata.length);
  });
});

describe(`cross-check against the NPP 1.0.1 contract${hasReference ? '' : ' (skipped: ../shared/reference/npp-api-1.0.1.yaml is absent)'}`, () => {
  it.skipIf(!hasReference)('has every contract operation under /places, /rights, /rates, /sessions, with the same oAuth scopes', () => {
    const contractOps = operations(contract!.paths).filter(({ path }) => isNppPath(path));
    expect(contractOps.length).toBeGreaterThan(0);
    for (const { path, method, op } of contractOps) {
      const ours = doc.paths[path]?.[method];
      expect(ours, `${method} ${path} is missing`).toBeDefined();
      expect(oauthScopes(ours), `${method} ${path}`).toEqual(oauthScopes(op));
    }
  });

  it.skipIf(!hasReference)('keeps the contract enums', () => {
    for (const name of ['CredentialTypeEnum', 'RightSpecificationTypeEnum', 'HierarchyElementTypeEnum', 'StructureTypeEnum', 'StructureGradeEnum']) {
      expect(doc.components.schemas[name]?.enum, name).toEqual(contract!.components.schemas[name].enum);
    }
  });
});

describe('seed 000 entities in canonical form', () => {
  it('UC1.1 place Piazza is a HierarchyElement, also inside a list', () => {
    expect(errorsOf('HierarchyElement', piazza)).toEqual([]);
    const list = { meta: { referenceInstant: 1686889399, offset: 0, pageSize: 200, total: 1 }, data: [piazza] };
    expect(errorsOf('HierarchyElementList', list)).toEqual([]);
  });

  it('UC1.2a right specification 6091d5d0 is a RightSpecification', () => {
    expect(errorsOf('RightSpecification', rightSpec6091)).toEqual([]);
  });

  it('UC1.2b rate table 0376c349 is a RateTable', () => {
    expect(errorsOf('RateTable', rate0376)).toEqual([]);
  });

  it('UC4.1 assigned right 20410eec is an AssignedRight', () => {
    expect(errorsOf('AssignedRight', assignedRight2041)).toEqual([]);
  });

  it('UC4.5 session fe5eea6a is a Session', () => {
    expect(errorsOf('Session', sessionFe5e)).toEqual([]);
  });

  it('still rejects the flows shapes and contract violations', () => {
    expect(errorsOf('HierarchyElement', { ...piazza, type: 'place' })).not.toEqual([]);
    expect(errorsOf('HierarchyElement', { ...piazza, name: { en: 'Piazza' } })).not.toEqual([]);
    expect(errorsOf('Address', { countryCode: 'GB' })).not.toEqual([]);
    expect(errorsOf('ResponseStatus', { status: 'OK', code: 200 })).not.toEqual([]);
    expect(errorsOf('Session', { ...sessionFe5e, actualStart: '2021-11-01T 13:05:00Z' })).not.toEqual([]);
    expect(errorsOf('DemandTable', { frequency: 'PTM3M' })).not.toEqual([]);
    expect(errorsOf('AssignedRight', { ...assignedRight2041, rightHolder: undefined })).not.toEqual([]);
  });

  it('applies the errata the seed relies on', () => {
    expect(errorsOf('Reference', { id: 'BD18SMR', className: 'UKNumberPlate' })).toEqual([]); // E01
    expect(errorsOf('ResponseStatus', { status: 'error', code: 400, message: 'bad', errors: [{ path: '/id', message: 'is missing' }] })).toEqual([]); // E25
    expect(errorsOf('InstantFilter', 'now')).toEqual([]); // E10
    expect(errorsOf('InstantFilter', 1635776100)).toEqual([]);
    expect(errorsOf('InstantFilter', 'yesterday')).not.toEqual([]);
    expect(errorsOf('Contact', { contactType: 'contactPoint' })).not.toEqual([]); // a contact point needs its role
    expect(errorsOf('Contact', { contactType: 'contactByReference', contactReference: { id: 'c1', version: 1 } })).toEqual([]);
  });
});
