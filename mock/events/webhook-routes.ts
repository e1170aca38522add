// /webhooks: subscribe (NPP {endpoint, topics}; APDS adds hierarchyElements, includeChildrenEvents), read,
// replace and delete subscriptions. Each caller manages its own; deliveries follow its read rights.
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { SchemaRegistry } from '../../spec/index.js';
import { isObject, type Json } from '../dialect/common.js';
import { assertSafeBody } from '../http/body.js';
import { requestContext, sendJson, UNRESTRICTED, type RequestContext } from '../http/context.js';
import { badRequest, notFound, responseStatus } from '../http/errors.js';
import { unauthorized } from '../auth/authenticate.js';
import { idOf } from '../http/params.js';
import type { PlatformStore } from '../store/platform-store.js';
import type { Dispatcher } from './dispatcher.js';
import { publicView, type Subscription, type Topic } from './subscriptions.js';

export interface WebhookRouteDeps {
  store: PlatformStore;
  schemas: SchemaRegistry;
  dispatcher: Dispatcher;
}

function subscriptionFrom(body: unknown, schemas: SchemaRegistry, ctx: RequestContext, id: string, previous?: Subscription): Subscription {
  if (!isObject(body)) throw badRequest('request body must be a JSON object: {"endpoint": "https://…", "topics": ["SessionCreated"]}');
  assertSafeBody(body);
  const violations = schemas.validate('EventSubscription', body);
  if (violations.length) throw badRequest(`request body is not a valid EventSubscription: ${violations.length} violation${violations.length > 1 ? 's' : ''}`, violations);
  const b = body as Json;
  let endpoint: URL;
  try {
    endpoint = new URL(b.endpoint);
  } catch {
    throw badRequest(`endpoint must be an absolute URL, got "${b.endpoint}"`, [{ path: '/endpoint', message: 'must be an absolute http(s) URL' }]);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw badRequest('endpoint must use http or https', [{ path: '/endpoint', message: 'must be an absolute http(s) URL' }]);
  const dataTopics = (b.topics as string[]).filter((t) => t !== 'SystemEvents');
  if (ctx.authEnabled && !ctx.authenticated && dataTopics.length) {
    // Deliveries follow what the subscriber may read; without credentials that is nothing but system alerts.
    throw unauthorized(`subscribing to ${dataTopics.join(', ')} needs credentials (a Bearer token or X-MCC-Access-Token): a subscriber hears only of what it may read; SystemEvents alone may be subscribed anonymously`);
  }
  const now = new Date(ctx.nowMs).toISOString();
  return {
    id,
    endpoint: endpoint.toString(),
    topics: [...new Set(b.topics as Topic[])],
    hierarchyElements: b.hierarchyElements,
    includeChildrenEvents: b.includeChildrenEvents === true || b.includeChildrenEvents === 'true',
    method: b.method ?? 'PUT',
    envelope: b.envelope ?? 'bare',
    dialect: b.dialect,
    secret: b.secret,
    owner: ctx.principal,
    source: 'api',
    createdAt: previous?.createdAt ?? now,
    lastModified: now,
  };
}

export function webhookRouter(deps: WebhookRouteDeps): Router {
  const router = Router();

  const mine = (s: Subscription, ctx: RequestContext) =>
    !ctx.authEnabled || ctx.principal === UNRESTRICTED || ctx.principal.roles.includes('ad') || s.owner.clientId === ctx.principal.clientId;

  const find = (req: Request, ctx: RequestContext): Subscription => {
    const subscription = deps.store.subscriptions.get(idOf(req));
    if (!subscription || !mine(subscription, ctx)) throw notFound(`webhook subscription ${idOf(req)} does not exist`);
    return subscription;
  };

  router.post('/webhooks', (req, res) => {
    const ctx = requestContext(res);
    const subscription = subscriptionFrom(req.body, deps.schemas, ctx, randomUUID());
    deps.store.subscriptions.set(subscription.id, subscription);
    sendJson(res, 200, { ...responseStatus(200, `subscribed to ${subscription.topics.join(', ')}`), id: subscription.id });
  });

  router.get('/webhooks', (_req, res) => {
    const ctx = requestContext(res);
    const data = [...deps.store.subscriptions.values()].filter((s) => mine(s, ctx)).map(publicView);
    sendJson(res, 200, { meta: { referenceInstant: Math.floor(ctx.nowMs / 1000), offset: 0, pageSize: data.length, total: data.length }, data });
  });

  router.get('/webhooks/:id', (req, res) => {
    sendJson(res, 200, publicView(find(req, requestContext(res))));
  });

  router.put('/webhooks/:id', (req, res) => {
    const ctx = requestContext(res);
    const previous = find(req, ctx);
    if (previous.source === 'client-config') throw badRequest(`webhook subscription ${previous.id} comes from the clients file; change it there`);
    const subscription = subscriptionFrom(req.body, deps.schemas, ctx, previous.id, previous);
    deps.store.subscriptions.set(subscription.id, { ...subscription, owner: previous.owner });
    deps.dispatcher.retarget(subscription.id, { url: subscription.endpoint, method: subscription.method, secret: subscription.secret });
    sendJson(res, 200, responseStatus(200, `webhook subscription ${previous.id} replaced`));
  });

  router.delete('/webhooks/:id', (req, res) => {
    const subscription = find(req, requestContext(res));
    deps.store.subscriptions.delete(subscription.id);
    deps.dispatcher.forget(subscription.id);
    sendJson(res, 200, responseStatus(200, `webhook subscription ${subscription.id} deleted`));
  });

  return router;
}
