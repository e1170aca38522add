// Payloads for the suites that write: valid ones generated from our document's schemas with json-schema-faker
// (seeded, so `--seed` replays a run), constrained where the schema cannot say it (fresh ids, references to
// objects that exist, chronology, plausible sizes, no server-owned fields); invalid variants of them; a comparison
// of what was sent with what reads back; and the small hand-written bodies the protocol and security suites use.
// (Parts live in generate-common, -constrain, -invalid, -compare and -minimal; all re-exported here.)
import { generateSync, type GenerateSyncOptions, type JsonSchema } from 'json-schema-faker';
import { loadOpenApi, schemaRegistry, type Violation } from '../spec/index.js';
import { clone, deriveSeed, GEN_RESOURCES, isObject, rng, type GenerateOptions, type GenerateRefs, type GenKind, type Json, type SchemaValidate } from './generate-common.js';
import { constrain } from './generate-constrain.js';

export { deriveSeed, GEN_RESOURCES, type GenerateOptions, type GenerateRefs, type GenKind, type Ref, type SchemaValidate } from './generate-common.js';
export { invalidVariants, type InvalidVariant } from './generate-invalid.js';
export { compareSent, type Mismatch } from './generate-compare.js';
export { minimalAssignedRight, minimalRateTable, minimalSession, plate } from './generate-minimal.js';

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

// ----- Generation ----- //

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
