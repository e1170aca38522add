// The request journal: the last N requests (method, path, status, violations), in a fixed-size ring.
import type { Request, Response } from 'express';
import type { Violation } from '../spec/index.js';
import { rawJsonBody } from './http/body.js';
import type { RequestContext } from './http/context.js';

export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  durationMs: number;
  clientId?: string;
  violations?: Violation[];
  warnings?: string[];
  /** The request body when it is small; larger bodies are noted, not kept, so memory stays bounded. */
  body?: unknown;
  bodyOmitted?: string;
}

const MAX_KEPT_BODY_BYTES = 8192;
const SECRET_KEYS = /^(client_secret|clientSecret|password|secret|access_token|token)$/;

/** The journal is readable by anyone who reaches /__admin: secrets a client sent are not kept. */
function redactSecrets(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const entries = Object.entries(body as Record<string, unknown>);
  if (!entries.some(([k]) => SECRET_KEYS.test(k))) return body;
  return Object.fromEntries(entries.map(([k, v]) => [k, SECRET_KEYS.test(k) ? '(redacted)' : v]));
}

/**
 * Kept as recorded; the ISO time is made when someone reads the journal, not on every request, and a JSON body is
 * kept as its text (one string rather than a tree of objects that garbage collection would copy for 1,000 requests).
 */
type StoredEntry = Omit<JournalEntry, 'time'> & { timeMs: number; bodyText?: string };

export class RequestJournal {
  readonly #entries: (StoredEntry | undefined)[];
  #next = 0;
  #seq = 0;

  constructor(readonly capacity = 1000) {
    this.#entries = new Array(Math.max(1, capacity));
  }

  record(entry: Omit<StoredEntry, 'seq'>): void {
    (entry as StoredEntry).seq = ++this.#seq;
    this.#entries[this.#next] = entry as StoredEntry;
    this.#next = (this.#next + 1) % this.#entries.length;
  }

  /** Newest last, at most `limit` entries. */
  entries(limit = this.capacity): JournalEntry[] {
    const ordered: JournalEntry[] = [];
    for (let i = 0; i < this.#entries.length; i++) {
      const entry = this.#entries[(this.#next + i) % this.#entries.length];
      if (entry) {
        const { timeMs, bodyText, ...rest } = entry;
        const body = bodyText === undefined ? {} : { body: redactSecrets(JSON.parse(bodyText)) };
        ordered.push({ ...rest, time: new Date(timeMs).toISOString(), ...body } as JournalEntry);
      }
    }
    return ordered.slice(Math.max(0, ordered.length - limit));
  }

  clear(): void {
    this.#entries.fill(undefined);
    this.#next = 0;
  }

  /** Records a finished request; called once per request from the app's bookkeeping middleware. */
  recordFinished(req: Request, res: Response, durationMs: number): void {
    const ctx = res.locals.ctx as RequestContext | undefined;
    const url = req.originalUrl;
    const mark = url.indexOf('?');
    const entry: Omit<StoredEntry, 'seq'> = {
      timeMs: Date.now(),
      method: req.method,
      // originalUrl: routers strip their mount prefix from req.path while they run.
      path: mark < 0 ? url : url.slice(0, mark),
      // The request's own parsed query (parsed once per request, never changed after): kept, not copied.
      query: req.query as Record<string, unknown>,
      status: res.statusCode,
      durationMs,
    };
    if (ctx && ctx.principal.clientId !== 'anonymous') entry.clientId = ctx.principal.clientId;
    if (res.locals.violations) entry.violations = res.locals.violations;
    if (ctx?.warnings.length) entry.warnings = ctx.warnings;
    if (req.body !== undefined && typeof req.body !== 'string') {
      const text = rawJsonBody(req);
      // A chunked body has no Content-Length.
      const length = text !== undefined ? Buffer.byteLength(text) : Number(req.headers['content-length'] ?? 0);
      if (length > MAX_KEPT_BODY_BYTES) entry.bodyOmitted = `${length} bytes`;
      else if (text !== undefined) entry.bodyText = text;
      else entry.body = redactSecrets(req.body);
    }
    this.record(entry);
  }

}
