/**
 * SELECT, the read path of the CQL layer.
 *
 * - restrictions.ts binds the WHERE clause and groups it by column, tuple and token.
 * - clustering.ts and intervals.ts turn clustering restrictions into slices of storage order.
 * - plan.ts decides named partitions or a token-range scan, the direction, and what is filtered.
 * - selection.ts resolves the SELECT clause into result columns and per-row values.
 * - source.ts walks the rows from the coordinator, from a paging state (paging.ts).
 * - execute.ts puts it together into a page of rows, or the one COUNT row.
 */
import type { Select } from '../../../grammar/ast.js';
import type { TableMetadata } from '../../schema/table.js';
import type { ColumnSpec } from '../result.js';
import { resolveSelection } from './selection.js';

export { executeSelect, type SelectContext, type SelectOptions } from './execute.js';

/** The columns a SELECT returns, for PREPARE's and the result's metadata. Throws InvalidRequestError on an invalid selection. */
export function selectResultColumns(table: TableMetadata, stmt: Select): ColumnSpec[] {
  return resolveSelection(table, stmt).specs;
}
