// /observations (APDS; NPP does not use them, E39): ANPR reads, chalk marks and sightings of credentials at places.
import { flowsDeep, isObject, normaliseDeep, type Json } from '../dialect/common.js';
import { badRequest } from '../http/errors.js';
import { haversineMetres, type GeoPoint } from '../store/indexes.js';
import { placePoint, type Entity } from '../store/platform-store.js';
import type { Violation } from '../../spec/index.js';
import { candidatesOf, CREDENTIAL_TYPES, inWindows, instantMs, intersect, readCredentialIds, readGeo, readWindows } from './filters.js';
import type { ResourceDefinition } from './resource.js';

export const OBSERVATION_METHODS = ['anpr', 'chalk', 'rfTransponder', 'scanner', 'visual'] as const;
const EXPANDABLE = ['images', 'hierarchyElement', 'vehicleAncilliaryIdentification'];

const elementsOf = (observation: Entity): Json[] =>
  (Array.isArray(observation.observationElements) ? observation.observationElements : [observation]).filter(isObject);

const organisationRef = (organisation: string) => ({ id: organisation, version: 1, className: 'Organisation' });

function geoPoint(location: unknown): GeoPoint | undefined {
  if (!isObject(location) || location.type !== 'Point' || !Array.isArray(location.coordinates)) return undefined;
  const [longitude, latitude] = location.coordinates;
  return typeof latitude === 'number' && typeof longitude === 'number' ? { latitude, longitude } : undefined;
}

/** Where an element was: its observed point, else the observer's, else its place's. */
function pointsOf(observation: Entity, placePointOf: (id: string) => GeoPoint | undefined): GeoPoint[] {
  return elementsOf(observation).flatMap((e) => {
    const own = geoPoint(e.location?.observedLocation) ?? geoPoint(e.location?.observerLocation);
    const point = own ?? (isObject(e.elementIds) ? placePointOf(String(e.elementIds.id)) : undefined);
    return point ? [point] : [];
  });
}

/** [start, end] of an element; an observation without an end ends when it starts. */
const spanOf = (e: Json): [number | undefined, number | undefined] => {
  const start = instantMs(e.observationStartTime);
  return [start, instantMs(e.observationEndTime) ?? start];
};

export const observations: ResourceDefinition = {
  path: '/observations',
  resource: 'Observation',
  noun: 'observation',
  schema: 'Observation',
  collection: (store) => store.observations,
  expandValues: ['all', 'none', ...EXPANDABLE],
  defaultExpand: [],
  defaultPageSize: 100,

  canonical: (body, ctx) => normaliseDeep(body, ctx) as Json,

  prepare(entity, ctx, { store }, previous) {
    const problems: Violation[] = [];
    const isSet = Array.isArray(entity.observationElements);
    const now = new Date(ctx.nowMs).toISOString();
    const organisation = organisationRef(ctx.principal.organisation);
    // A replacement keeps the creation time it does not restate.
    const previousCreation = (id: unknown): unknown =>
      previous ? (Array.isArray(previous.observationElements) ? elementsOf(previous).find((e) => e.id === id)?.creationDateTime : previous.creationDateTime) : undefined;
    const fill = (e: Json, path: string): Json => {
      const [start, end] = [instantMs(e.observationStartTime), instantMs(e.observationEndTime)];
      if (start !== undefined && end !== undefined && end < start) problems.push({ path: `${path}/observationEndTime`, message: `observationEndTime ${e.observationEndTime} is before observationStartTime ${e.observationStartTime}` });
      if (isObject(e.elementIds) && !store.places.has(String(e.elementIds.id))) problems.push({ path: `${path}/elementIds/id`, message: `unknown place ${e.elementIds.id}` });
      const out: Json = { ...e, creationDateTime: e.creationDateTime ?? previousCreation(e.id) ?? now };
      // Server-owned (E39): with access control on, the observer is whoever sends it.
      if (ctx.authenticated || out.observerOrganisation === undefined) out.observerOrganisation = organisation;
      return out;
    };
    let observation: Entity;
    if (isSet) {
      observation = { ...entity, creationDateTime: entity.creationDateTime ?? previous?.creationDateTime ?? now, observationElements: (entity.observationElements as Json[]).map((e, i) => fill(e, `/observationElements/${i}`)) };
      if (ctx.authenticated || observation.creator === undefined) observation.creator = organisation;
      const ids = (observation.observationElements as Json[]).map((e) => e.id);
      const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
      if (duplicate !== undefined) problems.push({ path: '/observationElements', message: `element id ${duplicate} appears twice` });
    } else observation = fill(entity, '') as Entity;
    if (problems.length) throw badRequest(`observation ${entity.id} is inconsistent: ${problems.map((p) => p.message).join('; ')}`, problems);
    return { entity: observation };
  },

  list(query, { store }) {
    let ids: Set<string> | undefined;
    const credentials = readCredentialIds(query);
    if (credentials) ids = new Set(credentials.flatMap((c) => [...store.observationsByCredential.lookup(c)]));
    const places = query.list('place');
    if (places) ids = intersect(ids, places.flatMap((p) => store.placeWithDescendants(p)).flatMap((p) => [...store.observationsByPlace.lookup(p)]));
    const geo = readGeo(query);
    const types = query.enumList('credential_type', CREDENTIAL_TYPES) as string[] | undefined;
    const methods = query.enumList('method', OBSERVATION_METHODS) as string[] | undefined;
    const windows = readWindows(query);
    const placePointOf = (id: string) => {
      const place = store.places.get(id);
      return place ? placePoint(place) : undefined;
    };
    return candidatesOf(store.observations.values(), (id) => store.observations.get(id), ids).filter((o) => {
      const elements = elementsOf(o);
      if (types && !elements.some((e) => types.includes(e.type))) return false;
      if (methods && !elements.some((e) => methods.includes(e.method))) return false;
      if (geo && !pointsOf(o, placePointOf).some((p) => haversineMetres(p, geo.centre) <= geo.radius)) return false;
      return elements.some((e) => inWindows(...spanOf(e), windows));
    });
  },

  present(observation, expand, ctx, { store }) {
    const project = (e: Json): Json => {
      const out: Json = { ...e };
      if (!expand.has('images')) delete out.images;
      if (!expand.has('vehicleAncilliaryIdentification')) delete out.vehicleAncilliaryIdentification;
      if (expand.has('hierarchyElement') && isObject(e.elementIds)) {
        const place = store.places.get(String(e.elementIds.id));
        if (place) out.hierarchyElement = place;
      }
      return out;
    };
    const out: Json = Array.isArray(observation.observationElements)
      ? { ...observation, observationElements: (observation.observationElements as Json[]).map((e) => (isObject(e) ? project(e) : e)) }
      : project(observation);
    return ctx.dialect === 'flows' ? (flowsDeep(out) as Json) : out;
  },
};
