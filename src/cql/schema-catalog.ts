/**
 * The schema catalog: every keyspace and table this node knows, persisted
 * through the storage engine's metadata keys and loaded at start. DDL
 * statements change it here, one validated step at a time; each change
 * recomputes the schema version (a digest, so nodes holding the same schema
 * agree on it when the cluster compares versions) and notifies listeners.
 */
import { createHash } from 'node:crypto';
import type { AlterKeyspace, AlterTable, CreateKeyspace, CreateTable, DropKeyspace, DropTable } from '../../grammar/ast.js';
import type { KeyspaceMetadata, TableMetadata } from '../schema/table.js';
import { AlreadyExistsError, InvalidRequestError } from '../util/errors.js';
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
  private readonly keyspaceMap = new Map<string, KeyspaceMetadata>();
  /** Tables by keyspace, then by name. */
  private readonly tableMap = new Map<string, Map<string, TableMetadata>>();
  /** Every table by id: storage asks for a table's layout by id on each write and read. */
  private readonly tablesById = new Map<string, TableMetadata>();
  private readonly listeners = new Set<(change: SchemaChange) => void>();
  private readonly dropListeners = new Set<(table: TableMetadata) => void>();
  private versionId = '';

  constructor(
    private readonly store: SchemaStore,
    private readonly random: RandomSource = cryptoRandom,
  ) {
    for (const name of SYSTEM_KEYSPACES) {
      this.keyspaceMap.set(name, { name, replication: { class: 'SimpleStrategy', factors: { replication_factor: 1 } }, durableWrites: true });
      this.tableMap.set(name, new Map());
    }
    this.versionId = this.digest();
  }

  /** Reads every persisted keyspace and table. Call once, before serving. */
  async load(): Promise<void> {
    for (const [, bytes] of await this.store.listMeta(KEYSPACE_PREFIX)) {
      const ks = JSON.parse(bytes.toString('utf8')) as KeyspaceMetadata;
      this.keyspaceMap.set(ks.name, ks);
      if (!this.tableMap.has(ks.name)) this.tableMap.set(ks.name, new Map());
    }
    for (const [, bytes] of await this.store.listMeta(TABLE_PREFIX)) {
      const table = JSON.parse(bytes.toString('utf8')) as TableMetadata;
      if (this.keyspaceMap.has(table.keyspace)) this.holdTable(table);
    }
    this.versionId = this.digest();
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

  /** Returns the change made, or undefined when IF NOT EXISTS found the keyspace already there. */
  async createKeyspace(stmt: CreateKeyspace): Promise<SchemaChange | undefined> {
    if (this.keyspaceMap.has(stmt.keyspace)) {
      if (stmt.ifNotExists) return undefined;
      throw new AlreadyExistsError(stmt.keyspace, '');
    }
    const ks = keyspaceFromProperties(stmt.keyspace, stmt.properties);
    await this.store.putMeta(KEYSPACE_PREFIX + ks.name, encode(ks));
    this.keyspaceMap.set(ks.name, ks);
    this.tableMap.set(ks.name, new Map());
    return this.changed({ change: 'CREATED', target: 'KEYSPACE', keyspace: ks.name });
  }

  async alterKeyspace(stmt: AlterKeyspace): Promise<SchemaChange> {
    this.assertUserKeyspace(stmt.keyspace);
    const ks = alterKeyspace(this.requireKeyspace(stmt.keyspace), stmt.properties);
    await this.store.putMeta(KEYSPACE_PREFIX + ks.name, encode(ks));
    this.keyspaceMap.set(ks.name, ks);
    return this.changed({ change: 'UPDATED', target: 'KEYSPACE', keyspace: ks.name });
  }

  /** Drops the keyspace and its tables; the tables' data becomes unreachable (table ids are never reused). */
  async dropKeyspace(stmt: DropKeyspace): Promise<SchemaChange | undefined> {
    this.assertUserKeyspace(stmt.keyspace);
    if (!this.keyspaceMap.has(stmt.keyspace)) {
      if (stmt.ifExists) return undefined;
      throw new InvalidRequestError(`Cannot drop non existing keyspace '${stmt.keyspace}'.`);
    }
    const tables = this.tables(stmt.keyspace);
    for (const table of tables) await this.store.deleteMeta(tableKey(table));
    await this.store.deleteMeta(KEYSPACE_PREFIX + stmt.keyspace);
    this.keyspaceMap.delete(stmt.keyspace);
    this.tableMap.delete(stmt.keyspace);
    for (const table of tables) this.forgetTable(table);
    return this.changed({ change: 'DROPPED', target: 'KEYSPACE', keyspace: stmt.keyspace });
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
    await this.store.putMeta(tableKey(table), encode(table));
    this.holdTable(table);
    return this.changed({ change: 'CREATED', target: 'TABLE', keyspace, table: table.name });
  }

  /** `nowUs` (the statement's time) stamps a dropped column; see TableMetadata.dropped. */
  async alterTable(keyspace: string, stmt: AlterTable, nowUs: number): Promise<SchemaChange> {
    this.assertUserKeyspace(keyspace);
    const table = alterTable(this.requireTable(keyspace, stmt.table.name), stmt, nowUs);
    await this.store.putMeta(tableKey(table), encode(table));
    this.holdTable(table);
    return this.changed({ change: 'UPDATED', target: 'TABLE', keyspace, table: table.name });
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
    await this.store.deleteMeta(tableKey(table));
    this.tableMap.get(keyspace)!.delete(table.name);
    this.forgetTable(table);
    return { change: this.changed({ change: 'DROPPED', target: 'TABLE', keyspace, table: table.name }), table };
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

  private holdTable(table: TableMetadata): void {
    this.tableMap.get(table.keyspace)!.set(table.name, table);
    this.tablesById.set(table.id, table);
  }

  private forgetTable(table: TableMetadata): void {
    this.tablesById.delete(table.id);
    for (const listener of this.dropListeners) listener(table);
  }

  private assertUserKeyspace(name: string): void {
    if (SYSTEM_KEYSPACES.includes(name)) throw new InvalidRequestError(`${name} keyspace is not user-modifiable`);
  }

  private changed(change: SchemaChange): SchemaChange {
    this.versionId = this.digest();
    for (const listener of this.listeners) listener(change);
    return change;
  }

  /** An md5 over the sorted schema, shaped as a uuid (Cassandra's schema version is such a digest). */
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

function tableKey(table: TableMetadata): string {
  return `${TABLE_PREFIX}${table.keyspace}/${table.name}`;
}

function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
