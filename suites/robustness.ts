// Bad input: malformed and schema-violating bodies, prototype keys, oversize and deeply nested bodies, wrong media
// types, bad query values and odd paths. Each is refused with a 4xx and changes nothing; nothing ever answers 5xx.
import type { Reply } from '../harness/http-client.js';
import type { CheckContext, SuiteDefinition } from '../harness/suite.js';
import { ARNDALE } from './fixture-ids.js';
import { minimalRateTable } from './generate.js';

const is4xx = (status: number) => status >= 400 && status < 500;
const describe = (reply: Reply) => {
  const url = new URL(reply.exchange.request.url);
  return `${reply.exchange.request.method} ${url.pathname.slice(0, 80)}${url.search.slice(0, 60)} → ${reply.status}`;
};

/** A 4xx (never a 5xx); with `statuses`, one of those. */
function expectRefused(c: CheckContext, reply: Reply, ...statuses: number[]): void {
  if (reply.status >= 500) c.fail(`${describe(reply)}: a server error for bad input`, { expected: statuses.length ? statuses : '4xx', actual: reply.status });
  if (statuses.length) c.expectErrorStatus(reply, ...statuses);
  else c.expect(is4xx(reply.status), `${describe(reply)}, expected a 4xx`, { expected: '4xx', actual: reply.status });
}

export const robustness: SuiteDefinition = {
  id: 'robustness',
  title: 'Robustness: bad input is refused, never a server error',
  description: 'Malformed JSON, schema violations, prototype keys, oversize or deeply nested bodies, wrong media types, bad query values and odd paths answer 4xx ResponseStatus errors and leave the state as it was.',
  role: 'platform',
  async run(s) {
    const placePath = `/places/${ARNDALE}`;
    const readPlace = (c: CheckContext) => c.call('po', 'GET', placePath, { query: { expand: 'all' } });

    await s.check({ id: 'ROB-01', title: 'malformed JSON answers 400 and changes nothing', requirement: 'NPP write operations: 400; APDS README (ResponseStatus errors)', independent: true }, async (c) => {
      const before = await readPlace(c);
      if (before.status === 404) c.precondition(`place ${ARNDALE} (Arndale) of the seed is missing`);
      c.expectErrorStatus(await c.call('po', 'PUT', placePath, { rawBody: `{"id": "${ARNDALE}", "version": ` }), 400);
      c.expectErrorStatus(await c.call('po', 'PATCH', placePath, { rawBody: "{'name': 'single quotes'}", headers: { 'Content-Type': 'application/merge-patch+json' } }), 400);
      const id = s.fresh('malformed');
      c.expectErrorStatus(await c.call('po', 'POST', '/rates', { rawBody: JSON.stringify(minimalRateTable(id)).slice(0, -2) }), 400);
      c.expectErrorStatus(await c.call('po', 'GET', `/rates/${id}`), 404);
      const after = await readPlace(c);
      c.expectEqual(after.body, before.body, 'the place is unchanged');
    });

    await s.check({ id: 'ROB-02', title: 'a body that violates the schema answers 400 listing the violations', requirement: 'NPP write operations: 400; our errata E25 (errors: [{path, message}])', independent: true }, async (c) => {
      const id = s.fresh('wrong-types');
      const body = { ...minimalRateTable(id), version: 'one', rateTableName: 42, availability: 7, rateLineCollections: 'none' };
      const reply = await c.call('po', 'POST', '/rates', { body });
      c.expectErrorStatus(reply, 400);
      const errors = Array.isArray(reply.body.errors) ? reply.body.errors : [];
      c.expect(errors.length > 0 && errors.every((e: any) => typeof e?.path === 'string' && typeof e?.message === 'string'), 'errors lists each violation as {path, message}', { actual: reply.body });
      const paths = errors.map((e: any) => e.path);
      const named = ['/version', '/rateTableName', '/availability', '/rateLineCollections'].filter((p) => paths.includes(p));
      c.expect(named.length >= 2, 'the violations point at the offending members', { expected: '/version, /rateTableName, /availability, /rateLineCollections', actual: paths });
      c.expectErrorStatus(await c.call('po', 'GET', `/rates/${id}`), 404);
    });

    await s.check({ id: 'ROB-03', title: '__proto__ and constructor.prototype keys are refused with a 4xx, not stored', requirement: 'OWASP prototype pollution; NPP write operations: 400', independent: true }, async (c) => {
      const bodies = [
        (id: string) => JSON.stringify(minimalRateTable(id)).replace(/^\{/, '{"__proto__": {"polluted": true}, '),
        (id: string) => JSON.stringify(minimalRateTable(id)).replace(/^\{/, '{"constructor": {"prototype": {"polluted": true}}, '),
        (id: string) => JSON.stringify(minimalRateTable(id)).replace('"rateLines":[{', '"rateLines":[{"__proto__": {"isAdmin": true}, '),
      ];
      for (const make of bodies) {
        const id = s.fresh('proto');
        expectRefused(c, await c.call('po', 'POST', '/rates', { rawBody: make(id) }));
        c.expectErrorStatus(await c.call('po', 'GET', `/rates/${id}`), 404);
      }
      c.expectStatus(await c.call('po', 'GET', '/rates', { query: { expand: 'none' } }), 200);
    });

    await s.check({ id: 'ROB-04', title: 'a body over 1 MB answers 413', requirement: 'our errata E29 (413 over 1 MB)', independent: true }, async (c) => {
      const id = s.fresh('oversize');
      const body = JSON.stringify({ ...minimalRateTable(id), padding: 'x'.repeat(1_100_000) });
      c.expectErrorStatus(await c.call('po', 'POST', '/rates', { rawBody: body }), 413);
      c.expectErrorStatus(await c.call('po', 'GET', `/rates/${id}`), 404);
    });

    await s.check({ id: 'ROB-05', title: 'an unknown enum value in the query answers 400', requirement: 'NPP query parameters (expand, structure_type, type enums)', independent: true }, async (c) => {
      for (const [path, query] of [
        ['/places', { expand: 'everything' }],
        ['/places', { structure_type: 'floating' }],
        ['/sessions', { credential_type: 'telepathy' }],
        ['/rights/specs', { type: 'castle' }],
      ] as const) {
        c.expectErrorStatus(await c.call('sp', 'GET', path, { query }), 400);
      }
    });

    await s.check({ id: 'ROB-06', title: 'a bad epoch in start_before answers 400', requirement: 'NPP start_before (integer epoch seconds); our errata E10', independent: true }, async (c) => {
      for (const value of ['yesterday', '2021-11-01T13:05:00Z', '-5', '1.5']) {
        c.expectErrorStatus(await c.call('sp', 'GET', '/sessions', { query: { start_before: value } }), 400);
      }
    });

    await s.check({ id: 'ROB-07', title: 'a body that is not JSON media type answers 415', requirement: 'RFC 9110 §15.5.16; our errata E29 (415 not JSON)', severity: 'SHOULD', independent: true }, async (c) => {
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
        const id = s.fresh('media');
        c.expectErrorStatus(await c.call('po', 'POST', '/rates', { rawBody: JSON.stringify(minimalRateTable(id)), headers: { 'Content-Type': type } }), 415);
        c.expectErrorStatus(await c.call('po', 'GET', `/rates/${id}`), 404);
      }
    });

    await s.check({ id: 'ROB-08', title: 'bodies that are not an object (null, an array, a string, a number, nothing) answer 400', requirement: 'NPP write operations: 400 (the body is an object)', independent: true }, async (c) => {
      for (const raw of ['null', '[]', '"rate"', '42', '']) {
        expectRefused(c, await c.call('po', 'POST', '/rates', { rawBody: raw, headers: { 'Content-Type': 'application/json' } }), 400);
      }
      expectRefused(c, await c.call('po', 'PUT', placePath, { rawBody: '[]' }), 400);
    });

    await s.check({ id: 'ROB-09', title: 'odd query values answer 4xx, never 5xx', requirement: 'NPP query parameters (typed); robustness', independent: true }, async (c) => {
      for (const query of [
        { latitude: 'north', longitude: '-2.24', radius: '100' },
        { latitude: '1e999', longitude: '-2.24', radius: '100' },
        { latitude: '53.48', longitude: '-2.24', radius: '-1' },
        { page: 'two' },
        { page: '-1' },
        { layer: 'top' },
        { modified_since: 'last week' },
      ]) {
        expectRefused(c, await c.call('sp', 'GET', '/places', { query }), 400);
      }
    });

    await s.check({ id: 'ROB-10', title: 'odd paths (long, NUL, unicode, bad percent-encoding) answer 4xx, never 5xx', requirement: 'RFC 3986 §2.1 (percent-encoding); robustness', independent: true }, async (c) => {
      for (const id of ['x'.repeat(4000), '%00', '%E2%9C%93-%F0%9F%9A%97', '..%2F..%2Fetc%2Fpasswd', '%', '%E0%A4%A']) {
        expectRefused(c, await c.call('sp', 'GET', `/places/${id}`));
      }
    });

    await s.check({ id: 'ROB-11', title: 'a deeply nested body (10 000 levels, 70 KB) answers 4xx, never 5xx', requirement: 'robustness (bounded recursion on input); NPP write operations: 400', independent: true }, async (c) => {
      const depth = 10_000;
      const id = s.fresh('nested');
      const raw = `{"id": "${id}", "version": 1, "deep": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      expectRefused(c, await c.call('po', 'POST', '/rates', { rawBody: raw }));
      c.expectErrorStatus(await c.call('po', 'GET', `/rates/${id}`), 404);
      const arrays = `{"id": "${id}", "version": 1, "deep": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
      expectRefused(c, await c.call('po', 'POST', '/rates', { rawBody: arrays }));
    });
  },
};
