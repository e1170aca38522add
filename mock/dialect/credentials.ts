// Credentials as the seeds write them (issuer {en}, missing type) and as the contract wants them.
import { warn, type RequestContext } from '../http/context.js';
import { fromMultilingual, isObject, toMultilingual, type Json } from './common.js';

const PLATE_CLASS = /(number|licen[cs]e|vehicle)_?plate$/i;

export function canonicalCredential(credential: unknown, ctx: RequestContext, path: string): unknown {
  if (!isObject(credential)) return credential;
  const out: Json = { ...credential };
  if (out.issuer !== undefined) out.issuer = toMultilingual(out.issuer);
  if (out.type === undefined && isObject(out.identifier) && PLATE_CLASS.test(String(out.identifier.className ?? ''))) {
    out.type = 'licensePlate';
    warn(ctx, `${path}: credential without type read as licensePlate`);
  }
  return out;
}

export function canonicalCredentials(list: unknown, ctx: RequestContext, path: string): unknown {
  return Array.isArray(list) ? list.map((c, i) => canonicalCredential(c, ctx, `${path}/${i}`)) : list;
}

export function flowsCredentials(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((c) => (isObject(c) && c.issuer !== undefined ? { ...c, issuer: fromMultilingual(c.issuer) } : c));
}

/** Normalised key of a credential identifier: VRMs compare case-insensitively and without spaces. */
export function credentialKey(id: unknown): string {
  return String(id).replace(/\s+/g, '').toUpperCase();
}

export function credentialIds(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const c of list) if (isObject(c) && isObject(c.identifier) && c.identifier.id !== undefined) out.push(credentialKey(c.identifier.id));
  return out;
}

export function credentialTypes(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter((c) => isObject(c) && typeof c.type === 'string').map((c) => (c as Json).type as string);
}
