/**
 * The typed AST the parser produces. It records what was written, not what it
 * means: literals keep their source text and literal kind, so the layer that
 * knows column types (src/cql) can convert them and word its errors the way
 * Cassandra does ("Invalid STRING constant (abc) for "age" of type int").
 *
 * Identifiers: unquoted ones are folded to lower case; "quoted" ones keep
 * their case (with "" unescaped to "). Keywords are case-insensitive.
 */

/** A name with an optional keyspace: `t` or `ks.t`. */
export interface QualifiedName {
  keyspace?: string;
  name: string;
}

/** The kinds of constant a literal can be written as (Cassandra's names). */
export type ConstantType = 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'UUID' | 'HEX' | 'DURATION';

export type Term =
  /** `'it''s'` → text `it's`; `-12` → text `-12`; `0xCAFE` → text `0xCAFE`; `true` → text `true`; `NaN`, `-Infinity` are FLOAT. */
  | { kind: 'constant'; type: ConstantType; text: string }
  | { kind: 'null' }
  /** `?` (name absent) or `:name`. `index` counts bind markers of the statement from 0, in source order. */
  | { kind: 'bind'; index: number; name?: string }
  | { kind: 'list'; elements: Term[] }
  | { kind: 'set'; elements: Term[] }
  /** `{}` parses as an empty map; a set column accepts it as an empty set. */
  | { kind: 'map'; entries: [Term, Term][] }
  /** `now()`, `uuid()`, `toTimestamp(now())`, `currentTimestamp()` … */
  | { kind: 'function'; name: string; args: Term[] };

/** A CQL type as written in DDL. Native names are lower-cased (`varchar` stays `varchar`). */
export type TypeAst =
  | { kind: 'native'; name: string }
  | { kind: 'set'; element: TypeAst; frozen: boolean }
  | { kind: 'list'; element: TypeAst; frozen: boolean }
  | { kind: 'map'; key: TypeAst; value: TypeAst; frozen: boolean };

export type ConsistencyName =
  | 'ANY'
  | 'ONE'
  | 'TWO'
  | 'THREE'
  | 'QUORUM'
  | 'ALL'
  | 'LOCAL_ONE'
  | 'LOCAL_QUORUM'
  | 'EACH_QUORUM'
  | 'SERIAL'
  | 'LOCAL_SERIAL';

/** `USING TTL t AND TIMESTAMP ts AND CONSISTENCY cl`, each optional, any order. */
export interface UsingClause {
  ttl?: Term;
  timestamp?: Term;
  consistency?: ConsistencyName;
}

/** `name = value` in a WITH clause. `replication = {...}` is a map Term. */
export interface Property {
  name: string;
  value: Term;
}

export type CompareOp = '=' | '<' | '<=' | '>' | '>=' | '!=';

export type Relation =
  | { kind: 'compare'; column: string; op: CompareOp; value: Term }
  /** `c IN (a, b)` has `values`; `c IN ?` has a single bind Term in `marker`. */
  | { kind: 'in'; column: string; values: Term[]; marker?: Term }
  | { kind: 'token'; columns: string[]; op: CompareOp; value: Term }
  /** `(ck1, ck2) > (1, 2)`; `(ck1, ck2) IN ((1, 2), (3, 4))` uses op 'IN' with `tuples`. */
  | { kind: 'tuple'; columns: string[]; op: CompareOp; values: Term[] }
  | { kind: 'tupleIn'; columns: string[]; tuples: Term[][] }
  | { kind: 'contains'; column: string; key: boolean; value: Term };

export type SelectorExpr =
  | { kind: 'column'; name: string }
  /** `COUNT(*)` or `COUNT(1)`. */
  | { kind: 'count' }
  | { kind: 'writetime'; column: string }
  | { kind: 'ttl'; column: string }
  | { kind: 'token'; columns: string[] };

export interface Selector {
  expr: SelectorExpr;
  alias?: string;
}

export interface Ordering {
  column: string;
  order: 'ASC' | 'DESC';
}

export interface CreateKeyspace {
  kind: 'createKeyspace';
  keyspace: string;
  ifNotExists: boolean;
  properties: Property[];
}

export interface AlterKeyspace {
  kind: 'alterKeyspace';
  keyspace: string;
  properties: Property[];
}

export interface DropKeyspace {
  kind: 'dropKeyspace';
  keyspace: string;
  ifExists: boolean;
}

export interface Use {
  kind: 'use';
  keyspace: string;
}

export interface ColumnDefinition {
  name: string;
  type: TypeAst;
  isStatic: boolean;
}

export interface CreateTable {
  kind: 'createTable';
  table: QualifiedName;
  ifNotExists: boolean;
  columns: ColumnDefinition[];
  /** From `col type PRIMARY KEY` or `PRIMARY KEY ((pk1, pk2), ck1)`; the parser fills both forms in. */
  partitionKey: string[];
  clusteringKey: string[];
  clusteringOrder: Ordering[];
  properties: Property[];
}

export type AlterTableAction =
  /** `ADD [IF NOT EXISTS] …`: with ifNotExists, a column that already exists is skipped instead of refused. */
  | { kind: 'add'; columns: ColumnDefinition[]; ifNotExists?: boolean }
  /** `DROP [IF EXISTS] …`: with ifExists, a column that does not exist is skipped instead of refused. */
  | { kind: 'drop'; columns: string[]; ifExists?: boolean }
  | { kind: 'with'; properties: Property[] };

export interface AlterTable {
  kind: 'alterTable';
  table: QualifiedName;
  action: AlterTableAction;
  /** `ALTER TABLE IF EXISTS`: a missing table makes the statement do nothing. */
  ifExists?: boolean;
}

export interface DropTable {
  kind: 'dropTable';
  table: QualifiedName;
  ifExists: boolean;
}

export interface Truncate {
  kind: 'truncate';
  table: QualifiedName;
}

export interface Insert {
  kind: 'insert';
  table: QualifiedName;
  columns: string[];
  values: Term[];
  ifNotExists: boolean;
  using: UsingClause;
}

export type Assignment =
  /** `c = v` */
  | { kind: 'set'; column: string; value: Term }
  /** `c = c + v` (set union, list append, map put) */
  | { kind: 'append'; column: string; value: Term }
  /** `c = v + c` (list prepend) */
  | { kind: 'prepend'; column: string; value: Term }
  /** `c = c - v` (set/list removal, map key removal) */
  | { kind: 'remove'; column: string; value: Term }
  /** `m[k] = v`, `l[i] = v` */
  | { kind: 'setElement'; column: string; key: Term; value: Term };

export interface Update {
  kind: 'update';
  table: QualifiedName;
  using: UsingClause;
  assignments: Assignment[];
  where: Relation[];
  ifExists: boolean;
}

/** `DELETE c, m[k] FROM …`: `element` is set for `m[k]` / `l[i]`. */
export interface DeleteSelection {
  column: string;
  element?: Term;
}

export interface Delete {
  kind: 'delete';
  table: QualifiedName;
  /** Empty for `DELETE FROM …` (whole rows, a range, or the partition). */
  selections: DeleteSelection[];
  using: UsingClause;
  where: Relation[];
  ifExists: boolean;
}

export interface Select {
  kind: 'select';
  table: QualifiedName;
  distinct: boolean;
  /** `'*'` for `SELECT *`. */
  selectors: Selector[] | '*';
  where: Relation[];
  orderBy: Ordering[];
  perPartitionLimit?: Term;
  limit?: Term;
  allowFiltering: boolean;
  using: UsingClause;
}

export type ModificationStatement = Insert | Update | Delete;

export interface Batch {
  kind: 'batch';
  type: 'LOGGED' | 'UNLOGGED' | 'COUNTER';
  /** `BEGIN BATCH USING TIMESTAMP t AND CONSISTENCY cl` */
  using: UsingClause;
  statements: ModificationStatement[];
}

/** The permissions GRANT and REVOKE name, as Cassandra spells them. */
export type PermissionName = 'CREATE' | 'ALTER' | 'DROP' | 'SELECT' | 'MODIFY' | 'AUTHORIZE';

/** `ALL PERMISSIONS` or a single permission. */
export type PermissionSpec = { kind: 'all' } | { kind: 'one'; permission: PermissionName };

/** What a permission is granted on: `ALL KEYSPACES`, `KEYSPACE ks` or `[TABLE] [ks.]t`. */
export type DataResourceAst =
  | { kind: 'allKeyspaces' }
  | { kind: 'keyspace'; keyspace: string }
  | { kind: 'table'; table: QualifiedName };

/**
 * `CREATE ROLE [IF NOT EXISTS] r [WITH PASSWORD = 'p' AND LOGIN = true AND SUPERUSER = false]`.
 * `CREATE USER u WITH PASSWORD 'p' [SUPERUSER | NOSUPERUSER]` parses to the same shape with a
 * LOGIN = true option added, as Cassandra treats a user as a role that can log in.
 * Role names: unquoted ones are folded to lower case; 'quoted' and "quoted" ones keep their case.
 */
export interface CreateRole {
  kind: 'createRole';
  role: string;
  ifNotExists: boolean;
  options: Property[];
}

/** `ALTER ROLE r WITH PASSWORD = 'p' AND LOGIN = … AND SUPERUSER = …` (and ALTER USER). */
export interface AlterRole {
  kind: 'alterRole';
  role: string;
  options: Property[];
}

export interface DropRole {
  kind: 'dropRole';
  role: string;
  ifExists: boolean;
}

/** `LIST ROLES [OF r]` (and LIST USERS, which lists only roles that can log in). */
export interface ListRoles {
  kind: 'listRoles';
  of?: string;
  usersOnly: boolean;
}

/** `GRANT perm ON resource TO r`. */
export interface Grant {
  kind: 'grant';
  permissions: PermissionSpec;
  resource: DataResourceAst;
  role: string;
}

/** `REVOKE perm ON resource FROM r`. */
export interface Revoke {
  kind: 'revoke';
  permissions: PermissionSpec;
  resource: DataResourceAst;
  role: string;
}

/** `LIST ALL [PERMISSIONS] | LIST perm [PERMISSION] [ON resource] [OF r] [NORECURSIVE]`. */
export interface ListPermissions {
  kind: 'listPermissions';
  permissions: PermissionSpec;
  resource?: DataResourceAst;
  of?: string;
  /** NORECURSIVE: only grants on the resource itself, not on its parents. */
  noRecursive: boolean;
}

export type Statement =
  | CreateKeyspace
  | AlterKeyspace
  | DropKeyspace
  | Use
  | CreateTable
  | AlterTable
  | DropTable
  | Truncate
  | Insert
  | Update
  | Delete
  | Select
  | Batch
  | CreateRole
  | AlterRole
  | DropRole
  | ListRoles
  | Grant
  | Revoke
  | ListPermissions;

/** A parsed statement plus what binding it needs. */
export interface ParsedStatement {
  statement: Statement;
  /** One entry per bind marker in source order: its name for `:name`, undefined for `?`. */
  bindMarkers: (string | undefined)[];
}
