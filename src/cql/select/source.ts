/**
 * Walks the rows a plan selects, partition by partition, from where a paging
 * state left off, handing each row to a visitor until the visitor has had
 * enough. Named partitions are read one by one in IN order; otherwise the
 * token range is scanned in batches of partitions. Restricting clustering
 * rows happens in storage for named partitions (slices) and again in memory
 * for every partition, so scans and reads agree.
 */
import type { ConsistencyName } from '../../../grammar/ast.js';
import type { Coordinator } from '../../coordinator/coordinator.js';
import { murmur3Token } from '../../ring/murmur3.js';
import type { KeyspaceMetadata, TableMetadata } from '../../schema/table.js';
import { partitionKeyColumns, splitPartitionKey } from '../../schema/table.js';
import type { ColumnCell, Partition, ReadCommand, TableLayout } from '../../storage/model.js';
import { liveRows } from '../../storage/partition.js';
import { ProtocolError } from '../../util/errors.js';
import { matchesFilter } from './filter.js';
import { AFTER_ALL, BEFORE_ALL, intersect, isEverything, rowInIntervals, toSlice, type Interval } from './intervals.js';
import type { PageState } from './paging.js';
import type { QueryPlan } from './plan.js';
import { rowView, type LiveRowData, type RowView } from './row-view.js';

export interface SourceEnv {
  coordinator: Coordinator;
  keyspace: KeyspaceMetadata;
  table: TableMetadata;
  layout: TableLayout;
  consistency: ConsistencyName;
  nowS: number;
  /** Partitions asked of one scan call. */
  scanBatchPartitions: number;
}

export interface SourceOptions {
  distinct: boolean;
  /** PER PARTITION LIMIT, or null. */
  perPartitionLimit: number | null;
}

/** Where a row came from, so the visitor can record a paging state after it. */
export interface RowOrigin {
  index?: number;
  token: bigint;
  key: Buffer;
  rowsInPartition: number;
}

/** Returns false to stop the walk after this row. */
export type RowVisitor = (view: RowView, origin: RowOrigin) => boolean;

/** The rows strictly after `last` in the reading direction. */
function afterInterval(last: Buffer[], reversed: boolean): Interval {
  return reversed
    ? { start: BEFORE_ALL, end: { prefix: last, side: -1 } }
    : { start: { prefix: last, side: 1 }, end: AFTER_ALL };
}

function invalidState(): ProtocolError {
  return new ProtocolError('Invalid value for the paging state');
}

/** The rows of one partition the query returns, in reading order, filtered. */
export function partitionRowViews(
  env: SourceEnv,
  plan: QueryPlan,
  options: SourceOptions,
  p: Partition,
  intervals: Interval[],
  resuming: boolean,
): RowView[] {
  const live = withoutDroppedCells(env.table, liveRows(env.layout, p, env.nowS) as LiveRowData[]);
  const staticCells = live.find((r) => r.isStatic)?.cells ?? [];
  const cmp = plan.comparator;
  const rows = live
    .filter((r) => !r.isStatic && (r.markerLive || r.cells.length > 0))
    .filter((r) => rowInIntervals(cmp, r.clustering, intervals))
    .sort((a, b) => compareClusterings(cmp, a.clustering, b.clustering));
  if (plan.reversed) rows.reverse();
  const pk = splitPartitionKey(p.key, partitionKeyColumns(env.table).length);
  let views: RowView[];
  if (options.distinct) {
    // A partition is listed when anything in it is live, whatever its clustering rows hold.
    const anyLive = staticCells.length > 0 || live.some((r) => !r.isStatic && (r.markerLive || r.cells.length > 0));
    views = anyLive && !resuming ? [rowView(p.token, pk, staticCells, null)] : [];
  } else if (rows.length === 0) {
    // Cassandra returns a partition holding only static data as one row with null clustering and regular columns,
    // unless the query restricts clustering columns.
    const staticOnly = staticCells.length > 0 && !plan.restrictsClustering && !resuming && !hasLiveRows(live);
    views = staticOnly ? [rowView(p.token, pk, staticCells, null)] : [];
  } else {
    views = rows.map((r) => rowView(p.token, pk, staticCells, r));
  }
  return views.filter((v) => matchesFilter(plan.filter, v));
}

/** Cells a dropped column held before its DROP are gone, even after a column of that name is added again. */
function withoutDroppedCells(table: TableMetadata, rows: LiveRowData[]): LiveRowData[] {
  const dropped = table.dropped;
  if (!dropped || dropped.length === 0) return rows;
  const droppedAt = new Map(dropped.map((d) => [d.name, d.droppedAtUs]));
  const visible = (c: ColumnCell) => {
    const at = droppedAt.get(c.column);
    return at === undefined || c.cell.timestampUs > at;
  };
  return rows.map((r) => ({ ...r, cells: r.cells.filter(visible) }));
}

function hasLiveRows(live: LiveRowData[]): boolean {
  return live.some((r) => !r.isStatic && (r.markerLive || r.cells.length > 0));
}

function compareClusterings(cmp: QueryPlan['comparator'], a: Buffer[], b: Buffer[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmp(i, a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Hands one partition's rows to the visitor, honouring PER PARTITION LIMIT. Returns false once the visitor stops. */
function visitPartition(
  views: RowView[],
  origin: Omit<RowOrigin, 'rowsInPartition'>,
  alreadyInPartition: number,
  options: SourceOptions,
  visit: RowVisitor,
): boolean {
  let count = alreadyInPartition;
  for (const view of views) {
    if (options.perPartitionLimit !== null && count >= options.perPartitionLimit) break;
    count++;
    if (!visit(view, { ...origin, rowsInPartition: count })) return false;
  }
  return true;
}

function readCommand(env: SourceEnv, plan: QueryPlan, key: Buffer, token: bigint, intervals: Interval[]): ReadCommand {
  return {
    tableId: env.table.id,
    key,
    token,
    slices: isEverything(intervals) ? [] : intervals.map(toSlice),
    withStatic: env.table.columns.some((c) => c.kind === 'static'),
    reversed: plan.reversed,
  };
}

/** Reads one named partition (restricted to `intervals`) and visits its rows. */
async function visitNamed(
  env: SourceEnv,
  plan: QueryPlan,
  options: SourceOptions,
  target: { index?: number; key: Buffer; token: bigint },
  resume: PageState | undefined,
  visit: RowVisitor,
): Promise<boolean> {
  const intervals = resume ? intersect(plan.comparator, plan.intervals, [afterInterval(resume.clustering, plan.reversed)]) : plan.intervals;
  // No interval means no row: contradictory restrictions, or the partition was finished on the previous page.
  if (intervals.length === 0) return true;
  const cmd = readCommand(env, plan, target.key, target.token, intervals);
  const [p] = await env.coordinator.read(env.keyspace, env.layout, [cmd], env.consistency);
  if (!p) return true;
  const views = partitionRowViews(env, plan, options, p, intervals, resume !== undefined);
  return visitPartition(views, target, resume?.rowsInPartition ?? 0, options, visit);
}

/** Visits rows in order from `state` (or the start) until the visitor stops or the rows run out. */
export async function walkRows(
  env: SourceEnv,
  plan: QueryPlan,
  options: SourceOptions,
  state: PageState | undefined,
  visit: RowVisitor,
): Promise<void> {
  const sel = plan.partitions;
  if (sel.kind === 'keys') {
    let from = 0;
    if (state) {
      const at = state.index;
      if (at === undefined || at >= sel.keys.length || !sel.keys[at]!.key.equals(state.key)) throw invalidState();
      from = at;
    }
    for (let i = from; i < sel.keys.length; i++) {
      const target = { index: i, ...sel.keys[i]! };
      const resume = state && i === from ? state : undefined;
      if (!(await visitNamed(env, plan, options, target, resume, visit))) return;
    }
    return;
  }
  if (sel.empty) return;
  let after: { token: bigint; key: Buffer } | undefined;
  if (state) {
    if (state.index !== undefined || murmur3Token(state.key) !== state.token) throw invalidState();
    if (!(await visitNamed(env, plan, options, { key: state.key, token: state.token }, state, visit))) return;
    after = { token: state.token, key: state.key };
  }
  const withStatic = env.table.columns.some((c) => c.kind === 'static');
  for (;;) {
    const batch = await env.coordinator.scan(
      env.keyspace,
      env.layout,
      { tableId: env.table.id, range: sel.range, after, limitPartitions: env.scanBatchPartitions, withStatic },
      env.consistency,
    );
    for (const p of batch) {
      const views = partitionRowViews(env, plan, options, p, plan.intervals, false);
      if (!visitPartition(views, { token: p.token, key: p.key }, 0, options, visit)) return;
      after = { token: p.token, key: p.key };
    }
    if (batch.length < env.scanBatchPartitions) return;
  }
}
