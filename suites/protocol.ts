// Protocol rules every resource shares (APDS README, NPP contract): client-owned versions and history, 404s,
// paging, change tracking with deletedReferences, expand, the list envelope, the identifier_id alias.
import type { CheckContext, SuiteContext, SuiteDefinition } from '../harness/suite.js';
import type { Party } from '../harness/credentials.js';
import { ARNDALE, UC4_PLACE, UC4_SPEC } from './fixture-ids.js';
import { minimalAssignedRight, minimalRateTable, minimalSession, type Ref } from './generate.js';
import { credentialIdsOf, occupancyOf, text } from './shapes.js';

/** Every collection of the contract, with the party that writes it and the class name of deletedReferences. */
export const RESOURCES = [
  { path: '/places', writer: 'po', className: 'HierarchyElement' },
  { path: '/rights/specs', writer: 'po', className: 'RightSpecification' },
  { path: '/rates', writer: 'po', className: 'RateTable' },
  { path: '/rights/assigned', writer: 'sp', className: 'AssignedRight' },
  { path: '/sessions', writer: 'sp', className: 'Session' },
] as const satisfies ReadonlyArray<{ path: string; writer: Party; className: string }>;

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

/** The current version of an object, read as `party` (a precondition when it is missing). */
export async function currentRef(c: CheckContext, party: Party, path: string): Promise<Ref & { body: any }> {
  const reply = await c.call(party, 'GET', path);
  if (reply.status !== 200) c.precondition(`GET ${path} answered ${reply.status}: the target lacks the seed's object`);
  return { id: reply.body.id, version: reply.body.version, body: reply.body };
}

/** An assigned right and an ongoing session of `sp` at place 220001 (right spec 0ab95c73), for a fresh VRM. */
export async function createRightAndSession(c: CheckContext, s: SuiteContext, party: Party = 'sp', spec = UC4_SPEC) {
  const vrm = s.freshVrm();
  const specRef = await currentRef(c, party, `/rights/specs/${spec}`);
  const place = await currentRef(c, party, `/places/${UC4_PLACE}`);
  const right = minimalAssignedRight(s.fresh('right'), specRef, vrm);
  const createdRight = await c.call(party, 'POST', '/rights/assigned', { body: right });
  c.expectStatus(createdRight, 200, 201);
  const session = minimalSession(s.fresh('session'), place, right as Ref, vrm);
  const createdSession = await c.call(party, 'POST', '/sessions', { body: session });
  c.expectStatus(createdSession, 200, 201);
  return { vrm, right, session };
}

export const protocol: SuiteDefinition = {
  id: 'protocol',
  title: 'Protocol: versions, 404, paging, change tracking, expand',
  description: 'The rules every resource shares: client-owned ids and versions with history, 404 for unknown ids, 1-based pages, modified_since with deletedReferences, expand, the list envelope.',
  role: 'platform',
  async run(s) {
    const rateId = s.fresh('rate');
    const path = `/rates/${rateId}`;
    const nameOf = (body: any) => text(body?.rateTableName);

    await s.check({ id: 'PROTO-01', title: 'an operator creates a rate table under its own id and version', requirement: 'APDS README (client-assigned id and version); NPP POST /rates' }, async (c) => {
      const created = await c.call('po', 'POST', '/rates', { body: minimalRateTable(rateId, 1, 'first') });
      c.expectStatus(created, 200, 201);
      const read = await c.call('po', 'GET', path, { query: { expand: 'all' } });
      c.expectStatus(read, 200);
      if (s.dialect === 'spec') c.expectSchema(read, 'get', '/rates/{id}');
      c.expectEqual([read.body.id, read.body.version, nameOf(read.body)], [rateId, 1, 'first'], 'the rate table reads back with its id, version 1 and name');
    });

    await s.check({ id: 'PROTO-02', title: 'PUT with the same version overwrites in place', requirement: 'APDS README (idempotent requests); spec-analysis §3.2 #26 (equal version → overwrite)' }, async (c) => {
      c.expectStatus(await c.call('po', 'PUT', path, { body: minimalRateTable(rateId, 1, 'overwritten') }), 200, 204);
      const read = await c.call('po', 'GET', path, { query: { expand: 'all' } });
      c.expectStatus(read, 200);
      c.expectEqual([read.body.version, nameOf(read.body)], [1, 'overwritten'], 'version 1 now carries the new name (no version bump)');
    });

    await s.check({ id: 'PROTO-03', title: 'PUT with a higher version keeps the old one readable with ?version', requirement: 'APDS README (versions are the client\'s); NPP GET /rates/{id}?version' }, async (c) => {
      c.expectStatus(await c.call('po', 'PUT', path, { body: minimalRateTable(rateId, 2, 'second') }), 200, 204);
      const latest = await c.call('po', 'GET', path, { query: { expand: 'all' } });
      c.expectStatus(latest, 200);
      c.expectEqual([latest.body.version, nameOf(latest.body)], [2, 'second'], 'the latest version is 2');
      const old = await c.call('po', 'GET', path, { query: { version: 1, expand: 'all' } });
      c.expectStatus(old, 200);
      c.expectEqual([old.body.version, nameOf(old.body)], [1, 'overwritten'], '?version=1 returns version 1 as it was last written');
    });

    await s.check({ id: 'PROTO-04', title: 'PUT with a lower version is a conflict (409) and changes nothing', requirement: 'APDS README (versions); spec-analysis §3.2 #26 (lower → 409)' }, async (c) => {
      const before = await c.call('po', 'GET', path, { query: { expand: 'all' } });
      c.expectErrorStatus(await c.call('po', 'PUT', path, { body: minimalRateTable(rateId, 1, 'stale') }), 409);
      const after = await c.call('po', 'GET', path, { query: { expand: 'all' } });
      c.expectEqual(after.body, before.body, 'the rate table is unchanged');
    });

    await s.check({ id: 'PROTO-05', title: 'POST of an id that exists is a conflict (409) and changes nothing', requirement: 'APDS README ("a duplicate id gets 409")' }, async (c) => {
      const before = await c.call('po', 'GET', path, { query: { expand: 'all' } });
      c.expectErrorStatus(await c.call('po', 'POST', '/rates', { body: minimalRateTable(rateId, 3, 'duplicate') }), 409);
      const after = await c.call('po', 'GET', path, { query: { expand: 'all' } });
      c.expectEqual(after.body, before.body, 'the rate table is unchanged');
    });

    await s.check({ id: 'PROTO-06', title: 'unknown ids answer 404 with a ResponseStatus on every resource (read and delete)', requirement: 'NPP GET/DELETE /{resource}/{id}: 404', independent: true }, async (c) => {
      const wrong: string[] = [];
      for (const r of RESOURCES) {
        const id = s.fresh('missing');
        for (const [party, method] of [['ad', 'GET'], [r.writer, 'DELETE']] as const) {
          const reply = await c.call(party, method, `${r.path}/${id}`);
          const isError = reply.body && typeof reply.body === 'object' && String(reply.body.status).toLowerCase() === 'error';
          if (reply.status !== 404 || !isError) wrong.push(`${method} ${r.path}/{unknown} as ${party}: ${reply.status}${isError ? '' : ' (not a ResponseStatus error)'}`);
        }
      }
      c.expectEqual(wrong, [], 'every unknown id answers 404 with {status: "error"}');
    });

    await s.check({ id: 'PROTO-07', title: 'pages are 1-based, sized by meta.pageSize, and do not overlap', requirement: 'NPP page parameter (from 1); PaginatedList meta', independent: true }, async (c) => {
      const first = await c.call('ad', 'GET', '/places', { query: { page: 1, expand: 'none' } });
      c.expectStatus(first, 200);
      const second = await c.call('ad', 'GET', '/places', { query: { page: 2, expand: 'none' } });
      c.expectStatus(second, 200);
      const m1 = first.body.meta;
      const m2 = second.body.meta;
      c.expect(isCount(m1?.pageSize) && m1.pageSize > 0, 'meta.pageSize is a positive integer', { actual: m1?.pageSize });
      c.expectEqual(m1.offset, 0, 'page 1 starts at offset 0');
      c.expectEqual(m2?.offset, m1.pageSize, 'page 2 starts at offset pageSize');
      c.expectEqual(m2?.total, m1.total, 'both pages count the same total');
      c.expectEqual(first.body.data.length, Math.min(m1.pageSize, m1.total), 'page 1 holds min(pageSize, total) items');
      c.expectEqual(second.body.data.length, Math.max(0, Math.min(m1.pageSize, m1.total - m1.pageSize)), 'page 2 holds the rest, up to pageSize');
      const ids = new Set(first.body.data.map((p: any) => p.id));
      c.expectEqual(second.body.data.filter((p: any) => ids.has(p.id)).map((p: any) => p.id), [], 'no place is on both pages');
      c.note(`${m1.total} places, ${m1.pageSize} per page`);
    });

    await s.check({ id: 'PROTO-08', title: 'page=0 is a bad request (400)', requirement: 'NPP page parameter (minimum 1)', independent: true }, async (c) => {
      c.expectErrorStatus(await c.call('ad', 'GET', '/places', { query: { page: 0 } }), 400);
    });

    await s.check({ id: 'PROTO-09', title: 'a deleted object is listed in deletedReferences of a modified_since query, not in data', requirement: 'APDS README (logical deletes in deletedReferences with modified_since); NPP DeletedReference', independent: true }, async (c) => {
      const before = await c.call('po', 'GET', '/rates');
      c.expectStatus(before, 200);
      const since = before.body.meta?.referenceInstant;
      c.expect(isCount(since), 'meta.referenceInstant is epoch seconds', { actual: since });
      const id = s.fresh('deleted-rate');
      c.expectStatus(await c.call('po', 'POST', '/rates', { body: minimalRateTable(id) }), 200, 201);
      c.expectStatus(await c.call('po', 'DELETE', `/rates/${id}`), 200, 204);
      c.expectErrorStatus(await c.call('po', 'GET', `/rates/${id}`), 404);
      const changes = await c.call('po', 'GET', '/rates', { query: { modified_since: since } });
      c.expectStatus(changes, 200);
      if (s.dialect === 'spec') c.expectSchema(changes, 'get', '/rates');
      const deleted = (changes.body.deletedReferences ?? []).find((d: any) => d?.id === id);
      c.expect(deleted, `deletedReferences lists ${id}`, { actual: changes.body.deletedReferences });
      c.expectEqual(deleted.className, 'RateTable', 'its className is RateTable');
      c.expect(typeof deleted.deleteTimestamp === 'string' && Date.parse(deleted.deleteTimestamp) >= since * 1000, 'its deleteTimestamp is an instant at or after modified_since', { actual: deleted.deleteTimestamp });
      c.expect(!changes.body.data.some((r: any) => r.id === id), 'the deleted rate table is not in data');
    });

    await s.check({ id: 'PROTO-10', title: 'expand=occupancy adds the occupancy of a place', requirement: 'NPP places_expand (occupancy)', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', `/places/${ARNDALE}`, { query: { expand: 'occupancy' } });
      if (reply.status === 404) c.precondition(`place ${ARNDALE} (Arndale) of the seed is missing`);
      c.expectStatus(reply, 200);
      c.expect(occupancyOf(reply.body)?.supply !== undefined, 'the place shows its supply with expand=occupancy', { actual: Object.keys(reply.body) });
    });

    await s.check({ id: 'PROTO-11', title: 'without expand, a place leaves its occupancy out', requirement: 'NPP places_expand ("optional attributes … included")', severity: 'SHOULD', independent: true }, async (c) => {
      const reply = await c.call('sp', 'GET', `/places/${ARNDALE}`);
      c.expectStatus(reply, 200);
      c.expect(occupancyOf(reply.body) === undefined, 'no occupancy without expand', { actual: Object.keys(reply.body) });
    });

    await s.check({ id: 'PROTO-12', title: 'expand=segments.assignedRight inlines the right object in a session', requirement: 'NPP sessions_expand (segments.assignedRight)', independent: true }, async (c) => {
      const { vrm, right, session } = await createRightAndSession(c, s);
      s.state.set('protocol.vrm', vrm);
      s.state.set('protocol.ids', { right: right.id, session: session.id });
      const plain = await c.call('sp', 'GET', `/sessions/${session.id}`);
      c.expectStatus(plain, 200);
      if (s.dialect === 'spec') c.expectSchema(plain, 'get', '/sessions/{id}');
      const expanded = await c.call('sp', 'GET', `/sessions/${session.id}`, { query: { expand: 'segments.assignedRight' } });
      c.expectStatus(expanded, 200);
      const inlined = expanded.body.segments?.[0]?.assignedRight;
      c.expectEqual(inlined?.id, right.id, 'the segment still names its assigned right');
      c.expect(inlined?.rightSpecification?.id === right.rightSpecification.id && credentialIdsOf(inlined).includes(vrm), 'the assigned right is inlined (rightSpecification and holder present)', { actual: inlined });
    });

    await s.check({ id: 'PROTO-13', title: 'every list answers the envelope: meta with integer referenceInstant, offset, pageSize, total', requirement: 'NPP PaginatedList / PaginatedListMeta; spec-analysis §3.2 #10, #34', independent: true }, async (c) => {
      const wrong: string[] = [];
      for (const r of RESOURCES) {
        const reply = await c.call('ad', 'GET', r.path);
        if (reply.status !== 200) {
          wrong.push(`${r.path}: ${reply.status}`);
          continue;
        }
        const { meta, data } = reply.body ?? {};
        for (const key of ['referenceInstant', 'offset', 'pageSize', 'total']) if (!isCount(meta?.[key])) wrong.push(`${r.path}: meta.${key} = ${JSON.stringify(meta?.[key])}`);
        if (!Array.isArray(data)) wrong.push(`${r.path}: data is not an array`);
        else if (isCount(meta?.total) && meta.total < data.length) wrong.push(`${r.path}: meta.total ${meta.total} < ${data.length} items`);
        else if (isCount(meta?.pageSize) && data.length > meta.pageSize) wrong.push(`${r.path}: ${data.length} items > pageSize ${meta.pageSize}`);
      }
      c.expectEqual(wrong, [], 'every list envelope is well formed');
    });

    await s.check({ id: 'PROTO-14', title: 'identifier_id is understood as credential_id', requirement: 'seed 000 UC4.2 (identifier_id); spec-analysis §3.2 #5', severity: 'SHOULD' }, async (c) => {
      const vrm = s.state.get('protocol.vrm') as string;
      const ids = s.state.get('protocol.ids') as { right: string; session: string };
      for (const [list, id] of [['/rights/assigned', ids.right], ['/sessions', ids.session]] as const) {
        const spec = await c.call('sp', 'GET', list, { query: { credential_id: vrm } });
        const alias = await c.call('sp', 'GET', list, { query: { identifier_id: vrm } });
        c.expectStatus(alias, 200);
        c.expect(spec.body?.data?.some((e: any) => e.id === id), `${list}?credential_id=${vrm} finds ${id}`);
        c.expectEqual(alias.body.data.map((e: any) => e.id), spec.body.data.map((e: any) => e.id), `${list}?identifier_id answers what credential_id does`);
      }
    });

    await s.check({ id: 'PROTO-15', title: 'PUT on a collection is refused with 405 (or 404)', requirement: 'spec-analysis §3.2 #33 (collection PUT → 405)', severity: 'SHOULD', independent: true }, async (c) => {
      const reply = await c.call('sp', 'PUT', '/sessions', { body: {} });
      c.expectStatus(reply, 405, 404);
      if (reply.status === 405) c.expect(reply.headers.allow, 'a 405 names the allowed methods in Allow', { actual: reply.headers });
    });
  },
};
