// Quote responses: what a right or a session extension costs, priced from the rate tables (pricing.ts), or why not.
import { randomUUID } from 'node:crypto';
import { credentialIds, credentialKey } from '../dialect/credentials.js';
import { isObject, type Json } from '../dialect/common.js';
import type { RequestContext } from '../http/context.js';
import { badRequest } from '../http/errors.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import { instantMs } from './filters.js';
import { priceStay, rateTablesOf, roundMoney, specUnavailable, type Price } from './pricing.js';
import type { ResourceDeps } from './resource.js';
import { parseDurationMs } from '../clock.js';

/** How long an option stays valid after the response (mock clock). */
export const QUOTE_VALIDITY_MS = 15 * 60_000;

/** Where a stored quote says what it is (request or response, right or extension). */
export const TYPE = 'x-quoteType';

export const iso = (ms: number) => new Date(ms).toISOString();
export const ref = (e: { id: string; version: number }, className: string) => ({ id: e.id, version: e.version, className });

const offer = (price: Price, nowMs: number) => ({
  quoteExpiration: { expiresDateTime: iso(nowMs + QUOTE_VALIDITY_MS), firstComeFirstServed: true },
  financialQuote: { taxIncluded: price.taxIncluded, value: { currencyType: price.currencyType, currencyValue: price.currencyValue } },
});

/** Reasons in the order the most telling one is reported. */
const REASON_ORDER = ['rightSpecificationNotAvailableAtRequestedTimes', 'other', 'noMatchingSpecification'] as const;

export function rightResponses(request: Entity, ctx: RequestContext, store: PlatformStore): Entity[] {
  const startMs = instantMs(request.periodStart)!;
  const ends: number[] = [];
  if (request.periodEnd !== undefined) ends.push(instantMs(request.periodEnd)!);
  for (const period of (request.timePeriods as string[] | undefined) ?? []) ends.push(startMs + parseDurationMs(period)!);
  return ends.map((endMs) => {
    const options: Json[] = [];
    const reasons = new Set<string>();
    for (const wanted of request.referencedRightSpecifications as Json[]) {
      const specRef = wanted.rightSpecificationId;
      const spec = store.rightSpecs.get(String(specRef.id), specRef.version);
      const current = store.rightSpecs.get(String(specRef.id));
      const places = current ? store.placeIdsForSpec(current) : [];
      const placeId = isObject(wanted.elementId) ? String(wanted.elementId.id) : undefined;
      if (!spec || (placeId !== undefined && !store.placeWithAncestors(placeId).some((p) => places.includes(p)))) {
        reasons.add('noMatchingSpecification');
        continue;
      }
      if (specUnavailable(spec, startMs, endMs)) {
        reasons.add('rightSpecificationNotAvailableAtRequestedTimes');
        continue;
      }
      const rates = rateTablesOf(spec, store);
      if (rates.length === 0) reasons.add('other');
      const place = placeId !== undefined ? store.places.get(placeId) : places.length === 1 ? store.places.get(places[0]!) : undefined;
      for (const rate of rates) {
        const outcome = priceStay(rate, startMs, endMs - startMs);
        if ('unavailable' in outcome) {
          reasons.add('rightSpecificationNotAvailableAtRequestedTimes');
          continue;
        }
        options.push({
          id: randomUUID(),
          version: 1,
          ...(place ? { elementId: ref(place, 'HierarchyElement') } : {}),
          boolean: true,
          ...offer(outcome.price, ctx.nowMs),
          identifiers: [{ rateTableId: ref(rate, 'RateTable'), rightSpecificationId: ref(spec, 'RightSpecification') }],
        });
      }
    }
    const response: Entity = {
      id: randomUUID(),
      version: 1,
      start: iso(startMs),
      end: iso(endMs),
      requestTime: request.requestTime,
      quoteRequestId: ref(request, 'QuoteRightRequest'),
      responseTime: iso(ctx.nowMs),
      [TYPE]: 'QuoteRightResponse',
    };
    if (options.length) response.options = options;
    else response.reason = REASON_ORDER.find((r) => reasons.has(r)) ?? 'noMatchingSpecification';
    return response;
  });
}

/** Rate tables that price a session: those of its rights' specifications, else those at its place (or above). */
function sessionRates(session: Entity, store: PlatformStore): Array<{ rate: Entity; spec: Entity }> {
  const specs = new Map<string, Entity>();
  for (const segment of Array.isArray(session.segments) ? session.segments : []) {
    const right = isObject(segment) && isObject(segment.assignedRight) ? store.assignedRights.get(String(segment.assignedRight.id)) : undefined;
    const spec = right ? store.rightSpecs.get(right.rightSpecification?.id) : undefined;
    if (spec) specs.set(spec.id, spec);
  }
  const fromRights = [...specs.values()].flatMap((spec) => rateTablesOf(spec, store).map((rate) => ({ rate, spec })));
  if (fromRights.length) return fromRights;
  const placeId = session.hierarchyElement?.id;
  if (typeof placeId !== 'string') return [];
  for (const place of store.placeWithAncestors(placeId)) {
    const found = [...store.specIdsForPlace(place)].map((id) => store.rightSpecs.get(id)!).flatMap((spec) => rateTablesOf(spec, store).map((rate) => ({ rate, spec })));
    if (found.length) return found;
  }
  return [];
}

export function extensionResponse(request: Entity, ctx: RequestContext, deps: ResourceDeps): Entity {
  const { store, access } = deps;
  const requestedMs = instantMs(request.requestedEndTime)!;
  const response: Entity = {
    id: randomUUID(),
    version: 1,
    requestSessionExtensionId: ref(request, 'QuoteSessionExtensionRequest'),
    sessionId: { ...request.sessionId },
    requestTime: request.requestTime,
    responseTime: iso(ctx.nowMs),
    revisedEndTime: request.requestedEndTime,
    [TYPE]: 'QuoteSessionExtensionResponse',
  };
  const refuse = (reason: string, revisedEndTime?: string) => {
    response.reason = reason;
    if (revisedEndTime) response.revisedEndTime = revisedEndTime;
    return response;
  };
  const sessionId = String(request.sessionId.id);
  const current = store.sessions.get(sessionId);
  const session = store.sessions.get(sessionId, request.sessionId.version);
  if (!current || !session || !access.canRead('Session', current, ctx.principal)) return refuse('existingSessionNotFound');
  if (!credentialIds(current.identifiedCredentials).includes(credentialKey(request.suppliedCredential.id))) return refuse('incorrectCredentialsSupplied');
  const startMs = instantMs(current.actualStart)!;
  const endedMs = instantMs(current.actualEnd);
  const paidUntilMs = endedMs ?? ctx.nowMs;
  const currentEnd = iso(paidUntilMs);
  if (endedMs !== undefined && endedMs < ctx.nowMs) return refuse('noExtensionPossible', current.actualEnd);
  if (requestedMs <= paidUntilMs) return refuse('noExtensionPossible', currentEnd);
  for (const { rate, spec } of sessionRates(current, store)) {
    if (specUnavailable(spec, startMs, requestedMs)) continue;
    const whole = priceStay(rate, startMs, requestedMs - startMs);
    const sofar = priceStay(rate, startMs, Math.max(0, paidUntilMs - startMs));
    if ('unavailable' in whole || 'unavailable' in sofar) continue;
    const price = { ...whole.price, currencyValue: roundMoney(Math.max(0, whole.price.currencyValue - sofar.price.currencyValue)) };
    Object.assign(response, offer(price, ctx.nowMs), { identifiers: [{ rateTableId: ref(rate, 'RateTable'), rightSpecificationId: ref(spec, 'RightSpecification') }] });
    return response;
  }
  return refuse('noExtensionPossible', currentEnd);
}

/** The last instant a period may end at (end of the year 9999, as DateTime allows). */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Checks what the schema cannot: instants in order, durations above zero. */
export function checkRequest(request: Entity): void {
  if (request.sessionId !== undefined) return;
  const start = instantMs(request.periodStart)!;
  const problems: Array<{ path: string; message: string }> = [];
  if (request.periodEnd === undefined && request.timePeriods === undefined) {
    problems.push({ path: '/periodEnd', message: 'give periodEnd or timePeriods: the period to quote' });
  }
  if (request.periodEnd !== undefined && instantMs(request.periodEnd)! <= start) problems.push({ path: '/periodEnd', message: `must be after periodStart ${request.periodStart}` });
  ((request.timePeriods as string[] | undefined) ?? []).forEach((p, i) => {
    const ms = parseDurationMs(p)!;
    if (!(ms > 0)) problems.push({ path: `/timePeriods/${i}`, message: `duration ${p} must be longer than zero` });
    else if (start + ms > LATEST_MS) problems.push({ path: `/timePeriods/${i}`, message: `duration ${p} ends after the year 9999` });
  });
  if (problems.length) throw badRequest(`quote request ${request.id} has no valid period: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
}

/** Place and right specification ids a stored quote object is about (for the list filters). */
