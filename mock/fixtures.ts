// Loads a fixture set (a folder of JSON arrays, optionally extending another set) into the store.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from '../spec/package-root.js';
import type { SchemaRegistry } from '../spec/index.js';
import { isObject } from './dialect/common.js';
import type { Entity, PlatformStore } from './store/platform-store.js';

export const FIXTURE_FILES = {
  places: { file: 'places.json', schema: 'HierarchyElement' },
  rightSpecs: { file: 'right-specs.json', schema: 'RightSpecification' },
  rates: { file: 'rates.json', schema: 'RateTable' },
  assignedRights: { file: 'assigned-rights.json', schema: 'AssignedRight' },
  sessions: { file: 'sessions.json', schema: 'Session' },
  contacts: { file: 'contacts.json', schema: 'ContactPoint' },
} as const;

type CollectionName = keyof typeof FIXTURE_FILES;
export type FixtureSet = Record<CollectionName, Entity[]>;

const MANIFEST_KEYS: Record<string, CollectionName> = {
  places: 'places',
  'right-specs': 'rightSpecs',
  rates: 'rates',
  'assigned-rights': 'assignedRights',
  sessions: 'sessions',
  contacts: 'contacts',
};

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

/** A name (`default`, `uc5`) is a folder of the shipped fixtures; anything else is a path. */
export function shippedSetNames(): string[] {
  const root = join(packageRoot(), 'fixtures');
  return readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && isFixtureSet(join(root, e.name))).map((e) => e.name).sort();
}

const isFixtureSet = (dir: string) => ['manifest.json', ...Object.values(FIXTURE_FILES).map((f) => f.file)].some((file) => existsSync(join(dir, file)));

/** A folder is a fixture set only if it holds a manifest or at least one entity file. */
export function fixtureDir(nameOrPath: string, options: { shippedOnly?: boolean } = {}): string {
  const shipped = join(packageRoot(), 'fixtures', nameOrPath);
  if (/^[\w-]+$/.test(nameOrPath) && existsSync(shipped) && isFixtureSet(shipped)) return shipped;
  if (options.shippedOnly) throw new FixtureError(`fixture set "${nameOrPath}" not found among the shipped sets (${shippedSetNames().join(", ")})`);
  const dir = isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
  if (!existsSync(dir)) throw new FixtureError(`fixture set "${nameOrPath}" not found (looked for ${shipped} and ${dir})`);
  if (!isFixtureSet(dir)) throw new FixtureError(`${dir} is not a fixture set: it has no manifest.json nor any of ${Object.values(FIXTURE_FILES).map((f) => f.file).join(', ')}`);
  return dir;
}

function readJsonArray(path: string): Entity[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FixtureError(`${path}: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new FixtureError(`${path}: expected a JSON array of entities`);
  return parsed as Entity[];
}

export function readFixtureSet(nameOrPath: string, seen: string[] = [], options: { shippedOnly?: boolean } = {}): FixtureSet {
  const dir = fixtureDir(nameOrPath, options);
  if (seen.includes(dir)) throw new FixtureError(`fixture sets extend each other in a loop: ${[...seen, dir].join(' → ')}`);
  const manifestPath = join(dir, 'manifest.json');
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { extends?: string; add?: Record<string, Entity[]> }) : {};
  const set: FixtureSet = manifest.extends
    ? readFixtureSet(manifest.extends, [...seen, dir])
    : { places: [], rightSpecs: [], rates: [], assignedRights: [], sessions: [], contacts: [] };
  for (const [name, { file }] of Object.entries(FIXTURE_FILES) as Array<[CollectionName, { file: string }]>) {
    const path = join(dir, file);
    if (existsSync(path)) set[name] = [...set[name], ...readJsonArray(path)];
  }
  for (const [key, entities] of Object.entries(manifest.add ?? {})) {
    const name = MANIFEST_KEYS[key];
    if (!name) throw new FixtureError(`${manifestPath}: unknown collection "${key}" in add`);
    set[name] = [...set[name], ...entities];
  }
  return set;
}

/** True for the sets that ship in fixtures/ (validated by the project's tests, so not again at every start). */
export function isShippedSet(nameOrPath: string | false): boolean {
  return typeof nameOrPath === 'string' && /^[\w-]+$/.test(nameOrPath) && shippedSetNames().includes(nameOrPath);
}

/**
 * Validates every entity (unless told the set is already known good), then loads the set into an empty store;
 * a bad set throws and loads nothing.
 */
export function loadFixtureSet(store: PlatformStore, set: FixtureSet, schemas: SchemaRegistry, nowMs: number, options: { validate?: boolean } = {}): void {
  const problems: string[] = [];
  for (const [name, { schema }] of (options.validate === false ? [] : Object.entries(FIXTURE_FILES)) as Array<[CollectionName, { schema: string }]>) {
    for (const entity of set[name]) {
      const violations = schemas.validate(schema, entity);
      if (violations.length) problems.push(`${name} ${entity?.id}: ${violations.map((v) => `${v.path} ${v.message}`).join('; ')}`);
    }
  }
  if (problems.length) throw new FixtureError(`fixture set is not valid:\n  ${problems.slice(0, 20).join('\n  ')}`);
  store.clear();
  const now = new Date(nowMs).toISOString();
  for (const [name] of Object.entries(FIXTURE_FILES) as Array<[CollectionName, unknown]>) {
    const collection = store.collectionNamed(name)!;
    for (const entity of set[name]) {
      const copy: Entity = structuredClone(entity);
      if (name === 'places') copy.hierarchyElementRecord ??= { creationTime: now };
      if (name === 'rightSpecs') {
        copy.transferable ??= false;
        // Server-owned (E02): fixtures carry no issuer, so the platform stands as the issuer of its seed data.
        copy.issuer ??= { id: 'NPP', version: 1 };
      }
      collection.create(copy, nowMs);
      const aliases = copy['x-aliases'];
      if (Array.isArray(aliases)) for (const alias of aliases) if (typeof alias === 'string') collection.addAlias(alias, copy.id);
    }
  }
  for (const session of set.sessions) {
    for (const segment of Array.isArray(session.segments) ? session.segments : []) {
      if (isObject(segment) && isObject(segment.assignedRight) && !store.assignedRights.has(segment.assignedRight.id)) {
        throw new FixtureError(`sessions ${session.id}: segment ${segment.id} refers to unknown assigned right ${segment.assignedRight.id}`);
      }
    }
  }
}
