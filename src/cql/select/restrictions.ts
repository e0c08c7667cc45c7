/**
 * Turns a SELECT's WHERE clause into bound, validated restrictions grouped by
 * what they restrict: single columns, clustering tuples, or the token. Term
 * binding happens here, so everything downstream works on serialized bytes.
 * The wording of every error follows Cassandra's.
 */
import type { Relation, Term } from '../../../grammar/ast.js';
import type { CqlType } from '../../schema/cql-type.js';
import { formatType, isMultiCell } from '../../schema/cql-type.js';
import type { ColumnMetadata, TableMetadata } from '../../schema/table.js';
import { column as findColumn, partitionKeyColumns, serializePartitionKey } from '../../schema/table.js';
import { murmur3Token } from '../../ring/murmur3.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { Settings } from '../../util/settings.js';
import { parseCollection } from '../collection-format.js';
import { bindTerm, type TermContext } from '../terms.js';

export interface ValueBound {
  value: Buffer;
  inclusive: boolean;
}

/** Everything one column is restricted by. `eq`, `in` and the bounds are exclusive of one another. */
export interface ColumnRestriction {
  column: ColumnMetadata;
  eq?: Buffer;
  /** Deduplicated, in the order written. */
  in?: Buffer[];
  lower?: ValueBound;
  upper?: ValueBound;
  notEqual: Buffer[];
  contains: Buffer[];
  containsKey: Buffer[];
}

/** A multi-column relation on clustering columns: `(c1, c2) = / IN / > …`. */
export type TupleRestriction =
  | { kind: 'in'; columns: ColumnMetadata[]; tuples: Buffer[][] }
  | { kind: 'slice'; columns: ColumnMetadata[]; op: '<' | '<=' | '>' | '>='; tuple: Buffer[] };

export interface TokenBound {
  token: bigint;
  inclusive: boolean;
}

export interface TokenRestriction {
  lower?: TokenBound;
  upper?: TokenBound;
}

export interface Restrictions {
  /** Keyed by column name, in the order first restricted. */
  columns: Map<string, ColumnRestriction>;
  tuples: TupleRestriction[];
  token?: TokenRestriction;
}

const BIGINT: CqlType = { kind: 'native', name: 'bigint' };

export function undefinedColumn(name: string): InvalidRequestError {
  return new InvalidRequestError(`Undefined column name ${name}`);
}

export function requireColumn(table: TableMetadata, name: string): ColumnMetadata {
  const col = findColumn(table, name);
  if (!col) throw undefinedColumn(name);
  return col;
}

/** Binds a WHERE value; null and unset are refused as Cassandra refuses them. */
function bindValue(term: Term, type: CqlType, columnName: string, ctx: TermContext): Buffer {
  const bytes = bindTerm(term, type, columnName, ctx);
  if (bytes === null) throw new InvalidRequestError(`Invalid null value in condition for column ${columnName}`);
  if (bytes === undefined) throw new InvalidRequestError(`Invalid unset value for column ${columnName}`);
  return bytes;
}

function dedupe(values: Buffer[]): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (const v of values) {
    const hex = v.toString('hex');
    if (seen.has(hex)) continue;
    seen.add(hex);
    out.push(v);
  }
  return out;
}

function checkInCount(count: number, what: string, settings: Settings): void {
  if (count > settings.max_in_values) {
    throw new InvalidRequestError(
      `IN relation on ${what} has ${count} values, more than max_in_values (${settings.max_in_values})`,
    );
  }
}

function emptyRestriction(column: ColumnMetadata): ColumnRestriction {
  return { column, notEqual: [], contains: [], containsKey: [] };
}

/** Cassandra's merge rules for two relations on one column. */
function mergeEq(r: ColumnRestriction, value: Buffer): void {
  const name = r.column.name;
  if (r.eq || r.in) throw new InvalidRequestError(`${name} cannot be restricted by more than one relation if it includes an Equal`);
  if (r.lower || r.upper) throw new InvalidRequestError(`Column "${name}" cannot be restricted by both an equality and an inequality relation`);
  r.eq = value;
}

function mergeIn(r: ColumnRestriction, values: Buffer[]): void {
  const name = r.column.name;
  if (r.eq) throw new InvalidRequestError(`${name} cannot be restricted by more than one relation if it includes an Equal`);
  if (r.in || r.lower || r.upper) throw new InvalidRequestError(`${name} cannot be restricted by more than one relation if it includes a IN`);
  r.in = dedupe(values);
}

function mergeSlice(r: ColumnRestriction, op: '<' | '<=' | '>' | '>=', value: Buffer): void {
  const name = r.column.name;
  if (r.eq) throw new InvalidRequestError(`Column "${name}" cannot be restricted by both an equality and an inequality relation`);
  if (r.in) throw new InvalidRequestError(`${name} cannot be restricted by more than one relation if it includes a IN`);
  const inclusive = op === '<=' || op === '>=';
  if (op === '>' || op === '>=') {
    if (r.lower) throw new InvalidRequestError(`More than one restriction was found for the start bound on ${name}`);
    r.lower = { value, inclusive };
  } else {
    if (r.upper) throw new InvalidRequestError(`More than one restriction was found for the end bound on ${name}`);
    r.upper = { value, inclusive };
  }
}

/** The element type CONTAINS compares against, or the key type for CONTAINS KEY. */
function containsType(col: ColumnMetadata, key: boolean): CqlType {
  const t = col.type;
  if (key) {
    if (t.kind !== 'map') throw new InvalidRequestError(`Cannot use CONTAINS KEY on non-map column ${col.name}`);
    return t.key;
  }
  if (t.kind === 'native') throw new InvalidRequestError(`Cannot use CONTAINS on non-collection column ${col.name}`);
  return t.kind === 'map' ? t.value : t.element;
}

function tokenRestriction(
  table: TableMetadata,
  rel: Extract<Relation, { kind: 'token' }>,
  existing: TokenRestriction | undefined,
  pkNames: string[],
  ctx: TermContext,
): TokenRestriction {
  for (const name of rel.columns) requireColumn(table, name);
  if (rel.columns.length !== pkNames.length || rel.columns.some((c, i) => c !== pkNames[i])) {
    throw new InvalidRequestError(`The token function arguments must be in the partition key order: ${pkNames.join(', ')}`);
  }
  if (rel.op === '!=') throw new InvalidRequestError(`Unsupported "!=" relation: token(${rel.columns.join(', ')}) != ...`);
  const token = boundToken(table, rel.value, ctx);
  const out: TokenRestriction = { ...existing };
  const setLower = (b: TokenBound) => {
    if (out.lower) throw new InvalidRequestError('More than one restriction was found for the start bound on token');
    out.lower = b;
  };
  const setUpper = (b: TokenBound) => {
    if (out.upper) throw new InvalidRequestError('More than one restriction was found for the end bound on token');
    out.upper = b;
  };
  if (rel.op === '=') {
    if (out.lower || out.upper) {
      throw new InvalidRequestError('Columns "token" cannot be restricted by both an equality and an inequality relation');
    }
    setLower({ token, inclusive: true });
    setUpper({ token, inclusive: true });
  } else if (rel.op === '>' || rel.op === '>=') {
    setLower({ token, inclusive: rel.op === '>=' });
  } else {
    setUpper({ token, inclusive: rel.op === '<=' });
  }
  return out;
}

/**
 * The token a token relation compares against: a bigint term, or
 * `token(v1, v2, …)` of partition key values, hashed as the partition key
 * they would form (so `token(k) > token(42)` starts right after key 42).
 */
function boundToken(table: TableMetadata, value: Term, ctx: TermContext): bigint {
  if (value.kind !== 'function' || value.name.toLowerCase() !== 'token') {
    return bindValue(value, BIGINT, 'partition key token', ctx).readBigInt64BE(0);
  }
  const pk = partitionKeyColumns(table);
  if (value.args.length !== pk.length) {
    throw new InvalidRequestError(
      `Invalid number of arguments in call to function system.token: ${pk.length} required but ${value.args.length} provided`,
    );
  }
  const components = value.args.map((arg, i) => bindValue(arg, pk[i]!.type, pk[i]!.name, ctx));
  return murmur3Token(serializePartitionKey(components));
}

/** Binds a multi-column relation on clustering columns; UPDATE and DELETE share it with SELECT. */
export function tupleRestriction(
  table: TableMetadata,
  rel: Extract<Relation, { kind: 'tuple' | 'tupleIn' }>,
  ctx: TermContext,
  settings: Settings,
): TupleRestriction {
  const columns = rel.columns.map((n) => requireColumn(table, n));
  for (const col of columns) {
    if (col.kind !== 'clustering') {
      throw new InvalidRequestError(`Multi-column relations can only be applied to clustering columns but was applied to: ${col.name}`);
    }
  }
  for (let i = 1; i < columns.length; i++) {
    if (columns.indexOf(columns[i]!) !== i) {
      throw new InvalidRequestError(`Column "${columns[i]!.name}" appeared twice in a relation: (${rel.columns.join(', ')})`);
    }
    if (columns[i]!.position !== columns[i - 1]!.position + 1) {
      throw new InvalidRequestError(
        `Clustering columns must appear in the PRIMARY KEY order in multi-column relations: (${rel.columns.join(', ')})`,
      );
    }
  }
  const names = `(${rel.columns.join(', ')})`;
  const bindTuple = (terms: Term[]): Buffer[] => {
    if (terms.length !== columns.length) {
      throw new InvalidRequestError(`Expected ${columns.length} elements in value tuple, but got ${terms.length}: ${names}`);
    }
    return terms.map((t, i) => bindValue(t, columns[i]!.type, columns[i]!.name, ctx));
  };
  if (rel.kind === 'tupleIn') {
    checkInCount(rel.tuples.length, names, settings);
    const seen = new Set<string>();
    const tuples: Buffer[][] = [];
    for (const t of rel.tuples.map(bindTuple)) {
      const hex = t.map((b) => b.toString('hex')).join(':');
      if (!seen.has(hex)) tuples.push(t);
      seen.add(hex);
    }
    return { kind: 'in', columns, tuples };
  }
  const tuple = bindTuple(rel.values);
  if (rel.op === '!=') throw new InvalidRequestError(`Unsupported "!=" relation: ${names} != ...`);
  if (rel.op === '=') return { kind: 'in', columns, tuples: [tuple] };
  return { kind: 'slice', columns, op: rel.op, tuple };
}

/** Binds and groups the WHERE clause. Throws InvalidRequestError on anything Cassandra refuses outright. */
export function bindRestrictions(
  table: TableMetadata,
  where: Relation[],
  ctx: TermContext,
  settings: Settings,
): Restrictions {
  const out: Restrictions = { columns: new Map(), tuples: [] };
  const pkNames = table.columns
    .filter((c) => c.kind === 'partition_key')
    .sort((a, b) => a.position - b.position)
    .map((c) => c.name);
  const restrictionOf = (col: ColumnMetadata) => {
    let r = out.columns.get(col.name);
    if (!r) out.columns.set(col.name, (r = emptyRestriction(col)));
    return r;
  };
  for (const rel of where) {
    switch (rel.kind) {
      case 'token':
        out.token = tokenRestriction(table, rel, out.token, pkNames, ctx);
        break;
      case 'tuple':
      case 'tupleIn':
        out.tuples.push(tupleRestriction(table, rel, ctx, settings));
        break;
      case 'contains': {
        const col = requireColumn(table, rel.column);
        const value = bindValue(rel.value, containsType(col, rel.key), col.name, ctx);
        (rel.key ? restrictionOf(col).containsKey : restrictionOf(col).contains).push(value);
        break;
      }
      case 'in': {
        const col = requireColumn(table, rel.column);
        if (isMultiCell(col.type)) {
          throw new InvalidRequestError(`Collection column '${col.name}' (${formatType(col.type)}) cannot be restricted by a 'IN' relation`);
        }
        let values: Buffer[];
        if (rel.marker) {
          const listType: CqlType = { kind: 'list', element: col.type, frozen: true };
          const bytes = bindValue(rel.marker, listType, col.name, ctx);
          values = parseCollection(bytes, 1, col.name);
        } else {
          values = rel.values.map((t) => bindValue(t, col.type, col.name, ctx));
        }
        checkInCount(values.length, col.name, settings);
        mergeIn(restrictionOf(col), values);
        break;
      }
      case 'compare': {
        const col = requireColumn(table, rel.column);
        if (isMultiCell(col.type)) {
          throw new InvalidRequestError(`Collection column '${col.name}' (${formatType(col.type)}) cannot be restricted by a '${rel.op}' relation`);
        }
        const value = bindValue(rel.value, col.type, col.name, ctx);
        const r = restrictionOf(col);
        if (rel.op === '=') mergeEq(r, value);
        else if (rel.op === '!=') r.notEqual.push(value);
        else mergeSlice(r, rel.op, value);
        break;
      }
    }
  }
  if (out.token) {
    const restricted = pkNames.filter((n) => out.columns.has(n));
    if (restricted.length > 0) {
      throw new InvalidRequestError(
        `Columns "${restricted.join(', ')}" cannot be restricted by both a normal relation and a token relation`,
      );
    }
  }
  return out;
}
