// UC5: a place can name its operator's back end (`operatorBackendUrl`). Session queries about such a place are
// answered by the operator (forwarded, with a timeout: 502/504 when it fails; sessions the caller may not read are
// left out), and session updates sent by others (an SP's payment confirmation) are forwarded to it as
// PUT {backend}/sessions/{id}, reliably, with retries.
import type { NextFunction, Request, Response } from 'express';
import type { AccessPolicy } from '../auth/tenancy.js';
import { isObject } from '../dialect/common.js';
import { requestContext, sendJson } from '../http/context.js';
import { ApiError } from '../http/errors.js';
import { resourceByName } from '../resources/index.js';
import type { ChangeEvent, ResourceDeps } from '../resources/resource.js';
import type { PlatformStore } from '../store/platform-store.js';
import type { Dialect, Principal, RequestContext } from '../http/context.js';
import { UNRESTRICTED } from '../http/context.js';
import type { Dispatcher } from './dispatcher.js';

export interface ForwardingOptions {
  /** @default 5000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Place id → operator back-end URL, besides the places' own `operatorBackendUrl`. */
  backends?: Map<string, string>;
  /** Who may read which stored session; without it the operator's answer passes untouched. */
  access?: AccessPolicy;
}

/**
 * The back end answering for a place: the place's own `operatorBackendUrl` (or its ancestors'), else one
 * configured on the platform (`mock --with-peers` points 220001 at the simulated operator).
 */
export function operatorBackendOf(store: PlatformStore, placeId: string | undefined, configured?: ReadonlyMap<string, string>): string | undefined {
  if (!placeId) return undefined;
  for (const id of store.placeWithAncestors(placeId)) {
    const url = store.places.get(id)?.operatorBackendUrl ?? configured?.get(id);
    if (typeof url === 'string' && /^https?:\/\//.test(url)) return url.replace(/\/+$/, '');
  }
  return undefined;
}

/** GET /sessions?place=P… where P's operator has a back end: answered by that back end. */
export function sessionQueryForwarder(store: PlatformStore, options: ForwardingOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const place = typeof req.query.place === 'string' ? req.query.place.split(',').map((p) => p.trim()).filter(Boolean) : [];
    const backends = new Set(place.map((p) => operatorBackendOf(store, p, options.backends)));
    if (place.length === 0 || backends.size !== 1 || backends.has(undefined)) return next();
    const backend = [...backends][0]!;
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const url = `${backend}/sessions${query}`;
    const ctx = requestContext(res);
    let response: globalThis.Response;
    let text: string;
    try {
      // One deadline for headers and body: an operator that stalls mid-answer is a timeout too.
      response = await doFetch(url, {
        headers: { Accept: 'application/json', 'X-NPP-Forwarded-For': ctx.principal.organisation },
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') throw new ApiError(504, `the operator's back end at ${backend} did not answer within ${timeoutMs} ms`);
      throw new ApiError(502, `the operator's back end at ${backend} could not be reached (${e.cause?.code ?? e.message})`);
    }
    if (!response.ok) throw new ApiError(502, `the operator's back end at ${backend} answered ${response.status}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(502, `the operator's back end at ${backend} answered with something that is not JSON`);
    }
    res.setHeader('X-NPP-Answered-By', backend);
    sendJson(res, response.status, options.access ? withoutHiddenSessions(body, store, options.access, ctx.principal) : body);
  };
}

/**
 * The operator answers for its whole car park, and knows nothing of the platform's tenants; the platform still
 * tells nobody of a session it holds and they may not read (another SP's, say), as its own lists and webhooks do.
 * Sessions only the operator knows pass as they are, and an answer with nothing to hide is passed on unchanged.
 */
function withoutHiddenSessions(body: unknown, store: PlatformStore, access: AccessPolicy, principal: Principal): unknown {
  if (!isObject(body) || !Array.isArray(body.data)) return body;
  const visible = body.data.filter((s: unknown) => {
    const stored = isObject(s) && typeof s.id === 'string' ? store.sessions.get(s.id) : undefined;
    return stored === undefined || access.canRead('Session', stored, principal);
  });
  const hidden = body.data.length - visible.length;
  if (hidden === 0) return body;
  const meta = isObject(body.meta) && typeof body.meta.total === 'number' ? { ...body.meta, total: Math.max(0, body.meta.total - hidden) } : body.meta;
  return { ...body, meta, data: visible };
}

/** Session updates at a place with an operator back end, sent by someone other than an operator, go to it. */
export function forwardSessionUpdates(store: PlatformStore, dispatcher: Dispatcher, dialect: Dialect, backends?: ReadonlyMap<string, string>) {
  return (event: ChangeEvent): void => {
    if (event.resource !== 'Session' || event.kind !== 'updated' || (event.principal.roles.includes('po') && event.principal !== UNRESTRICTED)) return;
    const backend = operatorBackendOf(store, event.entity.hierarchyElement?.id, backends);
    if (!backend) return;
    const def = resourceByName('Session')!;
    const ctx = { dialect, nowMs: event.atMs, strict: false, principal: UNRESTRICTED, authEnabled: false, authenticated: false, warnings: [] } satisfies RequestContext;
    const body = JSON.stringify(def.present(event.entity, new Set(def.defaultExpand), ctx, { store } as ResourceDeps));
    dispatcher.enqueue(
      { subscriptionId: `operator:${backend}`, url: `${backend}/sessions/${encodeURIComponent(event.entity.id)}`, method: 'PUT' },
      { topic: 'SessionUpdated', resourceId: event.entity.id, body },
    );
  };
}
