// How the harness authenticates as each party: OAuth2 client credentials, a bearer token, or an APDS access token.
// Default: the dev clients the mock ships, so `test --target <a fresh mock>` needs no more flags.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../spec/package-root.js';

/** The parties the suites play. `sp2`/`po2` are a second SP and operator, for tenant-isolation checks. */
export const PARTIES = ['sp', 'sp2', 'po', 'po2', 'ep', 'ad'] as const;
export type Party = (typeof PARTIES)[number];

export type CredentialSpec =
  | { type: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string; organisation?: string }
  | { type: 'bearer'; token: string; organisation?: string }
  | { type: 'apiKey'; token: string; header?: string; organisation?: string }
  | { type: 'none'; organisation?: string };

export type Credentials = Partial<Record<Party, CredentialSpec>>;

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

const DEV_PARTY_CLIENTS: Record<Party, string> = {
  sp: 'sp-sp0001',
  sp2: 'sp-red-parking',
  po: 'po-mcc',
  po2: 'po-qpark',
  ep: 'ep-mcr-enforcement',
  ad: 'ad-npp',
};

/** The shipped dev clients as harness credentials (token URL relative to the target: `/auth`). */
export function devCredentials(): Credentials {
  const file = JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'clients.json'), 'utf8')) as {
    clients: Array<{ clientId: string; clientSecret: string; organisation: string }>;
  };
  const out: Credentials = {};
  for (const party of PARTIES) {
    const client = file.clients.find((c) => c.clientId === DEV_PARTY_CLIENTS[party]);
    if (client) out[party] = { type: 'oauth2', tokenUrl: '/auth', clientId: client.clientId, clientSecret: client.clientSecret, organisation: client.organisation };
  }
  return out;
}

/** Reads `{"parties": {"sp": {...}, ...}}`; parties it does not name keep the dev credentials. */
export function readCredentials(path: string): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CredentialsError(`cannot read credentials file ${path}: ${(err as Error).message}`);
  }
  const parties = (parsed as { parties?: Record<string, CredentialSpec> })?.parties;
  if (!parties || typeof parties !== 'object') throw new CredentialsError(`${path}: expected {"parties": {"sp": {"type": "oauth2", ...}, ...}}`);
  const out: Credentials = devCredentials();
  for (const [party, spec] of Object.entries(parties)) {
    if (!PARTIES.includes(party as Party)) throw new CredentialsError(`${path}: unknown party "${party}" (parties: ${PARTIES.join(', ')})`);
    const ok =
      (spec?.type === 'oauth2' && typeof spec.tokenUrl === 'string' && typeof spec.clientId === 'string' && typeof spec.clientSecret === 'string') ||
      ((spec?.type === 'bearer' || spec?.type === 'apiKey') && typeof spec.token === 'string') ||
      spec?.type === 'none';
    if (!ok) throw new CredentialsError(`${path}: party ${party} needs {type: oauth2, tokenUrl, clientId, clientSecret} | {type: bearer, token} | {type: apiKey, token} | {type: none}`);
    out[party as Party] = spec;
  }
  return out;
}
