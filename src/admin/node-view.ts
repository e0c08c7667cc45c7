/**
 * What the server side of sibyltool needs from a node, and nothing more.
 * The admin commands (commands/*.ts) read a NodeView and return plain data;
 * they never reach into the node's parts directly. A single node implements
 * it in single-node-view.ts; the cluster implements it over gossip and the
 * token ring. Keeping the seam this narrow lets the commands be tested
 * against a fake view with exact data.
 */
import type { Clock } from '../clock/clock.js';
import type { Cleanup } from './cleanup.js';
import type { SchemaCatalog } from '../cql/schema-catalog.js';
import type { FaultFilter } from '../net/faults.js';
import type { RepairService } from '../repair/service.js';
import type { ReplicationOptions } from '../schema/table.js';
import type { Partition } from '../storage/model.js';
import type { Settings } from '../util/settings.js';
import type { HistogramSnapshot } from './metrics/latency-histogram.js';

/**
 * nodetool's two-letter state: Up or Down, then Normal, Joining, Leaving or
 * Moving. '?N' is an endpoint whose liveness is unknown.
 */
export type EndpointStatus = 'UN' | 'DN' | 'UJ' | 'DJ' | 'UL' | 'DL' | 'UM' | 'DM' | '?N';

/** One endpoint of the ring as the local node sees it. */
export interface RingMember {
  /** Internode endpoint, 'host:port'; the endpoint's identity in the ring. */
  endpoint: string;
  hostId: string;
  dc: string;
  rack: string;
  tokens: readonly bigint[];
  status: EndpointStatus;
  /** Bytes on disk, as the endpoint last reported them; null when unknown. */
  loadBytes: number | null;
  /** How far the endpoint's wall clock is ahead of this node's (negative: behind); null when unknown. */
  clockOffsetMs: number | null;
  /** Client (native protocol) address, 'host:port'. */
  nativeAddress: string;
  releaseVersion: string;
  schemaVersion: string;
}

/** One endpoint's gossip state, as `sibyltool gossipinfo` prints it. */
export interface GossipEndpointInfo {
  endpoint: string;
  generation: number;
  heartbeat: number;
  /** Application states (STATUS, LOAD, SCHEMA, ...) with the version that stamped each. */
  states: Record<string, { value: string; version: number }>;
}

/** One stage (pool) of work, with nodetool tpstats' columns. */
export interface PoolStats {
  name: string;
  active: number;
  pending: number;
  completed: number;
  blocked: number;
  allTimeBlocked: number;
}

export interface NodeMetrics {
  /** Coordinator latencies, as `sibyltool proxyhistograms` shows them. */
  proxy: { read: HistogramSnapshot; write: HistogramSnapshot; range: HistogramSnapshot };
  pools: PoolStats[];
  /** Messages dropped per verb. */
  dropped: Record<string, number>;
  heapUsedBytes: number;
  heapMaxBytes: number;
  offHeapBytes: number;
}

/** One target with pending hints on this node. */
export interface PendingHintsView {
  hostId: string;
  /** The target's internode endpoint when gossip knows it. */
  endpoint: string | undefined;
  count: number;
  bytes: number;
  oldestMs: number;
  newestMs: number;
}

/** Hinted handoff as the operator commands see it (src/hints/hinted-handoff.ts implements it). */
export interface HintsView {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
  pending(): PendingHintsView[];
  /** Deletes the pending hints of one target (endpoint, address or host id) or of all; returns how many. */
  truncate(target?: string): Promise<number>;
  /** Hints dropped per target host id: those targets' ranges need repair. */
  droppedByTarget(): Map<string, number>;
  stats(): { stored: number; dropped: number; replayed: number; replayFailures: number };
}

/** Read repair counts, as netstats prints them. */
export interface ReadRepairStats {
  attempted: number;
  mismatchBlocking: number;
  mismatchBackground: number;
}

/** Internode load on this node: peers' requests and the bounds on them, and refused handshakes (netstats). */
export interface InternodeStats {
  /** Peers' requests running on this node now. */
  requestsInFlight: number;
  /** Peers' requests answered Overloaded at internode_max_requests_in_flight_per_peer. */
  overloadedRequests: number;
  /** Inbound connections not read now because their peer leaves internode_max_pending_response_bytes unread. */
  connectionsPausedNow: number;
  /** Times an inbound connection stopped reading for that reason since the node started. */
  pausesForOutput: number;
  /** Inbound connections refused or closed before completing their handshake (wrong secret, stall, TLS failure, garbage). */
  refusedHandshakes: number;
}

/** A range of the ring, its tokens as decimal strings, and the endpoints replicating it in replica order. */
export interface TokenRangeReplicas {
  start: string;
  end: string;
  replicas: string[];
}

/** One bootstrap, decommission (Unbootstrap) or removenode, as `sibyltool` polls it. */
export interface RingOperationStatus {
  id: string;
  kind: 'Bootstrap' | 'Unbootstrap' | 'Removenode';
  state: 'running' | 'succeeded' | 'failed';
  error?: string;
  rangesDone: number;
  rangesTotal: number;
  bytes: number;
  partitions: number;
  /** Bytes per second since the operation started. */
  rate: number;
  peers: string[];
  /** Removenode: the node being removed. */
  target?: { endpoint: string; hostId: string };
}

/** Growing and shrinking the ring from this node (src/node/topology.ts implements it). */
export interface RingChangesView {
  /** netstats' Mode: STARTING, JOINING, NORMAL, LEAVING or DECOMMISSIONED. */
  mode(): string;
  /** Starts decommissioning this node; it stops once it has left. */
  decommission(): { id: string };
  /** Starts removing the dead node owning the host id. */
  removenode(hostId: string): { id: string };
  removalStatus(): string;
  forceRemoval(): Promise<string>;
  status(id: string): RingOperationStatus;
}

export interface NodeView {
  readonly settings: Settings;
  readonly clock: Clock;
  readonly catalog: SchemaCatalog;
  /** The fault rules of this node's messaging (`sibyltool faults`). */
  readonly faults: FaultFilter;
  readonly hostId: string;
  /** This node's internode endpoint, 'host:port'. */
  readonly endpoint: string;
  /** This node's client address, 'host:port'. */
  readonly nativeAddress: string;
  readonly dc: string;
  readonly rack: string;
  /** Wall-clock milliseconds when the node started. */
  readonly startedAtMs: number;
  /** Gossip generation: seconds since the epoch of this process's start, persisted to grow across restarts. */
  readonly generation: number;
  /** The snitch's name, as describecluster prints it. */
  readonly snitch: string;
  readonly releaseVersion: string;
  gossipActive(): boolean;
  nativeTransportActive(): boolean;
  /** This node's bytes on disk (its data directory). */
  load(): Promise<number>;
  /** Every endpoint known, this node included. */
  ring(): Promise<RingMember[]>;
  /** Schema version → the live endpoints holding it; the endpoints that are down under 'UNREACHABLE', as Cassandra lists them. */
  schemaVersions(): Map<string, string[]>;
  gossipInfo(): GossipEndpointInfo[];
  /**
   * The fraction of the data each endpoint holds: effective ownership under
   * `replication` (nodetool's 'Owns (effective)'; RF 3 on three nodes gives
   * 1.0 each), or the raw share of the token ring when it is undefined.
   */
  ownership(replication?: ReplicationOptions): Map<string, number>;
  /** The endpoints replicating the partition whose serialized key is `keyBytes`, under the keyspace's replication. */
  naturalReplicas(keyspace: string, keyBytes: Buffer): string[];
  /** Every token range (start, end] of the ring in token order, with its replicas under the keyspace's replication (describering). */
  tokenRanges?(keyspace: string): TokenRangeReplicas[];
  metrics(): NodeMetrics;
  /** Hinted handoff on this node; absent where the node keeps no hints. */
  readonly hints?: HintsView;
  readRepairStats?(): ReadRepairStats;
  /** netstats' internode lines; absent where the node has no messaging. */
  internodeStats?(): InternodeStats;
  /**
   * netstats' streaming lines (one per session and file being sent or
   * received); empty or absent when nothing streams, which netstats prints as
   * 'Not sending any streams.'
   */
  streamingLines?(): string[];
  /** What this node's own storage holds for the partition, tombstones included; not through the coordinator. */
  localPartition?(tableId: string, key: Buffer): Promise<Partition | undefined>;
  /** Bootstrap, decommission and removenode (`sibyltool decommission`, `removenode`, netstats' mode); absent where the node cannot. */
  readonly ringChanges?: RingChangesView;
  /** Repair on this node (`sibyltool repair`, `merkleroot`); absent where the node runs none. */
  readonly repair?: Pick<RepairService, 'start' | 'status' | 'history' | 'merkleRoot'>;
  /** Deleting the data of ranges this node no longer replicates (`sibyltool cleanup`); absent where the node cannot. */
  readonly cleanup?: Pick<Cleanup, 'run'>;
}
