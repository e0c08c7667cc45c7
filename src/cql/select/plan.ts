/**
 * A SELECT's WHERE and ORDER BY → a query plan: which partitions to read
 * (named keys, or a token range to scan), which clustering intervals, in
 * which direction, and which restrictions remain to be checked row by row.
 * Pure: it reads no data, so it is tested with tables of restrictions.
 */
import type { Ordering } from '../../../grammar/ast.js';
import { murmur3Token } from '../../ring/murmur3.js';
import type { TableMetadata } from '../../schema/table.js';
import { clusteringColumns, partitionKeyColumns, serializePartitionKey } from '../../schema/table.js';
import { compareValues } from '../../schema/codec.js';
import { MAX_TOKEN, MIN_TOKEN, type TokenRange } from '../../storage/model.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { Settings } from '../../util/settings.js';
import { planClustering, storageComparator } from './clustering.js';
import type { RowFilter } from './filter.js';
import type { ComponentComparator, Interval } from './intervals.js';
import { requireColumn, type ColumnRestriction, type Restrictions } from './restrictions.js';

export const REQUIRES_ALLOW_FILTERING =
  'Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. ' +
  'If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING';

export interface PartitionTarget {
  key: Buffer;
  token: bigint;
}

export type PartitionSelection =
  /** Named partitions, in the order of the IN values (first occurrence), duplicates removed. */
  | { kind: 'keys'; keys: PartitionTarget[] }
  /** Tokens in (start, end]; `empty` when the token restrictions admit nothing. */
  | { kind: 'range'; range: TokenRange; empty: boolean };

export interface QueryPlan {
  partitions: PartitionSelection;
  /** Clustering intervals in storage order; read as slices for named partitions, checked in memory on scans. */
  intervals: Interval[];
  comparator: ComponentComparator;
  /** Some restriction on a clustering column exists (a partition with only static data then yields no row). */
  restrictsClustering: boolean;
  /** ORDER BY asks for the reverse of the clustering order. */
  reversed: boolean;
  /** Several named partitions and an ORDER BY: rows must be merged across partitions in clustering order. */
  orderAcrossPartitions: boolean;
  filter: RowFilter;
}

function isEqOrIn(r: ColumnRestriction | undefined): boolean {
  return (
    !!r &&
    (r.eq !== undefined || r.in !== undefined) &&
    r.notEqual.length === 0 &&
    r.contains.length === 0 &&
    r.containsKey.length === 0
  );
}

/** The token range a token restriction describes, in Cassandra's (start, end] form. */
export function tokenRange(r: Restrictions['token']): { range: TokenRange; empty: boolean } {
  let start = MIN_TOKEN;
  let end = MAX_TOKEN;
  if (r?.lower) start = r.lower.inclusive ? r.lower.token - 1n : r.lower.token;
  if (r?.upper) end = r.upper.inclusive ? r.upper.token : r.upper.token - 1n;
  // MIN_TOKEN is no key's token, so a start below it is the same as starting at it.
  if (start < MIN_TOKEN) start = MIN_TOKEN;
  if (!r?.lower && !r?.upper) return { range: { start: MIN_TOKEN, end: MIN_TOKEN }, empty: false };
  return { range: { start, end }, empty: end <= start };
}

function partitionKeys(table: TableMetadata, restrictions: Restrictions, settings: Settings): PartitionTarget[] {
  let combos: Buffer[][] = [[]];
  for (const col of partitionKeyColumns(table)) {
    const r = restrictions.columns.get(col.name)!;
    const values = r.eq !== undefined ? [r.eq] : r.in!;
    combos = combos.flatMap((c) => values.map((v) => [...c, v]));
    if (combos.length > settings.max_in_values) {
      throw new InvalidRequestError(
        `IN relations on the partition key select ${combos.length} partitions, more than max_in_values (${settings.max_in_values})`,
      );
    }
  }
  // Cassandra reads the partitions of an IN in partition key order (each
  // component compared by its type), not in the order the values were written.
  const columns = partitionKeyColumns(table);
  combos.sort((a, b) => {
    for (let i = 0; i < columns.length; i++) {
      const c = compareValues(columns[i]!.type, a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });
  const seen = new Set<string>();
  const out: PartitionTarget[] = [];
  for (const combo of combos) {
    const key = serializePartitionKey(combo);
    const hex = key.toString('hex');
    if (seen.has(hex)) continue;
    seen.add(hex);
    out.push({ key, token: murmur3Token(key) });
  }
  return out;
}

/** ORDER BY → whether to read in reverse clustering order; Cassandra's checks and wording. */
function planOrdering(table: TableMetadata, orderBy: Ordering[], keyRestricted: boolean): boolean {
  if (orderBy.length === 0) return false;
  let reversed: boolean | undefined;
  orderBy.forEach((o, i) => {
    const col = requireColumn(table, o.column);
    if (col.kind !== 'clustering') {
      throw new InvalidRequestError(`Order by is currently only supported on the clustered columns of the PRIMARY KEY, got ${o.column}`);
    }
    if (col.position !== i) {
      throw new InvalidRequestError(
        'Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY',
      );
    }
    const r = o.order !== (col.order ?? 'ASC');
    if (reversed !== undefined && reversed !== r) throw new InvalidRequestError('Unsupported order by relation');
    reversed = r;
  });
  if (!keyRestricted) throw new InvalidRequestError('ORDER BY is only supported when the partition key is restricted by an EQ or an IN.');
  return reversed!;
}

export interface PlanInput {
  table: TableMetadata;
  restrictions: Restrictions;
  orderBy: Ordering[];
  allowFiltering: boolean;
  distinct: boolean;
  /** The query selects only static (and partition key) columns; see selectsOnlyStaticColumns. */
  selectsOnlyStatic?: boolean;
  settings: Settings;
}

export function planQuery(input: PlanInput): QueryPlan {
  const { table, restrictions, allowFiltering, settings } = input;
  const pk = partitionKeyColumns(table);
  const clustering = clusteringColumns(table);
  const filter: RowFilter = { columns: [], tuples: [] };
  let needsFiltering = false;

  // Partition key: all components by = or IN reads named partitions; anything less scans and filters.
  const pkRestrictions = pk.map((c) => restrictions.columns.get(c.name));
  const namedKeys = !restrictions.token && pkRestrictions.every(isEqOrIn);
  let partitions: PartitionSelection;
  if (namedKeys) {
    partitions = { kind: 'keys', keys: partitionKeys(table, restrictions, settings) };
  } else {
    for (const r of pkRestrictions) {
      if (!r) continue;
      needsFiltering = true;
      filter.columns.push(r);
    }
    partitions = { kind: 'range', ...tokenRange(restrictions.token) };
  }
  if (needsFiltering && !allowFiltering) throw new InvalidRequestError(REQUIRES_ALLOW_FILTERING);

  // Clustering columns.
  const clusteringPlan = planClustering(clustering, restrictions.columns, restrictions.tuples, settings);
  const restrictsClustering =
    restrictions.tuples.length > 0 || clustering.some((c) => restrictions.columns.has(c.name));
  if (input.selectsOnlyStatic && restrictsClustering) {
    throw new InvalidRequestError('Cannot restrict clustering columns when selecting only static columns');
  }
  if (input.distinct && restrictsClustering) {
    throw new InvalidRequestError('SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.');
  }
  if (clusteringPlan.needsFiltering && !allowFiltering) {
    throw new InvalidRequestError(namedKeys && clusteringPlan.filteringError ? clusteringPlan.filteringError : REQUIRES_ALLOW_FILTERING);
  }
  // A scan returns whole partitions: restricting their rows is filtering, as in Cassandra.
  if (!namedKeys && restrictsClustering && !allowFiltering) throw new InvalidRequestError(REQUIRES_ALLOW_FILTERING);
  for (const c of clustering) {
    const r = restrictions.columns.get(c.name);
    if (!r) continue;
    const consumed = clusteringPlan.consumedColumns.has(c.name);
    if (!consumed || r.notEqual.length > 0 || r.contains.length > 0 || r.containsKey.length > 0) {
      filter.columns.push(consumed ? { ...r, eq: undefined, in: undefined, lower: undefined, upper: undefined } : r);
    }
  }
  for (const t of restrictions.tuples) if (!clusteringPlan.consumedTuples.has(t)) filter.tuples.push(t);

  // Regular and static columns can only be filtered.
  for (const r of restrictions.columns.values()) {
    if (r.column.kind !== 'regular' && r.column.kind !== 'static') continue;
    if (input.distinct && r.column.kind === 'regular') {
      throw new InvalidRequestError('SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.');
    }
    if (!allowFiltering) throw new InvalidRequestError(REQUIRES_ALLOW_FILTERING);
    filter.columns.push(r);
  }

  const reversed = planOrdering(table, input.orderBy, namedKeys);
  return {
    partitions,
    intervals: clusteringPlan.intervals,
    comparator: storageComparator(clustering),
    restrictsClustering,
    reversed,
    orderAcrossPartitions: input.orderBy.length > 0 && partitions.kind === 'keys' && partitions.keys.length > 1,
    filter,
  };
}
