// Prism's answers written as HTTP: the mocked response as the document describes it; violations of the request
// as our ResponseStatus (`errors: [{path, message}]`) plus Prism's own `sl-violations` header; Prism's other
// errors (Problem+JSON objects) as ResponseStatus with their status.
import type { Response } from 'express';
import type { IPrismDiagnostic } from '@stoplight/prism-core';
import type { IHttpResponse } from '@stoplight/prism-http';
import type { Violation } from '../../spec/index.js';
import { sendJson } from '../http/context.js';
import { responseStatus } from '../http/errors.js';

/** One entry of the `sl-violations` header, as Prism's HTTP server writes it. */
export interface SlViolation {
  /** `request` or `response`, then where: `body` and a property path, or `query`/`path`/`header` and a name. */
  location: string[];
  severity: string;
  code?: string | number;
  message?: string;
}

/** Prism's Problem+JSON error (ProblemJsonError): `name` is the type URL, `message` the title. */
export interface PrismProblem extends Error {
  status: number;
  detail?: string;
  additional?: { headers?: Record<string, string>; validation?: Array<{ location?: string[]; severity?: string; code?: string | number; message?: string }> };
}

const SEVERITY = ['Error', 'Warning', 'Information', 'Hint'];

export function fromDiagnostic(side: 'request' | 'response', diagnostic: IPrismDiagnostic): SlViolation {
  return { location: [side, ...(diagnostic.path ?? [])], severity: SEVERITY[diagnostic.severity] ?? String(diagnostic.severity), code: diagnostic.code, message: diagnostic.message };
}

/** The `validation` list of Prism's generated 422, which names request locations without the `request` prefix. */
export function fromProblem(problem: PrismProblem): SlViolation[] {
  return (problem.additional?.validation ?? []).map((v) => ({ location: ['request', ...(v.location ?? [])], severity: v.severity ?? 'Error', code: v.code, message: v.message }));
}

export const isError = (v: SlViolation) => v.severity === 'Error';

/**
 * Our shape of a request violation: a body location is a JSON pointer into the body (`/vehicle/plate`, `/` for
 * the body itself), as our own validators report; a parameter is `<in>.<name>` (`query.limit`, `path.id`).
 */
export function toViolation(v: SlViolation): Violation {
  const [, where, ...rest] = v.location;
  const path = where === undefined || where === 'body' ? `/${rest.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` : [where, ...rest].join('.');
  return { path, message: v.message ?? String(v.code ?? 'invalid') };
}

const MAX_HEADER_LENGTH = 8 * 1024 - 100;

/** `sl-violations: [...]` as Prism's server sends it (non-ASCII escaped, so any message fits in a header). */
export function setViolationsHeader(res: Response, violations: readonly SlViolation[]): void {
  if (violations.length === 0) return;
  let value = JSON.stringify(violations).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (value.length > MAX_HEADER_LENGTH) value = `Too many violations! ${value.slice(0, MAX_HEADER_LENGTH)}`;
  res.setHeader('sl-violations', value);
}

/** The request broke the document: ResponseStatus with every violation, at the status Prism chose (the document's 422 or 400, else 422). */
export function sendRequestViolations(res: Response, status: number, violations: readonly SlViolation[], source: string): void {
  const errors = violations.filter(isError).map(toViolation);
  res.locals.violations = errors;
  setViolationsHeader(res, violations);
  const count = errors.length === 1 ? '1 violation' : `${errors.length} violations`;
  sendJson(res, status, responseStatus(status, `the request does not match ${source}: ${count}`, errors));
}

/** Another Problem+JSON of Prism's (406 not acceptable, 500 no response defined, …) as ResponseStatus. */
export function sendProblem(res: Response, problem: PrismProblem): void {
  for (const [name, value] of Object.entries(problem.additional?.headers ?? {})) res.setHeader(name, value);
  const message = problem.detail ? `${problem.message}: ${problem.detail}` : problem.message;
  sendJson(res, problem.status, responseStatus(problem.status, message));
}

/** The mocked response: status, the document's headers and body (JSON unless Prism produced text). */
export function sendOutput(res: Response, output: IHttpResponse): void {
  for (const [name, value] of Object.entries(output.headers ?? {})) {
    if (value !== undefined && value !== null) res.setHeader(name, String(value));
  }
  res.status(output.statusCode);
  const body = output.body;
  if (body === undefined) {
    res.end();
    return;
  }
  if (typeof body === 'string') {
    if (!res.hasHeader('Content-Type')) res.type('text/plain');
    res.send(body);
    return;
  }
  if (!res.hasHeader('Content-Type')) res.type('application/json');
  res.send(JSON.stringify(body));
}
