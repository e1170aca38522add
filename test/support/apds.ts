// Bodies for the APDS extension resources (observations, quotes, contacts) and the NPP observability and
// reconciliation operations, shared by their tests and the access matrix.

export const ARNDALE_SPEC = '6091d5d0-5264-4d66-a31a-1a9e2c9eed89'; // at 805432, priced by the Arndale rate table
export const ARNDALE_RATE = '0376c349-ed20-4f6f-9551-1a82f9f5f734';
export const ARNDALE_PLACE = '805432';
export const DEANSGATE = '805428';
export const ANPR_SPEC = '0ab95c73-4c2b-4fe3-8528-0403c7734b92'; // at 220001, no rate table
export const SEED_NOW_MS = Date.parse('2023-06-25T10:35:00Z');

export const iso = (ms: number) => new Date(ms).toISOString();
export const HOUR = 3_600_000;

export const plate = (vrm: string) => ({ type: 'licensePlate', identifier: { id: vrm, className: 'UKNumberPlate' } });

/** An ANPR read of `vrm` at Deansgate (805428) by an enforcement camera. */
export function observation(id: string, overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    id,
    version: 1,
    method: 'anpr',
    observer: 'camera DG-03',
    type: 'licensePlate',
    observedCredentialId: 'BD18 SMR',
    observationStartTime: '2023-06-25T10:00:00Z',
    observationEndTime: '2023-06-25T10:00:02Z',
    location: {
      observedLocation: { type: 'Point', coordinates: [-2.2446, 53.4829] },
      observerLocation: { type: 'Point', coordinates: [-2.2447, 53.4830] },
    },
    elementIds: { id: DEANSGATE, version: 1 },
    images: [{ id: `${id}-plate`, imageLink: 'https://evidence.example/plate.jpg' }],
    vehicleAncilliaryIdentification: { country: 'gb', make: 'Ford', color: 'blue' },
    ...overrides,
  };
}

/** A quote request for the Arndale right specification at 805432, from `start` for `periodEnd` or `timePeriods`. */
export function quoteRequest(id: string, overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    id,
    version: 1,
    requestTime: '2023-06-25T10:35:00Z',
    periodStart: '2023-06-25T11:00:00Z',
    periodEnd: '2023-06-25T13:00:00Z',
    referencedRightSpecifications: [{ rightSpecificationId: { id: ARNDALE_SPEC, version: 1 }, elementId: { id: ARNDALE_PLACE, version: 1 } }],
    rightHolder: { credentials: [plate('QU07 TED')] },
    ...overrides,
  };
}

/** A new organisation for the contacts. */
export function contact(id: string, overrides: Record<string, unknown> = {}): Record<string, any> {
  return { id, version: 1, contactType: 'contactPoint', type: 'serviceProvider', organisationName: [{ language: 'en', string: `Provider ${id}` }], ...overrides };
}

/** SP0001's submittal for November 2021 (UC4's session fe5eea6a: 10.80 at 220001). */
export function submittal(id: string, overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    id,
    providerId: 'SP0001',
    created: '2021-12-02T09:00:00Z',
    periodStart: '2021-11-01T00:00:00Z',
    periodEnd: '2021-11-30T23:59:59Z',
    parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8, totalExcludingVAT: 9, vatTotal: 1.8 },
    parkingFeeRefunds: { refundsQuantity: 0, totalIncludingVAT: 0, totalExcludingVAT: 0, vatTotal: 0 },
    consumerFees: { totalIncludingVAT: 0.24, totalExcludingVAT: 0.2, vatTotal: 0.04 },
    providerCommission: { totalIncludingVAT: 0.6, totalExcludingVAT: 0.5, vatTotal: 0.1 },
    remittanceTotal: 10.2,
    locationSummaries: [
      {
        locationId: '220001',
        vatPercentage: 20,
        periodStart: '2021-11-01T00:00:00Z',
        periodEnd: '2021-11-30T23:59:59Z',
        parkingFees: { transactionsQuantity: 1, totalIncludingVAT: 10.8, totalExcludingVAT: 9, vatTotal: 1.8 },
        remittanceTotal: 10.2,
      },
    ],
    ...overrides,
  };
}

/** A SystemAlert as in the NPP contract's example. */
export function alert(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: 'c7874361-cdca-467d-a389-f9ab6b8e411c',
    timestamp: '2023-06-25T10:30:02Z',
    affectedSystem: 'SP0001',
    start: '2023-06-25T10:29:52Z',
    type: 'triggered',
    metric: 'npp.api.responsetime.average',
    condition: 'acceptable threshold of 10 seconds exceeded for more than 5 minutes',
    description: 'The average response time continues to be above the acceptable threshold of 10 seconds.',
    impact: ['responseTime'],
    ...overrides,
  };
}
