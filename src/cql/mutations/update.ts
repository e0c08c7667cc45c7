/**
 * UPDATE: writes cells without a row marker (a row updated only to nulls
 * disappears). Regular columns need the full clustering key; an update of
 * static columns only needs just the partition key.
 */
import type { Assignment, Term, Update } from '../../../grammar/ast.js';
import { clusteringColumns, column as findColumn, type ColumnMetadata, type TableMetadata } from '../../schema/table.js';
import { InvalidRequestError } from '../../util/errors.js';
import { parseCollection } from '../collection-format.js';
import { bindTerm, termText } from '../terms.js';
import type { MutationBuilder, RowUpdate } from './builder.js';
import { addElements, prependElements, putMapEntry, removeElements, writeColumn } from './column-writes.js';
import { readList } from './list-read.js';
import { resolveKeyRestrictions } from './where.js';
import { liveCell, tombstoneCell, writeParams, type MutationContext, type WriteParams } from './write-params.js';

export async function buildUpdate(table: TableMetadata, stmt: Update, ctx: MutationContext, builder: MutationBuilder): Promise<void> {
  const targets = stmt.assignments.map((a) => {
    const col = findColumn(table, a.column);
    if (!col) throw new InvalidRequestError(`Undefined column name ${a.column}`);
    if (col.kind === 'partition_key' || col.kind === 'clustering') {
      throw new InvalidRequestError(`PRIMARY KEY part ${col.name} found in SET part`);
    }
    return { a, col };
  });
  const keys = resolveKeyRestrictions(table, stmt.where, ctx.term, ctx.settings, 'UPDATE');
  const ckCount = clusteringColumns(table).length;
  const staticOnly = targets.every((t) => t.col.kind === 'static') && ckCount > 0;
  if (keys.slice || keys.ranges) throw new InvalidRequestError('Slice restrictions are not supported on the clustering columns in UPDATE statements');
  if (staticOnly && keys.eqCount > 0) {
    throw new InvalidRequestError('Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns');
  }
  if (!staticOnly && keys.eqCount < ckCount) {
    const missing = clusteringColumns(table).slice(keys.eqCount).map((c) => c.name);
    throw new InvalidRequestError(`Some clustering keys are missing: ${missing.join(', ')}`);
  }
  const params = writeParams(table, stmt.using, ctx, false);
  for (const target of keys.partitionKeys) {
    const partition = builder.partition(table, target.key);
    for (const clustering of staticOnly ? [[]] : keys.prefixes) {
      for (const { a, col } of targets) {
        const row = col.kind === 'static' ? partition.row([], true) : partition.row(clustering);
        await applyAssignment(table, row, col, a, params, ctx, target, clustering);
      }
    }
  }
}

async function applyAssignment(
  table: TableMetadata,
  row: RowUpdate,
  col: ColumnMetadata,
  a: Assignment,
  params: WriteParams,
  ctx: MutationContext,
  target: { key: Buffer; token: bigint },
  clustering: Buffer[],
): Promise<void> {
  const type = col.type;
  if (a.kind === 'set') {
    writeColumn(row, col, bindTerm(a.value, type, col.name, ctx.term), params, ctx);
    return;
  }
  if (type.kind === 'native') {
    // Cassandra's wording: an element assignment needs a collection, + and - a counter (which Sibyl does not have).
    throw new InvalidRequestError(`Invalid operation (${describe(a)}) for ${a.kind === 'setElement' ? 'non collection' : 'non counter'} column ${col.name}`);
  }
  if (type.frozen) throw new InvalidRequestError(`Invalid operation (${describe(a)}) for frozen collection column ${col.name}`);
  switch (a.kind) {
    case 'append': {
      const value = bindTerm(a.value, type, col.name, ctx.term);
      if (value) addElements(row, col, value, params, ctx);
      return;
    }
    case 'prepend': {
      if (type.kind !== 'list') throw new InvalidRequestError(`Invalid operation (${describe(a)}) for non list column ${col.name}`);
      const value = bindTerm(a.value, type, col.name, ctx.term);
      if (value) prependElements(row, col, value, params, ctx);
      return;
    }
    case 'remove': {
      const removeType = type.kind === 'map' ? { kind: 'set' as const, element: type.key, frozen: false } : type;
      const value = bindTerm(a.value, removeType, col.name, ctx.term);
      if (!value) return;
      if (type.kind !== 'list') {
        removeElements(row, col, value, params);
        return;
      }
      const doomed = parseCollection(value, 1, col.name);
      for (const e of await readList(table, target, clustering, col, ctx)) {
        if (doomed.some((d) => d.equals(e.value))) row.addCell(col.name, tombstoneCell(params), e.path);
      }
      return;
    }
    case 'setElement': {
      if (type.kind === 'map') {
        const key = bindTerm(a.key, type.key, col.name, ctx.term);
        if (key === null || key === undefined) throw new InvalidRequestError('Invalid null map key');
        const value = bindTerm(a.value, type.value, col.name, ctx.term);
        if (value !== undefined) putMapEntry(row, col, key, value, params);
        return;
      }
      if (type.kind === 'list') {
        const index = listIndex(a.key, col, ctx);
        const value = bindTerm(a.value, type.element, col.name, ctx.term);
        if (value === undefined) return;
        const elements = await readList(table, target, clustering, col, ctx);
        if (elements.length === 0) throw new InvalidRequestError('Attempted to set an element on a list which is null');
        const element = elements[index];
        if (!element || index < 0) throw new InvalidRequestError(`List index ${index} out of bound, list has size ${elements.length}`);
        row.addCell(col.name, value === null ? tombstoneCell(params) : liveCell(value, params, col.name), element.path);
        return;
      }
      throw new InvalidRequestError(`Invalid operation (${describe(a)}) for set column ${col.name}`);
    }
  }
}

export function listIndex(term: Term, col: ColumnMetadata, ctx: MutationContext): number {
  const bytes = bindTerm(term, { kind: 'native', name: 'int' }, `idx(${col.name})`, ctx.term);
  if (bytes === null || bytes === undefined) throw new InvalidRequestError('Invalid null value for list index');
  return bytes.readInt32BE(0);
}

/** The assignment as CQL text, for errors: `n = n + 1`, as Cassandra quotes it. */
function describe(a: Assignment): string {
  switch (a.kind) {
    case 'set':
      return `${a.column} = ${termText(a.value)}`;
    case 'append':
      return `${a.column} = ${a.column} + ${termText(a.value)}`;
    case 'prepend':
      return `${a.column} = ${termText(a.value)} + ${a.column}`;
    case 'remove':
      return `${a.column} = ${a.column} - ${termText(a.value)}`;
    case 'setElement':
      return `${a.column}[${termText(a.key)}] = ${termText(a.value)}`;
  }
}
