// /quotes (APDS; NPP does not use them, E40): prices of rights and of session extensions, from the rate tables.
// Requests and responses are stored (the caller's own); a right quote option can become an assigned right (E41).
import { Router, type Request } from 'express';
import { flowsDeep, isObject, normaliseDeep, type Json } from '../dialect/common.js';
import { assertSafeBody } from '../http/body.js';
import { requestContext, sendJson, type RequestContext } from '../http/context.js';
import { ApiError, badRequest, notFound } from '../http/errors.js';
import { pageOf } from '../http/list.js';
import { idOf } from '../http/params.js';
import { QueryReader } from '../http/query.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import { instantMs, placeScope } from './filters.js';
import type { ResourceDeps } from './resource.js';
import { checkRequest, extensionResponse, rightResponses, TYPE } from './quote-responses.js';

export const QUOTE_TYPES = ['QuoteRightRequest', 'QuoteRightResponse', 'QuoteSessionExtensionRequest', 'QuoteSessionExtensionResponse'] as const;
export type QuoteType = (typeof QUOTE_TYPES)[number];

export { QUOTE_VALIDITY_MS } from './quote-responses.js';


function objectBody(req: Request): Json {
  if (req.body === undefined) throw badRequest('request body is missing: send a QuoteRightRequest or a QuoteSessionExtensionRequest');
  if (!isObject(req.body)) throw badRequest('request body must be a JSON object');
  assertSafeBody(req.body);
  return req.body;
}

function aboutOf(quote: Entity, store: PlatformStore): { places: string[]; specs: string[] } {
  const places: string[] = [];
  const specs: string[] = [];
  for (const r of (quote.referencedRightSpecifications as Json[] | undefined) ?? []) {
    if (isObject(r.elementId)) places.push(String(r.elementId.id));
    if (isObject(r.rightSpecificationId)) specs.push(String(r.rightSpecificationId.id));
  }
  for (const o of [...((quote.options as Json[] | undefined) ?? []), quote]) {
    if (isObject(o.elementId)) places.push(String(o.elementId.id));
    for (const i of (o.identifiers as Json[] | undefined) ?? []) if (isObject(i.rightSpecificationId)) specs.push(String(i.rightSpecificationId.id));
  }
  if (isObject(quote.sessionId)) {
    const place = store.sessions.get(String(quote.sessionId.id))?.hierarchyElement?.id;
    if (typeof place === 'string') places.push(place);
  }
  for (const id of specs) {
    const spec = store.rightSpecs.get(id);
    if (spec) places.push(...store.placeIdsForSpec(spec));
  }
  return { places, specs };
}

function present(quote: Entity, withOptions: boolean, ctx: RequestContext): Json {
  const out: Json = { ...quote };
  if (!withOptions) delete out.options;
  return ctx.dialect === 'flows' ? (flowsDeep(out) as Json) : out;
}

export function quoteRouter(deps: ResourceDeps): Router {
  const router = Router();
  const { store } = deps;
  const visible = (quote: Entity | undefined, ctx: RequestContext): quote is Entity => quote !== undefined && deps.access.canRead('Quote', quote, ctx.principal);
  const readOptions = (query: QueryReader) => {
    const expand = query.enumList('expand', ['all', 'none', 'options'] as const);
    return !expand || (!expand.includes('none') && (expand.includes('all') || expand.includes('options')));
  };

  router.get('/quotes', deps.guard('get', '/quotes'), (req, res) => {
    const ctx = requestContext(res);
    const query = new QueryReader(req.query, ctx);
    const page = query.number('page', { integer: true, min: 1 }) ?? 1;
    const since = query.number('modified_since', { integer: true, min: 0 });
    const types = query.enumList('type', QUOTE_TYPES);
    const scope = placeScope(query, store);
    const specs = query.list('right_spec');
    const withOptions = readOptions(query);
    query.reportUnknown();
    const items = [...store.quotes.values()].filter((q) => {
      if (!visible(q, ctx)) return false;
      if (types && !types.includes(q[TYPE])) return false;
      if (since !== undefined && (store.quotes.modifiedAt(q.id) ?? 0) < since * 1000) return false;
      if (scope || specs) {
        const about = aboutOf(q, store);
        if (scope && !about.places.some((p) => scope.has(p))) return false;
        if (specs && !about.specs.some((s) => specs.includes(s))) return false;
      }
      return true;
    });
    sendJson(res, 200, pageOf(items, { page, pageSize: 100, nowMs: ctx.nowMs, deleted: since !== undefined ? [] : undefined, present: (q) => present(q, withOptions, ctx) }));
  });

  router.post('/quotes', deps.guard('post', '/quotes'), (req, res) => {
    const ctx = requestContext(res);
    const request = normaliseDeep(objectBody(req), ctx) as Entity;
    const isExtension = request.sessionId !== undefined;
    const schema = isExtension ? 'QuoteSessionExtensionRequest' : 'QuoteRightRequest';
    const violations = deps.schemas.validate('QuoteRequest', request);
    if (violations.length) throw badRequest(`request body is not a valid ${schema}: ${violations.length} violation${violations.length > 1 ? 's' : ''}`, violations);
    checkRequest(request);
    store.quotes.assertCreatable(request);
    const responses = isExtension ? [extensionResponse(request, ctx, deps)] : rightResponses(request, ctx, store);
    const owner = ctx.authenticated ? ctx.principal.organisation : undefined;
    store.quotes.create({ ...request, [TYPE]: schema, 'x-responses': responses.map((r) => ({ id: r.id, version: r.version })) }, ctx.nowMs, owner);
    for (const response of responses) store.quotes.create(response, ctx.nowMs, owner);
    sendJson(res, 200, pageOf(responses, { page: 1, pageSize: responses.length, nowMs: ctx.nowMs, present: (r) => present(r, true, ctx) }));
  });

  router.get('/quotes/:id', deps.guard('get', '/quotes/{id}'), (req, res) => {
    const ctx = requestContext(res);
    const query = new QueryReader(req.query, ctx);
    const type = query.enumList('type', QUOTE_TYPES);
    if (type && type.length > 1) throw badRequest('query parameter type takes one value here');
    const withOptions = readOptions(query);
    query.reportUnknown();
    const quote = store.quotes.get(idOf(req));
    if (!visible(quote, ctx)) throw notFound(`quote ${idOf(req)} does not exist`);
    if (type && quote[TYPE] !== type[0]) throw notFound(`quote ${idOf(req)} is a ${quote[TYPE]}, not a ${type[0]}`);
    sendJson(res, 200, present(quote, withOptions, ctx));
  });

  router.all('/quotes', (req) => {
    throw new ApiError(405, `${req.method} is not allowed on /quotes; use GET or POST`, undefined, { Allow: 'GET, POST' });
  });
  router.all('/quotes/:id', (req) => {
    throw new ApiError(405, `${req.method} is not allowed on /quotes/{id}: quotes are read-only once answered`, undefined, { Allow: 'GET' });
  });
  return router;
}

/**
 * POST/PUT /rights/assigned with an APDS ReferenceToQuote {quoteResponseId, optionId?} (E41): the assigned right the
 * quote option describes. Other bodies are returned as they are.
 */
export function rightFromQuote(body: Json, ctx: RequestContext, deps: ResourceDeps, pathId?: string): Json {
  if (body.quoteResponseId === undefined || body.rightSpecification !== undefined) return body;
  const violations = deps.schemas.validate('ReferenceToQuote', body);
  if (violations.length) throw badRequest(`request body is not a valid ReferenceToQuote: ${violations.length} violation${violations.length > 1 ? 's' : ''}`, violations);
  const { store } = deps;
  const wanted = body.quoteResponseId as Json;
  const quote = store.quotes.get(String(wanted.id));
  if (!quote || !deps.access.canRead('Quote', quote, ctx.principal) || quote[TYPE] !== 'QuoteRightResponse') {
    throw badRequest(`quoteResponseId ${wanted.id} is not a right quote response of yours`, [{ path: '/quoteResponseId/id', message: 'unknown quote response' }]);
  }
  if (wanted.version !== quote.version) throw badRequest(`quote response ${quote.id} has version ${quote.version}, not ${wanted.version}`, [{ path: '/quoteResponseId/version', message: `must be ${quote.version}` }]);
  const options = (quote.options as Json[] | undefined) ?? [];
  if (options.length === 0) throw new ApiError(409, `quote response ${quote.id} offers nothing to assign (reason ${quote.reason})`);
  let option: Json | undefined;
  if (isObject(body.optionId)) {
    option = options.find((o) => o.id === body.optionId.id && o.version === body.optionId.version);
    if (!option) throw badRequest(`quote response ${quote.id} has no option ${body.optionId.id} version ${body.optionId.version}`, [{ path: '/optionId', message: 'unknown option of this quote response' }]);
  } else if (options.length === 1) option = options[0];
  else throw badRequest(`quote response ${quote.id} has ${options.length} options: name one with optionId`, [{ path: '/optionId', message: 'required when the quote has several options' }]);
  const expires = instantMs(option!.quoteExpiration?.expiresDateTime);
  if (expires !== undefined && ctx.nowMs > expires) throw new ApiError(409, `quote option ${option!.id} expired at ${option!.quoteExpiration.expiresDateTime}`);
  const rightId = String(body.id ?? pathId ?? option!.id);
  const usedBy = [...store.assignedRights.values()].find((r) => r['x-quote']?.optionId?.id === option!.id && r.id !== store.assignedRights.resolveId(rightId));
  if (usedBy) throw new ApiError(409, `quote option ${option!.id} was already used for assigned right ${usedBy.id}`);
  const request = store.quotes.get(String(quote.quoteRequestId?.id));
  const holder = body.rightHolder ?? request?.rightHolder;
  if (!isObject(holder)) throw badRequest('the assigned right needs a holder: send rightHolder (or put it on the quote request)', [{ path: '/rightHolder', message: 'required' }]);
  const identifiers = (option!.identifiers as Json[])[0]!;
  const value = option!.financialQuote.value;
  return {
    id: rightId,
    version: body.version ?? (pathId !== undefined ? store.assignedRights.get(pathId)?.version : undefined) ?? 1,
    rightSpecification: { id: identifiers.rightSpecificationId.id, version: identifiers.rightSpecificationId.version },
    rightHolder: holder,
    issueMethod: 'electronic',
    plannedUses: [{ startTime: quote.start, endTime: quote.end }],
    expiry: quote.end,
    monetaryValue: { taxIncluded: option!.financialQuote.taxIncluded, value },
    totalRightValue: value,
    'x-quote': { quoteResponseId: { id: quote.id, version: quote.version }, optionId: { id: option!.id, version: option!.version } },
  };
}
