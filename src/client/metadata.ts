/**
 * What the driver knows of the cluster: each node's datacenter, rack and
 * tokens (from system.local and system.peers), each keyspace's replication
 * (from system_schema.keyspaces), and from them the token ring, so a
 * request whose partition key is bound can go to a replica. The ring and
 * placement code are the server's own (src/ring), so the driver computes
 * exactly the replicas the coordinator will use.
 */
import type { BoundValue } from '../cql/processor.js';
import type { Prepared } from '../cql/result.js';
import { murmur3Token } from '../ring/murmur3.js';
import { naturalReplicas } from '../ring/replication.js';
import { TokenRing } from '../ring/token-ring.js';
import { serializePartitionKey, type ReplicationOptions } from '../schema/table.js';

export interface NodeInfo {
  /** The client address, 'host:port'. */
  address: string;
  dc: string;
  rack: string;
  tokens: readonly bigint[];
}

export class ClusterMetadata {
  private ring = TokenRing.empty();
  private readonly replication = new Map<string, ReplicationOptions>();

  /** Replaces the ring; nodes without tokens (still joining) own nothing yet. */
  setNodes(nodes: readonly NodeInfo[]): void {
    try {
      this.ring = TokenRing.of(nodes.filter((n) => n.tokens.length > 0).map((n) => ({ id: n.address, ...n })));
    } catch {
      // Two nodes claiming one token is a transient view during a move; the previous ring stays.
    }
  }

  /** Replaces every keyspace's replication, from system_schema.keyspaces rows. */
  setKeyspaces(rows: readonly { keyspace_name: unknown; replication: unknown }[]): void {
    this.replication.clear();
    for (const row of rows) {
      const options = parseReplication(row.replication);
      if (typeof row.keyspace_name === 'string' && options) this.replication.set(row.keyspace_name, options);
    }
  }

  keyspaceNames(): string[] {
    return [...this.replication.keys()];
  }

  /** The client addresses of the replicas of a partition, primary first; empty when unknown. */
  replicas(keyspace: string, partitionKey: Buffer): readonly string[] {
    const replication = this.replication.get(keyspace);
    if (!replication || this.ring.isEmpty()) return [];
    return naturalReplicas(this.ring, replication, murmur3Token(partitionKey));
  }
}

/**
 * The serialized partition key of a prepared statement's bound values, or
 * undefined when the statement is not routable (its key is not fully bound
 * by markers, or a key value is null or unset).
 */
export function routingKey(prepared: Prepared, values: readonly BoundValue[]): { keyspace: string; key: Buffer } | undefined {
  const indexes = prepared.pkIndexes;
  if (!indexes || indexes.length === 0) return undefined;
  const components: Buffer[] = [];
  for (const i of indexes) {
    const value = values[i];
    if (!Buffer.isBuffer(value)) return undefined;
    components.push(value);
  }
  const keyspace = prepared.params[indexes[0]!]?.keyspace;
  if (keyspace === undefined) return undefined;
  return { keyspace, key: serializePartitionKey(components) };
}

/** system_schema.keyspaces' replication map ({class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '3'}). */
export function parseReplication(value: unknown): ReplicationOptions | undefined {
  if (!(value instanceof Map)) return undefined;
  const className = String(value.get('class') ?? '').replace(/^.*\./, '');
  if (className !== 'SimpleStrategy' && className !== 'NetworkTopologyStrategy') return undefined;
  const factors: Record<string, number> = {};
  for (const [k, v] of value) {
    if (k === 'class') continue;
    const n = Number(v);
    if (Number.isInteger(n) && n >= 0) factors[String(k)] = n;
  }
  return { class: className, factors };
}
