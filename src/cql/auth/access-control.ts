/**
 * Authentication and authorization on one node, as Cassandra's
 * PasswordAuthenticator and CassandraAuthorizer do them:
 *
 * - authenticate(): the role must exist, be allowed to log in and have a
 *   password whose scrypt hash matches; every failure reads the same
 *   ("Provided username … and/or password are incorrect"), and an unknown
 *   role costs as much time as a wrong password.
 * - authorize(): each data statement needs its permission (see
 *   statement-permissions.ts) on its table or a parent; superusers need none;
 *   system and system_schema are readable by every logged-in role; system_auth
 *   changes only through role statements.
 * - Roles and grants are read from system_auth through RoleStore and cached
 *   for roles_validity and permissions_validity milliseconds, so a request
 *   does not read storage; changes made on this node drop its cache at once,
 *   changes made elsewhere are seen when the cached entry expires.
 *
 * Role statements themselves (CREATE ROLE, GRANT, …) are in role-statements.ts.
 */
import type { PermissionName, Statement } from '../../../grammar/ast.js';
import type { Clock } from '../../clock/clock.js';
import { AuthenticationError, UnauthorizedError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import type { Settings } from '../../util/settings.js';
import type { Session } from '../processor.js';
import type { ResultEnvelope } from '../result.js';
import type { SchemaCatalog } from '../schema-catalog.js';
import { cryptoRandom, type RandomSource } from '../timeuuid.js';
import { hashPassword, SALT_BYTES, verifyPassword } from './password.js';
import { applicablePermissions, isGranted, isWithin, missingPermissionMessage, type Grants, type ResourceName } from './resources.js';
import { executeRoleStatement, type RoleStatement } from './role-statements.js';
import type { RoleRecord, RoleStore } from './role-store.js';
import { isReadableSystemResource, protectedAuthChange, requiredPermissions } from './statement-permissions.js';

export interface AccessControlOptions {
  settings: Settings;
  clock: Clock;
  store: RoleStore;
  catalog: SchemaCatalog;
  log?: Logger;
  random?: RandomSource;
}

interface Cached<T> {
  value: T;
  expiresAtMs: number;
}

/** What the client protocol server asks of authentication. */
export interface ClientAuthenticator {
  /** Whether clients must log in before any request (PasswordAuthenticator). */
  readonly required: boolean;
  /** The authenticator's name, sent to the client in AUTHENTICATE. */
  readonly name: string;
  /** Resolves to the role logged in as, or rejects with AuthenticationError. */
  authenticate(username: string, password: string): Promise<string>;
  /** Rejects unless the session's role is a superuser (sibyltool's commands, when authentication is on). */
  requireAdmin(session: Session): Promise<void>;
}

export class AccessControl implements ClientAuthenticator {
  readonly required: boolean;
  readonly name: string;
  /** Whether CassandraAuthorizer checks permissions (else every logged-in role may do everything). */
  readonly authorizing: boolean;
  private readonly roleCache = new Map<string, Cached<RoleRecord | undefined>>();
  private readonly grantCache = new Map<string, Cached<Grants>>();
  private readonly random: RandomSource;
  /** Hashed once, on first use: unknown roles are checked against it so they take as long as known ones. */
  private decoyHash: Promise<string> | undefined;

  constructor(private readonly opts: AccessControlOptions) {
    this.required = opts.settings.authenticator === 'PasswordAuthenticator';
    this.name = opts.settings.authenticator;
    this.authorizing = opts.settings.authorizer === 'CassandraAuthorizer';
    this.random = opts.random ?? cryptoRandom;
  }

  get store(): RoleStore {
    return this.opts.store;
  }

  get catalog(): SchemaCatalog {
    return this.opts.catalog;
  }

  async authenticate(username: string, password: string): Promise<string> {
    const role = await this.role(username);
    const hash = role?.saltedHash ?? (await (this.decoyHash ??= this.hash('not a password')));
    const matches = await verifyPassword(password, hash);
    if (!role || role.saltedHash === undefined || !matches) {
      throw new AuthenticationError(`Provided username ${username} and/or password are incorrect`);
    }
    if (!role.login) throw new AuthenticationError(`${username} is not permitted to log in`);
    return role.name;
  }

  async requireAdmin(session: Session): Promise<void> {
    if (!this.required) return;
    const user = this.loggedIn(session);
    if (!(await this.isSuperuser(user))) throw new UnauthorizedError(`User ${user} is not a superuser: only superusers may run sibyltool commands`);
  }

  /** Throws UnauthorizedError unless the session may run `stmt`. */
  async authorize(session: Session, stmt: Statement, sessionKeyspace: string | undefined): Promise<void> {
    if (!this.required && !this.authorizing) return;
    const required = requiredPermissions(stmt, sessionKeyspace);
    const protectedReason = protectedAuthChange(required);
    if (protectedReason !== undefined) throw new UnauthorizedError(protectedReason);
    if (!this.authorizing || required.length === 0) return;
    const user = this.loggedIn(session);
    if (await this.isSuperuser(user)) return;
    const grants = await this.grantsOf(user);
    for (const r of required) {
      if (isReadableSystemResource(r)) continue;
      if (!isGranted(grants, r.permission, r.resource)) throw new UnauthorizedError(missingPermissionMessage(user, r.permission, r.resource));
    }
  }

  /** Runs a role or permission statement for the session. */
  execute(session: Session, stmt: RoleStatement, sessionKeyspace: string | undefined): Promise<ResultEnvelope> {
    return executeRoleStatement(this, session, stmt, sessionKeyspace);
  }

  /** As Cassandra does, the role that creates a keyspace or table gets every permission on it. */
  async onCreated(session: Session, resource: ResourceName): Promise<void> {
    if (!this.authorizing || session.user === undefined) return;
    await this.opts.store.grant(session.user, resource, [...applicablePermissions(resource)]);
    this.forgetGrants(session.user);
  }

  /** Drops every grant on a dropped keyspace (and its tables) or table, so a new one of the same name starts with none. */
  async onDropped(resource: ResourceName): Promise<void> {
    if (!this.authorizing) return;
    for (const row of await this.opts.store.allPermissions()) {
      if (!isWithin(row.resource, resource)) continue;
      await this.opts.store.revokeAll(row.role, row.resource);
      this.forgetGrants(row.role);
    }
  }

  /** The session's role; Unauthorized when it has not logged in. */
  loggedIn(session: Session): string {
    if (session.user === undefined) {
      throw new UnauthorizedError(this.required ? 'You have not logged in' : 'You have to be logged in and not anonymous to perform this request');
    }
    return session.user;
  }

  async isSuperuser(name: string): Promise<boolean> {
    return (await this.role(name))?.superuser === true;
  }

  /** Whether the role may do `permission` on `resource` (superusers may do anything). */
  async hasPermission(name: string, permission: PermissionName, resource: ResourceName): Promise<boolean> {
    if (await this.isSuperuser(name)) return true;
    return isGranted(await this.grantsOf(name), permission, resource);
  }

  /** A role as this node last read it, at most roles_validity old. */
  async role(name: string): Promise<RoleRecord | undefined> {
    return this.cached(this.roleCache, name, this.opts.settings.roles_validity, () => this.opts.store.role(name));
  }

  async grantsOf(name: string): Promise<Grants> {
    return this.cached(this.grantCache, name, this.opts.settings.permissions_validity, async () => {
      const grants = new Map<ResourceName, Set<PermissionName>>();
      for (const row of await this.opts.store.permissionsOf(name)) grants.set(row.resource, new Set(row.permissions));
      return grants;
    });
  }

  forgetRole(name: string): void {
    this.roleCache.delete(name);
    this.grantCache.delete(name);
  }

  forgetGrants(name: string): void {
    this.grantCache.delete(name);
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.random.bytes(SALT_BYTES));
  }

  private async cached<T>(cache: Map<string, Cached<T>>, key: string, validityMs: number, load: () => Promise<T>): Promise<T> {
    const nowMs = this.opts.clock.nowMs();
    const hit = cache.get(key);
    if (hit && hit.expiresAtMs > nowMs) return hit.value;
    const value = await load();
    if (validityMs > 0) cache.set(key, { value, expiresAtMs: nowMs + validityMs });
    return value;
  }
}
