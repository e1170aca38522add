// /rights/specs: what a place grants (type, validity, credentials) and which rate tables apply.
import { canonicalRightSpec, flowsRightSpec } from '../dialect/right-specs.js';
import { isObject, type Json } from '../dialect/common.js';
import { badRequest } from '../http/errors.js';
import type { Violation } from '../../spec/index.js';
import type { Entity } from '../store/platform-store.js';
import { candidatesOf, PLACE_TYPES, placeScope, RIGHT_TYPES } from './filters.js';
import type { ResourceDefinition } from './resource.js';

const EXPANDABLE = ['rateEligibility', 'validity', 'credentials', 'rightPools'];

export const rightSpecs: ResourceDefinition = {
  path: '/rights/specs',
  resource: 'RightSpecification',
  noun: 'right specification',
  schema: 'RightSpecification',
  collection: (store) => store.rightSpecs,
  expandValues: ['all', 'none', ...EXPANDABLE],
  defaultExpand: EXPANDABLE,
  defaultPageSize: 100,

  canonical: (body, ctx) => canonicalRightSpec(body, ctx),

  prepare(entity, ctx, { store }) {
    const spec: Entity = { ...entity };
    spec.transferable ??= false;
    spec.issuer ??= { id: ctx.principal.organisation, version: 1 };
    const missing: Violation[] = [];
    (Array.isArray(spec.hierarchyElements) ? spec.hierarchyElements : []).forEach((ref: Json, i: number) => {
      if (isObject(ref) && !store.places.has(ref.id)) missing.push({ path: `/hierarchyElements/${i}/id`, message: `unknown place ${ref.id}` });
    });
    (Array.isArray(spec.rateEligibility) ? spec.rateEligibility : []).forEach((r: Json, i: number) => {
      if (isObject(r) && isObject(r.rateTable) && !store.rates.has(r.rateTable.id)) {
        missing.push({ path: `/rateEligibility/${i}/rateTable/id`, message: `unknown rate table ${r.rateTable.id}` });
      }
    });
    if (missing.length) throw badRequest(`right specification ${spec.id} refers to ${missing.length} unknown object${missing.length > 1 ? 's' : ''}`, missing);
    return { entity: spec };
  },

  list(query, { store }) {
    const scope = placeScope(query, store);
    const placeTypes = query.enumList('type', PLACE_TYPES);
    const rightTypes = query.enumList('right_type', RIGHT_TYPES);
    let ids: Set<string> | undefined;
    if (scope) ids = new Set([...scope].flatMap((p) => [...store.specIdsForPlace(p)]));
    return candidatesOf(store.rightSpecs.values(), (id) => store.rightSpecs.get(id), ids).filter((spec) => {
      if (rightTypes && !rightTypes.includes(spec.type)) return false;
      if (placeTypes && !store.placeIdsForSpec(spec).some((p) => placeTypes.includes(store.places.get(p)?.type))) return false;
      return true;
    });
  },

  present(spec, expand, ctx) {
    const out: Json = { ...spec };
    for (const key of EXPANDABLE) if (!expand.has(key)) delete out[key];
    return ctx.dialect === 'flows' ? flowsRightSpec(out) : out;
  },
};
