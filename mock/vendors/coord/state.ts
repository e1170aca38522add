// Coord (seed 003) state: sessions and barcodes, and the transitions between session states. No HTTP here;
// every method takes the instant it happens at (the platform's virtual clock), so tests can pin time.
//
//   plain location:      (create) active ──PUT …/end──────────────────────────► ended (billed)
//   redemption location: (create) pending ──arrival scan / simulate──► active ──departure scan / simulated departure──► ended (billed)
//
// A forbidden transition throws CoordError('conflict') before touching anything, so a refused request
// changes nothing.
import { costOf, type CoordFixtures, type CoordLocation, type CoordUser } from './fixtures.js';

export type SessionState = 'pending' | 'active' | 'ended';

export interface Money {
  amount: number;
  currency: string;
}

export interface CoordSession {
  id: number;
  location_id: string;
  user_id: string;
  startMs?: number;
  endMs?: number;
  billing?: Money;
  /** Redemption sessions only: the barcode that scans now. */
  barcode?: string;
  /** Set by simulate_redemption: the departure the clock has not reached yet. */
  departureMs?: number;
}

/** The session as the API shows it (seed 003 examples). */
export interface SessionView {
  id: number;
  start_time?: string;
  end_time?: string;
  user_id: string;
  redemption_info?: { type: 'barcode'; format: 'code128'; barcode: string };
  billing_info?: { cost: Money };
}

export interface BarcodeView {
  barcode: string;
  format: 'code128';
  purpose: 'entry' | 'exit';
  location_id: string;
  session_id: number;
  user_id: string;
  created_at: string;
}

export class CoordError extends Error {
  override readonly name = 'CoordError';
  constructor(
    readonly kind: 'conflict' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export function stateOf(s: CoordSession): SessionState {
  if (s.endMs !== undefined) return 'ended';
  return s.startMs === undefined ? 'pending' : 'active';
}

export function viewOf(s: CoordSession): SessionView {
  return {
    id: s.id,
    ...(s.startMs !== undefined ? { start_time: iso(s.startMs) } : {}),
    ...(s.endMs !== undefined ? { end_time: iso(s.endMs) } : {}),
    user_id: s.user_id,
    ...(s.barcode !== undefined ? { redemption_info: { type: 'barcode', format: 'code128', barcode: s.barcode } as const } : {}),
    ...(s.billing ? { billing_info: { cost: { ...s.billing } } } : {}),
  };
}

export class CoordState {
  #users = new Map<string, CoordUser>();
  #keys = new Map<string, string>();
  #locations = new Map<string, CoordLocation>();
  #sessions = new Map<number, CoordSession>();
  /** Every barcode ever issued → its session; only the session's current one scans. */
  #barcodes = new Map<string, number>();
  #nextId = 1;

  constructor(fixtures: CoordFixtures) {
    this.reset(fixtures);
  }

  reset(fixtures: CoordFixtures): void {
    const copy = structuredClone(fixtures);
    this.#users = new Map(copy.users.map((u) => [u.id, u]));
    this.#keys = new Map(Object.entries(copy.access_keys));
    this.#locations = new Map(copy.locations.map((l) => [l.id, l]));
    this.#sessions = new Map();
    this.#barcodes = new Map();
    for (const f of copy.sessions) {
      this.#sessions.set(f.id, {
        id: f.id,
        location_id: f.location_id,
        user_id: f.user_id,
        startMs: f.start_time === undefined ? undefined : Date.parse(f.start_time),
        endMs: f.end_time === undefined ? undefined : Date.parse(f.end_time),
        billing: f.billing_info?.cost,
      });
    }
    this.#nextId = Math.max(0, ...this.#sessions.keys()) + 1;
  }

  /** Everything that changes, as plain JSON (for /__admin/state and --state). */
  dump(): unknown {
    return {
      users: [...this.#users.values()],
      keys: [...this.#keys],
      locations: [...this.#locations.values()],
      sessions: [...this.#sessions.values()],
      barcodes: [...this.#barcodes],
      nextId: this.#nextId,
    };
  }

  restore(data: unknown): void {
    const d = data as { users: CoordUser[]; keys: Array<[string, string]>; locations: CoordLocation[]; sessions: CoordSession[]; barcodes: Array<[string, number]>; nextId: number };
    if (!d || !Array.isArray(d.users) || !Array.isArray(d.sessions)) throw new Error('not a Coord state dump');
    this.#users = new Map(d.users.map((u) => [u.id, u]));
    this.#keys = new Map(d.keys);
    this.#locations = new Map(d.locations.map((l) => [l.id, l]));
    this.#sessions = new Map(d.sessions.map((s) => [s.id, s]));
    this.#barcodes = new Map(d.barcodes);
    this.#nextId = d.nextId;
  }

  userByKey(key: string): CoordUser | undefined {
    const id = this.#keys.get(key);
    return id === undefined ? undefined : this.#users.get(id);
  }

  user(id: string): CoordUser | undefined {
    return this.#users.get(id);
  }

  location(id: string): CoordLocation | undefined {
    return this.#locations.get(id);
  }

  /** A user's sessions, oldest first; only those at `locationId` when given. */
  sessionsOf(userId: string, locationId?: string): CoordSession[] {
    return [...this.#sessions.values()].filter((s) => s.user_id === userId && (locationId === undefined || s.location_id === locationId)).sort((a, b) => a.id - b.id);
  }

  /** The user's session `id` at `locationId`; another user's session or another location's is not found. */
  session(userId: string, locationId: string, id: number): CoordSession | undefined {
    const s = this.#sessions.get(id);
    return s && s.user_id === userId && s.location_id === locationId ? s : undefined;
  }

  /** Ends simulated stays whose departure the clock has reached (called before every request). */
  settle(nowMs: number): void {
    for (const s of this.#sessions.values()) {
      if (s.departureMs !== undefined && s.endMs === undefined && s.departureMs <= nowMs) this.#finish(s, s.departureMs);
    }
  }

  create(user: CoordUser, location: CoordLocation, nowMs: number): CoordSession {
    const open = this.sessionsOf(user.id, location.id).find((s) => stateOf(s) !== 'ended');
    if (open) throw new CoordError('conflict', `user ${user.id} already has an open session (${open.id}, ${stateOf(open)}) at ${location.id}: end it first`);
    const s: CoordSession = { id: this.#nextId++, location_id: location.id, user_id: user.id };
    if (location.redemption === 'none') s.startMs = nowMs;
    else this.#issue(s);
    this.#sessions.set(s.id, s);
    return s;
  }

  /** PUT …/end: only an active plain session. */
  end(s: CoordSession, nowMs: number): CoordSession {
    if (s.barcode !== undefined) throw new CoordError('conflict', `session ${s.id} is redeemed physically (it has redemption_info): it ends when its barcode is scanned on departure, not through this method`);
    if (stateOf(s) === 'ended') throw new CoordError('conflict', `session ${s.id} already ended at ${iso(s.endMs!)}`);
    this.#finish(s, nowMs);
    return s;
  }

  /** POST /barcode: a new barcode for an open redemption session; the previous one stops scanning. */
  issueBarcode(s: CoordSession, nowMs: number): BarcodeView {
    if (s.barcode === undefined) throw new CoordError('conflict', `session ${s.id} is not redeemed physically (location ${s.location_id} has no barcode redemption)`);
    if (stateOf(s) === 'ended') throw new CoordError('conflict', `session ${s.id} already ended at ${iso(s.endMs!)}: there is nothing left to scan`);
    if (s.departureMs !== undefined) throw new CoordError('conflict', `session ${s.id} has a simulated departure at ${iso(s.departureMs)}: it needs no barcode`);
    this.#issue(s);
    return this.#barcodeView(s, nowMs);
  }

  /** simulate_redemption: a pending session becomes active now and ends `durationM` minutes later. */
  simulate(s: CoordSession, durationM: number, nowMs: number): CoordSession {
    if (s.barcode === undefined) throw new CoordError('conflict', `session ${s.id} is not redeemed physically: there is no redemption to simulate`);
    if (stateOf(s) !== 'pending') throw new CoordError('conflict', `session ${s.id} is ${stateOf(s)}, not pending: it was redeemed already`);
    s.startMs = nowMs;
    s.departureMs = nowMs + durationM * 60_000;
    return s;
  }

  /** The location's scanner (mock only): arrival starts a pending session, departure ends an active one. */
  scan(barcode: string, nowMs: number): { action: 'entry' | 'exit'; session: CoordSession } {
    const id = this.#barcodes.get(barcode);
    if (id === undefined) throw new CoordError('not-found', `barcode ${barcode} was never issued`);
    const s = this.#sessions.get(id)!;
    if (s.barcode !== barcode) throw new CoordError('conflict', `barcode ${barcode} was replaced by ${s.barcode} (POST /barcode) and no longer scans`);
    const state = stateOf(s);
    if (state === 'ended') throw new CoordError('conflict', `session ${s.id} already ended at ${iso(s.endMs!)}`);
    if (s.departureMs !== undefined) throw new CoordError('conflict', `session ${s.id} has a simulated departure at ${iso(s.departureMs)}`);
    if (state === 'pending') {
      s.startMs = nowMs;
      return { action: 'entry', session: s };
    }
    this.#finish(s, nowMs);
    return { action: 'exit', session: s };
  }

  #finish(s: CoordSession, atMs: number): void {
    const start = s.startMs!;
    s.endMs = Math.max(atMs, start);
    s.billing = costOf(this.#locations.get(s.location_id)!.tariff, s.endMs - start);
    s.departureMs = undefined;
  }

  #issue(s: CoordSession): void {
    const n = [...this.#barcodes.values()].filter((id) => id === s.id).length + 1;
    s.barcode = `CRD-${String(s.id).padStart(6, '0')}-${String(n).padStart(2, '0')}`;
    this.#barcodes.set(s.barcode, s.id);
  }

  #barcodeView(s: CoordSession, nowMs: number): BarcodeView {
    return {
      barcode: s.barcode!,
      format: 'code128',
      purpose: stateOf(s) === 'pending' ? 'entry' : 'exit',
      location_id: s.location_id,
      session_id: s.id,
      user_id: s.user_id,
      created_at: iso(nowMs),
    };
  }
}
