// Invalid variants of a generated payload: a required member removed, a wrong type, an enum violated.
import { loadOpenApi } from '../spec/index.js';
import { clone, deriveSeed, GEN_RESOURCES, isObject, rng, type GenKind, type Json } from './generate-common.js';

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
