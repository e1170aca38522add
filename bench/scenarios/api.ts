// The load scenarios of `npm run bench` (the API reads and writes against the baselines), their callers' credentials,
// and the mock's answer the baselines replay.
import { readFileSync } from 'node:fs';
import type { AutocannonRequest } from 'autocannon';
import { startMockPlatform } from '../../mock/server.js';
import { GEO_SEARCH, PLACES_IN_SEARCH, RIGHT_PLACE, vrm } from '../lib/data.js';
import { fetchBounded, root, type Headers } from '../lib/settings.js';

// Access control is on by default: callers use the shipped development clients (fixtures/clients.json).
const CLIENTS = JSON.parse(readFileSync(root('fixtures/clients.json'), 'utf8')).clients as Array<{ clientId: string; clientSecret: string; accessToken?: string }>;
const client = (id: string) => {
  const found = CLIENTS.find((c) => c.clientId === id);
  if (!found?.accessToken) throw new Error(`fixtures/clients.json has no client ${id} with an accessToken`);
  return found;
};
export const apiKey = (clientId: string) => async (): Promise<Headers> => ({ 'x-mcc-access-token': client(clientId).accessToken! });
/** An OAuth2 client-credentials token from the server under test (POST /auth), sent as Bearer. */
const bearer = (clientId: string) => async (url: string): Promise<Headers> => {
  const c = client(clientId);
  const res = await fetchBounded(`${url}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }),
  });
  if (res.status !== 200) throw new Error(`POST /auth for ${clientId} answered ${res.status}`);
  return { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
};
export const SP = 'sp-sp0001'; // service provider SP0001: issuer of BD18SMR's right and of the synthetic rights
export const EP = 'ep-mcr-enforcement'; // enforcement at 220001: the ANPR caller of the VRM lookup

// ---------------------------------------------------------------------------------------------------------------
// The baselines' bytes: the mock's own answer, captured once in-process.
export const PLACE_PATH = '/v1/parking/places/805428?expand=occupancy';
export async function captureMockAnswer(): Promise<{ body: Buffer; contentType: string }> {
  const mock = await startMockPlatform();
  try {
    const res = await fetchBounded(`${mock.url}${PLACE_PATH}`, { headers: await apiKey(SP)() });
    if (res.status !== 200) throw new Error(`GET ${PLACE_PATH} answered ${res.status}`);
    return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/json' };
  } finally {
    await mock.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios
export interface Scenario {
  key: string;
  label: string;
  /** bench/servers/<server>.js */
  server: 'bare-http' | 'bare-express' | 'mock';
  args?: string[];
  records?: string;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Headers;
  /** Credentials, fetched once the server is up; sent with every request (and ignored by the baselines). */
  auth?: (url: string) => Promise<Headers>;
  /** How the caller authenticates, for the table. */
  authNote?: string;
  setupRequest?: () => AutocannonRequest['setupRequest'];
  /** The Express route the paired bare Express answers this scenario's requests on (with the probe's answer). */
  baselineRoute: string;
  /** One request before the load: what it found (and whether that is what the scenario needs), and the answer. */
  probe?: (url: string, headers: Headers) => Promise<Probe>;
  /** A check after the load (e.g. no auto-created right). */
  after?: (url: string, headers: Headers) => Promise<{ note: string; ok: boolean }>;
}

export interface RecordedAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface Probe {
  note: string;
  ok: boolean;
  answer?: RecordedAnswer;
}

const GEO_PATH = `/places?latitude=${GEO_SEARCH.latitude}&longitude=${GEO_SEARCH.longitude}&radius=${GEO_SEARCH.radiusMetres}`;
/** A request whose answer is kept as received (bytes and all) and read as JSON. */
const fetchAnswer = async (url: string, init: RequestInit) => {
  const res = await fetchBounded(url, init);
  const answer: RecordedAnswer = { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: Buffer.from(await res.arrayBuffer()) };
  return { status: res.status, body: JSON.parse(answer.body.toString('utf8')) as { meta?: { total?: number } }, answer };
};
const getJson = (url: string, headers: Headers) => fetchAnswer(url, { headers });

const geoScenario = (places: number, label: string): Scenario => ({
  key: `geo-${places}`,
  label: `geo radius 1000 m, ${label} places`,
  server: 'mock',
  args: ['--empty', '--places', String(places)],
  records: `${places} places (no fixtures)`,
  path: GEO_PATH,
  baselineRoute: '/places',
  auth: apiKey(SP),
  authNote: `X-MCC-Access-Token (${SP})`,
  probe: async (url, headers) => {
    const { status, body, answer } = await getJson(url + GEO_PATH, headers);
    return { note: `${body.meta?.total} places in radius, ${answer.body.length} B`, ok: status === 200 && body.meta?.total === PLACES_IN_SEARCH, answer };
  },
});

const vrmPath = (plate: string) => `/rights/assigned?credential_id=${plate}&place=${RIGHT_PLACE}`;
const vrmScenario = (rights: number, label: string): Scenario => ({
  key: `vrm-${rights}`,
  label: `VRM lookup, ${label} assigned rights`,
  server: 'mock',
  args: ['--rights', String(rights)],
  records: `fixtures + ${rights} rights`,
  path: vrmPath(vrm(0)),
  baselineRoute: '/rights/assigned',
  auth: apiKey(EP),
  authNote: `X-MCC-Access-Token (${EP})`,
  // rotating VRMs: a stride co-prime with most sizes walks the whole set
  setupRequest: () => {
    let n = 0;
    return (request) => ({ ...request, path: vrmPath(vrm((n++ * 7919) % rights)) });
  },
  probe: async (url, headers) => {
    const { status, body, answer } = await getJson(url + vrmPath(vrm(rights - 1)), headers);
    return { note: `${body.meta?.total} right for ${vrm(rights - 1)}, ${answer.body.length} B`, ok: status === 200 && body.meta?.total === 1, answer };
  },
});

function sessionScenario(): Scenario {
  const payload = JSON.parse(readFileSync(root('fixtures/payloads/uc4-3-session-fe5eea6a.json'), 'utf8'));
  const marker = '__BENCH_ID__';
  const template = JSON.stringify({ ...payload, id: marker, segments: payload.segments.map((s: object, i: number) => ({ ...s, id: `${marker}-seg${i}` })) });
  const parts = template.split(marker);
  const bodyFor = (id: string) => parts.join(id);
  const headers = { 'content-type': 'application/json' };
  return {
    key: 'post-session',
    label: 'POST /sessions (validated, existing right)',
    server: 'mock',
    args: ['--bd18smr'],
    records: 'default + BD18SMR right',
    method: 'POST',
    path: '/v1/parking/sessions',
    baselineRoute: '/v1/parking/sessions',
    headers,
    auth: apiKey(SP),
    authNote: `X-MCC-Access-Token (${SP})`,
    setupRequest: () => {
      let n = 0;
      return (request) => ({ ...request, body: bodyFor(`bench-${n++}`) });
    },
    probe: async (url, auth) => {
      const { status, answer } = await fetchAnswer(`${url}/v1/parking/sessions`, { method: 'POST', headers: { ...headers, ...auth }, body: bodyFor('bench-probe') });
      return { note: `probe POST → ${status}`, ok: status === 201, answer };
    },
    after: async (url, auth) => {
      const { body } = await getJson(`${url}/rights/assigned?credential_id=BD18SMR&place=${RIGHT_PLACE}`, auth);
      return { note: `${body.meta?.total} right(s) for BD18SMR after the run (1 = no auto-right)`, ok: body.meta?.total === 1 };
    },
  };
}

const placeProbe = async (url: string, headers: Headers): Promise<Probe> => {
  const { status, answer } = await getJson(url + PLACE_PATH, headers);
  return { note: `${status}, ${answer.body.length} B`, ok: status === 200, answer };
};

const placeRead = { path: PLACE_PATH, baselineRoute: '/v1/parking/places/:id', probe: placeProbe, auth: apiKey(SP), authNote: `X-MCC-Access-Token (${SP})` };
export const SCENARIOS: Scenario[] = [
  // the baselines get the same header as the mock's read (they ignore it)
  { key: 'bare-http', label: 'baseline: bare node:http', server: 'bare-http', ...placeRead, authNote: '(header sent, ignored)' },
  { key: 'bare-express', label: 'baseline: bare Express 5', server: 'bare-express', ...placeRead, authNote: '(header sent, ignored)' },
  { key: 'get-place', label: 'GET /places/{id}?expand=occupancy', server: 'mock', records: 'default fixtures', ...placeRead },
  { key: 'get-place-bearer', label: 'GET /places/{id}, Bearer JWT', server: 'mock', records: 'default fixtures', ...placeRead, auth: bearer(SP), authNote: `Bearer JWT (${SP})` },
  { key: 'get-place-noauth', label: 'GET /places/{id}, --no-auth', server: 'mock', args: ['--no-auth'], records: 'default fixtures', ...placeRead, auth: undefined, authNote: 'none (auth off)' },
  geoScenario(100, '100'),
  geoScenario(1_000, '1,000'),
  geoScenario(10_000, '10,000'),
  vrmScenario(1_000, '1,000'),
  vrmScenario(100_000, '100,000'),
  sessionScenario(),
  // the Express baseline again at the end: the reference is the mean of both, the gap shows the machine's drift
  { key: 'bare-express-2', label: 'baseline: bare Express 5 (again)', server: 'bare-express', ...placeRead, authNote: '(header sent, ignored)' },
];
