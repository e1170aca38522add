// Links a session's segments to assigned rights: checks references, and creates the right a segment lacks
// (seed UC2: "the platform is expected to automatically create a corresponding assigned right").
import { randomUUID } from 'node:crypto';
import { isObject, type Json } from '../dialect/common.js';
import { warn, type RequestContext } from '../http/context.js';
import { badRequest } from '../http/errors.js';
import type { Violation } from '../../spec/index.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import { issuerRef } from './assigned-rights.js';
import type { ChangeEvent } from './resource.js';

const latestEnd = (session: Entity): string | undefined => {
  if (typeof session.actualEnd === 'string') return session.actualEnd;
  const ends = (session.segments as Json[]).map((s) => s?.actualEnd).filter((e): e is string => typeof e === 'string');
  return ends.sort().at(-1);
};

/** The spec an auto-created right uses: one linked to the session's place, one-time parking first. */
function specForPlace(store: PlatformStore, placeId: string): Entity | undefined {
  const specs = [...store.specIdsForPlace(placeId)].map((id) => store.rightSpecs.get(id)!).filter(Boolean);
  specs.sort((a, b) => Number(b.type === 'oneTimeUseParking') - Number(a.type === 'oneTimeUseParking') || (a.id < b.id ? -1 : 1));
  return specs[0];
}

export interface SessionRightsPlan {
  session: Entity;
  commit(nowMs: number): ChangeEvent[];
}

/** `canSee` hides rights the caller may not read: referring to one is the same as referring to none (no leak). */
export function planSessionRights(
  session: Entity,
  ctx: RequestContext,
  store: PlatformStore,
  previous: Entity | undefined,
  canSee: (right: Entity) => boolean = () => true,
): SessionRightsPlan {
  const segments: Json[] = (session.segments as Json[]).map((s) => ({ ...s }));
  const previousSegments = new Map<string, Json>((previous?.segments ?? []).filter(isObject).map((s: Json) => [s.id, s]));

  // seed UC5.3: a payment confirmation may leave out the segment's right; keep the one stored.
  segments.forEach((segment, i) => {
    const stored = previousSegments.get(segment.id)?.assignedRight;
    if (segment.assignedRight === undefined && stored) {
      segment.assignedRight = stored;
      warn(ctx, `/segments/${i}/assignedRight missing: kept the stored ${stored.id}`);
    }
  });

  const unknown: Violation[] = [];
  segments.forEach((segment, i) => {
    const ref = segment.assignedRight;
    const right = isObject(ref) ? store.assignedRights.get(ref.id) : undefined;
    if (isObject(ref) && !(right && canSee(right))) unknown.push({ path: `/segments/${i}/assignedRight/id`, message: `unknown assigned right ${ref.id}` });
  });
  if (unknown.length) throw badRequest(`session ${session.id} refers to unknown assigned right${unknown.length > 1 ? 's' : ''}`, unknown);

  const needRight = segments.filter((s) => s.assignedRight === undefined);
  const existingAutoId = store.autoRights.get(session.id);
  const existingAuto = existingAutoId ? store.assignedRights.get(existingAutoId) : undefined;
  const usesAuto = needRight.length > 0 || segments.some((s) => s.assignedRight?.id === existingAutoId);
  if (!usesAuto) return { session: { ...session, segments }, commit: () => [] };

  let auto: Entity;
  if (existingAuto) {
    auto = { ...existingAuto, expiry: latestEnd({ ...session, segments }) };
    if (auto.expiry === undefined) delete auto.expiry;
  } else {
    const placeId = session.hierarchyElement?.id;
    if (!placeId) throw badRequest(`session ${session.id}: a segment without assignedRight needs the session's hierarchyElement to derive one`, [{ path: '/hierarchyElement', message: 'required when a segment has no assignedRight' }]);
    const spec = specForPlace(store, placeId);
    if (!spec) throw badRequest(`session ${session.id}: place ${placeId} has no right specification to derive an assigned right from; send segments[].assignedRight`, [{ path: '/segments', message: 'no right specification at the place' }]);
    auto = {
      id: randomUUID(),
      version: 1,
      rightSpecification: { id: spec.id, version: spec.version },
      rightHolder: { credentials: session.identifiedCredentials },
      assignedRightIssuer: issuerRef(ctx),
      issueMethod: 'electronic',
      issuanceTime: session.actualStart,
      ...(latestEnd({ ...session, segments }) ? { expiry: latestEnd({ ...session, segments }) } : {}),
    };
    store.assignedRights.assertCreatable(auto);
  }
  for (const segment of needRight) segment.assignedRight = { id: auto.id, version: auto.version };

  return {
    session: { ...session, segments },
    commit(nowMs) {
      const event = (kind: ChangeEvent['kind'], previousRight?: Entity): ChangeEvent => ({ resource: 'AssignedRight', kind, entity: auto, previous: previousRight, principal: ctx.principal, atMs: nowMs });
      if (existingAuto) {
        store.assignedRights.replace(auto, nowMs);
        return [event('updated', existingAuto)];
      }
      store.assignedRights.create(auto, nowMs);
      store.autoRights.set(session.id, auto.id);
      return [event('created')];
    },
  };
}
