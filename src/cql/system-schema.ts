/**
 * Read-only system tables describing the node and its schema, as Cassandra
 * exposes them: `system_schema.keyspaces`, `system_schema.tables`,
 * `system_schema.columns`, `system.local` and `system.peers` (with its
 * twin `system.peers_v2`). Drivers and the shell read the
 * catalog through them (DESCRIBE, completion) and discover the cluster's
 * nodes and tokens with plain SELECTs.
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
import type { TopologyMember, TopologySource } from './topology.js';

/** The release this code reports in `system.local.release_version`. */
export const RELEASE_VERSION = '0.1.0';
/** The CQL dialect version reported in `system.local.cql_version` and in the SUPPORTED answer to OPTIONS (Cassandra 4.1's). */
export const CQL_VERSION = '3.4.6';

type ColumnDef = [name: string, type: string, kind: ColumnKind];

/**
 * Cassandra's system.peers_v2 columns. Both `peers` and `peers_v2` have
 * them, keyed by (peer, peer_port) rather than system.peers' peer alone, so
 * several nodes sharing one address on different ports (tests) are each a row.
 */
const PEER_COLUMNS: ColumnDef[] = [
  ['peer', 'inet', 'partition_key'],
  ['peer_port', 'int', 'clustering'],
  ['data_center', 'text', 'regular'],
  ['host_id', 'uuid', 'regular'],
  ['native_address', 'inet', 'regular'],
  ['native_port', 'int', 'regular'],
  ['rack', 'text', 'regular'],
  ['release_version', 'text', 'regular'],
  ['schema_version', 'uuid', 'regular'],
  ['tokens', 'set<text>', 'regular'],
];

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
      ['host_id', 'uuid', 'regular'],
      ['tokens', 'set<text>', 'regular'],
      ['broadcast_address', 'inet', 'regular'],
      ['listen_address', 'inet', 'regular'],
      ['listen_port', 'int', 'regular'],
      ['rpc_address', 'inet', 'regular'],
      ['rpc_port', 'int', 'regular'],
    ],
    peers: PEER_COLUMNS,
    peers_v2: PEER_COLUMNS,
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
  private built: { key: string; coordinator: Promise<Coordinator> } | undefined;

  constructor(
    private readonly deps: { catalog: SchemaCatalog; clock: Clock; settings: Settings; topology?: TopologySource },
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

  /**
   * The rows change with the schema and with the cluster's membership (a
   * peer's tokens, address or schema version), so they are rebuilt when
   * either does.
   */
  private coordinator(): Promise<Coordinator> {
    const version = this.deps.catalog.version;
    const local = this.localMember();
    const peers = this.deps.topology?.peers() ?? [];
    const key = JSON.stringify([version, local, peers]);
    if (this.built?.key !== key) this.built = { key, coordinator: this.materialise(version, local, peers) };
    return this.built.coordinator;
  }

  /** This node as gossip sees it; a processor without a topology source describes a node alone. */
  private localMember(): TopologyMember {
    const settings = this.deps.settings;
    return (
      this.deps.topology?.local() ?? {
        endpoint: `${settings.listen_address}:${settings.storage_port}`,
        hostId: undefined,
        dc: settings.dc,
        rack: settings.rack,
        tokens: [],
        nativeAddress: `${settings.listen_address}:${settings.native_transport_port}`,
        schemaVersion: this.deps.catalog.version,
        releaseVersion: RELEASE_VERSION,
      }
    );
  }

  /** Writes every row of every system table into a fresh in-memory engine. */
  private async materialise(version: string, local: TopologyMember, peers: TopologyMember[]): Promise<Coordinator> {
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
    const listen = splitAddress(local.endpoint);
    const native = splitAddress(local.nativeAddress);
    put('system.local', {
      key: 'local',
      cluster_name: this.deps.settings.cluster_name,
      cql_version: CQL_VERSION,
      data_center: local.dc,
      partitioner: 'org.apache.cassandra.dht.Murmur3Partitioner',
      rack: local.rack,
      release_version: RELEASE_VERSION,
      schema_version: version,
      host_id: local.hostId,
      tokens: local.tokens,
      broadcast_address: listen?.host,
      listen_address: listen?.host,
      listen_port: listen?.port,
      rpc_address: native?.host,
      rpc_port: native?.port,
    });
    for (const peer of peers) {
      const address = splitAddress(peer.endpoint);
      if (!address) continue;
      const peerNative = splitAddress(peer.nativeAddress);
      const row = {
        peer: address.host,
        peer_port: address.port,
        data_center: peer.dc,
        host_id: peer.hostId,
        native_address: peerNative?.host,
        native_port: peerNative?.port,
        rack: peer.rack,
        release_version: peer.releaseVersion,
        schema_version: peer.schemaVersion,
        tokens: peer.tokens,
      };
      put('system.peers', row);
      put('system.peers_v2', row);
    }
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
      if (c.kind !== 'regular' || values[c.name] === undefined) continue;
      if (c.type.kind === 'set' && !c.type.frozen) {
        // A non-frozen set is one cell per element, the element in the cell's path.
        for (const e of values[c.name] as unknown[]) row.addCell(c.name, cell(Buffer.alloc(0)), serialize(c.type.element, e, c.name));
      } else {
        row.addCell(c.name, cell(bytes(c.name, c.type)));
      }
    }
  }
}

/** 'host:port' (IPv6 hosts in brackets or bare) → parts; undefined when there is no valid port. */
function splitAddress(address: string | undefined): { host: string; port: number } | undefined {
  if (address === undefined) return undefined;
  const at = address.lastIndexOf(':');
  if (at <= 0) return undefined;
  const port = Number(address.slice(at + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}

function cell(value: Buffer): Cell {
  return { value, timestampUs: 0, ttlS: 0, localDeletionTimeS: NO_DELETION_TIME };
}
