// Who is calling: a Bearer token from /auth or a pre-shared X-MCC-Access-Token; anything malformed is a clear 401.
import type { NextFunction, Request, Response } from 'express';
import { requestContext, type Principal } from '../http/context.js';
import { ApiError } from '../http/errors.js';
import type { OperationRequirement } from './operation-security.js';
import type { ClientRegistry } from './clients.js';
import { MAX_TOKEN_LENGTH, TokenError, type TokenService } from './tokens.js';

export const REALM = 'apds-conformance';

export function unauthorized(description: string, error?: 'invalid_token' | 'invalid_request'): ApiError {
  const challenge = error ? `Bearer realm="${REALM}", error="${error}", error_description="${description.replace(/"/g, "'")}"` : `Bearer realm="${REALM}"`;
  return new ApiError(401, description, undefined, { 'WWW-Authenticate': challenge });
}

export interface Authenticator {
  clients: ClientRegistry;
  tokens: TokenService;
  /** Tokens live on the platform's clock, not on a request's X-Mock-Now (which only moves query semantics). */
  clock: { nowMs(): number };
}

/** A pre-shared key is checked at once; only a Bearer token needs (asynchronous) signature verification. */
function principalOf(req: Request, auth: Authenticator, nowMs: number): Principal | undefined | Promise<Principal> {
  const authorization = req.headers.authorization;
  const apiKey = req.headers['x-mcc-access-token'];
  if (authorization !== undefined) {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
    if (!match) {
      const scheme = authorization.split(' ')[0] || '(empty)';
      throw unauthorized(/^bearer\s*$/i.test(authorization.trim()) ? 'empty bearer token' : `Authorization must be "Bearer <token>", got scheme ${scheme.slice(0, 20)}`, 'invalid_request');
    }
    const token = match[1]!;
    if (token.length > MAX_TOKEN_LENGTH) throw unauthorized(`token longer than ${MAX_TOKEN_LENGTH} characters`, 'invalid_token');
    return bearerPrincipal(token, auth, nowMs);
  }
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || apiKey.trim() === '') throw unauthorized('empty X-MCC-Access-Token');
    const client = auth.clients.byAccessToken(apiKey.trim());
    if (!client) throw unauthorized('unknown X-MCC-Access-Token');
    return { clientId: client.clientId, organisation: client.organisation, roles: client.roles };
  }
  return undefined;
}

async function bearerPrincipal(token: string, auth: Authenticator, nowMs: number): Promise<Principal> {
  let claims;
  try {
    claims = await auth.tokens.verify(token, nowMs);
  } catch (err) {
    if (err instanceof TokenError) throw unauthorized(err.message, 'invalid_token');
    throw err;
  }
  const client = auth.clients.get(claims.clientId);
  if (!client) throw unauthorized(`client ${claims.clientId} no longer exists`, 'invalid_token');
  return { clientId: client.clientId, organisation: client.organisation, roles: claims.scopes.filter((s) => client.roles.includes(s)) };
}

/** Sets the request's principal when credentials are present; a route's `authorize` decides whether it needed them. */
export function authenticate(auth: Authenticator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const ctx = requestContext(res);
    if (!ctx.authEnabled) return next();
    const identify = (principal: Principal | undefined) => {
      if (principal) {
        ctx.principal = principal;
        ctx.authenticated = true;
      }
    };
    const found = principalOf(req, auth, auth.clock.nowMs());
    if (!(found instanceof Promise)) {
      identify(found);
      return next();
    }
    found.then((principal) => {
      identify(principal);
      next();
    }, next);
  };
}

/** Route guard: the caller must hold one of the operation's scopes (401 without credentials, 403 with the wrong role). */
export function authorize(requirement: OperationRequirement | undefined, label: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const ctx = requestContext(res);
    const scopes = requirement?.scopes;
    if (!ctx.authEnabled || !scopes) return next();
    if (!ctx.authenticated) {
      throw unauthorized(`${label} needs credentials: a Bearer token from POST /auth or an X-MCC-Access-Token header`);
    }
    if (!ctx.principal.roles.some((r) => scopes.has(r as never))) {
      throw new ApiError(403, `${label} needs one of the scopes ${[...scopes].join(', ')}; client ${ctx.principal.clientId} has ${ctx.principal.roles.join(', ') || 'none'}`);
    }
    next();
  };
}
