/**
 * The SELECT clause: which columns a query returns (the result metadata,
 * also sent at PREPARE), and how each value is taken from a row. `*` lists
 * the partition key, the clustering columns, then every other column by
 * name, as Cassandra does.
 */
import type { Select, Selector } from '../../../grammar/ast.js';
import { formatType, isMultiCell } from '../../schema/cql-type.js';
import type { ColumnMetadata, TableMetadata } from '../../schema/table.js';
import { clusteringColumns, partitionKeyColumns } from '../../schema/table.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { ColumnSpec } from '../result.js';
import { requireColumn } from './restrictions.js';
import { columnValue, type RowView } from './row-view.js';

export type SelectedValue =
  | { kind: 'column'; column: ColumnMetadata }
  | { kind: 'writetime'; column: ColumnMetadata }
  | { kind: 'ttl'; column: ColumnMetadata }
  | { kind: 'token' }
  | { kind: 'count' };

export interface Selection {
  specs: ColumnSpec[];
  values: SelectedValue[];
  /** COUNT(*) is selected: the query returns one row. */
  aggregate: boolean;
}

/** Columns in the order `SELECT *` returns them. */
export function allColumnsInSelectOrder(table: TableMetadata): ColumnMetadata[] {
  const rest = table.columns
    .filter((c) => c.kind === 'regular' || c.kind === 'static')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...partitionKeyColumns(table), ...clusteringColumns(table), ...rest];
}

function cellFunction(table: TableMetadata, fn: 'writeTime' | 'ttl', name: string): ColumnMetadata {
  const col = requireColumn(table, name);
  if (col.kind === 'partition_key' || col.kind === 'clustering') {
    throw new InvalidRequestError(`Cannot use selection function ${fn} on PRIMARY KEY part ${name}`);
  }
  if (isMultiCell(col.type)) throw new InvalidRequestError(`Cannot use selection function ${fn} on non-frozen collection ${name}`);
  return col;
}

function resolve(table: TableMetadata, selector: Selector): { value: SelectedValue; spec: Omit<ColumnSpec, 'keyspace' | 'table'> } {
  const expr = selector.expr;
  switch (expr.kind) {
    case 'column': {
      const col = requireColumn(table, expr.name);
      return { value: { kind: 'column', column: col }, spec: { name: selector.alias ?? col.name, type: formatType(col.type) } };
    }
    case 'writetime':
      return {
        value: { kind: 'writetime', column: cellFunction(table, 'writeTime', expr.column) },
        spec: { name: selector.alias ?? `writetime(${expr.column})`, type: 'bigint' },
      };
    case 'ttl':
      return {
        value: { kind: 'ttl', column: cellFunction(table, 'ttl', expr.column) },
        spec: { name: selector.alias ?? `ttl(${expr.column})`, type: 'int' },
      };
    case 'token': {
      const pk = partitionKeyColumns(table).map((c) => c.name);
      for (const name of expr.columns) requireColumn(table, name);
      if (expr.columns.length !== pk.length) {
        throw new InvalidRequestError(
          `Invalid number of arguments in call to function system.token: ${pk.length} required but ${expr.columns.length} provided`,
        );
      }
      if (expr.columns.some((c, i) => c !== pk[i])) {
        throw new InvalidRequestError(`The token function arguments must be in the partition key order: ${pk.join(', ')}`);
      }
      return { value: { kind: 'token' }, spec: { name: selector.alias ?? `system.token(${expr.columns.join(', ')})`, type: 'bigint' } };
    }
    case 'count':
      return { value: { kind: 'count' }, spec: { name: selector.alias ?? 'count', type: 'bigint' } };
  }
}

/** Cassandra's DISTINCT rules: only partition key and static columns, and all of the partition key. */
function checkDistinct(table: TableMetadata, values: SelectedValue[]): void {
  for (const v of values) {
    if (v.kind === 'count' || v.kind === 'token') continue;
    const kind = v.column.kind;
    if (kind !== 'partition_key' && kind !== 'static') {
      throw new InvalidRequestError(
        `SELECT DISTINCT queries must only request partition key columns and/or static columns (not ${v.column.name})`,
      );
    }
  }
  if (values.some((v) => v.kind === 'count')) return;
  const selected = new Set(values.flatMap((v) => (v.kind === 'column' ? [v.column.name] : [])));
  const missing = partitionKeyColumns(table).filter((c) => !selected.has(c.name));
  if (missing.length > 0) {
    throw new InvalidRequestError(
      `SELECT DISTINCT queries must request all the partition key columns (missing ${missing.map((c) => c.name).join(', ')})`,
    );
  }
}

export function resolveSelection(table: TableMetadata, stmt: Select): Selection {
  const selectors: Selector[] =
    stmt.selectors === '*'
      ? allColumnsInSelectOrder(table).map((c) => ({ expr: { kind: 'column', name: c.name } }))
      : stmt.selectors;
  const resolved = selectors.map((s) => resolve(table, s));
  const values = resolved.map((r) => r.value);
  if (stmt.distinct) checkDistinct(table, values);
  return {
    specs: resolved.map((r) => ({ keyspace: table.keyspace, table: table.name, ...r.spec })),
    values,
    aggregate: values.some((v) => v.kind === 'count'),
  };
}

/**
 * Whether the selection reads static columns and nothing else but the
 * partition key (Cassandra's selectOnlyStaticColumns): such a query asks for
 * per-partition values, so it may not restrict clustering columns.
 */
export function selectsOnlyStaticColumns(selection: Selection): boolean {
  const kinds = selection.values.flatMap((v) => (v.kind === 'column' || v.kind === 'writetime' || v.kind === 'ttl' ? [v.column.kind] : []));
  return kinds.includes('static') && kinds.every((k) => k === 'static' || k === 'partition_key');
}

function bigintBytes(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

function intBytes(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** One selected value of a row; `nowS` dates the remaining TTL. Never called for COUNT. */
export function selectValue(v: SelectedValue, view: RowView, nowS: number): Buffer | null {
  switch (v.kind) {
    case 'column':
      return columnValue(v.column, view);
    case 'token':
      return bigintBytes(view.token);
    case 'writetime': {
      const cell = view.cells.get(v.column.name)?.[0]?.cell;
      return cell ? bigintBytes(BigInt(cell.timestampUs)) : null;
    }
    case 'ttl': {
      const cell = view.cells.get(v.column.name)?.[0]?.cell;
      if (!cell || cell.ttlS === 0) return null;
      return intBytes(Math.max(0, cell.localDeletionTimeS - nowS));
    }
    case 'count':
      throw new InvalidRequestError('COUNT is computed over all rows, not per row');
  }
}

export function countBytes(count: number): Buffer {
  return bigintBytes(BigInt(count));
}
