/**
 * What each bind marker of a statement expects, for PREPARE's metadata: the
 * marker's `:name` or the column it binds to, and that column's type. Names
 * for the statement's own parameters follow Cassandra: `[limit]`,
 * `[per_partition_limit]`, `[ttl]`, `[timestamp]`, `in(c)` for `c IN ?`,
 * `key(m)` / `value(m)` / `idx(l)` for element assignments.
 */
import type { QualifiedName, Relation, Statement, Term, UsingClause } from '../../grammar/ast.js';
import { formatType, type CqlType } from '../schema/cql-type.js';
import { column as findColumn, partitionKeyColumns, type TableMetadata } from '../schema/table.js';
import { InvalidRequestError } from '../util/errors.js';
import type { ColumnSpec } from './result.js';

const INT: CqlType = { kind: 'native', name: 'int' };
const BIGINT: CqlType = { kind: 'native', name: 'bigint' };

/** A table, or how to find the table of each statement inside a BATCH. */
export type TableSource = TableMetadata | ((name: QualifiedName) => TableMetadata);

export function bindMarkerSpecs(statement: Statement, tables: TableSource): ColumnSpec[] {
  const specs: ColumnSpec[] = [];
  const tableOf = (name: QualifiedName) => (typeof tables === 'function' ? tables(name) : tables);
  const visit = (s: Statement) => {
    switch (s.kind) {
      case 'insert': {
        const table = tableOf(s.table);
        s.values.forEach((v, i) => termSpecs(specs, table, v, s.columns[i]!, columnType(table, s.columns[i]!)));
        usingSpecs(specs, table, s.using);
        break;
      }
      case 'update': {
        const table = tableOf(s.table);
        usingSpecs(specs, table, s.using);
        for (const a of s.assignments) {
          const type = columnType(table, a.column);
          if (a.kind === 'setElement') {
            if (type.kind === 'map') {
              termSpecs(specs, table, a.key, `key(${a.column})`, type.key);
              termSpecs(specs, table, a.value, `value(${a.column})`, type.value);
            } else if (type.kind === 'list') {
              termSpecs(specs, table, a.key, `idx(${a.column})`, INT);
              termSpecs(specs, table, a.value, `value(${a.column})`, type.element);
            } else {
              throw new InvalidRequestError(`Invalid operation (${a.column}[?] = ?) for non collection column ${a.column}`);
            }
          } else if (a.kind === 'remove' && type.kind === 'map') {
            termSpecs(specs, table, a.value, a.column, { kind: 'set', element: type.key, frozen: true });
          } else {
            termSpecs(specs, table, a.value, a.column, type);
          }
        }
        relationSpecs(specs, table, s.where);
        break;
      }
      case 'delete': {
        const table = tableOf(s.table);
        for (const sel of s.selections) {
          if (!sel.element) continue;
          const type = columnType(table, sel.column);
          if (type.kind === 'map') termSpecs(specs, table, sel.element, `key(${sel.column})`, type.key);
          else if (type.kind === 'set') termSpecs(specs, table, sel.element, `value(${sel.column})`, type.element);
          else termSpecs(specs, table, sel.element, `idx(${sel.column})`, INT);
        }
        usingSpecs(specs, table, s.using);
        relationSpecs(specs, table, s.where);
        break;
      }
      case 'select': {
        const table = tableOf(s.table);
        relationSpecs(specs, table, s.where);
        if (s.perPartitionLimit) termSpecs(specs, table, s.perPartitionLimit, '[per_partition_limit]', INT);
        if (s.limit) termSpecs(specs, table, s.limit, '[limit]', INT);
        break;
      }
      case 'batch':
        for (const inner of s.statements) visit(inner);
        if (s.using.timestamp && s.statements[0]) {
          termSpecs(specs, tableOf(s.statements[0].table), s.using.timestamp, '[timestamp]', BIGINT);
        }
        break;
      default:
        break;
    }
  };
  visit(statement);
  // A marker the walk did not reach would leave a hole; that is a bug in the walk, not the query.
  for (let i = 0; i < specs.length; i++) {
    if (!specs[i]) throw new InvalidRequestError(`Bind marker ${i} is in a position that cannot be bound`);
  }
  return specs;
}

function columnType(table: TableMetadata, name: string): CqlType {
  const col = findColumn(table, name);
  if (!col) throw new InvalidRequestError(`Undefined column name ${name}`);
  return col.type;
}

function usingSpecs(specs: ColumnSpec[], table: TableMetadata, using: UsingClause): void {
  if (using.ttl) termSpecs(specs, table, using.ttl, '[ttl]', INT);
  if (using.timestamp) termSpecs(specs, table, using.timestamp, '[timestamp]', BIGINT);
}

function relationSpecs(specs: ColumnSpec[], table: TableMetadata, where: Relation[]): void {
  for (const r of where) {
    switch (r.kind) {
      case 'compare':
        termSpecs(specs, table, r.value, r.column, columnType(table, r.column));
        break;
      case 'in': {
        const type = columnType(table, r.column);
        for (const v of r.values) termSpecs(specs, table, v, r.column, type);
        if (r.marker) termSpecs(specs, table, r.marker, `in(${r.column})`, { kind: 'list', element: type, frozen: true });
        break;
      }
      case 'token':
        if (r.value.kind === 'function' && r.value.name.toLowerCase() === 'token') {
          // token(?, ?) takes partition key values, typed as the key columns.
          const pk = partitionKeyColumns(table);
          r.value.args.forEach((a, i) => {
            const col = pk[i];
            if (col) termSpecs(specs, table, a, col.name, col.type);
          });
        } else {
          termSpecs(specs, table, r.value, 'partition key token', BIGINT);
        }
        break;
      case 'tuple':
        if (r.values.length !== r.columns.length) {
          throw new InvalidRequestError(`Expected ${r.columns.length} elements in value tuple, but got ${r.values.length}`);
        }
        r.values.forEach((v, i) => termSpecs(specs, table, v, r.columns[i]!, columnType(table, r.columns[i]!)));
        break;
      case 'tupleIn':
        for (const tuple of r.tuples) {
          tuple.forEach((v, i) => {
            const name = r.columns[i];
            if (name === undefined) throw new InvalidRequestError(`Tuple of ${tuple.length} values for ${r.columns.length} columns`);
            termSpecs(specs, table, v, name, columnType(table, name));
          });
        }
        break;
      case 'contains': {
        const type = columnType(table, r.column);
        const inner = type.kind === 'map' ? (r.key ? type.key : type.value) : type.kind === 'native' ? type : type.element;
        termSpecs(specs, table, r.value, r.column, inner);
        break;
      }
    }
  }
}

/** Records a spec for every bind marker inside `term` (a literal collection may hold several). */
function termSpecs(specs: ColumnSpec[], table: TableMetadata, term: Term, name: string, type: CqlType): void {
  switch (term.kind) {
    case 'bind':
      specs[term.index] = { keyspace: table.keyspace, table: table.name, name: term.name ?? name, type: formatType(type) };
      break;
    case 'list':
    case 'set':
      for (const e of term.elements) {
        termSpecs(specs, table, e, name, type.kind === 'list' || type.kind === 'set' ? type.element : type);
      }
      break;
    case 'map':
      for (const [k, v] of term.entries) {
        termSpecs(specs, table, k, name, type.kind === 'map' ? type.key : type);
        termSpecs(specs, table, v, name, type.kind === 'map' ? type.value : type);
      }
      break;
    case 'function':
      for (const a of term.args) termSpecs(specs, table, a, name, { kind: 'native', name: 'timeuuid' });
      break;
    default:
      break;
  }
}
