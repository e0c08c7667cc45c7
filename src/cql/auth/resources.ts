/**
 * The permission model, pure: data resources as Cassandra names them
 * (`data`, `data/ks`, `data/ks/t`, shown as `<all keyspaces>`,
 * `<keyspace ks>`, `<table ks.t>`), which permissions apply to each kind,
 * and whether a role's grants allow a permission on a resource. A grant on a
 * resource covers everything below it: SELECT on `<keyspace ks>` allows
 * reading every table of ks, and on `<all keyspaces>` every table.
 */
import type { DataResourceAst, PermissionName, PermissionSpec } from '../../../grammar/ast.js';
import { InvalidRequestError } from '../../util/errors.js';

/** Every data permission, in Cassandra's order (LIST PERMISSIONS sorts by it). */
export const DATA_PERMISSIONS: readonly PermissionName[] = ['CREATE', 'ALTER', 'DROP', 'SELECT', 'MODIFY', 'AUTHORIZE'];
/** A table cannot hold other tables, so CREATE does not apply to one. */
const TABLE_PERMISSIONS: readonly PermissionName[] = ['ALTER', 'DROP', 'SELECT', 'MODIFY', 'AUTHORIZE'];

/** `data`, `data/ks` or `data/ks/t`: the form stored in system_auth.role_permissions. */
export type ResourceName = string;

export const ALL_KEYSPACES: ResourceName = 'data';

export function keyspaceResource(keyspace: string): ResourceName {
  return `data/${keyspace}`;
}

export function tableResource(keyspace: string, table: string): ResourceName {
  return `data/${keyspace}/${table}`;
}

/** The resource a GRANT, REVOKE or LIST names; an unqualified table is in the session's keyspace. */
export function resourceOf(ast: DataResourceAst, sessionKeyspace: string | undefined): ResourceName {
  switch (ast.kind) {
    case 'allKeyspaces':
      return ALL_KEYSPACES;
    case 'keyspace':
      return keyspaceResource(ast.keyspace);
    case 'table': {
      const keyspace = ast.table.keyspace ?? sessionKeyspace;
      if (keyspace === undefined) {
        throw new InvalidRequestError('No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
      }
      return tableResource(keyspace, ast.table.name);
    }
  }
}

/** The parts of a resource name: no keyspace for `data`, no table for `data/ks`. */
export function parseResource(name: ResourceName): { keyspace?: string; table?: string } {
  const [, keyspace, table] = name.split('/');
  return { ...(keyspace !== undefined ? { keyspace } : {}), ...(table !== undefined ? { table } : {}) };
}

/** `<all keyspaces>`, `<keyspace ks>` or `<table ks.t>`, as Cassandra prints resources. */
export function displayResource(name: ResourceName): string {
  const { keyspace, table } = parseResource(name);
  if (keyspace === undefined) return '<all keyspaces>';
  if (table === undefined) return `<keyspace ${keyspace}>`;
  return `<table ${keyspace}.${table}>`;
}

/** The resource itself, then each parent up to `<all keyspaces>`. */
export function resourceChain(name: ResourceName): ResourceName[] {
  const { keyspace, table } = parseResource(name);
  const chain: ResourceName[] = [];
  if (keyspace !== undefined && table !== undefined) chain.push(tableResource(keyspace, table));
  if (keyspace !== undefined) chain.push(keyspaceResource(keyspace));
  chain.push(ALL_KEYSPACES);
  return chain;
}

/** Whether `name` is `resource` or lies below it (a table of a keyspace). */
export function isWithin(name: ResourceName, resource: ResourceName): boolean {
  return name === resource || name.startsWith(`${resource}/`);
}

export function applicablePermissions(name: ResourceName): readonly PermissionName[] {
  return parseResource(name).table === undefined ? DATA_PERMISSIONS : TABLE_PERMISSIONS;
}

/**
 * The permissions a GRANT or REVOKE names on a resource: ALL means those that
 * apply to it; a single one that does not apply is refused with Cassandra's
 * message.
 */
export function permissionsFor(spec: PermissionSpec, name: ResourceName): PermissionName[] {
  const applicable = applicablePermissions(name);
  if (spec.kind === 'all') return [...applicable];
  if (!applicable.includes(spec.permission)) {
    throw new InvalidRequestError('Resource type DataResource does not support any of the requested permissions');
  }
  return [spec.permission];
}

/** A role's grants: resource → the permissions granted on it. */
export type Grants = ReadonlyMap<ResourceName, ReadonlySet<PermissionName>>;

/** Whether the grants allow `permission` on `resource`, directly or through a parent. */
export function isGranted(grants: Grants, permission: PermissionName, resource: ResourceName): boolean {
  return resourceChain(resource).some((r) => grants.get(r)?.has(permission) === true);
}

/** Cassandra's Unauthorized text for a missing permission. */
export function missingPermissionMessage(user: string, permission: PermissionName, resource: ResourceName): string {
  return `User ${user} has no ${permission} permission on ${displayResource(resource)} or any of its parents`;
}
