// The read-back comparison: every member that was sent must come back with the same value.
import { isObject } from './generate-common.js';

export interface Mismatch {
  path: string;
  sent: unknown;
  answered: unknown;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Documented normalisations: an instant may come back in another ISO 8601 spelling of the same moment. */
function sameLeaf(sent: unknown, answered: unknown): boolean {
  if (sent === answered) return true;
  return typeof sent === 'string' && typeof answered === 'string' && INSTANT.test(sent) && INSTANT.test(answered) && Date.parse(sent) === Date.parse(answered);
}

/**
 * Every member that was sent must read back with the same value (arrays: same length, item by item). Members
 * the platform adds (server-owned fields, derived links, inlined references) are not judged.
 */
export function compareSent(sent: unknown, answered: unknown, path = ''): Mismatch[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(answered) || answered.length !== sent.length) return [{ path: path || '/', sent, answered }];
    return sent.flatMap((v, i) => compareSent(v, answered[i], `${path}/${i}`));
  }
  if (isObject(sent)) {
    if (!isObject(answered)) return [{ path: path || '/', sent, answered }];
    return Object.entries(sent).flatMap(([k, v]) => compareSent(v, answered[k], `${path}/${k}`));
  }
  return sameLeaf(sent, answered) ? [] : [{ path: path || '/', sent, answered }];
}
