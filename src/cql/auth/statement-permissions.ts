/**
 * Which permission each data statement needs, and on what, as Cassandra's
 * statements ask for them in checkAccess: reading needs SELECT on the table,
 * writing (INSERT, UPDATE, DELETE, TRUNCATE, each statement of a BATCH)
 * needs MODIFY on it; CREATE KEYSPACE needs CREATE on all keyspaces, CREATE
 * TABLE needs CREATE on its keyspace; ALTER and DROP need ALTER and DROP on
 * what they change. Pure: the access check that uses it lives in
 * access-control.ts.
 */
import type { PermissionName, QualifiedName, Statement } from '../../../grammar/ast.js';
import { InvalidRequestError } from '../../util/errors.js';
import { ALL_KEYSPACES, keyspaceResource, tableResource, type ResourceName } from './resources.js';

export interface RequiredPermission {
  permission: PermissionName;
  resource: ResourceName;
}

/** Keyspaces every logged-in role may read: drivers and the shell discover the cluster and its schema there. */
export const READABLE_SYSTEM_KEYSPACES: readonly string[] = ['system', 'system_schema'];

/** The keyspace holding roles and permissions: its tables change only through role statements. */
export const AUTH_KEYSPACE = 'system_auth';

/** The permissions `stmt` needs; empty for statements that need none (USE, role statements, which check their own). */
export function requiredPermissions(stmt: Statement, sessionKeyspace: string | undefined): RequiredPermission[] {
  const onTable = (permission: PermissionName, name: QualifiedName): RequiredPermission => {
    const keyspace = name.keyspace ?? sessionKeyspace;
    if (keyspace === undefined) {
      throw new InvalidRequestError('No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
    }
    return { permission, resource: tableResource(keyspace, name.name) };
  };
  switch (stmt.kind) {
    case 'createKeyspace':
      return [{ permission: 'CREATE', resource: ALL_KEYSPACES }];
    case 'alterKeyspace':
      return [{ permission: 'ALTER', resource: keyspaceResource(stmt.keyspace) }];
    case 'dropKeyspace':
      return [{ permission: 'DROP', resource: keyspaceResource(stmt.keyspace) }];
    case 'createTable': {
      const table = onTable('CREATE', stmt.table);
      return [{ permission: 'CREATE', resource: keyspaceResource(table.resource.split('/')[1]!) }];
    }
    case 'alterTable':
      return [onTable('ALTER', stmt.table)];
    case 'dropTable':
      return [onTable('DROP', stmt.table)];
    case 'select':
      return [onTable('SELECT', stmt.table)];
    case 'insert':
    case 'update':
    case 'delete':
    case 'truncate':
      return [onTable('MODIFY', stmt.table)];
    case 'batch':
      return stmt.statements.map((s) => onTable('MODIFY', s.table));
    case 'use':
    case 'createRole':
    case 'alterRole':
    case 'dropRole':
    case 'listRoles':
    case 'grant':
    case 'revoke':
    case 'listPermissions':
      return [];
  }
}

/**
 * Why a statement may not touch system_auth at all, whoever runs it, or
 * undefined when it may. Reading it is governed by grants like any table, and
 * ALTER KEYSPACE is allowed so operators can raise its replication; anything
 * else would bypass the role statements' checks (or break them).
 */
export function protectedAuthChange(required: RequiredPermission[]): string | undefined {
  for (const { permission, resource } of required) {
    if (permission === 'SELECT') continue;
    const keyspace = resource.split('/')[1];
    if (keyspace !== AUTH_KEYSPACE) continue;
    if (permission === 'ALTER' && resource === keyspaceResource(AUTH_KEYSPACE)) continue;
    return `${AUTH_KEYSPACE} keyspace is not user-modifiable.`;
  }
  return undefined;
}

/** Whether a required permission is a read of a system table every logged-in role may do. */
export function isReadableSystemResource(required: RequiredPermission): boolean {
  if (required.permission !== 'SELECT') return false;
  const keyspace = required.resource.split('/')[1];
  return keyspace !== undefined && READABLE_SYSTEM_KEYSPACES.includes(keyspace);
}
