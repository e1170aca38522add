// The list envelope of every collection GET: {meta: {referenceInstant, offset, pageSize, total}, deletedReferences?, data}.
import type { DeletedReference } from '../store/collection.js';

export interface ListEnvelope<T> {
  meta: { referenceInstant: number; offset: number; pageSize: number; total: number };
  deletedReferences?: DeletedReference[];
  data: T[];
}

export function pageOf<T, R>(
  items: readonly T[],
  options: { page: number; pageSize: number; nowMs: number; deleted?: DeletedReference[]; present: (item: T) => R },
): ListEnvelope<R> {
  const offset = (options.page - 1) * options.pageSize;
  const envelope: ListEnvelope<R> = {
    meta: { referenceInstant: Math.floor(options.nowMs / 1000), offset, pageSize: options.pageSize, total: items.length },
    data: items.slice(offset, offset + options.pageSize).map(options.present),
  };
  if (options.deleted) envelope.deletedReferences = options.deleted;
  return envelope;
}
