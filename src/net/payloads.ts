/**
 * What each verb carries. Storage's Partition and ReadCommand travel as they
 * are (plain data: Buffers, numbers, bigint tokens); everything else is
 * declared here so the layers that register handlers (gossip, coordinator,
 * hints, schema) and the layers that send agree on one shape. A field added
 * later must be optional, so a node one version behind still decodes it.
 */
import type { KeyspaceMetadata, SchemaEntry } from '../schema/table.js';
import type { Partition, ReadCommand, TokenRange } from '../storage/model.js';
import type { TraceEvent } from '../util/tracing.js';

/** A node's internode address, `host:port` (e.g. `127.0.0.2:7000`). */
export type EndpointId = string;

/** Partitions to apply through reconcile (a write, a read repair, a replayed hint, a batch). */
export interface MutationRequest {
  partitions: Partition[];
  /** The coordinator is tracing this request: record the replica's steps and return them. */
  trace?: boolean;
}

/** A mutation's acknowledgement; carries the replica's trace events when the request asked for them. */
export interface MutationResponse {
  trace?: TraceEvent[];
}

/** An acknowledgement with nothing to say. */
export type Ack = Record<string, never>;

export interface ReadRequest {
  command: ReadCommand;
  /**
   * For READ_DIGEST: the time (s) the coordinator chose for every replica's
   * digest, so expired cells hash alike everywhere. Absent: the replica's now.
   */
  asOfS?: number;
  /** The coordinator is tracing this request: record the replica's steps and return them. */
  trace?: boolean;
}

export interface ReadResponse {
  /** The replica's unfiltered partition, or null when it holds nothing for the key. */
  partition: Partition | null;
  trace?: TraceEvent[];
}

export interface ReadDigestResponse {
  /** Digest of the replica's answer to the same ReadCommand (src/storage/digest.ts). */
  digest: Buffer;
  trace?: TraceEvent[];
}

/** The coordinator's RangeReadCommand, restated here because src/coordinator sits below src/net. */
export interface RangeReadRequest {
  tableId: string;
  range: TokenRange;
  /** Resume strictly after this partition (paging). */
  after?: { token: bigint; key: Buffer };
  limitPartitions: number;
  withStatic: boolean;
  /** The coordinator is tracing this request: record the replica's steps and return them. */
  trace?: boolean;
}

export interface RangeReadResponse {
  /** Whole partitions in token order, at most limitPartitions. */
  partitions: Partition[];
  trace?: TraceEvent[];
}

/** One endpoint's heartbeat as gossip compares it: a newer generation or a higher version wins. */
export interface GossipDigest {
  endpoint: EndpointId;
  generation: number;
  maxVersion: number;
}

/** One versioned application state value (status, tokens, dc, rack, schema version, load, host id...). */
export interface VersionedValue {
  value: string;
  version: number;
}

export interface EndpointStateWire {
  generation: number;
  heartbeatVersion: number;
  states: Record<string, VersionedValue>;
}

export interface GossipDigestSyn {
  clusterName: string;
  digests: GossipDigest[];
}

export interface GossipDigestAck {
  /** Endpoints the receiver of the SYN wants newer state for. */
  requests: GossipDigest[];
  /** State the receiver of the SYN holds newer than the sender's digests. */
  states: Record<EndpointId, EndpointStateWire>;
}

export interface GossipDigestAck2 {
  states: Record<EndpointId, EndpointStateWire>;
}

/** A node's whole schema, tombstones included, so the receiver can merge it whatever it missed. */
export interface SchemaSnapshot {
  version: string;
  entries: SchemaEntry[];
}

/** A logged batch held by another node until its coordinator confirms it applied. */
export interface BatchlogStoreRequest {
  /** A timeuuid, also the key BATCHLOG_REMOVE names. */
  batchId: string;
  /** When the coordinator wrote it (µs); replay starts once it is older than the write timeout. */
  writtenAtUs: number;
  partitions: Partition[];
  /** The keyspace the partitions belong to, so a replay finds their replicas without the coordinator. */
  keyspace?: KeyspaceMetadata;
  /** A batch spanning keyspaces: the other keyspaces' partitions, part of the same entry so a replay applies them all. */
  more?: { keyspace: KeyspaceMetadata; partitions: Partition[] }[];
}

export interface BatchlogRemoveRequest {
  batchId: string;
}

/** A hinted mutation replayed to the replica that missed it. */
export interface HintRequest {
  /** The target's host id, so a node that changed address refuses a hint meant for another. */
  targetHostId: string;
  partitions: Partition[];
}

export interface TruncateRequest {
  tableId: string;
}

export type EchoRequest = Record<string, never>;

/** Repair: build the Merkle tree of one table over one token range (src/repair/merkle.ts). */
export interface MerkleTreeRequest {
  tableId: string;
  range: TokenRange;
  depth: number;
  /** The time (s) the repair session fixed for every replica's partition digests, so expired cells hash alike. */
  asOfS: number;
}

/** A Merkle tree's non-empty leaves: ascending indexes, their 32-byte hashes concatenated, and partitions per leaf. */
export interface MerkleTreeResponse {
  range: TokenRange;
  depth: number;
  indexes: number[];
  hashes: Buffer;
  partitions: number[];
}

/** Where a paged repair listing resumes: in the rangeIndex-th range (a whole-ring range counts as its two ring-ordered halves), strictly after `after`. */
export interface RepairResume {
  rangeIndex: number;
  after?: { token: bigint; key: Buffer };
}

/** Repair: list the partitions of the sub-ranges whose Merkle leaves differ, as digests. */
export interface RepairDigestsRequest {
  tableId: string;
  ranges: TokenRange[];
  asOfS: number;
  limitPartitions: number;
  resume?: RepairResume;
}

export interface PartitionDigestEntry {
  token: bigint;
  key: Buffer;
  digest: Buffer;
  /** Clustering and static rows the partition holds (tombstoned ones included). */
  rows: number;
}

export interface RepairDigestsResponse {
  entries: PartitionDigestEntry[];
  /** Present when limitPartitions cut the listing short. */
  resume?: RepairResume;
}

/** Repair: the whole unfiltered partitions of these keys. */
export interface RepairFetchRequest {
  tableId: string;
  keys: { token: bigint; key: Buffer }[];
}

export interface RepairFetchResponse {
  /** The replica's version of each asked key it holds. */
  partitions: Partition[];
}

/** Repair: partitions streamed to a replica that lacked them, applied through reconcile. */
export interface RepairStreamRequest {
  partitions: Partition[];
}
