/**
 * CREATE/ALTER/DROP ROLE, LIST ROLES, GRANT, REVOKE and LIST PERMISSIONS,
 * with Cassandra's checks and messages. Managing roles is for superusers; a
 * role may change its own password. GRANT and REVOKE need AUTHORIZE on the
 * resource and the permissions being granted (superusers have all), so a
 * role can never hand out more than it holds.
 */
import type {
  AlterRole,
  CreateRole,
  DropRole,
  Grant,
  ListPermissions,
  ListRoles,
  PermissionName,
  Property,
  Revoke,
} from '../../../grammar/ast.js';
import { parseTypeName } from '../../schema/cql-type.js';
import { serialize } from '../../schema/codec.js';
import { InvalidRequestError, UnauthorizedError } from '../../util/errors.js';
import type { Session } from '../processor.js';
import type { ColumnSpec, ResultEnvelope } from '../result.js';
import type { AccessControl } from './access-control.js';
import { DATA_PERMISSIONS, displayResource, parseResource, permissionsFor, resourceChain, resourceOf, type ResourceName } from './resources.js';
import { ROLE_PERMISSIONS_TABLE, ROLES_TABLE } from './system-auth-schema.js';
import { AUTH_KEYSPACE } from './statement-permissions.js';

export type RoleStatement = CreateRole | AlterRole | DropRole | ListRoles | Grant | Revoke | ListPermissions;

const VOID: ResultEnvelope = { result: { kind: 'void' }, warnings: [] };

export async function executeRoleStatement(
  ac: AccessControl,
  session: Session,
  stmt: RoleStatement,
  sessionKeyspace: string | undefined,
): Promise<ResultEnvelope> {
  // Roles exist only where PasswordAuthenticator manages them; anonymous sessions cannot manage them.
  const user = ac.loggedIn(session);
  switch (stmt.kind) {
    case 'createRole':
      return createRole(ac, user, stmt);
    case 'alterRole':
      return alterRole(ac, user, stmt);
    case 'dropRole':
      return dropRole(ac, user, stmt);
    case 'listRoles':
      return listRoles(ac, user, stmt);
    case 'grant':
    case 'revoke':
      return changePermissions(ac, user, stmt, sessionKeyspace);
    case 'listPermissions':
      return listPermissions(ac, user, stmt, sessionKeyspace);
  }
}

interface RoleOptions {
  password?: string;
  login?: boolean;
  superuser?: boolean;
}

/** PASSWORD (text), LOGIN and SUPERUSER (booleans): anything else is refused by name. */
export function roleOptions(properties: Property[]): RoleOptions {
  const options: RoleOptions = {};
  for (const { name, value } of properties) {
    if (name in options) throw new InvalidRequestError(`Multiple definition for property ${name}`);
    if (value.kind !== 'constant') throw new InvalidRequestError(`Invalid value for role option ${name}: a constant is required`);
    if (name === 'password') {
      if (value.type !== 'STRING') throw new InvalidRequestError('Invalid value for role option password: a string is required');
      if (value.text === '') throw new InvalidRequestError('Invalid empty password');
      options.password = value.text;
    } else if (name === 'login' || name === 'superuser') {
      if (value.type !== 'BOOLEAN') throw new InvalidRequestError(`Invalid value for role option ${name}: true or false is required`);
      options[name] = value.text.toLowerCase() === 'true';
    } else {
      throw new InvalidRequestError(`Invalid role option: ${name}`);
    }
  }
  return options;
}

async function requireSuperuser(ac: AccessControl, user: string, permission: PermissionName, target: string): Promise<void> {
  if (!(await ac.isSuperuser(user))) throw new UnauthorizedError(`User ${user} has no ${permission} permission on ${target} or any of its parents`);
}

async function createRole(ac: AccessControl, user: string, stmt: CreateRole): Promise<ResultEnvelope> {
  await requireSuperuser(ac, user, 'CREATE', '<all roles>');
  const options = roleOptions(stmt.options);
  if (stmt.role === '') throw new InvalidRequestError("Role name can't be an empty string");
  if (await ac.store.role(stmt.role)) {
    if (stmt.ifNotExists) return VOID;
    throw new InvalidRequestError(`${stmt.role} already exists`);
  }
  await ac.store.putRole(stmt.role, {
    login: options.login ?? false,
    superuser: options.superuser ?? false,
    ...(options.password !== undefined ? { saltedHash: await ac.hash(options.password) } : {}),
  });
  ac.forgetRole(stmt.role);
  return VOID;
}

async function alterRole(ac: AccessControl, user: string, stmt: AlterRole): Promise<ResultEnvelope> {
  const options = roleOptions(stmt.options);
  const superuser = await ac.isSuperuser(user);
  if (options.superuser !== undefined) {
    if (stmt.role === user) throw new UnauthorizedError("You aren't allowed to alter your own superuser status or that of a role granted to you");
    if (!superuser) throw new UnauthorizedError('Only superusers are allowed to alter superuser status');
  }
  if (!superuser) {
    if (stmt.role !== user) throw new UnauthorizedError(`User ${user} has no ALTER permission on <role ${stmt.role}> or any of its parents`);
    if (options.login !== undefined) throw new UnauthorizedError("You aren't allowed to alter LOGIN");
  }
  if (!(await ac.store.role(stmt.role))) throw new InvalidRequestError(`${stmt.role} doesn't exist`);
  await ac.store.putRole(stmt.role, {
    ...(options.login !== undefined ? { login: options.login } : {}),
    ...(options.superuser !== undefined ? { superuser: options.superuser } : {}),
    ...(options.password !== undefined ? { saltedHash: await ac.hash(options.password) } : {}),
  });
  ac.forgetRole(stmt.role);
  return VOID;
}

async function dropRole(ac: AccessControl, user: string, stmt: DropRole): Promise<ResultEnvelope> {
  await requireSuperuser(ac, user, 'DROP', `<role ${stmt.role}>`);
  if (stmt.role === user) throw new InvalidRequestError('Cannot DROP primary role for current login');
  if (!(await ac.store.role(stmt.role))) {
    if (stmt.ifExists) return VOID;
    throw new InvalidRequestError(`${stmt.role} doesn't exist`);
  }
  await ac.store.dropRole(stmt.role);
  ac.forgetRole(stmt.role);
  return VOID;
}

async function listRoles(ac: AccessControl, user: string, stmt: ListRoles): Promise<ResultEnvelope> {
  const superuser = await ac.isSuperuser(user);
  // Roles are not granted to roles here, so the roles "of" a role are that role alone.
  const of = stmt.of ?? (superuser ? undefined : user);
  let roles = of !== undefined ? [await ac.store.role(of)].filter((r) => r !== undefined) : await ac.store.roles();
  // As in Cassandra, a role that does not exist is reported before the caller's right to see it is checked.
  if (of !== undefined && roles.length === 0) throw new InvalidRequestError(`${of} doesn't exist`);
  if (stmt.of !== undefined && stmt.of !== user && !superuser) {
    throw new UnauthorizedError(`You are not authorized to view roles granted to ${stmt.of} `);
  }
  if (stmt.usersOnly) roles = roles.filter((r) => r.login);
  if (stmt.usersOnly) {
    return rows(
      [column(ROLES_TABLE, 'name', 'text'), column(ROLES_TABLE, 'super', 'boolean'), column(ROLES_TABLE, 'datacenters', 'text')],
      roles.map((r) => [r.name, r.superuser, 'ALL']),
    );
  }
  return rows(
    [
      column(ROLES_TABLE, 'role', 'text'),
      column(ROLES_TABLE, 'super', 'boolean'),
      column(ROLES_TABLE, 'login', 'boolean'),
      column(ROLES_TABLE, 'options', 'map<text, text>'),
      column(ROLES_TABLE, 'datacenters', 'text'),
    ],
    roles.map((r) => [r.name, r.superuser, r.login, new Map(), 'ALL']),
  );
}

async function changePermissions(ac: AccessControl, user: string, stmt: Grant | Revoke, sessionKeyspace: string | undefined): Promise<ResultEnvelope> {
  const verb = stmt.kind === 'grant' ? 'GRANT' : 'REVOKE';
  if (!ac.authorizing) throw new InvalidRequestError(`${verb} operation is not supported by AllowAllAuthorizer`);
  const resource = resourceOf(stmt.resource, sessionKeyspace);
  requireResourceExists(ac, resource, 'Resource ');
  const permissions = permissionsFor(stmt.permissions, resource);
  // Cassandra's order: AUTHORIZE on the resource first, then each permission being granted.
  for (const permission of ['AUTHORIZE' as const, ...permissions]) {
    if (!(await ac.hasPermission(user, permission, resource))) {
      throw new UnauthorizedError(`User ${user} has no ${permission} permission on ${displayResource(resource)} or any of its parents`);
    }
  }
  if (!(await ac.store.role(stmt.role))) throw new InvalidRequestError(`Role ${stmt.role} doesn't exist`);
  if (stmt.kind === 'grant') await ac.store.grant(stmt.role, resource, permissions);
  else await ac.store.revoke(stmt.role, resource, permissions);
  ac.forgetGrants(stmt.role);
  return VOID;
}

async function listPermissions(ac: AccessControl, user: string, stmt: ListPermissions, sessionKeyspace: string | undefined): Promise<ResultEnvelope> {
  if (!ac.authorizing) throw new InvalidRequestError('LIST PERMISSIONS operation is not supported by AllowAllAuthorizer');
  // Cassandra's order: the resource and the role must exist, and only then is the caller's right to see them checked.
  let resources: ResourceName[] | undefined;
  if (stmt.resource) {
    const resource = resourceOf(stmt.resource, sessionKeyspace);
    requireResourceExists(ac, resource, '');
    resources = stmt.noRecursive ? [resource] : resourceChain(resource);
  }
  const of = stmt.of;
  if (of !== undefined && !(await ac.store.role(of))) throw new InvalidRequestError(`${of} doesn't exist`);
  // Only a superuser sees everyone's permissions; any other role names itself with OF.
  if (of !== user && !(await ac.isSuperuser(user))) {
    throw new UnauthorizedError(`You are not authorized to view ${of ?? 'everyone'}'s permissions`);
  }
  const wanted = stmt.permissions.kind === 'all' ? DATA_PERMISSIONS : [stmt.permissions.permission];
  const grants = of !== undefined ? await ac.store.permissionsOf(of) : await ac.store.allPermissions();
  const lines: [string, string, string, string][] = [];
  for (const row of grants) {
    if (resources && !resources.includes(row.resource)) continue;
    for (const p of DATA_PERMISSIONS) {
      if (wanted.includes(p) && row.permissions.includes(p)) lines.push([row.role, row.role, displayResource(row.resource), p]);
    }
  }
  lines.sort((a, b) => compare(a[0], b[0]) || compare(a[2], b[2]) || DATA_PERMISSIONS.indexOf(a[3] as PermissionName) - DATA_PERMISSIONS.indexOf(b[3] as PermissionName));
  const cols = ['role', 'username', 'resource', 'permission'].map((n) => column(ROLE_PERMISSIONS_TABLE, n, 'text'));
  return rows(cols, lines);
}

/** GRANT and REVOKE say `Resource <keyspace ks> doesn't exist`, LIST PERMISSIONS `<keyspace ks> doesn't exist`, as Cassandra does. */
function requireResourceExists(ac: AccessControl, resource: ResourceName, prefix: string): void {
  const { keyspace, table } = parseResource(resource);
  if (keyspace === undefined) return;
  const exists = table === undefined ? ac.catalog.keyspace(keyspace) !== undefined : ac.catalog.table(keyspace, table) !== undefined;
  if (!exists) throw new InvalidRequestError(`${prefix}${displayResource(resource)} doesn't exist`);
}

function column(table: string, name: string, type: string): ColumnSpec {
  return { keyspace: AUTH_KEYSPACE, table, name, type };
}

function rows(columns: ColumnSpec[], values: unknown[][]): ResultEnvelope {
  const types = columns.map((c) => parseTypeName(c.type));
  return {
    result: { kind: 'rows', columns, rows: values.map((row) => row.map((v, i) => serialize(types[i]!, v, columns[i]!.name))) },
    warnings: [],
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
