// The journal as `report --from-journal` reads it: its entries, the contract routes they are matched to, and each
// request turned into a redacted Exchange (the evidence of every check).
import type { OpenApiDocument } from '../spec/index.js';
import type { Query } from './journal-steps.js';
import type { Exchange } from './model.js';

/** One entry of the mock's journal (GET /__admin/journal), as it travels over HTTP. */
export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  query?: Record<string, unknown>;
  status: number;
  durationMs: number;
  clientId?: string;
  violations?: Array<{ path: string; message: string }>;
  warnings?: string[];
  body?: unknown;
  bodyOmitted?: string;
}

export interface Journal {
  capacity?: number;
  entries: JournalEntry[];
}

// --- routes of the contract -------------------------------------------------------------------------------------

const API_PREFIX = '/v1/parking';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface Route {
  template: string;
  pattern: RegExp;
  literals: number;
  operations: Map<string, string>;
}

export function contractRoutes(doc: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    if (template.startsWith('/__admin')) continue;
    const operations = new Map<string, string>();
    for (const m of METHODS) if (item?.[m]) operations.set(m.toUpperCase(), String(item[m].operationId ?? `${m} ${template}`));
    const segments = template.split('/').filter(Boolean);
    const source = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    routes.push({ template, pattern: new RegExp(`^/${source}$`), literals: segments.filter((s) => !s.startsWith('{')).length, operations });
  }
  // The most literal template wins (/rights/specs before /rights/{id}).
  return routes.sort((a, b) => b.literals - a.literals);
}

/** The contract path of a request path: the /v1/parking mount stripped, a trailing slash ignored. */
export function apiPath(path: string): string {
  let p = path.startsWith(`${API_PREFIX}/`) || path === API_PREFIX ? path.slice(API_PREFIX.length) : path;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p || '/';
}

export const isAdmin = (path: string) => path === '/__admin' || path.startsWith('/__admin/');

// --- evidence ---------------------------------------------------------------------------------------------------

const SECRET_KEY = /secret|password|passwd|token|assertion|api[-_]?key/i;

/** Bodies as the journal kept them, with credentials (e.g. a client_secret posted to /auth) redacted. */
function redactBody(value: unknown, depth = 0): unknown {
  if (depth > 40 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactBody(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && typeof v !== 'object' ? '(redacted)' : redactBody(v, depth + 1)]));
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function exchangeOf(entry: JournalEntry, baseUrl: string): Exchange {
  const redactedQuery = Object.fromEntries(Object.entries(entry.query ?? {}).map(([k, v]) => [k, SECRET_KEY.test(k) ? '(redacted)' : v]));
  return {
    label: `#${entry.seq}${entry.clientId ? ` ${entry.clientId}` : ''} at ${entry.time}`,
    direction: 'inbound',
    request: {
      method: entry.method,
      url: `${baseUrl}${entry.path}${queryString(redactedQuery)}`,
      headers: {},
      ...(entry.body !== undefined ? { body: redactBody(entry.body) } : entry.bodyOmitted ? { body: `(not kept by the journal: ${entry.bodyOmitted})` } : {}),
    },
    response: { status: entry.status, headers: {}, durationMs: entry.durationMs },
  };
}

export interface Classified {
  entry: JournalEntry;
  exchange: Exchange;
  path: string;
  route?: Route;
  operationId?: string;
}
