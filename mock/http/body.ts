// JSON bodies: 1 MB limit (413), malformed JSON (400), non-JSON media types (415), and no prototype keys (400).
import express, { type NextFunction, type Request, type Response } from 'express';
import { finished } from 'node:stream';
import getRawBody from 'raw-body';
import sjson from 'secure-json-parse';
import { ApiError } from './errors.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/([\w.+-]+\+)?json$|^application\/merge-patch\+json$/i;

const RAW_JSON = Symbol('rawJsonBody');

/** The text a JSON body was parsed from (for the request journal, which keeps that rather than the parsed tree). */
export function rawJsonBody(req: Request): string | undefined {
  return (req as Request & { [RAW_JSON]?: string })[RAW_JSON];
}

// Compressed or non-UTF-8 bodies: body-parser inflates and decodes them.
const readDecodedText = express.text({ type: () => true, limit: BODY_LIMIT_BYTES, defaultCharset: 'utf-8' });

const UTF8_OR_NO_CHARSET = /^[^;]*(;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i;

/**
 * The body as text. Most bodies are plain UTF-8 JSON: those are read by raw-body straight into one Buffer, which spares
 * every POST body-parser's content-type parsing and streaming decoder; compressed bodies and other charsets go to
 * body-parser.
 */
function readText(req: Request, res: Response, done: (err: unknown, text?: string) => void): void {
  const encoding = req.headers['content-encoding'];
  if ((encoding !== undefined && encoding.toLowerCase() !== 'identity') || !UTF8_OR_NO_CHARSET.test(req.headers['content-type'] ?? '')) {
    readDecodedText(req, res, (err?: unknown) => done(err, typeof req.body === 'string' ? req.body : ''));
    return;
  }
  getRawBody(req, { length: req.headers['content-length'], limit: BODY_LIMIT_BYTES }, (err, buffer) => {
    if (err) {
      // Like body-parser: read off the rest first, so the client gets the 4xx rather than a reset mid-upload.
      req.resume();
      finished(req, () => done(err));
      return;
    }
    const text = buffer.toString('utf8');
    done(undefined, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  });
}

const READ = Symbol('bodyRead');

/** Reads a request's body once however many routers it passes (the app's collection routes read it first). */
export function jsonBody() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE' || req.method === 'OPTIONS') return next();
    const marked = req as Request & { [READ]?: true };
    if (marked[READ]) return next();
    marked[READ] = true;
    readText(req, res, (err, text = '') => {
      if (err) return next(err);
      if (text.trim() === '') {
        req.body = undefined;
        return next();
      }
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (mediaType !== '' && !JSON_TYPE.test(mediaType)) {
        return next(new ApiError(415, `unsupported media type ${mediaType}: send application/json`));
      }
      try {
        // secure-json-parse scans the whole text twice for prototype keys; a text in which no such key can hide
        // (no __proto__, no constructor, no \u escape to spell one) is parsed as it is.
        const suspect = text.includes('__proto__') || text.includes('constructor') || text.includes('\\u');
        req.body = suspect ? sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) : JSON.parse(text);
        (req as Request & { [RAW_JSON]?: string })[RAW_JSON] = text;
      } catch (parseError) {
        const message = (parseError as Error).message;
        if (/prototype/i.test(message)) {
          return next(new ApiError(400, 'request body contains a forbidden key (__proto__ or constructor.prototype)', [{ path: '/', message }]));
        }
        return next(new ApiError(400, `malformed JSON in request body: ${message}`));
      }
      next();
    });
  };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper bodies are refused: no parking object nests this far, and deep input must not exhaust the stack. */
export const MAX_BODY_DEPTH = 64;

/**
 * Reports the first key that must never reach object prototypes (`constructor` alone passes sjson, so it is checked
 * here too) or the first place nested too deep. Most bodies have neither: they are walked once without making a path
 * per node; only a body with a problem is walked again to name where it is.
 */
export function inspectBody(value: unknown): { forbidden?: string; tooDeep?: string } {
  return hasProblem(value, 0) ? locateProblem(value) : {};
}

/** Recursion stops at MAX_BODY_DEPTH, so deep input cannot exhaust the stack here. */
function hasProblem(node: unknown, depth: number): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (depth >= MAX_BODY_DEPTH) return true;
  if (Array.isArray(node)) {
    for (const child of node) if (hasProblem(child, depth + 1)) return true;
    return false;
  }
  for (const key of Object.keys(node)) {
    if (FORBIDDEN_KEYS.has(key) || hasProblem((node as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/** The same walk without recursion, naming the path of the first problem. */
function locateProblem(value: unknown): { forbidden?: string; tooDeep?: string } {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const { value: node, path, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { tooDeep: path || '/' };
    if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push({ value: child, path: `${path}/${i}`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) return { forbidden: `${path}/${key}` };
      stack.push({ value: (node as Record<string, unknown>)[key], path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  return {};
}

/** Throws a clear 400 for a body with prototype keys or nested too deep; use before walking a body. */
export function assertSafeBody(value: unknown): void {
  const { forbidden, tooDeep } = inspectBody(value);
  if (forbidden) throw new ApiError(400, `request body contains a forbidden key at ${forbidden}`, [{ path: forbidden, message: 'forbidden key' }]);
  if (tooDeep) {
    const path = tooDeep.slice(0, 200);
    throw new ApiError(400, `request body nests deeper than ${MAX_BODY_DEPTH} levels (at ${path})`, [{ path, message: 'nested too deep' }]);
  }
}
