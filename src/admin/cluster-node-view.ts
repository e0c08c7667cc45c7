/**
 * The NodeView of a node in a cluster (a node alone is a cluster of one):
 * membership, states and clock offsets come from gossip, ownership and
 * replicas from the token ring gossip has built, metrics from the node's
 * coordinator. Every answer is what this node currently believes, as
 * nodetool's are.
 */
import { getHeapStatistics } from 'node:v8';
import type { Clock } from '../clock/clock.js';
import type { SchemaCatalog } from '../cql/schema-catalog.js';
import { decodeTokens, statusOf, type EndpointState } from '../gossip/endpoint-state.js';
import type { Gossiper } from '../gossip/gossiper.js';
import type { FaultFilter } from '../net/faults.js';
import type { MessagingService } from '../net/messaging.js';
import { VERBS } from '../net/verbs.js';
import { murmur3Token } from '../ring/murmur3.js';
import { effectiveOwnership, naturalReplicas } from '../ring/replication.js';
import type { TokenRing } from '../ring/token-ring.js';
import type { ReplicationOptions } from '../schema/table.js';
import type { Partition, ReadCommand } from '../storage/model.js';
import type { Settings } from '../util/settings.js';
import { directoryBytes } from './disk-usage.js';
import type { ProxyMetrics } from './metrics/metered-coordinator.js';
import type { EndpointStatus, GossipEndpointInfo, HintsView, InternodeStats, NodeMetrics, NodeView, ReadRepairStats, RingChangesView, RingMember, TokenRangeReplicas } from './node-view.js';
import { RELEASE_VERSION } from './release-version.js';

export interface ClusterNodeViewOptions {
  settings: Settings;
  clock: Clock;
  catalog: SchemaCatalog;
  gossiper: Gossiper;
  messaging: Pick<MessagingService, 'faults' | 'inboundLoadStats' | 'refusedHandshakes'>;
  ring: () => TokenRing;
  hostId: string;
  generation: number;
  /** Where clients reach this node (the bound port). */
  nativeAddress: { host: string; port: number };
  metrics: ProxyMetrics;
  startedAtMs: number;
  nativeTransportActive: () => boolean;
  /** Hinted handoff on this node. */
  hints?: HintsView;
  repair?: NodeView['repair'];
  /** `sibyltool cleanup` on this node. */
  cleanup?: NodeView['cleanup'];
  /** Bootstrap, decommission and removenode on this node. */
  ringChanges?: RingChangesView;
  /** The coordinator's read repair counters. */
  readRepair?: () => { attempted: number; mismatchBlocking: number };
  /** Streams in progress, one line each (repair's streaming fills it). */
  streaming?: () => string[];
  /** This node's own storage, for `dump`. */
  readLocal?: (command: ReadCommand) => Promise<Partition | undefined>;
}

/** nodetool's second letter for a gossiped STATUS. */
const STATE_LETTER: Record<string, string> = { NORMAL: 'N', BOOT: 'J', LEAVING: 'L', LEFT: 'L', SHUTDOWN: 'N', REMOVING: 'L' };

export class ClusterNodeView implements NodeView {
  readonly settings: Settings;
  readonly clock: Clock;
  readonly catalog: SchemaCatalog;
  readonly faults: FaultFilter;
  readonly hostId: string;
  readonly endpoint: string;
  readonly nativeAddress: string;
  readonly dc: string;
  readonly rack: string;
  readonly startedAtMs: number;
  readonly generation: number;
  readonly snitch = 'GossipingPropertyFileSnitch';
  readonly releaseVersion = RELEASE_VERSION;
  readonly hints: HintsView | undefined;
  readonly repair: NodeView['repair'];
  readonly cleanup: NodeView['cleanup'];
  readonly ringChanges: RingChangesView | undefined;

  constructor(private readonly options: ClusterNodeViewOptions) {
    this.settings = options.settings;
    this.clock = options.clock;
    this.catalog = options.catalog;
    this.faults = options.messaging.faults;
    this.hostId = options.hostId;
    this.endpoint = options.gossiper.self;
    this.nativeAddress = `${options.nativeAddress.host}:${options.nativeAddress.port}`;
    this.dc = options.settings.dc;
    this.rack = options.settings.rack;
    this.startedAtMs = options.startedAtMs;
    this.generation = options.generation;
    this.hints = options.hints;
    this.repair = options.repair;
    this.cleanup = options.cleanup;
    this.ringChanges = options.ringChanges;
  }

  readRepairStats(): ReadRepairStats {
    const counts = this.options.readRepair?.() ?? { attempted: 0, mismatchBlocking: 0 };
    // Every read repair here blocks the read; none is left to the background.
    return { attempted: counts.attempted, mismatchBlocking: counts.mismatchBlocking, mismatchBackground: 0 };
  }

  internodeStats(): InternodeStats {
    return { ...this.options.messaging.inboundLoadStats(), refusedHandshakes: this.options.messaging.refusedHandshakes() };
  }

  streamingLines(): string[] {
    return this.options.streaming?.() ?? [];
  }

  async localPartition(tableId: string, key: Buffer): Promise<Partition | undefined> {
    if (!this.options.readLocal) return undefined;
    return this.options.readLocal({ tableId, key, token: murmur3Token(key), slices: [], withStatic: true, reversed: false });
  }

  gossipActive(): boolean {
    return this.options.gossiper.isAlive(this.endpoint);
  }

  nativeTransportActive(): boolean {
    return this.options.nativeTransportActive();
  }

  load(): Promise<number> {
    return directoryBytes(this.settings.data_directory);
  }

  async ring(): Promise<RingMember[]> {
    const ownLoad = await this.load();
    const members: RingMember[] = [];
    for (const [endpoint, state] of this.options.gossiper.endpoints()) {
      // A node that left the ring is gossiped about only so that every node learns it left; nodetool lists it nowhere.
      if (statusOf(state) === 'LEFT') continue;
      const value = (key: string) => state.states[key]?.value;
      const self = endpoint === this.endpoint;
      const load = self ? ownLoad : Number(value('LOAD'));
      members.push({
        endpoint,
        hostId: value('HOST_ID') ?? '?',
        dc: value('DC') ?? this.dc,
        rack: value('RACK') ?? this.rack,
        tokens: this.options.ring().has(endpoint) ? this.tokensOf(endpoint) : decodeTokens(value('TOKENS')),
        status: this.statusOf(endpoint, state),
        loadBytes: Number.isFinite(load) ? load : null,
        clockOffsetMs: this.options.gossiper.clockOffsetMs(endpoint) ?? null,
        nativeAddress: value('NATIVE_ADDRESS') ?? '?',
        releaseVersion: value('RELEASE_VERSION') ?? '?',
        schemaVersion: self ? this.catalog.version : (value('SCHEMA') ?? '?'),
      });
    }
    return members;
  }

  /** Live members by schema version, then, as Cassandra lists them, the members that are down under `UNREACHABLE`. */
  schemaVersions(): Map<string, string[]> {
    const versions = new Map<string, string[]>();
    const unreachable: string[] = [];
    for (const [endpoint, state] of this.options.gossiper.endpoints()) {
      if (!this.options.gossiper.isAlive(endpoint)) {
        if (statusOf(state) !== 'LEFT') unreachable.push(endpoint);
        continue;
      }
      const version = endpoint === this.endpoint ? this.catalog.version : (state.states['SCHEMA']?.value ?? 'UNKNOWN');
      versions.set(version, [...(versions.get(version) ?? []), endpoint]);
    }
    if (unreachable.length > 0) versions.set('UNREACHABLE', unreachable);
    return versions;
  }

  gossipInfo(): GossipEndpointInfo[] {
    return [...this.options.gossiper.endpoints()].map(([endpoint, state]) => {
      const states: GossipEndpointInfo['states'] = {};
      for (const [key, v] of Object.entries(state.states)) states[key] = { value: v.value, version: v.version };
      return { endpoint, generation: state.heartbeat.generation, heartbeat: state.heartbeat.version, states };
    });
  }

  ownership(replication?: ReplicationOptions): Map<string, number> {
    const ring = this.options.ring();
    return replication ? effectiveOwnership(ring, replication) : ring.ownership();
  }

  naturalReplicas(keyspace: string, keyBytes: Buffer): string[] {
    const replication = this.catalog.requireKeyspace(keyspace).replication;
    return [...naturalReplicas(this.options.ring(), replication, murmur3Token(keyBytes))];
  }

  tokenRanges(keyspace: string): TokenRangeReplicas[] {
    const replication = this.catalog.requireKeyspace(keyspace).replication;
    const ring = this.options.ring();
    const tokens = ring.sortedTokens();
    return tokens.map((end, i) => ({
      start: String(tokens[(i + tokens.length - 1) % tokens.length]),
      end: String(end),
      replicas: [...naturalReplicas(ring, replication, end)],
    }));
  }

  metrics(): NodeMetrics {
    const memory = process.memoryUsage();
    const source = this.options.metrics;
    return {
      proxy: { read: source.read.latency.snapshot(), write: source.write.latency.snapshot(), range: source.range.latency.snapshot() },
      pools: source.pools(),
      dropped: this.droppedByVerb(),
      heapUsedBytes: memory.heapUsed,
      heapMaxBytes: getHeapStatistics().heap_size_limit,
      offHeapBytes: memory.external,
    };
  }

  /** Messages the fault rules dropped, per verb: every request and one-way verb, 0 when none was, as nodetool lists them. */
  private droppedByVerb(): Record<string, number> {
    const dropped: Record<string, number> = {};
    for (const [verb, spec] of Object.entries(VERBS)) if (spec.kind !== 'response') dropped[verb] = 0;
    for (const rule of this.faults.list()) {
      if (rule.action === 'drop') dropped[rule.verb] = (dropped[rule.verb] ?? 0) + rule.matched;
    }
    return dropped;
  }

  private tokensOf(endpoint: string): bigint[] {
    const ring = this.options.ring();
    return ring.sortedTokens().filter((_, i) => ring.ownerAt(i) === endpoint);
  }

  private statusOf(endpoint: string, state: EndpointState): EndpointStatus {
    const up = this.options.gossiper.isAlive(endpoint) ? 'U' : 'D';
    const letter = STATE_LETTER[statusOf(state) ?? 'NORMAL'] ?? 'N';
    return `${up}${letter}` as EndpointStatus;
  }
}
