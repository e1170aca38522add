// A versioned collection: client-owned ids and versions, history for ?version=N, logical deletes, index hooks.
import { StoreError } from './errors.js';

export interface Versioned {
  id: string;
  version: number;
}

/** A secondary index kept in step with a collection's live (not deleted) entities. */
export interface CollectionIndex<T> {
  add(entity: T): void;
  remove(entity: T): void;
  clear(): void;
}

export interface EntryRecord<T> {
  current: T;
  /** Older versions, ascending; absent until a second version exists (keeps 100k records small). */
  history?: T[];
  createdAt: number;
  modifiedAt: number;
  deletedAt?: number;
  /** Organisation that created it (tenant isolation); fixtures have none. */
  owner?: string;
}

export type ReplaceOutcome = 'created' | 'overwritten' | 'new-version';

export interface DeletedReference {
  id: string;
  className: string;
  deleteTimestamp: string;
}

export class VersionedCollection<T extends Versioned> {
  readonly #entries = new Map<string, EntryRecord<T>>();
  readonly #aliases = new Map<string, string>();
  readonly #indexes: CollectionIndex<T>[] = [];
  #liveCount = 0;

  constructor(
    readonly className: string,
    readonly label: string,
  ) {}

  addIndex<I extends CollectionIndex<T>>(index: I): I {
    this.#indexes.push(index);
    for (const record of this.#entries.values()) if (record.deletedAt === undefined) index.add(record.current);
    return index;
  }

  get size(): number {
    return this.#liveCount;
  }

  resolveId(id: string): string {
    return this.#aliases.get(id) ?? id;
  }

  addAlias(alias: string, id: string): void {
    if (alias !== id) this.#aliases.set(alias, id);
  }

  get(id: string, version?: number): T | undefined {
    const record = this.#entries.get(this.resolveId(id));
    if (!record || record.deletedAt !== undefined) return undefined;
    if (version === undefined || version === record.current.version) return record.current;
    return record.history?.find((e) => e.version === version);
  }

  record(id: string): EntryRecord<T> | undefined {
    return this.#entries.get(this.resolveId(id));
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Throws unless `create` would succeed; lets callers check several writes before applying any. */
  assertCreatable(entity: T): void {
    const existing = this.#entries.get(this.resolveId(entity.id));
    if (existing && existing.deletedAt === undefined) {
      throw new StoreError('conflict', `${this.label} ${entity.id} already exists (version ${existing.current.version})`);
    }
  }

  create(entity: T, now: number, owner?: string): void {
    this.assertCreatable(entity);
    const previous = this.#entries.get(entity.id);
    // A deleted id may be created again: its old versions stay readable in history, unless another tenant
    // re-creates it (their versions are not the newcomer's to read).
    const history = previous && previous.owner === owner ? [...(previous.history ?? []), previous.current] : undefined;
    this.#entries.set(entity.id, { current: entity, history, createdAt: now, modifiedAt: now, owner });
    this.#liveCount++;
    for (const index of this.#indexes) index.add(entity);
  }

  /** Outcome of `replace` without applying it; throws what `replace` would throw. */
  planReplace(entity: T, options: { upsert?: boolean } = {}): ReplaceOutcome {
    const record = this.#entries.get(this.resolveId(entity.id));
    if (!record || record.deletedAt !== undefined) {
      if (options.upsert) return 'created';
      throw new StoreError('not-found', `${this.label} ${entity.id} does not exist`);
    }
    const stored = record.current.version;
    if (entity.version < stored) {
      throw new StoreError('stale-version', `${this.label} ${entity.id}: version ${entity.version} is older than the stored version ${stored}`);
    }
    return entity.version === stored ? 'overwritten' : 'new-version';
  }

  replace(entity: T, now: number, options: { upsert?: boolean; owner?: string } = {}): ReplaceOutcome {
    const outcome = this.planReplace(entity, options);
    if (outcome === 'created') {
      this.create(entity, now, options.owner);
      return outcome;
    }
    const id = this.resolveId(entity.id);
    const record = this.#entries.get(id)!;
    for (const index of this.#indexes) index.remove(record.current);
    if (outcome === 'new-version') (record.history ??= []).push(record.current);
    record.current = id === entity.id ? entity : { ...entity, id };
    record.modifiedAt = now;
    for (const index of this.#indexes) index.add(record.current);
    return outcome;
  }

  delete(id: string, now: number): T {
    const record = this.#entries.get(this.resolveId(id));
    if (!record || record.deletedAt !== undefined) throw new StoreError('not-found', `${this.label} ${id} does not exist`);
    for (const index of this.#indexes) index.remove(record.current);
    record.deletedAt = now;
    record.modifiedAt = now;
    this.#liveCount--;
    return record.current;
  }

  *values(): IterableIterator<T> {
    for (const record of this.#entries.values()) if (record.deletedAt === undefined) yield record.current;
  }

  modifiedAt(id: string): number | undefined {
    return this.#entries.get(this.resolveId(id))?.modifiedAt;
  }

  /** Deletions since `sinceMs`; `keep` sees the deleted object, so callers can hide what a reader may not know. */
  deletedSince(sinceMs: number, keep: (deleted: T) => boolean = () => true): DeletedReference[] {
    const out: DeletedReference[] = [];
    for (const [id, record] of this.#entries) {
      if (record.deletedAt !== undefined && record.deletedAt >= sinceMs && keep(record.current)) {
        out.push({ id, className: this.className, deleteTimestamp: new Date(record.deletedAt).toISOString() });
      }
    }
    return out;
  }

  clear(): void {
    this.#entries.clear();
    this.#aliases.clear();
    this.#liveCount = 0;
    for (const index of this.#indexes) index.clear();
  }

  dump(): { entries: Array<[string, EntryRecord<T>]>; aliases: Array<[string, string]> } {
    return { entries: [...this.#entries], aliases: [...this.#aliases] };
  }

  restore(dump: { entries: Array<[string, EntryRecord<T>]>; aliases?: Array<[string, string]> }): void {
    this.clear();
    for (const [id, record] of dump.entries) {
      this.#entries.set(id, record);
      if (record.deletedAt === undefined) {
        this.#liveCount++;
        for (const index of this.#indexes) index.add(record.current);
      }
    }
    for (const [alias, id] of dump.aliases ?? []) this.#aliases.set(alias, id);
  }
}
