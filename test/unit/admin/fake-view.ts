/**
 * A NodeView with fixed, known data for testing the admin commands: three
 * endpoints in two datacenters, a real SchemaCatalog over memory, and a real
 * FaultFilter. Ownership and replicas are whatever the test sets.
 */
import { parseStatement } from '../../../grammar/index.js';
import type { CreateKeyspace, CreateTable } from '../../../grammar/ast.js';
import { ManualClock } from '../../../src/clock/clock.js';
import { SchemaCatalog } from '../../../src/cql/schema-catalog.js';
import { FaultFilter } from '../../../src/net/faults.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import { LatencyHistogram } from '../../../src/admin/metrics/latency-histogram.js';
import type { GossipEndpointInfo, NodeMetrics, NodeView, RingMember } from '../../../src/admin/node-view.js';
import { MemorySchemaStore } from '../cql/memory-schema-store.js';

export const HOST_1 = '11111111-1111-4111-8111-111111111111';

export function member(endpoint: string, overrides: Partial<RingMember> = {}): RingMember {
  return {
    endpoint,
    hostId: HOST_1,
    dc: 'dc1',
    rack: 'rack1',
    tokens: [1n],
    status: 'UN',
    loadBytes: 1024,
    clockOffsetMs: 0,
    nativeAddress: endpoint.replace(':7000', ':9042'),
    releaseVersion: '0.1.0',
    schemaVersion: 'v1',
    ...overrides,
  };
}

export class FakeNodeView implements NodeView {
  readonly settings: Settings = { ...DEFAULT_SETTINGS, cluster_name: 'Test Cluster' };
  readonly clock = new ManualClock(1_700_000_100_000_000);
  readonly catalog = new SchemaCatalog(new MemorySchemaStore());
  readonly faults = new FaultFilter();
  readonly hostId = HOST_1;
  readonly endpoint = '127.0.0.1:7000';
  readonly nativeAddress = '127.0.0.1:9042';
  readonly dc = 'dc1';
  readonly rack = 'rack1';
  readonly startedAtMs = 1_700_000_000_000;
  readonly generation = 1_700_000_000;
  readonly snitch = 'GossipingPropertyFileSnitch';
  readonly releaseVersion = '0.1.0';
  members: RingMember[] = [
    member('127.0.0.1:7000', { tokens: [-100n, 300n] }),
    member('127.0.0.2:7000', { hostId: '22222222-2222-4222-8222-222222222222', tokens: [100n], loadBytes: null, clockOffsetMs: 12 }),
    member('127.0.0.3:7000', { hostId: '33333333-3333-4333-8333-333333333333', dc: 'dc2', rack: 'r2', status: 'DN', tokens: [200n] }),
  ];
  /** What ownership() returns for each replication asked, and for none (raw ownership). */
  ownershipAnswer: (replication?: ReplicationOptions) => Map<string, number> = (replication) =>
    new Map([
      ['127.0.0.1:7000', replication ? 1 : 0.5],
      ['127.0.0.2:7000', replication ? 1 : 0.25],
      ['127.0.0.3:7000', replication ? 1 : 0.25],
    ]);
  /** The keys naturalReplicas was asked about. */
  readonly replicaQueries: { keyspace: string; keyBytes: Buffer }[] = [];
  readonly read = new LatencyHistogram();

  gossipActive(): boolean {
    return true;
  }
  nativeTransportActive(): boolean {
    return true;
  }
  async load(): Promise<number> {
    return 70_721;
  }
  async ring(): Promise<RingMember[]> {
    return this.members;
  }
  schemaVersions(): Map<string, string[]> {
    return new Map([
      ['v1', ['127.0.0.2:7000', '127.0.0.1:7000']],
      ['v2', ['127.0.0.3:7000']],
    ]);
  }
  gossipInfo(): GossipEndpointInfo[] {
    return [
      { endpoint: '127.0.0.2:7000', generation: 5, heartbeat: 9, states: { STATUS: { value: 'NORMAL,100', version: 3 } } },
      { endpoint: '127.0.0.1:7000', generation: 4, heartbeat: 7, states: { DC: { value: 'dc1', version: 1 } } },
    ];
  }
  ownership(replication?: ReplicationOptions): Map<string, number> {
    return this.ownershipAnswer(replication);
  }
  naturalReplicas(keyspace: string, keyBytes: Buffer): string[] {
    this.replicaQueries.push({ keyspace, keyBytes });
    return ['127.0.0.2:7000', '127.0.0.1:7000'];
  }
  metrics(): NodeMetrics {
    const empty = new LatencyHistogram().snapshot();
    return {
      proxy: { read: this.read.snapshot(), write: empty, range: empty },
      pools: [{ name: 'ReadStage', active: 1, pending: 0, completed: 5, blocked: 0, allTimeBlocked: 0 }],
      dropped: { MUTATION: 2 },
      heapUsedBytes: 10 * 1024 * 1024,
      heapMaxBytes: 100 * 1024 * 1024,
      offHeapBytes: 1024 * 1024,
    };
  }

  /** Runs DDL against the catalog. */
  async ddl(cql: string): Promise<void> {
    const { statement } = parseStatement(cql);
    if (statement.kind === 'createKeyspace') await this.catalog.createKeyspace(statement as CreateKeyspace);
    else if (statement.kind === 'createTable') {
      const create = statement as CreateTable;
      await this.catalog.createTable(create.table.keyspace!, create);
    } else throw new Error(`unsupported DDL in test: ${cql}`);
  }
}
