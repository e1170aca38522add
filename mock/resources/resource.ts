// What a resource module declares; resource-router.ts turns it into the CRUD routes every resource shares.
import type { RequestHandler } from 'express';
import type { SchemaRegistry } from '../../spec/index.js';
import type { AccessPolicy } from '../auth/tenancy.js';
import type { Json } from '../dialect/common.js';
import type { RequestContext } from '../http/context.js';
import type { QueryReader } from '../http/query.js';
import type { VersionedCollection } from '../store/collection.js';
import type { Entity, PlatformStore } from '../store/platform-store.js';

export type ChangeKind = 'created' | 'updated' | 'deleted';

export interface ChangeEvent {
  resource: string;
  kind: ChangeKind;
  entity: Entity;
  previous?: Entity;
  principal: RequestContext['principal'];
  atMs: number;
}

export interface ResourceDeps {
  store: PlatformStore;
  schemas: SchemaRegistry;
  access: AccessPolicy;
  /** The scope check of an operation of our OpenAPI document, e.g. guard('get', '/places/{id}'). */
  guard(method: string, pathTemplate: string): RequestHandler;
  emit(event: ChangeEvent): void;
}

/** A write the resource wants applied together with the main one; checked before anything is applied. */
export interface PreparedWrite {
  entity: Entity;
  /** Extra writes (e.g. an auto-created assigned right); must not throw once `prepare` returned. */
  commit?(nowMs: number): ChangeEvent[];
}

export interface ResourceDefinition {
  /** Collection path, e.g. `/places`. */
  path: string;
  /** Name used in change events and webhook topics, e.g. `Place`. */
  resource: string;
  noun: string;
  schema: string;
  collection(store: PlatformStore): VersionedCollection<Entity>;
  expandValues: readonly string[];
  /** What is included when the request has no `expand`. */
  defaultExpand: readonly string[];
  defaultPageSize: number;
  /** POST answers this status (NPP: 201 everywhere; see errata). */
  createStatus?: number;
  /** PUT of an unknown id creates it (NPP PUT /rights/assigned/{id}). */
  upsertOnPut?: boolean;
  /**
   * Turns another accepted body shape into the resource's own before `canonical` (POST and PUT only), e.g. the APDS
   * ReferenceToQuote of /rights/assigned; throws ApiError for bad input. Absent: the body is taken as it is.
   */
  resolveInput?(body: Json, ctx: RequestContext, deps: ResourceDeps, pathId?: string): Json;
  canonical(body: Json, ctx: RequestContext, pathId?: string): Json;
  /** Fills server-owned fields and checks references and semantics; throws ApiError for bad input. */
  prepare(entity: Entity, ctx: RequestContext, deps: ResourceDeps, previous?: Entity): PreparedWrite;
  /** Filtered entities for a list query, in answer order. */
  list(query: QueryReader, deps: ResourceDeps): Entity[];
  present(entity: Entity, expand: ReadonlySet<string>, ctx: RequestContext, deps: ResourceDeps): Json;
}
