// /places: the place hierarchy with geo search, occupancy (expand=occupancy) and the derived links to right specs.
import { flowsPlace, canonicalPlace } from '../dialect/places.js';
import { copyShown, isObject } from '../dialect/common.js';
import { badRequest } from '../http/errors.js';
import type { Entity } from '../store/platform-store.js';
import { candidatesOf, PLACE_TYPES, readGeo, RIGHT_TYPES } from './filters.js';
import type { ResourceDefinition } from './resource.js';

const STRUCTURE_TYPES = ['offStreetStructure', 'offStreetSurface', 'onStreet'] as const;
const STRUCTURE_GRADES = ['aboveGround', 'groundLevel', 'underground'] as const;
const LOCATION_TYPES: Record<string, readonly string[]> = {
  off_street: ['offStreetStructure', 'offStreetSurface'],
  on_street: ['onStreet'],
};

/** expand value → the canonical properties it shows. */
const EXPANDED_PROPERTIES: Record<string, readonly string[]> = {
  rightSpecifications: ['rightSpecifications'],
  occupancy: ['hierarchyElementReference', 'occupancyLevel'],
  areaLocation: ['placeBoundedZone'],
  pointLocation: ['indicativePlacePointLocation'],
  contacts: ['contacts'],
  operatingRestrictions: ['operatingRestrictions'],
  characteristics: ['characteristics'],
  paymentMethods: ['paymentMethods'],
  openingTimes: ['times'],
  streetAddress: ['placeStreetAddress'],
};
const EXPANDABLE = Object.keys(EXPANDED_PROPERTIES);
/** property → the expand value that shows it (properties not listed are always shown). */
const EXPANDED_BY: Readonly<Record<string, string>> = Object.assign(
  Object.create(null) as Record<string, string>,
  Object.fromEntries(Object.entries(EXPANDED_PROPERTIES).flatMap(([value, properties]) => properties.map((p) => [p, value]))),
);

const characteristicValues = (place: Entity, key: string): string[] =>
  Array.isArray(place.characteristics) ? place.characteristics.filter(isObject).map((c) => c[key]).filter((v): v is string => typeof v === 'string') : [];

const namesOf = (place: Entity): string[] => {
  const lists = [place.name, ...(Array.isArray(place.aliases) ? place.aliases : [])];
  return lists.flatMap((l) => (Array.isArray(l) ? l.filter(isObject).map((s) => String(s.string ?? '')) : []));
};

export const places: ResourceDefinition = {
  path: '/places',
  resource: 'Place',
  noun: 'place',
  schema: 'HierarchyElement',
  collection: (store) => store.places,
  expandValues: ['all', 'none', ...EXPANDABLE],
  defaultExpand: EXPANDABLE.filter((e) => e !== 'occupancy'),
  defaultPageSize: 200,

  canonical: (body, ctx, pathId) => canonicalPlace(body, ctx, pathId),

  prepare(entity, ctx, { store }, previous) {
    const place: Entity = { ...entity };
    if (isObject(place.parentId)) {
      if (place.parentId.id === place.id) throw badRequest(`place ${place.id} cannot be its own parent`, [{ path: '/parentId', message: 'refers to the place itself' }]);
      if (!store.places.has(place.parentId.id)) throw badRequest(`parent place ${place.parentId.id} does not exist`, [{ path: '/parentId/id', message: 'unknown place' }]);
    }
    const sameVersion = previous && previous.version === place.version;
    place.hierarchyElementRecord = {
      ...(sameVersion && isObject(previous.hierarchyElementRecord) ? previous.hierarchyElementRecord : {}),
      ...(isObject(place.hierarchyElementRecord) ? place.hierarchyElementRecord : {}),
    };
    place.hierarchyElementRecord.creationTime ??= new Date(ctx.nowMs).toISOString();
    if (isObject(place.hierarchyElementReference) && place.hierarchyElementReference.elementId === undefined) {
      place.hierarchyElementReference = { elementId: { id: place.id, version: place.version }, ...place.hierarchyElementReference };
    }
    return { entity: place };
  },

  list(query, { store }) {
    const geo = readGeo(query);
    const types = query.enumList('type', PLACE_TYPES);
    const rightTypes = query.enumList('right_type', RIGHT_TYPES);
    const locationTypes = query.enumList('location_type', Object.keys(LOCATION_TYPES));
    const structureTypes = [...(query.enumList('structure_type', STRUCTURE_TYPES) ?? []), ...(locationTypes ?? []).flatMap((l) => LOCATION_TYPES[l]!)];
    const grades = query.enumList('structure_grade', STRUCTURE_GRADES);
    const name = query.string('name')?.toLowerCase();
    const layer = query.number('layer', { integer: true, min: 0 });

    const near = geo ? store.placesByLocation.within(geo.centre, geo.radius) : undefined;
    const candidates = candidatesOf(store.places.values(), (id) => store.places.get(id), near ? new Set(near.map((n) => n.id)) : undefined);
    return candidates.filter((place) => {
      if (types && !types.includes(place.type)) return false;
      if (structureTypes.length && !characteristicValues(place, 'structureType').some((v) => structureTypes.includes(v))) return false;
      if (grades && !characteristicValues(place, 'structureGrade').some((v) => (grades as string[]).includes(v))) return false;
      if (name !== undefined && !namesOf(place).some((n) => n.toLowerCase().includes(name))) return false;
      if (layer !== undefined && !(typeof place.layer === 'number' && place.layer <= layer)) return false;
      if (rightTypes) {
        const specTypes = [...store.specIdsForPlace(place.id)].map((id) => store.rightSpecs.get(id)?.type);
        if (!specTypes.some((t) => rightTypes.includes(t))) return false;
      }
      return true;
    });
  },

  present(place, expand, ctx, { store }) {
    const out = copyShown(place, (key) => EXPANDED_BY[key] !== undefined && !expand.has(EXPANDED_BY[key]));
    if (expand.has('rightSpecifications')) {
      const ids = store.specIdsForPlace(place.id);
      if (ids.size) out.rightSpecifications = [...ids].map((id) => ({ id, version: store.rightSpecs.get(id)!.version }));
    }
    const children = store.placesByParent.lookup(place.id);
    if (children.size) out.childIds = [...children].map((id) => ({ id, version: store.places.get(id)!.version }));
    return ctx.dialect === 'flows' ? flowsPlace(out) : out;
  },
};
