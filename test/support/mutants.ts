// Deliberately broken platforms for the mutation tests of the conformance harness (test/harness-mutations.test.ts).
// Each mutant is the real mock with ONE planted defect, planted without touching mock/: Express middleware in front
// of the app that rewrites requests or answers, or a run-time patch of the platform object. Each names the check(s)
// of the harness that must catch it; `gap` marks a mutant the harness is known to let through (a missing or too weak
// check), so that its test is `it.fails` and the gap stays visible until the check is added.
import { createHmac, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { SuiteDefinition } from '../../harness/suite.js';
import type { Client, Role } from '../../mock/auth/clients.js';
import type { AccessPolicy } from '../../mock/auth/tenancy.js';
import { createApp } from '../../mock/app.js';
import { MockPlatform, type MockPlatformOptions } from '../../mock/platform.js';
import type { Entity } from '../../mock/store/platform-store.js';
import { UC4_SPEC } from '../../suites/fixture-ids.js';
import { minimalAssignedRight } from '../../suites/generate.js';
import { protocol } from '../../suites/protocol.js';
import { robustness } from '../../suites/robustness.js';
import { security } from '../../suites/security.js';
import { uc1 } from '../../suites/uc1-availability.js';
import { uc2 } from '../../suites/uc2-payment-on-arrival.js';
import { uc3 } from '../../suites/uc3-check-in-out.js';
import { uc4 } from '../../suites/uc4-anpr.js';
import { uc5 } from '../../suites/uc5-pay-on-departure.js';

export interface Mutant {
  /** Stable kebab-case name. */
  name: string;
  /** The planted defect, for people (and the kill table). */
  defect: string;
  /** Which harness suites to run against it (only those needed). */
  suites: readonly SuiteDefinition[];
  /** Check ids that must fail (every one of them) for the mutant to count as killed. */
  checks: readonly string[];
  /** Platform options (e.g. a known token secret). */
  options?: MockPlatformOptions;
  /** Run-time patch of the platform object. */
  plant?(platform: MockPlatform): void;
  /** Middleware placed in front of the real app. */
  front?(platform: MockPlatform): RequestHandler[];
  /** How long suites wait for callbacks. @default 1500 */
  callbackTimeoutMs?: number;
  /** Known survivor: why the harness lets it through, and what check is missing. Its test is `it.fails`. */
  gap?: string;
  /**
   * For a survivor that fails no check at all: shows over HTTP that the defect is really planted (throws if not),
   * so that "survived" never means "the mutant was a no-op".
   */
  witness?(target: RunningTarget): Promise<void>;
}

// ---- helpers: where a request goes, and rewriting requests and answers ----

const PREFIX = /^\/v1\/parking(?=\/|$)/;
const COLLECTIONS = ['/rights/assigned', '/rights/specs', '/sessions', '/places', '/rates'] as const;

/** What a request was, captured before the app's routers rewrite `req.url` for their mounts. */
export interface RequestInfo {
  method: string;
  /** The API path without the /v1/parking prefix, e.g. /sessions/abc. */
  path: string;
  query: Record<string, string>;
}

function infoOf(req: Request): RequestInfo {
  const url = new URL(req.url, 'http://mutant.invalid');
  return { method: req.method, path: url.pathname.replace(PREFIX, '') || '/', query: Object.fromEntries(url.searchParams) };
}

const isCollection = (path: string) => (COLLECTIONS as readonly string[]).includes(path);

/** `/sessions/abc` → the collection and id; undefined for other paths. */
function itemOf(path: string): { collection: string; id: string } | undefined {
  for (const collection of COLLECTIONS) {
    const rest = path.startsWith(`${collection}/`) ? path.slice(collection.length + 1) : undefined;
    if (rest && !rest.includes('/')) return { collection, id: rest };
  }
  return undefined;
}

/**
 * Runs `change` on every JSON answer just before it is sent, whatever wrote it: the body is parsed from what the app
 * hands to `res.end`, and re-serialised with a fresh Content-Length. `res.status()` in `change` changes the status.
 */
function beforeJsonAnswer(change: (body: any, res: Response) => unknown): RequestHandler {
  return (_req, res, next) => {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      const json = /^application\/json/.test(String(res.getHeader('Content-Type') ?? ''));
      if (!json || res.headersSent || (typeof chunk !== 'string' && !Buffer.isBuffer(chunk))) return end(chunk, ...rest);
      const text = JSON.stringify(change(JSON.parse(String(chunk)), res));
      res.setHeader('Content-Length', Buffer.byteLength(text));
      return end(text, ...rest);
    }) as Response['end'];
    next();
  };
}

/** Rewrites every JSON answer (by its body, its response and what the request was). */
function onJson(rewrite: (body: any, res: Response, info: RequestInfo) => unknown): RequestHandler {
  return (req, res, next) => {
    const info = infoOf(req); // now, before the app's routers strip their mount prefixes from req.url
    beforeJsonAnswer((body) => rewrite(body, res, info))(req, res, next);
  };
}

/** Drops query parameters before the app sees them (filters, expand, version ignored). */
function stripQuery(names: readonly string[], when: (info: RequestInfo) => boolean = () => true): RequestHandler {
  return (req, _res, next) => {
    const q = req.url.indexOf('?');
    if (q >= 0 && when(infoOf(req))) {
      const params = new URLSearchParams(req.url.slice(q + 1));
      for (const name of names) params.delete(name);
      const rest = params.toString();
      req.url = req.url.slice(0, q) + (rest ? `?${rest}` : '');
    }
    next();
  };
}

/** Answers instead of the app (the request never reaches it). */
function answer(when: (info: RequestInfo) => boolean, status: number, body: (info: RequestInfo) => unknown): RequestHandler {
  return (req, res, next) => {
    const info = infoOf(req);
    if (!when(info)) return next();
    res.status(status).json(body(info));
  };
}

const ok = (message: string) => ({ status: 'ok', code: 200, message });

/** Removes `transactionId` from every financial transaction of every segment. */
function withoutTransactionIds(session: Entity): Entity {
  const segments = Array.isArray(session.segments) ? session.segments : [];
  return {
    ...session,
    segments: segments.map((s: any) => (Array.isArray(s?.financialTransactions) ? { ...s, financialTransactions: s.financialTransactions.map(({ transactionId: _t, ...tx }: any) => tx) } : s)),
  };
}

/** Is the caller (a few frames up) the platform's derivation of assigned rights from sessions? */
const calledFromSessionRights = () => /session-rights/.test(new Error().stack ?? '');

const allow: AccessPolicy['canRead'] = () => true;

/** issuer-spoofing-accepted: the issuer id each request body claims, by right id, per platform. */
const claimedIssuers = new WeakMap<MockPlatform, Map<string, string>>();

/** Reads a right's body before the app does, remembers its claimed issuer, and hands the text on unchanged. */
function rememberClaimedIssuer(platform: MockPlatform): RequestHandler {
  const text = express.text({ type: () => true, limit: '1mb' });
  return (req, res, next) => {
    const info = infoOf(req);
    const isRightWrite = (info.method === 'POST' && info.path === '/rights/assigned') || (info.method === 'PUT' && itemOf(info.path)?.collection === '/rights/assigned');
    if (!isRightWrite) return next();
    text(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        const body = JSON.parse(String(req.body ?? ''));
        const claimed = body?.assignedRightIssuer?.id;
        if (body?.id !== undefined && typeof claimed === 'string') claimedIssuers.get(platform)?.set(String(itemOf(info.path)?.id ?? body.id), claimed);
      } catch {
        // not JSON: the app refuses it
      }
      next(); // req.body is the text: the app's body parser sees the request as read and parses req.body
    });
  };
}

// ---- the mutants ----

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'post-right-answers-200',
    defect: 'POST /rights/assigned answers 200 instead of 201 Created',
    suites: [uc4],
    checks: ['UC4-02'],
    front: () => [
      onJson((body, res, info) => {
        if (info.method !== 'POST' || info.path !== '/rights/assigned' || res.statusCode !== 201) return body;
        res.status(200);
        return { ...body, code: 200 };
      }),
    ],
  },
  {
    name: 'list-meta-total-dropped',
    defect: 'list answers leave out the required meta.total',
    suites: [protocol],
    checks: ['PROTO-13'],
    front: () => [
      onJson((body, _res, info) => {
        if (info.method !== 'GET' || !isCollection(info.path) || !body?.meta) return body;
        const { total: _total, ...meta } = body.meta;
        return { ...body, meta };
      }),
    ],
  },
  {
    name: 'credential-filter-ignored',
    defect: 'credential_id / identifier_id filters are ignored (every right at the place is returned)',
    suites: [uc4],
    // Not UC4-04: on a fresh platform the only rights at 220001 are the run's own VRM's, so its "every right is
    // held by the VRM" holds even without the filter. UC4-06 (an unknown VRM finds nothing) is what catches it.
    checks: ['UC4-06'],
    front: () => [stripQuery(['credential_id', 'identifier_id'])],
  },
  {
    name: 'place-filter-ignored',
    defect: 'the place filter of GET /rights/assigned is ignored',
    suites: [uc2],
    checks: ['UC2-08'],
    front: () => [stripQuery(['place'], (i) => i.path === '/rights/assigned')],
  },
  {
    name: 'geo-radius-ignored',
    defect: 'latitude/longitude/radius are ignored: a geo search returns every place',
    suites: [uc1],
    checks: ['UC1-01'],
    front: () => [stripQuery(['latitude', 'longitude', 'radius'])],
  },
  {
    name: 'expand-ignored',
    defect: 'expand is ignored: optional attributes (occupancy, inlined rights) are never included',
    suites: [protocol],
    checks: ['PROTO-10'],
    front: () => [stripQuery(['expand'])],
  },
  {
    name: 'version-query-ignored',
    defect: 'GET …/{id}?version=N ignores the version: history is not readable',
    suites: [protocol],
    checks: ['PROTO-03'],
    front: () => [stripQuery(['version'], (i) => i.method === 'GET' && itemOf(i.path) !== undefined)],
  },
  {
    name: 'patch-ignored',
    defect: 'PATCH answers 200 "ok" but changes nothing',
    suites: [uc1],
    checks: ['UC1-10'],
    front: () => [answer((i) => i.method === 'PATCH' && itemOf(i.path) !== undefined, 200, (i) => ok(`${itemOf(i.path)!.id} updated`))],
  },
  {
    name: 'delete-ignored',
    defect: 'DELETE answers 200 "ok" but the object stays readable',
    suites: [uc3],
    checks: ['UC3-14'],
    front: () => [answer((i) => i.method === 'DELETE' && itemOf(i.path) !== undefined, 200, (i) => ok(`${itemOf(i.path)!.id} deleted`))],
  },
  {
    name: 'no-version-check',
    defect: 'PUT with a lower version is accepted and overwrites (no 409)',
    suites: [protocol],
    checks: ['PROTO-04'],
    plant(platform) {
      for (const collection of Object.values(platform.store.collections)) {
        const plan = collection.planReplace.bind(collection);
        collection.planReplace = (entity, options) => {
          try {
            return plan(entity, options);
          } catch (err) {
            if ((err as { kind?: string }).kind === 'stale-version') return 'overwritten';
            throw err;
          }
        };
      }
    },
  },
  {
    name: 'duplicate-post-overwrites',
    defect: 'POST of an id that exists overwrites it (201) instead of 409',
    suites: [protocol],
    checks: ['PROTO-05'],
    plant(platform) {
      for (const collection of Object.values(platform.store.collections)) collection.assertCreatable = () => {};
    },
  },
  {
    name: 'no-auto-created-right',
    defect: 'a paid session without an assigned right gets none created (UC2 payment on arrival)',
    suites: [uc2],
    checks: ['UC2-04'],
    plant(platform) {
      const rights = platform.store.assignedRights;
      const create = rights.create.bind(rights);
      rights.create = (entity, now, owner) => {
        if (calledFromSessionRights()) return;
        create(entity, now, owner);
      };
    },
  },
  {
    name: 'auto-right-never-expires',
    defect: 'checking out does not end the auto-created assigned right (the vehicle stays authorised)',
    suites: [uc3],
    checks: ['UC3-09'],
    plant(platform) {
      const rights = platform.store.assignedRights;
      const replace = rights.replace.bind(rights);
      rights.replace = (entity, now, options) => (calledFromSessionRights() ? 'overwritten' : replace(entity, now, options));
    },
  },
  {
    name: 'put-drops-payment',
    defect: 'PUT /sessions/{id} stores the session without its financial transactions\' transactionId',
    suites: [uc3],
    checks: ['UC3-07'],
    plant(platform) {
      const sessions = platform.store.sessions;
      const replace = sessions.replace.bind(sessions);
      sessions.replace = (entity, now, options) => replace(withoutTransactionIds(entity), now, options);
    },
  },
  {
    name: 'open-session-not-ongoing',
    defect: 'end_after no longer counts an open session (no actualEnd) as ongoing',
    suites: [uc3],
    checks: ['UC3-03'],
    front: () => [
      onJson((body, _res, info) => {
        if (info.method !== 'GET' || info.path !== '/sessions' || info.query.end_after === undefined || !Array.isArray(body?.data)) return body;
        const data = body.data.filter((s: any) => s?.actualEnd);
        return { ...body, meta: { ...body.meta, total: body.meta.total - (body.data.length - data.length) }, data };
      }),
    ],
  },
  {
    name: 'session-version-dropped',
    defect: 'GET /sessions/{id} leaves out the required field version',
    suites: [uc2],
    checks: ['UC2-03'],
    front: () => [
      onJson((body, res, info) => {
        if (info.method !== 'GET' || itemOf(info.path)?.collection !== '/sessions' || res.statusCode !== 200) return body;
        const { version: _v, ...rest } = body;
        return rest;
      }),
    ],
  },
  {
    name: 'status-ok-renamed',
    defect: 'write answers say ResponseStatus status "success" instead of "ok"',
    suites: [uc2],
    checks: ['UC2-02'],
    front: () => [onJson((body) => (body?.status === 'ok' ? { ...body, status: 'success' } : body))],
  },
  {
    name: 'error-code-mismatch',
    defect: 'every error ResponseStatus says code 400, whatever the HTTP status',
    suites: [protocol],
    checks: ['PROTO-04'],
    front: () => [onJson((body) => (body?.status === 'error' ? { ...body, code: 400 } : body))],
  },
  {
    name: 'unknown-id-200-empty',
    defect: 'an unknown id answers 200 with an empty object instead of 404',
    suites: [protocol],
    checks: ['PROTO-06'],
    front: () => [
      onJson((body, res, info) => {
        if (res.statusCode !== 404 || !itemOf(info.path)) return body;
        res.status(200);
        return {};
      }),
    ],
  },
  {
    name: 'deleted-references-dropped',
    defect: 'modified_since lists leave out deletedReferences',
    suites: [protocol],
    checks: ['PROTO-09'],
    front: () => [
      onJson((body) => {
        if (!body || typeof body !== 'object' || !('deletedReferences' in body)) return body;
        const { deletedReferences: _d, ...rest } = body;
        return rest;
      }),
    ],
  },
  {
    name: 'meta-offset-one-based',
    defect: 'meta.offset counts from 1 (page 1 says offset 1)',
    suites: [protocol],
    checks: ['PROTO-07'],
    front: () => [onJson((body) => (typeof body?.meta?.offset === 'number' ? { ...body, meta: { ...body.meta, offset: body.meta.offset + 1 } } : body))],
  },
  {
    name: 'notification-not-sent',
    defect: 'no webhook notification is ever sent',
    suites: [uc4],
    checks: ['UC4-10'],
    plant(platform) {
      platform.webhooks.handle = () => {};
    },
  },
  {
    name: 'notification-to-every-sp',
    defect: 'session notifications go to every subscribed SP, not only the right\'s issuer',
    suites: [uc4],
    checks: ['UC4-13'],
    callbackTimeoutMs: 3000,
    plant(platform) {
      platform.webhooks.deps.access = { canRead: allow, canWrite: allow };
    },
  },
  {
    name: 'operator-backend-ignored',
    defect: 'a place\'s operatorBackendUrl is accepted but session queries and updates are never forwarded',
    suites: [uc5],
    checks: ['UC5-05'],
    plant(platform) {
      const places = platform.store.places;
      const get = places.get.bind(places);
      places.get = (id, version) => {
        const place = get(id, version);
        if (!place || !('operatorBackendUrl' in place)) return place;
        const { operatorBackendUrl: _url, ...rest } = place;
        return rest as Entity;
      };
    },
  },
  {
    name: 'no-401-without-credentials',
    defect: 'a request without credentials is served as a dev SP (no 401)',
    suites: [security],
    checks: ['SEC-01'],
    front: (platform) => {
      const token = platform.clients.get('sp-sp0001')?.accessToken;
      if (!token) throw new Error('the dev client sp-sp0001 has no accessToken');
      return [
        (req: Request, _res: Response, next: NextFunction) => {
          if (req.headers.authorization === undefined && req.headers['x-mcc-access-token'] === undefined) req.headers['x-mcc-access-token'] = token;
          next();
        },
      ];
    },
  },
  {
    name: 'no-www-authenticate',
    defect: '401 answers carry no WWW-Authenticate challenge',
    suites: [security],
    checks: ['SEC-02'],
    front: () => [
      beforeJsonAnswer((body, res) => {
        res.removeHeader('WWW-Authenticate');
        return body;
      }),
    ],
  },
  {
    name: 'roles-not-enforced',
    defect: 'every client holds the po, sp and ep roles: a wrong role is accepted (no 403)',
    suites: [security],
    checks: ['SEC-05'],
    plant(platform) {
      const widen = (client: Client | undefined): Client | undefined => client && { ...client, roles: [...new Set<Role>([...client.roles, 'po', 'sp', 'ep'])] };
      const get = platform.clients.get.bind(platform.clients);
      const byToken = platform.clients.byAccessToken.bind(platform.clients);
      platform.clients.get = (id) => widen(get(id));
      platform.clients.byAccessToken = (token) => widen(byToken(token));
    },
  },
  {
    name: 'cross-tenant-read',
    defect: 'any caller reads every assigned right and session (no tenant isolation on reads)',
    suites: [security],
    checks: ['SEC-06'],
    plant(platform) {
      const canRead = platform.access.canRead.bind(platform.access);
      platform.access.canRead = (resource, entity, principal) => resource === 'AssignedRight' || resource === 'Session' || canRead(resource, entity, principal);
    },
  },
  {
    name: 'operator-writes-any-place',
    defect: 'an operator may change another operator\'s place (no 403)',
    suites: [security],
    checks: ['SEC-09'],
    plant(platform) {
      const canWrite = platform.access.canWrite.bind(platform.access);
      platform.access.canWrite = (resource, entity, principal) => resource === 'Place' || canWrite(resource, entity, principal);
    },
  },
  {
    name: 'signature-not-verified',
    defect: 'a bearer token whose signature was tampered with is accepted',
    suites: [security],
    checks: ['SEC-04'],
    options: { tokenSecret: 'mutation-testing-secret' },
    front: () => [
      (req: Request, _res: Response, next: NextFunction) => {
        // Re-signs whatever JWT comes in, so only the payload matters: the signature is, in effect, not checked.
        const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]*)$/.exec(req.headers.authorization ?? '');
        if (m) req.headers.authorization = `Bearer ${m[1]}.${m[2]}.${createHmac('sha256', 'mutation-testing-secret').update(`${m[1]}.${m[2]}`).digest('base64url')}`;
        next();
      },
    ],
  },
  {
    name: 'token-any-secret',
    defect: 'the token endpoint issues a token whatever the client secret',
    suites: [security],
    checks: ['SEC-12'],
    front: (platform) => [
      (req: Request, _res: Response, next: NextFunction) => {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        if (req.method === 'POST' && /\/auth$/.test(infoOf(req).path) && basic) {
          const id = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0]!;
          const client = platform.clients.get(decodeURIComponent(id));
          if (client) req.headers.authorization = `Basic ${Buffer.from(`${id}:${client.clientSecret}`).toString('base64')}`;
        }
        next();
      },
    ],
  },
  {
    name: 'scope-not-checked',
    defect: 'the token endpoint ignores the requested scope (no invalid_scope for a scope the client lacks)',
    suites: [security],
    checks: ['SEC-13'],
    front: () => {
      const form = express.urlencoded({ extended: false });
      return [
        (req: Request, res: Response, next: NextFunction) => {
          if (req.method !== 'POST' || !/\/auth$/.test(infoOf(req).path)) return next();
          // Parsed here (the app's parsers then skip a body already read), without its scope.
          form(req, res, (err?: unknown) => {
            if (!err && req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>).scope;
            next(err);
          });
        },
      ];
    },
  },
  {
    name: 'issuer-spoofing-accepted',
    defect: 'an assigned right keeps the assignedRightIssuer the body claims, not the sending organisation',
    suites: [security, uc4],
    checks: ['SEC-14'],
    async witness(target) {
      // RED Parking sends a right in SP0001's name; SP0001 then reads it as its own.
      const spec = target.platform.store.rightSpecs.get(UC4_SPEC)!;
      const id = `witness-${randomUUID()}`;
      const right = { ...minimalAssignedRight(id, { id: spec.id, version: spec.version }, 'WI70ESS'), assignedRightIssuer: { id: 'SP0001', className: 'DigitalServiceProvider' } };
      const sent = await call(target, 'sp-red-parking', 'POST', '/rights/assigned', right);
      if (sent.status !== 201) throw new Error(`POST /rights/assigned as ID_RED_PARKING answered ${sent.status}`);
      const read = await call(target, 'sp-sp0001', 'GET', `/rights/assigned/${id}`);
      if (read.status !== 200 || read.body?.assignedRightIssuer?.id !== 'SP0001') throw new Error(`the spoofed right is not SP0001's: ${read.status} ${JSON.stringify(read.body)}`);
    },
    front: (platform) => [rememberClaimedIssuer(platform)],
    plant(platform) {
      const claimed = new Map<string, string>();
      claimedIssuers.set(platform, claimed);
      const rights = platform.store.assignedRights;
      const create = rights.create.bind(rights);
      const replace = rights.replace.bind(rights);
      const spoof = (entity: Entity): Entity => {
        const id = claimed.get(entity.id);
        return id === undefined || id === entity.assignedRightIssuer?.id ? entity : { ...entity, assignedRightIssuer: { ...entity.assignedRightIssuer, id } };
      };
      rights.create = (entity, now, owner) => create(spoof(entity), now, owner);
      rights.replace = (entity, now, options) => replace(spoof(entity), now, options);
    },
  },
  {
    name: 'malformed-json-500',
    defect: 'malformed JSON answers 500 instead of 400',
    suites: [robustness],
    checks: ['ROB-01'],
    front: () => [
      onJson((body, res) => {
        if (res.statusCode !== 400 || !/malformed JSON/i.test(String(body?.message))) return body;
        res.status(500);
        return { status: 'error', code: 500, message: 'internal error' };
      }),
    ],
  },
  {
    name: 'wrong-content-type',
    defect: 'JSON answers are labelled Content-Type: text/plain',
    suites: [protocol],
    checks: ['PROTO-09'],
    async witness(target) {
      const reply = await call(target, 'ad-npp', 'GET', '/places');
      if (reply.status !== 200 || !reply.type.startsWith('text/plain')) throw new Error(`GET /places answered ${reply.status} ${reply.type}`);
    },
    front: () => [
      (_req: Request, res: Response, next: NextFunction) => {
        const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
        res.writeHead = ((...args: unknown[]) => {
          if (/^application\/json/.test(String(res.getHeader('Content-Type') ?? ''))) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          return writeHead(...args);
        }) as Response['writeHead'];
        next();
      },
    ],
  },
];


/** One request to a target as a dev client (its X-MCC-Access-Token), for witnesses. */
async function call(target: RunningTarget, clientId: string, method: string, path: string, body?: unknown): Promise<{ status: number; type: string; body: any }> {
  const token = target.platform.clients.get(clientId)?.accessToken;
  if (!token) throw new Error(`dev client ${clientId} has no accessToken`);
  const headers: Record<string, string> = { 'X-MCC-Access-Token': token, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${target.url}/v1/parking${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: parsed };
}

export function mutantNamed(name: string): Mutant {
  const m = MUTANTS.find((x) => x.name === name);
  if (!m) throw new Error(`no mutant ${name}`);
  return m;
}

export interface RunningTarget {
  /** Base URL (the API is under /v1/parking). */
  url: string;
  platform: MockPlatform;
  close(): Promise<void>;
}

/** The mock with the mutant's defect planted, listening on a free port; without a mutant, the mock as it is (behind the same wrapper). */
export async function startTarget(mutant?: Mutant): Promise<RunningTarget> {
  const platform = new MockPlatform(mutant?.options ?? {});
  mutant?.plant?.(platform);
  const app = createApp(platform);
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('etag', false);
  for (const handler of mutant?.front?.(platform) ?? []) outer.use(handler);
  outer.use(app);
  const server: Server = await new Promise((resolve, reject) => {
    const s = outer.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    platform,
    close: async () => {
      platform.close();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
