// The secured-parking suite's seed example, test cards, paths and the request/validation helpers its checks share.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CallOptions, Reply } from '../harness/http-client.js';
import { ResponseValidator } from '../harness/schema-check.js';
import type { CheckContext, SuiteContext } from '../harness/suite.js';
import type { OpenApiDocument } from '../spec/index.js';
import { packageRoot } from '../spec/package-root.js';

/** Seed 002's example request and response, verbatim. */
export const SEED_002_REQUEST = { parking_session: { secured_parking_id: 187 } };
export const SEED_002_RESPONSE = {
  pay_url: 'http://www.example.com/api/payment/pay/1?from_mobile_v4=true',
  amount: '10.00',
  currency: 'RON',
  parking_session: {
    id: 1,
    type: 'pay_per_use',
    state: 'exiting',
    start_time: '2017-09-07T08:00:00+00:00',
    end_time: '2017-09-07T09:05:00+00:00',
    entrance_remaining_tries: 10,
    exit_remaining_tries: 10,
  },
  smart_key: {
    id: 1,
    secured_parking_id: 1,
    name: 'Secured P 1',
    description: null,
    is_active: null,
    type: 'session_access',
    access_command: '205e32dc97f079cce7b312b4b7ad3a83ec451cb652c1a0cbf49627eb3112c6041f03',
    is_online: false,
    start_time: '2017-09-07T09:05:00+00:00',
    end_time: '2017-09-07T09:10:00+00:00',
    access_points: [{ access_point: { module_id: 2, mac_address: '76:86:BB:DE:63:AD' } }, { access_point: { module_id: 1, mac_address: '6F:FF:D3:B0:57:39' } }],
  },
};
/** Seed 002's sandbox test cards. */
export const CARDS = {
  netopiaAccepted: { card_number: '9900004810225098', cvv: '111', expiry: '12/2030' },
  netopiaExpired: { card_number: '9900541631437790', cvv: '111', expiry: '12/2030' },
  epxAccepted: { card_number: '4000000000000002', cvv: '', expiry: '12/2025' },
};

export const FINALIZE = '/api/car_driver/parking_sessions/{id}/finalize';
export const SESSIONS = '/api/car_driver/parking_sessions';
export const SESSION = '/api/car_driver/parking_sessions/{id}';
export const KEYS = '/api/car_driver/smart_keys';
export const KEY_USE = '/api/car_driver/smart_keys/{id}/use';
export const PAY = '/api/payment/pay/{id}';
export const HEX = /^([0-9a-f]{2})+$/;
export const NO_BODY = Symbol('no body');
export const keysOf = (o: unknown) => (o && typeof o === 'object' ? Object.keys(o).sort() : []);

export function tokens(): { driver1: string; driver2: string } {
  const f = JSON.parse(readFileSync(join(packageRoot(), 'fixtures', 'vendors', 'secured-parking.json'), 'utf8')) as { drivers: Array<{ id: number; access_token: string }> };
  return { driver1: f.drivers.find((d) => d.id === 1)!.access_token, driver2: f.drivers.find((d) => d.id === 2)!.access_token };
}

export function validatorOf(): ResponseValidator {
  const text = readFileSync(join(packageRoot(), 'spec', 'secured-parking.yaml'), 'utf8');
  return new ResponseValidator(parseYaml(text) as OpenApiDocument, { source: 'spec/secured-parking.yaml', digest: createHash('sha256').update(text).digest('hex') });
}

type As = { token?: string | null; at?: string };

/** The calls and judgements the checks share, bound to one run (driver tokens read, spec loaded, paths resolved). */
export function securedParkingApi(s: SuiteContext) {
  const { driver1, driver2 } = tokens();
  const validator = validatorOf();
  // Paths are relative to the target's base; climb out of it to reach the host's root.
  const root = new URL(s.client.baseUrl).pathname.split('/').filter(Boolean).map(() => '/..').join('');
  const path = (template: string, id?: number) => root + template.replace('{id}', String(id));

  const call = (c: CheckContext, method: string, template: string, id: number | undefined, options: CallOptions & As = {}): Promise<Reply> => {
    const { token = driver1, at, ...rest } = options;
    const headers: Record<string, string> = { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...(at ? { 'X-Mock-Now': at } : {}), ...rest.headers };
    return c.call('anonymous', method, path(template, id), { ...rest, headers });
  };
  const schema = (c: CheckContext, reply: Reply, method: string, template: string) => {
    const result = validator.check(method, template, reply.status, reply.body);
    if (result.undocumented) c.fail(`${method.toUpperCase()} ${template} ${reply.status} is not an answer of spec/secured-parking.yaml`, { actual: reply.body });
    if (result.violations.length) {
      c.fail(`answer of ${method.toUpperCase()} ${template} ${reply.status} does not match spec/secured-parking.yaml: ${result.violations.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ')}`, { actual: result.violations });
    }
  };
  /** The status, the `{errors: {field: [message]}}` body, and (when given) the field it names. */
  const refused = (c: CheckContext, reply: Reply, method: string, template: string, status: number, field?: string) => {
    c.expectStatus(reply, status);
    schema(c, reply, method, template);
    if (field) c.expect(field in reply.body.errors, `the ${status} names ${field} in errors`, { expected: field, actual: reply.body.errors });
    c.note(`${status}: ${JSON.stringify(reply.body.errors)}`);
  };
  const read = async (c: CheckContext, id: number, token = driver1) => {
    const reply = await call(c, 'GET', SESSION, id, { token });
    c.expectStatus(reply, 200);
    schema(c, reply, 'get', SESSION);
    return reply.body as { parking_session: Record<string, any>; smart_key: Record<string, any> };
  };
  /** Runs a request that must be refused, then proves the session did not change. */
  const refusedUnchanged = async (c: CheckContext, id: number, attempt: () => Promise<Reply>, method: string, template: string, status: number, field?: string) => {
    const before = await read(c, id);
    refused(c, await attempt(), method, template, status, field);
    c.expectEqual(await read(c, id), before, `session ${id} is unchanged after the refused request`);
  };
  const create = async (c: CheckContext, at: string, parking = 187, token = driver1) => {
    const reply = await call(c, 'POST', SESSIONS, undefined, { body: { parking_session: { secured_parking_id: parking } }, at, token });
    c.expectStatus(reply, 201);
    schema(c, reply, 'post', SESSIONS);
    return reply.body as { parking_session: Record<string, any>; smart_key: Record<string, any> };
  };
  const use = (c: CheckContext, keyId: number, at: string, body?: unknown, token = driver1) => call(c, 'POST', KEY_USE, keyId, { at, body, token });
  /** `NO_BODY` sends none (undefined would mean the seed's request). */
  const finalize = (c: CheckContext, id: number, at: string, body: unknown = SEED_002_REQUEST, method = 'PUT', token: string | null = driver1) =>
    call(c, method, FINALIZE, id, { at, body: body === NO_BODY ? undefined : body, token });
  const pay = (c: CheckContext, id: number, card: unknown) => call(c, 'POST', PAY, id, { body: card, token: null });
  /** A session driven to `state` (entering, active, exiting, paid), starting at `day`T`hh`:00. */
  const sessionIn = async (c: CheckContext, state: 'entering' | 'active' | 'exiting' | 'paid', start: string) => {
    const created = await create(c, start);
    const id = created.parking_session.id as number;
    const keyId = created.smart_key.id as number;
    const at = (minutes: number) => new Date(Date.parse(start) + minutes * 60_000).toISOString();
    if (state !== 'entering') c.expectStatus(await use(c, keyId, at(1)), 200);
    if (state === 'exiting' || state === 'paid') c.expectStatus(await finalize(c, id, at(65)), 201);
    if (state === 'paid') c.expectStatus(await pay(c, id, CARDS.netopiaAccepted), 200);
    return { id, keyId, at };
  };
  return { driver1, driver2, call, schema, refused, read, refusedUnchanged, create, use, finalize, pay, sessionIn };
}
