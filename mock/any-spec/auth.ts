// Credentials and the --spec document. Our API router authenticates every request that passes it, and a
// credential it cannot verify (another API's bearer token, HTTP Basic, …) is a 401 at once. The any-spec routes do
// not enforce security, so for a request the document has an operation for, the failure is kept instead: our own
// routes' guards raise it when one of them matches (our routes win, with our security), and a request none of
// them takes reaches Prism. Routes without a guard (/webhooks) then see an anonymous caller, as without credentials.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Anything that can tell whether the document has an operation for a method and path. */
export interface Claims {
  claims(method: string, path: string): boolean;
}

const DEFERRED = 'anySpecDeferredAuthFailure';

/** Wraps our authentication: a failure on a request the document claims waits for a guard (see above). */
export function lenientAuthentication(authenticate: RequestHandler, spec: Claims): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const done = (err?: unknown) => {
      if (err !== undefined && err !== null && spec.claims(req.method, pathOf(req))) {
        res.locals[DEFERRED] = err;
        return next();
      }
      next(err);
    };
    try {
      // Authentication fails synchronously for a pre-shared key and asynchronously for a Bearer token.
      const pending: unknown = authenticate(req, res, done);
      if (pending instanceof Promise) pending.catch(done);
    } catch (err) {
      done(err);
    }
  };
}

/** Throws the authentication failure that lenientAuthentication kept, if any; call first in every guard. */
export function raiseDeferredAuthFailure(res: Response): void {
  const err: unknown = res.locals[DEFERRED];
  if (err !== undefined) throw err;
}

/** The path of the request as it reached the app (a mounted router sees only its remainder in req.path). */
function pathOf(req: Request): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}
