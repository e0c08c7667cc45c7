/**
 * Read-before-write for the list operations that address existing elements
 * (`l[i] = v`, `DELETE l[i]`, `l = l - [...]`): Cassandra reads the list
 * first too. Returns the live elements in list order, with their paths.
 */
import type { ColumnMetadata, TableMetadata } from '../../schema/table.js';
import { clusteringColumns } from '../../schema/table.js';
import { compareValues } from '../../schema/codec.js';
import type { ClusteringBound, DeletionTime, Partition, ReadCommand, Row } from '../../storage/model.js';
import { compareTimeUuids } from '../timeuuid.js';
import type { MutationContext } from './write-params.js';

export interface ListElement {
  path: Buffer;
  value: Buffer;
}

export async function readList(
  table: TableMetadata,
  target: { key: Buffer; token: bigint },
  clustering: Buffer[],
  col: ColumnMetadata,
  ctx: MutationContext,
): Promise<ListElement[]> {
  const isStatic = col.kind === 'static';
  const point = { prefix: clustering, inclusive: true };
  const command: ReadCommand = {
    tableId: table.id,
    key: target.key,
    token: target.token,
    slices: isStatic ? [] : [{ start: point, end: point }],
    withStatic: isStatic,
    reversed: false,
  };
  const partition = await ctx.read(table, command);
  if (!partition) return [];
  const row = partition.rows.find((r) => r.isStatic === isStatic && (isStatic || sameClustering(r.clustering, clustering)));
  if (!row) return [];
  const shadow = shadowingTimestamp(table, partition, row, col.name);
  const nowS = ctx.term.clock.nowS();
  return row.cells
    .filter((c) => c.column === col.name && c.path && c.cell.value !== null && c.cell.timestampUs > shadow)
    .filter((c) => c.cell.ttlS === 0 || c.cell.localDeletionTimeS > nowS)
    .map((c) => ({ path: c.path!, value: c.cell.value! }))
    .sort((a, b) => compareTimeUuids(a.path, b.path));
}

function sameClustering(a: Buffer[], b: Buffer[]): boolean {
  return a.length === b.length && a.every((x, i) => x.equals(b[i]!));
}

/** The newest deletion covering the collection: of the partition, a covering range, the row, or the collection. */
function shadowingTimestamp(table: TableMetadata, partition: Partition, row: Row, column: string): number {
  const deletions: (DeletionTime | undefined)[] = [
    partition.deletion,
    row.deletion,
    row.collectionDeletions.find((d) => d.column === column)?.deletion,
  ];
  if (!row.isStatic) {
    for (const rt of partition.rangeTombstones) {
      if (boundBefore(table, rt.start, row.clustering, true) && boundBefore(table, rt.end, row.clustering, false)) {
        deletions.push(rt.deletion);
      }
    }
  }
  return Math.max(-Infinity, ...deletions.map((d) => d?.timestampUs ?? -Infinity));
}

/**
 * For a start bound: whether the row is at or after it; for an end bound:
 * whether the row is at or before it (in clustering order).
 */
function boundBefore(table: TableMetadata, bound: ClusteringBound, clustering: Buffer[], isStart: boolean): boolean {
  const columns = clusteringColumns(table);
  for (let i = 0; i < bound.prefix.length; i++) {
    const col = columns[i]!;
    const c = compareValues(col.type, clustering[i]!, bound.prefix[i]!) * (col.order === 'DESC' ? -1 : 1);
    if (c !== 0) return isStart ? c > 0 : c < 0;
  }
  return bound.inclusive;
}
