// Constraints on generated payloads that the schema cannot express (chronology, currency, existing refs).
import { isObject, isoAt, pick, ref, type GenerateRefs, type GenKind, type Json } from './generate-common.js';

const INSTANT_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['actualStart', 'actualEnd'],
  ['overallStartTime', 'overallEndTime'],
  ['startOfPeriod', 'endOfPeriod'],
  ['validStart', 'validEnd'],
  ['validityStart', 'validityEnd'],
  ['referenceTimeStart', 'referenceTimeEnd'],
  ['supplyValidityStart', 'supplyValidityEnd'],
  ['occupancyStartTime', 'occupancyEndTime'],
  ['occupancyEstimatedStartTime', 'occupancyEstimatedEndTime'],
  ['startTime', 'endTime'],
  ['issuanceTime', 'expiry'],
  ['startPeriodCovered', 'endPeriodCovered'],
];

const minutesOfDay = (time: string) => {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
};

/** Every start before its end, wherever the pair appears. */
function orderInstants(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(orderInstants);
  if (!isObject(value)) return;
  for (const [start, end] of INSTANT_PAIRS) {
    if (typeof value[start] === 'string' && typeof value[end] === 'string' && Date.parse(value[end]) < Date.parse(value[start])) {
      [value[start], value[end]] = [value[end], value[start]];
    }
  }
  const { startTimeOfPeriod: s, endTimeOfPeriod: e } = value;
  if (typeof s === 'string' && typeof e === 'string' && minutesOfDay(e) < minutesOfDay(s)) [value.startTimeOfPeriod, value.endTimeOfPeriod] = [e, s];
  Object.values(value).forEach(orderInstants);
}

/** Every amount of a rate table in its collection's currency. */
function oneCurrency(value: unknown, currency: string): void {
  if (Array.isArray(value)) return value.forEach((v) => oneCurrency(v, currency));
  if (!isObject(value)) return;
  if (typeof value.currencyType === 'string' && typeof value.currencyValue === 'number') value.currencyType = currency;
  Object.values(value).forEach((v) => oneCurrency(v, currency));
}

export function constrain(kind: GenKind, value: Json, id: string, index: number, refs: GenerateRefs, random: () => number): Json {
  value.id = id;
  value.version = 1;
  orderInstants(value);
  switch (kind) {
    case 'places': {
      if (refs.parent) {
        value.parentId = ref(refs.parent);
        value.layer = (refs.parent.layer ?? 0) + 1;
      } else delete value.parentId;
      if (isObject(value.hierarchyElementReference)) value.hierarchyElementReference.elementId = { id, version: 1 };
      // Somewhere in Great Britain, [longitude, latitude].
      for (const point of value.indicativePlacePointLocation ?? []) {
        point.coordinates = [Number((-5.5 + random() * 7).toFixed(6)), Number((50.5 + random() * 7).toFixed(6))];
      }
      break;
    }
    case 'rates': {
      const currency = pick(['GBP', 'EUR'], Math.floor(random() * 2));
      value.rateLineCollections.forEach((collection: Json, c: number) => {
        collection.collectionSequence = c;
        collection.applicableCurrency = currency;
        collection.rateLines.forEach((line: Json, l: number) => (line.sequence = l));
      });
      oneCurrency(value, currency);
      break;
    }
    case 'rightSpecs': {
      value.hierarchyElements = [ref(pick(refs.places ?? [], index))];
      const rates = refs.rates ?? [];
      if (Array.isArray(value.rateEligibility)) {
        value.rateEligibility.forEach((r: Json, i: number) => {
          if (rates.length) r.rateTable = ref(pick(rates, index + i));
          else delete r.rateTable;
        });
      }
      break;
    }
    case 'assignedRights': {
      value.rightSpecification = ref(pick(refs.specs ?? [], index));
      value.rightHolder ??= {};
      if (!Array.isArray(value.rightHolder.credentials) || value.rightHolder.credentials.length === 0) {
        value.rightHolder.credentials = [{ type: 'licensePlate', identifier: { id: `GN${10 + index}ABC`, className: 'UKNumberPlate' } }];
      }
      break;
    }
    case 'sessions': {
      value.hierarchyElement = ref(pick(refs.places ?? [], index));
      const start = Date.parse(value.actualStart);
      const ended = typeof value.actualEnd === 'string';
      value.segments.forEach((segment: Json, i: number) => {
        segment.id = `seg-${i + 1}`;
        segment.assignedRight = ref(pick(refs.rights ?? [], index + i));
        segment.actualStart = isoAt(start + i * 15 * 60_000);
        if (ended || typeof segment.actualEnd === 'string') segment.actualEnd = isoAt(start + (i * 15 + 10) * 60_000);
      });
      if (ended) value.actualEnd = isoAt(start + (value.segments.length * 15 + 5) * 60_000);
      break;
    }
  }
  return value;
}
