// `apds-conformance report --from-journal <mock url>`: judges a client by the traffic it sent to the mock platform.
// It reads the mock's request journal over HTTP (GET /__admin/journal; the harness never imports mock/) or from a
// saved JSON file, and turns it into the same RunResult the `test` command writes, one suite per category:
//   traffic-routes    every API request names a contract operation (method + path template of spec/openapi.yaml)
//   traffic-bodies    every request body was valid: the mock recorded no schema violations and did not refuse it
//   traffic-status    the answer's status class: 2xx/3xx pass, 4xx fail (the client sent something wrong), 5xx errored
//   traffic-usecases  the NPP use-case steps (UC1..UC5 of the sample flows) the traffic covered
// Exit code like `test`: 0 every MUST check passed, 1 one failed, 2 the report could not be made.
import { loadOpenApi, specDigest, specPath, type OpenApiDocument } from '../spec/index.js';
import { buildRunResult, type CheckResult, type Exchange, type RunResult, type Severity, type SuiteResult } from './model.js';

/** One entry of the mock's journal (GET /__admin/journal), as it travels over HTTP. */
export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  query?: Record<string, unknown>;
  status: number;
  durationMs: number;
  clientId?: string;
  violations?: Array<{ path: string; message: string }>;
  warnings?: string[];
  body?: unknown;
  bodyOmitted?: string;
}

export interface Journal {
  capacity?: number;
  entries: JournalEntry[];
}

export interface JournalReportOptions {
  /** Where the journal came from (shown as the report's target). */
  source: string;
  /** Base URL of the mock, used to show each request as a full URL. @default '' */
  baseUrl?: string;
  /** Only the requests of this client id. */
  clientId?: string;
  /** What the client under test is. @default 'sp' */
  role?: RunResult['role'];
  dialect?: RunResult['dialect'];
  tool?: { name: string; version: string };
  /** The contract whose operations the requests are scored against. @default ours */
  document?: OpenApiDocument;
  spec?: { source: string; digest: string };
  /** Journal capacity, to say when older requests may have been dropped. */
  capacity?: number;
}

// --- routes of the contract -------------------------------------------------------------------------------------

const API_PREFIX = '/v1/parking';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Route {
  template: string;
  pattern: RegExp;
  literals: number;
  operations: Map<string, string>;
}

function contractRoutes(doc: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    if (template.startsWith('/__admin')) continue;
    const operations = new Map<string, string>();
    for (const m of METHODS) if (item?.[m]) operations.set(m.toUpperCase(), String(item[m].operationId ?? `${m} ${template}`));
    const segments = template.split('/').filter(Boolean);
    const source = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    routes.push({ template, pattern: new RegExp(`^/${source}$`), literals: segments.filter((s) => !s.startsWith('{')).length, operations });
  }
  // The most literal template wins (/rights/specs before /rights/{id}).
  return routes.sort((a, b) => b.literals - a.literals);
}

/** The contract path of a request path: the /v1/parking mount stripped, a trailing slash ignored. */
export function apiPath(path: string): string {
  let p = path.startsWith(`${API_PREFIX}/`) || path === API_PREFIX ? path.slice(API_PREFIX.length) : path;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p || '/';
}

const isAdmin = (path: string) => path === '/__admin' || path.startsWith('/__admin/');

// --- use-case steps ---------------------------------------------------------------------------------------------

type Query = Record<string, unknown>;

export interface StepSignature {
  id: string;
  title: string;
  requirement: string;
  severity: Severity;
  methods: string[];
  /** Contract path templates. */
  templates: string[];
  /** What the signature asks of the query and body, for people. */
  match: string;
  query?: (q: Query) => boolean;
  /** Judged only when the journal kept the body; a request whose body was not kept does not count. */
  body?: (b: any) => boolean;
}

const has = (q: Query, name: string) => {
  const v = q[name];
  return v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
};
const anyOf = (q: Query, ...names: string[]) => names.some((n) => has(q, n));
const allOf = (q: Query, ...names: string[]) => names.every((n) => has(q, n));
const listOf = (v: unknown) => (Array.isArray(v) ? v : [v]).flatMap((x) => String(x ?? '').split(',')).map((x) => x.trim().toLowerCase());
const segmentsOf = (b: any): any[] => (Array.isArray(b?.segments) ? b.segments : []);
const transactionsOf = (b: any): any[] => [b, ...segmentsOf(b)].flatMap((x) => (Array.isArray(x?.financialTransactions) ? x.financialTransactions : []));
const ended = (b: any) => b?.actualEnd !== undefined || segmentsOf(b).some((s) => s?.actualEnd !== undefined);
const paid = (b: any) => transactionsOf(b).some((t) => t?.dateCollected !== undefined || t?.transactionId !== undefined);
const topics = (b: any): string[] => (Array.isArray(b?.topics) ? b.topics.map(String) : Array.isArray(b?.eventTypes) ? b.eventTypes.map(String) : []);
const CREDENTIAL = ['credential_id', 'identifier_id', 'cred_id'];

/** The client-side steps of the NPP sample flows (seed 000; UC3 as proposed in spec-analysis §5). */
export const USE_CASE_STEPS: readonly StepSignature[] = [
  {
    id: 'UC1.1', title: 'SP searches places near a point', requirement: 'seed 000 UC1.1', severity: 'MUST', methods: ['GET'], templates: ['/places'],
    match: 'GET /places with latitude, longitude and radius (or the seed example\'s location_type)',
    query: (q) => allOf(q, 'latitude', 'longitude', 'radius') || has(q, 'location_type'),
  },
  { id: 'UC1.2a', title: 'SP reads the right specification of a place', requirement: 'seed 000 UC1.2 step 1', severity: 'MUST', methods: ['GET'], templates: ['/rights/specs/{id}', '/rights/{id}'], match: 'GET /rights/specs/{id} (or the seed\'s /rights/{id})' },
  { id: 'UC1.2b', title: 'SP reads the rate table', requirement: 'seed 000 UC1.2 step 2', severity: 'MUST', methods: ['GET'], templates: ['/rates/{id}'], match: 'GET /rates/{id}' },
  {
    id: 'UC1.3', title: 'SP reads the occupancy of a place', requirement: 'seed 000 UC1.3', severity: 'MUST', methods: ['GET'], templates: ['/places/{id}'],
    match: 'GET /places/{id} with expand=occupancy (or all)', query: (q) => listOf(q.expand).some((e) => e === 'occupancy' || e === 'all'),
  },
  { id: 'UC1.4', title: 'Data provider updates occupancy', requirement: 'seed 000 UC1.4', severity: 'MUST', methods: ['PATCH'], templates: ['/places/{id}'], match: 'PATCH /places/{id}' },
  { id: 'UC2.1', title: 'SP sends a session (payment on arrival)', requirement: 'seed 000 UC2.1', severity: 'MUST', methods: ['POST'], templates: ['/sessions'], match: 'POST /sessions' },
  {
    id: 'UC2.2', title: 'Enforcement checks the assigned rights of a vehicle at a place', requirement: 'seed 000 UC2.2', severity: 'MUST', methods: ['GET'], templates: ['/rights/assigned'],
    match: 'GET /rights/assigned with place and credential_id (or identifier_id)', query: (q) => has(q, 'place') && anyOf(q, ...CREDENTIAL),
  },
  {
    id: 'UC2.3', title: 'Enforcement subscribes to new assigned rights', requirement: 'seed 000 UC2.3 (subscription alternative)', severity: 'SHOULD', methods: ['POST', 'PUT'], templates: ['/webhooks', '/webhooks/{id}'],
    match: 'POST /webhooks (or PUT /webhooks/{id}) with an AssignedRight* topic', body: (b) => topics(b).some((t) => t.startsWith('AssignedRight')),
  },
  {
    id: 'UC3.1', title: 'Check-in: a session without an end', requirement: 'UC3.1 (proposed; seed 000 says "details to follow")', severity: 'SHOULD', methods: ['POST'], templates: ['/sessions'],
    match: 'POST /sessions whose body has no actualEnd', body: (b) => b !== null && typeof b === 'object' && !ended(b),
  },
  {
    id: 'UC3.2', title: 'Enforcement finds the parked vehicle\'s right', requirement: 'UC3.2 (proposed)', severity: 'SHOULD', methods: ['GET'], templates: ['/rights/assigned'],
    match: 'GET /rights/assigned with place and credential_id (or identifier_id)', query: (q) => has(q, 'place') && anyOf(q, ...CREDENTIAL),
  },
  {
    id: 'UC3.3', title: 'Check-out: the session gets its end', requirement: 'UC3.3 (proposed)', severity: 'SHOULD', methods: ['PUT', 'PATCH'], templates: ['/sessions/{id}'],
    match: 'PUT /sessions/{id} with actualEnd', body: ended,
  },
  {
    id: 'UC4.0', title: 'SP subscribes to session events', requirement: 'UC4.4 and UC4.6 need a subscription (spec-analysis §5 UC4.0)', severity: 'SHOULD', methods: ['POST', 'PUT'], templates: ['/webhooks', '/webhooks/{id}'],
    match: 'POST /webhooks (or PUT /webhooks/{id}) with a Session* topic', body: (b) => topics(b).some((t) => t.startsWith('Session')),
  },
  { id: 'UC4.1', title: 'SP uploads an assigned right', requirement: 'seed 000 UC4.1', severity: 'MUST', methods: ['POST'], templates: ['/rights/assigned'], match: 'POST /rights/assigned' },
  {
    id: 'UC4.2', title: 'Operator looks up a VRM at a place', requirement: 'seed 000 UC4.2', severity: 'MUST', methods: ['GET'], templates: ['/rights/assigned'],
    match: 'GET /rights/assigned with place and identifier_id (or credential_id)', query: (q) => has(q, 'place') && anyOf(q, ...CREDENTIAL),
  },
  {
    id: 'UC4.3', title: 'Operator sends the new session with its assigned right', requirement: 'seed 000 UC4.3', severity: 'MUST', methods: ['POST'], templates: ['/sessions'],
    match: 'POST /sessions whose segments reference an assignedRight', body: (b) => segmentsOf(b).some((s) => s?.assignedRight !== undefined && s?.assignedRight !== null),
  },
  {
    id: 'UC4.5', title: 'Operator sends the completed session', requirement: 'seed 000 UC4.5', severity: 'MUST', methods: ['PUT'], templates: ['/sessions/{id}'],
    match: 'PUT /sessions/{id} with actualEnd', body: ended,
  },
  {
    id: 'UC4.7', title: 'SP sends the payment confirmation', requirement: 'seed 000 UC4.7', severity: 'MUST', methods: ['PUT'], templates: ['/sessions/{id}'],
    match: 'PUT /sessions/{id} with a financial transaction that has dateCollected or transactionId', body: paid,
  },
  {
    id: 'UC5.1', title: 'SP queries the open session of a vehicle at a place', requirement: 'seed 000 UC5.1', severity: 'MUST', methods: ['GET'], templates: ['/sessions'],
    match: 'GET /sessions with place and credential_id (or identifier_id); the seed adds start_before/end_after=now', query: (q) => has(q, 'place') && anyOf(q, ...CREDENTIAL),
  },
  {
    id: 'UC5.3', title: 'SP confirms the payment of a pay-on-departure ticket', requirement: 'seed 000 UC5.3', severity: 'MUST', methods: ['PUT'], templates: ['/sessions/{id}'],
    match: 'PUT /sessions/{id} with a financial transaction that has dateCollected or transactionId', body: paid,
  },
];

// --- evidence ---------------------------------------------------------------------------------------------------

const SECRET_KEY = /secret|password|passwd|token|assertion|api[-_]?key/i;

/** Bodies as the journal kept them, with credentials (e.g. a client_secret posted to /auth) redacted. */
function redactBody(value: unknown, depth = 0): unknown {
  if (depth > 40 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactBody(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && typeof v !== 'object' ? '(redacted)' : redactBody(v, depth + 1)]));
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function exchangeOf(entry: JournalEntry, baseUrl: string): Exchange {
  const redactedQuery = Object.fromEntries(Object.entries(entry.query ?? {}).map(([k, v]) => [k, SECRET_KEY.test(k) ? '(redacted)' : v]));
  return {
    label: `#${entry.seq}${entry.clientId ? ` ${entry.clientId}` : ''} at ${entry.time}`,
    direction: 'inbound',
    request: {
      method: entry.method,
      url: `${baseUrl}${entry.path}${queryString(redactedQuery)}`,
      headers: {},
      ...(entry.body !== undefined ? { body: redactBody(entry.body) } : entry.bodyOmitted ? { body: `(not kept by the journal: ${entry.bodyOmitted})` } : {}),
    },
    response: { status: entry.status, headers: {}, durationMs: entry.durationMs },
  };
}

const pad = (seq: number) => String(seq).padStart(6, '0');
const label = (e: JournalEntry) => `${e.method} ${e.path}`;

interface Classified {
  entry: JournalEntry;
  exchange: Exchange;
  path: string;
  route?: Route;
  operationId?: string;
}

// --- the four suites --------------------------------------------------------------------------------------------

function routeCheck(c: Classified): CheckResult {
  const { entry } = c;
  const base = { id: `ROUTE-${pad(entry.seq)}`, title: label(entry), requirement: 'contract operations of spec/openapi.yaml (paths and methods)', severity: 'MUST' as Severity, durationMs: Math.round(entry.durationMs), evidence: { exchanges: [c.exchange] } };
  if (!c.route) {
    return { ...base, status: 'failed', message: `no API route ${c.path} in the contract`, evidence: { ...base.evidence, expected: 'a path of the contract (under / or /v1/parking)', actual: entry.path } };
  }
  if (!c.operationId) {
    const allowed = [...c.route.operations.keys()];
    return { ...base, status: 'failed', message: `${c.route.template} has no ${entry.method} operation (it has ${allowed.join(', ')})`, evidence: { ...base.evidence, expected: allowed, actual: entry.method } };
  }
  if (entry.status === 405) return { ...base, status: 'failed', message: `the platform answered 405: ${entry.method} is not allowed on ${entry.path}` };
  return { ...base, status: 'passed', message: `${entry.method} ${c.route.template} (${c.operationId})` };
}

const REFUSED_BODY = new Set([400, 413, 415, 422]);

function bodyCheck(c: Classified): CheckResult | undefined {
  const { entry } = c;
  const violations = entry.violations ?? [];
  const hasBody = entry.body !== undefined || entry.bodyOmitted !== undefined;
  const writes = ['POST', 'PUT', 'PATCH'].includes(entry.method);
  if (!hasBody && !violations.length && !writes) return undefined;
  const notes = [...(entry.warnings ?? []).map((w) => `the platform repaired the input: ${w}`)];
  if (entry.bodyOmitted) notes.push(`the journal did not keep the body (${entry.bodyOmitted})`);
  const base = {
    id: `BODY-${pad(entry.seq)}`,
    title: `${label(entry)} request body`,
    requirement: c.operationId ? `request schema of ${c.operationId}` : 'request schema of the contract',
    severity: 'MUST' as Severity,
    durationMs: Math.round(entry.durationMs),
  };
  const evidence = { exchanges: [c.exchange], ...(notes.length ? { notes } : {}) };
  if (violations.length) {
    const shown = violations.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ');
    return { ...base, status: 'failed', message: `${violations.length} violation${violations.length > 1 ? 's' : ''} recorded: ${shown}${violations.length > 3 ? ` (+${violations.length - 3} more)` : ''}`, evidence: { ...evidence, expected: `a valid request of ${c.operationId ?? label(entry)}`, actual: violations } };
  }
  if (REFUSED_BODY.has(entry.status) && (hasBody || writes)) {
    return { ...base, status: 'failed', message: `the platform refused the request with ${entry.status} (malformed JSON, wrong media type, too large, or a rule beyond the schema)`, evidence: { ...evidence, expected: 'an accepted body', actual: entry.status } };
  }
  if (!hasBody) return { ...base, status: 'skipped', message: `${entry.method} without a body: nothing to validate`, evidence };
  return { ...base, status: 'passed', message: notes.length ? `no violations recorded (${entry.warnings?.length ?? 0} repaired input${entry.warnings?.length === 1 ? '' : 's'})` : 'no violations recorded', evidence };
}

/** 4xx answers that a correct client can meet in an ordinary flow (a lookup of a gone id, a lost race) count as SHOULD. */
const SOFT_CLIENT_ERRORS = new Set([404, 409, 410, 412, 428, 429]);

function statusCheck(c: Classified): CheckResult {
  const { entry } = c;
  const cls = Math.floor(entry.status / 100);
  const base = { id: `STATUS-${pad(entry.seq)}`, title: `${label(entry)} → ${entry.status}`, requirement: 'the platform accepted the request (status class 2xx)', durationMs: Math.round(entry.durationMs), evidence: { exchanges: [c.exchange] } };
  if (cls === 2 || cls === 3 || cls === 1) return { ...base, severity: 'MUST', status: 'passed', message: `${entry.status}` };
  if (cls === 4) {
    const severity: Severity = SOFT_CLIENT_ERRORS.has(entry.status) ? 'SHOULD' : 'MUST';
    const why = entry.status === 401 ? 'not authenticated' : entry.status === 403 ? 'not allowed for this client' : entry.status === 404 ? 'not found' : entry.status === 409 ? 'conflict' : 'refused';
    return { ...base, severity, status: 'failed', message: `the platform answered ${entry.status} (${why})`, evidence: { ...base.evidence, expected: '2xx', actual: entry.status } };
  }
  return { ...base, severity: 'INFO', status: 'errored', message: `the platform answered ${entry.status}: a platform failure, not the client's; this request cannot be judged` };
}

const MAX_STEP_EXCHANGES = 10;

function stepCheck(step: StepSignature, traffic: Classified[]): CheckResult {
  const seen = traffic.filter((c) => {
    if (!c.route || !step.methods.includes(c.entry.method) || !step.templates.includes(c.route.template)) return false;
    if (step.query && !step.query(c.entry.query ?? {})) return false;
    if (step.body && (c.entry.body === undefined || !step.body(c.entry.body))) return false;
    return true;
  });
  const base = { id: step.id, title: step.title, requirement: `${step.requirement}: ${step.match}`, severity: step.severity, durationMs: 0 };
  const shown = (list: Classified[]) => ({
    exchanges: list.slice(0, MAX_STEP_EXCHANGES).map((c) => c.exchange),
    ...(list.length > MAX_STEP_EXCHANGES ? { notes: [`${list.length - MAX_STEP_EXCHANGES} more matching requests not shown`] } : {}),
  });
  if (!seen.length) return { ...base, status: 'skipped', message: `not exercised: no ${step.match} in the journal`, evidence: { exchanges: [] } };
  const ok = seen.filter((c) => c.entry.status < 400);
  const clientErrors = seen.filter((c) => c.entry.status >= 400 && c.entry.status < 500);
  const statuses = [...new Set(seen.map((c) => c.entry.status))].sort((a, b) => a - b);
  if (ok.length) {
    return { ...base, status: 'passed', message: `covered by ${ok.length} request${ok.length > 1 ? 's' : ''} (${seen.length} matching, statuses ${statuses.join(', ')})`, evidence: shown([...ok, ...seen.filter((c) => !ok.includes(c))]) };
  }
  if (clientErrors.length) {
    return { ...base, status: 'failed', message: `seen ${seen.length} time${seen.length > 1 ? 's' : ''}, never accepted: statuses ${statuses.join(', ')}`, evidence: { ...shown(seen), expected: 'at least one 2xx answer', actual: statuses } };
  }
  return { ...base, status: 'errored', message: `seen ${seen.length} time${seen.length > 1 ? 's' : ''}, and the platform failed each time (statuses ${statuses.join(', ')})`, evidence: shown(seen) };
}

function suite(id: string, title: string, description: string, checks: CheckResult[]): SuiteResult {
  return { id, title, description, checks, durationMs: checks.reduce((t, c) => t + c.durationMs, 0) };
}

/** Scores the journal's API requests (oldest first) as a RunResult: pure, deterministic for the same journal. */
export function journalToResult(entries: readonly JournalEntry[], options: JournalReportOptions): RunResult {
  const doc = options.document ?? loadOpenApi();
  const routes = contractRoutes(doc);
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const api = [...entries]
    .filter((e) => !isAdmin(e.path) && (!options.clientId || e.clientId === options.clientId))
    .sort((a, b) => a.seq - b.seq);
  const traffic: Classified[] = api.map((entry) => {
    const path = apiPath(entry.path);
    const route = routes.find((r) => r.pattern.test(path));
    return { entry, exchange: exchangeOf(entry, baseUrl), path, route, operationId: route?.operations.get(entry.method.toUpperCase()) };
  });

  const first = api[0];
  const dropped = options.capacity && first && first.seq > 1 ? ` The journal keeps the last ${options.capacity} requests; ${first.seq - 1} earlier ones are gone.` : '';
  const who = options.clientId ? `client ${options.clientId}` : 'every client';
  const suites: SuiteResult[] = [
    suite('traffic-routes', 'Routes and methods', `Each API request of ${who} names an operation of the contract: a known path (at / or /v1/parking) and a method it defines.${dropped}`, traffic.map(routeCheck)),
    suite('traffic-bodies', 'Request validity', `Each request with a body (and each the platform found violations in) passed the platform's schema validation.${dropped}`, traffic.map(bodyCheck).filter((c): c is CheckResult => c !== undefined)),
    suite('traffic-status', 'Status classes', `The status the platform answered each request with: 2xx passes, 4xx fails (404, 409 and similar as SHOULD), 5xx is the platform's fault and cannot be judged.${dropped}`, traffic.map(statusCheck)),
    suite('traffic-usecases', 'Use-case coverage', 'The client-side steps of the NPP sample flows (UC1–UC5) seen in the traffic: a step passes when one of its requests was accepted, fails when it was only refused (4xx), and is skipped when never exercised.', USE_CASE_STEPS.map((s) => stepCheck(s, traffic))),
  ];
  const times = api.map((e) => Date.parse(e.time)).filter((t) => !Number.isNaN(t));
  const started = times.length ? Math.min(...times) : 0;
  const finished = times.length ? Math.max(...times) : 0;
  return buildRunResult({
    tool: options.tool,
    target: options.source,
    role: options.role ?? 'sp',
    dialect: options.dialect ?? 'spec',
    spec: options.spec ?? { source: specPath(), digest: specDigest() },
    seed: 0,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    suites,
  });
}

// --- the command --------------------------------------------------------------------------------------------------
