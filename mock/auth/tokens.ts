// OAuth2 client-credentials tokens: HS256 JWTs whose lifetime follows the mock's virtual clock.
import { randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Client, Role } from './clients.js';

export const TOKEN_ISSUER = 'apds-conformance-mock';
export const TOKEN_LIFETIME_S = 3600;
/** Longer bearer values are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 4096;

export interface TokenClaims {
  clientId: string;
  scopes: Role[];
  organisation: string;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
}

/** Verified tokens kept so a busy client is not re-verified (HMAC) on every request; bounded. */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenService {
  readonly #key: Uint8Array;
  readonly #verified = new Map<string, TokenClaims & { expiresAtMs: number }>();

  constructor(secret?: string) {
    this.#key = secret ? new TextEncoder().encode(secret) : randomBytes(32);
  }

  async issue(client: Client, scopes: Role[], nowMs: number): Promise<{ token: string; expiresIn: number }> {
    const iat = Math.floor(nowMs / 1000);
    const token = await new SignJWT({ scope: scopes.join(' '), org: client.organisation })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(client.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + TOKEN_LIFETIME_S)
      .setJti(randomUUID())
      .sign(this.#key);
    return { token, expiresIn: TOKEN_LIFETIME_S };
  }

  /** Verifies signature, issuer and expiry against the virtual clock; throws TokenError with a reason. */
  async verify(token: string, nowMs: number): Promise<TokenClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenError(`token longer than ${MAX_TOKEN_LENGTH} characters`);
    const cached = this.#verified.get(token);
    if (cached) {
      if (nowMs >= cached.expiresAtMs) throw new TokenError('token expired');
      return { clientId: cached.clientId, scopes: cached.scopes, organisation: cached.organisation };
    }
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: TOKEN_ISSUER, algorithms: ['HS256'], currentDate: new Date(nowMs) });
      if (typeof payload.sub !== 'string' || typeof payload.scope !== 'string' || typeof payload.org !== 'string') throw new TokenError('token lacks sub, scope or org');
      const claims: TokenClaims = { clientId: payload.sub, scopes: payload.scope.split(' ').filter(Boolean) as Role[], organisation: payload.org };
      if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.clear();
      this.#verified.set(token, { ...claims, expiresAtMs: (payload.exp ?? 0) * 1000 });
      return claims;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new TokenError('token expired');
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new TokenError('token signature does not verify');
      throw new TokenError('token is not a valid token of this platform');
    }
  }
}
