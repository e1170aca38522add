// Errors of the secured-parking API: `{errors: {field: [message]}}` (spec/secured-parking.yaml VendorErrors), never
// the NPP ResponseStatus, because clients of this vendor API know nothing of the platform's shapes.
import type { NextFunction, Request, Response } from 'express';
import { toApiError } from '../../http/errors.js';

export type ErrorMessages = Record<string, string[]>;

export class VendorError extends Error {
  override readonly name = 'VendorError';
  constructor(
    readonly status: number,
    readonly errors: ErrorMessages,
    readonly headers?: Record<string, string>,
  ) {
    super(Object.entries(errors).map(([field, messages]) => `${field} ${messages.join(', ')}`).join('; '));
  }
}

export const vendorError = (status: number, field: string, message: string, headers?: Record<string, string>) => new VendorError(status, { [field]: [message] }, headers);

/** Anything thrown (ours, or body parsing's 400/413/415) as a VendorError; undefined for 500s, left to the app. */
export function toVendorError(err: unknown): VendorError | undefined {
  if (err instanceof VendorError) return err;
  const api = toApiError(err);
  if (api.status >= 500) return undefined;
  return new VendorError(api.status, { base: [api.message] }, api.headers);
}

/** Error middleware of the vendor routers: JSON `{errors}` with the status; 500s go on to the app's handler. */
export function vendorErrorMiddleware() {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const e = toVendorError(err);
    if (!e || res.headersSent) return next(err);
    for (const [name, value] of Object.entries(e.headers ?? {})) res.setHeader(name, value);
    res.status(e.status).json({ errors: e.errors });
  };
}
