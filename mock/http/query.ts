// Reads query parameters with clear 400s for bad values; unknown parameters are reported, not fatal.
import type { Express } from 'express';
import type { IncomingMessage } from 'node:http';
import { parse, type ParsedUrlQuery } from 'node:querystring';
import type { RequestContext } from './context.js';
import { warn } from './context.js';
import { badRequest } from './errors.js';

const PARSED_QUERY = Symbol('parsedQuery');

/**
 * Makes req.query parse once per request. Express 5 re-parses the query string on every read, and a request is read
 * by the context (dialect), its route and the journal. Same parser as Express's default ('simple': node:querystring);
 * routers only strip path prefixes, so the query string a request arrived with stays its query.
 */
export function parseQueryOnce(app: Express): void {
  Object.defineProperty(app.request, 'query', {
    configurable: true,
    enumerable: true,
    get(this: IncomingMessage & { [PARSED_QUERY]?: ParsedUrlQuery }): ParsedUrlQuery {
      const cached = this[PARSED_QUERY];
      if (cached) return cached;
      const url = this.url ?? '';
      const mark = url.indexOf('?');
      return (this[PARSED_QUERY] = parse(mark < 0 ? '' : url.slice(mark + 1)));
    },
  });
}

/** Parameters every route accepts (dialect switch), never reported as unknown. */
const ALWAYS_KNOWN = new Set(['dialect']);

export class QueryReader {
  readonly #query: Record<string, unknown>;
  /** The names read so far (a handful: an array beats a Set here). */
  readonly #known: string[] = [];

  constructor(
    query: unknown,
    readonly ctx: RequestContext,
  ) {
    this.#query = (query ?? {}) as Record<string, unknown>;
  }

  has(name: string): boolean {
    this.#known.push(name);
    return this.#query[name] !== undefined;
  }

  string(name: string): string | undefined {
    this.#known.push(name);
    const raw = this.#query[name];
    if (raw === undefined) return undefined;
    if (Array.isArray(raw)) throw badRequest(`query parameter ${name} is given more than once`);
    if (typeof raw !== 'string') throw badRequest(`query parameter ${name} must be a plain value`);
    return raw;
  }

  /** Comma-separated values; a repeated parameter adds to the list. */
  list(name: string): string[] | undefined {
    this.#known.push(name);
    const raw = this.#query[name];
    if (raw === undefined) return undefined;
    if (typeof raw === 'string' && !raw.includes(',') && raw.trim() === raw && raw !== '') return [raw];
    const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
    const values = parts.map((v) => v.trim()).filter((v) => v !== '');
    if (values.length === 0) throw badRequest(`query parameter ${name} is empty`);
    return values;
  }

  enumList<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const values = this.list(name);
    if (!values) return undefined;
    const bad = values.filter((v) => !allowed.includes(v as T));
    if (bad.length) throw badRequest(`query parameter ${name} has unknown value ${bad.map((b) => `"${b}"`).join(', ')}; allowed: ${allowed.join(', ')}`);
    return values as T[];
  }

  number(name: string, options: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    const kind = options.integer ? 'an integer' : 'a number';
    if (raw.trim() === '' || !Number.isFinite(value) || (options.integer && !Number.isInteger(value))) {
      throw badRequest(`query parameter ${name} must be ${kind}, got "${raw}"`);
    }
    if (options.min !== undefined && value < options.min) throw badRequest(`query parameter ${name} must be ≥ ${options.min}, got ${raw}`);
    if (options.max !== undefined && value > options.max) throw badRequest(`query parameter ${name} must be ≤ ${options.max}, got ${raw}`);
    return value;
  }

  /** Epoch seconds, or `now` (the virtual clock, or X-Mock-Now); returns milliseconds. */
  instant(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw === 'now') return this.ctx.nowMs;
    if (!/^\d+$/.test(raw)) throw badRequest(`query parameter ${name} must be epoch seconds or "now", got "${raw}"`);
    return Number(raw) * 1000;
  }

  /** Reports the parameters no reader asked for (call after every filter has been read). */
  reportUnknown(): void {
    const unknown = Object.keys(this.#query).filter((k) => !ALWAYS_KNOWN.has(k) && !this.#known.includes(k));
    if (unknown.length) warn(this.ctx, `ignored unknown query parameter ${unknown.join(', ')}`);
  }
}
