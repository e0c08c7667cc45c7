/**
 * The schema catalog: every keyspace and table this node knows, persisted
 * through the storage engine's metadata keys and loaded at start. DDL
 * statements change it here, one validated step at a time; each change
 * recomputes the schema version (a digest, so nodes holding the same schema
 * agree on it when the cluster compares versions) and notifies listeners.
 *
 * Underneath, the schema is a set of versioned entries (SchemaEntry), one per
 * keyspace and per table, kept even after a drop as a tombstone. Another
 * node's entries are merged with `merge` by last-write-wins per entry, so
 * nodes that exchange their entries end with the same schema whatever order
 * the DDL happened in (src/cql/schema-sync.ts does the exchanging).
 */
import { createHash } from 'node:crypto';
import type { AlterKeyspace, AlterTable, CreateKeyspace, CreateTable, DropKeyspace, DropTable } from '../../grammar/ast.js';
import { SystemClock, type Clock } from '../clock/clock.js';
import type { KeyspaceMetadata, SchemaEntry, TableMetadata } from '../schema/table.js';
import { AlreadyExistsError, InvalidRequestError, UnauthorizedError } from '../util/errors.js';
import { alterKeyspace, keyspaceFromProperties } from './ddl/keyspace-ddl.js';
import { alterTable, tableFromCreate } from './ddl/table-ddl.js';
import type { SchemaChange } from './result.js';
import { cryptoRandom, formatUuid, type RandomSource } from './timeuuid.js';

/** The part of the storage engine the catalog persists through. */
export interface SchemaStore {
  getMeta(key: string): Promise<Buffer | undefined>;
  putMeta(key: string, value: Buffer): Promise<void>;
  deleteMeta(key: string): Promise<void>;
  listMeta(prefix: string): Promise<[string, Buffer][]>;
}

/** Keyspaces the node owns; they exist from the start and no statement may change them. */
export const SYSTEM_KEYSPACES: readonly string[] = ['system', 'system_schema'];

const KEYSPACE_PREFIX = 'schema/keyspace/';
const TABLE_PREFIX = 'schema/table/';

export class SchemaCatalog {
  /** Every entry, live or dropped, by entryKey(). The maps below are derived from it. */
  private readonly entryMap = new Map<string, SchemaEntry>();
  private readonly keyspaceMap = new Map<string, KeyspaceMetadata>();
  /** Tables by keyspace, then by name. */
  private readonly tableMap = new Map<string, Map<string, TableMetadata>>();
  /** Every table by id: storage asks for a table's layout by id on each write and read. */
  private readonly tablesById = new Map<string, TableMetadata>();
  private readonly listeners = new Set<(change: SchemaChange) => void>();
  private readonly dropListeners = new Set<(table: TableMetadata) => void>();
  private versionId = '';
  private lastTimestampUs = 0;

  constructor(
    private readonly store: SchemaStore,
    private readonly random: RandomSource = cryptoRandom,
    private readonly clock: Clock = new SystemClock(),
  ) {
    this.rebuild();
  }

  /** Reads every persisted entry. Call once, before serving. */
  async load(): Promise<void> {
    for (const prefix of [KEYSPACE_PREFIX, TABLE_PREFIX]) {
      for (const [, bytes] of await this.store.listMeta(prefix)) {
        const entry = JSON.parse(bytes.toString('utf8')) as SchemaEntry;
        this.entryMap.set(entryKey(entry), entry);
        this.lastTimestampUs = Math.max(this.lastTimestampUs, entry.timestampUs);
      }
    }
    this.rebuild();
  }

  /** A uuid that changes with every schema change and is equal on nodes with equal schemas. */
  get version(): string {
    return this.versionId;
  }

  keyspace(name: string): KeyspaceMetadata | undefined {
    return this.keyspaceMap.get(name);
  }

  keyspaces(): KeyspaceMetadata[] {
    return [...this.keyspaceMap.values()];
  }

  tables(keyspace: string): TableMetadata[] {
    return [...(this.tableMap.get(keyspace)?.values() ?? [])];
  }

  table(keyspace: string, name: string): TableMetadata | undefined {
    return this.tableMap.get(keyspace)?.get(name);
  }

  requireKeyspace(name: string): KeyspaceMetadata {
    const ks = this.keyspaceMap.get(name);
    if (!ks) throw new InvalidRequestError(`Keyspace '${name}' does not exist`);
    return ks;
  }

  requireTable(keyspace: string, name: string): TableMetadata {
    this.requireKeyspace(keyspace);
    const table = this.table(keyspace, name);
    if (!table) throw new InvalidRequestError(`unconfigured table ${name}`);
    return table;
  }

  /** Subscribes to schema changes; returns the unsubscribe function. */
  onChange(listener: (change: SchemaChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Returns the change made, or undefined when IF NOT EXISTS found the
   * keyspace already there. `datacenters`: those the cluster knows, for
   * NetworkTopologyStrategy's `replication_factor` shorthand.
   */
  async createKeyspace(stmt: CreateKeyspace, datacenters?: readonly string[]): Promise<SchemaChange | undefined> {
    if (this.keyspaceMap.has(stmt.keyspace)) {
      if (stmt.ifNotExists) return undefined;
      throw new AlreadyExistsError(stmt.keyspace, '');
    }
    const ks = keyspaceFromProperties(stmt.keyspace, stmt.properties, datacenters);
    return this.single(await this.apply([{ kind: 'keyspace', name: ks.name, timestampUs: this.nextTimestampUs(), keyspace: ks }]));
  }

  /** Resolves undefined when the statement leaves the keyspace as it was, as Cassandra answers such an ALTER with no schema change. */
  async alterKeyspace(stmt: AlterKeyspace, datacenters?: readonly string[]): Promise<SchemaChange | undefined> {
    this.assertUserKeyspace(stmt.keyspace);
    const ks = alterKeyspace(this.requireKeyspace(stmt.keyspace), stmt.properties, datacenters);
    return this.atMostOne(await this.apply([{ kind: 'keyspace', name: ks.name, timestampUs: this.nextTimestampUs(), keyspace: ks }]));
  }

  /** Drops the keyspace and its tables; the tables' data becomes unreachable (table ids are never reused). */
  async dropKeyspace(stmt: DropKeyspace): Promise<SchemaChange | undefined> {
    this.assertUserKeyspace(stmt.keyspace);
    if (!this.keyspaceMap.has(stmt.keyspace)) {
      if (stmt.ifExists) return undefined;
      throw new InvalidRequestError(`Cannot drop non existing keyspace '${stmt.keyspace}'.`);
    }
    const timestampUs = this.nextTimestampUs();
    const tombstones: SchemaEntry[] = this.tables(stmt.keyspace).map((t) => ({ kind: 'table', keyspace: t.keyspace, name: t.name, timestampUs }));
    const changes = await this.apply([{ kind: 'keyspace', name: stmt.keyspace, timestampUs }, ...tombstones]);
    return changes.find((c) => c.target === 'KEYSPACE');
  }

  /** `keyspace` is the statement's own or the session's, already resolved by the caller. */
  async createTable(keyspace: string, stmt: CreateTable): Promise<SchemaChange | undefined> {
    this.assertUserKeyspace(keyspace);
    this.requireKeyspace(keyspace);
    if (this.table(keyspace, stmt.table.name)) {
      if (stmt.ifNotExists) return undefined;
      throw new AlreadyExistsError(keyspace, stmt.table.name);
    }
    const table = tableFromCreate(keyspace, stmt, this.random.uuid());
    return this.single(await this.apply([{ kind: 'table', keyspace, name: table.name, timestampUs: this.nextTimestampUs(), table }]));
  }

  /**
   * `nowUs` (the statement's time) stamps a dropped column; see
   * TableMetadata.dropped. Resolves undefined when nothing changed: IF EXISTS
   * on a missing table, IF [NOT] EXISTS skipping every column, or options
   * set to the values they had.
   */
  async alterTable(keyspace: string, stmt: AlterTable, nowUs: number): Promise<SchemaChange | undefined> {
    this.assertUserKeyspace(keyspace);
    if (stmt.ifExists && !this.table(keyspace, stmt.table.name)) return undefined;
    const table = alterTable(this.requireTable(keyspace, stmt.table.name), stmt, nowUs);
    if (!table) return undefined;
    return this.atMostOne(await this.apply([{ kind: 'table', keyspace, name: table.name, timestampUs: this.nextTimestampUs(), table }]));
  }

  /** Returns the dropped table's metadata with the change, so the caller can release its data. */
  async dropTable(keyspace: string, stmt: DropTable): Promise<{ change: SchemaChange; table: TableMetadata } | undefined> {
    this.assertUserKeyspace(keyspace);
    const table = this.table(keyspace, stmt.table.name);
    if (!table) {
      if (stmt.ifExists) return undefined;
      this.requireKeyspace(keyspace);
      throw new InvalidRequestError(`Table '${keyspace}.${stmt.table.name}' doesn't exist`);
    }
    const change = this.single(await this.apply([{ kind: 'table', keyspace, name: table.name, timestampUs: this.nextTimestampUs() }]));
    return { change, table };
  }

  /** Every entry, tombstones included: what another node needs to converge with this one. */
  entries(): SchemaEntry[] {
    return [...this.entryMap.values()];
  }

  /**
   * Merges another node's entries: each one newer than ours (by timestamp,
   * then definition bytes) replaces ours. Returns the changes it made to the
   * live schema, which listeners also hear about.
   */
  async merge(entries: SchemaEntry[]): Promise<SchemaChange[]> {
    const newer = entries.filter((e) => {
      const ours = this.entryMap.get(entryKey(e));
      return ours === undefined || compareEntries(e, ours) > 0;
    });
    if (newer.length === 0) return [];
    for (const e of newer) this.lastTimestampUs = Math.max(this.lastTimestampUs, e.timestampUs);
    return this.apply(newer);
  }

  /** The table with this id, if it exists (storage's view: ids, not names). */
  tableById(id: string): TableMetadata | undefined {
    return this.tablesById.get(id);
  }

  /**
   * Called with each table that DROP TABLE or DROP KEYSPACE removes, after the
   * schema no longer holds it, so the node can release its data.
   */
  onTableDropped(listener: (table: TableMetadata) => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  /** Persists the entries, then recomputes the live schema and announces what changed in it. */
  private async apply(entries: SchemaEntry[]): Promise<SchemaChange[]> {
    for (const e of entries) {
      await this.store.putMeta(storeKey(e), Buffer.from(JSON.stringify(e), 'utf8'));
      this.entryMap.set(entryKey(e), e);
    }
    const beforeKeyspaces = new Map(this.keyspaceMap);
    const beforeTables = new Map(this.tablesById);
    this.rebuild();
    const changes: SchemaChange[] = [];
    for (const [name, ks] of this.keyspaceMap) {
      const old = beforeKeyspaces.get(name);
      if (!old) changes.push({ change: 'CREATED', target: 'KEYSPACE', keyspace: name });
      else if (JSON.stringify(old) !== JSON.stringify(ks)) changes.push({ change: 'UPDATED', target: 'KEYSPACE', keyspace: name });
    }
    for (const name of beforeKeyspaces.keys()) {
      if (!this.keyspaceMap.has(name)) changes.push({ change: 'DROPPED', target: 'KEYSPACE', keyspace: name });
    }
    const beforeByName = new Map([...beforeTables.values()].map((t) => [`${t.keyspace}/${t.name}`, t]));
    for (const t of this.tablesById.values()) {
      const old = beforeByName.get(`${t.keyspace}/${t.name}`);
      if (!old) changes.push({ change: 'CREATED', target: 'TABLE', keyspace: t.keyspace, table: t.name });
      else if (JSON.stringify(old) !== JSON.stringify(t)) changes.push({ change: 'UPDATED', target: 'TABLE', keyspace: t.keyspace, table: t.name });
    }
    for (const [id, t] of beforeTables) {
      if (this.tablesById.has(id)) continue;
      // A table replaced by one of the same name (another node's concurrent CREATE won) is an update to clients.
      const sameName = this.table(t.keyspace, t.name);
      if (!sameName && this.keyspaceMap.has(t.keyspace)) changes.push({ change: 'DROPPED', target: 'TABLE', keyspace: t.keyspace, table: t.name });
      for (const listener of this.dropListeners) listener(t);
    }
    for (const change of changes) for (const listener of this.listeners) listener(change);
    return changes;
  }

  /** Derives the live keyspaces and tables from the entries. */
  private rebuild(): void {
    this.keyspaceMap.clear();
    this.tableMap.clear();
    this.tablesById.clear();
    for (const name of SYSTEM_KEYSPACES) {
      this.keyspaceMap.set(name, { name, replication: { class: 'SimpleStrategy', factors: { replication_factor: 1 } }, durableWrites: true });
      this.tableMap.set(name, new Map());
    }
    for (const e of this.entryMap.values()) {
      if (e.kind === 'keyspace' && e.keyspace) {
        this.keyspaceMap.set(e.name, e.keyspace);
        this.tableMap.set(e.name, new Map());
      }
    }
    for (const e of this.entryMap.values()) {
      if (e.kind !== 'table' || !e.table) continue;
      // Dropping a keyspace writes tombstones for its tables too; a table whose keyspace is not live is hidden.
      const tables = this.tableMap.get(e.keyspace);
      if (!tables) continue;
      tables.set(e.name, e.table);
      this.tablesById.set(e.table.id, e.table);
    }
    this.versionId = this.digest();
  }

  /** A DDL timestamp: the clock, but never at or below one this catalog has seen. */
  private nextTimestampUs(): number {
    this.lastTimestampUs = Math.max(this.clock.nowUs(), this.lastTimestampUs + 1);
    return this.lastTimestampUs;
  }

  /** The change an ALTER made, or undefined when the new definition equals the old one. */
  private atMostOne(changes: SchemaChange[]): SchemaChange | undefined {
    return changes[0];
  }

  private single(changes: SchemaChange[]): SchemaChange {
    const change = changes[0];
    if (!change) throw new Error('a schema statement changed nothing');
    return change;
  }

  private assertUserKeyspace(name: string): void {
    // Cassandra refuses schema changes in its local system keyspaces as Unauthorized, whoever asks.
    if (SYSTEM_KEYSPACES.includes(name)) throw new UnauthorizedError(`${name} keyspace is not user-modifiable.`);
  }

  /** An md5 over the sorted live schema, shaped as a uuid (Cassandra's schema version is such a digest). */
  private digest(): string {
    const hash = createHash('md5');
    for (const ks of [...this.keyspaceMap.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      hash.update(JSON.stringify(ks));
      for (const t of this.tables(ks.name).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        hash.update(JSON.stringify(t));
      }
    }
    const bytes = hash.digest();
    bytes[6] = (bytes[6]! & 0x0f) | 0x30;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    return formatUuid(bytes);
  }
}

/** Identifies what an entry describes: a keyspace by name, a table by keyspace and name. */
function entryKey(e: SchemaEntry): string {
  return e.kind === 'keyspace' ? `k/${e.name}` : `t/${e.keyspace}/${e.name}`;
}

function storeKey(e: SchemaEntry): string {
  return e.kind === 'keyspace' ? `${KEYSPACE_PREFIX}${e.name}` : `${TABLE_PREFIX}${e.keyspace}/${e.name}`;
}

/** Last-write-wins order of two entries for the same element: timestamp, then definition bytes. */
export function compareEntries(a: SchemaEntry, b: SchemaEntry): number {
  if (a.timestampUs !== b.timestampUs) return a.timestampUs < b.timestampUs ? -1 : 1;
  const da = JSON.stringify(a);
  const db = JSON.stringify(b);
  return da < db ? -1 : da > db ? 1 : 0;
}
