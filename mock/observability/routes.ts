// NPP /observability: system alerts (stored, fed to SystemEvents subscribers; E35) and a status snapshot of the
// mock's own metrics (E36). Unsecured, as in the contract.
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { isObject, normaliseDeep, type Json } from '../dialect/common.js';
import { assertSafeBody } from '../http/body.js';
import { requestContext, sendJson } from '../http/context.js';
import { ApiError, badRequest, responseStatus } from '../http/errors.js';
import { pageOf } from '../http/list.js';
import { QueryReader } from '../http/query.js';
import { instantMs } from '../resources/filters.js';
import type { ResourceDeps } from '../resources/resource.js';
import type { Entity } from '../store/platform-store.js';
import type { Dispatcher } from '../events/dispatcher.js';
import type { DeliveryLog } from '../events/delivery-log.js';
import { METRIC_NAMES, snapshot, type MetricSources } from './status.js';
import type { RequestMetrics } from './request-metrics.js';

/** How far back `modified-since` may reach. */
export const ALERT_LOOKBACK_MS = 14 * 24 * 3600_000;

export interface ObservabilityDeps extends ResourceDeps {
  metrics: RequestMetrics;
  dispatcher: Dispatcher;
  deliveries: DeliveryLog;
}

function jsonBody(req: Request, what: string): unknown {
  if (req.body === undefined) return undefined;
  assertSafeBody(req.body);
  if (what === 'object' && !isObject(req.body)) throw badRequest('request body must be a JSON object (a SystemAlert)');
  return req.body;
}

function readModifiedSince(req: Request, nowMs: number): number {
  const raw = req.headers['modified-since'];
  if (raw === undefined) throw badRequest('invalid request: the modified-since header is missing (epoch seconds, at most 14 days back)', [{ path: 'header/modified-since', message: 'required' }]);
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) throw badRequest(`the modified-since header must be an integer (epoch seconds), got "${String(raw).slice(0, 40)}"`, [{ path: 'header/modified-since', message: 'must be a non-negative integer' }]);
  const sinceMs = Number(text) * 1000;
  const oldest = nowMs - ALERT_LOOKBACK_MS;
  if (sinceMs < oldest) {
    throw badRequest(`modified-since ${text} is more than 14 days before now (${new Date(nowMs).toISOString()}); the oldest accepted is ${Math.ceil(oldest / 1000)}`, [{ path: 'header/modified-since', message: 'at most 14 days back' }]);
  }
  return sinceMs;
}

export function observabilityRouter(deps: ObservabilityDeps): Router {
  const router = Router();
  const { store } = deps;

  router.get('/observability/events', deps.guard('get', '/observability/events'), (req, res) => {
    const ctx = requestContext(res);
    const query = new QueryReader(req.query, ctx);
    const page = query.number('page', { integer: true, min: 1 }) ?? 1;
    query.reportUnknown();
    const sinceMs = readModifiedSince(req, ctx.nowMs);
    const alerts = store.alerts.since(sinceMs).sort((a, b) => a.modifiedAtMs - b.modifiedAtMs);
    sendJson(res, 200, pageOf(alerts, { page, pageSize: 100, nowMs: ctx.nowMs, present: (a) => a.alert }));
  });

  router.post('/observability/events', deps.guard('post', '/observability/events'), (req, res) => {
    const ctx = requestContext(res);
    const body = jsonBody(req, 'object');
    if (body === undefined) throw badRequest('invalid/unexpected payload format: the request body is missing (a SystemAlert)');
    const alert = normaliseDeep(body, ctx) as Json;
    const violations = deps.schemas.validate('SystemAlert', alert);
    if (violations.length) throw badRequest(`invalid/unexpected payload format: not a valid SystemAlert (${violations.length} violation${violations.length > 1 ? 's' : ''})`, violations);
    const start = instantMs(alert.start);
    const end = instantMs(alert.end);
    if (start !== undefined && end !== undefined && end < start) throw badRequest(`the alert ends (${alert.end}) before it starts (${alert.start})`, [{ path: '/end', message: 'must not be before start' }]);
    const stored = { ...alert, id: typeof alert.id === 'string' ? alert.id : randomUUID() };
    const { created } = store.alerts.put(stored, ctx.nowMs, ctx.authenticated ? ctx.principal.organisation : undefined);
    sendJson(res, 200, { ...responseStatus(200, `system alert ${stored.id} ${created ? 'recorded' : 'updated'}`), id: stored.id });
    deps.emit({ resource: 'SystemAlert', kind: created ? 'created' : 'updated', entity: stored as Entity, principal: ctx.principal, atMs: ctx.nowMs });
  });

  router.put('/observability/status', deps.guard('put', '/observability/status'), (req, res) => {
    const ctx = requestContext(res);
    new QueryReader(req.query, ctx).reportUnknown();
    const body = jsonBody(req, 'array');
    if (body !== undefined) {
      if (!Array.isArray(body)) throw badRequest('request body must be an array of SystemMetric (each with a name), or empty for every metric');
      const violations = deps.schemas.validate('SystemMetricQuery', body);
      if (violations.length) throw badRequest(`request body is not a valid list of SystemMetric: ${violations.length} violation${violations.length > 1 ? 's' : ''}`, violations);
      const unknown = (body as Json[]).map((m, i) => ({ name: String(m.name), i })).filter(({ name }) => !METRIC_NAMES.includes(name));
      if (unknown.length) {
        throw badRequest(`unknown metric ${unknown.map((u) => u.name).join(', ')}; known: ${METRIC_NAMES.join(', ')}`, unknown.map(({ i }) => ({ path: `/${i}/name`, message: 'unknown metric' })));
      }
    }
    const sources: MetricSources = { store, metrics: deps.metrics, dispatcher: deps.dispatcher, deliveries: deps.deliveries };
    sendJson(res, 200, snapshot(body as Json[] | undefined, sources, ctx.nowMs));
  });

  for (const [path, allow] of [['/observability/events', 'GET, POST'], ['/observability/status', 'PUT']] as const) {
    router.all(path, (req) => {
      throw new ApiError(405, `${req.method} is not allowed on ${path}; use ${allow}`, undefined, { Allow: allow });
    });
  }
  return router;
}
