/**
 * INSERT: every primary key column is required; the row gets a marker (an
 * empty live cell with the statement's timestamp and TTL), so it exists even
 * when all its other columns are null.
 */
import type { Insert } from '../../../grammar/ast.js';
import { clusteringColumns, column as findColumn, partitionKeyColumns, serializePartitionKey, type TableMetadata } from '../../schema/table.js';
import { InvalidRequestError } from '../../util/errors.js';
import { bindTerm } from '../terms.js';
import type { MutationBuilder } from './builder.js';
import { writeColumn } from './column-writes.js';
import { checkPartitionKey, keyValue } from './where.js';
import { liveCell, writeParams, type MutationContext } from './write-params.js';

const EMPTY = Buffer.alloc(0);

export function buildInsert(table: TableMetadata, stmt: Insert, ctx: MutationContext, builder: MutationBuilder): void {
  if (stmt.columns.length !== stmt.values.length) throw new InvalidRequestError('Unmatched column names/values');
  if (new Set(stmt.columns).size !== stmt.columns.length) throw new InvalidRequestError('The column names contains duplicates');
  const values = new Map(stmt.columns.map((name, i) => [name, stmt.values[i]!]));
  for (const name of stmt.columns) {
    if (!findColumn(table, name)) throw new InvalidRequestError(`Undefined column name ${name}`);
  }
  const pk = partitionKeyColumns(table);
  const missingPk = pk.filter((c) => !values.has(c.name));
  if (missingPk.length > 0) {
    throw new InvalidRequestError(`Some partition key parts are missing: ${missingPk.map((c) => c.name).join(', ')}`);
  }
  const ck = clusteringColumns(table);
  const others = table.columns.filter((c) => c.kind === 'regular' || c.kind === 'static').filter((c) => values.has(c.name));
  const staticOnly = ck.every((c) => !values.has(c.name)) && others.every((c) => c.kind === 'static');
  const missingCk = ck.filter((c) => !values.has(c.name));
  if (missingCk.length > 0 && !staticOnly) {
    throw new InvalidRequestError(`Some clustering keys are missing: ${missingCk.map((c) => c.name).join(', ')}`);
  }

  const params = writeParams(table, stmt.using, ctx, false);
  const key = serializePartitionKey(pk.map((c) => keyValue(values.get(c.name)!, c, ctx.term)));
  checkPartitionKey(key);
  const partition = builder.partition(table, key);
  const clustering = staticOnly ? [] : ck.map((c) => keyValue(values.get(c.name)!, c, ctx.term));
  if (!staticOnly || ck.length === 0) {
    partition.row(clustering).setMarker(liveCell(EMPTY, params, 'marker'));
  }
  for (const col of others) {
    const row = col.kind === 'static' ? partition.row([], true) : partition.row(clustering);
    writeColumn(row, col, bindTerm(values.get(col.name)!, col.type, col.name, ctx.term), params, ctx);
  }
}
