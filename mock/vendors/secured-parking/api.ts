// /api/car_driver: the driver's API of seed 002 (finalize) and the reads and writes we add to reach a finalizable
// session (x-extension in spec/secured-parking.yaml). Bearer tokens are the fixtures' drivers, not platform clients.
import { Router, type Request, type Response } from 'express';
import { inspectBody, jsonBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { vendorError } from './errors.js';
import type { SecuredParkingState } from './state.js';
import { baseUrl, finalizeView, keyView, sessionDetailView } from './views.js';

export interface ApiDeps {
  state: () => SecuredParkingState;
  /** The platform's virtual clock (a request's X-Mock-Now moves it for that request only). */
  nowMs: (res: Response) => number;
}

/** The request's instant: the context's (X-Mock-Now) when the app set one, else the platform's clock. */
export function requestNow(res: Response, clockNowMs: () => number): number {
  const ctx = res.locals.ctx as RequestContext | undefined;
  return ctx?.nowMs ?? clockNowMs();
}

function json(res: Response, status: number, body: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).json(body);
}

/** 405 with Allow for a known path and another method. */
const methodNotAllowed = (allow: string) => (req: Request, res: Response) => {
  res.setHeader('Allow', allow);
  throw vendorError(405, 'base', `${req.method} is not allowed here (allowed: ${allow})`);
};

export function driverRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(jsonBody());
  router.use((req, _res, next) => {
    const { forbidden, tooDeep } = inspectBody(req.body);
    if (forbidden) throw vendorError(400, 'base', `the body contains a forbidden key at ${forbidden}`);
    if (tooDeep) throw vendorError(400, 'base', `the body nests too deep (at ${tooDeep.slice(0, 200)})`);
    next();
  });
  const driver = (req: Request) => deps.state().driverOf(req.headers.authorization);

  router
    .route('/smart_keys')
    .get((req, res) => {
      const state = deps.state();
      const d = driver(req);
      json(res, 200, { smart_keys: state.keysOf(d).map((k) => keyView(state, k)) });
    })
    .all(methodNotAllowed('GET'));

  router
    .route('/smart_keys/:id/use')
    .post((req, res) => {
      const state = deps.state();
      const session = state.useKey(driver(req), req.params.id, req.body, deps.nowMs(res));
      json(res, 200, sessionDetailView(state, session, baseUrl(req)));
    })
    .all(methodNotAllowed('POST'));

  router
    .route('/parking_sessions')
    .post((req, res) => {
      const state = deps.state();
      const session = state.createSession(driver(req), req.body, deps.nowMs(res));
      res.setHeader('Location', `/api/car_driver/parking_sessions/${session.id}`);
      json(res, 201, sessionDetailView(state, session, baseUrl(req)));
    })
    .all(methodNotAllowed('POST'));

  router
    .route('/parking_sessions/:id')
    .get((req, res) => {
      const state = deps.state();
      json(res, 200, sessionDetailView(state, state.sessionOf(driver(req), req.params.id), baseUrl(req)));
    })
    .all(methodNotAllowed('GET'));

  // Seed 002: PUT or PATCH, 201 although the session is updated, not created (a quirk we keep).
  const finalize = (req: Request, res: Response) => {
    const state = deps.state();
    const session = state.finalize(driver(req), req.params.id, req.body, deps.nowMs(res));
    json(res, 201, finalizeView(state, session, baseUrl(req)));
  };
  router.route('/parking_sessions/:id/finalize').put(finalize).patch(finalize).all(methodNotAllowed('PUT, PATCH'));

  router.use((req) => {
    throw vendorError(404, 'base', `no route for ${req.method} /api/car_driver${req.path}`);
  });
  return router;
}
