// Access control: credentials on every secured operation, roles from the document's scopes, tenant isolation,
// and the OAuth 2 token endpoint's errors. Which role may call what is read from spec/openapi.yaml.
import type { Party } from '../harness/credentials.js';
import type { Reply } from '../harness/http-client.js';
import type { CheckContext, SuiteContext, SuiteDefinition } from '../harness/suite.js';
import { loadOpenApi } from '../spec/index.js';
import { ARNDALE, PIAZZA, UC4_PLACE, UC4_SPEC } from './fixture-ids.js';
import { minimalAssignedRight } from './generate.js';
import { createRightAndSession } from './protocol.js';
import { text } from './shapes.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Role = 'po' | 'sp' | 'ep' | 'ad';

/** The role each party plays (the harness's parties are named after their role). */
const PARTY_OF_ROLE: Record<Role, Party> = { po: 'po', sp: 'sp', ep: 'ep', ad: 'ad' };

export interface SecuredOperation {
  method: (typeof METHODS)[number];
  path: string;
  operationId?: string;
  /** Roles that may call it: the oAuth scopes of its `security`, plus `x-lenient-scopes`. */
  roles: ReadonlySet<Role>;
}

/** The operations of our document that need credentials (admin and open operations excluded). */
export function securedOperations(): SecuredOperation[] {
  const doc = loadOpenApi();
  const out: SecuredOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op || op['x-admin']) continue;
      const security: Array<Record<string, string[]>> | undefined = op.security ?? doc.security;
      if (!security?.length) continue;
      const roles = new Set<Role>([...security.flatMap((r) => r.oAuth ?? []), ...(op['x-lenient-scopes'] ?? [])] as Role[]);
      out.push({ method, path, operationId: op.operationId, roles });
    }
  }
  return out;
}

const concrete = (path: string, id: string) => path.replace('{id}', encodeURIComponent(id));
const writes = (method: string) => method !== 'get';
const isErrorBody = (body: any) => body && typeof body === 'object' && String(body.status).toLowerCase() === 'error';

/** POST to the token endpoint of a party's OAuth2 credentials (relative token URLs go through the target). */
async function tokenRequest(c: CheckContext, s: SuiteContext, party: Party, form: Record<string, string>, secret?: string): Promise<Reply> {
  const spec = s.client.credentials[party];
  if (spec?.type !== 'oauth2') c.skip(`party ${party} does not use OAuth2 client credentials`);
  const basic = Buffer.from(`${spec.clientId}:${secret ?? spec.clientSecret}`).toString('base64');
  const options = { rawBody: new URLSearchParams(form).toString(), headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' } };
  if (!/^https?:\/\//.test(spec.tokenUrl)) return c.call('anonymous', 'POST', spec.tokenUrl, options);
  // An absolute token URL is outside the target's base: call it directly and keep the exchange as evidence.
  const res = await fetch(spec.tokenUrl, { method: 'POST', headers: options.headers, body: options.rawBody, signal: AbortSignal.timeout(10_000) });
  const raw = await res.text();
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // not JSON: judged as such
  }
  const headers = Object.fromEntries(res.headers.entries());
  const exchange: Reply['exchange'] = { direction: 'outbound', request: { method: 'POST', url: spec.tokenUrl, headers: { 'Content-Type': options.headers['Content-Type'], Authorization: 'Basic …(redacted)' }, body: form.scope ? `grant_type=…&scope=${form.scope}` : 'grant_type=…' }, response: { status: res.status, headers, body, durationMs: 0 } };
  c.record(exchange);
  return { status: res.status, headers, body, exchange };
}

export const security: SuiteDefinition = {
  id: 'security',
  title: 'Security: credentials, roles, tenants, token endpoint',
  description: 'Every secured operation needs valid credentials (401), each role only its operations (403), tenants never see each other\'s sessions and rights (404), and the token endpoint answers RFC 6749 errors.',
  role: 'platform',
  async run(s) {
    const operations = securedOperations();

    await s.check({ id: 'SEC-01', title: 'every secured operation of the document answers 401 without credentials', requirement: 'APDS README (X-MCC-Access-Token: 401 when missing); NPP oAuth security; our errata E34', independent: true }, async (c) => {
      const wrong: string[] = [];
      for (const op of operations) {
        const reply = await c.call('anonymous', op.method.toUpperCase(), concrete(op.path, s.fresh('any')), writes(op.method) ? { body: {} } : {});
        if (reply.status !== 401 || !isErrorBody(reply.body)) wrong.push(`${op.method.toUpperCase()} ${op.path}: ${reply.status}`);
      }
      c.note(`${operations.length} secured operations tried`);
      c.expectEqual(wrong, [], 'each answers 401 with a ResponseStatus error');
    });

    await s.check({ id: 'SEC-02', title: 'a 401 carries a Bearer WWW-Authenticate challenge', requirement: 'RFC 9110 §15.5.2 (a 401 MUST send WWW-Authenticate); RFC 6750 §3; our errata E34', independent: true }, async (c) => {
      const missing: string[] = [];
      const tried = [...new Map(operations.filter((op) => op.method === 'get').map((op) => [op.path.replace('/{id}', ''), op])).values()];
      tried.push(operations.find((op) => op.method === 'post')!);
      for (const op of tried) {
        const reply = await c.call('anonymous', op.method.toUpperCase(), concrete(op.path, s.fresh('any')), writes(op.method) ? { body: {} } : {});
        if (reply.status !== 401 || !/^bearer\b/i.test(reply.headers['www-authenticate'] ?? '')) missing.push(`${op.method.toUpperCase()} ${op.path}: ${reply.status} ${reply.headers['www-authenticate'] ?? '(no WWW-Authenticate)'}`);
      }
      c.expectEqual(missing, [], 'every 401 has WWW-Authenticate: Bearer …');
    });

    await s.check({ id: 'SEC-03', title: 'a bad bearer token answers 401', requirement: 'APDS README (401 unknown token); RFC 6750 §3.1 invalid_token', independent: true }, async (c) => {
      for (const token of ['not-a-token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2lnbmF0dXJl']) {
        c.expectErrorStatus(await c.call('anonymous', 'GET', '/places', { headers: { Authorization: `Bearer ${token}` } }), 401);
      }
      c.expectErrorStatus(await c.call('anonymous', 'GET', `/places/${UC4_PLACE}`, { headers: { 'X-MCC-Access-Token': '00000000-0000-4000-8000-000000000000' } }), 401);
    });

    await s.check({ id: 'SEC-04', title: 'a token whose signature was tampered with answers 401', requirement: 'RFC 6750 §3.1 invalid_token; RFC 7515 (JWS signature)', independent: true }, async (c) => {
      const issued = await tokenRequest(c, s, 'sp', { grant_type: 'client_credentials' });
      c.expectStatus(issued, 200);
      const token = String(issued.body?.access_token ?? '');
      const control = await c.call('anonymous', 'GET', '/places', { query: { page: 1 }, headers: { Authorization: `Bearer ${token}` } });
      c.expectStatus(control, 200);
      const parts = token.split('.');
      if (parts.length !== 3) c.skip('the access token is not a JWS (three dot-separated parts); there is no signature to tamper with');
      const sig = parts[2]!;
      const i = Math.floor(sig.length / 2);
      parts[2] = sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1);
      c.expectErrorStatus(await c.call('anonymous', 'GET', '/places', { query: { page: 1 }, headers: { Authorization: `Bearer ${parts.join('.')}` } }), 401);
    });

    await s.check({ id: 'SEC-05', title: 'a role without the operation\'s scope answers 403', requirement: 'APDS README (403 no privilege); NPP operation scopes (security + x-lenient-scopes of our document)', independent: true }, async (c) => {
      const wrong: string[] = [];
      let tried = 0;
      for (const op of operations) {
        for (const role of Object.keys(PARTY_OF_ROLE) as Role[]) {
          const party = PARTY_OF_ROLE[role];
          if (op.roles.has(role) || !s.client.credentials[party]) continue;
          // Fresh ids: a platform that wrongly lets the call through finds nothing to change.
          const id = s.fresh('forbidden');
          const reply = await c.call(party, op.method.toUpperCase(), concrete(op.path, id), writes(op.method) ? { body: { id, version: 1 } } : {});
          tried++;
          if (reply.status !== 403 || !isErrorBody(reply.body)) wrong.push(`${party} ${op.method.toUpperCase()} ${op.path}: ${reply.status}`);
        }
      }
      c.note(`${tried} role/operation pairs outside the document's scopes`);
      c.expect(tried > 0, 'the document names at least one operation a party may not call');
      c.expectEqual(wrong, [], 'each answers 403 with a ResponseStatus error');
    });

    await s.check({ id: 'SEC-06', title: 'another service provider cannot read an SP\'s assigned right or session (404)', requirement: 'APDS README (tenancy); our errata E34 (another tenant\'s object answers 404)', independent: true }, async (c) => {
      const made = await createRightAndSession(c, s, 'sp');
      s.state.set('security.made', made);
      for (const path of [`/rights/assigned/${made.right.id}`, `/sessions/${made.session.id}`]) {
        c.expectStatus(await c.call('sp', 'GET', path), 200);
        c.expectErrorStatus(await c.call('sp2', 'GET', path), 404);
      }
    });

    await s.check({ id: 'SEC-07', title: 'another service provider cannot change or delete them (404), and they stay as they were', requirement: 'APDS README (tenancy); our errata E34' }, async (c) => {
      const { right, session } = s.state.get('security.made') as Awaited<ReturnType<typeof createRightAndSession>>;
      for (const [path, body] of [[`/rights/assigned/${right.id}`, right], [`/sessions/${session.id}`, session]] as const) {
        const before = await c.call('sp', 'GET', path, { query: { expand: 'all' } });
        c.expectErrorStatus(await c.call('sp2', 'PUT', path, { body: { ...body, version: 2 } }), 404);
        c.expectErrorStatus(await c.call('sp2', 'PATCH', path, { body: { version: 2 }, headers: { 'Content-Type': 'application/merge-patch+json' } }), 404);
        c.expectErrorStatus(await c.call('sp2', 'DELETE', path), 404);
        const after = await c.call('sp', 'GET', path, { query: { expand: 'all' } });
        c.expectStatus(after, 200);
        c.expectEqual(after.body, before.body, `${path} is unchanged`);
      }
    });

    await s.check({ id: 'SEC-08', title: 'another service provider\'s lists leave them out', requirement: 'APDS README (tenancy: lists leave another tenant\'s objects out)' }, async (c) => {
      const { vrm, right, session } = s.state.get('security.made') as Awaited<ReturnType<typeof createRightAndSession>>;
      for (const [list, id] of [['/rights/assigned', right.id], ['/sessions', session.id]] as const) {
        const own = await c.call('sp', 'GET', list, { query: { credential_id: vrm } });
        c.expectStatus(own, 200);
        c.expect(own.body.data.some((e: any) => e.id === id), `the issuing SP finds ${id} in ${list}?credential_id=${vrm}`);
        const queries: Array<Record<string, string>> = [{ credential_id: vrm }, { place: UC4_PLACE }];
        for (const query of queries) {
          const other = await c.call('sp2', 'GET', list, { query });
          c.expectStatus(other, 200);
          c.expect(!other.body.data.some((e: any) => e.id === id), `${list}?${new URLSearchParams(query)} of the other SP leaves ${id} out`);
        }
      }
    });

    await s.check({ id: 'SEC-09', title: 'an operator cannot PATCH another operator\'s place (403), which stays as it was', requirement: 'APDS README (403 no privilege); README tenancy (only their operator writes places)', independent: true }, async (c) => {
      const before = await c.call('ad', 'GET', `/places/${ARNDALE}`, { query: { expand: 'all' } });
      if (before.status === 404) c.precondition(`place ${ARNDALE} (MCC's Arndale) of the seed is missing`);
      const patch = (name: unknown) => ({ body: { name }, headers: { 'Content-Type': 'application/merge-patch+json' } });
      const reply = await c.call('po2', 'PATCH', `/places/${ARNDALE}`, patch([{ language: 'en', string: 'Taken over' }]));
      // A platform that let it through gets the name back from its operator, so later suites read the seed's place.
      if (reply.status < 300) await c.call('po', 'PATCH', `/places/${ARNDALE}`, patch(before.body.name));
      c.expectErrorStatus(reply, 403);
      const after = await c.call('ad', 'GET', `/places/${ARNDALE}`, { query: { expand: 'all' } });
      c.expectEqual(after.body, before.body, 'the place is unchanged');
      c.expect(text(after.body.name) !== 'Taken over', 'the name did not change');
    });

    await s.check({ id: 'SEC-10', title: 'enforcement reads the assigned rights at the places it serves', requirement: 'seed 000 UC2.2 (EP checks rights at a place); README tenancy (enforcement reads at its places)' }, async (c) => {
      const { vrm, right } = s.state.get('security.made') as Awaited<ReturnType<typeof createRightAndSession>>;
      c.expectStatus(await c.call('ep', 'GET', `/rights/assigned/${right.id}`), 200);
      const list = await c.call('ep', 'GET', '/rights/assigned', { query: { place: UC4_PLACE, credential_id: vrm } });
      c.expectStatus(list, 200);
      c.expect(list.body.data.some((r: any) => r.id === right.id), `GET /rights/assigned?place=${UC4_PLACE}&credential_id=${vrm} finds ${right.id}`, { actual: list.body.data.map((r: any) => r.id) });
    });

    await s.check({ id: 'SEC-11', title: 'enforcement does not see rights at places it does not serve', requirement: 'README tenancy (enforcement reads at the places it serves)', severity: 'SHOULD', independent: true }, async (c) => {
      const specs = await c.call('sp', 'GET', '/rights/specs', { query: { place: PIAZZA, expand: 'none' } });
      const spec = specs.body?.data?.[0]?.id;
      if (!spec) c.precondition(`no right specification at ${PIAZZA} (Q-Park's Piazza)`);
      const made = await createRightAndSession(c, s, 'sp', spec);
      c.expectErrorStatus(await c.call('ep', 'GET', `/rights/assigned/${made.right.id}`), 404);
    });

    await s.check({ id: 'SEC-12', title: 'the token endpoint refuses a wrong secret with 401 invalid_client', requirement: 'RFC 6749 §5.2 (invalid_client, 401 with WWW-Authenticate for HTTP Basic)', independent: true }, async (c) => {
      const reply = await tokenRequest(c, s, 'sp', { grant_type: 'client_credentials' }, 'not-the-secret');
      c.expectStatus(reply, 401);
      c.expectEqual(reply.body?.error, 'invalid_client', 'the error is invalid_client');
      c.expect(!reply.body?.access_token, 'no token is issued');
      c.expect(/^basic\b/i.test(reply.headers['www-authenticate'] ?? ''), 'the 401 to a client that authenticated with HTTP Basic carries WWW-Authenticate: Basic', { actual: reply.headers['www-authenticate'] ?? '(none)' });
    });

    await s.check({ id: 'SEC-13', title: 'a scope the client does not hold is refused with 400 invalid_scope', requirement: 'RFC 6749 §5.2 (invalid_scope)', independent: true }, async (c) => {
      const reply = await tokenRequest(c, s, 'sp', { grant_type: 'client_credentials', scope: 'po' });
      c.expectStatus(reply, 400);
      c.expectEqual(reply.body?.error, 'invalid_scope', 'the error is invalid_scope');
      c.expect(!reply.body?.access_token, 'no token is issued');
    });

    await s.check({ id: 'SEC-14', title: 'a service provider cannot issue a right in another organisation\'s name', requirement: 'NPP AssignedRight.assignedRightIssuer (readOnly: the platform sets it from the caller); tenant isolation', independent: true }, async (c) => {
      const victim = s.client.organisation('sp');
      if (!victim) c.skip('the credentials do not name the organisation of party sp');
      const specRef = { id: UC4_SPEC, version: (await c.call('sp2', 'GET', `/rights/specs/${UC4_SPEC}`)).body?.version ?? 1 };
      const forged: Record<string, any> = { ...minimalAssignedRight(s.fresh('forged-right'), specRef, s.freshVrm()), assignedRightIssuer: { id: victim, className: 'DigitalServiceProvider', version: 1 } };
      const sent = await c.call('sp2', 'POST', '/rights/assigned', { body: forged });
      if (sent.status >= 400) {
        c.expect(sent.status === 400 || sent.status === 403, 'a forged issuer is refused with 400 or 403 (or the issuer is replaced)', { actual: sent.status });
        return;
      }
      const asVictim = await c.call('sp', 'GET', `/rights/assigned/${forged.id}`);
      c.expectErrorStatus(asVictim, 404);
      const asSender = await c.call('sp2', 'GET', `/rights/assigned/${forged.id}`);
      c.expectStatus(asSender, 200);
      c.expect(asSender.body?.assignedRightIssuer?.id !== victim, `the stored issuer is the sender, not ${victim}`, { expected: s.client.organisation('sp2') ?? 'the sender', actual: asSender.body?.assignedRightIssuer });
    });
  },
};
