// The CRUD routes every resource shares: list, create, read (version, expand), replace, merge-patch, delete.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isObject, type Json } from '../dialect/common.js';
import { idOf } from '../http/params.js';
import { assertSafeBody } from '../http/body.js';
import { requestContext, sendJson, type RequestContext } from '../http/context.js';
import { ApiError, badRequest, notFound, responseStatus } from '../http/errors.js';
import { pageOf } from '../http/list.js';
import { QueryReader } from '../http/query.js';
import type { Entity } from '../store/platform-store.js';
import { mergePatch } from './merge-patch.js';
import type { ChangeEvent, ResourceDefinition, ResourceDeps } from './resource.js';

export function readExpand(query: QueryReader, def: ResourceDefinition): Set<string> {
  const values = query.enumList('expand', def.expandValues);
  if (!values) return new Set(def.defaultExpand);
  if (values.includes('none')) return new Set();
  if (values.includes('all')) return new Set(def.expandValues.filter((v) => v !== 'all' && v !== 'none'));
  return new Set(values);
}

function requireObjectBody(req: Request): Json {
  if (req.body === undefined) throw badRequest('request body is missing: send a JSON object');
  if (!isObject(req.body)) throw badRequest('request body must be a JSON object');
  assertSafeBody(req.body);
  return req.body;
}

/** The handlers of one operation in order, guard first, exactly as the router has them. */
export type HandlerChain = readonly RequestHandler[];

export interface ResourceRoutes {
  /** Every route of the resource, at its full paths under each prefix. */
  router: Router;
  /** The router's own chains for the operations asked most, for a caller that already knows the route (app.ts). */
  chains: { list: HandlerChain; create: HandlerChain; read: HandlerChain };
}

/**
 * Runs a route's handlers in order as Express's Route does: `next()` goes on, an error (thrown, rejected or passed to
 * `next`) and the end of the chain go to `done`. It lets the app skip the router's walk over its layers to a route
 * it has already found.
 */
export function runChain(chain: HandlerChain, req: Request, res: Response, done: NextFunction): void {
  let index = 0;
  const next = (err?: unknown): void => {
    if (err) return done(err);
    const handler = chain[index++];
    if (!handler) return done();
    try {
      const result: unknown = handler(req, res, next);
      if (result instanceof Promise) result.then(undefined, (rejected: unknown) => done(rejected ?? new Error('route handler rejected')));
    } catch (thrown) {
      done(thrown);
    }
  };
  next();
}

export interface ResourceRouterOptions {
  /** Path prefixes the routes are served under (`/v1/parking`, ``). @default [''] */
  prefixes?: readonly string[];
  /** Handlers run before the list (after its guard), e.g. the sessions search an operator's back end answers. */
  beforeList?: RequestHandler[];
}

/**
 * The routes of one resource at their full paths under each prefix (`/places`, `/v1/parking/places/:id`), and the
 * handler chains of the hot ones; the app hands it the requests under those paths.
 */
export function resourceRouter(def: ResourceDefinition, deps: ResourceDeps, options: ResourceRouterOptions = {}): ResourceRoutes {
  const prefixes = options.prefixes ?? [''];
  const router = Router();
  const collectionPath = prefixes.map((p) => `${p}${def.path}`);
  const memberPath = prefixes.map((p) => `${p}${def.path}/:id`);
  const collection = def.collection(deps.store);

  const validate = (entity: Entity) => {
    const violations = deps.schemas.validate(def.schema, entity);
    if (violations.length) {
      throw badRequest(`request body is not a valid ${def.schema}: ${violations.length} violation${violations.length > 1 ? 's' : ''}`, violations);
    }
  };

  const emitAll = (events: ChangeEvent[]) => events.forEach((e) => deps.emit(e));
  const resolved = (body: Json, ctx: RequestContext, pathId?: string): Json => (def.resolveInput ? def.resolveInput(body, ctx, deps, pathId) : body);
  const itemPath = `${def.path}/{id}`;
  const ownerOf = (ctx: RequestContext) => (ctx.authenticated ? ctx.principal.organisation : undefined);

  /** The stored object as this caller may know it: another tenant's object does not exist for them. */
  const visible = (id: string, ctx: RequestContext, version?: number): Entity | undefined => {
    const entity = collection.get(id, version);
    if (!entity) return undefined;
    // Both the current object and the version asked for: an id re-created by another tenant keeps old versions.
    const current = collection.get(id)!;
    const readable = deps.access.canRead(def.resource, current, ctx.principal) && (entity === current || deps.access.canRead(def.resource, entity, ctx.principal));
    return readable ? entity : undefined;
  };

  const assertWritable = (entity: Entity, ctx: RequestContext, what: string) => {
    if (!deps.access.canWrite(def.resource, entity, ctx.principal)) {
      throw new ApiError(403, `client ${ctx.principal.clientId} (${ctx.principal.organisation}) may not ${what} ${def.noun} ${entity.id}`);
    }
  };

  const change = (kind: ChangeEvent['kind'], entity: Entity, ctx: RequestContext, previous?: Entity): ChangeEvent => ({
    resource: def.resource,
    kind,
    entity,
    previous,
    principal: ctx.principal,
    atMs: ctx.nowMs,
  });

  const list: RequestHandler = (req, res) => {
    const ctx = requestContext(res);
    const query = new QueryReader(req.query, ctx);
    const page = query.number('page', { integer: true, min: 1, max: 1_000_000 }) ?? 1;
    const since = query.number('modified_since', { integer: true, min: 0 });
    const expand = readExpand(query, def);
    let items = def.list(query, deps).filter((e) => deps.access.canRead(def.resource, e, ctx.principal));
    query.reportUnknown();
    let deleted;
    if (since !== undefined) {
      const sinceMs = since * 1000;
      items = items.filter((e) => (collection.modifiedAt(e.id) ?? 0) >= sinceMs);
      deleted = collection.deletedSince(sinceMs, (e) => deps.access.canRead(def.resource, e, ctx.principal));
    }
    const body = pageOf(items, {
      page,
      pageSize: def.defaultPageSize,
      nowMs: ctx.nowMs,
      deleted,
      present: (e) => def.present(e, expand, ctx, deps),
    });
    sendJson(res, 200, body);
  };

  const create: RequestHandler = (req, res) => {
    const ctx = requestContext(res);
    const entity = def.canonical(resolved(requireObjectBody(req), ctx), ctx) as Entity;
    validate(entity);
    collection.assertCreatable(entity);
    const prepared = def.prepare(entity, ctx, deps);
    validate(prepared.entity);
    assertWritable(prepared.entity, ctx, 'create');
    collection.create(prepared.entity, ctx.nowMs, ownerOf(ctx));
    const events = [change('created', prepared.entity, ctx), ...(prepared.commit?.(ctx.nowMs) ?? [])];
    const status = def.createStatus ?? 201;
    sendJson(res, status, responseStatus(status, `${def.noun} ${entity.id} created`));
    emitAll(events);
  };

  const read: RequestHandler = (req, res) => {
    const ctx = requestContext(res);
    const query = new QueryReader(req.query, ctx);
    const version = query.number('version', { integer: true, min: 1 });
    const expand = readExpand(query, def);
    query.reportUnknown();
    const entity = visible(idOf(req), ctx, version);
    if (!entity) {
      throw notFound(version !== undefined && visible(idOf(req), ctx)
        ? `${def.noun} ${idOf(req)} has no version ${version}`
        : `${def.noun} ${idOf(req)} does not exist`);
    }
    sendJson(res, 200, def.present(entity, expand, ctx, deps));
  };

  const chains = {
    list: [deps.guard('get', def.path), ...(options.beforeList ?? []), list],
    create: [deps.guard('post', def.path), create],
    read: [deps.guard('get', itemPath), read],
  };
  router.get(collectionPath, ...chains.list);
  router.post(collectionPath, ...chains.create);
  router.get(memberPath, ...chains.read);

  const replace = (req: Request, res: Response, entity: Entity, previous: Entity | undefined, verb: 'replaced' | 'updated') => {
    const ctx = requestContext(res);
    validate(entity);
    const outcome = collection.planReplace(entity, { upsert: def.upsertOnPut });
    if (previous) assertWritable(previous, ctx, 'change');
    const prepared = def.prepare(entity, ctx, deps, previous);
    validate(prepared.entity);
    assertWritable(prepared.entity, ctx, previous ? 'change' : 'create');
    collection.replace(prepared.entity, ctx.nowMs, { upsert: def.upsertOnPut, owner: ownerOf(ctx) });
    const events = [change(outcome === 'created' ? 'created' : 'updated', prepared.entity, ctx, previous), ...(prepared.commit?.(ctx.nowMs) ?? [])];
    const status = outcome === 'created' ? 201 : 200;
    const message = outcome === 'created' ? `${def.noun} ${entity.id} created` : outcome === 'new-version' ? `${def.noun} ${entity.id} ${verb}: version ${entity.version} stored` : `${def.noun} ${entity.id} ${verb}`;
    sendJson(res, status, responseStatus(status, message));
    emitAll(events);
  };

  const bodyIdMatches = (body: Json, pathId: string) => {
    if (body.id !== undefined && body.id !== pathId && collection.resolveId(String(body.id)) !== collection.resolveId(pathId)) {
      throw badRequest(`body id "${body.id}" does not match the id "${pathId}" in the path`, [{ path: '/id', message: 'must equal the path id' }]);
    }
  };

  const hiddenFromCaller = (id: string, ctx: RequestContext) => collection.has(id) && !visible(id, ctx);

  router.put(memberPath, deps.guard('put', itemPath), (req, res) => {
    const ctx = requestContext(res);
    const body = requireObjectBody(req);
    bodyIdMatches(body, idOf(req));
    if (hiddenFromCaller(idOf(req), ctx)) throw notFound(`${def.noun} ${idOf(req)} does not exist`);
    const entity = def.canonical({ ...resolved(body, ctx, idOf(req)), id: collection.resolveId(idOf(req)) }, ctx, idOf(req)) as Entity;
    replace(req, res, entity, collection.get(idOf(req)), 'replaced');
  });

  router.patch(memberPath, deps.guard('patch', itemPath), (req, res) => {
    const ctx = requestContext(res);
    const body = requireObjectBody(req);
    bodyIdMatches(body, idOf(req));
    const current = visible(idOf(req), ctx);
    if (!current) throw notFound(`${def.noun} ${idOf(req)} does not exist`);
    const patch = def.canonical(body, ctx, current.id);
    const merged = mergePatch(current, { ...patch, id: current.id, version: patch.version ?? current.version }) as Entity;
    replace(req, res, merged, current, 'updated');
  });

  router.delete(memberPath, deps.guard('delete', itemPath), (req, res) => {
    const ctx = requestContext(res);
    const stored = visible(idOf(req), ctx);
    if (!stored) throw notFound(`${def.noun} ${idOf(req)} does not exist`);
    assertWritable(stored, ctx, 'delete');
    const removed = collection.delete(idOf(req), ctx.nowMs);
    sendJson(res, 200, responseStatus(200, `${def.noun} ${removed.id} deleted`));
    deps.emit(change('deleted', removed, ctx));
  });

  // A collection PUT (seed UC5 overview) names no resource.
  router.all(collectionPath, (req) => {
    throw new ApiError(405, `${req.method} is not allowed on ${def.path}; use GET or POST, or ${def.path}/{id}`, undefined, { Allow: 'GET, POST' });
  });

  return { router, chains };
}
