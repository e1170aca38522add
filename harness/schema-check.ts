// Validates answers against an OpenAPI document's response schemas: ours by default, or another (`--spec`),
// with the known defects of the official NPP contract waived (shown as such, never silently passed).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { createHash } from 'node:crypto';
import { createAjv, loadOpenApi, specDigest, specPath, toViolations, type OpenApiDocument, type Violation } from '../spec/index.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';

export interface Waiver {
  id: string;
  reason: string;
  matches(v: Violation): boolean;
}

/**
 * The contract defects our document fixes, as waivers for validating against the official NPP contract: read from
 * the `x-waives` of each `x-errata` entry of spec/openapi.yaml (one source of truth for what we deviate from).
 */
export function errataWaivers(doc: OpenApiDocument = loadOpenApi()): Waiver[] {
  const errata = (doc['x-errata'] ?? []) as Array<{ id: string; contract: string; 'x-waives'?: Array<{ path: string; message: string }> }>;
  return errata.flatMap((e) =>
    (e['x-waives'] ?? []).map((w) => {
      const path = new RegExp(w.path);
      const message = new RegExp(w.message);
      return { id: e.id, reason: e.contract, matches: (v: Violation) => path.test(v.path) && message.test(v.message) };
    }),
  );
}

export interface SchemaCheckResult {
  violations: Violation[];
  waived: Array<Violation & { waiver: string }>;
  /** No schema for this operation and status in the document. */
  undocumented?: boolean;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class ResponseValidator {
  readonly #ajv: Ajv2020 = createAjv();
  readonly source: string;
  readonly digest: string;
  readonly waivers: readonly Waiver[];

  constructor(readonly doc: OpenApiDocument, options: { source: string; digest: string; waivers?: readonly Waiver[] }) {
    this.source = options.source;
    this.digest = options.digest;
    this.waivers = options.waivers ?? [];
    this.#ajv.addSchema(doc, 'target.json');
  }

  static ours(): ResponseValidator {
    return new ResponseValidator(loadOpenApi(), { source: specPath(), digest: specDigest() });
  }

  static fromFile(path: string): ResponseValidator {
    const text = readFileSync(path, 'utf8');
    const doc = (path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as OpenApiDocument;
    if (!doc?.paths) throw new Error(`${path} is not an OpenAPI document (no paths)`);
    return new ResponseValidator(doc, { source: path, digest: createHash('sha256').update(text).digest('hex'), waivers: errataWaivers() });
  }

  /** Validates a body as the answer `status` of `method pathTemplate` (e.g. 'get', '/places/{id}'). */
  check(method: string, pathTemplate: string, status: number, body: unknown): SchemaCheckResult {
    const responses = this.doc.paths?.[pathTemplate]?.[method.toLowerCase()]?.responses;
    const code = responses && (String(status) in responses ? String(status) : `${String(status)[0]}XX` in responses ? `${String(status)[0]}XX` : 'default' in responses ? 'default' : undefined);
    if (!code) return { violations: [], waived: [], undocumented: true };
    // A response may be a $ref to components/responses: validate against the schema where it lives.
    let base = `/paths/${escape(pathTemplate)}/${method.toLowerCase()}/responses/${escape(code)}`;
    let response = responses[code];
    const ref = typeof response?.$ref === 'string' ? response.$ref : undefined;
    if (ref?.startsWith('#/')) {
      base = ref.slice(1);
      response = ref.slice(2).split('/').reduce((node: any, key: string) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    }
    if (!response?.content?.['application/json']?.schema) return { violations: [], waived: [], undocumented: true };
    const pointer = `target.json#${base}/content/application~1json/schema`;
    const validate = this.#ajv.getSchema(pointer);
    if (!validate) return { violations: [], waived: [], undocumented: true };
    return validate(body) ? { violations: [], waived: [] } : this.#sortWaived(toViolations(validate.errors));
  }

  /** Validates against a named component schema (our document's names), with the same waivers. */
  checkComponent(schemaName: string, body: unknown): SchemaCheckResult {
    const validate = this.#ajv.getSchema(`target.json#/components/schemas/${schemaName}`);
    if (!validate) return { violations: [{ path: '/', message: `the document has no schema ${schemaName}` }], waived: [] };
    return validate(body) ? { violations: [], waived: [] } : this.#sortWaived(toViolations(validate.errors));
  }

  /** Every violation of a named component schema, nothing waived (for checking payloads the harness builds). */
  checkSchema(schemaName: string, body: unknown): Violation[] {
    const { violations, waived } = this.checkComponent(schemaName, body);
    return [...violations, ...waived.map(({ waiver: _w, ...v }) => v)];
  }

  #sortWaived(all: Violation[]): SchemaCheckResult {
    const out: SchemaCheckResult = { violations: [], waived: [] };
    for (const v of all) {
      const waiver = this.waivers.find((w) => w.matches(v));
      if (waiver) out.waived.push({ ...v, waiver: `${waiver.id}: ${waiver.reason}` });
      else out.violations.push(v);
    }
    return out;
  }
}
