// /contacts (APDS 4.0 operational data, E42): the organisations the platform knows, by their public ids.
import { flowsDeep, isObject, normaliseDeep, type Json } from '../dialect/common.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';
import type { ResourceDefinition } from './resource.js';

export const CONTACT_TYPES = [
  'customerService', 'emergencyContact', 'enforcementSystemProvider', 'operator', 'owner', 'propertyManager', 'securityService', 'serviceProvider',
] as const;

const namesOf = (contact: Entity): string[] =>
  Array.isArray(contact.organisationName) ? contact.organisationName.filter(isObject).map((s: Json) => String(s.string ?? '')) : [];

/** The contact an organisation is known by: its id, or (case-insensitively) one of its organisation names. */
export function contactIdFor(store: PlatformStore, text: string): string | undefined {
  if (store.contacts.has(text)) return store.contacts.resolveId(text);
  const wanted = text.trim().toLowerCase();
  for (const contact of store.contacts.values()) {
    if (contact.id.toLowerCase() === wanted || namesOf(contact).some((n) => n.trim().toLowerCase() === wanted)) return contact.id;
  }
  return undefined;
}

export const contacts: ResourceDefinition = {
  path: '/contacts',
  resource: 'ContactPoint',
  noun: 'contact',
  schema: 'ContactPoint',
  collection: (store) => store.contacts,
  expandValues: ['all', 'none'],
  defaultExpand: [],
  defaultPageSize: 100,

  canonical: (body, ctx) => {
    const contact = normaliseDeep(body, ctx) as Json;
    // ContactPoint is the only kind served here; the flows dialect leaves contactType out.
    contact.contactType ??= 'contactPoint';
    return contact;
  },

  prepare: (entity) => ({ entity }),

  list(query, { store }) {
    const types = query.enumList('type', CONTACT_TYPES) as string[] | undefined;
    return [...store.contacts.values()].filter((c) => !types || types.includes(c.type));
  },

  present: (contact, _expand, ctx) => (ctx.dialect === 'flows' ? (flowsDeep(contact) as Json) : { ...contact }),
};
