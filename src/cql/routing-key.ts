/**
 * Which bind markers carry a statement's partition key. PREPARE reports
 * them (Prepared.pkIndexes) so a driver can hash the bound key the way the
 * coordinator will and send the request straight to a replica, saving the
 * extra hop a random coordinator costs, as Cassandra's prepared metadata
 * does with its partition key indexes.
 */
import type { Relation, Statement, Term } from '../../grammar/ast.js';
import { partitionKeyColumns, type TableMetadata } from '../schema/table.js';

/**
 * The marker index binding each partition key column, in key order, when
 * the statement targets one partition and every key column is a plain
 * marker; undefined otherwise (a literal key, an IN, a range scan, a batch).
 */
export function partitionKeyIndexes(statement: Statement, table: TableMetadata): number[] | undefined {
  const markers = new Map<string, Term>();
  switch (statement.kind) {
    case 'insert':
      statement.columns.forEach((c, i) => markers.set(c, statement.values[i]!));
      break;
    case 'update':
    case 'delete':
    case 'select':
      collectEqualities(statement.where, markers);
      break;
    default:
      return undefined;
  }
  const indexes: number[] = [];
  for (const key of partitionKeyColumns(table)) {
    const term = markers.get(key.name);
    if (term?.kind !== 'bind') return undefined;
    indexes.push(term.index);
  }
  return indexes.length > 0 ? indexes : undefined;
}

function collectEqualities(where: Relation[], into: Map<string, Term>): void {
  for (const r of where) {
    if (r.kind === 'compare' && r.op === '=') into.set(r.column, r.value);
  }
}
