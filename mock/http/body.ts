// JSON bodies: 1 MB limit (413), malformed JSON (400), non-JSON media types (415), and no prototype keys (400).
import express, { type NextFunction, type Request, type Response } from 'express';
import sjson from 'secure-json-parse';
import { ApiError } from './errors.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/([\w.+-]+\+)?json$|^application\/merge-patch\+json$/i;

const readText = express.text({ type: () => true, limit: BODY_LIMIT_BYTES, defaultCharset: 'utf-8' });

export function jsonBody() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE' || req.method === 'OPTIONS') return next();
    readText(req, res, (err?: unknown) => {
      if (err) return next(err);
      const text = typeof req.body === 'string' ? req.body : '';
      if (text.trim() === '') {
        req.body = undefined;
        return next();
      }
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (mediaType !== '' && !JSON_TYPE.test(mediaType)) {
        return next(new ApiError(415, `unsupported media type ${mediaType}: send application/json`));
      }
      try {
        req.body = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
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

/** Finds keys that must never reach object prototypes (`constructor` alone passes sjson, so check here too). */
export function forbiddenKeyPath(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKeyPath(value[i], `${path}/${i}`);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `${path}/${key}`;
      const found = forbiddenKeyPath((value as Record<string, unknown>)[key], `${path}/${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
