// /sessions: parking sessions by place, VRM and time window; an open session (no actualEnd) is ongoing.
import { canonicalSession, flowsSession } from '../dialect/rights-and-sessions.js';
import { credentialTypes } from '../dialect/credentials.js';
import { copyShown, isObject, type Json } from '../dialect/common.js';
import { badRequest } from '../http/errors.js';
import type { Violation } from '../../spec/index.js';
import type { Entity } from '../store/platform-store.js';
import { candidatesOf, CREDENTIAL_TYPES, inWindows, instantMs, narrowBy, PLACE_TYPES, placeScope, readCredentialIds, readWindows, RIGHT_TYPES, unbounded } from './filters.js';
import type { ResourceDefinition } from './resource.js';
import { planSessionRights } from './session-rights.js';

const EXPANDABLE = ['credentials', 'vehicleAncillaryIdentification', 'segments', 'segments.space', 'segments.assignedRight'];

function checkChronology(session: Entity): void {
  const problems: Violation[] = [];
  const check = (start: unknown, end: unknown, path: string) => {
    const s = instantMs(start);
    const e = instantMs(end);
    if (s !== undefined && e !== undefined && e < s) problems.push({ path, message: `actualEnd ${end} is before actualStart ${start}` });
  };
  check(session.actualStart, session.actualEnd, '/actualEnd');
  (session.segments as Json[]).forEach((s, i) => isObject(s) && check(s.actualStart, s.actualEnd, `/segments/${i}/actualEnd`));
  if (problems.length) throw badRequest(`session ${session.id} ends before it starts`, problems);
}

export const sessions: ResourceDefinition = {
  path: '/sessions',
  resource: 'Session',
  noun: 'session',
  schema: 'Session',
  collection: (store) => store.sessions,
  expandValues: ['all', 'none', ...EXPANDABLE],
  defaultExpand: ['credentials', 'vehicleAncillaryIdentification', 'segments'],
  defaultPageSize: 100,

  canonical: (body, ctx) => canonicalSession(body, ctx),

  prepare(entity, ctx, { store, access }, previous) {
    checkChronology(entity);
    const placeId = entity.hierarchyElement?.id;
    if (placeId !== undefined && !store.places.has(placeId)) {
      throw badRequest(`session ${entity.id} refers to unknown place ${placeId}`, [{ path: '/hierarchyElement/id', message: 'unknown place' }]);
    }
    const session: Entity = { ...entity, initiator: entity.initiator ?? { id: ctx.principal.organisation, version: 1 } };
    const plan = planSessionRights(session, ctx, store, previous, (right) => access.canRead('AssignedRight', right, ctx.principal));
    return { entity: plan.session, commit: plan.commit };
  },

  list(query, { store }) {
    let ids: Set<string> | undefined;
    const credentials = readCredentialIds(query);
    if (credentials) ids = new Set(credentials.flatMap((c) => [...store.sessionsByCredential.lookup(c)]));
    const scope = placeScope(query, store);
    if (scope) ids = narrowBy(ids, scope, (id) => store.sessions.get(id)?.hierarchyElement?.id, store.sessionsByPlace);
    const credentialTypeFilter = query.enumList('credential_type', CREDENTIAL_TYPES);
    const specFilter = query.list('right_spec');
    const rightTypes = query.enumList('right_type', RIGHT_TYPES);
    const placeTypes = query.enumList('type', PLACE_TYPES);
    const windows = readWindows(query);
    const specsOf = (session: Entity) =>
      (session.segments as Json[]).map((s) => store.assignedRights.get(s?.assignedRight?.id)?.rightSpecification?.id).filter(Boolean) as string[];

    return candidatesOf(store.sessions.values(), (id) => store.sessions.get(id), ids).filter((session) => {
      if (credentialTypeFilter && !credentialTypes(session.identifiedCredentials).some((t) => (credentialTypeFilter as string[]).includes(t))) return false;
      if (specFilter && !specsOf(session).some((s) => specFilter.includes(s))) return false;
      if (rightTypes && !specsOf(session).some((s) => rightTypes.includes(store.rightSpecs.get(s)?.type))) return false;
      if (placeTypes && !placeTypes.includes(store.places.get(session.hierarchyElement?.id)?.type)) return false;
      return unbounded(windows) || inWindows(instantMs(session.actualStart), instantMs(session.actualEnd), windows);
    });
  },

  present(session, expand, ctx, deps) {
    const inlineRights = expand.has('segments.assignedRight');
    const inlineSpaces = expand.has('segments.space');
    const shown = {
      identifiedCredentials: expand.has('credentials'),
      identifiedVehicle: expand.has('vehicleAncillaryIdentification'),
      segments: expand.has('segments') || inlineRights || inlineSpaces,
    };
    const out = copyShown(session, (key) => shown[key as keyof typeof shown] === false);
    if (inlineRights || inlineSpaces) {
      out.segments = (out.segments as Json[]).map((segment) => {
        if (!isObject(segment)) return segment;
        const copy: Json = { ...segment };
        const right = inlineRights ? deps.store.assignedRights.get(copy.assignedRight?.id) : undefined;
        if (right) copy.assignedRight = right;
        const space = inlineSpaces ? deps.store.places.get(copy.spaceId?.id) : undefined;
        if (space) copy.space = space;
        return copy;
      });
    }
    return ctx.dialect === 'flows' ? flowsSession(out) : out;
  },
};
