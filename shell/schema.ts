/**
 * The live schema as the shell sees it, read from the node's system_schema
 * tables through the driver (DESCRIBE prints it, completion offers its names).
 */
import type { Client } from '../src/client/index.js';

export interface ShellColumn {
  name: string;
  type: string;
  kind: 'partition_key' | 'clustering' | 'regular' | 'static';
  position: number;
  /** 'asc' or 'desc' for clustering columns, 'none' otherwise. */
  clusteringOrder: string;
}

export interface ShellTable {
  keyspace: string;
  name: string;
  comment: string;
  defaultTimeToLive: number;
  gcGraceSeconds: number;
  readRepair: string;
  columns: ShellColumn[];
}

export interface ShellKeyspace {
  name: string;
  durableWrites: boolean;
  replication: Map<string, string>;
  tables: ShellTable[];
}

/** Keyspaces the node owns; DESCRIBE SCHEMA leaves them out, as cqlsh does. */
export const SYSTEM_KEYSPACES = ['system', 'system_schema'];

export async function loadSchema(client: Client): Promise<ShellKeyspace[]> {
  const all = (cql: string) => collect(client.iterate(cql, null, { fetchSize: 5000 }));
  const [keyspaceRows, tableRows, columnRows] = await Promise.all([
    all('SELECT keyspace_name, durable_writes, replication FROM system_schema.keyspaces'),
    all('SELECT * FROM system_schema.tables'),
    all('SELECT * FROM system_schema.columns'),
  ]);
  const keyspaces = keyspaceRows
    .map((r): ShellKeyspace => ({
      name: r['keyspace_name'] as string,
      durableWrites: r['durable_writes'] as boolean,
      replication: (r['replication'] as Map<string, string>) ?? new Map(),
      tables: [],
    }))
    .sort((a, b) => compareText(a.name, b.name));
  const byName = new Map(keyspaces.map((k) => [k.name, k]));
  const tables = new Map<string, ShellTable>();
  for (const r of tableRows) {
    const table: ShellTable = {
      keyspace: r['keyspace_name'] as string,
      name: r['table_name'] as string,
      comment: (r['comment'] as string | null) ?? '',
      defaultTimeToLive: (r['default_time_to_live'] as number | null) ?? 0,
      gcGraceSeconds: (r['gc_grace_seconds'] as number | null) ?? 0,
      readRepair: (r['read_repair'] as string | null) ?? 'BLOCKING',
      columns: [],
    };
    tables.set(`${table.keyspace}.${table.name}`, table);
    byName.get(table.keyspace)?.tables.push(table);
  }
  for (const r of columnRows) {
    tables.get(`${r['keyspace_name'] as string}.${r['table_name'] as string}`)?.columns.push({
      name: r['column_name'] as string,
      type: r['type'] as string,
      kind: r['kind'] as ShellColumn['kind'],
      position: r['position'] as number,
      clusteringOrder: r['clustering_order'] as string,
    });
  }
  for (const ks of keyspaces) ks.tables.sort((a, b) => compareText(a.name, b.name));
  return keyspaces;
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
