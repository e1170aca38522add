// Payloads for the suites that write: valid ones generated from our document's schemas with json-schema-faker
// (seeded, so `--seed` replays a run), constrained where the schema cannot say it (fresh ids, references to
// objects that exist, chronology, plausible sizes, no server-owned fields); invalid variants of them; a comparison
// of what was sent with what reads back; and the small hand-written bodies the protocol and security suites use.
import { generateSync, type GenerateSyncOptions, type JsonSchema } from 'json-schema-faker';
import { loadOpenApi, schemaRegistry, type Violation } from '../spec/index.js';

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

export interface Ref {
  id: string;
  version: number;
}

// ----- Writable resources ----- //

export type GenKind = 'places' | 'rates' | 'rightSpecs' | 'assignedRights' | 'sessions';

export const GEN_RESOURCES: Readonly<Record<GenKind, { schema: string; path: string; noun: string }>> = {
  places: { schema: 'HierarchyElement', path: '/places', noun: 'place' },
  rates: { schema: 'RateTable', path: '/rates', noun: 'rate table' },
  rightSpecs: { schema: 'RightSpecification', path: '/rights/specs', noun: 'right specification' },
  assignedRights: { schema: 'AssignedRight', path: '/rights/assigned', noun: 'assigned right' },
  sessions: { schema: 'Session', path: '/sessions', noun: 'session' },
};

/** What generated payloads may refer to: objects that exist on the target (fixtures, or created earlier). */
export interface GenerateRefs {
  /** places: the parent of every generated place (a place the writing operator runs). */
  parent?: Ref & { layer?: number };
  /** rightSpecs: the places they apply at; sessions: the session's place. */
  places?: readonly Ref[];
  /** rightSpecs: rate tables for rateEligibility (left out when empty). */
  rates?: readonly Ref[];
  /** assignedRights: their right specification. */
  specs?: readonly Ref[];
  /** sessions: the assigned rights of their segments. */
  rights?: readonly Ref[];
}

/** Validates a value against a named schema of our document (default: spec/index.ts's shared registry). */
export type SchemaValidate = (schemaName: string, value: unknown) => Violation[];

export interface GenerateOptions {
  seed: number;
  count: number;
  /** One fresh id per payload (the only part of a payload that is not derived from the seed). */
  ids: readonly string[];
  refs?: GenerateRefs;
  validate?: SchemaValidate;
}

// ----- Seeded randomness ----- //

/** FNV-1a over the parts: a 32-bit seed per (run seed, resource, index, attempt). */
export function deriveSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u241f')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 1 : h;
}

/** mulberry32: the constraint step's own randomness, seeded like the generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ----- The generation schema: our document's schemas, adjusted where json-schema-faker needs help ----- //

const DURATIONS = ['PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT2H', 'PT3H30M', 'P1D', 'P7D'];

/** Drops readOnly (server-owned) properties everywhere: a client never sends them. */
function withoutReadOnly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutReadOnly);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = withoutReadOnly(value);
  if (isObject(out.properties)) {
    const dropped = Object.keys(out.properties).filter((k) => isObject(out.properties[k]) && out.properties[k].readOnly === true);
    for (const k of dropped) delete out.properties[k];
    if (Array.isArray(out.required)) out.required = out.required.filter((r: string) => !dropped.includes(r));
  }
  return out;
}

let generationDocument: Json | undefined;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

/** The document the generator resolves `#/components/schemas/...` against (built once, never mutated). */
function generationSchemas(): Json {
  if (generationDocument) return generationDocument;
  const schemas = withoutReadOnly(clone(loadOpenApi().components.schemas)) as Json;
  // The Duration pattern uses look-arounds the generator cannot honour.
  schemas.Duration = { type: 'string', enum: DURATIONS };
  // Codes a platform may check against their registries (the schema only says "two or three letters").
  schemas.LanguageCode = { type: 'string', enum: ['en', 'cy', 'gd', 'ga', 'fr', 'de', 'pl'] };
  schemas.CountryCode = { type: 'string', enum: ['gb', 'ie', 'fr', 'de', 'nl'] };
  schemas.CurrencyCode = { type: 'string', enum: ['GBP', 'EUR'] };
  schemas.Url = { type: 'string', enum: ['https://example.org/parking', 'https://example.com/tariffs/2024', 'https://example.net/logo.png'] };
  schemas.HierarchyElement.properties.timeZone = { type: 'string', enum: ['Europe/London', 'Europe/Dublin'] };
  // Contact's if/then on contactType: generate full contact points only.
  const contact = schemas.Contact;
  delete contact.allOf;
  delete contact.properties.contactReference;
  contact.properties.contactType = { const: 'contactPoint' };
  contact.required = ['contactType', 'type'];
  // Ours (UC5): a back-end URL would make the platform forward session queries to a random address.
  delete schemas.HierarchyElement.properties.operatorBackendUrl;
  // References the constraint step sets to objects that exist, or removes.
  delete schemas.Segment.properties.spaceId;
  delete schemas.RateTable.properties.rateSupersedeLink;
  generationDocument = deepFreeze({ components: { schemas } });
  return generationDocument;
}

/** json-schema-faker options, set in full on every call (no global state). */
function fakerOptions(seed: number): GenerateSyncOptions {
  return {
    seed,
    maxDepth: 50,
    refDepth: 10,
    maxDefaultItems: 2,
    maxItems: 2,
    maxLength: 24,
    optionalsProbability: 0.5,
    alwaysFakeOptionals: false,
    fixedProbabilities: false,
    useDefaultValue: false,
    useExamplesValue: false,
    failOnInvalidTypes: true,
    minDateTime: '2020-01-01T00:00:00Z',
    maxDateTime: '2030-12-31T23:59:59Z',
  };
}

// ----- Constraints the schema cannot express ----- //

const INSTANT_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['actualStart', 'actualEnd'],
  ['overallStartTime', 'overallEndTime'],
  ['startOfPeriod', 'endOfPeriod'],
  ['validStart', 'validEnd'],
  ['validityStart', 'validityEnd'],
  ['referenceTimeStart', 'referenceTimeEnd'],
  ['supplyValidityStart', 'supplyValidityEnd'],
  ['occupancyStartTime', 'occupancyEndTime'],
  ['occupancyEstimatedStartTime', 'occupancyEstimatedEndTime'],
  ['startTime', 'endTime'],
  ['issuanceTime', 'expiry'],
  ['startPeriodCovered', 'endPeriodCovered'],
];

const minutesOfDay = (time: string) => {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
};

/** Every start before its end, wherever the pair appears. */
function orderInstants(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(orderInstants);
  if (!isObject(value)) return;
  for (const [start, end] of INSTANT_PAIRS) {
    if (typeof value[start] === 'string' && typeof value[end] === 'string' && Date.parse(value[end]) < Date.parse(value[start])) {
      [value[start], value[end]] = [value[end], value[start]];
    }
  }
  const { startTimeOfPeriod: s, endTimeOfPeriod: e } = value;
  if (typeof s === 'string' && typeof e === 'string' && minutesOfDay(e) < minutesOfDay(s)) [value.startTimeOfPeriod, value.endTimeOfPeriod] = [e, s];
  Object.values(value).forEach(orderInstants);
}

/** Every amount of a rate table in its collection's currency. */
function oneCurrency(value: unknown, currency: string): void {
  if (Array.isArray(value)) return value.forEach((v) => oneCurrency(v, currency));
  if (!isObject(value)) return;
  if (typeof value.currencyType === 'string' && typeof value.currencyValue === 'number') value.currencyType = currency;
  Object.values(value).forEach((v) => oneCurrency(v, currency));
}

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
const ref = (r: Ref): Ref => ({ id: r.id, version: r.version });
const isoAt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function constrain(kind: GenKind, value: Json, id: string, index: number, refs: GenerateRefs, random: () => number): Json {
  value.id = id;
  value.version = 1;
  orderInstants(value);
  switch (kind) {
    case 'places': {
      if (refs.parent) {
        value.parentId = ref(refs.parent);
        value.layer = (refs.parent.layer ?? 0) + 1;
      } else delete value.parentId;
      if (isObject(value.hierarchyElementReference)) value.hierarchyElementReference.elementId = { id, version: 1 };
      // Somewhere in Great Britain, [longitude, latitude].
      for (const point of value.indicativePlacePointLocation ?? []) {
        point.coordinates = [Number((-5.5 + random() * 7).toFixed(6)), Number((50.5 + random() * 7).toFixed(6))];
      }
      break;
    }
    case 'rates': {
      const currency = pick(['GBP', 'EUR'], Math.floor(random() * 2));
      value.rateLineCollections.forEach((collection: Json, c: number) => {
        collection.collectionSequence = c;
        collection.applicableCurrency = currency;
        collection.rateLines.forEach((line: Json, l: number) => (line.sequence = l));
      });
      oneCurrency(value, currency);
      break;
    }
    case 'rightSpecs': {
      value.hierarchyElements = [ref(pick(refs.places ?? [], index))];
      const rates = refs.rates ?? [];
      if (Array.isArray(value.rateEligibility)) {
        value.rateEligibility.forEach((r: Json, i: number) => {
          if (rates.length) r.rateTable = ref(pick(rates, index + i));
          else delete r.rateTable;
        });
      }
      break;
    }
    case 'assignedRights': {
      value.rightSpecification = ref(pick(refs.specs ?? [], index));
      value.rightHolder ??= {};
      if (!Array.isArray(value.rightHolder.credentials) || value.rightHolder.credentials.length === 0) {
        value.rightHolder.credentials = [{ type: 'licensePlate', identifier: { id: `GN${10 + index}ABC`, className: 'UKNumberPlate' } }];
      }
      break;
    }
    case 'sessions': {
      value.hierarchyElement = ref(pick(refs.places ?? [], index));
      const start = Date.parse(value.actualStart);
      const ended = typeof value.actualEnd === 'string';
      value.segments.forEach((segment: Json, i: number) => {
        segment.id = `seg-${i + 1}`;
        segment.assignedRight = ref(pick(refs.rights ?? [], index + i));
        segment.actualStart = isoAt(start + i * 15 * 60_000);
        if (ended || typeof segment.actualEnd === 'string') segment.actualEnd = isoAt(start + (i * 15 + 10) * 60_000);
      });
      if (ended) value.actualEnd = isoAt(start + (value.segments.length * 15 + 5) * 60_000);
      break;
    }
  }
  return value;
}

/** Refs each kind needs before it can generate anything. */
function missingRefs(kind: GenKind, refs: GenerateRefs): string | undefined {
  if (kind === 'rightSpecs' && !refs.places?.length) return 'refs.places';
  if (kind === 'assignedRights' && !refs.specs?.length) return 'refs.specs';
  if (kind === 'sessions' && !refs.places?.length) return 'refs.places';
  if (kind === 'sessions' && !refs.rights?.length) return 'refs.rights';
  return undefined;
}

const MAX_ATTEMPTS = 25;

/** One valid payload; deterministic in (seed, kind, index, id, refs). */
export function generatePayload(kind: GenKind, seed: number, index: number, id: string, refs: GenerateRefs = {}, validate?: SchemaValidate): Json {
  const missing = missingRefs(kind, refs);
  if (missing) throw new Error(`generatePayload(${kind}): ${missing} is empty`);
  const { schema } = GEN_RESOURCES[kind];
  const root = { ...generationSchemas(), $ref: `#/components/schemas/${schema}` } as JsonSchema;
  let last: Violation[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const s = deriveSeed(seed, kind, index, attempt);
    const value = generateSync(root, fakerOptions(s));
    if (!isObject(value)) continue;
    const payload = constrain(kind, value, id, index, refs, rng(s));
    last = validate ? validate(schema, payload) : schemaRegistry().validate(schema, payload);
    if (last.length === 0) return payload;
  }
  throw new Error(`generatePayload(${kind}, seed ${seed}, #${index}): no valid ${schema} in ${MAX_ATTEMPTS} attempts; last: ${last.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ')}`);
}

export function generatePayloads(kind: GenKind, options: GenerateOptions): Json[] {
  if (options.ids.length < options.count) throw new Error(`generatePayloads(${kind}): ${options.count} payloads need ${options.count} ids`);
  return Array.from({ length: options.count }, (_, i) => generatePayload(kind, options.seed, i, options.ids[i]!, options.refs, options.validate));
}

// ----- Invalid variants ----- //

export interface InvalidVariant {
  /** What was broken, e.g. "removed required /name" or "/type: enum violation". */
  mutation: string;
  body: Json;
}

const SCHEMAS = () => loadOpenApi().components.schemas as Record<string, Json>;

/** Follows $ref (and single-branch wrappers) to the schema that describes a value. */
function resolve(schema: unknown): Json {
  let s: unknown = schema;
  for (let i = 0; i < 20 && isObject(s); i++) {
    if (typeof s.$ref === 'string') s = SCHEMAS()[s.$ref.replace('#/components/schemas/', '')];
    else break;
  }
  return isObject(s) ? s : {};
}

interface Leaf {
  path: string[];
  schema: Json;
}

/** The payload's members with the schema that describes each (depth first, in key order). */
function members(value: unknown, schema: unknown, path: string[] = [], out: Leaf[] = []): Leaf[] {
  const s = resolve(schema);
  if (path.length) out.push({ path, schema: s });
  if (Array.isArray(value) && s.items) value.forEach((v, i) => members(v, s.items, [...path, String(i)], out));
  else if (isObject(value) && isObject(s.properties)) {
    for (const [key, v] of Object.entries(value)) if (s.properties[key]) members(v, s.properties[key], [...path, key], out);
  }
  return out;
}

const pointer = (path: readonly string[]) => '/' + path.join('/');

function setAt(body: Json, path: readonly string[], value: unknown): void {
  let target: any = body;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path.at(-1)!] = value;
}

/** A value of another JSON type than the schema wants, one the dialect conversions never rewrite. */
function wrongTypeFor(schema: Json): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'not-a-boolean';
    default:
      return 12345;
  }
}

/**
 * Three invalid versions of a valid payload: a required member removed, a member of the wrong type, an enum
 * violated. Deterministic in (payload, seed). The id is kept so "nothing was stored" can be checked by id.
 */
export function invalidVariants(kind: GenKind, payload: Json, seed: number): InvalidVariant[] {
  const schemaName = GEN_RESOURCES[kind].schema;
  const schema = resolve(SCHEMAS()[schemaName]);
  const random = rng(deriveSeed(seed, kind, 'invalid', payload.id));
  const choose = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const variants: InvalidVariant[] = [];

  const required = (schema.required as string[]).filter((r) => r !== 'id' && payload[r] !== undefined);
  const removed = choose(required);
  const withoutRequired = clone(payload);
  delete withoutRequired[removed];
  variants.push({ mutation: `removed required /${removed}`, body: withoutRequired });

  const all = members(payload, schema);
  const typed = all.filter((m) => m.path.length === 1 && m.path[0] !== 'id' && typeof m.schema.type === 'string');
  const target = choose(typed);
  const wrongType = clone(payload);
  setAt(wrongType, target.path, wrongTypeFor(target.schema));
  variants.push({ mutation: `${pointer(target.path)}: ${target.schema.type} replaced by ${JSON.stringify(wrongTypeFor(target.schema))}`, body: wrongType });

  const enums = all.filter((m) => Array.isArray(m.schema.enum));
  const enumBody = clone(payload);
  if (enums.length) {
    const leaf = choose(enums);
    setAt(enumBody, leaf.path, 'not-an-allowed-value');
    variants.push({ mutation: `${pointer(leaf.path)}: enum violated ("not-an-allowed-value")`, body: enumBody });
  } else {
    const key = choose(Object.keys(schema.properties).filter((k) => Array.isArray(resolve(schema.properties[k]).enum)));
    enumBody[key] = 'not-an-allowed-value';
    variants.push({ mutation: `/${key}: enum violated ("not-an-allowed-value")`, body: enumBody });
  }
  return variants;
}

// ----- Read-back comparison ----- //

export interface Mismatch {
  path: string;
  sent: unknown;
  answered: unknown;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Documented normalisations: an instant may come back in another ISO 8601 spelling of the same moment. */
function sameLeaf(sent: unknown, answered: unknown): boolean {
  if (sent === answered) return true;
  return typeof sent === 'string' && typeof answered === 'string' && INSTANT.test(sent) && INSTANT.test(answered) && Date.parse(sent) === Date.parse(answered);
}

/**
 * Every member that was sent must read back with the same value (arrays: same length, item by item). Members
 * the platform adds (server-owned fields, derived links, inlined references) are not judged.
 */
export function compareSent(sent: unknown, answered: unknown, path = ''): Mismatch[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(answered) || answered.length !== sent.length) return [{ path: path || '/', sent, answered }];
    return sent.flatMap((v, i) => compareSent(v, answered[i], `${path}/${i}`));
  }
  if (isObject(sent)) {
    if (!isObject(answered)) return [{ path: path || '/', sent, answered }];
    return Object.entries(sent).flatMap(([k, v]) => compareSent(v, answered[k], `${path}/${k}`));
  }
  return sameLeaf(sent, answered) ? [] : [{ path: path || '/', sent, answered }];
}

// ----- Hand-written bodies (protocol, security, robustness) ----- //

const en = (text: string) => [{ language: 'en', string: text }];

/** The smallest valid rate table: one GBP collection with one hourly line. */
export function minimalRateTable(id: string, version = 1, name = 'Conformance tariff'): Json {
  return {
    id,
    version,
    rateTableName: en(name),
    availability: 'public',
    rateLineCollections: [
      {
        collectionSequence: 1,
        applicableCurrency: 'GBP',
        relativeTimes: true,
        rateLines: [{ sequence: 1, rateLineType: 'incrementingRate', incrementPeriod: 'PT1H', value: { currencyType: 'GBP', currencyValue: 2.5 } }],
      },
    ],
  };
}

export const plate = (vrm: string) => ({ type: 'licensePlate', identifier: { id: vrm, className: 'UKNumberPlate' } });

/** An assigned right for one VRM under a right specification, valid for two hours from `fromMs`. */
export function minimalAssignedRight(id: string, spec: Ref, vrm: string, fromMs = Date.now()): Json {
  return {
    id,
    version: 1,
    rightSpecification: ref(spec),
    rightHolder: { credentials: [plate(vrm)] },
    issueMethod: 'electronic',
    issuanceTime: isoAt(fromMs),
    expiry: isoAt(fromMs + 2 * 3600_000),
  };
}

/** An ongoing session at a place, one segment under the given assigned right. */
export function minimalSession(id: string, place: Ref, right: Ref, vrm: string, fromMs = Date.now()): Json {
  return {
    id,
    version: 1,
    actualStart: isoAt(fromMs),
    hierarchyElement: ref(place),
    identifiedCredentials: [plate(vrm)],
    segments: [{ id: 'seg-1', version: 1, actualStart: isoAt(fromMs), validationType: ['licensePlate'], assignedRight: ref(right) }],
  };
}
