// /rights/assigned: rights held by credentials (VRMs), found by place through their right specification.
import { canonicalAssignedRight, flowsAssignedRight } from '../dialect/rights-and-sessions.js';
import { credentialTypes } from '../dialect/credentials.js';
import { copyShown, type Json } from '../dialect/common.js';
import { badRequest } from '../http/errors.js';
import { warn, type RequestContext } from '../http/context.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import { candidatesOf, CREDENTIAL_TYPES, inWindows, instantMs, narrowBy, PLACE_TYPES, placeScope, readCredentialIds, readWindows, RIGHT_TYPES, unbounded } from './filters.js';
import { rightFromQuote } from './quotes.js';
import type { ResourceDefinition } from './resource.js';
import type { QueryReader } from '../http/query.js';

const EXPANDABLE = ['plannedUses', 'assignedRightIssuer'];
const HIDEABLE: ReadonlySet<string> = new Set(EXPANDABLE);

/** When a right starts counting (spec-analysis #29): issuance, else its first planned use, else its creation. */
export function rightStartMs(right: Entity, store: PlatformStore): number | undefined {
  return instantMs(right.issuanceTime) ?? instantMs(right.plannedUses?.[0]?.startTime) ?? store.assignedRights.record(right.id)?.createdAt;
}

export function issuerRef(ctx: RequestContext): Json {
  return { id: ctx.principal.organisation, className: 'DigitalServiceProvider', version: 1 };
}

export function rightFilter(query: QueryReader, store: PlatformStore): (right: Entity) => boolean {
  const credentialTypeFilter = query.enumList('credential_type', CREDENTIAL_TYPES);
  const specFilter = query.list('right_spec');
  const rightTypes = query.enumList('right_type', RIGHT_TYPES);
  const placeTypes = query.enumList('type', PLACE_TYPES);
  const windows = readWindows(query);
  return (right) => {
    const specId = right.rightSpecification?.id;
    if (credentialTypeFilter && !credentialTypes(right.rightHolder?.credentials).some((t) => (credentialTypeFilter as string[]).includes(t))) return false;
    if (specFilter && !specFilter.includes(specId)) return false;
    const spec = specId ? store.rightSpecs.get(specId) : undefined;
    if (rightTypes && !rightTypes.includes(spec?.type)) return false;
    if (placeTypes && !(spec && store.placeIdsForSpec(spec).some((p) => placeTypes.includes(store.places.get(p)?.type)))) return false;
    return unbounded(windows) || inWindows(rightStartMs(right, store), instantMs(right.expiry), windows);
  };
}

export const assignedRights: ResourceDefinition = {
  path: '/rights/assigned',
  resource: 'AssignedRight',
  noun: 'assigned right',
  schema: 'AssignedRight',
  collection: (store) => store.assignedRights,
  expandValues: ['all', 'none', ...EXPANDABLE],
  defaultExpand: EXPANDABLE,
  defaultPageSize: 100,
  upsertOnPut: true,

  // APDS ReferenceToQuote: the right a quote option describes (E41).
  resolveInput: rightFromQuote,
  canonical: (body, ctx) => canonicalAssignedRight(body, ctx),

  prepare(entity, ctx, { store }) {
    const right: Entity = { ...entity };
    const specId = right.rightSpecification?.id;
    if (!store.rightSpecs.has(specId)) {
      throw badRequest(`assigned right ${right.id} refers to unknown right specification ${specId}`, [{ path: '/rightSpecification/id', message: 'unknown right specification' }]);
    }
    if (ctx.authenticated) {
      // Server-owned (readOnly in the contract): the issuer is whoever sends the right.
      if (right.assignedRightIssuer !== undefined && right.assignedRightIssuer.id !== ctx.principal.organisation) {
        warn(ctx, `/assignedRightIssuer: ${right.assignedRightIssuer.id} replaced by the caller's organisation ${ctx.principal.organisation}`);
      }
      right.assignedRightIssuer = issuerRef(ctx);
    } else right.assignedRightIssuer ??= issuerRef(ctx);
    return { entity: right };
  },

  list(query, { store }) {
    let ids: Set<string> | undefined;
    const credentials = readCredentialIds(query);
    if (credentials) ids = new Set(credentials.flatMap((c) => [...store.rightsByCredential.lookup(c)]));
    const scope = placeScope(query, store);
    if (scope) {
      const specs = new Set([...scope].flatMap((p) => [...store.specIdsForPlace(p)]));
      ids = narrowBy(ids, specs, (id) => store.assignedRights.get(id)?.rightSpecification?.id, store.rightsBySpec);
    }
    const keep = rightFilter(query, store);
    return candidatesOf(store.assignedRights.values(), (id) => store.assignedRights.get(id), ids).filter(keep);
  },

  present(right, expand, ctx) {
    const out = copyShown(right, (key) => HIDEABLE.has(key) && !expand.has(key));
    return ctx.dialect === 'flows' ? flowsAssignedRight(out) : out;
  },
};
