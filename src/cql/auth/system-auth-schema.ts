/**
 * The system_auth keyspace: roles and their permissions, stored in ordinary
 * replicated tables with Cassandra's names and columns.
 *
 *   roles            (role text PRIMARY KEY, can_login boolean, is_superuser boolean, member_of set<text>, salted_hash text)
 *   role_permissions (role text, resource text, permissions set<text>, PRIMARY KEY (role, resource))
 *
 * Every node with authentication or authorization on merges these schema
 * entries into its catalog at start. They carry fixed table ids and a fixed,
 * earliest-possible timestamp, so nodes that start at the same moment create
 * byte-identical entries and converge on one schema; and an operator's ALTER
 * KEYSPACE system_auth (to raise its replication) is newer and wins.
 *
 * Replication is SimpleStrategy with RF 3, not Cassandra's RF 1: with one
 * copy, losing one node would lock every role out. On smaller clusters each
 * node holds every role (placement takes min(RF, nodes) replicas).
 */
import { parseStatement, type CreateTable } from '../../../grammar/index.js';
import type { KeyspaceMetadata, SchemaEntry } from '../../schema/table.js';
import { tableFromCreate } from '../ddl/table-ddl.js';
import { AUTH_KEYSPACE } from './statement-permissions.js';

/** Older than any DDL a node stamps from its clock. */
export const AUTH_SCHEMA_TIMESTAMP_US = 1;

export const ROLES_TABLE = 'roles';
export const ROLE_PERMISSIONS_TABLE = 'role_permissions';

const TABLES: { name: string; id: string; cql: string }[] = [
  {
    name: ROLES_TABLE,
    id: '5bc52802-de25-35ed-aeab-188eecebb090',
    cql: `CREATE TABLE ${AUTH_KEYSPACE}.${ROLES_TABLE} (role text PRIMARY KEY, can_login boolean, is_superuser boolean, member_of set<text>, salted_hash text)`,
  },
  {
    name: ROLE_PERMISSIONS_TABLE,
    id: '3afbe79f-2194-31a7-add7-f5ab90d8ec9c',
    cql: `CREATE TABLE ${AUTH_KEYSPACE}.${ROLE_PERMISSIONS_TABLE} (role text, resource text, permissions set<text>, PRIMARY KEY (role, resource))`,
  },
];

/** The keyspace and table entries to merge into the catalog. */
export function systemAuthEntries(): SchemaEntry[] {
  const keyspace: KeyspaceMetadata = {
    name: AUTH_KEYSPACE,
    replication: { class: 'SimpleStrategy', factors: { replication_factor: 3 } },
    durableWrites: true,
  };
  const entries: SchemaEntry[] = [{ kind: 'keyspace', name: AUTH_KEYSPACE, timestampUs: AUTH_SCHEMA_TIMESTAMP_US, keyspace }];
  for (const t of TABLES) {
    const table = tableFromCreate(AUTH_KEYSPACE, parseStatement(t.cql).statement as CreateTable, t.id);
    entries.push({ kind: 'table', keyspace: AUTH_KEYSPACE, name: t.name, timestampUs: AUTH_SCHEMA_TIMESTAMP_US, table });
  }
  return entries;
}
