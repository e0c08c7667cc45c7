/**
 * How each kind of column write becomes cells. A simple or frozen column is
 * one cell. A non-frozen collection is one cell per element: a set element's
 * path is the element, a map entry's path is its key, a list element's path a
 * timeuuid that orders it. Overwriting a whole collection deletes the old one
 * just before the write (timestamp - 1), so the new elements survive it.
 */
import { isMultiCell } from '../../schema/cql-type.js';
import type { ColumnMetadata } from '../../schema/table.js';
import { InvalidRequestError } from '../../util/errors.js';
import { parseCollection, parseMapEntries } from '../collection-format.js';
import type { RowUpdate } from './builder.js';
import { deletionAt, liveCell, tombstoneCell, type MutationContext, type WriteParams } from './write-params.js';

const EMPTY = Buffer.alloc(0);

/** `c = value` (UPDATE) or a value in INSERT. Unset (undefined) writes nothing. */
export function writeColumn(row: RowUpdate, col: ColumnMetadata, value: Buffer | null | undefined, params: WriteParams, ctx: MutationContext): void {
  if (value === undefined) return;
  if (!isMultiCell(col.type)) {
    row.addCell(col.name, value === null ? tombstoneCell(params) : liveCell(value, params, col.name));
    return;
  }
  if (value === null) {
    row.deleteCollection(col.name, deletionAt(params));
    return;
  }
  row.deleteCollection(col.name, deletionAt(params, params.timestampUs - 1));
  addElements(row, col, value, params, ctx);
}

/** `c = c + value`: set union, map put, list append. */
export function addElements(row: RowUpdate, col: ColumnMetadata, value: Buffer, params: WriteParams, ctx: MutationContext): void {
  const type = col.type;
  switch (type.kind) {
    case 'set':
      for (const e of parseCollection(value, 1, col.name)) row.addCell(col.name, liveCell(EMPTY, params, col.name), checkedPath(e, params, col));
      break;
    case 'map':
      for (const [k, v] of parseMapEntries(value, col.name)) row.addCell(col.name, liveCell(v, params, col.name), checkedPath(k, params, col));
      break;
    case 'list':
      for (const e of parseCollection(value, 1, col.name)) {
        row.addCell(col.name, liveCell(e, params, col.name), ctx.timeUuids.next(params.timestampUs));
      }
      break;
    case 'native':
      throw new InvalidRequestError(`Invalid operation for non collection column ${col.name}`);
  }
}

/** `l = value + l`: the new elements go before every existing one, in the order written. */
export function prependElements(row: RowUpdate, col: ColumnMetadata, value: Buffer, params: WriteParams, ctx: MutationContext): void {
  const elements = parseCollection(value, 1, col.name);
  const paths = ctx.timeUuids.prepend(params.timestampUs, elements.length);
  elements.forEach((e, i) => row.addCell(col.name, liveCell(e, params, col.name), paths[i]!));
}

/** `s = s - {...}` and `m = m - {keys}`: one element tombstone per element or key. */
export function removeElements(row: RowUpdate, col: ColumnMetadata, value: Buffer, params: WriteParams): void {
  for (const e of parseCollection(value, 1, col.name)) row.addCell(col.name, tombstoneCell(params), e);
}

/** `m[k] = v`; a null v deletes the entry. */
export function putMapEntry(row: RowUpdate, col: ColumnMetadata, key: Buffer, value: Buffer | null, params: WriteParams): void {
  row.addCell(col.name, value === null ? tombstoneCell(params) : liveCell(value, params, col.name), checkedPath(key, params, col));
}

/** Collection keys and set elements are cell paths; they obey the same size bound as values. */
function checkedPath(path: Buffer, params: WriteParams, col: ColumnMetadata): Buffer {
  if (path.length > params.maxValueBytes) {
    throw new InvalidRequestError(`Value of ${path.length} bytes for column ${col.name} exceeds max_value_size (${params.maxValueBytes})`);
  }
  return path;
}

/** DELETE c: a cell tombstone, or for a non-frozen collection a deletion of every element. */
export function deleteColumn(row: RowUpdate, col: ColumnMetadata, params: WriteParams): void {
  if (isMultiCell(col.type)) row.deleteCollection(col.name, deletionAt(params));
  else row.addCell(col.name, tombstoneCell(params));
}
