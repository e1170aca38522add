// Shared by the generate-* modules: the writable resources, what payloads may refer to, seeded randomness.
import type { Violation } from '../spec/index.js';

export type Json = Record<string, any>;

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
export const clone = <T>(v: T): T => structuredClone(v);

export interface Ref {
  id: string;
  version: number;
}

// ----- Writable resources ----- //

export type GenKind = 'places' | 'rates' | 'rightSpecs' | 'assignedRights' | 'sessions';

export const GEN_RESOURCES: Readonly<Record<GenKind, { schema: string; path: string; noun: string }>> = {
  places: { schema: 'HierarchyElement', path: '/places', noun: 'place' },
  rates: { schema: 'RateTable', path: '/rates', noun: 'rate table' },
  rightSpecs: { schema: 'RightSpecification', path: '/rights/specs', noun: 'right specification' },
  assignedRights: { schema: 'AssignedRight', path: '/rights/assigned', noun: 'assigned right' },
  sessions: { schema: 'Session', path: '/sessions', noun: 'session' },
};

/** What generated payloads may refer to: objects that exist on the target (fixtures, or created earlier). */
export interface GenerateRefs {
  /** places: the parent of every generated place (a place the writing operator runs). */
  parent?: Ref & { layer?: number };
  /** rightSpecs: the places they apply at; sessions: the session's place. */
  places?: readonly Ref[];
  /** rightSpecs: rate tables for rateEligibility (left out when empty). */
  rates?: readonly Ref[];
  /** assignedRights: their right specification. */
  specs?: readonly Ref[];
  /** sessions: the assigned rights of their segments. */
  rights?: readonly Ref[];
}

/** Validates a value against a named schema of our document (default: spec/index.ts's shared registry). */
export type SchemaValidate = (schemaName: string, value: unknown) => Violation[];

export interface GenerateOptions {
  seed: number;
  count: number;
  /** One fresh id per payload (the only part of a payload that is not derived from the seed). */
  ids: readonly string[];
  refs?: GenerateRefs;
  validate?: SchemaValidate;
}

// ----- Seeded randomness ----- //

/** FNV-1a over the parts: a 32-bit seed per (run seed, resource, index, attempt). */
export function deriveSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u241f')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 1 : h;
}

/** mulberry32: a small, fast, seedable PRNG (returns [0, 1)); also drives the benchmark's synthetic data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ----- Small helpers ----- //

export const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
export const ref = (r: Ref): Ref => ({ id: r.id, version: r.version });
export const isoAt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
