/**
 * Checks a topology change makes before it starts, so it never leaves a
 * keyspace with fewer nodes than its replication factor asks for.
 */
import type { TokenRing } from '../ring/token-ring.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import { InvalidRequestError } from '../util/errors.js';

/** Throws, in Cassandra's words, when the ring left behind cannot hold some keyspace's replication factor. */
export function checkReplicationAfterLeaving(remaining: TokenRing, keyspaces: readonly KeyspaceMetadata[]): void {
  const nodesByDc = new Map<string, number>();
  for (const e of remaining.endpoints()) nodesByDc.set(e.dc, (nodesByDc.get(e.dc) ?? 0) + 1);
  const total = remaining.endpoints().length;
  for (const ks of keyspaces) {
    const needs: [number, number][] =
      ks.replication.class === 'SimpleStrategy'
        ? [[ks.replication.factors['replication_factor'] ?? 0, total]]
        : Object.entries(ks.replication.factors).map(([dc, rf]) => [rf, nodesByDc.get(dc) ?? 0]);
    for (const [rf, n] of needs) {
      if (rf > n) {
        throw new InvalidRequestError(`Not enough live nodes to maintain replication factor in keyspace ${ks.name} (RF = ${rf}, N = ${n}).`);
      }
    }
  }
}
