// Assigned rights and sessions: credentials, `credentials` ↔ `identifiedCredentials`, string initiators, money.
import { warn, type RequestContext } from '../http/context.js';
import { flowsDeep, fromMultilingual, isObject, normaliseDeep, toMultilingual, type Json } from './common.js';
import { canonicalCredentials, flowsCredentials } from './credentials.js';

export function canonicalAssignedRight(body: Json, ctx: RequestContext): Json {
  const right = normaliseDeep(body, ctx) as Json;
  if (isObject(right.rightHolder)) {
    right.rightHolder = { ...right.rightHolder, credentials: canonicalCredentials(right.rightHolder.credentials, ctx, '/rightHolder/credentials') };
    if (right.rightHolder.credentials === undefined) delete right.rightHolder.credentials;
  }
  if (isObject(right.assignedRightIssuer) && right.assignedRightIssuer.version === undefined) {
    right.assignedRightIssuer = { ...right.assignedRightIssuer, version: 1 };
  }
  return right;
}

export function flowsAssignedRight(right: Json): Json {
  const out = flowsDeep(right) as Json;
  if (isObject(out.rightHolder)) out.rightHolder = { ...out.rightHolder, credentials: flowsCredentials(out.rightHolder.credentials) };
  return out;
}

function mapTransactions(session: Json, map: (tx: Json) => Json): void {
  if (!Array.isArray(session.segments)) return;
  session.segments = session.segments.map((segment: unknown) =>
    isObject(segment) && Array.isArray(segment.financialTransactions)
      ? { ...segment, financialTransactions: segment.financialTransactions.map((tx: unknown) => (isObject(tx) ? map(tx) : tx)) }
      : segment,
  );
}

export function canonicalSession(body: Json, ctx: RequestContext): Json {
  const session = normaliseDeep(body, ctx) as Json;
  if (session.hierachyElement !== undefined && session.hierarchyElement === undefined) {
    session.hierarchyElement = session.hierachyElement; // APDS 1.0's spelling
    delete session.hierachyElement;
  }
  if (session.credentials !== undefined && session.identifiedCredentials === undefined) {
    session.identifiedCredentials = session.credentials;
  }
  delete session.credentials;
  if (session.identifiedCredentials !== undefined) {
    session.identifiedCredentials = canonicalCredentials(session.identifiedCredentials, ctx, '/identifiedCredentials');
  }
  if (typeof session.initiator === 'string') {
    warn(ctx, `/initiator: "${session.initiator}" read as {id, version: 1}`);
    session.initiator = { id: session.initiator, version: 1 };
  }
  mapTransactions(session, (tx) => (tx.serviceProvider === undefined ? tx : { ...tx, serviceProvider: toMultilingual(tx.serviceProvider) }));
  return session;
}

export function flowsSession(session: Json): Json {
  const out = flowsDeep(session) as Json;
  if (out.identifiedCredentials !== undefined) {
    out.credentials = flowsCredentials(out.identifiedCredentials);
    delete out.identifiedCredentials;
  }
  if (isObject(out.initiator) && typeof out.initiator.id === 'string') out.initiator = out.initiator.id;
  mapTransactions(out, (tx) => (tx.serviceProvider === undefined ? tx : { ...tx, serviceProvider: fromMultilingual(tx.serviceProvider) }));
  if (Array.isArray(out.segments)) {
    out.segments = out.segments.map((s: unknown) => (isObject(s) && isObject(s.assignedRight) && s.assignedRight.rightHolder ? { ...s, assignedRight: flowsAssignedRight(s.assignedRight) } : s));
  }
  return out;
}
