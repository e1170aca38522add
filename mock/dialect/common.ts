// Shape conversions shared by every resource: multilingual strings, sloppy timestamps, durations, one-or-many.
import { warn, type RequestContext } from '../http/context.js';

export type Json = Record<string, any>;

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const LANGUAGE = /^[a-z]{2}$/;

/** A shallow copy without the keys `hidden` picks: copying is cheaper than `delete`, which makes an object a slow dictionary. */
export function copyShown(source: Json, hidden: (key: string) => boolean): Json {
  const out: Json = {};
  for (const key of Object.keys(source)) if (!hidden(key)) out[key] = source[key];
  return out;
}

/** `{"en": "Piazza"}` — the seed's multilingual form. */
export function isLanguageMap(v: unknown): v is Record<string, string> {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => LANGUAGE.test(k) && typeof v[k] === 'string');
}

export function isSpecificLanguageArray(v: unknown): v is Array<{ language: string; string: string }> {
  return Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && typeof e.language === 'string' && typeof e.string === 'string');
}

export function toMultilingual(v: unknown): unknown {
  if (isLanguageMap(v)) return Object.entries(v).map(([language, string]) => ({ language, string }));
  return v;
}

export function fromMultilingual(v: unknown): unknown {
  if (isSpecificLanguageArray(v)) return Object.fromEntries(v.map((e) => [e.language, e.string]));
  return v;
}

/** Properties that hold a MultilingualString wherever they appear (issuer and serviceProvider differ by context). */
const MULTILINGUAL_KEYS = new Set([
  'name', 'description', 'operatorDefinedReference', 'periodName', 'rateTableName', 'rateTableID', 'city',
  'organisationName', 'notes', 'contactDetailsMoreInfo', 'contactDetailsResponsibility', 'contactPersonPosition',
  'operatingRestrictionContext', 'triggerDescription', 'labelForDisplay', 'colourName',
]);

const SLOPPY_INSTANT = /^(\d{4}-\d{2}-\d{2})(?:T\s+|\s+T?\s*)(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;
const ZONELESS_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const BROKEN_MINUTES = /^PTM(\d+)M$/;

/** `key` under `parent`, or `parent` itself: the path a warning names, made only when there is one. */
function normaliseString(value: string, ctx: RequestContext, parent: string, key?: string | number): string {
  // Only dates (a digit first) and durations (P…) can be sloppy: everything else skips the patterns.
  const first = value.charCodeAt(0);
  if (!((first >= 48 && first <= 57) || first === 80)) return value;
  const path = key === undefined ? parent || '/' : `${parent}/${key}`;
  const sloppy = SLOPPY_INSTANT.exec(value) ?? ZONELESS_INSTANT.exec(value);
  if (sloppy) {
    const [, date, time, zone] = sloppy;
    const fixed = `${date}T${time!.length === 5 ? time + ':00' : time}${zone ?? 'Z'}`;
    warn(ctx, `${path}: "${value}" read as ${fixed}`);
    return fixed;
  }
  const minutes = BROKEN_MINUTES.exec(value);
  if (minutes) {
    warn(ctx, `${path}: duration "${value}" read as PT${minutes[1]}M`);
    return `PT${minutes[1]}M`;
  }
  return value;
}

/**
 * Deep copy of a request body in which the seed's shape defects that do not depend on context are fixed:
 * language maps under multilingual keys, zone-less or spaced timestamps, `PTM3M`.
 */
export function normaliseDeep(value: unknown, ctx: RequestContext, path = ''): unknown {
  if (typeof value === 'string') return normaliseString(value, ctx, path);
  if (Array.isArray(value)) return value.map((v, i) => normaliseChild(v, ctx, path, i));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const key of Object.keys(value)) {
    let next = normaliseChild(value[key], ctx, path, key);
    if (MULTILINGUAL_KEYS.has(key)) next = toMultilingual(next);
    else if (key === 'aliases' && Array.isArray(next)) next = next.map(toMultilingual);
    out[key] = next;
  }
  return out;
}

/** The path of a child is only made for a container (or a warning): most children are plain leaves. */
function normaliseChild(value: unknown, ctx: RequestContext, parent: string, key: string | number): unknown {
  if (typeof value === 'string') return normaliseString(value, ctx, parent, key);
  return value === null || typeof value !== 'object' ? value : normaliseDeep(value, ctx, `${parent}/${key}`);
}

/** The inverse for output in the flows dialect: multilingual arrays back to language maps. */
export function flowsDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flowsDeep);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    if (MULTILINGUAL_KEYS.has(key)) out[key] = fromMultilingual(v);
    else if (key === 'aliases' && Array.isArray(v)) out[key] = v.map(fromMultilingual);
    else out[key] = flowsDeep(v);
  }
  return out;
}

/** Wraps a lone object in an array (the seed gives one where the contract wants many). */
export function asArray(value: unknown): unknown {
  return isObject(value) ? [value] : value;
}

/** Unwraps a one-element array (the inverse of asArray, for flows output). */
export function single(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

export function rename(obj: Json, from: string, to: string): void {
  if (obj[from] !== undefined && obj[to] === undefined) {
    obj[to] = obj[from];
  }
  delete obj[from];
}
