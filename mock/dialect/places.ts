// Places: the seed's shapes (occupancy, parent, indicativePointLocation, lone objects) ↔ the contract's.
import { warn, type RequestContext } from '../http/context.js';
import { asArray, flowsDeep, isObject, isSpecificLanguageArray, normaliseDeep, rename, single, type Json } from './common.js';

function canonicalAddress(address: unknown, ctx: RequestContext, path: string): unknown {
  if (!isObject(address)) return address;
  const out: Json = { ...address };
  if (typeof out.countryCode === 'string' && /^[A-Z]{2}$/.test(out.countryCode)) {
    warn(ctx, `${path}/countryCode: "${out.countryCode}" read as "${out.countryCode.toLowerCase()}"`);
    out.countryCode = out.countryCode.toLowerCase();
  }
  if (Array.isArray(out.addressLines)) {
    out.addressLines = out.addressLines.map((line: unknown) =>
      isObject(line) && typeof line.text === 'string' ? { ...line, text: [{ language: 'en', string: line.text }] } : line,
    );
  }
  return out;
}

/** Converts a place body (full or a PATCH fragment) from either dialect to canonical form. */
export function canonicalPlace(body: Json, ctx: RequestContext, pathId?: string): Json {
  const place = normaliseDeep(body, ctx) as Json;
  if (place.type === 'place') place.type = 'parkingPlace';
  rename(place, 'parent', 'parentId');
  if (place.indicativePointLocation !== undefined && place.indicativePlacePointLocation === undefined) {
    place.indicativePlacePointLocation = asArray(place.indicativePointLocation);
  }
  delete place.indicativePointLocation;
  place.characteristics = asArray(place.characteristics);
  if (place.placeStreetAddress !== undefined) {
    const addresses = asArray(place.placeStreetAddress);
    place.placeStreetAddress = Array.isArray(addresses)
      ? addresses.map((a, i) => canonicalAddress(a, ctx, `/placeStreetAddress/${i}`))
      : addresses;
  }
  if (Array.isArray(place.contacts)) {
    place.contacts = place.contacts.map((c: unknown) =>
      isObject(c) && c.contactType === undefined ? { contactType: c.contactReference ? 'contactByReference' : 'contactPoint', ...c } : c,
    );
  }
  if (isObject(place.occupancy)) {
    const { supply, demand } = place.occupancy;
    const reference: Json = { elementId: { id: place.id ?? pathId, version: place.version ?? 1 } };
    if (supply !== undefined) reference.supply = asArray(supply);
    if (demand !== undefined) reference.demandTable = asArray(demand);
    place.hierarchyElementReference = { ...(isObject(place.hierarchyElementReference) ? place.hierarchyElementReference : {}), ...reference };
    delete place.occupancy;
  }
  for (const key of ['placeStreetAddress', 'characteristics'] as const) if (place[key] === undefined) delete place[key];
  return place;
}

/** The seed's view of a canonical place (already projected for `expand`). */
export function flowsPlace(place: Json): Json {
  const out = flowsDeep(place) as Json;
  if (out.type === 'parkingPlace') out.type = 'place';
  rename(out, 'parentId', 'parent');
  if (out.indicativePlacePointLocation !== undefined) {
    out.indicativePointLocation = single(out.indicativePlacePointLocation);
    delete out.indicativePlacePointLocation;
  }
  if (out.characteristics !== undefined) out.characteristics = single(out.characteristics);
  if (Array.isArray(out.placeStreetAddress)) {
    out.placeStreetAddress = single(
      out.placeStreetAddress.map((a: unknown) => {
        if (!isObject(a)) return a;
        const address: Json = { ...a };
        if (typeof address.countryCode === 'string') address.countryCode = address.countryCode.toUpperCase();
        if (Array.isArray(address.addressLines)) {
          address.addressLines = address.addressLines.map((line: unknown) =>
            isObject(line) && isSpecificLanguageArray(line.text) && line.text.length === 1 ? { ...line, text: line.text[0]!.string } : line,
          );
        }
        return address;
      }),
    );
  }
  if (Array.isArray(out.contacts)) {
    out.contacts = out.contacts.map((c: unknown) => {
      if (!isObject(c) || c.contactType !== 'contactPoint') return c;
      const { contactType: _omit, ...rest } = c;
      return rest;
    });
  }
  if (isObject(out.hierarchyElementReference)) {
    const { supply, demandTable } = out.hierarchyElementReference;
    const occupancy: Json = {};
    if (Array.isArray(supply) && supply.length) occupancy.supply = supply[supply.length - 1];
    if (Array.isArray(demandTable) && demandTable.length) occupancy.demand = demandTable[demandTable.length - 1];
    out.occupancy = occupancy;
    delete out.hierarchyElementReference;
  }
  return out;
}

