// Per-request context: the instant `now` means, the output dialect, the caller, and warnings for X-Mock-Warnings.
import type { NextFunction, Request, Response } from 'express';
import { parseInstant, type VirtualClock } from '../clock.js';
import { ApiError } from './errors.js';

export type Dialect = 'spec' | 'flows';
export const DIALECTS: readonly Dialect[] = ['spec', 'flows'];

export interface Principal {
  clientId: string;
  organisation: string;
  roles: readonly string[];
}

/** Everyone, when access control is off (`--no-auth`): sees and may do everything. */
export const UNRESTRICTED: Principal = Object.freeze({ clientId: 'anonymous', organisation: 'anonymous', roles: Object.freeze(['ad', 'po', 'sp', 'ep']) });

/** A caller without credentials while access control is on. */
export const NOBODY: Principal = Object.freeze({ clientId: 'anonymous', organisation: 'anonymous', roles: Object.freeze([]) });

export interface RequestContext {
  nowMs: number;
  dialect: Dialect;
  /** Strict mode turns every normalisation of seed defects into a 400. */
  strict: boolean;
  principal: Principal;
  /** False with `--no-auth`: then the principal is UNRESTRICTED and server-owned fields keep the body's values. */
  authEnabled: boolean;
  /** Credentials were given and verified. */
  authenticated: boolean;
  warnings: string[];
}

export interface ContextOptions {
  clock: VirtualClock;
  dialect: Dialect;
  strict: boolean;
  authEnabled: boolean;
}

export function contextMiddleware(options: ContextOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const ctx: RequestContext = {
      nowMs: options.clock.nowMs(),
      dialect: options.dialect,
      strict: options.strict,
      principal: options.authEnabled ? NOBODY : UNRESTRICTED,
      authEnabled: options.authEnabled,
      authenticated: false,
      warnings: [],
    };
    res.locals.ctx = ctx;
    const nowHeader = req.headers['x-mock-now'];
    if (typeof nowHeader === 'string') {
      const ms = parseInstant(nowHeader);
      if (ms === undefined) return next(new ApiError(400, `X-Mock-Now must be an ISO 8601 instant or epoch seconds, got "${nowHeader}"`));
      ctx.nowMs = ms;
    }
    const requested = (req.query.dialect ?? req.headers['x-mock-dialect']) as unknown;
    if (requested !== undefined) {
      if (typeof requested !== 'string' || !DIALECTS.includes(requested as Dialect)) {
        return next(new ApiError(400, `dialect must be one of ${DIALECTS.join(', ')}, got "${String(requested)}"`));
      }
      ctx.dialect = requested as Dialect;
    }
    next();
  };
}

export function requestContext(res: Response): RequestContext {
  return res.locals.ctx as RequestContext;
}

/** Records a normalisation; in strict mode the request fails instead. */
export function warn(ctx: RequestContext, message: string): void {
  if (ctx.strict) throw new ApiError(400, `strict mode: ${message}`);
  if (!ctx.warnings.includes(message)) ctx.warnings.push(message);
}

/** Sends JSON, with the warnings collected on the way in the X-Mock-Warnings header. */
export function sendJson(res: Response, status: number, body: unknown): void {
  const ctx = res.locals.ctx as RequestContext | undefined;
  if (ctx?.warnings.length) res.setHeader('X-Mock-Warnings', ctx.warnings.join('; ').replace(/[^\x20-\x7e]/g, '?'));
  // Straight to node:http: res.json's content-type parsing, charset rewriting and freshness checks cost more than
  // the store's work on a read, and the mock sends neither ETag nor Last-Modified. Node drops the body for HEAD.
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
