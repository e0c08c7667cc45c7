/**
 * The NodeView of a node running alone: it is the whole ring, owns every
 * token and is always up. It holds one token (the Murmur3 token of its host
 * id) so the ring arithmetic of src/ring answers ownership and replica
 * questions exactly as it will for a cluster: 100% owned, every key on this
 * node. Gossip does not run, so gossipinfo shows the state this node would
 * publish.
 */
import { getHeapStatistics } from 'node:v8';
import type { Clock } from '../clock/clock.js';
import type { RandomSource } from '../clock/random.js';
import type { SchemaCatalog } from '../cql/schema-catalog.js';
import { encodeTokens } from '../gossip/endpoint-state.js';
import { loadOrCreateHostId, type MetaStore } from '../gossip/identity.js';
import { FaultFilter } from '../net/faults.js';
import { VERBS } from '../net/verbs.js';
import { murmur3Token } from '../ring/murmur3.js';
import { effectiveOwnership, naturalReplicas } from '../ring/replication.js';
import { TokenRing } from '../ring/token-ring.js';
import type { ReplicationOptions } from '../schema/table.js';
import type { Settings } from '../util/settings.js';
import { directoryBytes } from './disk-usage.js';
import type { ProxyMetrics } from './metrics/metered-coordinator.js';
import type { GossipEndpointInfo, NodeMetrics, NodeView, RingMember } from './node-view.js';
import { RELEASE_VERSION } from './release-version.js';

export interface SingleNodeViewOptions {
  settings: Settings;
  clock: Clock;
  catalog: SchemaCatalog;
  /** Where the host id is kept across restarts (the storage engine's meta entries). */
  store: MetaStore;
  /** Where clients reach this node (the bound port). */
  nativeAddress: { host: string; port: number };
  metrics: ProxyMetrics;
  random?: RandomSource;
  /** Defaults to a fresh filter; nothing consults it until the node has internode messaging. */
  faults?: FaultFilter;
}

export class SingleNodeView implements NodeView {
  readonly settings: Settings;
  readonly clock: Clock;
  readonly catalog: SchemaCatalog;
  readonly faults: FaultFilter;
  readonly endpoint: string;
  readonly nativeAddress: string;
  readonly dc = 'datacenter1';
  readonly rack = 'rack1';
  readonly snitch = 'SimpleSnitch';
  readonly releaseVersion = RELEASE_VERSION;
  readonly startedAtMs: number;
  readonly generation: number;
  private readonly tokenRing: TokenRing;
  private readonly metricsSource: ProxyMetrics;

  private constructor(
    options: SingleNodeViewOptions,
    readonly hostId: string,
  ) {
    this.settings = options.settings;
    this.clock = options.clock;
    this.catalog = options.catalog;
    this.faults = options.faults ?? new FaultFilter();
    this.metricsSource = options.metrics;
    this.endpoint = `${options.settings.listen_address}:${options.settings.storage_port}`;
    this.nativeAddress = `${options.nativeAddress.host}:${options.nativeAddress.port}`;
    this.startedAtMs = options.clock.nowMs();
    this.generation = options.clock.nowS();
    const token = murmur3Token(Buffer.from(hostId, 'utf8'));
    this.tokenRing = TokenRing.of([{ id: this.endpoint, tokens: [token], dc: this.dc, rack: this.rack }]);
  }

  /** Loads (or creates and persists) the host id, then builds the view. */
  static async create(options: SingleNodeViewOptions): Promise<SingleNodeView> {
    const hostId = await loadOrCreateHostId(options.store, options.random ?? Math.random);
    return new SingleNodeView(options, hostId);
  }

  gossipActive(): boolean {
    return false;
  }

  nativeTransportActive(): boolean {
    return true;
  }

  load(): Promise<number> {
    return directoryBytes(this.settings.data_directory);
  }

  async ring(): Promise<RingMember[]> {
    return [
      {
        endpoint: this.endpoint,
        hostId: this.hostId,
        dc: this.dc,
        rack: this.rack,
        tokens: this.tokenRing.sortedTokens(),
        status: 'UN',
        loadBytes: await this.load(),
        clockOffsetMs: 0,
        nativeAddress: this.nativeAddress,
        releaseVersion: this.releaseVersion,
        schemaVersion: this.catalog.version,
      },
    ];
  }

  schemaVersions(): Map<string, string[]> {
    return new Map([[this.catalog.version, [this.endpoint]]]);
  }

  gossipInfo(): GossipEndpointInfo[] {
    const values: [string, string][] = [
      ['STATUS', `NORMAL,${this.tokenRing.sortedTokens()[0]}`],
      ['TOKENS', encodeTokens(this.tokenRing.sortedTokens())],
      ['DC', this.dc],
      ['RACK', this.rack],
      ['SCHEMA', this.catalog.version],
      ['HOST_ID', this.hostId],
      ['NATIVE_ADDRESS', this.nativeAddress],
      ['RELEASE_VERSION', this.releaseVersion],
    ];
    const states: GossipEndpointInfo['states'] = {};
    values.forEach(([key, value], i) => (states[key] = { value, version: i + 1 }));
    // Gossip would beat once per gossip_interval since the start.
    const heartbeat = Math.floor((this.clock.nowMs() - this.startedAtMs) / this.settings.gossip_interval);
    return [{ endpoint: this.endpoint, generation: this.generation, heartbeat, states }];
  }

  ownership(replication?: ReplicationOptions): Map<string, number> {
    return replication ? effectiveOwnership(this.tokenRing, replication) : this.tokenRing.ownership();
  }

  naturalReplicas(keyspace: string, keyBytes: Buffer): string[] {
    const replication = this.catalog.requireKeyspace(keyspace).replication;
    return [...naturalReplicas(this.tokenRing, replication, murmur3Token(keyBytes))];
  }

  metrics(): NodeMetrics {
    const memory = process.memoryUsage();
    const dropped: Record<string, number> = {};
    for (const [verb, spec] of Object.entries(VERBS)) if (spec.kind !== 'response') dropped[verb] = 0;
    return {
      proxy: {
        read: this.metricsSource.read.latency.snapshot(),
        write: this.metricsSource.write.latency.snapshot(),
        range: this.metricsSource.range.latency.snapshot(),
      },
      pools: this.metricsSource.pools(),
      dropped,
      heapUsedBytes: memory.heapUsed,
      heapMaxBytes: getHeapStatistics().heap_size_limit,
      offHeapBytes: memory.external,
    };
  }
}
