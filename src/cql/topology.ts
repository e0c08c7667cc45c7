/**
 * What the query processor may know of the cluster for `system.local` and
 * `system.peers`. The processor has no access to gossip; the composition
 * root (src/node) implements this over the Gossiper, and a processor
 * without one describes a node alone.
 */

/** One member of the cluster as the system tables describe it. */
export interface TopologyMember {
  /** Internode address, 'host:port'. */
  endpoint: string;
  hostId: string | undefined;
  dc: string;
  rack: string;
  /** Ring tokens as decimal strings (system tables store them as text). */
  tokens: string[];
  /** Client protocol address, 'host:port'; undefined until the node published one. */
  nativeAddress: string | undefined;
  schemaVersion: string | undefined;
  releaseVersion: string | undefined;
}

export interface TopologySource {
  /** This node. */
  local(): TopologyMember;
  /** Every other member gossip knows that has not left the cluster. */
  peers(): TopologyMember[];
}
