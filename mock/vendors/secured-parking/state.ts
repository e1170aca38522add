// The secured-parking world (seed 002) and its rules, without HTTP: drivers, parkings, parking sessions with their
// state machine, the session's smart key, and the payment sandbox.
//
//   entering ──key use (entrance try)──► active ──finalize──► exiting ──accepted card──► paid ──key use (exit try)──► closed
//
// Every other move is refused with a VendorError (422, or 402 for a declined card) and changes nothing.
import { createHash, randomBytes } from 'node:crypto';
import { vendorError, VendorError } from './errors.js';
import {
  parseExpiry,
  type AccessPoint,
  type Driver,
  type Parking,
  type SecuredParkingFixtures,
  type SessionState,
  type TestCard,
} from './fixtures.js';

export interface Session {
  id: number;
  driverId: number;
  parkingId: number;
  type: 'pay_per_use';
  state: SessionState;
  startMs: number;
  endMs: number | null;
  entranceTries: number;
  exitTries: number;
  smartKeyId: number;
  /** Minor units, set at finalize. */
  amount: number | null;
  payment: Payment | null;
}

export interface SmartKey {
  id: number;
  sessionId: number;
  type: 'session_access';
  startMs: number;
  endMs: number;
  accessCommand: string;
}

export interface Payment {
  transaction_id: string;
  provider: string;
  status: 'accepted';
  amount: string;
  currency: string;
  card_last4: string;
  paid_at: string;
}

export interface CardInput {
  card_number?: unknown;
  cvv?: unknown;
  expiry?: unknown;
}

/** The seed's timestamp format: seconds, `+00:00`. */
export function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** Minor units → "10.00". */
export function formatAmount(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/** The id of a path or body: a positive integer, or a string of digits; undefined otherwise. */
export function intId(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

export class SecuredParkingState {
  readonly drivers = new Map<number, Driver>();
  readonly #byToken = new Map<string, Driver>();
  readonly parkings = new Map<number, Parking>();
  readonly sessions = new Map<number, Session>();
  readonly smartKeys = new Map<number, SmartKey>();
  readonly cards = new Map<string, TestCard>();
  readonly keyValidityMs: number;
  readonly remainingTries: number;

  constructor(fixtures: SecuredParkingFixtures) {
    const copy = structuredClone(fixtures);
    this.keyValidityMs = copy.settings.smart_key_validity_minutes * 60_000;
    this.remainingTries = copy.settings.remaining_tries;
    for (const d of copy.drivers) {
      this.drivers.set(d.id, d);
      this.#byToken.set(d.access_token, d);
    }
    for (const p of copy.parkings) this.parkings.set(p.id, p);
    for (const c of copy.test_cards) this.cards.set(c.number, c);
    for (const k of copy.smart_keys) {
      this.smartKeys.set(k.id, { id: k.id, sessionId: k.parking_session_id, type: 'session_access', startMs: Date.parse(k.start_time), endMs: Date.parse(k.end_time), accessCommand: k.access_command });
    }
    for (const s of copy.sessions) {
      this.sessions.set(s.id, {
        id: s.id,
        driverId: s.driver_id,
        parkingId: s.secured_parking_id,
        type: s.type,
        state: s.state,
        startMs: Date.parse(s.start_time),
        endMs: s.end_time === null ? null : Date.parse(s.end_time),
        entranceTries: s.entrance_remaining_tries,
        exitTries: s.exit_remaining_tries,
        smartKeyId: s.smart_key_id,
        amount: s.amount ?? null,
        payment: null,
      });
    }
  }

  /** What changes (sessions and their keys), as plain JSON for /__admin/state and --state; drivers and parkings are configuration. */
  dump(): unknown {
    return { sessions: [...this.sessions.values()], smartKeys: [...this.smartKeys.values()] };
  }

  restore(data: unknown): void {
    const d = data as { sessions?: Session[]; smartKeys?: SmartKey[] };
    if (!d || !Array.isArray(d.sessions) || !Array.isArray(d.smartKeys)) throw new Error('not a secured-parking state dump');
    this.sessions.clear();
    this.smartKeys.clear();
    for (const session of d.sessions) this.sessions.set(session.id, session);
    for (const key of d.smartKeys) this.smartKeys.set(key.id, key);
  }

  /** The driver of a bearer token; 401 otherwise. */
  driverOf(authorization: string | undefined): Driver {
    const challenge = { 'WWW-Authenticate': 'Bearer realm="secured-parking"' };
    if (authorization === undefined || authorization.trim() === '') throw vendorError(401, 'access_token', 'is missing: send Authorization: Bearer <access_token>', challenge);
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    if (!match) throw vendorError(401, 'access_token', 'must be sent as Authorization: Bearer <access_token>', challenge);
    const driver = this.#byToken.get(match[1]!);
    if (!driver) throw vendorError(401, 'access_token', 'is invalid', { 'WWW-Authenticate': 'Bearer realm="secured-parking", error="invalid_token"' });
    return driver;
  }

  /** The driver's own session; another driver's answers 404 like an unknown one. */
  sessionOf(driver: Driver, id: unknown): Session {
    const n = intId(id);
    const session = n === undefined ? undefined : this.sessions.get(n);
    if (!session || session.driverId !== driver.id) throw vendorError(404, 'id', `parking session ${String(id)} not found`);
    return session;
  }

  keyOf(driver: Driver, id: unknown): SmartKey {
    const n = intId(id);
    const key = n === undefined ? undefined : this.smartKeys.get(n);
    if (!key || this.sessions.get(key.sessionId)?.driverId !== driver.id) throw vendorError(404, 'id', `smart key ${String(id)} not found`);
    return key;
  }

  /** `{parking_session: {secured_parking_id}}` → the parking: 400 missing, 422 not an id, 404 unknown. */
  parkingOfBody(body: unknown): Parking {
    if (body === null || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'parking_session') || (body as { parking_session: unknown }).parking_session == null) {
      throw vendorError(400, 'parking_session', 'is missing');
    }
    const form = (body as { parking_session: unknown }).parking_session;
    if (form === null || typeof form !== 'object' || Array.isArray(form)) throw vendorError(400, 'parking_session', 'must be an object');
    const raw = Object.hasOwn(form, 'secured_parking_id') ? (form as Record<string, unknown>).secured_parking_id : undefined;
    if (raw === undefined || raw === null || raw === '') throw vendorError(400, 'secured_parking_id', 'is missing');
    const id = intId(raw);
    if (id === undefined) throw vendorError(422, 'secured_parking_id', 'must be a positive integer');
    const parking = this.parkings.get(id);
    if (!parking) throw vendorError(404, 'secured_parking_id', `secured parking ${id} not found`);
    return parking;
  }

  /** The parking that issues a parking's smart keys (the seed's key names secured parking 1 for parking 187). */
  keyParking(parking: Parking): Parking {
    return parking.smart_key_parking_id === undefined ? parking : this.parkings.get(parking.smart_key_parking_id)!;
  }

  accessPointsOf(session: Session): AccessPoint[] {
    return this.keyParking(this.parkings.get(session.parkingId)!).access_points ?? [];
  }

  #accessCommand(key: { id: number; sessionId: number; startMs: number; endMs: number }, phase: string): string {
    // 35 bytes like the seed's example; deterministic, so a replay gives the same command.
    return createHash('sha512').update(`secured-parking|${key.id}|${key.sessionId}|${key.startMs}|${key.endMs}|${phase}`).digest('hex').slice(0, 70);
  }

  /** POST /parking_sessions (our extension): a new session `entering`, with a smart key valid from now. */
  createSession(driver: Driver, body: unknown, nowMs: number): Session {
    const parking = this.parkingOfBody(body);
    const now = toSecond(nowMs);
    const id = Math.max(0, ...this.sessions.keys()) + 1;
    const keyId = Math.max(0, ...this.smartKeys.keys()) + 1;
    const key: SmartKey = { id: keyId, sessionId: id, type: 'session_access', startMs: now, endMs: now + this.keyValidityMs, accessCommand: '' };
    key.accessCommand = this.#accessCommand(key, 'entrance');
    const session: Session = {
      id,
      driverId: driver.id,
      parkingId: parking.id,
      type: 'pay_per_use',
      state: 'entering',
      startMs: now,
      endMs: null,
      entranceTries: this.remainingTries,
      exitTries: this.remainingTries,
      smartKeyId: keyId,
      amount: null,
      payment: null,
    };
    this.smartKeys.set(keyId, key);
    this.sessions.set(id, session);
    return session;
  }

  /** The price of a stay: `unit_amount` per started unit, at least `minimum_units`. */
  amountFor(parking: Parking, startMs: number, endMs: number): number {
    const unitMs = parking.tariff.unit_minutes * 60_000;
    const units = Math.max(parking.tariff.minimum_units, Math.ceil((endMs - startMs) / unitMs));
    return units * parking.tariff.unit_amount;
  }

  /** PUT|PATCH /parking_sessions/:id/finalize: active → exiting, end_time and amount set, the key re-issued for the exit. */
  finalize(driver: Driver, id: unknown, body: unknown, nowMs: number): Session {
    const parking = this.parkingOfBody(body);
    const session = this.sessionOf(driver, id);
    const now = toSecond(nowMs);
    // Validation errors are collected, as the seed's "422 if there were errors (messages included in body)".
    const errors: Record<string, string[]> = {};
    if (parking.id !== session.parkingId) errors.secured_parking_id = [`does not match the parking of the session (${session.parkingId})`];
    if (session.state !== 'active') errors.state = [`the session is ${session.state}: only an active session can be finalized`];
    else if (now < session.startMs) errors.end_time = [`would be before the start_time ${formatInstant(session.startMs)}`];
    if (Object.keys(errors).length) throw new VendorError(422, errors);
    const key = this.smartKeys.get(session.smartKeyId)!;
    const amount = this.amountFor(parking, session.startMs, now);
    // Commit only once nothing can fail.
    session.state = 'exiting';
    session.endMs = now;
    session.amount = amount;
    key.startMs = now;
    key.endMs = now + this.keyValidityMs;
    key.accessCommand = this.#accessCommand(key, 'exit');
    return session;
  }

  /**
   * POST /smart_keys/:id/use (our extension): the barrier received the key's access command. Consumes one entrance
   * try (entering) or exit try (paid); `opened: false` is a failed attempt (the try is spent, the state stays).
   */
  useKey(driver: Driver, keyId: unknown, body: unknown, nowMs: number): Session {
    const key = this.keyOf(driver, keyId);
    const session = this.sessions.get(key.sessionId)!;
    const form = body === undefined || body === null ? {} : body;
    if (typeof form !== 'object' || Array.isArray(form)) throw vendorError(400, 'base', 'the body must be a JSON object (or empty)');
    const own = (k: string) => (Object.hasOwn(form, k) ? (form as Record<string, unknown>)[k] : undefined);
    const opened = own('opened') ?? true;
    const access_point = own('access_point');
    if (typeof opened !== 'boolean') throw vendorError(422, 'opened', 'must be true or false');
    if (access_point !== undefined) {
      const mac = access_point !== null && typeof access_point === 'object' && Object.hasOwn(access_point, 'mac_address') ? (access_point as { mac_address?: unknown }).mac_address : undefined;
      if (typeof mac !== 'string') throw vendorError(422, 'access_point', 'must be {"mac_address": "AA:BB:CC:DD:EE:FF"}');
      if (!this.accessPointsOf(session).some((a) => a.mac_address.toUpperCase() === mac.toUpperCase())) {
        throw vendorError(422, 'access_point', `${mac} is not an access point of this smart key`);
      }
    }
    const phase = session.state === 'entering' ? 'entrance' : session.state === 'paid' ? 'exit' : undefined;
    if (!phase) {
      const why: Partial<Record<SessionState, string>> = {
        active: 'the session is active: finalize it and pay before exiting',
        exiting: 'the session is exiting but not paid: pay before exiting',
        closed: 'the session is closed',
      };
      throw vendorError(422, 'state', why[session.state]!);
    }
    const now = toSecond(nowMs);
    if (now < key.startMs) throw vendorError(422, 'smart_key', `is not valid before ${formatInstant(key.startMs)}`);
    if (now > key.endMs) throw vendorError(422, 'smart_key', `expired at ${formatInstant(key.endMs)}`);
    if ((phase === 'entrance' ? session.entranceTries : session.exitTries) <= 0) throw vendorError(422, 'smart_key', `has no ${phase} tries left`);
    if (phase === 'entrance') {
      session.entranceTries -= 1;
      if (opened) session.state = 'active';
    } else {
      session.exitTries -= 1;
      if (opened) session.state = 'closed';
    }
    return session;
  }

  /** The driver's smart keys, of sessions not closed yet, by id. */
  keysOf(driver: Driver): SmartKey[] {
    return [...this.smartKeys.values()]
      .filter((k) => {
        const s = this.sessions.get(k.sessionId);
        return s?.driverId === driver.id && s.state !== 'closed';
      })
      .sort((a, b) => a.id - b.id);
  }

  /** A session by id for the payment page (the pay_url is the capability: no token). */
  sessionForPayment(id: unknown): Session {
    const n = intId(id);
    const session = n === undefined ? undefined : this.sessions.get(n);
    if (!session) throw vendorError(404, 'id', `no payment for parking session ${String(id)}`);
    return session;
  }

  /** The sandbox: an accepted test card moves exiting → paid; anything else is refused and changes nothing. */
  pay(sessionId: unknown, input: CardInput, nowMs: number): { session: Session; payment: Payment } {
    const session = this.sessionForPayment(sessionId);
    if (input.card_number === undefined || input.card_number === null || input.card_number === '') throw vendorError(400, 'card_number', 'is missing');
    if (session.state !== 'exiting') {
      throw vendorError(422, 'state', session.state === 'paid' || session.state === 'closed' ? `the session is already paid (${session.state})` : `the session is ${session.state}: nothing to pay before it is finalized`);
    }
    const number = typeof input.card_number === 'string' ? input.card_number.replace(/[\s-]/g, '') : '';
    if (!/^\d{12,19}$/.test(number)) throw vendorError(422, 'card_number', 'must be 12 to 19 digits');
    if (input.cvv !== undefined && input.cvv !== null && (typeof input.cvv !== 'string' || !/^\d{0,4}$/.test(input.cvv.trim()))) throw vendorError(422, 'cvv', 'must be up to 4 digits');
    const cvv = typeof input.cvv === 'string' ? input.cvv.trim() : '';
    const expiryText = typeof input.expiry === 'string' ? input.expiry.trim() : '';
    if (input.expiry !== undefined && input.expiry !== null && typeof input.expiry !== 'string') throw vendorError(422, 'expiry', 'must be MM/YYYY');
    const expiry = expiryText === '' ? undefined : parseExpiry(expiryText);
    if (expiryText !== '' && !expiry) throw vendorError(422, 'expiry', 'must be MM/YYYY (or MM/YY)');

    const card = this.cards.get(number);
    const decline = (reason: string) => new VendorError(402, { card: [`declined: ${reason}`] });
    if (!card) throw decline('not a test card of the sandbox');
    if (card.result === 'declined') throw decline(card.decline_reason ?? 'declined');
    if (card.cvv !== undefined && cvv !== card.cvv) throw decline(card.cvv === '' ? 'this card takes no CVV' : 'invalid CVV');
    if (card.expiry !== undefined) {
      const wanted = parseExpiry(card.expiry)!;
      if (!expiry || expiry.month !== wanted.month || expiry.year !== wanted.year) throw decline('invalid expiry date');
    }
    const parking = this.parkings.get(session.parkingId)!;
    const payment: Payment = {
      transaction_id: `${card.provider}-${session.id}-${randomBytes(6).toString('hex')}`,
      provider: card.provider,
      status: 'accepted',
      amount: formatAmount(session.amount ?? 0),
      currency: parking.currency,
      card_last4: number.slice(-4),
      paid_at: formatInstant(nowMs),
    };
    session.state = 'paid';
    session.payment = payment;
    return { session, payment };
  }
}
