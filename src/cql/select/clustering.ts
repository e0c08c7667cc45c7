/**
 * Clustering restrictions → intervals of storage order (see intervals.ts).
 * Cassandra's rules decide which restrictions can select slices: equalities
 * or IN on a prefix of the clustering columns, then at most one range on the
 * next column; or multi-column (tuple) relations starting at the first
 * clustering column. Whatever cannot become a slice is left for in-memory
 * filtering, which only ALLOW FILTERING permits.
 */
import type { CqlType } from '../../schema/cql-type.js';
import type { ColumnMetadata } from '../../schema/table.js';
import { compareValues } from '../../schema/codec.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { Settings } from '../../util/settings.js';
import {
  BEFORE_ALL,
  AFTER_ALL,
  intersect,
  normalize,
  prefixInterval,
  type ComponentComparator,
  type Interval,
  type Position,
} from './intervals.js';
import type { ColumnRestriction, TupleRestriction, ValueBound } from './restrictions.js';

export interface ClusteringPlan {
  /** Normalized; the single interval BEFORE_ALL..AFTER_ALL when nothing restricts the clustering. */
  intervals: Interval[];
  /** Single-column restrictions the intervals fully express. */
  consumedColumns: Set<string>;
  /** Tuple restrictions the intervals fully express. */
  consumedTuples: Set<TupleRestriction>;
  /** True when some clustering restriction must be checked row by row. */
  needsFiltering: boolean;
  /** Cassandra's error for the first restriction that could not be a slice, for when filtering is not allowed. */
  filteringError?: string;
}

export const EVERYTHING: Interval = { start: BEFORE_ALL, end: AFTER_ALL };

/** The comparator of storage order for a table's clustering columns. */
export function storageComparator(clustering: ColumnMetadata[]): ComponentComparator {
  return (i, a, b) => {
    const col = clustering[i]!;
    const c = compareValues(col.type, a, b);
    return col.order === 'DESC' ? -c : c;
  };
}

/**
 * The interval of rows with `prefix` whose next column lies between the given
 * natural-order bounds. A DESC column stores larger values first, so its
 * lower bound ends the interval and its upper bound starts it.
 */
export function sliceInterval(
  prefix: Buffer[],
  desc: boolean,
  lower: ValueBound | undefined,
  upper: ValueBound | undefined,
): Interval {
  const at = (b: ValueBound, side: -1 | 1): Position => ({ prefix: [...prefix, b.value], side });
  const first = desc ? upper : lower;
  const last = desc ? lower : upper;
  return {
    start: first ? at(first, first.inclusive ? -1 : 1) : { prefix, side: -1 },
    end: last ? at(last, last.inclusive ? 1 : -1) : { prefix, side: 1 },
  };
}

/**
 * A tuple slice `(c1..ck) op (b1..bk)` compares lexicographically in each
 * type's natural order, whatever the clustering order. It is the union of
 * "c1..c(i-1) = b1..b(i-1) and ci op' bi" for each i (plus the full equality
 * when inclusive), each of which is one interval even with mixed ASC/DESC.
 */
export function tupleSliceIntervals(r: Extract<TupleRestriction, { kind: 'slice' }>, cmp: ComponentComparator): Interval[] {
  const out: Interval[] = [];
  const greater = r.op === '>' || r.op === '>=';
  for (let i = 0; i < r.tuple.length; i++) {
    const bound: ValueBound = { value: r.tuple[i]!, inclusive: false };
    const desc = r.columns[i]!.order === 'DESC';
    out.push(sliceInterval(r.tuple.slice(0, i), desc, greater ? bound : undefined, greater ? undefined : bound));
  }
  if (r.op === '>=' || r.op === '<=') out.push(prefixInterval(r.tuple));
  return normalize(cmp, out);
}

/** The rows a multi-column relation selects, as intervals of storage order. */
export function tupleIntervals(r: TupleRestriction, cmp: ComponentComparator): Interval[] {
  if (r.kind === 'in') return normalize(cmp, r.tuples.map(prefixInterval));
  return tupleSliceIntervals(r, cmp);
}

function hasSelectingPart(r: ColumnRestriction | undefined): boolean {
  return !!r && (r.eq !== undefined || r.in !== undefined || r.lower !== undefined || r.upper !== undefined);
}

function hasFilterOnlyPart(r: ColumnRestriction): boolean {
  return r.notEqual.length > 0 || r.contains.length > 0 || r.containsKey.length > 0;
}

/** Plans the clustering part of a query from its restrictions on clustering columns. */
export function planClustering(
  clustering: ColumnMetadata[],
  columns: Map<string, ColumnRestriction>,
  tuples: TupleRestriction[],
  settings: Settings,
): ClusteringPlan {
  const cmp = storageComparator(clustering);
  const plan: ClusteringPlan = {
    intervals: [EVERYTHING],
    consumedColumns: new Set(),
    consumedTuples: new Set(),
    needsFiltering: false,
  };
  const restrictionOf = (c: ColumnMetadata) => columns.get(c.name);
  const restrictedSingles = clustering.filter((c) => columns.has(c.name));
  const fail = (message: string) => {
    plan.needsFiltering = true;
    plan.filteringError ??= message;
  };
  // != and CONTAINS never select slices; only filtering can honour them.
  if (restrictedSingles.some((c) => hasFilterOnlyPart(restrictionOf(c)!))) plan.needsFiltering = true;

  if (tuples.length > 0) {
    if (restrictedSingles.some((c) => hasSelectingPart(restrictionOf(c)))) {
      throw new InvalidRequestError('Mixing single column relations and multi column relations on clustering columns is not allowed');
    }
    for (const t of tuples) {
      if (t.columns[0]!.position !== 0) {
        fail(`PRIMARY KEY column "${t.columns[0]!.name}" cannot be restricted as preceding column "${clustering[0]!.name}" is not restricted`);
        continue;
      }
      plan.intervals = intersect(cmp, plan.intervals, tupleIntervals(t, cmp));
      plan.consumedTuples.add(t);
    }
    return plan;
  }

  let prefixes: Buffer[][] = [[]];
  let i = 0;
  let sliced = false;
  for (; i < clustering.length; i++) {
    const col = clustering[i]!;
    const r = restrictionOf(col);
    if (!hasSelectingPart(r)) break;
    if (r!.eq !== undefined || r!.in !== undefined) {
      const values = r!.eq !== undefined ? [r!.eq] : r!.in!;
      prefixes = prefixes.flatMap((p) => values.map((v) => [...p, v]));
      if (prefixes.length > settings.max_in_values) {
        throw new InvalidRequestError(
          `IN relations on the clustering columns select ${prefixes.length} combinations, more than max_in_values (${settings.max_in_values})`,
        );
      }
      plan.consumedColumns.add(col.name);
      continue;
    }
    const desc = col.order === 'DESC';
    plan.intervals = normalize(cmp, prefixes.map((p) => sliceInterval(p, desc, r!.lower, r!.upper)));
    plan.consumedColumns.add(col.name);
    sliced = true;
    i++;
    break;
  }
  if (!sliced) plan.intervals = normalize(cmp, prefixes.map(prefixInterval));

  // Later restricted columns cannot narrow the slices: they are filtered row by row.
  for (let j = i; j < clustering.length; j++) {
    const col = clustering[j]!;
    if (!hasSelectingPart(restrictionOf(col))) continue;
    const previous = clustering[i - 1];
    if (sliced && previous) {
      fail(`Clustering column "${col.name}" cannot be restricted (preceding column "${previous.name}" is restricted by a non-EQ relation)`);
    } else {
      fail(`PRIMARY KEY column "${col.name}" cannot be restricted as preceding column "${clustering[i]!.name}" is not restricted`);
    }
  }
  return plan;
}

/** Natural-order lexicographic comparison of a row's clustering against a tuple (for filtering). */
export function compareTuple(types: CqlType[], row: Buffer[], tuple: Buffer[]): number {
  for (let i = 0; i < tuple.length; i++) {
    const c = compareValues(types[i]!, row[i]!, tuple[i]!);
    if (c !== 0) return c;
  }
  return 0;
}
