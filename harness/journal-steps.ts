// The NPP use-case step catalogue (USE_CASE_STEPS) that `report --from-journal` scores the traffic against.
import type { Severity } from './model.js';

export type Query = Record<string, unknown>;

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
