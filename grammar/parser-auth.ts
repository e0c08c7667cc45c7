/**
 * The role and permission statements of the CQL parser: CREATE/ALTER/DROP
 * ROLE (and their USER forms), LIST ROLES, GRANT, REVOKE and LIST
 * PERMISSIONS, with Cassandra's syntax. The statement layer (parser.ts) calls
 * the `*Tail` rules after it has consumed CREATE, ALTER or DROP.
 */
import { tokenMatcher, type IToken } from 'chevrotain';
import type { DataResourceAst, PermissionName, PermissionSpec, Property, Statement } from './ast.js';
import * as T from './lexer.js';
import { ClauseParser } from './parser-clauses.js';
import { identifierName } from './parser-terms.js';

const { K } = T;

export class AuthParser extends ClauseParser {
  /** A role name: an identifier (folded to lower case unless "quoted") or a 'string' (kept as written). */
  roleName = this.RULE('roleName', (): string => {
    const token = this.OR([
      { ALT: () => this.CONSUME(T.IdentLike) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
    return this.ACTION(() => roleNameOf(token));
  });

  /** `ROLE [IF NOT EXISTS] r [WITH options]` or `USER [IF NOT EXISTS] u [WITH PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]`, after CREATE. */
  createRoleTail = this.RULE('createRoleTail', (): Statement => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.ROLE);
          const ifNotExists = this.SUBRULE(this.authIfNotExists);
          const role = this.SUBRULE(this.roleName);
          let options: Property[] = [];
          this.OPTION(() => {
            this.CONSUME(K.WITH);
            options = this.SUBRULE(this.roleOptions);
          });
          return { kind: 'createRole', role, ifNotExists, options } as Statement;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.USER);
          const ifNotExists = this.SUBRULE2(this.authIfNotExists);
          const role = this.SUBRULE2(this.roleName);
          const options = this.SUBRULE(this.userOptions);
          return this.ACTION(() => ({ kind: 'createRole', role, ifNotExists, options: [...options, booleanProperty('login', true)] }) as Statement);
        },
      },
    ]);
  });

  /** `ROLE r WITH options` or `USER u [WITH PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]`, after ALTER. */
  alterRoleTail = this.RULE('alterRoleTail', (): Statement => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.ROLE);
          const role = this.SUBRULE(this.roleName);
          this.CONSUME(K.WITH);
          const options = this.SUBRULE(this.roleOptions);
          return { kind: 'alterRole', role, options } as Statement;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.USER);
          const role = this.SUBRULE2(this.roleName);
          const options = this.SUBRULE(this.userOptions);
          return { kind: 'alterRole', role, options } as Statement;
        },
      },
    ]);
  });

  /** `ROLE [IF EXISTS] r` or `USER [IF EXISTS] u`, after DROP. */
  dropRoleTail = this.RULE('dropRoleTail', (): Statement => {
    this.OR([{ ALT: () => this.CONSUME(K.ROLE) }, { ALT: () => this.CONSUME(K.USER) }]);
    let ifExists = false;
    this.OPTION(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.EXISTS);
      ifExists = true;
    });
    const role = this.SUBRULE(this.roleName);
    return { kind: 'dropRole', role, ifExists };
  });

  authIfNotExists = this.RULE('authIfNotExists', (): boolean => {
    let present = false;
    this.OPTION(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.NOT);
      this.CONSUME(K.EXISTS);
      present = true;
    });
    return present;
  });

  /** `PASSWORD = 'p' AND LOGIN = true AND SUPERUSER = false`: checked by name and type where the statement runs. */
  roleOptions = this.RULE('roleOptions', (): Property[] => {
    const list: Property[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: K.AND, DEF: () => list.push(this.SUBRULE(this.property)) });
    return list;
  });

  /** CREATE/ALTER USER's older syntax: `[WITH PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]`. */
  userOptions = this.RULE('userOptions', (): Property[] => {
    const list: Property[] = [];
    this.OPTION(() => {
      this.CONSUME(K.WITH);
      this.CONSUME(K.PASSWORD);
      const value = this.SUBRULE(this.term);
      list.push({ name: 'password', value });
    });
    this.OPTION2(() => {
      this.OR([
        { ALT: () => (this.CONSUME(K.SUPERUSER), list.push(booleanProperty('superuser', true))) },
        { ALT: () => (this.CONSUME(K.NOSUPERUSER), list.push(booleanProperty('superuser', false))) },
      ]);
    });
    return list;
  });

  /** `ALL [PERMISSIONS]`, `PERMISSIONS` (LIST only) or one permission `[PERMISSION]`. */
  permissionOrAll = this.RULE('permissionOrAll', (): PermissionSpec => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.ALL);
          this.OPTION(() => this.CONSUME(K.PERMISSIONS));
          return { kind: 'all' } as PermissionSpec;
        },
      },
      {
        ALT: () => {
          const permission = this.SUBRULE(this.permission);
          this.OPTION2(() => this.CONSUME(K.PERMISSION));
          return { kind: 'one', permission } as PermissionSpec;
        },
      },
    ]);
  });

  permission = this.RULE('permission', (): PermissionName => {
    const token = this.OR([
      { ALT: () => this.CONSUME(K.CREATE) },
      { ALT: () => this.CONSUME(K.ALTER) },
      { ALT: () => this.CONSUME(K.DROP) },
      { ALT: () => this.CONSUME(K.SELECT) },
      { ALT: () => this.CONSUME(K.MODIFY) },
      { ALT: () => this.CONSUME(K.AUTHORIZE) },
    ]);
    return this.ACTION(() => token.image.toUpperCase() as PermissionName);
  });

  /** `ALL KEYSPACES`, `KEYSPACE ks`, `TABLE [ks.]t` or `[ks.]t`. */
  dataResource = this.RULE('dataResource', (): DataResourceAst => {
    return this.OR([
      {
        // `ON all TO r` grants on a table named "all": the words are keywords only when KEYSPACES follows.
        GATE: () => tokenMatcher(this.LA(2), K.KEYSPACES),
        ALT: () => {
          this.CONSUME(K.ALL);
          this.CONSUME(K.KEYSPACES);
          return { kind: 'allKeyspaces' } as DataResourceAst;
        },
      },
      {
        GATE: () => tokenMatcher(this.LA(2), T.IdentLike) && !tokenMatcher(this.LA(3), T.Dot),
        ALT: () => {
          this.CONSUME(K.KEYSPACE);
          const keyspace = this.SUBRULE(this.ident);
          return { kind: 'keyspace', keyspace } as DataResourceAst;
        },
      },
      {
        GATE: () => tokenMatcher(this.LA(2), T.IdentLike),
        ALT: () => {
          this.CONSUME(K.TABLE);
          const table = this.SUBRULE(this.qualifiedName);
          return { kind: 'table', table } as DataResourceAst;
        },
      },
      { ALT: () => ({ kind: 'table', table: this.SUBRULE2(this.qualifiedName) }) as DataResourceAst },
    ]);
  });

  grantStatement = this.RULE('grantStatement', (): Statement => {
    this.CONSUME(K.GRANT);
    const permissions = this.SUBRULE(this.permissionOrAll);
    this.CONSUME(K.ON);
    const resource = this.SUBRULE(this.dataResource);
    this.CONSUME(K.TO);
    const role = this.SUBRULE(this.roleName);
    return { kind: 'grant', permissions, resource, role };
  });

  revokeStatement = this.RULE('revokeStatement', (): Statement => {
    this.CONSUME(K.REVOKE);
    const permissions = this.SUBRULE(this.permissionOrAll);
    this.CONSUME(K.ON);
    const resource = this.SUBRULE(this.dataResource);
    this.CONSUME(K.FROM);
    const role = this.SUBRULE(this.roleName);
    return { kind: 'revoke', permissions, resource, role };
  });

  /** LIST ROLES [OF r] [NORECURSIVE], LIST USERS, and LIST … PERMISSIONS [ON resource] [OF r] [NORECURSIVE]. */
  listStatement = this.RULE('listStatement', (): Statement => {
    this.CONSUME(K.LIST);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.ROLES);
          let of: string | undefined;
          this.OPTION(() => {
            this.CONSUME(K.OF);
            of = this.SUBRULE(this.roleName);
          });
          // Cassandra's scripts may say NORECURSIVE; roles are not granted to roles here, so a role's roles are itself either way.
          this.OPTION5(() => this.CONSUME2(K.NORECURSIVE));
          return { kind: 'listRoles', usersOnly: false, ...(of !== undefined ? { of } : {}) } as Statement;
        },
      },
      { ALT: () => (this.CONSUME(K.USERS), { kind: 'listRoles', usersOnly: true } as Statement) },
      {
        ALT: () => {
          const permissions = this.OR2([
            { ALT: () => (this.CONSUME(K.PERMISSIONS), { kind: 'all' } as PermissionSpec) },
            { ALT: () => this.SUBRULE(this.permissionOrAll) },
          ]);
          let resource: DataResourceAst | undefined;
          let of: string | undefined;
          let noRecursive = false;
          this.OPTION2(() => {
            this.CONSUME(K.ON);
            resource = this.SUBRULE(this.dataResource);
          });
          this.OPTION3(() => {
            this.CONSUME2(K.OF);
            of = this.SUBRULE2(this.roleName);
          });
          this.OPTION4(() => {
            this.CONSUME(K.NORECURSIVE);
            noRecursive = true;
          });
          return {
            kind: 'listPermissions',
            permissions,
            noRecursive,
            ...(resource !== undefined ? { resource } : {}),
            ...(of !== undefined ? { of } : {}),
          } as Statement;
        },
      },
    ]);
  });
}

function roleNameOf(token: IToken): string {
  if (token.tokenType === T.StringLiteral) return token.image.slice(1, -1).replace(/''/g, "'");
  return identifierName(token);
}

function booleanProperty(name: string, value: boolean): Property {
  return { name, value: { kind: 'constant', type: 'BOOLEAN', text: String(value) } };
}
