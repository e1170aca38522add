// POST /auth (OAuth2 client credentials), Bearer tokens on the mock's clock, X-MCC-Access-Token, and every way a
// credential can be bad: each is a 401 with WWW-Authenticate (RFC 6750), never a 500.
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../spec/index.js';
import { TOKEN_LIFETIME_S } from '../mock/auth/tokens.js';
import { makeApp, SEED_NOW, snapshot } from './support/app.js';
import { basicAuth, bearer, DEV_CLIENTS, devClient, expect401, expect403, makeAuthApp, tokenFor } from './support/auth.js';
import { payload } from './support/payloads.js';

const schemas = schemaRegistry();
const SP = devClient('sp-sp0001');

function expectTokenResponse(body: any, scope: string) {
  expect(schemas.validate('TokenResponse', body)).toEqual([]);
  expect(body).toMatchObject({ token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope });
  expect(body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
}

/** An RFC 6749 §5.2 error: JSON {error, error_description}, no-store, and the Basic challenge on invalid_client. */
function expectOAuthError(res: any, status: number, error: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(schemas.validate('OAuthError', res.body)).toEqual([]);
  expect(res.body.error).toBe(error);
  expect(typeof res.body.error_description).toBe('string');
  if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
}

/** Re-encodes a base64url JWT segment after changing its JSON. */
const editSegment = (segment: string, edit: (json: any) => void) => {
  const json = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  edit(json);
  return Buffer.from(JSON.stringify(json)).toString('base64url');
};

/** Changes one character in the middle of a segment (the last character of a signature may carry only padding bits). */
const flipMiddle = (segment: string) => {
  const i = Math.floor(segment.length / 2);
  return segment.slice(0, i) + (segment[i] === 'A' ? 'B' : 'A') + segment.slice(i + 1);
};

describe('POST /auth: client credentials', () => {
  it('accepts HTTP Basic, a form body and a JSON body, at the root and under /v1/parking', async () => {
    const { http } = makeAuthApp();
    const basic = await http.post('/auth').set('Authorization', basicAuth(SP.clientId, SP.clientSecret)).type('form').send({ grant_type: 'client_credentials' });
    expect(basic.status, JSON.stringify(basic.body)).toBe(200);
    expect(basic.headers['cache-control']).toBe('no-store');
    expectTokenResponse(basic.body, 'sp');

    const form = await http.post('/auth').type('form').send({ grant_type: 'client_credentials', client_id: SP.clientId, client_secret: SP.clientSecret });
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expectTokenResponse(form.body, 'sp');

    const json = await http.post('/auth').send({ grant_type: 'client_credentials', client_id: SP.clientId, client_secret: SP.clientSecret, scope: 'sp' });
    expect(json.status, JSON.stringify(json.body)).toBe(200);
    expectTokenResponse(json.body, 'sp');

    const versioned = await http.post('/v1/parking/auth').type('form').send({ grant_type: 'client_credentials', client_id: SP.clientId, client_secret: SP.clientSecret });
    expect(versioned.status, JSON.stringify(versioned.body)).toBe(200);
    expectTokenResponse(versioned.body, 'sp');

    for (const token of [basic.body.access_token, form.body.access_token, json.body.access_token, versioned.body.access_token]) {
      expect((await http.get('/places/805428').set(bearer(token))).status).toBe(200);
      expect((await http.get('/v1/parking/places/805428').set(bearer(token))).status).toBe(200);
    }
  });

  it('issues a token to every dev client, carrying all its roles', async () => {
    const { http } = makeAuthApp();
    for (const client of DEV_CLIENTS) {
      const res = await http.post('/auth').type('form').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
      expect(res.status, client.clientId).toBe(200);
      expectTokenResponse(res.body, client.roles.join(' '));
    }
  });

  it('a Basic header with a wrong secret, an unknown client or a bad encoding is 401 invalid_client', async () => {
    const { http } = makeAuthApp();
    const wrongBasic = await http.post('/auth').set('Authorization', basicAuth(SP.clientId, 'not-the-secret')).type('form').send({ grant_type: 'client_credentials' });
    expectOAuthError(wrongBasic, 401, 'invalid_client');
    const wrongForm = await http.post('/auth').type('form').send({ grant_type: 'client_credentials', client_id: SP.clientId, client_secret: 'not-the-secret' });
    expectOAuthError(wrongForm, 401, 'invalid_client');
    const unknown = await http.post('/auth').send({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' });
    expectOAuthError(unknown, 401, 'invalid_client');
    const none = await http.post('/auth').type('form').send({ grant_type: 'client_credentials' });
    expectOAuthError(none, 401, 'invalid_client');
    const noColon = await http.post('/auth').set('Authorization', `Basic ${Buffer.from('sp-sp0001').toString('base64')}`).type('form').send({ grant_type: 'client_credentials' });
    expectOAuthError(noColon, 401, 'invalid_client');
    const garbage = await http.post('/auth').set('Authorization', 'Basic %%%').type('form').send({ grant_type: 'client_credentials' });
    expectOAuthError(garbage, 401, 'invalid_client');
  });

  it('an unknown scope or a scope the client does not hold is 400 invalid_scope', async () => {
    const { http } = makeAuthApp();
    const base = { grant_type: 'client_credentials', client_id: SP.clientId, client_secret: SP.clientSecret };
    expectOAuthError(await http.post('/auth').type('form').send({ ...base, scope: 'superuser' }), 400, 'invalid_scope');
    expectOAuthError(await http.post('/auth').type('form').send({ ...base, scope: 'sp po' }), 400, 'invalid_scope');
    expectOAuthError(await http.post('/auth').type('form').send({ ...base, scope: 'ad' }), 400, 'invalid_scope');
  });

  it('a missing grant_type is 400 invalid_request, another grant 400 unsupported_grant_type', async () => {
    const { http } = makeAuthApp();
    expectOAuthError(await http.post('/auth').type('form').send({ client_id: SP.clientId, client_secret: SP.clientSecret }), 400, 'invalid_request');
    expectOAuthError(await http.post('/auth').send({}), 400, 'invalid_request');
    expectOAuthError(await http.post('/auth'), 400, 'invalid_request');
    expectOAuthError(await http.post('/auth').type('form').send({ grant_type: 'password', username: 'a', password: 'b' }), 400, 'unsupported_grant_type');
    expectOAuthError(await http.post('/auth').send({ grant_type: 'authorization_code', code: 'x' }), 400, 'unsupported_grant_type');
  });

  it('a scope narrows the token to some of the roles of a client that holds several', async () => {
    const { http } = makeAuthApp();
    const added = await http.post('/__admin/clients').send({ clientId: 'two-hats', clientSecret: 's3cret', roles: ['po', 'sp'], organisation: 'MCC', places: ['805428'] });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const narrow = await http.post('/auth').type('form').send({ grant_type: 'client_credentials', client_id: 'two-hats', client_secret: 's3cret', scope: 'po' });
    expectTokenResponse(narrow.body, 'po');
    const both = await http.post('/auth').type('form').send({ grant_type: 'client_credentials', client_id: 'two-hats', client_secret: 's3cret' });
    expectTokenResponse(both.body, 'po sp');
    const right = payload('uc4-1-assigned-right-20410eec.json');
    expect403(await http.post('/rights/assigned').set(bearer(narrow.body.access_token)).send(right));
    expect((await http.post('/rights/assigned').set(bearer(both.body.access_token)).send(right)).status).toBe(201);
  });
});

describe('Bearer tokens on the mock clock', () => {
  it('expire after expires_in seconds of mock time; an expired token stays refused on replay', async () => {
    const { http, platform } = makeAuthApp({ clock: SEED_NOW });
    const token = await tokenFor(http, 'sp-sp0001');
    expect((await http.get('/sessions').set(bearer(token))).status).toBe(200);
    platform.clock.advance((TOKEN_LIFETIME_S - 1) * 1000);
    expect((await http.get('/sessions').set(bearer(token))).status).toBe(200);
    platform.clock.pin(Date.parse(SEED_NOW));
    platform.clock.advance(3601_000);
    expect401(await http.get('/sessions').set(bearer(token)), /token expired/);
    expect401(await http.get('/sessions').set(bearer(token)), /token expired/);
    expect401(await http.post('/rights/assigned').set(bearer(token)).send(payload('uc4-1-assigned-right-20410eec.json')), /token expired/);
    expect(platform.store.assignedRights.has('20410eec-2352-4cc1-820c-21ea6cbce506')).toBe(false);
    const challenge = (await http.get('/sessions').set(bearer(token))).headers['www-authenticate'];
    expect(challenge).toMatch(/error="invalid_token"/);
    // A fresh token at the new time works again.
    expect((await http.get('/sessions').set(bearer(await tokenFor(http, 'sp-sp0001')))).status).toBe(200);
  });

  it('expire when the clock is moved through /__admin/clock', async () => {
    const { http } = makeAuthApp({ clock: SEED_NOW });
    const token = await tokenFor(http, 'po-mcc');
    expect((await http.put('/__admin/clock').send({ advance: 'PT1H1S' })).status).toBe(200);
    expect401(await http.get('/places').set(bearer(token)), /token expired/);
  });

  // REPORTED MOCK BUG: token expiry reads the request's X-Mock-Now: mock/auth/authenticate.ts:57 passes ctx.nowMs,
  // which mock/http/context.ts:57 takes from X-Mock-Now (and token-endpoint.ts:57 issues with it too). A client
  // revives an expired token by sending an earlier X-Mock-Now, and a harness that queries "as of" a later
  // instant gets 401 'token expired' with a valid token. Remove `.fails` once the platform clock decides.
  it('token validity follows the platform clock, not the per-request X-Mock-Now', async () => {
    const { http, platform } = makeAuthApp({ clock: SEED_NOW });
    const token = await tokenFor(http, 'sp-sp0001');
    const dayLater = new Date(Date.parse(SEED_NOW) + 86_400_000).toISOString();
    const future = await http.get('/sessions?end_after=now').set(bearer(token)).set('X-Mock-Now', dayLater);
    expect(future.status, `valid token, X-Mock-Now a day later: ${JSON.stringify(future.body)}`).toBe(200);
    platform.clock.advance(3601_000);
    const revived = await http.get('/sessions').set(bearer(token)).set('X-Mock-Now', SEED_NOW);
    expect(revived.status, `expired token, X-Mock-Now before its expiry: ${JSON.stringify(revived.body)}`).toBe(401);
  });

  it('refuse a tampered signature, a tampered payload, alg none and a token of another mock instance', async () => {
    const { http } = makeAuthApp();
    const token = await tokenFor(http, 'sp-sp0001');
    const [header, body, signature] = token.split('.') as [string, string, string];
    expect401(await http.get('/places').set(bearer(`${header}.${body}.${flipMiddle(signature)}`)), /signature/);
    const promoted = editSegment(body, (claims) => {
      claims.scope = 'po sp ep ad';
      claims.sub = 'ad-npp';
    });
    expect401(await http.get('/places').set(bearer(`${header}.${promoted}.${signature}`)), /signature/);
    expect401(await http.get('/places').set(bearer(`${header}.${flipMiddle(body)}.${signature}`)));
    const none = editSegment(header, (h) => (h.alg = 'none'));
    expect401(await http.get('/places').set(bearer(`${none}.${promoted}.`)));
    expect401(await http.get('/places').set(bearer(`${none}.${promoted}`)));
    const other = makeAuthApp();
    expect401(await other.http.get('/places').set(bearer(token)), /signature/);
  });

  it('answer malformed credentials with a clear 401, never a 500', async () => {
    const { http, platform, unexpected } = makeAuthApp();
    const token = await tokenFor(http, 'sp-sp0001');
    const cases: Array<[string, string]> = [
      ['unknown bearer', 'Bearer not-a-token'],
      ['three-part garbage', 'Bearer aaa.bbb.ccc'],
      ['empty bearer', 'Bearer '],
      ['scheme only', 'Bearer'],
      ['two tokens', `Bearer ${token} ${token}`],
      ['Basic scheme', 'Basic xxx'],
      ['Basic with real credentials', basicAuth(SP.clientId, SP.clientSecret)],
      ['token without scheme', token],
      ['garbage', '%%%% !!'],
      ['5000-character token', `Bearer ${'a'.repeat(5000)}`],
      ['5000-character JWT-shaped token', `Bearer ${'a'.repeat(2000)}.${'b'.repeat(2000)}.${'c'.repeat(1000)}`],
      ['empty header', ''],
    ];
    const before = snapshot(platform);
    for (const [label, value] of cases) {
      const read = await http.get('/sessions').set('Authorization', value);
      expect(read.status, `${label}: ${JSON.stringify(read.body)}`).toBe(401);
      expect401(read);
      const write = await http.post('/rights/assigned').set('Authorization', value).send(payload('uc4-1-assigned-right-20410eec.json'));
      expect(write.status, `${label} (write): ${JSON.stringify(write.body)}`).toBe(401);
      expect401(write);
    }
    expect(snapshot(platform)).toBe(before);
    expect(unexpected).toEqual([]);
    // The scheme name is case-insensitive (RFC 7235 §2.1).
    expect((await http.get('/sessions').set('Authorization', `bearer ${token}`)).status).toBe(200);
  });

  it('without any credentials a secured operation is 401 with a plain Bearer challenge', async () => {
    const { http } = makeAuthApp();
    const res = await http.get('/places');
    expect401(res, /needs credentials/);
    expect(res.headers['www-authenticate']).not.toMatch(/error=/);
    expect401(await http.get('/v1/parking/rights/assigned'));
  });
});

describe('X-MCC-Access-Token', () => {
  it('works for every dev client and acts with that client\'s roles', async () => {
    const { http } = makeAuthApp();
    for (const client of DEV_CLIENTS) {
      expect(client.accessToken, client.clientId).toBeTruthy();
      const read = await http.get('/places/805428').set('X-MCC-Access-Token', client.accessToken!);
      expect(read.status, `${client.clientId}: ${JSON.stringify(read.body)}`).toBe(200);
      const write = await http.post('/rights/assigned').set('X-MCC-Access-Token', client.accessToken!).send({ ...payload('uc4-1-assigned-right-20410eec.json'), id: `right-of-${client.clientId}` });
      expect(write.status, `${client.clientId}: ${JSON.stringify(write.body)}`).toBe(client.roles.includes('sp') ? 201 : 403);
    }
    const stored = (await http.get('/rights/assigned/right-of-sp-red-parking').set('X-MCC-Access-Token', devClient('sp-red-parking').accessToken!)).body;
    expect(stored.assignedRightIssuer.id).toBe('ID_RED_PARKING');
  });

  it('an unknown or empty access token is 401', async () => {
    const { http, unexpected } = makeAuthApp();
    expect401(await http.get('/places').set('X-MCC-Access-Token', '00000000-0000-0000-0000-000000000000'), /unknown X-MCC-Access-Token/);
    expect401(await http.get('/places').set('X-MCC-Access-Token', ''));
    expect401(await http.get('/places').set('X-MCC-Access-Token', 'x'.repeat(5000)));
    expect(unexpected).toEqual([]);
  });
});

describe('clients managed through /__admin/clients', () => {
  it('lists the dev clients, adds one that can get tokens, and refuses an invalid or duplicate one', async () => {
    const { http } = makeAuthApp();
    const list = await http.get('/__admin/clients').expect(200);
    expect(schemas.validate('ClientList', list.body)).toEqual([]);
    expect(list.body.clients.map((c: any) => c.clientId)).toEqual(DEV_CLIENTS.map((c) => c.clientId));

    const client = { clientId: 'sp-new', clientSecret: 'new-secret', accessToken: 'new-access-token', roles: ['sp'], organisation: 'NEWSP' };
    const added = await http.post('/__admin/clients').send(client);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(schemas.validate('AdminClientResult', added.body)).toEqual([]);
    expect(schemas.validate('Client', client)).toEqual([]);
    const token = await http.post('/auth').type('form').send({ grant_type: 'client_credentials', client_id: 'sp-new', client_secret: 'new-secret' });
    expect(token.status).toBe(200);
    expect((await http.get('/sessions').set(bearer(token.body.access_token))).status).toBe(200);
    expect((await http.get('/sessions').set('X-MCC-Access-Token', 'new-access-token')).status).toBe(200);

    expect((await http.post('/__admin/clients').send(client)).status).toBe(400);
    expect((await http.post('/__admin/clients').send({ ...client, clientId: 'sp-other' })).status).toBe(400); // access token in use
    expect((await http.post('/__admin/clients').send({ clientId: 'bad', clientSecret: 'x', roles: ['root'], organisation: 'X' })).status).toBe(400);
    expect((await http.post('/__admin/clients').send({ clientId: 'bad', roles: ['sp'], organisation: 'X' })).status).toBe(400);
  });

  it('a deleted client\'s Bearer token and access token answer 401 and it gets no new token; a second delete is 404', async () => {
    const { http, platform } = makeAuthApp();
    const red = devClient('sp-red-parking');
    const token = await tokenFor(http, red.clientId);
    expect((await http.get('/rights/assigned').set(bearer(token))).status).toBe(200);

    const removed = await http.delete(`/__admin/clients/${red.clientId}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body).toMatchObject({ status: 'ok', code: 200 });
    const before = snapshot(platform);
    expect401(await http.get('/rights/assigned').set(bearer(token)), /no longer exists/);
    expect401(await http.post('/rights/assigned').set(bearer(token)).send(payload('uc4-1-assigned-right-20410eec.json')));
    expect401(await http.get('/rights/assigned').set('X-MCC-Access-Token', red.accessToken!));
    expectOAuthError(await http.post('/auth').type('form').send({ grant_type: 'client_credentials', client_id: red.clientId, client_secret: red.clientSecret }), 401, 'invalid_client');
    expect(snapshot(platform)).toBe(before);

    const again = await http.delete(`/__admin/clients/${red.clientId}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ status: 'error', code: 404 });
    const list = await http.get('/__admin/clients').expect(200);
    expect(list.body.clients.map((c: any) => c.clientId)).not.toContain(red.clientId);
  });
});

describe('auth: false (--no-auth)', () => {
  it('lets an anonymous caller read and write everything', async () => {
    const { http, platform } = makeApp({ auth: false });
    expect(platform.authEnabled).toBe(false);
    expect((await http.get('/places')).status).toBe(200);
    expect((await http.post('/rights/assigned').send(payload('uc4-1-assigned-right-20410eec.json'))).status).toBe(201);
    expect((await http.post('/sessions').send(payload('uc4-3-session-fe5eea6a.json'))).status).toBe(201);
    expect((await http.patch('/places/805428').send(payload('uc1-4-patch-805428.json'))).status).toBe(200);
    expect((await http.delete('/sessions/fe5eea6a-4be3-46fa-b037-20f04334ccdd')).status).toBe(200);
    // The body's issuer is kept (there is no caller organisation to replace it with).
    const right = await http.get('/rights/assigned/20410eec-2352-4cc1-820c-21ea6cbce506').expect(200);
    expect(right.body.assignedRightIssuer.id).toBe('SP0001');
  });
});
