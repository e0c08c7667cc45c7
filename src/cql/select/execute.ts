/**
 * Executes a SELECT: binds and plans it, walks the selected rows from the
 * paging state, and shapes the page (or the one COUNT row) the client gets.
 */
import type { ConsistencyName, Select } from '../../../grammar/ast.js';
import type { Clock } from '../../clock/clock.js';
import type { Coordinator } from '../../coordinator/coordinator.js';
import type { KeyspaceMetadata, TableMetadata } from '../../schema/table.js';
import { tableLayout } from '../../schema/table.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { Settings } from '../../util/settings.js';
import type { ResultEnvelope } from '../result.js';
import { bindInt, type TermContext } from '../terms.js';
import { decodePageState, encodePageState, type PageState } from './paging.js';
import { planQuery, type QueryPlan } from './plan.js';
import { bindRestrictions } from './restrictions.js';
import type { RowView } from './row-view.js';
import { countBytes, resolveSelection, selectsOnlyStaticColumns, selectValue, type Selection } from './selection.js';
import { walkRows, type SourceEnv, type SourceOptions } from './source.js';

export interface SelectContext {
  coordinator: Coordinator;
  clock: Clock;
  settings: Settings;
}

export interface SelectOptions {
  consistency: ConsistencyName;
  fetchSize: number;
  pageState?: Buffer;
}

/** Partitions asked of the coordinator per scan call when nothing smaller is needed. */
const SCAN_BATCH_PARTITIONS_MAX = 1000;

const INT_MAX = 2 ** 31 - 1;

function bindLimit(stmt: Select, termCtx: TermContext): { limit: number | null; perPartitionLimit: number | null } {
  let limit: number | null = null;
  let perPartitionLimit: number | null = null;
  if (stmt.limit) {
    const n = bindInt(stmt.limit, 'limit', termCtx, INT_MAX);
    if (n <= 0) throw new InvalidRequestError('LIMIT must be strictly positive');
    limit = n === INT_MAX ? null : n;
  }
  if (stmt.perPartitionLimit) {
    const n = bindInt(stmt.perPartitionLimit, 'per partition limit', termCtx, INT_MAX);
    if (n <= 0) throw new InvalidRequestError('PER PARTITION LIMIT must be strictly positive');
    perPartitionLimit = n === INT_MAX ? null : n;
  }
  return { limit, perPartitionLimit };
}

/** Rows per page: the client's fetch size, bounded by default_fetch_size (also the default). */
function pageSize(fetchSize: number, settings: Settings): number {
  return fetchSize > 0 ? Math.min(fetchSize, settings.default_fetch_size) : settings.default_fetch_size;
}

function project(selection: Selection, view: RowView, nowS: number): (Buffer | null)[] {
  return selection.values.map((v) => selectValue(v, view, nowS));
}

async function countRows(env: SourceEnv, plan: QueryPlan, options: SourceOptions, selection: Selection): Promise<(Buffer | null)[]> {
  let count = 0;
  let first: RowView | undefined;
  await walkRows(env, plan, options, undefined, (view) => {
    first ??= view;
    count++;
    return true;
  });
  // Other selectors next to COUNT take their value from the first row, as in Cassandra 4.
  return selection.values.map((v) => (v.kind === 'count' ? countBytes(count) : first ? selectValue(v, first, env.nowS) : null));
}

/**
 * Several named partitions with ORDER BY: rows are merged across partitions
 * in the requested clustering order, which needs every row at once, so such
 * a query cannot be paged (Cassandra refuses it the same way).
 */
async function orderedAcrossPartitions(
  env: SourceEnv,
  plan: QueryPlan,
  options: SourceOptions,
  limit: number | null,
  size: number,
): Promise<RowView[]> {
  const views: RowView[] = [];
  await walkRows(env, plan, options, undefined, (view) => {
    views.push(view);
    return true;
  });
  const cmp = plan.comparator;
  const sign = plan.reversed ? -1 : 1;
  views.sort((a, b) => {
    const ca = a.clustering ?? [];
    const cb = b.clustering ?? [];
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
      const c = cmp(i, ca[i]!, cb[i]!);
      if (c !== 0) return sign * c;
    }
    return sign * (ca.length - cb.length);
  });
  const kept = limit === null ? views : views.slice(0, limit);
  if (kept.length > size) {
    throw new InvalidRequestError(
      'Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ' +
        'ORDER BY or the IN and sort client side, or disable paging for this query',
    );
  }
  return kept;
}

export async function executeSelect(
  ctx: SelectContext,
  keyspace: KeyspaceMetadata,
  table: TableMetadata,
  stmt: Select,
  termCtx: TermContext,
  options: SelectOptions,
): Promise<ResultEnvelope> {
  const selection = resolveSelection(table, stmt);
  const restrictions = bindRestrictions(table, stmt.where, termCtx, ctx.settings);
  const plan = planQuery({
    table,
    restrictions,
    orderBy: stmt.orderBy,
    allowFiltering: stmt.allowFiltering,
    distinct: stmt.distinct,
    selectsOnlyStatic: selectsOnlyStaticColumns(selection),
    settings: ctx.settings,
  });
  const { limit, perPartitionLimit } = bindLimit(stmt, termCtx);
  const size = pageSize(options.fetchSize, ctx.settings);
  const consistency = stmt.using.consistency ?? options.consistency;
  const env: SourceEnv = {
    coordinator: ctx.coordinator,
    keyspace,
    table,
    layout: tableLayout(table),
    consistency,
    nowS: ctx.clock.nowS(),
    scanBatchPartitions: Math.min(selection.aggregate ? SCAN_BATCH_PARTITIONS_MAX : size, SCAN_BATCH_PARTITIONS_MAX),
  };
  const sourceOptions: SourceOptions = { distinct: stmt.distinct, perPartitionLimit };
  const rowsResult = (rows: (Buffer | null)[][], pageState?: Buffer): ResultEnvelope => ({
    result: { kind: 'rows', columns: selection.specs, rows, ...(pageState ? { pageState } : {}) },
    warnings: [],
  });

  if (selection.aggregate) return rowsResult([await countRows(env, plan, sourceOptions, selection)]);
  if (plan.orderAcrossPartitions) {
    const views = await orderedAcrossPartitions(env, plan, sourceOptions, limit, size);
    return rowsResult(views.map((v) => project(selection, v, env.nowS)));
  }

  const state = options.pageState ? decodePageState(options.pageState) : undefined;
  let remaining = state ? state.remaining : limit;
  if (remaining === 0) return rowsResult([]);
  const rows: (Buffer | null)[][] = [];
  let next: PageState | undefined;
  await walkRows(env, plan, sourceOptions, state, (view, origin) => {
    rows.push(project(selection, view, env.nowS));
    if (remaining !== null) remaining--;
    if (remaining === 0) return false;
    if (rows.length >= size) {
      next = {
        index: origin.index,
        token: origin.token,
        key: origin.key,
        clustering: view.clustering ?? [],
        rowsInPartition: origin.rowsInPartition,
        remaining,
      };
      return false;
    }
    return true;
  });
  return rowsResult(rows, next ? encodePageState(next) : undefined);
}
