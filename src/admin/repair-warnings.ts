/**
 * Tombstones are purged once gc_grace_seconds have passed. A replica that
 * missed a delete and is not repaired within that time can bring the deleted
 * data back after the others purged the tombstone, so `sibyltool info` warns
 * about every table whose last successful repair is older than its gc_grace.
 * A table never repaired on this node is not warned about: this node keeps
 * no record of when the table began taking writes. Pure.
 */
import type { TableMetadata } from '../schema/table.js';

export function repairWarnings(tables: readonly TableMetadata[], lastRepairMs: ReadonlyMap<string, number>, nowMs: number): string[] {
  const out: string[] = [];
  for (const t of tables) {
    const name = `${t.keyspace}.${t.name}`;
    const last = lastRepairMs.get(name);
    if (last === undefined) continue;
    const graceS = t.options.gc_grace_seconds;
    const agoS = Math.floor((nowMs - last) / 1000);
    if (agoS > graceS) {
      out.push(
        `Warning: table ${name} was last repaired ${agoS} seconds ago (${new Date(last).toISOString()}), ` +
          `more than gc_grace_seconds (${graceS}) ago; deleted data may reappear`,
      );
    }
  }
  return out;
}
