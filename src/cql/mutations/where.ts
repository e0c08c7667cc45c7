/**
 * The primary key restrictions of UPDATE and DELETE (and INSERT's key
 * columns): partition keys from `=` and `IN` (several partitions for IN),
 * clustering prefixes from `=` and `IN`, and for DELETE a slice on the next
 * clustering column. Multi-column relations on the clustering columns give
 * the prefixes of a tuple `=` or `IN`, or for DELETE clustering ranges, with
 * SELECT's binding and interval arithmetic. Rules and messages follow
 * Cassandra.
 */
import type { Relation, Term } from '../../../grammar/ast.js';
import { murmur3Token } from '../../ring/murmur3.js';
import { formatType, type CqlType } from '../../schema/cql-type.js';
import {
  clusteringColumns,
  column as findColumn,
  partitionKeyColumns,
  serializePartitionKey,
  type ColumnMetadata,
  type TableMetadata,
} from '../../schema/table.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { ClusteringBound } from '../../storage/model.js';
import type { Settings } from '../../util/settings.js';
import { parseCollection } from '../collection-format.js';
import { EVERYTHING, storageComparator, tupleIntervals } from '../select/clustering.js';
import { intersect, toSlice } from '../select/intervals.js';
import { tupleRestriction } from '../select/restrictions.js';
import { bindTerm, type TermContext } from '../terms.js';

const PARTITION_KEY_BYTES_MAX = 65_535;

export interface SliceBound {
  value: Buffer;
  inclusive: boolean;
}

export interface KeyRestrictions {
  /** Serialized partition keys, one per combination of IN values. */
  partitionKeys: { key: Buffer; token: bigint }[];
  /** Clustering prefixes over the first `eqCount` clustering columns (one per combination of IN values). */
  prefixes: Buffer[][];
  eqCount: number;
  /** A range on clustering column `eqCount` (DELETE only). */
  slice?: { lower?: SliceBound; upper?: SliceBound };
  /** Clustering ranges in storage order from multi-column slices (DELETE only); prefixes are then unused. */
  ranges?: { start: ClusteringBound; end: ClusteringBound }[];
}

interface ColumnRestriction {
  eq?: Buffer[];
  lower?: SliceBound;
  upper?: SliceBound;
}

export function resolveKeyRestrictions(
  table: TableMetadata,
  where: Relation[],
  ctx: TermContext,
  settings: Settings,
  statement: 'UPDATE' | 'DELETE',
): KeyRestrictions {
  const byColumn = new Map<string, ColumnRestriction>();
  const tuples: Extract<Relation, { kind: 'tuple' | 'tupleIn' }>[] = [];
  for (const r of where) {
    if (r.kind === 'token') throw new InvalidRequestError(`The token function cannot be used in WHERE clauses for ${statement} statements`);
    if (r.kind === 'tuple' || r.kind === 'tupleIn') {
      tuples.push(r);
      continue;
    }
    const col = findColumn(table, r.column);
    if (!col) throw new InvalidRequestError(`Undefined column name ${r.column}`);
    if (col.kind !== 'partition_key' && col.kind !== 'clustering') {
      throw new InvalidRequestError(`Non PRIMARY KEY columns found in where clause: ${col.name}`);
    }
    if (r.kind === 'contains') {
      // CONTAINS selects rows by filtering, which UPDATE and DELETE never do.
      throw new InvalidRequestError(
        col.kind === 'clustering'
          ? 'Clustering columns can only be restricted with CONTAINS with a secondary index or filtering'
          : 'Only EQ and IN relation are supported on the partition key (unless you use the token() function)',
      );
    }
    const existing = byColumn.get(col.name) ?? {};
    if (existing.eq || (r.kind === 'in' || r.op === '=') && (existing.lower || existing.upper)) {
      throw new InvalidRequestError(`${col.name} cannot be restricted by more than one relation if it includes an Equal`);
    }
    if (r.kind === 'in') {
      existing.eq = inValues(r, col, ctx, settings);
    } else if (r.op === '=') {
      existing.eq = [keyValue(r.value, col, ctx)];
    } else if (r.op === '!=') {
      throw new InvalidRequestError(`Unsupported "!=" relation: ${col.name} != ...`);
    } else {
      if (col.kind === 'partition_key') {
        throw new InvalidRequestError('Only EQ and IN relation are supported on the partition key (unless you use the token() function)');
      }
      const bound = { value: keyValue(r.value, col, ctx), inclusive: r.op === '<=' || r.op === '>=' };
      const side = r.op === '>' || r.op === '>=' ? 'lower' : 'upper';
      if (existing[side]) {
        throw new InvalidRequestError(`More than one restriction was found for the ${side === 'lower' ? 'start' : 'end'} bound on ${col.name}`);
      }
      existing[side] = bound;
    }
    byColumn.set(col.name, existing);
  }

  const pkColumns = partitionKeyColumns(table);
  const missing = pkColumns.filter((c) => !byColumn.get(c.name)?.eq);
  if (missing.length > 0) {
    throw new InvalidRequestError(`Some partition key parts are missing: ${missing.map((c) => c.name).join(', ')}`);
  }
  const partitionKeys = cartesian(pkColumns.map((c) => byColumn.get(c.name)!.eq!)).map((parts) => {
    const key = serializePartitionKey(parts);
    checkPartitionKey(key);
    return { key, token: murmur3Token(key) };
  });

  const ckColumns = clusteringColumns(table);
  if (tuples.length > 0) {
    const single = ckColumns.find((c) => byColumn.has(c.name));
    if (single) throw new InvalidRequestError('Mixing single column relations and multi column relations on clustering columns is not allowed');
    return { partitionKeys, ...tupleKeys(table, ckColumns, tuples, ctx, settings) };
  }
  let eqCount = 0;
  let slice: KeyRestrictions['slice'];
  let gapAfter: ColumnMetadata | undefined;
  for (const c of ckColumns) {
    const restriction = byColumn.get(c.name);
    if (!restriction) {
      gapAfter ??= c;
      continue;
    }
    if (gapAfter) {
      throw new InvalidRequestError(`PRIMARY KEY column "${c.name}" cannot be restricted as preceding column "${gapAfter.name}" is not restricted`);
    }
    if (slice) {
      throw new InvalidRequestError(
        `Clustering column "${c.name}" cannot be restricted (preceding column "${ckColumns[eqCount]!.name}" is restricted by a non-EQ relation)`,
      );
    }
    if (restriction.eq) eqCount++;
    else slice = { ...(restriction.lower ? { lower: restriction.lower } : {}), ...(restriction.upper ? { upper: restriction.upper } : {}) };
  }
  const prefixes = cartesian(ckColumns.slice(0, eqCount).map((c) => byColumn.get(c.name)!.eq!));
  return { partitionKeys, prefixes, eqCount, ...(slice ? { slice } : {}) };
}

/**
 * The clustering part of multi-column relations: a lone tuple `=` or `IN`
 * names prefixes (rows, when it covers every clustering column); anything
 * else becomes clustering ranges, which only DELETE accepts.
 */
function tupleKeys(
  table: TableMetadata,
  ckColumns: ColumnMetadata[],
  relations: Extract<Relation, { kind: 'tuple' | 'tupleIn' }>[],
  ctx: TermContext,
  settings: Settings,
): Omit<KeyRestrictions, 'partitionKeys'> {
  const bound = relations.map((r) => tupleRestriction(table, r, ctx, settings));
  for (const t of bound) {
    if (t.columns[0]!.position !== 0) {
      throw new InvalidRequestError(`PRIMARY KEY column "${t.columns[0]!.name}" cannot be restricted as preceding column "${ckColumns[0]!.name}" is not restricted`);
    }
  }
  const only = bound.length === 1 ? bound[0]! : undefined;
  if (only?.kind === 'in') return { prefixes: only.tuples, eqCount: only.columns.length };
  const cmp = storageComparator(ckColumns);
  let intervals = [EVERYTHING];
  for (const t of bound) intervals = intersect(cmp, intervals, tupleIntervals(t, cmp));
  return { prefixes: [], eqCount: 0, ranges: intervals.map(toSlice) };
}

/** A primary key value: null and unset are rejected, as Cassandra does. */
export function keyValue(term: Term, col: ColumnMetadata, ctx: TermContext): Buffer {
  const value = bindTerm(term, col.type, col.name, ctx);
  if (value === null) throw new InvalidRequestError(`Invalid null value in condition for column ${col.name}`);
  if (value === undefined) throw new InvalidRequestError(`Invalid unset value for column ${col.name}`);
  return value;
}

function inValues(r: Extract<Relation, { kind: 'in' }>, col: ColumnMetadata, ctx: TermContext, settings: Settings): Buffer[] {
  let values: Buffer[];
  if (r.marker) {
    const listType: CqlType = { kind: 'list', element: col.type, frozen: true };
    const bytes = bindTerm(r.marker, listType, `in(${col.name})`, ctx);
    if (bytes === null) throw new InvalidRequestError(`Invalid null value for IN restriction on ${col.name}`);
    if (bytes === undefined) throw new InvalidRequestError(`Invalid unset value for column ${col.name}`);
    values = parseCollection(bytes, 1, `in(${col.name}) of type ${formatType(listType)}`);
  } else {
    values = r.values.map((v) => keyValue(v, col, ctx));
  }
  if (values.length > settings.max_in_values) {
    throw new InvalidRequestError(`IN restriction on ${col.name} has ${values.length} values, more than max_in_values (${settings.max_in_values})`);
  }
  // Duplicates in IN name the same row once.
  return values.filter((v, i) => values.findIndex((w) => w.equals(v)) === i);
}

export function checkPartitionKey(key: Buffer): void {
  if (key.length === 0) throw new InvalidRequestError('Key may not be empty');
  if (key.length > PARTITION_KEY_BYTES_MAX) {
    throw new InvalidRequestError(`Key length of ${key.length} is longer than maximum of ${PARTITION_KEY_BYTES_MAX}`);
  }
}

export function cartesian(lists: Buffer[][]): Buffer[][] {
  let out: Buffer[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}
