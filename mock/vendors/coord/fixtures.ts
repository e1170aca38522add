// Coord (seed 003) fixtures: users, access keys, locations with their tariff, sessions. Read from
// fixtures/vendors/coord.json and checked here, so a bad edit fails at start with the offending entry named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../spec/package-root.js';

export interface CoordUser {
  id: string;
  name?: string;
  is_test_user: boolean;
}

/** Minor units (US cents) per started minute, or per started block of `block_minutes`. */
export type Tariff = { currency: string; per: 'minute'; amount: number } | { currency: string; per: 'block'; block_minutes: number; amount: number };

export interface CoordLocation {
  id: string;
  name?: string;
  /** `none`: sessions start on creation and end with PUT …/end. `barcode`: they start and end by scanning. */
  redemption: 'none' | 'barcode';
  tariff: Tariff;
}

export interface FixtureSession {
  id: number;
  location_id: string;
  user_id: string;
  start_time?: string;
  end_time?: string;
  billing_info?: { cost: { amount: number; currency: string } };
}

export interface CoordFixtures {
  users: CoordUser[];
  /** access key → user id */
  access_keys: Record<string, string>;
  locations: CoordLocation[];
  sessions: FixtureSession[];
}

export class CoordFixtureError extends Error {
  override readonly name = 'CoordFixtureError';
}

export function coordFixturesPath(): string {
  return join(packageRoot(), 'fixtures', 'vendors', 'coord.json');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
const positiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

function checkTariff(t: unknown, where: string): void {
  if (!isObject(t) || typeof t.currency !== 'string' || !/^[A-Z]{3}$/.test(t.currency)) throw new CoordFixtureError(`${where}: tariff needs a currency such as "USD"`);
  if (!Number.isInteger(t.amount) || t.amount < 0) throw new CoordFixtureError(`${where}: tariff amount must be an integer ≥ 0 (minor units)`);
  if (t.per === 'block' && !positiveInt(t.block_minutes)) throw new CoordFixtureError(`${where}: a per-block tariff needs block_minutes ≥ 1`);
  if (t.per !== 'minute' && t.per !== 'block') throw new CoordFixtureError(`${where}: tariff per must be "minute" or "block"`);
}

/** Parses and checks the fixtures; throws CoordFixtureError naming the first problem. */
export function parseCoordFixtures(raw: unknown, source = 'coord fixtures'): CoordFixtures {
  if (!isObject(raw) || !Array.isArray(raw.users) || !isObject(raw.access_keys) || !Array.isArray(raw.locations) || !Array.isArray(raw.sessions)) {
    throw new CoordFixtureError(`${source}: expected {users: [], access_keys: {}, locations: [], sessions: []}`);
  }
  const users = new Map<string, CoordUser>();
  for (const u of raw.users) {
    if (!isObject(u) || typeof u.id !== 'string' || !UUID.test(u.id) || typeof u.is_test_user !== 'boolean') throw new CoordFixtureError(`${source}: user ${JSON.stringify(u)} needs a UUID id and is_test_user`);
    if (users.has(u.id)) throw new CoordFixtureError(`${source}: user ${u.id} is listed twice`);
    users.set(u.id, u as CoordUser);
  }
  for (const [key, userId] of Object.entries(raw.access_keys)) {
    if (key === '' || typeof userId !== 'string' || !users.has(userId)) throw new CoordFixtureError(`${source}: access key "${key}" names no known user`);
  }
  const locations = new Set<string>();
  for (const l of raw.locations) {
    const where = `${source}: location ${JSON.stringify(l?.id)}`;
    if (!isObject(l) || typeof l.id !== 'string' || !/^[^/?#\s]+$/.test(l.id)) throw new CoordFixtureError(`${where}: needs an id usable in a path`);
    if (locations.has(l.id)) throw new CoordFixtureError(`${where}: listed twice`);
    if (l.redemption !== 'none' && l.redemption !== 'barcode') throw new CoordFixtureError(`${where}: redemption must be "none" or "barcode"`);
    checkTariff(l.tariff, where);
    locations.add(l.id);
  }
  const ids = new Set<number>();
  const open = new Set<string>();
  for (const s of raw.sessions) {
    const where = `${source}: session ${JSON.stringify(s?.id)}`;
    if (!isObject(s) || !positiveInt(s.id)) throw new CoordFixtureError(`${where}: needs an integer id ≥ 1`);
    if (ids.has(s.id)) throw new CoordFixtureError(`${where}: listed twice`);
    if (!locations.has(s.location_id)) throw new CoordFixtureError(`${where}: unknown location ${JSON.stringify(s.location_id)}`);
    if (!users.has(s.user_id)) throw new CoordFixtureError(`${where}: unknown user ${JSON.stringify(s.user_id)}`);
    const location = raw.locations.find((l: CoordLocation) => l.id === s.location_id) as CoordLocation;
    if (location.redemption !== 'none') throw new CoordFixtureError(`${where}: only plain sessions can be fixtures (redemption sessions are created through the API)`);
    for (const field of ['start_time', 'end_time'] as const) {
      if (s[field] !== undefined && (typeof s[field] !== 'string' || !INSTANT.test(s[field]) || Number.isNaN(Date.parse(s[field])))) {
        throw new CoordFixtureError(`${where}: ${field} must look like 2018-04-12T00:14:20.292Z`);
      }
    }
    if (s.start_time === undefined) throw new CoordFixtureError(`${where}: a plain session needs a start_time`);
    if (s.end_time !== undefined && Date.parse(s.end_time) < Date.parse(s.start_time)) throw new CoordFixtureError(`${where}: end_time before start_time`);
    if (s.billing_info !== undefined && (s.end_time === undefined || !isObject(s.billing_info?.cost) || !Number.isInteger(s.billing_info.cost.amount))) {
      throw new CoordFixtureError(`${where}: billing_info needs an end_time and {cost: {amount: int, currency}}`);
    }
    if (s.end_time === undefined) {
      const key = `${s.user_id} ${s.location_id}`;
      if (open.has(key)) throw new CoordFixtureError(`${where}: a second open session of ${s.user_id} at ${s.location_id}`);
      open.add(key);
    }
    ids.add(s.id);
  }
  return raw as unknown as CoordFixtures;
}

export function readCoordFixtures(path = coordFixturesPath()): CoordFixtures {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CoordFixtureError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseCoordFixtures(raw, path);
}

/** Cost of a stay: every started minute or block is paid in full; a stay of 0 ms costs nothing. */
export function costOf(tariff: Tariff, durationMs: number): { amount: number; currency: string } {
  const unitMs = (tariff.per === 'minute' ? 1 : tariff.block_minutes) * 60_000;
  const units = Math.ceil(Math.max(0, durationMs) / unitMs);
  return { amount: units * tariff.amount, currency: tariff.currency };
}
