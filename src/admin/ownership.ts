/**
 * Which ownership `status` and `ring` show, decided as Cassandra's
 * StorageService.effectiveOwnership decides it: a named keyspace's effective
 * ownership; without one, the effective ownership shared by every user
 * keyspace (the system keyspaces' when there are none); and when user
 * keyspaces replicate differently, the raw token ownership with a note.
 */
import type { ReplicationOptions } from '../schema/table.js';
import { SYSTEM_KEYSPACES } from '../cql/schema-catalog.js';
import type { NodeView } from './node-view.js';

export const MIXED_REPLICATION_NOTE =
  "Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless";

export interface OwnershipAnswer {
  effective: boolean;
  /** Present when effective ownership could not be computed. */
  note?: string;
  byEndpoint: Map<string, number>;
}

export function ownershipFor(view: NodeView, keyspace: string | undefined): OwnershipAnswer {
  if (keyspace !== undefined) {
    return { effective: true, byEndpoint: view.ownership(view.catalog.requireKeyspace(keyspace).replication) };
  }
  const user = view.catalog.keyspaces().filter((ks) => !SYSTEM_KEYSPACES.includes(ks.name));
  const first = user[0]?.replication ?? view.catalog.requireKeyspace('system').replication;
  if (user.every((ks) => sameReplication(ks.replication, first))) {
    return { effective: true, byEndpoint: view.ownership(first) };
  }
  return { effective: false, note: MIXED_REPLICATION_NOTE, byEndpoint: view.ownership() };
}

function sameReplication(a: ReplicationOptions, b: ReplicationOptions): boolean {
  if (a.class !== b.class) return false;
  const ka = Object.keys(a.factors).sort();
  const kb = Object.keys(b.factors).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a.factors[k] === b.factors[k]);
}
