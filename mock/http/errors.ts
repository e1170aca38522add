// Every error leaves the mock as a ResponseStatus; this is the one place that writes them.
import type { NextFunction, Request, Response } from 'express';
import type { Violation } from '../../spec/index.js';
import { StoreError } from '../store/errors.js';

export interface ResponseStatusBody {
  status: 'ok' | 'error';
  code: number;
  message: string;
  errors?: Violation[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Violation[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, errors?: Violation[]) => new ApiError(400, message, errors);
export const notFound = (message: string) => new ApiError(404, message);

export function responseStatus(code: number, message: string, errors?: Violation[]): ResponseStatusBody {
  const body: ResponseStatusBody = { status: code < 400 ? 'ok' : 'error', code, message };
  if (errors?.length) body.errors = errors;
  return body;
}

const STORE_STATUS: Record<StoreError['kind'], number> = {
  'not-found': 404,
  conflict: 409,
  'stale-version': 409,
  'invalid-reference': 400,
};

/** Maps anything thrown to a status and a ResponseStatus body; unknown errors become a 500 without detail. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreError) return new ApiError(STORE_STATUS[err.kind], err.message);
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string; limit?: number };
  // body-parser errors carry a `type`; they are the client's fault and safe to explain.
  if (e?.type === 'entity.too.large') return new ApiError(413, `request body exceeds the limit of ${e.limit ?? 1048576} bytes`);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new ApiError(415, e.message ?? 'unsupported body encoding');
  if (err instanceof URIError) return new ApiError(400, `malformed URL: ${err.message}`);
  // Express and body-parser mark client errors with a 4xx status (some, like bad %-escapes in a path, without `expose`).
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new ApiError(e.status, e.expose && e.message ? e.message : `bad request (${e.status})`);
  return new ApiError(500, 'internal error in the mock platform; the request journal at /__admin/journal has details');
}

export function errorMiddleware(onUnexpected: (err: unknown, req: Request) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const apiError = toApiError(err);
    // Deliberate 5xx (502/504 from an operator's back end) are answers, not accidents.
    if (apiError.status >= 500 && !(err instanceof ApiError)) onUnexpected(err, req);
    res.locals.violations = apiError.errors;
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(apiError.headers ?? {})) res.setHeader(name, value);
    res.status(apiError.status).json(responseStatus(apiError.status, apiError.message, apiError.errors));
  };
}
