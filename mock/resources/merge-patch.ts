// RFC 7396 JSON merge patch: objects merge, null deletes, everything else (arrays too) replaces.
import { isObject, type Json } from '../dialect/common.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
