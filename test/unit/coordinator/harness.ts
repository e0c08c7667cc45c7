/**
 * In-process clusters for coordinator tests: N MessagingServices on loopback
 * port 0, each with a MemoryEngine, the replica handlers and a
 * ClusterCoordinator, over one static TokenRing and a liveness map the test
 * flips. Hints handed to the seam are recorded per node.
 */
import { SystemClock } from '../../../src/clock/clock.js';
import { ClusterCoordinator } from '../../../src/coordinator/cluster.js';
import { registerReplicaHandlers } from '../../../src/coordinator/replica.js';
import { MessagingService } from '../../../src/net/messaging.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import type { KeyspaceMetadata } from '../../../src/schema/table.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import type { Partition } from '../../../src/storage/model.js';
import { silentLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import { layouts } from '../storage/fixtures.js';

export interface NodeSpec {
  token: bigint;
  dc?: string;
  rack?: string;
}

export interface TestNode {
  id: string;
  dc: string;
  messaging: MessagingService;
  engine: MemoryEngine;
  coordinator: ClusterCoordinator;
  hints: { target: string; partition: Partition }[];
}

export const clock = new SystemClock();

export class TestCluster {
  nodes: TestNode[] = [];
  readonly alive = new Map<string, boolean>();
  ring = TokenRing.empty();

  static async start(specs: NodeSpec[], overrides: Partial<Settings> = {}, options: { hints?: boolean } = {}): Promise<TestCluster> {
    const cluster = new TestCluster();
    const settings: Settings = { ...DEFAULT_SETTINGS, storage_port: 0, write_request_timeout: 300, read_request_timeout: 300, ...overrides };
    const services: MessagingService[] = [];
    for (let i = 0; i < specs.length; i++) {
      const messaging = new MessagingService({ settings, clock, log: silentLogger });
      await messaging.listen();
      services.push(messaging);
    }
    cluster.ring = TokenRing.of(
      specs.map((s, i) => ({ id: services[i]!.self, tokens: [s.token], dc: s.dc ?? 'dc1', rack: s.rack ?? `r${i}` })),
    );
    for (let i = 0; i < specs.length; i++) {
      const messaging = services[i]!;
      const engine = new MemoryEngine({ clock, layouts });
      await engine.open();
      registerReplicaHandlers(messaging, { engine, layouts, clock });
      const hints: TestNode['hints'] = [];
      const dc = specs[i]!.dc ?? 'dc1';
      const coordinator = new ClusterCoordinator({
        self: messaging.self,
        localDc: dc,
        messaging,
        engine,
        ring: () => cluster.ring,
        dcOf: (e) => cluster.ring.dcOf(e),
        isAlive: (e) => cluster.alive.get(e) ?? true,
        settings,
        clock,
        log: silentLogger,
        ...(options.hints === false
          ? {}
          : {
              onHint: (target: string, partition: Partition) => {
                hints.push({ target, partition });
                return true;
              },
            }),
      });
      cluster.nodes.push({ id: messaging.self, dc, messaging, engine, coordinator, hints });
    }
    return cluster;
  }

  node(i: number): TestNode {
    return this.nodes[i]!;
  }

  /** Marks a node down in every coordinator's view and drops all messages to it, as a dead process would. */
  kill(i: number): void {
    const id = this.node(i).id;
    this.alive.set(id, false);
    for (const n of this.nodes) n.messaging.faults.add({ action: 'drop', verb: '*', from: '*', to: id });
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.messaging.close()));
  }
}

export function simpleKeyspace(rf: number): KeyspaceMetadata {
  return { name: 'ks', replication: { class: 'SimpleStrategy', factors: { replication_factor: rf } }, durableWrites: true };
}

export function ntsKeyspace(factors: Record<string, number>): KeyspaceMetadata {
  return { name: 'ks', replication: { class: 'NetworkTopologyStrategy', factors }, durableWrites: true };
}
