// POST /auth: OAuth2 client credentials (RFC 6749 §4.4), client authenticated by HTTP Basic or form fields.
import express, { type Request, type RequestHandler, type Response } from 'express';
import { ROLES, type Role } from './clients.js';
import type { Authenticator } from './authenticate.js';

type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

function fail(res: Response, status: number, error: OAuthError, description: string): void {
  if (error === 'invalid_client') res.setHeader('WWW-Authenticate', 'Basic realm="apds-conformance"');
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).json({ error, error_description: description });
}

function basicCredentials(req: Request): { id: string; secret: string } | undefined | 'malformed' {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match) return 'malformed';
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** The token endpoint's paths: the contract's and the seeds' prefixed one. */
export const TOKEN_PATHS = ['/auth', '/v1/parking/auth'];

/** The handlers of POST TOKEN_PATHS (a route, so other requests pass it at the cost of one path match). */
export function tokenEndpoint(auth: Authenticator): RequestHandler[] {
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const json = express.json({ limit: '16kb' });

  const issue: RequestHandler = async (req, res) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    if (field('grant_type') === undefined) return fail(res, 400, 'invalid_request', 'grant_type is required (client_credentials)');
    if (field('grant_type') !== 'client_credentials') return fail(res, 400, 'unsupported_grant_type', `grant_type ${field('grant_type')} is not supported; use client_credentials`);

    let basic;
    try {
      basic = basicCredentials(req);
    } catch {
      basic = 'malformed' as const;
    }
    if (basic === 'malformed') return fail(res, 401, 'invalid_client', 'Authorization must be "Basic base64(client_id:client_secret)"');
    const id = basic?.id ?? field('client_id');
    const secret = basic?.secret ?? field('client_secret');
    if (!id || secret === undefined) return fail(res, 401, 'invalid_client', 'client authentication is required (HTTP Basic or client_id and client_secret)');
    const client = auth.clients.get(id);
    if (!client || client.clientSecret !== secret) return fail(res, 401, 'invalid_client', 'unknown client or wrong secret');

    const requested = field('scope')?.split(' ').filter(Boolean);
    const scopes = (requested ?? client.roles) as Role[];
    const unknown = scopes.filter((s) => !ROLES.includes(s));
    if (unknown.length) return fail(res, 400, 'invalid_scope', `unknown scope ${unknown.join(', ')}; scopes are ${ROLES.join(', ')}`);
    const notHeld = scopes.filter((s) => !client.roles.includes(s));
    if (notHeld.length) return fail(res, 400, 'invalid_scope', `client ${id} does not hold scope ${notHeld.join(', ')}`);

    const { token, expiresIn } = await auth.tokens.issue(client, scopes, auth.clock.nowMs());
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') });
  };
  return [form, json, issue];
}
