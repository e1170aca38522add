// /__admin: test controls kept apart from the API's own paths (reset, state, clock, journal).
import { Router } from 'express';
import { isObject } from './dialect/common.js';
import { parseDurationMs, parseInstant } from './clock.js';
import { sendJson } from './http/context.js';
import { ApiError, badRequest, responseStatus } from './http/errors.js';
import { idOf } from './http/params.js';
import { FixtureError } from './fixtures.js';
import type { MockPlatform } from './platform.js';

function counts(platform: MockPlatform): Record<string, number> {
  return Object.fromEntries(Object.entries(platform.store.collections).map(([name, c]) => [name, c.size]));
}

export function adminRouter(platform: MockPlatform): Router {
  const router = Router();

  router.post('/reset', (req, res) => {
    const requested = req.query.fixtures;
    if (requested !== undefined && typeof requested !== 'string') throw badRequest('fixtures must be a single name');
    const fixtures = requested === undefined ? undefined : requested === 'none' ? false : requested;
    try {
      platform.reset(fixtures, { shippedOnly: true });
    } catch (err) {
      if (err instanceof FixtureError) throw badRequest(err.message);
      throw err;
    }
    sendJson(res, 200, { ...responseStatus(200, `reset to fixtures "${fixtures ?? platform.fixtures}"`), counts: counts(platform) });
  });

  router.get('/state', (_req, res) => sendJson(res, 200, platform.dump()));

  router.put('/state', (req, res) => {
    try {
      platform.restore(req.body);
    } catch (err) {
      throw badRequest(`cannot load state: ${(err as Error).message}`);
    }
    sendJson(res, 200, { ...responseStatus(200, 'state loaded'), counts: counts(platform) });
  });

  router.get('/clock', (_req, res) => sendJson(res, 200, platform.clock.state()));

  router.put('/clock', (req, res) => {
    const body = req.body;
    if (!isObject(body)) throw badRequest('send {"now": ISO | epoch seconds | null} or {"advance": "PT1H"}');
    if ('advance' in body) {
      const ms = typeof body.advance === 'string' ? parseDurationMs(body.advance) : undefined;
      if (ms === undefined) throw badRequest(`advance must be an ISO 8601 duration such as PT1H, got ${JSON.stringify(body.advance)}`);
      if (parseInstant((platform.clock.nowMs() + ms) / 1000) === undefined) throw badRequest(`advancing by ${body.advance} leaves the range of dates`);
      platform.clock.advance(ms);
    } else if ('now' in body) {
      if (body.now === null) platform.clock.pin(undefined);
      else {
        const ms = parseInstant(body.now);
        if (ms === undefined) throw badRequest(`now must be an ISO 8601 instant, epoch seconds or null, got ${JSON.stringify(body.now)}`);
        platform.clock.pin(ms);
      }
    } else throw badRequest('send {"now": ISO | epoch seconds | null} or {"advance": "PT1H"}');
    sendJson(res, 200, platform.clock.state());
  });

  router.get('/clients', (_req, res) => sendJson(res, 200, { clients: platform.clients.list() }));

  router.post('/clients', (req, res) => {
    try {
      const client = platform.clients.add(req.body);
      platform.syncClientSubscriptions();
      sendJson(res, 201, { ...responseStatus(201, `client ${client.clientId} added`), client });
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  });

  router.delete('/clients/:id', (req, res) => {
    const id = idOf(req);
    if (!platform.removeClient(id)) throw new ApiError(404, `client ${id} does not exist`);
    sendJson(res, 200, responseStatus(200, `client ${id} removed: its tokens, subscriptions and waiting deliveries are gone`));
  });

  router.get('/deliveries', (req, res) => {
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw badRequest('limit must be a positive integer');
    const subscriptionId = typeof req.query.subscription === 'string' ? req.query.subscription : undefined;
    sendJson(res, 200, {
      counters: platform.deliveries.counters,
      backlog: platform.dispatcher.backlog(),
      entries: platform.deliveries.entries({ subscriptionId, limit }),
    });
  });

  router.delete('/deliveries', (_req, res) => {
    platform.deliveries.clear();
    sendJson(res, 200, responseStatus(200, 'delivery log cleared'));
  });

  router.get('/journal', (req, res) => {
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw badRequest('limit must be a positive integer');
    sendJson(res, 200, { capacity: platform.journal.capacity, entries: platform.journal.entries(limit) });
  });

  router.delete('/journal', (_req, res) => {
    platform.journal.clear();
    sendJson(res, 200, responseStatus(200, 'journal cleared'));
  });

  return router;
}
