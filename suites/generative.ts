// Generated payloads (json-schema-faker over our document, seeded by --seed): for each writable resource, N valid
// objects are created and read back field by field, then invalid variants are refused without a trace.
import type { Party } from '../harness/credentials.js';
import type { Reply } from '../harness/http-client.js';
import type { CheckContext, SuiteContext, SuiteDefinition } from '../harness/suite.js';
import { specPath } from '../spec/index.js';
import { UC4_PLACE, UC4_SPEC } from './fixture-ids.js';
import { compareSent, GEN_RESOURCES, generatePayload, generatePayloads, invalidVariants, type GenerateRefs, type GenKind, type Ref, type SchemaValidate } from './generate.js';

/** Valid payloads per resource. */
export const GENERATED_PER_RESOURCE = 5;

type Json = Record<string, any>;

interface Step {
  kind: GenKind;
  writer: Party;
  number: number;
  requirement: string;
  /** The objects the payloads refer to: created by earlier steps, else fixtures. */
  refs(c: CheckContext, s: SuiteContext): Promise<GenerateRefs>;
}

const created = (s: SuiteContext, kind: GenKind): Ref[] => (s.state.get(`gen.${kind}`) as Ref[] | undefined) ?? [];

async function fixtureRef(c: CheckContext, party: Party, path: string): Promise<Ref & { layer?: number }> {
  const reply = await c.call(party, 'GET', path);
  if (reply.status !== 200) c.precondition(`GET ${path} answered ${reply.status}: the target lacks the seed's object`);
  return { id: reply.body.id, version: reply.body.version, layer: reply.body.layer };
}

const STEPS: readonly Step[] = [
  {
    kind: 'places',
    writer: 'po',
    number: 1,
    requirement: 'NPP POST /places, GET /places/{id} (HierarchyElement); APDS README (clients ignore nothing they sent)',
    refs: async (c) => ({ parent: await fixtureRef(c, 'po', `/places/${UC4_PLACE}`) }),
  },
  {
    kind: 'rates',
    writer: 'po',
    number: 3,
    requirement: 'NPP POST /rates, GET /rates/{id} (RateTable)',
    refs: async () => ({}),
  },
  {
    kind: 'rightSpecs',
    writer: 'po',
    number: 5,
    requirement: 'NPP POST /rights/specs, GET /rights/specs/{id} (RightSpecification)',
    refs: async (c, s) => ({
      places: created(s, 'places').length ? created(s, 'places') : [await fixtureRef(c, 'po', `/places/${UC4_PLACE}`)],
      rates: created(s, 'rates'),
    }),
  },
  {
    kind: 'assignedRights',
    writer: 'sp',
    number: 7,
    requirement: 'NPP POST /rights/assigned, GET /rights/assigned/{id} (AssignedRight)',
    refs: async (c, s) => ({ specs: created(s, 'rightSpecs').length ? created(s, 'rightSpecs') : [await fixtureRef(c, 'sp', `/rights/specs/${UC4_SPEC}`)] }),
  },
  {
    kind: 'sessions',
    writer: 'sp',
    number: 9,
    requirement: 'NPP POST /sessions, GET /sessions/{id} (Session)',
    refs: async (c, s) => {
      const rights = created(s, 'assignedRights');
      if (!rights.length) c.precondition('no assigned right was created by GEN-07, and a generated session needs one per segment');
      return { places: created(s, 'places').length ? created(s, 'places') : [await fixtureRef(c, 'sp', `/places/${UC4_PLACE}`)], rights };
    },
  },
];

const id2 = (n: number) => String(n).padStart(2, '0');

/** What a failure prints so the run can be replayed. */
const replay = (s: SuiteContext, payload: unknown) => `seed ${s.seed} (replay: --seed ${s.seed}); payload: ${JSON.stringify(payload)}`;

export const generative: SuiteDefinition = {
  id: 'generative',
  title: 'Generated payloads: create, read back, refuse invalid variants',
  description: `For each writable resource, ${GENERATED_PER_RESOURCE} valid objects generated from the schema (seeded by --seed) are created and read back with every field they were sent; invalid variants (a required member removed, a wrong type, an enum violated) are refused with a 4xx and change nothing.`,
  role: 'platform',
  async run(s) {
    // The run's validator has compiled our document already (unless --spec names another one): reuse it.
    const validate: SchemaValidate | undefined = s.validator.source === specPath() ? (name, value) => s.validator.checkSchema(name, value) : undefined;
    for (const step of STEPS) {
      const { path, noun, schema } = GEN_RESOURCES[step.kind];

      await s.check({ id: `GEN-${id2(step.number)}`, title: `${GENERATED_PER_RESOURCE} generated ${noun}s are created and read back with every field they were sent`, requirement: step.requirement, independent: true }, async (c) => {
        if (s.dialect !== 'spec') c.skip('generated payloads are written and compared in the spec dialect');
        const refs = await step.refs(c, s);
        const ids = Array.from({ length: GENERATED_PER_RESOURCE }, () => s.fresh(`gen-${step.kind}`));
        const payloads = generatePayloads(step.kind, { seed: s.seed, count: GENERATED_PER_RESOURCE, ids, refs, validate });
        const done: Ref[] = [];
        for (const [i, payload] of payloads.entries()) {
          const reply = await c.call(step.writer, 'POST', path, { body: payload });
          if (reply.status !== 200 && reply.status !== 201) {
            c.fail(`${noun} #${i + 1}: POST ${path} answered ${reply.status}${reply.body?.message ? `: ${reply.body.message}` : ''}; ${replay(s, payload)}`, { expected: 201, actual: reply.body });
          }
          done.push({ id: payload.id, version: payload.version });
          s.state.set(`gen.${step.kind}`, done);
          const read = await c.call(step.writer, 'GET', `${path}/${encodeURIComponent(payload.id)}`, { query: { expand: 'all' } });
          if (read.status !== 200) c.fail(`${noun} #${i + 1}: GET ${path}/${payload.id} answered ${read.status} after it was created; ${replay(s, payload)}`, { expected: 200, actual: read.status });
          c.expectSchema(read, 'get', `${path}/{id}`);
          const mismatches = compareSent(payload, read.body);
          if (mismatches.length) {
            const first = mismatches.slice(0, 3).map((m) => `${m.path}: sent ${JSON.stringify(m.sent)}, read ${JSON.stringify(m.answered)}`).join('; ');
            c.fail(`${noun} #${i + 1} does not read back as sent (${mismatches.length} member${mismatches.length > 1 ? 's' : ''}: ${first}); ${replay(s, payload)}`, { expected: payload, actual: read.body });
          }
        }
        c.note(`${payloads.length} ${schema} payloads from seed ${s.seed}`);
      });

      await s.check({ id: `GEN-${id2(step.number + 1)}`, title: `invalid ${noun}s (required member removed, wrong type, enum violated) are refused and change nothing`, requirement: `NPP ${path} writes: 400 for an invalid body; APDS README (ResponseStatus errors)`, independent: true }, async (c) => {
        if (s.dialect !== 'spec') c.skip('generated payloads are written and compared in the spec dialect');
        const refs = await step.refs(c, s);
        // A valid payload that is never sent as such (index past the created ones), broken three ways.
        const fresh = generatePayload(step.kind, s.seed, GENERATED_PER_RESOURCE, s.fresh(`gen-invalid-${step.kind}`), refs, validate);
        const wrong: string[] = [];
        const judge = async (label: string, call: Promise<Reply>, body: Json) => {
          const reply = await call;
          if (reply.status < 400 || reply.status >= 500 || String(reply.body?.status).toLowerCase() !== 'error') {
            wrong.push(`${label} answered ${reply.status}${reply.status >= 500 ? ' (server error)' : reply.status < 400 ? ' (accepted)' : ' (not a ResponseStatus error)'}; ${replay(s, body)}`);
          }
        };
        for (const variant of invalidVariants(step.kind, fresh, s.seed)) {
          await judge(`POST ${path} with ${variant.mutation}`, c.call(step.writer, 'POST', path, { body: variant.body }), variant.body);
          const after = await c.call(step.writer, 'GET', `${path}/${encodeURIComponent(fresh.id)}`);
          if (after.status !== 404) wrong.push(`after the refused POST (${variant.mutation}), GET ${path}/${fresh.id} answered ${after.status}, expected 404`);
        }
        const target = created(s, step.kind)[0];
        if (target) {
          // The same mutations as a PUT of the next version of an object that exists.
          const itemPath = `${path}/${encodeURIComponent(target.id)}`;
          const before = await c.call(step.writer, 'GET', itemPath, { query: { expand: 'all' } });
          const valid = generatePayload(step.kind, s.seed, 0, target.id, refs, validate);
          for (const variant of invalidVariants(step.kind, { ...valid, version: target.version + 1 }, s.seed)) {
            await judge(`PUT ${path}/{id} with ${variant.mutation}`, c.call(step.writer, 'PUT', itemPath, { body: variant.body }), variant.body);
          }
          const after = await c.call(step.writer, 'GET', itemPath, { query: { expand: 'all' } });
          c.expectEqual(after.body, before.body, `${target.id} is unchanged after the refused PUTs`);
        } else c.note(`no generated ${noun} exists (GEN-${id2(step.number)} failed): the PUT variants were not tried`);
        c.expectEqual(wrong, [], 'every invalid variant is refused with a 4xx ResponseStatus error and nothing is stored');
      });
    }

    await s.check({ id: 'GEN-11', title: 'the generated objects are deleted (200) and answer 404 afterwards', requirement: 'NPP DELETE /{resource}/{id}; APDS README (logical delete: 404 afterwards)', independent: true }, async (c) => {
      if (s.dialect !== 'spec') c.skip('nothing was generated in the flows dialect');
      const wrong: string[] = [];
      let count = 0;
      for (const step of [...STEPS].reverse()) {
        const { path } = GEN_RESOURCES[step.kind];
        for (const ref of created(s, step.kind)) {
          const itemPath = `${path}/${encodeURIComponent(ref.id)}`;
          const reply = await c.call(step.writer, 'DELETE', itemPath);
          if (reply.status !== 200 && reply.status !== 204) wrong.push(`DELETE ${itemPath}: ${reply.status}`);
          const after = await c.call(step.writer, 'GET', itemPath);
          if (after.status !== 404) wrong.push(`GET ${itemPath} after DELETE: ${after.status}`);
          count++;
        }
      }
      c.note(`${count} generated objects deleted`);
      c.expectEqual(wrong, [], 'every generated object is deleted');
    });
  },
};
