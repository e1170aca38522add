// spec/: our OpenAPI document, loaded once, and the ajv validators compiled from it (shared by mock and harness).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from './package-root.js';

export interface Violation {
  path: string;
  message: string;
}

export type OpenApiDocument = Record<string, any> & {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any>; [k: string]: any };
};

const DOCUMENT_ID = 'openapi.json';
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export function specPath(): string {
  return join(packageRoot(), 'spec', 'openapi.yaml');
}

let documentCache: { doc: OpenApiDocument; digest: string } | undefined;

/** The document as JSON, written at build time (`npm run build`): parsing it is ~100× faster than the YAML. */
export function compiledSpecPath(): string {
  return join(packageRoot(), 'dist', 'spec', 'openapi.json');
}

function loadCached() {
  if (!documentCache) {
    const text = readFileSync(specPath(), 'utf8');
    const digest = createHash('sha256').update(text).digest('hex');
    let doc: OpenApiDocument | undefined;
    try {
      const compiled = JSON.parse(readFileSync(compiledSpecPath(), 'utf8')) as { yamlDigest: string; document: OpenApiDocument };
      // Only when built from this very YAML: an edited YAML wins over a stale build.
      if (compiled.yamlDigest === digest) doc = compiled.document;
    } catch {
      // no build output (tests run from source): parse the YAML
    }
    documentCache = { doc: doc ?? (parseYaml(text) as OpenApiDocument), digest };
  }
  return documentCache;
}

/** Writes dist/spec/openapi.json from the YAML (run by the build). */
export function compileSpec(): string {
  const text = readFileSync(specPath(), 'utf8');
  const out = compiledSpecPath();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ yamlDigest: createHash('sha256').update(text).digest('hex'), document: parseYaml(text) }));
  return out;
}

/** Our OpenAPI document, parsed once. Treat it as read-only. */
export function loadOpenApi(): OpenApiDocument {
  return loadCached().doc;
}

/** sha256 of the YAML text, shown in reports so a verdict names the contract it used. */
export function specDigest(): string {
  return loadCached().digest;
}

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // OpenAPI format names that JSON Schema does not define: accepted, not checked.
  for (const name of ['float', 'double', 'int32', 'int64', 'url']) ajv.addFormat(name, true);
  return ajv;
}

export function toViolations(errors: ErrorObject[] | null | undefined, prefix = ''): Violation[] {
  if (!errors) return [];
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const e of errors) {
    const path = prefix + (e.instancePath || '') || '/';
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'enum') message += ': ' + (e.params as { allowedValues: unknown[] }).allowedValues.join(', ');
    if (e.keyword === 'additionalProperties') message += ': ' + (e.params as { additionalProperty: string }).additionalProperty;
    const key = path + '|' + message;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

/** Validators for `components.schemas` entries, compiled lazily and cached by name. */
export class SchemaRegistry {
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument = loadOpenApi(), ajv: Ajv2020 = createAjv()) {
    this.#ajv = ajv;
    this.#ajv.addSchema(doc, DOCUMENT_ID);
  }

  has(schemaName: string): boolean {
    return this.#compile(schemaName) !== undefined;
  }

  validate(schemaName: string, value: unknown): Violation[] {
    const validator = this.#compile(schemaName);
    if (!validator) throw new Error(`apds-conformance: no schema named ${schemaName} in our OpenAPI document`);
    return validator(value) ? [] : toViolations(validator.errors);
  }

  #compile(schemaName: string): ValidateFunction | undefined {
    let validator = this.#validators.get(schemaName);
    if (!validator) {
      validator = this.#ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${schemaName}`);
      if (validator) this.#validators.set(schemaName, validator);
    }
    return validator;
  }
}

let registry: SchemaRegistry | undefined;

export function schemaRegistry(): SchemaRegistry {
  registry ??= new SchemaRegistry();
  return registry;
}
