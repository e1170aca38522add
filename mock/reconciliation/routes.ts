// NPP /reconciliation: service providers' monthly submittals (E37) and the consolidated report (E38).
// Unsecured, as in the contract; a submittal sent with credentials belongs to the caller's organisation.
import { Router, type Request } from 'express';
import type { Violation } from '../../spec/index.js';
import { isObject, normaliseDeep, type Json } from '../dialect/common.js';
import { assertSafeBody } from '../http/body.js';
import { requestContext, sendJson, warn, type RequestContext } from '../http/context.js';
import { ApiError, badRequest, notFound, responseStatus } from '../http/errors.js';
import { idOf } from '../http/params.js';
import { QueryReader } from '../http/query.js';
import { instantMs } from '../resources/filters.js';
import type { ResourceDeps } from '../resources/resource.js';
import type { Entity } from '../store/platform-store.js';
import { compileReport, monthBounds, monthOf } from './report.js';

const pad = (n: number) => String(n).padStart(2, '0');

function objectBody(req: Request): Json {
  if (req.body === undefined) throw badRequest('invalid/unexpected payload format: the request body is missing (a ReconciliationSubmittal)');
  if (!isObject(req.body)) throw badRequest('invalid/unexpected payload format: the request body must be a JSON object (a ReconciliationSubmittal)');
  assertSafeBody(req.body);
  return req.body;
}

/** What the schema cannot check: one calendar month, one provider, known places. */
function checkSubmittal(submittal: Entity, ctx: RequestContext, deps: ResourceDeps): void {
  const problems: Violation[] = [];
  const startMs = instantMs(submittal.periodStart)!;
  const endMs = instantMs(submittal.periodEnd)!;
  const { year, month } = monthOf(startMs);
  const [, nextMonthMs] = monthBounds(year, month);
  if (endMs <= startMs) problems.push({ path: '/periodEnd', message: `must be after periodStart ${submittal.periodStart}` });
  else if (endMs > nextMonthMs) problems.push({ path: '/periodEnd', message: `a submittal covers one calendar month: ${year}-${pad(month)} ends at ${new Date(nextMonthMs).toISOString()}` });
  const summaries = Array.isArray(submittal.locationSummaries) ? submittal.locationSummaries : [];
  summaries.forEach((summary: Json, i: number) => {
    if (summary.providerId !== undefined && summary.providerId !== submittal.providerId) {
      problems.push({ path: `/locationSummaries/${i}/providerId`, message: `must be the submittal's provider ${submittal.providerId}` });
    }
  });
  if (problems.length) throw badRequest(`reconciliation submittal ${submittal.id} is inconsistent: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  const unknown = [...new Set(summaries.map((s: Json) => s.locationId).filter((l: unknown) => typeof l === 'string' && !deps.store.places.has(l)))];
  if (unknown.length) warn(ctx, `locationSummaries name places the platform does not know: ${unknown.join(', ')}`);
}

export function reconciliationRouter(deps: ResourceDeps): Router {
  const router = Router();
  const { store } = deps;
  const visible = (id: string, ctx: RequestContext): Entity | undefined => {
    const submittal = store.submittals.get(id);
    return submittal && deps.access.canRead('ReconciliationSubmittal', submittal, ctx.principal) ? submittal : undefined;
  };

  router.post('/reconciliation/submittals', deps.guard('post', '/reconciliation/submittals'), (req, res) => {
    const ctx = requestContext(res);
    const submittal = normaliseDeep(objectBody(req), ctx) as Entity;
    submittal.version ??= 1;
    const violations = deps.schemas.validate('ReconciliationSubmittal', submittal);
    if (violations.length) throw badRequest(`invalid/unexpected payload format: not a valid ReconciliationSubmittal (${violations.length} violation${violations.length > 1 ? 's' : ''})`, violations);
    checkSubmittal(submittal, ctx, deps);
    const roles = ctx.principal.roles;
    if (ctx.authenticated && roles.includes('sp') && !roles.includes('ad') && submittal.providerId !== ctx.principal.organisation) {
      throw new ApiError(403, `client ${ctx.principal.clientId} (${ctx.principal.organisation}) may not submit for provider ${submittal.providerId}`);
    }
    store.submittals.assertCreatable(submittal);
    const { year, month } = monthOf(instantMs(submittal.periodStart)!);
    const sameMonth = [...store.submittals.values()].find((s) => s.providerId === submittal.providerId && monthOf(instantMs(s.periodStart)!).year === year && monthOf(instantMs(s.periodStart)!).month === month);
    if (sameMonth) {
      throw new ApiError(409, `provider ${submittal.providerId} already has submittal ${sameMonth.id} for ${year}-${pad(month)}: invalidate it (DELETE) before submitting a correction`);
    }
    store.submittals.create(submittal, ctx.nowMs, ctx.authenticated ? ctx.principal.organisation : undefined);
    sendJson(res, 201, responseStatus(201, `reconciliation submittal ${submittal.id} recorded for ${submittal.providerId}, ${year}-${pad(month)}`));
    deps.emit({ resource: 'ReconciliationSubmittal', kind: 'created', entity: submittal, principal: ctx.principal, atMs: ctx.nowMs });
  });

  router.get('/reconciliation/submittals/:id', deps.guard('get', '/reconciliation/submittals/{id}'), (req, res) => {
    const ctx = requestContext(res);
    new QueryReader(req.query, ctx).reportUnknown();
    const submittal = visible(idOf(req), ctx);
    if (!submittal) throw notFound(`no submittal found with id ${idOf(req)}`);
    sendJson(res, 200, submittal);
  });

  router.delete('/reconciliation/submittals/:id', deps.guard('delete', '/reconciliation/submittals/{id}'), (req, res) => {
    const ctx = requestContext(res);
    if (!visible(idOf(req), ctx)) throw notFound(`no submittal found with id ${idOf(req)}`);
    const removed = store.submittals.delete(idOf(req), ctx.nowMs);
    sendJson(res, 200, responseStatus(200, `reconciliation submittal ${removed.id} invalidated`));
    deps.emit({ resource: 'ReconciliationSubmittal', kind: 'deleted', entity: removed, principal: ctx.principal, atMs: ctx.nowMs });
  });

  router.get('/reconciliation/reports', deps.guard('get', '/reconciliation/reports'), (req, res) => {
    const ctx = requestContext(res);
    const query = new QueryReader(req.query, ctx);
    const month = query.number('month', { integer: true, min: 1, max: 12 });
    const year = query.number('year', { integer: true, min: 1970, max: 9998 });
    query.reportUnknown();
    if (month === undefined || year === undefined) {
      const missing = [month === undefined ? 'month' : undefined, year === undefined ? 'year' : undefined].filter((m): m is string => m !== undefined);
      throw badRequest(`bad request: the query parameters month and year are required (missing: ${missing.join(', ')})`, missing.map((m) => ({ path: `query/${m}`, message: 'required' })));
    }
    const report = compileReport({ store, year, month, nowMs: ctx.nowMs });
    if (!report) throw notFound(`no report available for ${year}-${pad(month)}: no submittal and no recorded transaction in that month`);
    sendJson(res, 200, report);
  });

  const methods: Array<[string, string]> = [
    ['/reconciliation/submittals', 'POST'],
    ['/reconciliation/submittals/:id', 'GET, DELETE'],
    ['/reconciliation/reports', 'GET'],
  ];
  for (const [path, allow] of methods) {
    router.all(path, (req) => {
      throw new ApiError(405, `${req.method} is not allowed on ${req.path}; use ${allow}`, undefined, { Allow: allow });
    });
  }
  return router;
}
