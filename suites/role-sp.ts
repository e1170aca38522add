// `--role sp`: the system under test is a service provider's back end, and the harness plays the platform. It sends
// the notifications of the seed (UC4.4 new session, UC4.6 updated session, UC2.3 new assigned right) to the SP's
// endpoints, exactly as the platform does (PUT, bare object, X-NPP-Event-Id / X-NPP-Topic / X-NPP-Subscription-Id),
// and its callback receiver plays the platform's PUT /sessions/{id} for the SP's payment confirmation (UC4.7).
//
// `--target` is the SP's notification base URL. Paths (relative to it) and data, from the environment:
//   APDS_SP_NEW_SESSIONS_PATH      default /sessions/new      (seed UC4.4: PUT …/sessions/new)
//   APDS_SP_UPDATED_SESSIONS_PATH  default /sessions/updated  (seed UC4.6: PUT …/sessions/updated)
//   APDS_SP_NEW_RIGHTS_PATH        default /rights/new        (seed UC2.3: "notification endpoint for new assigned rights")
//   APDS_SP_VRM                    default BD18SMR            (the VRM of the sessions sent)
//   APDS_SP_ASSIGNED_RIGHT         default 20410eec-…         (the SP's assigned right the sessions use, seed UC4.1)
// For UC4.7 the SP must send its payment confirmation to the harness: configure its platform URL as --callback-url.
import { randomUUID } from 'node:crypto';
import type { CheckContext, SuiteDefinition } from '../harness/suite.js';
import type { Reply } from '../harness/http-client.js';
import { UC2_SPEC, UC4_PLACE } from './fixture-ids.js';
import { instantMs, isoSeconds, seedPayload, transactionIdsOf, type Dialect } from './shapes.js';

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The mock platform's per-attempt delivery timeout: an endpoint slower than this counts as not answering. */
export const DELIVERY_TIMEOUT_MS = 5000;

const SEED_RIGHT = '20410eec-2352-4cc1-820c-21ea6cbce506';

/** A multilingual string in the spec shape, from the flows' `{"en": "…"}` (anything else is kept). */
function toMultilingual(value: unknown): unknown {
  if (!isObject(value)) return value;
  return Object.entries(value).map(([language, string]) => ({ language, string }));
}

function specCredential(credential: unknown): unknown {
  if (!isObject(credential)) return credential;
  const out: Json = { ...credential };
  if (isObject(out.issuer)) out.issuer = toMultilingual(out.issuer);
  if (out.type === undefined && typeof out.identifier?.className === 'string' && /NumberPlate$/.test(out.identifier.className)) out.type = 'licensePlate';
  return out;
}

/**
 * A session in NPP 1.0.1 shapes from the sample flows' (`credentials`, `{"en": …}` service providers, string
 * initiators); a session already in spec shapes comes back unchanged. Used to send spec-dialect bodies and to
 * validate what a system under test sends or answers in either shape.
 */
export function specSession(session: unknown): Json {
  if (!isObject(session)) return session as Json;
  const out: Json = structuredClone(session);
  if (out.hierachyElement !== undefined && out.hierarchyElement === undefined) {
    out.hierarchyElement = out.hierachyElement;
    delete out.hierachyElement;
  }
  if (out.credentials !== undefined && out.identifiedCredentials === undefined) out.identifiedCredentials = out.credentials;
  delete out.credentials;
  if (Array.isArray(out.identifiedCredentials)) out.identifiedCredentials = out.identifiedCredentials.map(specCredential);
  if (typeof out.initiator === 'string') out.initiator = { id: out.initiator, version: 1 };
  if (Array.isArray(out.segments)) {
    for (const segment of out.segments) {
      if (!isObject(segment) || !Array.isArray(segment.financialTransactions)) continue;
      for (const tx of segment.financialTransactions) if (isObject(tx) && isObject(tx.serviceProvider)) tx.serviceProvider = toMultilingual(tx.serviceProvider);
    }
  }
  return out;
}

/** An assigned right in NPP 1.0.1 shapes from the sample flows'. */
export function specAssignedRight(right: Json): Json {
  const out: Json = structuredClone(right);
  if (Array.isArray(out.rightHolder?.credentials)) out.rightHolder.credentials = out.rightHolder.credentials.map(specCredential);
  if (isObject(out.assignedRightIssuer) && out.assignedRightIssuer.version === undefined) out.assignedRightIssuer.version = 1;
  return out;
}

/** Is the body (either shape) in the sample flows' shapes? */
export const isFlowsSession = (body: unknown): boolean => isObject(body) && Array.isArray(body.credentials) && body.identifiedCredentials === undefined;

export interface SpRoleConfig {
  newSessionsPath: string;
  updatedSessionsPath: string;
  newRightsPath: string;
  vrm: string;
  assignedRight: string;
}

const path = (value: string | undefined, fallback: string) => {
  const v = value?.trim();
  if (!v) return fallback;
  return v.startsWith('/') ? v : `/${v}`;
};

export function spRoleConfig(env: NodeJS.ProcessEnv = process.env): SpRoleConfig {
  return {
    newSessionsPath: path(env.APDS_SP_NEW_SESSIONS_PATH, '/sessions/new'),
    updatedSessionsPath: path(env.APDS_SP_UPDATED_SESSIONS_PATH, '/sessions/updated'),
    newRightsPath: path(env.APDS_SP_NEW_RIGHTS_PATH, '/rights/new'),
    vrm: env.APDS_SP_VRM?.trim() || 'BD18SMR',
    assignedRight: env.APDS_SP_ASSIGNED_RIGHT?.trim() || SEED_RIGHT,
  };
}

export interface Delivery {
  path: string;
  topic: string;
  subscriptionId: string;
  eventId: string;
  attempt?: number;
  body?: unknown;
  rawBody?: string;
  label?: string;
}

/** One delivery as the platform makes it: PUT, the bare object, the X-NPP-* headers, no credentials. */
export function deliver(c: CheckContext, d: Delivery): Promise<Reply> {
  return c.call('anonymous', 'PUT', d.path, {
    body: d.body,
    rawBody: d.rawBody,
    label: d.label,
    headers: {
      'Content-Type': 'application/json',
      'X-NPP-Event-Id': d.eventId,
      'X-NPP-Topic': d.topic,
      'X-NPP-Subscription-Id': d.subscriptionId,
      'X-NPP-Delivery-Attempt': String(d.attempt ?? 1),
    },
  });
}

/** 2xx (200 per the seed: other 2xx are noted), within the platform's delivery timeout. */
export function expectAccepted(c: CheckContext, reply: Reply, seedStep: string): void {
  c.expectStatus(reply, 200, 201, 202, 204);
  if (reply.status !== 200) c.note(`answered ${reply.status}; the seed (${seedStep}) shows 200`);
  const ms = reply.exchange.response?.durationMs ?? 0;
  c.expect(ms <= DELIVERY_TIMEOUT_MS, `answered after ${ms} ms: the platform gives up on a delivery after ${DELIVERY_TIMEOUT_MS} ms`, { expected: `≤ ${DELIVERY_TIMEOUT_MS} ms`, actual: `${ms} ms` });
}

/** Does the SUT's answer to a malformed body say 4xx? */
export function expectRejected(c: CheckContext, reply: Reply): void {
  c.expect(reply.status >= 400 && reply.status < 500, `a malformed body was answered ${reply.status}, expected 4xx (400): a 2xx hides a lost notification, a 5xx makes the platform retry it`, { expected: '4xx', actual: reply.status });
}

export const spRole: SuiteDefinition = {
  id: 'sp',
  title: 'SP back end: the platform\'s notifications (UC2, UC4)',
  description:
    'The harness plays the platform towards a service provider\'s back end: it sends the new and updated sessions of UC4 and the new assigned right of UC2.3 to the SP\'s notification endpoints, redelivers one, sends a malformed one, and waits for the SP\'s payment confirmation (UC4.7) at its callback receiver.',
  role: 'sp',
  async run(s) {
    const config = spRoleConfig();
    const dialect: Dialect = s.dialect;
    const sessionId = randomUUID();
    const segmentId = randomUUID();
    const arrival = Date.now() - 2 * 3_600_000;
    const departure = Date.now() - 120_000;
    const subscriptions = { created: randomUUID(), updated: randomUUID(), rights: randomUUID() };

    /** A session of the seed's UC4 (step 4: as reported, step 6: completed) with this run's ids, VRM and times. */
    const sessionBody = (name: string) => {
      const body = seedPayload(name);
      body.id = sessionId;
      body.actualStart = isoSeconds(arrival);
      if (body.actualEnd) body.actualEnd = isoSeconds(departure);
      body.credentials[0].identifier.id = config.vrm;
      body.hierarchyElement = { id: UC4_PLACE, version: 1 };
      const segment = body.segments[0];
      segment.id = segmentId;
      segment.actualStart = isoSeconds(arrival);
      if (segment.actualEnd) segment.actualEnd = isoSeconds(departure);
      segment.assignedRight = { id: config.assignedRight, version: 1 };
      return dialect === 'spec' ? specSession(body) : body;
    };

    // The SP (configured with the harness as its platform) may ask for a token before it confirms the payment.
    s.receiver.respond('POST', /\/auth$/, () => ({ status: 200, body: { access_token: `harness-${s.runId}`, token_type: 'Bearer', expires_in: 3600 } }));

    await s.check({ id: 'SP-01', title: 'the new session notification is answered 200, in time', requirement: `seed 000 UC4.4 (PUT {SP endpoint for new sessions}, e.g. ${config.newSessionsPath}; response 200)` }, async (c) => {
      const body = sessionBody('uc4-3-session-fe5eea6a.json');
      const delivery: Delivery = { path: config.newSessionsPath, topic: 'SessionCreated', subscriptionId: subscriptions.created, eventId: randomUUID(), body, label: 'UC4.4 new session' };
      const reply = await deliver(c, delivery);
      expectAccepted(c, reply, 'UC4.4');
      s.state.set('sp.created', delivery);
    });

    await s.check({ id: 'SP-02', title: 'a redelivery of it (same X-NPP-Event-Id) is answered 2xx too: idempotent', requirement: 'seed 000 UC4.4; at-least-once delivery (the platform retries until a 2xx, with the same X-NPP-Event-Id)' }, async (c) => {
      const first = s.state.get('sp.created') as Delivery;
      const reply = await deliver(c, { ...first, attempt: 2, label: 'UC4.4 new session, redelivered' });
      expectAccepted(c, reply, 'UC4.4');
    });

    await s.check({ id: 'SP-03', title: 'the updated (completed) session notification is answered 200, in time', requirement: `seed 000 UC4.6 (PUT {SP endpoint for session updates}, e.g. ${config.updatedSessionsPath}; response 200)` }, async (c) => {
      const body = sessionBody('uc4-5-session-fe5eea6a-completed.json');
      s.state.set('sp.mark', s.receiver.mark());
      const reply = await deliver(c, { path: config.updatedSessionsPath, topic: 'SessionUpdated', subscriptionId: subscriptions.updated, eventId: randomUUID(), body, label: 'UC4.6 completed session' });
      expectAccepted(c, reply, 'UC4.6');
      s.state.set('sp.completed', body);
      c.note(`the SP's payment confirmation (UC4.7) is expected at ${s.receiver.publicUrl}/sessions/${sessionId}`);
    });

    await s.check(
      { id: 'SP-04', title: 'the SP confirms the payment to the platform: PUT /sessions/{id} with dateCollected and transactionId', requirement: 'seed 000 UC4.7 (SP → platform PUT /v1/parking/sessions/{id}; done out of band, so SHOULD within the callback wait)', severity: 'SHOULD' },
      async (c) => {
        const completed = s.state.get('sp.completed') as Json;
        const suffix = `/sessions/${encodeURIComponent(sessionId)}`;
        const inbound = await s.receiver.waitFor((i) => i.method === 'PUT' && i.path.endsWith(suffix), s.callbackTimeoutMs, s.state.get('sp.mark') as number);
        if (!inbound) {
          return c.fail(`no PUT …${suffix} reached the harness within ${s.callbackTimeoutMs} ms (the SP's platform URL must be the harness's callback URL ${s.receiver.publicUrl})`, { expected: `PUT ${s.receiver.publicUrl}${suffix}`, actual: 'nothing' });
        }
        c.record(inbound.exchange);
        const body = inbound.body as Json;
        c.expect(isObject(body), 'the body is a session object', { actual: body });
        c.expectEqual(body.id, completed.id, 'the confirmation is about the completed session');
        const txs: Json[] = (Array.isArray(body.segments) ? body.segments : []).flatMap((seg: Json) => (Array.isArray(seg?.financialTransactions) ? seg.financialTransactions : []));
        c.expect(txs.length > 0, 'it carries the segment\'s financial transactions', { actual: body.segments });
        c.expect(transactionIdsOf(body).length === txs.length, 'every financial transaction has a transactionId', { actual: txs });
        c.expect(txs.every((t) => instantMs(t?.dateCollected) !== undefined), 'every financial transaction has dateCollected (an instant)', { actual: txs.map((t) => t?.dateCollected) });
        if (isFlowsSession(body)) c.note('the confirmation is in the sample flows\' shapes: validated after reading it as NPP shapes');
        c.expectComponent(specSession(body), 'Session', 'the confirmation is a valid Session');
      },
    );

    await s.check(
      { id: 'SP-05', title: 'the new assigned right notification is answered 200, in time', requirement: `seed 000 UC2.3 (PUT {endpoint for new assigned rights}, e.g. ${config.newRightsPath}; response 200; the seed's "alternative" approach)`, severity: 'SHOULD', independent: true },
      async (c) => {
        const right: Json = {
          id: randomUUID(),
          version: 1,
          rightHolder: { credentials: [{ identifier: { id: config.vrm, className: 'UKNumberPlate' }, issuer: { en: 'DMV' } }] },
          rightSpecification: { id: UC2_SPEC, version: 1 },
          expiry: isoSeconds(Date.now() + 3_600_000),
          assignedRightIssuer: { id: 'ID_RED_PARKING', className: 'DigitalServiceProvider' },
          issueMethod: 'electronic',
        };
        const body = dialect === 'spec' ? specAssignedRight(right) : right;
        const reply = await deliver(c, { path: config.newRightsPath, topic: 'AssignedRightCreated', subscriptionId: subscriptions.rights, eventId: randomUUID(), body, label: 'UC2.3 new assigned right' });
        expectAccepted(c, reply, 'UC2.3');
      },
    );

    await s.check(
      { id: 'SP-06', title: 'a malformed notification body is refused with 4xx', requirement: 'seed 000 UC4.4 endpoint; HTTP semantics (400 for a body that cannot be read)', severity: 'SHOULD', independent: true },
      async (c) => {
        const reply = await deliver(c, { path: config.newSessionsPath, topic: 'SessionCreated', subscriptionId: subscriptions.created, eventId: randomUUID(), rawBody: `{"id": "${randomUUID()}", "segments": [`, label: 'malformed JSON' });
        expectRejected(c, reply);
      },
    );
  },
};
