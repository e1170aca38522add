// mock/: the platform. createApp wires middleware, resources and admin routes; it never listens (server.ts does).
import express, { Router, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { loadOpenApi } from '../spec/index.js';
import { adminRouter } from './admin.js';
import { lenientAuthentication, raiseDeferredAuthFailure } from './any-spec/auth.js';
import type { AnySpec } from './any-spec/index.js';
import { webhookRouter } from './events/webhook-routes.js';
import { sessionQueryForwarder } from './events/operator-forwarding.js';
import { authenticate, authorize } from './auth/authenticate.js';
import { operationRequirements } from './auth/operation-security.js';
import { TOKEN_PATHS, tokenEndpoint } from './auth/token-endpoint.js';
import { jsonBody } from './http/body.js';
import { contextMiddleware, requestContext, sendJson, warn } from './http/context.js';
import { errorMiddleware, notFound } from './http/errors.js';
import { idOf } from './http/params.js';
import { parseQueryOnce } from './http/query.js';
import type { MockPlatform } from './platform.js';
import { assignedRights } from './resources/assigned-rights.js';
import { RESOURCES } from './resources/index.js';
import type { ResourceDeps } from './resources/resource.js';
import { resourceRouter, runChain, type HandlerChain } from './resources/resource-router.js';
import { rightSpecs } from './resources/right-specs.js';
import { quoteRouter } from './resources/quotes.js';
import { observabilityRouter } from './observability/routes.js';
import { reconciliationRouter } from './reconciliation/routes.js';
import { COORD_BASE, coordRouter } from './vendors/coord/index.js';
import { createSecuredParking, SECURED_PARKING_BASE } from './vendors/secured-parking/index.js';

/** The mount points of the API: the contract's root paths and the seeds' versioned prefix. */
export const API_PREFIXES = ['/v1/parking', '/'] as const;

export interface AppOptions {
  /** Called with errors that became a 500, so they are not lost. @default console.error */
  onUnexpectedError?: (err: unknown) => void;
  /** Another API document (`mock --spec`, loaded by loadAnySpec) whose operations Prism answers where none of our routes does. */
  anySpec?: AnySpec;
}

/**
 * The API: `front` answers the resource collections (`/places`, `/rights/assigned/…`, under both API_PREFIXES)
 * straight from the app, in one lookup and one router, first after the bookkeeping (no other mount has their
 * paths); `router` (mounted at API_PREFIXES) has the rest.
 */
function api(platform: MockPlatform, anySpec: AnySpec | undefined): { front: RequestHandler; router: Router } {
  const requirements = operationRequirements(loadOpenApi(), { strictScopes: platform.strictScopes });
  const guard = (method: string, template: string) => {
    const key = `${method} ${template}`;
    if (!requirements.has(key)) throw new Error(`apds-conformance: route ${key} is not in spec/openapi.yaml`);
    const check = authorize(requirements.get(key), `${method.toUpperCase()} ${template}`);
    if (!anySpec) return check;
    return (req: Request, res: Response, next: NextFunction) => {
      raiseDeferredAuthFailure(res); // bad credentials on a path the --spec document also has: ours, so 401 (any-spec/auth.ts)
      check(req, res, next);
    };
  };
  const deps: ResourceDeps = {
    store: platform.store,
    schemas: platform.schemas,
    access: platform.access,
    guard,
    emit: (e) => platform.emit(e),
  };
  const authenticated = anySpec ? lenientAuthentication(authenticate(platform), anySpec) : authenticate(platform);
  const collections = collectionRoutes(deps, platform);
  const body = jsonBody();

  const front: RequestHandler = (req, res, next) => {
    const target = collections.route(req);
    if (!target) return next();
    body(req, res, (bodyError?: unknown) => {
      if (bodyError) return next(bodyError);
      // After a body has been read this runs outside Express's own try/catch: a credentials error thrown here must
      // become next(err), not an uncaught exception. (The routes catch their own errors.)
      try {
        authenticated(req, res, (err?: unknown) => {
          if (err) return next(err);
          if (!target.chain) return target.router(req, res, next);
          if (target.id !== undefined) req.params = { id: target.id };
          runChain(target.chain, req, res, next);
        });
      } catch (err) {
        next(err);
      }
    });
  };

  const router = Router();
  router.use(authenticated);
  router.use(webhookRouter({ store: platform.store, schemas: platform.schemas, dispatcher: platform.dispatcher }));
  router.use(quoteRouter(deps)); // APDS /quotes (E40)
  router.use(observabilityRouter({ ...deps, metrics: platform.metrics, dispatcher: platform.dispatcher, deliveries: platform.deliveries })); // NPP /observability (E35, E36)
  router.use(reconciliationRouter(deps)); // NPP /reconciliation (E37, E38)

  // Seed UC1.2 reads a right spec at /rights/{id}; fall back to an assigned right of that id.
  router.get('/rights/:id', guard('get', '/rights/{id}'), (req, res, next) => {
    const ctx = requestContext(res);
    const right = platform.store.assignedRights.get(idOf(req));
    const visibleRight = right && platform.access.canRead('AssignedRight', right, ctx.principal);
    const target = platform.store.rightSpecs.has(idOf(req)) ? rightSpecs : visibleRight ? assignedRights : undefined;
    if (!target) throw notFound(`no right specification or assigned right ${idOf(req)}`);
    warn(ctx, `/rights/${idOf(req)} is not a contract path: answered as ${target.path}/${idOf(req)}`);
    req.url = `${target.path}/${encodeURIComponent(idOf(req))}${req.url.slice(req.url.indexOf('?') >= 0 ? req.url.indexOf('?') : req.url.length)}`;
    collections.router(target.path)!(req, res, next);
  });
  return { front, router };
}

/** Where `front` sends a request: the collection's router, or straight to the chain of the route it asks for. */
interface CollectionTarget {
  router: Router;
  chain?: HandlerChain;
  /** The member id of a direct `GET …/{id}` (what the router would have put in req.params). */
  id?: string;
}

/**
 * Each resource's routes at their full paths under every API prefix, and the lookup that hands a request under a
 * collection path to them (case-insensitive like Express's own matching). The requests that carry the load (GET and
 * POST on a collection, GET on a member) at a path spelled exactly as the routes are go straight to their route's
 * chain; any other spelling (case, trailing slash, %-escapes) and method walks the router.
 */
function collectionRoutes(deps: ResourceDeps, platform: MockPlatform) {
  const prefixes = API_PREFIXES.map((p) => p.replace(/\/$/, ''));
  const collections = RESOURCES.map((def) => {
    // UC5: a session search about a place with an operator back end is answered by that back end.
    const beforeList = def.path === '/sessions' ? [sessionQueryForwarder(platform.store, platform.forwarding)] : [];
    return { path: def.path, prefix: `${def.path}/`, ...resourceRouter(def, deps, { prefixes, beforeList }) };
  });
  const exact = new Map(collections.flatMap((c) => prefixes.map((p) => [`${p}${c.path}`, c] as const)));
  const mounts = prefixes.filter((p) => p !== '').map((p) => `${p}/`);
  const router = (path: string): Router | undefined => {
    let rest = path.toLowerCase();
    for (const m of mounts) if (rest.startsWith(m)) rest = rest.slice(m.length - 1);
    for (const c of collections) if (rest === c.path || rest.startsWith(c.prefix)) return c.router;
    return undefined;
  };
  const route = (req: Request): CollectionTarget | undefined => {
    const path = req.path;
    const whole = exact.get(path);
    if (whole && req.method === 'GET') return { router: whole.router, chain: whole.chains.list };
    if (whole && req.method === 'POST') return { router: whole.router, chain: whole.chains.create };
    const slash = path.lastIndexOf('/');
    const owner = req.method === 'GET' ? exact.get(path.slice(0, slash)) : undefined;
    const id = path.slice(slash + 1);
    if (owner && id !== '' && !id.includes('%')) return { router: owner.router, chain: owner.chains.read, id };
    const found = whole?.router ?? router(path);
    return found && { router: found };
  };
  return { router, route };
}

export function createApp(platform: MockPlatform, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  parseQueryOnce(app);

  // Bookkeeping in one layer and one 'finish' listener: the journal, the metrics, and the request context.
  const context = contextMiddleware({ clock: platform.clock, dialect: platform.dialect, strict: platform.strict, authEnabled: platform.authEnabled });
  const now = () => platform.clock.nowMs();
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      platform.journal.recordFinished(req, res, durationMs);
      platform.metrics.recordFinished(req, res, durationMs, now);
    });
    context(req, res, next);
  });
  const { front, router } = api(platform, options.anySpec);
  app.use(front);
  app.post(TOKEN_PATHS, ...tokenEndpoint(platform));
  app.use(SECURED_PARKING_BASE, createSecuredParking(platform).router); // vendor API of seed 002 (spec/secured-parking.yaml): own body parsing (forms) and errors, so before jsonBody
  app.use(jsonBody());

  app.get('/openapi.json', (_req, res) => sendJson(res, 200, loadOpenApi()));
  app.use('/__admin', adminRouter(platform));
  app.use(COORD_BASE, coordRouter(platform)); // vendor API of seed 003 (spec/coord.yaml), before the root mount
  for (const prefix of API_PREFIXES) app.use(prefix, router);
  if (options.anySpec) app.use(options.anySpec.handler()); // `mock --spec`: what none of our routes took (never /__admin)

  app.use((req) => {
    throw notFound(`no route for ${req.method} ${req.path}`);
  });
  const onUnexpected = options.onUnexpectedError ?? ((err: unknown) => console.error('[apds-conformance] unexpected error:', err));
  app.use(errorMiddleware((err) => onUnexpected(err)));
  return app;
}
