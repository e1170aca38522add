// Secured-parking (seed 002) fixtures: drivers and tokens, parkings (tariff, access points), sessions, smart keys
// and the payment sandbox's test cards. Read from fixtures/vendors/secured-parking.json and checked here, so a bad
// edit fails at start with the offending entry named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../spec/package-root.js';

export const SESSION_STATES = ['entering', 'active', 'exiting', 'paid', 'closed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export interface Driver {
  id: number;
  name?: string;
  access_token: string;
}

export interface AccessPoint {
  module_id: number;
  mac_address: string;
}

/** `unit_amount` minor units per started `unit_minutes`, at least `minimum_units` units. */
export interface Tariff {
  unit_minutes: number;
  unit_amount: number;
  minimum_units: number;
}

export interface Parking {
  id: number;
  name: string;
  description?: string | null;
  is_active?: boolean | null;
  is_online?: boolean;
  currency: string;
  tariff: Tariff;
  access_points?: AccessPoint[];
  /** The secured parking whose barrier system issues this parking's smart keys (its id, name and access points). */
  smart_key_parking_id?: number;
}

export interface FixtureSession {
  id: number;
  driver_id: number;
  secured_parking_id: number;
  type: 'pay_per_use';
  state: SessionState;
  start_time: string;
  end_time: string | null;
  entrance_remaining_tries: number;
  exit_remaining_tries: number;
  smart_key_id: number;
  /** Minor units; only for sessions past finalize. */
  amount?: number;
}

export interface FixtureSmartKey {
  id: number;
  parking_session_id: number;
  type: 'session_access';
  start_time: string;
  end_time: string;
  access_command: string;
}

export interface TestCard {
  number: string;
  provider: string;
  result: 'accepted' | 'declined';
  /** When set, the CVV must be exactly this ('' = none). */
  cvv?: string;
  /** When set, the expiry must be this month (MM/YYYY; MM/YY accepted too). */
  expiry?: string;
  decline_reason?: string;
  note?: string;
}

export interface SecuredParkingFixtures {
  settings: { smart_key_validity_minutes: number; remaining_tries: number };
  drivers: Driver[];
  parkings: Parking[];
  sessions: FixtureSession[];
  smart_keys: FixtureSmartKey[];
  test_cards: TestCard[];
}

export class SecuredParkingFixtureError extends Error {
  override readonly name = 'SecuredParkingFixtureError';
}

export function securedParkingFixturesPath(): string {
  return join(packageRoot(), 'fixtures', 'vendors', 'secured-parking.json');
}

/** The seed's timestamps: ISO 8601 to the second with an explicit offset (`+00:00` or `Z`). */
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;
export const MAC_ADDRESS = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/;
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
const positiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function fail(message: string): never {
  throw new SecuredParkingFixtureError(message);
}

function list(doc: Record<string, any>, key: string): Record<string, any>[] {
  const value = doc[key];
  if (!Array.isArray(value) || !value.every(isObject)) fail(`"${key}" must be an array of objects`);
  return value;
}

function uniqueIds(items: Record<string, any>[], key: string): Set<number> {
  const ids = new Set<number>();
  for (const [i, item] of items.entries()) {
    if (!positiveInt(item.id)) fail(`${key}[${i}]: id must be an integer ≥ 1`);
    if (ids.has(item.id)) fail(`${key}[${i}]: duplicate id ${item.id}`);
    ids.add(item.id);
  }
  return ids;
}

/** Checks a parsed fixtures document and returns it typed; throws SecuredParkingFixtureError naming the entry. */
export function checkSecuredParkingFixtures(doc: unknown): SecuredParkingFixtures {
  if (!isObject(doc)) fail('the fixtures file must hold a JSON object');
  const settings = doc.settings;
  if (!isObject(settings) || !positiveInt(settings.smart_key_validity_minutes) || !count(settings.remaining_tries)) {
    fail('settings needs smart_key_validity_minutes (integer ≥ 1) and remaining_tries (integer ≥ 0)');
  }

  const drivers = list(doc, 'drivers');
  const driverIds = uniqueIds(drivers, 'drivers');
  const tokens = new Set<string>();
  for (const [i, d] of drivers.entries()) {
    if (typeof d.access_token !== 'string' || !/^[A-Za-z0-9\-._~+/]{16,}=*$/.test(d.access_token)) fail(`drivers[${i}]: access_token must be a token of at least 16 characters`);
    if (tokens.has(d.access_token)) fail(`drivers[${i}]: access_token is already used by another driver`);
    tokens.add(d.access_token);
  }

  const parkings = list(doc, 'parkings');
  const parkingIds = uniqueIds(parkings, 'parkings');
  for (const [i, p] of parkings.entries()) {
    const where = `parkings[${i}] (id ${p.id})`;
    if (typeof p.name !== 'string' || p.name === '') fail(`${where}: name is required`);
    if (typeof p.currency !== 'string' || !/^[A-Z]{3}$/.test(p.currency)) fail(`${where}: currency must be an ISO 4217 code such as "RON"`);
    const t = p.tariff;
    if (!isObject(t) || !positiveInt(t.unit_minutes) || !count(t.unit_amount) || !count(t.minimum_units)) {
      fail(`${where}: tariff needs unit_minutes (≥ 1), unit_amount (minor units, ≥ 0) and minimum_units (≥ 0)`);
    }
    if (p.description !== undefined && p.description !== null && typeof p.description !== 'string') fail(`${where}: description must be a string or null`);
    if (p.is_active !== undefined && p.is_active !== null && typeof p.is_active !== 'boolean') fail(`${where}: is_active must be a boolean or null`);
    if (p.is_online !== undefined && typeof p.is_online !== 'boolean') fail(`${where}: is_online must be a boolean`);
    if (p.smart_key_parking_id !== undefined) {
      if (p.access_points !== undefined) fail(`${where}: give either access_points or smart_key_parking_id, not both`);
      const target = parkings.find((q) => q.id === p.smart_key_parking_id);
      if (!target) fail(`${where}: smart_key_parking_id ${p.smart_key_parking_id} is not a parking`);
      if (target.smart_key_parking_id !== undefined) fail(`${where}: smart_key_parking_id must name a parking with its own access points`);
    } else {
      if (!Array.isArray(p.access_points) || p.access_points.length === 0) fail(`${where}: access_points (a non-empty array) or smart_key_parking_id is required`);
      for (const [j, a] of p.access_points.entries()) {
        if (!isObject(a) || !positiveInt(a.module_id) || typeof a.mac_address !== 'string' || !MAC_ADDRESS.test(a.mac_address)) {
          fail(`${where}: access_points[${j}] needs module_id (integer ≥ 1) and mac_address (AA:BB:CC:DD:EE:FF)`);
        }
      }
    }
  }

  const keys = list(doc, 'smart_keys');
  const keyIds = uniqueIds(keys, 'smart_keys');
  const sessions = list(doc, 'sessions');
  const sessionIds = uniqueIds(sessions, 'sessions');
  const keyOwners = new Map<number, number>();
  for (const [i, s] of sessions.entries()) {
    const where = `sessions[${i}] (id ${s.id})`;
    if (!driverIds.has(s.driver_id)) fail(`${where}: driver_id ${s.driver_id} is not a driver`);
    if (!parkingIds.has(s.secured_parking_id)) fail(`${where}: secured_parking_id ${s.secured_parking_id} is not a parking`);
    if (s.type !== 'pay_per_use') fail(`${where}: type must be "pay_per_use" (the only value of the seed)`);
    if (!SESSION_STATES.includes(s.state)) fail(`${where}: state must be one of ${SESSION_STATES.join(', ')}`);
    if (typeof s.start_time !== 'string' || !INSTANT.test(s.start_time)) fail(`${where}: start_time must be an ISO 8601 instant such as 2017-09-07T08:00:00+00:00`);
    const finalized = s.state === 'exiting' || s.state === 'paid' || s.state === 'closed';
    if (finalized ? typeof s.end_time !== 'string' || !INSTANT.test(s.end_time) : s.end_time !== null) {
      fail(`${where}: end_time is ${finalized ? 'an ISO 8601 instant once the session is finalized' : 'null until the session is finalized'}`);
    }
    if (finalized ? !count(s.amount) : s.amount !== undefined) fail(`${where}: amount (minor units) is ${finalized ? 'required' : 'only allowed'} once the session is finalized`);
    if (!count(s.entrance_remaining_tries) || !count(s.exit_remaining_tries)) fail(`${where}: entrance_remaining_tries and exit_remaining_tries must be integers ≥ 0`);
    if (!keyIds.has(s.smart_key_id)) fail(`${where}: smart_key_id ${s.smart_key_id} is not a smart key`);
    if (keyOwners.has(s.smart_key_id)) fail(`${where}: smart key ${s.smart_key_id} already belongs to session ${keyOwners.get(s.smart_key_id)}`);
    keyOwners.set(s.smart_key_id, s.id);
  }
  for (const [i, k] of keys.entries()) {
    const where = `smart_keys[${i}] (id ${k.id})`;
    if (!sessionIds.has(k.parking_session_id) || keyOwners.get(k.id) !== k.parking_session_id) fail(`${where}: parking_session_id must be the session whose smart_key_id is ${k.id}`);
    if (k.type !== 'session_access') fail(`${where}: type must be "session_access"`);
    if (typeof k.start_time !== 'string' || !INSTANT.test(k.start_time) || typeof k.end_time !== 'string' || !INSTANT.test(k.end_time)) fail(`${where}: start_time and end_time must be ISO 8601 instants`);
    if (Date.parse(k.end_time) < Date.parse(k.start_time)) fail(`${where}: end_time is before start_time`);
    if (typeof k.access_command !== 'string' || !/^([0-9a-f]{2})+$/.test(k.access_command)) fail(`${where}: access_command must be lower-case hex`);
  }

  const cards = list(doc, 'test_cards');
  const numbers = new Set<string>();
  for (const [i, c] of cards.entries()) {
    const where = `test_cards[${i}]`;
    if (typeof c.number !== 'string' || !/^\d{12,19}$/.test(c.number)) fail(`${where}: number must be 12 to 19 digits`);
    if (numbers.has(c.number)) fail(`${where}: duplicate number ${c.number}`);
    numbers.add(c.number);
    if (typeof c.provider !== 'string' || c.provider === '') fail(`${where}: provider is required`);
    if (c.result !== 'accepted' && c.result !== 'declined') fail(`${where}: result must be "accepted" or "declined"`);
    if (c.result === 'declined' && typeof c.decline_reason !== 'string') fail(`${where}: a declined card needs a decline_reason`);
    if (c.cvv !== undefined && (typeof c.cvv !== 'string' || !/^\d{0,4}$/.test(c.cvv))) fail(`${where}: cvv must be up to 4 digits ('' for none)`);
    if (c.expiry !== undefined && (typeof c.expiry !== 'string' || parseExpiry(c.expiry) === undefined)) fail(`${where}: expiry must be MM/YYYY`);
  }
  return doc as unknown as SecuredParkingFixtures;
}

/** "12/2025", "12/25", "1225" → {month: 12, year: 2025}; undefined when malformed. */
export function parseExpiry(value: string): { month: number; year: number } | undefined {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!m) return undefined;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return month >= 1 && month <= 12 ? { month, year } : undefined;
}

export function readSecuredParkingFixtures(path = securedParkingFixturesPath()): SecuredParkingFixtures {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SecuredParkingFixtureError(`${path}: ${(err as Error).message}`);
  }
  try {
    return checkSecuredParkingFixtures(parsed);
  } catch (err) {
    if (err instanceof SecuredParkingFixtureError) throw new SecuredParkingFixtureError(`${path}: ${err.message}`);
    throw err;
  }
}
