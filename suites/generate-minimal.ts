// The small hand-written bodies the protocol, security and robustness suites send (no generator involved).
import { isoAt, ref, type Json, type Ref } from './generate-common.js';

const en = (text: string) => [{ language: 'en', string: text }];

/** The smallest valid rate table: one GBP collection with one hourly line. */
export function minimalRateTable(id: string, version = 1, name = 'Conformance tariff'): Json {
  return {
    id,
    version,
    rateTableName: en(name),
    availability: 'public',
    rateLineCollections: [
      {
        collectionSequence: 1,
        applicableCurrency: 'GBP',
        relativeTimes: true,
        rateLines: [{ sequence: 1, rateLineType: 'incrementingRate', incrementPeriod: 'PT1H', value: { currencyType: 'GBP', currencyValue: 2.5 } }],
      },
    ],
  };
}

export const plate = (vrm: string) => ({ type: 'licensePlate', identifier: { id: vrm, className: 'UKNumberPlate' } });

/** An assigned right for one VRM under a right specification, valid for two hours from `fromMs`. */
export function minimalAssignedRight(id: string, spec: Ref, vrm: string, fromMs = Date.now()): Json {
  return {
    id,
    version: 1,
    rightSpecification: ref(spec),
    rightHolder: { credentials: [plate(vrm)] },
    issueMethod: 'electronic',
    issuanceTime: isoAt(fromMs),
    expiry: isoAt(fromMs + 2 * 3600_000),
  };
}

/** An ongoing session at a place, one segment under the given assigned right. */
export function minimalSession(id: string, place: Ref, right: Ref, vrm: string, fromMs = Date.now()): Json {
  return {
    id,
    version: 1,
    actualStart: isoAt(fromMs),
    hierarchyElement: ref(place),
    identifiedCredentials: [plate(vrm)],
    segments: [{ id: 'seg-1', version: 1, actualStart: isoAt(fromMs), validationType: ['licensePlate'], assignedRight: ref(right) }],
  };
}
