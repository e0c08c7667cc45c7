/**
 * Row-by-row checks for the restrictions no read can express (ALLOW
 * FILTERING): comparisons on regular, static and partition key columns,
 * clustering restrictions that do not form slices, != and CONTAINS. A null
 * (absent) value satisfies no restriction.
 */
import { compareValues } from '../../schema/codec.js';
import type { CqlType } from '../../schema/cql-type.js';
import { compareTuple } from './clustering.js';
import { collectionContents, columnValue, type RowView } from './row-view.js';
import type { ColumnRestriction, TupleRestriction } from './restrictions.js';

function elementType(type: CqlType, key: boolean): CqlType {
  if (type.kind === 'map') return key ? type.key : type.value;
  if (type.kind === 'native') return type;
  return type.element;
}

export function matchesColumn(r: ColumnRestriction, view: RowView): boolean {
  const col = r.column;
  if (r.contains.length > 0 || r.containsKey.length > 0) {
    const { keys, values } = collectionContents(col, view);
    const has = (list: Buffer[], wanted: Buffer, key: boolean) =>
      list.some((v) => compareValues(elementType(col.type, key), v, wanted) === 0);
    if (!r.contains.every((w) => has(values, w, false))) return false;
    if (!r.containsKey.every((w) => has(keys, w, true))) return false;
  }
  const hasComparison = r.eq !== undefined || r.in !== undefined || r.lower || r.upper || r.notEqual.length > 0;
  if (!hasComparison) return true;
  const value = columnValue(col, view);
  if (value === null) return false;
  const cmp = (other: Buffer) => compareValues(col.type, value, other);
  if (r.eq !== undefined && cmp(r.eq) !== 0) return false;
  if (r.in !== undefined && !r.in.some((v) => cmp(v) === 0)) return false;
  if (r.lower) {
    const c = cmp(r.lower.value);
    if (c < 0 || (c === 0 && !r.lower.inclusive)) return false;
  }
  if (r.upper) {
    const c = cmp(r.upper.value);
    if (c > 0 || (c === 0 && !r.upper.inclusive)) return false;
  }
  return r.notEqual.every((v) => cmp(v) !== 0);
}

export function matchesTuple(t: TupleRestriction, view: RowView): boolean {
  if (!view.clustering) return false;
  const first = t.columns[0]!.position;
  const values = view.clustering.slice(first, first + t.columns.length);
  const types = t.columns.map((c) => c.type);
  if (t.kind === 'in') return t.tuples.some((tuple) => compareTuple(types, values, tuple) === 0);
  const c = compareTuple(types, values, t.tuple);
  switch (t.op) {
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
  }
}

export interface RowFilter {
  columns: ColumnRestriction[];
  tuples: TupleRestriction[];
}

export function matchesFilter(filter: RowFilter, view: RowView): boolean {
  return filter.columns.every((r) => matchesColumn(r, view)) && filter.tuples.every((t) => matchesTuple(t, view));
}
