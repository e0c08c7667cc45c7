/**
 * DELETE: of columns (cell tombstones, collection deletions, element
 * tombstones), of whole rows (row deletion), of a clustering range or prefix
 * (a range tombstone), or of the whole partition (partition deletion).
 */
import type { Delete } from '../../../grammar/ast.js';
import { clusteringColumns, column as findColumn, type TableMetadata } from '../../schema/table.js';
import type { ClusteringBound } from '../../storage/model.js';
import { InvalidRequestError } from '../../util/errors.js';
import { bindTerm } from '../terms.js';
import type { MutationBuilder } from './builder.js';
import { deleteColumn } from './column-writes.js';
import { readList } from './list-read.js';
import { listIndex } from './update.js';
import { resolveKeyRestrictions, type KeyRestrictions } from './where.js';
import { deletionAt, tombstoneCell, writeParams, type MutationContext } from './write-params.js';

export async function buildDelete(table: TableMetadata, stmt: Delete, ctx: MutationContext, builder: MutationBuilder): Promise<void> {
  const selections = stmt.selections.map((s) => {
    const col = findColumn(table, s.column);
    if (!col) throw new InvalidRequestError(`Undefined column name ${s.column}`);
    if (col.kind === 'partition_key' || col.kind === 'clustering') {
      throw new InvalidRequestError(`Invalid identifier ${col.name} for deletion (should not be a PRIMARY KEY part)`);
    }
    return { s, col };
  });
  const keys = resolveKeyRestrictions(table, stmt.where, ctx.term, ctx.settings, 'DELETE');
  const params = writeParams(table, stmt.using, ctx, true);
  const ckCount = clusteringColumns(table).length;
  const ranged = keys.slice !== undefined || keys.ranges !== undefined;
  const fullRows = !ranged && keys.eqCount === ckCount;

  if (selections.length === 0) {
    for (const target of keys.partitionKeys) {
      const partition = builder.partition(table, target.key);
      if (!ranged && keys.eqCount === 0) partition.deletePartition(deletionAt(params));
      else if (fullRows) for (const clustering of keys.prefixes) partition.row(clustering).deleteRow(deletionAt(params));
      else for (const rt of rangeTombstones(table, keys)) partition.addRangeTombstone({ ...rt, deletion: deletionAt(params) });
    }
    return;
  }

  const staticOnly = selections.every((x) => x.col.kind === 'static');
  // A static cell belongs to the whole partition, so naming rows to delete it from would suggest a
  // per-row deletion that cannot happen; Cassandra refuses it rather than delete the partition's value.
  if (staticOnly && (ranged || keys.eqCount > 0)) {
    throw new InvalidRequestError('Invalid restrictions on clustering columns since the DELETE statement modifies only static columns');
  }
  if (ranged || (!fullRows && !staticOnly)) {
    throw new InvalidRequestError('Range deletions are not supported for specific columns');
  }
  for (const target of keys.partitionKeys) {
    const partition = builder.partition(table, target.key);
    for (const clustering of staticOnly ? [[]] : keys.prefixes) {
      for (const { s, col } of selections) {
        const row = col.kind === 'static' ? partition.row([], true) : partition.row(clustering);
        if (!s.element) {
          deleteColumn(row, col, params);
          continue;
        }
        const type = col.type;
        if (type.kind === 'native') throw new InvalidRequestError(`Invalid deletion operation for non collection column ${col.name}`);
        if (type.frozen) throw new InvalidRequestError(`Invalid deletion operation for frozen collection column ${col.name}`);
        if (type.kind === 'map') {
          const key = bindTerm(s.element, type.key, col.name, ctx.term);
          if (key === null || key === undefined) throw new InvalidRequestError('Invalid null map key');
          row.addCell(col.name, tombstoneCell(params), key);
        } else if (type.kind === 'list') {
          const index = listIndex(s.element, col, ctx);
          const elements = await readList(table, target, clustering, col, ctx);
          if (elements.length === 0) throw new InvalidRequestError('Attempted to delete an element from a list which is null');
          const element = elements[index];
          if (!element || index < 0) throw new InvalidRequestError(`List index ${index} out of bound, list has size ${elements.length}`);
          row.addCell(col.name, tombstoneCell(params), element.path);
        } else {
          // A set element is its own cell path, so `DELETE s[e]` is `s = s - {e}`.
          const element = bindTerm(s.element, type.element, col.name, ctx.term);
          if (element === null || element === undefined) throw new InvalidRequestError('Invalid null set element');
          row.addCell(col.name, tombstoneCell(params), element);
        }
      }
    }
  }
}

/**
 * The clustering ranges of a prefix or slice deletion, with bounds in
 * clustering order: on a DESC column `c > 1` is the range from the first row
 * down to 1, so the slice's ends swap.
 */
export function rangeTombstones(table: TableMetadata, keys: KeyRestrictions): { start: ClusteringBound; end: ClusteringBound }[] {
  if (keys.ranges) return keys.ranges;
  const sliceColumn = clusteringColumns(table)[keys.eqCount];
  return keys.prefixes.map((prefix) => {
    if (!keys.slice || !sliceColumn) {
      return { start: { prefix, inclusive: true }, end: { prefix, inclusive: true } };
    }
    const { lower, upper } = keys.slice;
    const low: ClusteringBound = lower ? { prefix: [...prefix, lower.value], inclusive: lower.inclusive } : { prefix, inclusive: true };
    const high: ClusteringBound = upper ? { prefix: [...prefix, upper.value], inclusive: upper.inclusive } : { prefix, inclusive: true };
    return sliceColumn.order === 'DESC' ? { start: high, end: low } : { start: low, end: high };
  });
}
