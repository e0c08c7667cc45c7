/**
 * Read-only system tables describing the node and its schema, as Cassandra
 * exposes them: `system_schema.keyspaces`, `system_schema.tables`,
 * `system_schema.columns` and `system.local`. Drivers and the shell read the
 * catalog through them (DESCRIBE, completion) with plain SELECTs.
 *
 * The rows are materialised from the catalog into an in-memory engine once
 * per schema version, and SELECT runs over it with the ordinary read path,
 * so every WHERE, LIMIT and paging form behaves as on a user table.
 */
import type { Clock } from '../clock/clock.js';
import { LocalCoordinator } from '../coordinator/local.js';
import { parseTypeName, formatType, type CqlType } from '../schema/cql-type.js';
import { serialize } from '../schema/codec.js';
import { serializePartitionKey, tableLayout, type ColumnKind, type KeyspaceMetadata, type TableMetadata } from '../schema/table.js';
import { MemoryEngine } from '../storage/memory-engine.js';
import { NO_DELETION_TIME, type Cell } from '../storage/model.js';
import type { Settings } from '../util/settings.js';
import type { Coordinator } from '../coordinator/coordinator.js';
import { MutationBuilder } from './mutations/builder.js';
import type { SchemaCatalog } from './schema-catalog.js';

/** The release this code reports in `system.local.release_version`. */
export const RELEASE_VERSION = '0.1.0';
/** The CQL dialect version reported in `system.local.cql_version`. */
export const CQL_VERSION = '3.4.6';

type ColumnDef = [name: string, type: string, kind: ColumnKind];

const DEFINITIONS: Record<string, Record<string, ColumnDef[]>> = {
  system_schema: {
    keyspaces: [
      ['keyspace_name', 'text', 'partition_key'],
      ['durable_writes', 'boolean', 'regular'],
      ['replication', 'frozen<map<text, text>>', 'regular'],
    ],
    tables: [
      ['keyspace_name', 'text', 'partition_key'],
      ['table_name', 'text', 'clustering'],
      ['comment', 'text', 'regular'],
      ['default_time_to_live', 'int', 'regular'],
      ['gc_grace_seconds', 'int', 'regular'],
      ['id', 'uuid', 'regular'],
      ['read_repair', 'text', 'regular'],
    ],
    columns: [
      ['keyspace_name', 'text', 'partition_key'],
      ['table_name', 'text', 'clustering'],
      ['column_name', 'text', 'clustering'],
      ['clustering_order', 'text', 'regular'],
      ['kind', 'text', 'regular'],
      ['position', 'int', 'regular'],
      ['type', 'text', 'regular'],
    ],
  },
  system: {
    local: [
      ['key', 'text', 'partition_key'],
      ['cluster_name', 'text', 'regular'],
      ['cql_version', 'text', 'regular'],
      ['data_center', 'text', 'regular'],
      ['partitioner', 'text', 'regular'],
      ['rack', 'text', 'regular'],
      ['release_version', 'text', 'regular'],
      ['schema_version', 'uuid', 'regular'],
    ],
  },
};

/** Cassandra's fixed ids for these tables would do too; any stable uuid keeps storage keys apart. */
function virtualTableId(keyspace: string, name: string): string {
  const hex = Buffer.from(`${keyspace}.${name}`.padEnd(16, '.').slice(0, 16)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function defineTable(keyspace: string, name: string, defs: ColumnDef[]): TableMetadata {
  let clusteringPosition = 0;
  return {
    keyspace,
    name,
    id: virtualTableId(keyspace, name),
    columns: defs.map(([column, type, kind]) => ({
      name: column,
      type: parseTypeName(type),
      kind,
      position: kind === 'clustering' ? clusteringPosition++ : 0,
      ...(kind === 'clustering' ? { order: 'ASC' as const } : {}),
    })),
    options: { default_time_to_live: 0, gc_grace_seconds: 0, comment: '', read_repair: 'NONE' },
  };
}

export interface SystemTable {
  table: TableMetadata;
  keyspace: KeyspaceMetadata;
  /** Reads the table's rows as of the catalog's current version. */
  coordinator: Coordinator;
}

/** Cassandra's names for a column's kind in system_schema.columns. */
const KIND_NAMES: Record<ColumnKind, string> = {
  partition_key: 'partition_key',
  clustering: 'clustering',
  regular: 'regular',
  static: 'static',
};

export class SystemSchemaTables {
  private readonly tables = new Map<string, TableMetadata>();
  private built: { version: string; coordinator: Promise<Coordinator> } | undefined;

  constructor(
    private readonly deps: { catalog: SchemaCatalog; clock: Clock; settings: Settings },
  ) {
    for (const [keyspace, tables] of Object.entries(DEFINITIONS)) {
      for (const [name, defs] of Object.entries(tables)) this.tables.set(`${keyspace}.${name}`, defineTable(keyspace, name, defs));
    }
  }

  /** The system table with this name, or undefined when it is not one. */
  isSystemTable(keyspace: string, name: string): boolean {
    return this.tables.has(`${keyspace}.${name}`);
  }

  /** The system table with this name, or undefined when it is not one. */
  async resolve(keyspace: string, name: string): Promise<SystemTable | undefined> {
    const table = this.tables.get(`${keyspace}.${name}`);
    if (!table) return undefined;
    return { table, keyspace: this.deps.catalog.requireKeyspace(keyspace), coordinator: await this.coordinator() };
  }

  private coordinator(): Promise<Coordinator> {
    const version = this.deps.catalog.version;
    if (this.built?.version !== version) this.built = { version, coordinator: this.materialise(version) };
    return this.built.coordinator;
  }

  /** Writes every row of every system table into a fresh in-memory engine. */
  private async materialise(version: string): Promise<Coordinator> {
    const byId = new Map([...this.tables.values()].map((t) => [t.id, tableLayout(t)]));
    const engine = new MemoryEngine({ clock: this.deps.clock, layouts: (id) => byId.get(id) });
    const builder = new MutationBuilder();
    const catalog = this.deps.catalog;
    const put = (tableName: string, values: Record<string, unknown>) => this.addRow(builder, tableName, values);
    for (const ks of catalog.keyspaces()) {
      const replication: Record<string, string> = { class: `org.apache.cassandra.locator.${ks.replication.class}` };
      for (const [k, v] of Object.entries(ks.replication.factors)) replication[k] = String(v);
      put('system_schema.keyspaces', { keyspace_name: ks.name, durable_writes: ks.durableWrites, replication: new Map(Object.entries(replication)) });
      for (const t of catalog.tables(ks.name)) {
        put('system_schema.tables', {
          keyspace_name: ks.name,
          table_name: t.name,
          comment: t.options.comment,
          default_time_to_live: t.options.default_time_to_live,
          gc_grace_seconds: t.options.gc_grace_seconds,
          id: t.id,
          read_repair: t.options.read_repair,
        });
        for (const c of t.columns) {
          put('system_schema.columns', {
            keyspace_name: ks.name,
            table_name: t.name,
            column_name: c.name,
            clustering_order: c.kind === 'clustering' ? (c.order ?? 'ASC').toLowerCase() : 'none',
            kind: KIND_NAMES[c.kind],
            position: c.kind === 'partition_key' || c.kind === 'clustering' ? c.position : -1,
            type: formatType(c.type),
          });
        }
      }
    }
    put('system.local', {
      key: 'local',
      cluster_name: this.deps.settings.cluster_name,
      cql_version: CQL_VERSION,
      data_center: 'datacenter1',
      partitioner: 'org.apache.cassandra.dht.Murmur3Partitioner',
      rack: 'rack1',
      release_version: RELEASE_VERSION,
      schema_version: version,
    });
    await engine.open();
    await engine.apply(builder.build());
    return new LocalCoordinator(engine);
  }

  private addRow(builder: MutationBuilder, tableName: string, values: Record<string, unknown>): void {
    const table = this.tables.get(tableName)!;
    const bytes = (name: string, type: CqlType) => serialize(type, values[name], name);
    const pk = table.columns.filter((c) => c.kind === 'partition_key').map((c) => bytes(c.name, c.type));
    const clustering = table.columns.filter((c) => c.kind === 'clustering').map((c) => bytes(c.name, c.type));
    const row = builder.partition(table, serializePartitionKey(pk)).row(clustering);
    row.setMarker(cell(Buffer.alloc(0)));
    for (const c of table.columns) {
      if (c.kind === 'regular') row.addCell(c.name, cell(bytes(c.name, c.type)));
    }
  }
}

function cell(value: Buffer): Cell {
  return { value, timestampUs: 0, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME };
}
