// spec/coord.yaml, our OpenAPI document of the Coord API: loaded once; request bodies are validated against
// its component schemas, so the document and the mock cannot drift apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createAjv, toViolations, type OpenApiDocument, type Violation } from '../../../spec/index.js';
import { packageRoot } from '../../../spec/package-root.js';

export function coordSpecPath(): string {
  return join(packageRoot(), 'spec', 'coord.yaml');
}

let cached: { doc: OpenApiDocument; ajv: ReturnType<typeof createAjv> } | undefined;

function load() {
  if (!cached) {
    const doc = parseYaml(readFileSync(coordSpecPath(), 'utf8')) as OpenApiDocument;
    const ajv = createAjv();
    ajv.addSchema(doc, 'coord.json');
    cached = { doc, ajv };
  }
  return cached;
}

export function loadCoordSpec(): OpenApiDocument {
  return load().doc;
}

/** Violations of `value` against `components.schemas[name]` of spec/coord.yaml (empty when valid). */
export function coordViolations(name: string, value: unknown): Violation[] {
  const validate = load().ajv.getSchema(`coord.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`spec/coord.yaml has no schema ${name}`);
  return validate(value) ? [] : toViolations(validate.errors);
}
