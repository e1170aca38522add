// Right specifications: `rate` ↔ `rateTable`, the bare OverallPeriod ↔ the Validity wrapper, lone recurring periods.
import type { RequestContext } from '../http/context.js';
import { asArray, flowsDeep, isObject, normaliseDeep, rename, single, type Json } from './common.js';

const RECURRING = ['recurringDayWeekMonthPeriod', 'recurringSpecialDay', 'recurringTimePeriodOfDay'] as const;
const OVERALL_PERIOD_KEYS = ['overallStartTime', 'overallEndTime', 'validPeriods', 'exceptionPeriods'] as const;

function mapPeriods(periods: unknown, map: (value: unknown) => unknown): unknown {
  if (!Array.isArray(periods)) return periods;
  return periods.map((p) => {
    if (!isObject(p)) return p;
    const out: Json = { ...p };
    for (const key of RECURRING) if (out[key] !== undefined) out[key] = map(out[key]);
    return out;
  });
}

function mapOverallPeriod(period: unknown, map: (value: unknown) => unknown): unknown {
  if (!isObject(period)) return period;
  return { ...period, validPeriods: mapPeriods(period.validPeriods, map), exceptionPeriods: mapPeriods(period.exceptionPeriods, map) };
}

function dropUndefined(obj: Json): Json {
  for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
  return obj;
}

export function canonicalRightSpec(body: Json, ctx: RequestContext): Json {
  const spec = normaliseDeep(body, ctx) as Json;
  if (Array.isArray(spec.rateEligibility)) {
    spec.rateEligibility = spec.rateEligibility.map((r: unknown) => {
      if (!isObject(r)) return r;
      const out = { ...r };
      rename(out, 'rate', 'rateTable');
      return out;
    });
  }
  if (isObject(spec.validity)) {
    let validity: Json = spec.validity;
    if (validity.validityTimeSpecification === undefined && OVERALL_PERIOD_KEYS.some((k) => validity[k] !== undefined)) {
      const { validityStatus, ...period } = validity;
      validity = dropUndefined({ validityStatus, validityTimeSpecification: period });
    }
    spec.validity = { ...validity, validityTimeSpecification: dropUndefined(mapOverallPeriod(validity.validityTimeSpecification, asArray) as Json) };
  }
  return spec;
}

export function flowsRightSpec(spec: Json): Json {
  const out = flowsDeep(spec) as Json;
  if (Array.isArray(out.rateEligibility)) {
    out.rateEligibility = out.rateEligibility.map((r: unknown) => {
      if (!isObject(r)) return r;
      const copy = { ...r };
      rename(copy, 'rateTable', 'rate');
      return copy;
    });
  }
  if (isObject(out.validity) && isObject(out.validity.validityTimeSpecification)) {
    const { validityTimeSpecification, ...rest } = out.validity;
    out.validity = dropUndefined({ ...rest, ...(mapOverallPeriod(validityTimeSpecification, single) as Json) });
  }
  return out;
}
