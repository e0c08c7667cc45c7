/**
 * Merges two definitions of the same table (same id) that two nodes changed
 * concurrently, column by column, as Cassandra's schema tables merge row by
 * row: two ALTER TABLE ADDs run at once on two nodes both keep their column,
 * where taking the newer definition whole would silently lose one.
 *
 * Each column's fate is its latest event: an ADD (the column's addedAtUs; 0
 * for the columns of CREATE TABLE) or a DROP (the dropped record's
 * droppedAtUs). The options come from the definition whose options changed
 * last. Every choice is a maximum, so the merge is commutative, associative
 * and idempotent, and nodes exchanging definitions in any order converge.
 */
import type { ColumnMetadata, DroppedColumn, TableMetadata } from '../schema/table.js';

export function mergeTables(a: TableMetadata, b: TableMetadata): TableMetadata {
  const keys = a.columns.filter(isKey);
  const latestAdd = new Map<string, ColumnMetadata>();
  for (const c of [...a.columns.map((col) => withAddTime(a, col)), ...b.columns.map((col) => withAddTime(b, col))]) {
    if (isKey(c)) continue;
    const seen = latestAdd.get(c.name);
    if (!seen || compareAdds(c, seen) > 0) latestAdd.set(c.name, c);
  }
  const latestDrop = new Map<string, DroppedColumn>();
  for (const d of [...(a.dropped ?? []), ...(b.dropped ?? [])]) {
    const seen = latestDrop.get(d.name);
    if (!seen || d.droppedAtUs > seen.droppedAtUs || (d.droppedAtUs === seen.droppedAtUs && JSON.stringify(d) > JSON.stringify(seen))) {
      latestDrop.set(d.name, d);
    }
  }
  const live = [...latestAdd.values()].filter((c) => (c.addedAtUs ?? 0) > (latestDrop.get(c.name)?.droppedAtUs ?? -1));
  // CREATE TABLE's columns keep their declared order (the same on both sides); added ones follow in the order they were added.
  const createdOrder = new Map([...a.columns, ...b.columns].map((c, i) => [c.name, i] as const));
  live.sort((x, y) => (x.addedAtUs ?? 0) - (y.addedAtUs ?? 0) || ((x.addedAtUs ?? 0) === 0 ? createdOrder.get(x.name)! - createdOrder.get(y.name)! : x.name < y.name ? -1 : 1));
  const newerOptions = compareOptions(a, b) >= 0 ? a : b;
  const dropped = [...latestDrop.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  // Built key by key, so the definition's bytes (the schema digest hashes them) do not depend on which side came first.
  const merged: TableMetadata = { keyspace: a.keyspace, name: a.name, id: a.id, columns: [...keys, ...live], options: newerOptions.options };
  if (dropped.length > 0) merged.dropped = dropped;
  if (newerOptions.optionsAtUs !== undefined) merged.optionsAtUs = newerOptions.optionsAtUs;
  return merged;
}

/**
 * A column recorded before add times were kept, yet listed among its own
 * table's dropped columns, was added again after that drop: it counts as
 * added just after it.
 */
function withAddTime(table: TableMetadata, c: ColumnMetadata): ColumnMetadata {
  if (c.addedAtUs !== undefined) return c;
  const dropped = table.dropped?.find((d) => d.name === c.name);
  return dropped ? { ...c, addedAtUs: dropped.droppedAtUs + 1 } : c;
}

function isKey(c: ColumnMetadata): boolean {
  return c.kind === 'partition_key' || c.kind === 'clustering';
}

function compareAdds(x: ColumnMetadata, y: ColumnMetadata): number {
  const dx = x.addedAtUs ?? 0;
  const dy = y.addedAtUs ?? 0;
  if (dx !== dy) return dx < dy ? -1 : 1;
  const jx = JSON.stringify(x);
  const jy = JSON.stringify(y);
  return jx < jy ? -1 : jx > jy ? 1 : 0;
}

function compareOptions(a: TableMetadata, b: TableMetadata): number {
  const ta = a.optionsAtUs ?? 0;
  const tb = b.optionsAtUs ?? 0;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ja = JSON.stringify(a.options);
  const jb = JSON.stringify(b.options);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}
