// /rates: rate tables, reached from places through the right specs that reference them.
import { canonicalRate, flowsRate } from '../dialect/rates.js';
import { isObject, type Json } from '../dialect/common.js';
import { candidatesOf, intersect, placeScope } from './filters.js';
import type { ResourceDefinition } from './resource.js';

const rateIdsOfSpec = (spec: Json | undefined): string[] =>
  spec && Array.isArray(spec.rateEligibility) ? spec.rateEligibility.filter((r: unknown) => isObject(r) && isObject(r.rateTable)).map((r: Json) => r.rateTable.id) : [];

export const rates: ResourceDefinition = {
  path: '/rates',
  resource: 'RateTable',
  noun: 'rate table',
  schema: 'RateTable',
  collection: (store) => store.rates,
  expandValues: ['all', 'none', 'rateLineCollections', 'rateLineCollections.rateLines'],
  defaultExpand: ['rateLineCollections', 'rateLineCollections.rateLines'],
  defaultPageSize: 100,
  createStatus: 201,

  canonical: (body, ctx) => canonicalRate(body, ctx),

  prepare(entity, _ctx, { store }) {
    const aliases = Array.isArray(entity['x-aliases']) ? entity['x-aliases'].filter((a: unknown): a is string => typeof a === 'string') : [];
    return {
      entity,
      commit: () => {
        for (const alias of aliases) store.rates.addAlias(alias, entity.id);
        return [];
      },
    };
  },

  list(query, { store }) {
    const scope = placeScope(query, store);
    const specs = query.list('right_spec');
    let ids: Set<string> | undefined;
    if (scope) ids = new Set([...scope].flatMap((p) => [...store.specIdsForPlace(p)].flatMap((s) => rateIdsOfSpec(store.rightSpecs.get(s)))));
    if (specs) ids = intersect(ids, specs.flatMap((s) => rateIdsOfSpec(store.rightSpecs.get(s))));
    return candidatesOf(store.rates.values(), (id) => store.rates.get(id), ids);
  },

  present(rate, expand, ctx) {
    const out: Json = { ...rate };
    if (!expand.has('rateLineCollections')) delete out.rateLineCollections;
    else if (!expand.has('rateLineCollections.rateLines') && Array.isArray(out.rateLineCollections)) {
      out.rateLineCollections = out.rateLineCollections.map((c: Json) => {
        const { rateLines: _omit, ...rest } = c;
        return rest;
      });
    }
    return ctx.dialect === 'flows' ? flowsRate(out) : out;
  },
};
