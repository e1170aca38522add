// Coord Parking Access API (seed 003), mounted at /v1/access/parking: the routes of spec/coord.yaml over
// CoordState. Check order: 401 access_key → 400 path parameters → 404 location, session → 403 test-only →
// 400 body → 409 state. Errors are the platform's ResponseStatus (mock/http/errors.ts writes them).
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { sendJson } from '../../http/context.js';
import { ApiError, badRequest, notFound } from '../../http/errors.js';
import type { MockPlatform } from '../../platform.js';
import { readCoordFixtures, type CoordLocation, type CoordUser } from './fixtures.js';
import { coordViolations } from './spec.js';
import { CoordError, CoordState, viewOf, type CoordSession } from './state.js';

/** Where the vendor serves the API (seed 003 basePath); the mock mounts it there. */
export const COORD_BASE = '/v1/access/parking';

const states = new WeakMap<MockPlatform, CoordState>();

/** The Coord state of a platform: loaded from fixtures/vendors/coord.json once, and again on every platform reset. */
export function coordState(platform: MockPlatform): CoordState {
  let state = states.get(platform);
  if (!state) {
    const fixtures = readCoordFixtures();
    const created = new CoordState(fixtures);
    platform.registerVendor('coord', { reset: () => created.reset(fixtures), dump: () => created.dump(), restore: (data) => created.restore(data) });
    states.set(platform, created);
    state = created;
  }
  return state;
}

function callerOf(state: CoordState, req: Request): CoordUser {
  const key = req.query.access_key;
  if (Array.isArray(key)) throw badRequest('access_key must be given once');
  if (typeof key !== 'string' || key === '') throw new ApiError(401, 'the access_key query parameter is missing: every Coord request needs the user\'s API access key');
  const user = state.userByKey(key);
  if (!user) throw new ApiError(401, 'unknown access_key');
  return user;
}

function sessionIdOf(req: Request): number {
  const raw = req.params.session_id as string;
  if (!/^[1-9]\d{0,14}$/.test(raw)) throw badRequest(`session_id must be an integer ≥ 1, got "${raw}"`, [{ path: 'session_id', message: 'must be an integer ≥ 1' }]);
  return Number(raw);
}

function locationOf(state: CoordState, id: string): CoordLocation {
  const location = state.location(id);
  if (!location) throw notFound(`no location ${id}`);
  return location;
}

function sessionOf(state: CoordState, user: CoordUser, location: CoordLocation, id: number): CoordSession {
  const session = state.session(user.id, location.id, id);
  if (!session) throw notFound(`no session ${id} of this user at location ${location.id}`);
  return session;
}

/** Validates a body against a schema of spec/coord.yaml; an absent body is fine unless `required`. */
function checkBody(schema: string, body: unknown, required: boolean): void {
  if (body === undefined) {
    if (required) throw badRequest(`a JSON body is required (${schema} of spec/coord.yaml)`);
    return;
  }
  const violations = coordViolations(schema, body);
  if (violations.length) throw badRequest(`invalid body: ${violations.map((v) => `${v.path} ${v.message}`).join('; ')}`, violations);
}

/** The path's other methods answer 405 with Allow. */
function methods(router: Router, path: string, handlers: Partial<Record<'get' | 'post' | 'put', RequestHandler>>): void {
  const route = router.route(path);
  for (const [method, handler] of Object.entries(handlers) as Array<['get' | 'post' | 'put', RequestHandler]>) route[method](handler);
  const allow = Object.keys(handlers).map((m) => m.toUpperCase());
  if (allow.includes('GET')) allow.push('HEAD');
  route.all((req) => {
    throw new ApiError(405, `${req.method} is not allowed on ${COORD_BASE}${req.path}; allowed: ${allow.join(', ')}`, undefined, { Allow: allow.join(', ') });
  });
}

export function coordRouter(platform: MockPlatform): Router {
  const state = coordState(platform);
  const now = () => platform.clock.nowMs();
  const router = Router();

  // Simulated departures happen when the clock reaches them, whichever request comes first.
  router.use((_req, _res, next) => {
    state.settle(now());
    next();
  });

  methods(router, '/session', {
    get: (req, res) => {
      const user = callerOf(state, req);
      sendJson(res, 200, state.sessionsOf(user.id).map(viewOf));
    },
  });

  methods(router, '/barcode', {
    post: (req, res) => {
      const user = callerOf(state, req);
      checkBody('BarcodeRequest', req.body, true);
      const { location_id, session_id } = req.body as { location_id: string; session_id: number };
      const session = sessionOf(state, user, locationOf(state, location_id), session_id);
      sendJson(res, 200, state.issueBarcode(session, now()));
    },
  });

  methods(router, '/testing/:location_id/:session_id/simulate_redemption', {
    post: (req, res) => {
      const user = callerOf(state, req);
      const id = sessionIdOf(req);
      const session = sessionOf(state, user, locationOf(state, req.params.location_id as string), id);
      if (!state.user(session.user_id)?.is_test_user) throw new ApiError(403, `simulate_redemption is only available for sessions started by test users; session ${id} was not`);
      checkBody('SimulateRedemptionRequest', req.body, true);
      sendJson(res, 200, viewOf(state.simulate(session, (req.body as { duration_m: number }).duration_m, now())));
    },
  });

  methods(router, '/__mock/scan', {
    post: (req, res) => {
      checkBody('ScanRequest', req.body, true);
      const { action, session } = state.scan((req.body as { barcode: string }).barcode, now());
      sendJson(res, 200, { action, location_id: session.location_id, session: viewOf(session) });
    },
  });

  methods(router, '/:location_id/session', {
    get: (req, res) => {
      const user = callerOf(state, req);
      const location = locationOf(state, req.params.location_id as string);
      sendJson(res, 200, state.sessionsOf(user.id, location.id).map(viewOf));
    },
    post: (req, res) => {
      const user = callerOf(state, req);
      const location = locationOf(state, req.params.location_id as string);
      checkBody('CreateSessionRequest', req.body, false);
      sendJson(res, 200, viewOf(state.create(user, location, now())));
    },
  });

  methods(router, '/:location_id/session/:session_id', {
    get: (req, res) => {
      const user = callerOf(state, req);
      const id = sessionIdOf(req);
      sendJson(res, 200, viewOf(sessionOf(state, user, locationOf(state, req.params.location_id as string), id)));
    },
  });

  methods(router, '/:location_id/session/:session_id/end', {
    put: (req, res) => {
      const user = callerOf(state, req);
      const id = sessionIdOf(req);
      const session = sessionOf(state, user, locationOf(state, req.params.location_id as string), id);
      checkBody('EndSessionRequest', req.body, false);
      sendJson(res, 200, viewOf(state.end(session, now())));
    },
  });

  // Nothing under the Coord base falls through to the platform's routes.
  router.use((req) => {
    throw notFound(`no Coord route for ${req.method} ${COORD_BASE}${req.path} (see spec/coord.yaml)`);
  });
  router.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    if (err instanceof CoordError) return next(new ApiError(err.kind === 'conflict' ? 409 : 404, err.message));
    // Express's router fails on a malformed %-escape in a path parameter with a URIError of status 400 that
    // mock/http/errors.ts does not treat as the client's fault (it would answer 500).
    if (err instanceof URIError && (err as { status?: number }).status === 400) return next(badRequest(`malformed percent-encoding in the path: ${err.message}`));
    next(err);
  });
  return router;
}
