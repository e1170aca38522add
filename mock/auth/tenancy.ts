// Object-level authorization: who may see and change which object. Another tenant's object stays invisible (404).
import { isObject } from '../dialect/common.js';
import type { Principal } from '../http/context.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import type { ClientRegistry } from './clients.js';

export interface AccessPolicy {
  canRead(resource: string, entity: Entity, principal: Principal): boolean;
  /** May `principal` write this object (the stored one on update, the new one on create)? */
  canWrite(resource: string, entity: Entity, principal: Principal): boolean;
}

export const OPEN_ACCESS: AccessPolicy = { canRead: () => true, canWrite: () => true };

const INVENTORY = new Set(['Place', 'RightSpecification', 'RateTable']);

export class TenantPolicy implements AccessPolicy {
  constructor(
    readonly store: PlatformStore,
    readonly clients: ClientRegistry,
  ) {}

  canRead(resource: string, entity: Entity, principal: Principal): boolean {
    if (principal.roles.includes('ad') || INVENTORY.has(resource)) return true;
    if (resource === 'AssignedRight') return this.#rightRelates(entity, principal, true);
    if (resource === 'Session') return this.#sessionRelates(entity, principal, true);
    // A client's quotes and an organisation's reconciliation submittals are theirs (unowned ones are anyone's).
    if (resource === 'Quote') return this.#ownedBy(this.store.quotes.record(entity.id)?.owner, principal);
    if (resource === 'ReconciliationSubmittal') return this.#ownedBy(this.store.submittals.record(entity.id)?.owner, principal);
    return true;
  }

  #ownedBy(owner: string | undefined, principal: Principal): boolean {
    return owner === undefined || owner === principal.organisation;
  }

  canWrite(resource: string, entity: Entity, principal: Principal): boolean {
    const roles = principal.roles;
    switch (resource) {
      case 'Place':
        return roles.includes('po') && (this.#owner('places', entity.id) === principal.organisation || this.#runsPlace(principal, entity.id) || this.#runsNewPlace(principal, entity));
      case 'RightSpecification':
        return roles.includes('po') && (this.#owner('rightSpecs', entity.id) === principal.organisation || this.#specPlaces(entity).every((p) => this.#runsPlace(principal, p)));
      case 'RateTable':
        return roles.includes('po') && (this.#owner('rates', entity.id) === undefined ? !this.store.rates.has(entity.id) || this.#rateOfOwnSpec(entity, principal) : this.#owner('rates', entity.id) === principal.organisation);
      case 'AssignedRight':
        return this.#rightRelates(entity, principal, false);
      case 'Session':
        return this.#sessionRelates(entity, principal, false);
      case 'Observation': {
        // Enforcement records observations; only the organisation that recorded one changes it (E39).
        const record = this.store.observations.record(entity.id);
        const live = record !== undefined && record.deletedAt === undefined;
        return roles.includes('ep') && (!live || this.#ownedBy(record?.owner, principal));
      }
      case 'ContactPoint':
        return roles.includes('ad');
      default:
        return true;
    }
  }

  #owner(collection: 'places' | 'rightSpecs' | 'rates' | 'assignedRights' | 'sessions', id: string): string | undefined {
    return this.store.collections[collection]!.record(id)?.owner;
  }

  /** Places named in the client's file, their children, and places the organisation created. */
  #runsPlace(principal: Principal, placeId: string): boolean {
    const listed = this.clients.get(principal.clientId)?.places ?? [];
    return this.store.placeWithAncestors(placeId).some((id) => listed.includes(id) || this.#owner('places', id) === principal.organisation);
  }

  #runsNewPlace(principal: Principal, place: Entity): boolean {
    if (this.store.places.has(place.id)) return false;
    const parent = isObject(place.parentId) ? place.parentId.id : undefined;
    return parent === undefined || this.#runsPlace(principal, parent);
  }

  #specPlaces(spec: Entity): string[] {
    const stored = this.store.rightSpecs.get(spec.id);
    const given = Array.isArray(spec.hierarchyElements) ? spec.hierarchyElements.map((r: unknown) => (isObject(r) ? String(r.id) : '')) : [];
    return [...new Set([...given, ...(stored ? this.store.placeIdsForSpec(stored) : [])])];
  }

  #rateOfOwnSpec(rate: Entity, principal: Principal): boolean {
    const specs = [...this.store.specsByRate.lookup(rate.id)].map((id) => this.store.rightSpecs.get(id)!).filter(Boolean);
    return specs.length > 0 && specs.every((s) => this.canWrite('RightSpecification', s, principal));
  }

  #rightPlaces(right: Entity): string[] {
    const spec = this.store.rightSpecs.get(right.rightSpecification?.id);
    return spec ? this.store.placeIdsForSpec(spec) : [];
  }

  #rightRelates(right: Entity, principal: Principal, reading: boolean): boolean {
    const roles = principal.roles;
    // The issuer is server-owned (set from the sender), so it says who issued this very version.
    if (roles.includes('sp') && right.assignedRightIssuer?.id === principal.organisation) return true;
    if (!reading) return false;
    return (roles.includes('po') || roles.includes('ep')) && this.#rightPlaces(right).some((p) => this.#runsPlace(principal, p));
  }

  #sessionRelates(session: Entity, principal: Principal, reading: boolean): boolean {
    const roles = principal.roles;
    if (roles.includes('sp') && this.#spSession(session, principal, reading)) return true;
    const placeId = session.hierarchyElement?.id;
    if (placeId === undefined) return false;
    // Operators write sessions at their own places (the sample flows' UC4); enforcement only reads.
    if (roles.includes('po')) return this.#runsPlace(principal, placeId);
    return reading && roles.includes('ep') && this.#runsPlace(principal, placeId);
  }

  /**
   * A service provider's sessions: those it sent, and those that use its assigned rights (UC4: the operator
   * reports the session, the SP that issued the right pays it). It never writes one that uses another SP's right.
   */
  #spSession(session: Entity, principal: Principal, reading: boolean): boolean {
    const rights = (Array.isArray(session.segments) ? session.segments : [])
      .map((s: unknown) => (isObject(s) && isObject(s.assignedRight) ? this.store.assignedRights.get(s.assignedRight.id) : undefined))
      .filter((r: Entity | undefined): r is Entity => r !== undefined);
    const own = (r: Entity) => r.assignedRightIssuer?.id === principal.organisation;
    const owner = this.#owner('sessions', session.id);
    if (reading) return owner === principal.organisation || rights.some(own);
    if (!rights.every(own)) return false;
    if (owner !== undefined) return owner === principal.organisation || rights.length > 0;
    return rights.length > 0 || !this.store.sessions.has(session.id);
  }

}
