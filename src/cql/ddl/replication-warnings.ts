/**
 * What ALTER KEYSPACE tells the client when it changes where data lives.
 * Changing replication moves no data: a replica added by a higher
 * replication factor (or a new datacenter, or another strategy) starts
 * empty and only a full repair fills it, as in Cassandra, whose warning this
 * repeats word for word; a replica dropped by a lower factor keeps its now
 * unowned copy until cleanup removes it.
 */
import type { ReplicationOptions } from '../../schema/table.js';

export const FULL_REPAIR_WARNING = 'When increasing replication factor you need to run a full (-full) repair to distribute the data.';
export const CLEANUP_WARNING =
  'When decreasing replication factor you need to run cleanup (sibyltool cleanup) on every node to remove the data it no longer replicates.';

/** The warnings for a keyspace whose replication changes from `before` to `after`; none when it does not change. */
export function replicationChangeWarnings(before: ReplicationOptions, after: ReplicationOptions): string[] {
  if (before.class !== after.class) return [FULL_REPAIR_WARNING];
  const names = new Set([...Object.keys(before.factors), ...Object.keys(after.factors)]);
  let added = false;
  let removed = false;
  for (const name of names) {
    const was = before.factors[name] ?? 0;
    const now = after.factors[name] ?? 0;
    if (now > was) added = true;
    if (now < was) removed = true;
  }
  return [...(added ? [FULL_REPAIR_WARNING] : []), ...(removed ? [CLEANUP_WARNING] : [])];
}

/**
 * Cassandra 4's warning (CASSANDRA-16296) when a keyspace asks for more
 * replicas than there are nodes, overall for SimpleStrategy or in a
 * datacenter for NetworkTopologyStrategy: such a keyspace cannot meet ALL,
 * nor QUORUM once the factor is past twice the nodes. A datacenter with no
 * known node is not warned about, as in Cassandra. `nodesByDc`: every node
 * the cluster knows, by datacenter.
 */
export function replicationFactorWarnings(keyspace: string, replication: ReplicationOptions, nodesByDc: ReadonlyMap<string, number>): string[] {
  if (replication.class === 'SimpleStrategy') {
    const rf = replication.factors['replication_factor'] ?? 0;
    const nodes = [...nodesByDc.values()].reduce((a, b) => a + b, 0);
    return nodes > 0 && rf > nodes ? [`Your replication factor ${rf} for keyspace ${keyspace} is higher than the number of nodes ${nodes}`] : [];
  }
  const warnings: string[] = [];
  for (const [dc, rf] of Object.entries(replication.factors)) {
    const nodes = nodesByDc.get(dc) ?? 0;
    if (nodes > 0 && rf > nodes) warnings.push(`Your replication factor ${rf} for keyspace ${keyspace} is higher than the number of nodes ${nodes} for datacenter ${dc}`);
  }
  return warnings;
}
