// `mock --spec FILE`: every operation of another OpenAPI 3.x or Swagger 2 document, answered statelessly by Prism
// (@stoplight/prism-http, in process) for the requests none of our stateful routes took. Prism validates the
// request against the document, then answers with the document's example (or, `dynamic`, a body generated from
// the schema). It does not check security. Prism loads only here, when a document is given, so `mock` without
// --spec starts as fast as before; app.ts reaches this module through the AnySpec interface alone.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RequestHandler } from 'express';
import type { IHttpConfig, IHttpRequest } from '@stoplight/prism-http';
import { ApiError } from '../http/errors.js';
import { deferHeavyModules } from './defer-modules.js';
import { fromDiagnostic, fromProblem, isError, sendOutput, sendProblem, sendRequestViolations, setViolationsHeader, type PrismProblem } from './respond.js';
import { RouteTable } from './routes.js';

export { lenientAuthentication, raiseDeferredAuthFailure } from './auth.js';

type PrismHttp = typeof import('@stoplight/prism-http');
type Operation = Awaited<ReturnType<PrismHttp['getHttpOperationsFromSpec']>>[number];

export interface AnySpecOptions {
  /** Bodies generated from the schemas (json-schema-faker) instead of the document's examples. @default false */
  dynamic?: boolean;
}

export interface AnySpec {
  /** The document, as given. */
  readonly file: string;
  readonly operationCount: number;
  readonly dynamic: boolean;
  /** Where the operations answer besides their own paths: the path of each server URL (a Swagger 2 basePath). */
  readonly basePaths: readonly string[];
  /** The document has an operation for this method and path (never for /__admin). */
  claims(method: string, path: string): boolean;
  /** For the requests our routes left (mount just before the final 404): Prism's answer, or next() when the path is not the document's. */
  handler(): RequestHandler;
}

/** Reads an OpenAPI 3.x / Swagger 2 document (YAML or JSON; $refs resolved) and prepares Prism to answer its operations. */
export async function loadAnySpec(file: string, options: AnySpecOptions = {}): Promise<AnySpec> {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`--spec: no such file ${file}`);
  deferHeavyModules();
  const [prism, core] = await Promise.all([import('@stoplight/prism-http'), import('@stoplight/prism-core')]);
  let operations: Operation[];
  try {
    operations = await prism.getHttpOperationsFromSpec(path);
  } catch (err) {
    throw new Error(`--spec: cannot read ${file} as an OpenAPI 3.x or Swagger 2 document: ${(err as Error).message}`);
  }
  if (operations.length === 0) throw new Error(`--spec: ${file} has no operations`);
  const dynamic = options.dynamic ?? false;
  const table = new RouteTable(operations);
  const instance = prism.createInstance(config(dynamic), { logger: core.createLogger('apds-conformance any-spec', { level: 'silent' }) });
  const source = `the API document ${file}`;

  const handler: RequestHandler = async (req, res, next) => {
    const match = table.match(req.method, req.path);
    if (!match) return next();
    if (match.kind === 'method-not-allowed') {
      throw new ApiError(405, `${req.method} is not an operation of ${source} on ${req.path}; allowed: ${match.allow.join(', ')}`, undefined, { Allow: match.allow.join(', ') });
    }
    const input: IHttpRequest = {
      method: match.method as IHttpRequest['method'],
      url: { path: match.path, query: queryOf(req.query) },
      headers: headersOf(req.headers),
      body: req.body,
    };
    // A fresh config per request: Prism writes into the one it is given (mock.mediaTypes from Accept).
    const result = await instance.request(input, match.operations, config(dynamic))();
    if (result._tag === 'Left') {
      const problem = result.left as PrismProblem;
      if (typeof problem.status !== 'number') throw problem; // not one of Prism's answers: a 500, logged
      if (problem.name.endsWith('#NO_PATH_MATCHED_ERROR')) return next(); // Prism's path matching is the last word
      const violations = fromProblem(problem);
      if (violations.length) return sendRequestViolations(res, problem.status, violations, source);
      return sendProblem(res, problem);
    }
    const { output, validations } = result.right;
    const requestViolations = validations.input.map((d) => fromDiagnostic('request', d));
    // Prism answered with the document's own 422/400 response: we answer with the violations instead.
    if (requestViolations.some(isError)) return sendRequestViolations(res, output.statusCode, requestViolations, source);
    setViolationsHeader(res, [...requestViolations, ...validations.output.map((d) => fromDiagnostic('response', d))]);
    sendOutput(res, output);
  };

  return {
    file,
    operationCount: operations.length,
    dynamic,
    basePaths: table.basePaths.filter((b) => b !== ''),
    claims: (method, requestPath) => table.claims(method, requestPath),
    handler: () => handler,
  };
}

function config(dynamic: boolean): IHttpConfig {
  return {
    mock: { dynamic },
    checkSecurity: false,
    validateRequest: true,
    // Response violations (an example that breaks its own schema) only go into sl-violations: `errors: false`.
    validateResponse: true,
    errors: false,
    upstreamProxy: undefined,
    isProxy: false,
  };
}

/** Express's query (the simple parser: strings and string arrays) as Prism's name → value(s). */
function queryOf(query: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

function headersOf(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
