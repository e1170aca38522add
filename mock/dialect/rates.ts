// Rate tables: the seed's bare numbers ↔ AmountInCurrency in the collection's currency.
import { warn, type RequestContext } from '../http/context.js';
import { flowsDeep, isObject, normaliseDeep, type Json } from './common.js';

const AMOUNT_KEYS = ['value', 'minValue', 'maxValue'] as const;

function mapLines(rate: Json, map: (line: Json, currency: unknown, path: string) => Json): void {
  if (!Array.isArray(rate.rateLineCollections)) return;
  rate.rateLineCollections = rate.rateLineCollections.map((collection: unknown, c: number) => {
    if (!isObject(collection) || !Array.isArray(collection.rateLines)) return collection;
    return {
      ...collection,
      rateLines: collection.rateLines.map((line: unknown, l: number) =>
        isObject(line) ? map(line, collection.applicableCurrency, `/rateLineCollections/${c}/rateLines/${l}`) : line,
      ),
    };
  });
}

export function canonicalRate(body: Json, ctx: RequestContext): Json {
  const rate = normaliseDeep(body, ctx) as Json;
  mapLines(rate, (line, currency, path) => {
    const out = { ...line };
    for (const key of AMOUNT_KEYS) {
      if (typeof out[key] === 'number' && typeof currency === 'string') {
        warn(ctx, `${path}/${key}: amount ${out[key]} read as ${currency}`);
        out[key] = { currencyType: currency, currencyValue: out[key] };
      }
    }
    return out;
  });
  return rate;
}

export function flowsRate(rate: Json): Json {
  const out = flowsDeep(rate) as Json;
  mapLines(out, (line, currency) => {
    const copy = { ...line };
    for (const key of AMOUNT_KEYS) {
      const amount = copy[key];
      if (isObject(amount) && amount.currencyType === currency && typeof amount.currencyValue === 'number') copy[key] = amount.currencyValue;
    }
    return copy;
  });
  return out;
}
