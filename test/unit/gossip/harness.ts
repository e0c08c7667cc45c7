/** Gossipers over real MessagingService instances on loopback, with a fast gossip_interval. */
import { SystemClock, type Clock } from '../../../src/clock/clock.js';
import { seededRandom } from '../../../src/clock/random.js';
import { Gossiper } from '../../../src/gossip/gossiper.js';
import { loadOrCreateIdentity, type MetaStore } from '../../../src/gossip/identity.js';
import { MessagingService } from '../../../src/net/messaging.js';
import { silentLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';

export class MemoryMetaStore implements MetaStore {
  readonly entries = new Map<string, Buffer>();
  async getMeta(key: string): Promise<Buffer | undefined> {
    return this.entries.get(key);
  }
  async putMeta(key: string, value: Buffer): Promise<void> {
    this.entries.set(key, value);
  }
}

export interface GossipNode {
  name: string;
  gossiper: Gossiper;
  messaging: MessagingService;
  store: MemoryMetaStore;
  clock: Clock;
  port: number;
  get self(): string;
}

export const GOSSIP_INTERVAL_MS = 50;

export class GossipCluster {
  private readonly nodes = new Set<GossipNode>();
  private seed = 1;

  /** Starts a node; `port` reuses an address (a restart), `store` its persisted identity. */
  async start(options: { name: string; seeds?: string[]; clock?: Clock; port?: number; store?: MemoryMetaStore }): Promise<GossipNode> {
    const clock = options.clock ?? new SystemClock();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      listen_address: '127.0.0.1',
      storage_port: options.port ?? 0,
      gossip_interval: GOSSIP_INTERVAL_MS,
      seeds: options.seeds ?? [],
      internode_reconnect_base_delay: 20,
      internode_reconnect_max_delay: 100,
    };
    const messaging = new MessagingService({ settings, clock, log: silentLogger });
    await messaging.listen();
    const store = options.store ?? new MemoryMetaStore();
    const random = seededRandom(this.seed++);
    const identity = await loadOrCreateIdentity(store, random, () => [BigInt(this.seed) * 1000n, BigInt(this.seed) * 1000n + 1n]);
    const gossiper = new Gossiper({ self: messaging.self, messaging, clock, settings, log: silentLogger, store, random });
    await gossiper.start({
      hostId: identity.hostId,
      tokens: identity.tokens,
      dc: 'dc1',
      rack: 'rack1',
      nativeAddress: `127.0.0.1:${9042 + this.seed}`,
      schemaVersion: 'schema-1',
      releaseVersion: '0.1.0',
    });
    const node: GossipNode = { name: options.name, gossiper, messaging, store, clock, port: messaging.address().port, get self() { return messaging.self; } };
    this.nodes.add(node);
    return node;
  }

  /** A clean stop: SHUTDOWN announced, then the sockets closed. */
  async stop(node: GossipNode): Promise<void> {
    await node.gossiper.stop();
    await node.messaging.close();
    this.nodes.delete(node);
  }

  /** A crash: the sockets close with no announcement, so peers have only the failure detector to go on. */
  async kill(node: GossipNode): Promise<void> {
    this.nodes.delete(node);
    await node.messaging.close();
    await node.gossiper.stop();
  }

  async closeAll(): Promise<void> {
    for (const node of [...this.nodes]) await this.stop(node);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` holds; fails naming `what` after `ms`. */
export async function eventually(what: string, check: () => boolean, ms = 3000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(5);
  }
  return Date.now() - started;
}
