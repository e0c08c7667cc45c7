/**
 * Reads and writes roles and permissions in system_auth through ordinary CQL
 * statements run by this node's query processor, so they are replicated,
 * hinted and repaired like any table. The store knows the columns; the
 * caching and the checks are access-control.ts's.
 */
import type { ConsistencyName, PermissionName } from '../../../grammar/ast.js';
import { parseTypeName, type CqlType } from '../../schema/cql-type.js';
import { deserialize, serialize } from '../../schema/codec.js';
import type { BoundValue } from '../processor.js';
import type { ResultEnvelope } from '../result.js';
import type { ResourceName } from './resources.js';
import { ROLE_PERMISSIONS_TABLE, ROLES_TABLE } from './system-auth-schema.js';
import { AUTH_KEYSPACE } from './statement-permissions.js';

/** Runs one statement without any access check (the caller has made its own). */
export type InternalExecutor = (cql: string, values: BoundValue[], consistency: ConsistencyName) => Promise<ResultEnvelope>;

export interface RoleRecord {
  name: string;
  superuser: boolean;
  login: boolean;
  /** Absent for a role without a password (it cannot log in with PasswordAuthenticator). */
  saltedHash?: string;
}

export interface PermissionRow {
  role: string;
  resource: ResourceName;
  permissions: PermissionName[];
}

const TEXT = parseTypeName('text');
const BOOLEAN = parseTypeName('boolean');
const TEXT_SET = parseTypeName('set<text>');
const ROLES = `${AUTH_KEYSPACE}.${ROLES_TABLE}`;
const PERMISSIONS = `${AUTH_KEYSPACE}.${ROLE_PERMISSIONS_TABLE}`;

export class RoleStore {
  constructor(
    private readonly execute: InternalExecutor,
    private readonly readLevel: ConsistencyName,
    private readonly writeLevel: ConsistencyName,
  ) {}

  async role(name: string, level: ConsistencyName = this.readLevel): Promise<RoleRecord | undefined> {
    // No role has an empty name (CREATE ROLE refuses one), and storage refuses an empty key.
    if (name === '') return undefined;
    const rows = await this.rows(`SELECT role, can_login, is_superuser, salted_hash FROM ${ROLES} WHERE role = ?`, [text(name)], level);
    return rows.map(roleOf)[0];
  }

  async roles(level: ConsistencyName = this.readLevel): Promise<RoleRecord[]> {
    const rows = await this.rows(`SELECT role, can_login, is_superuser, salted_hash FROM ${ROLES}`, [], level);
    return rows.map(roleOf).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Writes the given fields of a role; fields left undefined keep their stored values. */
  async putRole(name: string, fields: { superuser?: boolean; login?: boolean; saltedHash?: string }): Promise<void> {
    const columns = ['role'];
    const values: BoundValue[] = [text(name)];
    if (fields.login !== undefined) columns.push('can_login'), values.push(serialize(BOOLEAN, fields.login, 'can_login'));
    if (fields.superuser !== undefined) columns.push('is_superuser'), values.push(serialize(BOOLEAN, fields.superuser, 'is_superuser'));
    if (fields.saltedHash !== undefined) columns.push('salted_hash'), values.push(text(fields.saltedHash));
    const markers = columns.map(() => '?').join(', ');
    await this.execute(`INSERT INTO ${ROLES} (${columns.join(', ')}) VALUES (${markers})`, values, this.writeLevel);
  }

  /** Deletes the role and every permission granted to it. */
  async dropRole(name: string): Promise<void> {
    await this.execute(`DELETE FROM ${PERMISSIONS} WHERE role = ?`, [text(name)], this.writeLevel);
    await this.execute(`DELETE FROM ${ROLES} WHERE role = ?`, [text(name)], this.writeLevel);
  }

  async permissionsOf(role: string): Promise<PermissionRow[]> {
    const rows = await this.rows(`SELECT role, resource, permissions FROM ${PERMISSIONS} WHERE role = ?`, [text(role)], this.readLevel);
    return rows.map(permissionRowOf).filter((r) => r.permissions.length > 0);
  }

  async allPermissions(): Promise<PermissionRow[]> {
    const rows = await this.rows(`SELECT role, resource, permissions FROM ${PERMISSIONS}`, [], this.readLevel);
    return rows.map(permissionRowOf).filter((r) => r.permissions.length > 0);
  }

  async grant(role: string, resource: ResourceName, permissions: PermissionName[]): Promise<void> {
    await this.execute(
      `UPDATE ${PERMISSIONS} SET permissions = permissions + ? WHERE role = ? AND resource = ?`,
      [serialize(TEXT_SET, permissions, 'permissions'), text(role), text(resource)],
      this.writeLevel,
    );
  }

  async revoke(role: string, resource: ResourceName, permissions: PermissionName[]): Promise<void> {
    await this.execute(
      `UPDATE ${PERMISSIONS} SET permissions = permissions - ? WHERE role = ? AND resource = ?`,
      [serialize(TEXT_SET, permissions, 'permissions'), text(role), text(resource)],
      this.writeLevel,
    );
  }

  async revokeAll(role: string, resource: ResourceName): Promise<void> {
    await this.execute(`DELETE FROM ${PERMISSIONS} WHERE role = ? AND resource = ?`, [text(role), text(resource)], this.writeLevel);
  }

  private async rows(cql: string, values: BoundValue[], level: ConsistencyName): Promise<Map<string, unknown>[]> {
    const { result } = await this.execute(cql, values, level);
    if (result.kind !== 'rows') return [];
    return result.rows.map((row) => {
      const out = new Map<string, unknown>();
      result.columns.forEach((c, i) => {
        const bytes = row[i];
        out.set(c.name, bytes === null || bytes === undefined ? undefined : deserialize(parseTypeName(c.type) as CqlType, bytes));
      });
      return out;
    });
  }
}

function text(value: string): Buffer {
  return serialize(TEXT, value, 'role');
}

function roleOf(row: Map<string, unknown>): RoleRecord {
  const hash = row.get('salted_hash');
  return {
    name: String(row.get('role')),
    login: row.get('can_login') === true,
    superuser: row.get('is_superuser') === true,
    ...(typeof hash === 'string' ? { saltedHash: hash } : {}),
  };
}

function permissionRowOf(row: Map<string, unknown>): PermissionRow {
  const set = row.get('permissions');
  const permissions = (set instanceof Set ? [...set] : Array.isArray(set) ? set : []) as PermissionName[];
  return { role: String(row.get('role')), resource: String(row.get('resource')), permissions };
}
