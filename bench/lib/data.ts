// Deterministic synthetic data for the benchmark servers: places around Manchester, assigned rights, sessions.
// Every generator is a pure function of its index (and the seed), so parent and child agree without talking.
import { rng } from '../../suites/generate-common.js';

export const SEED = 20_240_601;
export const RIGHT_SPEC = { id: '0ab95c73-4c2b-4fe3-8528-0403c7734b92', version: 1 } as const;
export const RIGHT_PLACE = '220001';
export const CENTRE = { latitude: 53.48, longitude: -2.24 };
export const SPREAD_DEGREES = 0.5;


type Json = Record<string, any> & { id: string; version: number };

/** `count` canonical parking places spread uniformly over ±0.5° around Manchester (53.48, -2.24). */
export function syntheticPlaces(count: number, seed = SEED): Json[] {
  const random = rng(seed);
  const out: Json[] = [];
  for (let i = 0; i < count; i++) {
    const latitude = CENTRE.latitude + (random() * 2 - 1) * SPREAD_DEGREES;
    const longitude = CENTRE.longitude + (random() * 2 - 1) * SPREAD_DEGREES;
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
