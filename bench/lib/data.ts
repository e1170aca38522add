// Deterministic synthetic data for the benchmark servers: places around Manchester, assigned rights, sessions.
// Every generator is a pure function of its index (and the seed), so parent and child agree without talking.
import { rng } from '../../suites/generate-common.js';

export const SEED = 20_240_601;
export const RIGHT_SPEC = { id: '0ab95c73-4c2b-4fe3-8528-0403c7734b92', version: 1 } as const;
export const RIGHT_PLACE = '220001';
export const CENTRE = { latitude: 53.48, longitude: -2.24 };
export const SPREAD_DEGREES = 0.5;


type Json = Record<string, any> & { id: string; version: number };

/** The geo scenarios' search: 1 km around Manchester city centre. */
export const GEO_SEARCH = { latitude: 53.4806, longitude: -2.2428, radiusMetres: 1000 } as const;
/** Places inside the search whatever the count, so every geo scenario's answer is the same: only the data grows. */
export const PLACES_IN_SEARCH = 6;
/** The other places keep this far from the search centre. */
const CLEARANCE_METRES = 1500;
const METRES_PER_DEGREE = 111_195;

const metresBetween = (lat1: number, lon1: number, lat2: number, lon2: number) => {
  const dLat = (lat2 - lat1) * METRES_PER_DEGREE;
  const dLon = (lon2 - lon1) * METRES_PER_DEGREE * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return Math.hypot(dLat, dLon);
};

/**
 * `count` canonical parking places: PLACES_IN_SEARCH of them 150–750 m from the search centre, the rest spread
 * uniformly over ±0.5° around Manchester (53.48, -2.24) outside a 1.5 km clearance. The answer to the geo search
 * stays the same as the store grows, so flatness measures the index, not the answer's size.
 */
export function syntheticPlaces(count: number, seed = SEED): Json[] {
  const random = rng(seed);
  const out: Json[] = [];
  for (let i = 0; i < count; i++) {
    let latitude: number;
    let longitude: number;
    if (i < PLACES_IN_SEARCH) {
      const metres = 150 + 120 * i;
      const bearing = (i * 60 * Math.PI) / 180;
      latitude = GEO_SEARCH.latitude + (metres * Math.cos(bearing)) / METRES_PER_DEGREE;
      longitude = GEO_SEARCH.longitude + (metres * Math.sin(bearing)) / (METRES_PER_DEGREE * Math.cos((GEO_SEARCH.latitude * Math.PI) / 180));
    } else {
      do {
        latitude = CENTRE.latitude + (random() * 2 - 1) * SPREAD_DEGREES;
        longitude = CENTRE.longitude + (random() * 2 - 1) * SPREAD_DEGREES;
      } while (metresBetween(latitude, longitude, GEO_SEARCH.latitude, GEO_SEARCH.longitude) < CLEARANCE_METRES);
    }
    out.push({
      id: `bench-place-${i}`,
      version: 1,
      type: 'parkingPlace',
      name: [{ language: 'en', string: `Bench car park ${i}` }],
      layer: 1,
      timeZone: 'Europe/London',
      indicativePlacePointLocation: [{ type: 'Point', coordinates: [Number(longitude.toFixed(6)), Number(latitude.toFixed(6))] }],
    });
  }
  return out;
}

const LETTERS = 'ABCDEFGHJKLMNOPRSTUVWXYZ'; // no I, Q (as on UK plates)

/** A distinct UK-style VRM per index (AA00AAA shape): 24^5 * 100 ≈ 796M combinations. */
export function vrm(index: number): string {
  let n = index;
  const digits = String(n % 100).padStart(2, '0');
  n = Math.floor(n / 100);
  const letters: string[] = [];
  for (let k = 0; k < 5; k++) {
    letters.push(LETTERS[n % LETTERS.length]!);
    n = Math.floor(n / LETTERS.length);
  }
  return `${letters[0]}${letters[1]}${digits}${letters[2]}${letters[3]}${letters[4]}`;
}

const credential = (plate: string) => ({ type: 'licensePlate', identifier: { id: plate, className: 'UKNumberPlate' } });

/** Assigned right `index` at right spec 0ab95c73… (place 220001), held by vrm(index). */
export function syntheticRight(index: number): Json {
  return {
    id: `bench-right-${index}`,
    version: 1,
    rightHolder: { credentials: [credential(vrm(index))] },
    rightSpecification: { ...RIGHT_SPEC },
    issuanceTime: '2024-01-01T00:00:00Z',
    expiry: '2030-12-31T23:59:59Z',
    assignedRightIssuer: { id: 'SP0001', className: 'DigitalServiceProvider', version: 1 },
    issueMethod: 'electronic',
  };
}

/** A completed session at place 220001 whose one segment uses assigned right `rightIndex` (and its VRM). */
export function syntheticSession(index: number, rightIndex: number): Json {
  const start = Date.UTC(2024, 0, 1) + index * 60_000;
  const actualStart = new Date(start).toISOString().replace('.000Z', 'Z');
  const actualEnd = new Date(start + 90 * 60_000).toISOString().replace('.000Z', 'Z');
  return {
    id: `bench-session-${index}`,
    version: 1,
    actualStart,
    actualEnd,
    identifiedCredentials: [credential(vrm(rightIndex))],
    segments: [
      {
        id: `bench-session-${index}-seg`,
        version: 1,
        actualStart,
        actualEnd,
        validationType: ['licensePlate'],
        assignedRight: { id: `bench-right-${rightIndex}`, version: 1 },
      },
    ],
    hierarchyElement: { id: RIGHT_PLACE, version: 1 },
    initiator: { id: 'SP0001', version: 1 },
  };
}

/** The right uc4-3 (session fe5eea6a) refers to: BD18SMR at right spec 0ab95c73… (fixtures/payloads/uc4-1-…). */
export const BD18SMR_RIGHT: Json = {
  id: '20410eec-2352-4cc1-820c-21ea6cbce506',
  version: 1,
  rightHolder: { credentials: [credential('BD18SMR')] },
  rightSpecification: { ...RIGHT_SPEC },
  issuanceTime: '2021-10-18T15:21:00Z',
  expiry: '2030-12-31T23:59:59Z',
  assignedRightIssuer: { id: 'SP0001', className: 'DigitalServiceProvider', version: 1 },
  issueMethod: 'electronic',
};
