// Field-for-field comparison of a mock response with a seed 000 example (flows dialect).
//
// Every field of the seed example must be present in the response with an equal value. The only value
// differences tolerated are the documented normalisations (docs/architecture.md, spec-analysis §3.2 #12–#14, #20):
//   * timestamps: "2023-06-16 04:21:04" ≡ "2023-06-16T04:21:04Z", "2021-11-01T 13:05:00Z" ≡ "2021-11-01T13:05:00Z"
//   * durations:  "PTM3M" ≡ "PT3M"
//   * `countryCode`: case ("GB" ≡ "gb")
// The normalisation is applied to the seed side only: the response must hold either the seed's value or its
// normalised form, never some third spelling. Extra response fields are reported unless an `Allowance` names them.
import { expect } from 'vitest';

/** An extra response field that is not a difference; `path` is a JSON pointer where `*` matches any one segment. */
export interface Allowance {
  path: string;
  reason: string;
}

export interface Difference {
  path: string;
  problem: 'missing' | 'value' | 'type' | 'extra';
  expected?: unknown;
  actual?: unknown;
}

const SEED_INSTANT = /^(\d{4}-\d{2}-\d{2})(?: |T )(\d{2}:\d{2}:\d{2})(Z?)$/;
const SEED_DURATION = /^PTM(\d+)M$/;

/** The documented normal form of a seed value, or the value itself when none applies. */
export function normaliseSeedValue(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const instant = SEED_INSTANT.exec(value);
  if (instant) return `${instant[1]}T${instant[2]}Z`;
  const duration = SEED_DURATION.exec(value);
  if (duration) return `PT${duration[1]}M`;
  if (key === 'countryCode') return value.toLowerCase();
  return value;
}

function leafEqual(key: string, expected: unknown, actual: unknown): boolean {
  if (Object.is(expected, actual)) return true;
  if (typeof expected !== 'string' || typeof actual !== 'string') return false;
  const normal = normaliseSeedValue(key, expected);
  if (actual === normal) return true;
  return key === 'countryCode' && actual.toLowerCase() === normal;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

function matches(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const a = path.split('/');
  return p.length === a.length && p.every((seg, i) => seg === '*' || seg === a[i]);
}

/** Lists every difference between a seed example and a response (an empty list means they match). */
export function seedDifferences(actual: unknown, expected: unknown, allow: readonly Allowance[] = []): Difference[] {
  const out: Difference[] = [];
  const allowed = (path: string) => allow.some((a) => matches(a.path, path));
  const walk = (exp: unknown, act: unknown, path: string, key: string) => {
    if (Array.isArray(exp)) {
      if (!Array.isArray(act)) return void out.push({ path: path || '/', problem: 'type', expected: exp, actual: act });
      exp.forEach((e, i) => (i < act.length ? walk(e, act[i], `${path}/${i}`, key) : out.push({ path: `${path}/${i}`, problem: 'missing', expected: e })));
      for (let i = exp.length; i < act.length; i++) if (!allowed(`${path}/${i}`)) out.push({ path: `${path}/${i}`, problem: 'extra', actual: act[i] });
      return;
    }
    if (isObject(exp)) {
      if (!isObject(act)) return void out.push({ path: path || '/', problem: 'type', expected: exp, actual: act });
      for (const [k, e] of Object.entries(exp)) {
        if (!(k in act)) out.push({ path: `${path}/${k}`, problem: 'missing', expected: e });
        else walk(e, act[k], `${path}/${k}`, k);
      }
      for (const k of Object.keys(act)) if (!(k in exp) && !allowed(`${path}/${k}`)) out.push({ path: `${path}/${k}`, problem: 'extra', actual: act[k] });
      return;
    }
    if (!leafEqual(key, exp, act)) out.push({ path: path || '/', problem: kind(exp) === kind(act) ? 'value' : 'type', expected: exp, actual: act });
  };
  walk(expected, actual, '', '');
  return out;
}

/**
 * Asserts that a response matches a seed example. `knownBugs` lists paths (same pattern syntax) whose
 * differences are reported mock bugs with their own `it.fails` test; everything else must match.
 */
export function expectSeedMatch(actual: unknown, expected: unknown, allow: readonly Allowance[], knownBugs: readonly string[] = []): void {
  const diffs = seedDifferences(actual, expected, allow).filter((d) => !knownBugs.some((bug) => matches(bug, d.path)));
  expect(diffs, `response differs from the seed example:\n${JSON.stringify(diffs, null, 2)}\nresponse: ${JSON.stringify(actual)}`).toEqual([]);
}

/** RFC 7386 JSON merge patch, to derive the state a seed PATCH should leave. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Great-circle distance in metres (mean Earth radius). */
export function haversineMetres([lon1, lat1]: readonly number[], [lon2, lat2]: readonly number[]): number {
  const rad = Math.PI / 180;
  const dLat = (lat2! - lat1!) * rad;
  const dLon = (lon2! - lon1!) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1! * rad) * Math.cos(lat2! * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}
