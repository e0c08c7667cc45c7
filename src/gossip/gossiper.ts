/**
 * Gossiper: cluster membership, as Cassandra's Gossiper keeps it.
 *
 * Every `gossip_interval` the node bumps its heartbeat (and WALL_CLOCK_MS),
 * then sends a SYN of digests to one random live peer, perhaps to an
 * unreachable one, and perhaps to a seed (peer-selection.ts). The SYN, ACK
 * and ACK2 handlers below run the exchange whose rules are pure functions in
 * endpoint-state.ts; what comes back is merged here, feeding the failure
 * detector and firing listeners.
 *
 * Liveness: a peer is marked down when the phi-accrual failure detector
 * convicts it (failure-detector.ts), or at once when it announces SHUTDOWN or
 * LEFT. It is marked up again on a fresh heartbeat, or when it restarts with
 * a new generation, after an ECHO round trip proves we can reach it ourselves
 * (news of it may have come through a third node).
 *
 * Listeners, in the order events happen:
 * - onJoin(ep, state): an endpoint's state was learned whole, because it is
 *   new to us or because it restarted (then onRestart fires first).
 * - onRestart(ep, state): a newer generation was seen for a known endpoint.
 * - onAlive(ep) / onDead(ep): the endpoint was marked up / down. onAlive
 *   also follows every restart, even one too quick to be marked down.
 * - onChange(ep, key, value): one application state changed within a
 *   generation, for peers and for this node's own updateLocal calls.
 *
 * See docs/gossip.md.
 */
import type { Clock, Timer } from '../clock/clock.js';
import type { RandomSource } from '../clock/random.js';
import type { MessagingService } from '../net/messaging.js';
import type { EndpointStateWire, GossipDigestAck, GossipDigestAck2, GossipDigestSyn } from '../net/payloads.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import { ClockOffsetEstimator } from './clock-offset.js';
import {
  answerRequests,
  classifyRemote,
  digestsOf,
  encodeTokens,
  examineDigests,
  fromWire,
  isDeadStatus,
  maxVersion,
  newerStates,
  statusOf,
  toWire,
  type ApplicationStateKey,
  type EndpointId,
  type EndpointState,
  type NodeStatus,
} from './endpoint-state.js';
import { FailureDetector } from './failure-detector.js';
import { loadPeers, nextGeneration, savePeers, saveTokens, type MetaStore } from './identity.js';
import { chooseGossipTargets } from './peer-selection.js';

/** The part of MessagingService gossip uses, so tests may pass a fake. */
export type GossipMessaging = Pick<MessagingService, 'handle' | 'send' | 'request'>;

export interface GossiperOptions {
  /** This node's internode endpoint, as peers address it. */
  self: EndpointId;
  messaging: GossipMessaging;
  clock: Clock;
  settings: Settings;
  log: Logger;
  /** Where the generation is persisted (the storage engine's meta entries). */
  store: MetaStore;
  random: RandomSource;
}

/** What this node publishes about itself when gossip starts. */
export interface LocalNodeState {
  hostId: string;
  /** Empty while a new node waits to learn the ring before choosing its tokens (see setTokens). */
  tokens: readonly bigint[];
  dc: string;
  rack: string;
  /** The client (native protocol) address, `host:port`. */
  nativeAddress: string;
  schemaVersion: string;
  /** Defaults to NORMAL. */
  status?: NodeStatus;
  releaseVersion?: string;
  loadBytes?: number;
}

type Listeners = {
  join: (ep: EndpointId, state: EndpointState) => void;
  restart: (ep: EndpointId, state: EndpointState) => void;
  alive: (ep: EndpointId) => void;
  dead: (ep: EndpointId) => void;
  change: (ep: EndpointId, key: string, value: string) => void;
  /** Peers gossip that this very node (its host id) left the ring: it was removed or decommissioned. */
  leftSelf: (reason: string) => void;
};

/**
 * Whether a remote state is a node that left the ring (decommissioned or
 * removed) coming back with its old identity: we hold it LEFT, and the
 * remote, in a newer generation, carries the same host id but is not LEFT.
 */
export function isReturnOfLeftNode(local: EndpointState, remote: EndpointStateWire): boolean {
  if (local.states['STATUS']?.value !== 'LEFT' || remote.generation <= local.heartbeat.generation) return false;
  const hostId = local.states['HOST_ID']?.value;
  return hostId !== undefined && remote.states['HOST_ID']?.value === hostId && remote.states['STATUS']?.value !== 'LEFT';
}

/** Appends storage_port to a seed given as a bare host, as cassandra.yaml's seeds allow. */
export function seedEndpoint(seed: string, storagePort: number): EndpointId {
  // Read as Cassandra reads a seed (Guava's HostAndPort): an IPv6 address takes a port only inside brackets
  // ([::1]:7000); bare, its colons are its own (::1 is port storage_port, not host ':' port 1).
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(seed);
  if (bracketed) return `${bracketed[1]}:${bracketed[2] ?? storagePort}`;
  const colons = seed.split(':').length - 1;
  return colons === 1 ? seed : `${seed}:${storagePort}`;
}

export class Gossiper {
  readonly self: EndpointId;
  private readonly messaging: GossipMessaging;
  private readonly clock: Clock;
  private readonly settings: Settings;
  private readonly log: Logger;
  private readonly store: MetaStore;
  private readonly random: RandomSource;
  private readonly detector: FailureDetector;
  private readonly states = new Map<EndpointId, EndpointState>();
  private readonly live = new Set<EndpointId>();
  private readonly offsets = new Map<EndpointId, ClockOffsetEstimator>();
  private readonly echoing = new Set<EndpointId>();
  /**
   * Every peer this node has known, persisted (Cassandra's system.peers).
   * Until a saved peer is heard from again it is not a member, only somewhere
   * to gossip: a restarted node that is its own only seed would otherwise
   * wait for the others to find it, which their reconnection backoff delays.
   */
  private readonly knownPeers = new Set<EndpointId>();
  private readonly listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    join: new Set(),
    restart: new Set(),
    alive: new Set(),
    dead: new Set(),
    change: new Set(),
    leftSelf: new Set(),
  };
  /** Endpoints that left the ring and came back with their old host id, refused (warned about once). */
  private readonly refusedReturns = new Set<EndpointId>();
  private toldLeftSelf = false;
  private version = 0;
  private timer: Timer | undefined;
  private running = false;
  private handlersRegistered = false;

  constructor(options: GossiperOptions) {
    this.self = options.self;
    this.messaging = options.messaging;
    this.clock = options.clock;
    this.settings = options.settings;
    this.log = options.log;
    this.store = options.store;
    this.random = options.random;
    this.detector = new FailureDetector({
      phiConvictThreshold: () => this.settings.phi_convict_threshold,
      initialIntervalMs: 2 * this.settings.gossip_interval,
    });
  }

  /** Persists a new generation, publishes this node's state and starts the gossip rounds. */
  async start(local: LocalNodeState): Promise<void> {
    if (this.running) throw new Error('Gossiper.start called twice');
    const generation = await nextGeneration(this.store, this.clock);
    for (const peer of await loadPeers(this.store)) if (peer !== this.self) this.knownPeers.add(peer);
    const initial: [ApplicationStateKey, string][] = [
      ['STATUS', local.status ?? 'NORMAL'],
      ['TOKENS', encodeTokens(local.tokens)],
      ['DC', local.dc],
      ['RACK', local.rack],
      ['SCHEMA', local.schemaVersion],
      ['LOAD', String(local.loadBytes ?? 0)],
      ['HOST_ID', local.hostId],
      ['NATIVE_ADDRESS', local.nativeAddress],
      ['WALL_CLOCK_MS', String(this.clock.nowMs())],
    ];
    if (local.releaseVersion !== undefined) initial.push(['RELEASE_VERSION', local.releaseVersion]);
    const state: EndpointState = { heartbeat: { generation, version: 0 }, states: {} };
    for (const [key, value] of initial) state.states[key] = { value, version: this.nextVersion() };
    state.heartbeat.version = this.nextVersion();
    this.states.set(this.self, state);
    this.registerHandlers();
    this.running = true;
    this.timer = this.clock.setInterval(() => this.round(), this.settings.gossip_interval);
    this.timer.unref();
    this.log.info(`Gossip started with generation ${generation}; seeds: ${this.seeds().join(', ') || '(none)'}`);
    this.round();
  }

  /**
   * Announces SHUTDOWN to every live peer, so they mark this node down at
   * once instead of waiting for the failure detector, then stops gossiping.
   * Close messaging only after this resolves, so the announcement is written.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timer?.cancel();
    const local = this.localState();
    // Only a NORMAL node becomes SHUTDOWN: a joining node must stay pending, and one that left must stay gone.
    if (statusOf(local) === 'NORMAL') local.states['STATUS'] = { value: 'SHUTDOWN', version: this.nextVersion() };
    local.heartbeat.version = this.nextVersion();
    const announcement: GossipDigestAck2 = { states: { [this.self]: toWire(local) } };
    for (const peer of this.live) this.sendQuietly(peer, 'GOSSIP_DIGEST_ACK2', announcement);
    // Frames are written on the next turns of the event loop; let them go before the caller closes the sockets.
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    this.log.info(`Gossip stopped; ${statusOf(local) ?? 'SHUTDOWN'} announced`);
  }

  /** Publishes a new value of one of this node's application states (SCHEMA, LOAD, STATUS, ...). */
  updateLocal(key: ApplicationStateKey, value: string): void {
    const local = this.localState();
    local.states[key] = { value, version: this.nextVersion() };
    this.emit('change', this.self, key, value);
  }

  /** Persists and publishes this node's tokens (a new node chooses them after learning the ring). */
  async setTokens(tokens: readonly bigint[]): Promise<void> {
    await saveTokens(this.store, tokens);
    this.updateLocal('TOKENS', encodeTokens(tokens));
  }

  /**
   * Publishes a STATUS for another, dead endpoint (removenode's REMOVING,
   * then LEFT), as Cassandra's advertiseRemoving does: the endpoint's state
   * is taken up to a newer generation, so every peer replaces what it holds
   * of that endpoint with this, and spreads it. The endpoint, if it ever
   * restarts, gossips a still newer generation of its own.
   */
  advertiseStatus(ep: EndpointId, status: NodeStatus): void {
    const known = this.states.get(ep);
    if (!known || ep === this.self) throw new Error(`cannot advertise a status for ${ep}: ${ep === this.self ? 'it is this node' : 'gossip does not know it'}`);
    let version = maxVersion(known);
    const state: EndpointState = { heartbeat: { generation: known.heartbeat.generation + 1, version: 0 }, states: { ...known.states } };
    state.states['STATUS'] = { value: status, version: ++version };
    state.heartbeat.version = ++version;
    this.states.set(ep, state);
    this.emit('restart', ep, state);
    this.emit('join', ep, state);
    this.emit('change', ep, 'STATUS', status);
    this.markDead(ep, `status ${status} advertised by this node`);
  }

  /** Stops remembering a peer that left the ring, so a restart does not gossip with it. */
  forgetPeer(ep: EndpointId): void {
    if (!this.knownPeers.delete(ep)) return;
    savePeers(this.store, [...this.knownPeers]).catch((err: unknown) => this.log.warn(`Saving the peer list failed: ${String(err)}`));
  }

  /** Every endpoint gossip knows, this node included: copies, safe to keep. */
  endpoints(): Map<EndpointId, EndpointState> {
    const out = new Map<EndpointId, EndpointState>();
    for (const [ep, state] of this.states) out.set(ep, { heartbeat: { ...state.heartbeat }, states: { ...state.states } });
    return out;
  }

  /** One application state value of an endpoint, if known. */
  stateOf(ep: EndpointId, key: ApplicationStateKey): string | undefined {
    return this.states.get(ep)?.states[key]?.value;
  }

  isAlive(ep: EndpointId): boolean {
    return ep === this.self ? this.running : this.live.has(ep);
  }

  liveEndpoints(): EndpointId[] {
    return [...this.live];
  }

  /** Known peers currently marked down. */
  unreachableEndpoints(): EndpointId[] {
    return [...this.states.keys()].filter((ep) => ep !== this.self && !this.live.has(ep));
  }

  /** Milliseconds the endpoint's wall clock is ahead of this node's (negative: behind); undefined before its first WALL_CLOCK_MS. */
  clockOffsetMs(ep: EndpointId): number | undefined {
    return ep === this.self ? 0 : this.offsets.get(ep)?.offsetMs();
  }

  /** The failure detector's current suspicion of a peer, on the scale of phi_convict_threshold. */
  phi(ep: EndpointId): number {
    return this.detector.phi(ep, this.clock.nowMs());
  }

  onJoin(fn: Listeners['join']): () => void {
    return this.listen('join', fn);
  }
  onRestart(fn: Listeners['restart']): () => void {
    return this.listen('restart', fn);
  }
  onAlive(fn: Listeners['alive']): () => void {
    return this.listen('alive', fn);
  }
  onDead(fn: Listeners['dead']): () => void {
    return this.listen('dead', fn);
  }
  onChange(fn: Listeners['change']): () => void {
    return this.listen('change', fn);
  }
  onLeftSelf(fn: Listeners['leftSelf']): () => void {
    return this.listen('leftSelf', fn);
  }

  // ---- the round ----

  private round(): void {
    if (!this.running) return;
    try {
      const local = this.localState();
      local.states['WALL_CLOCK_MS'] = { value: String(this.clock.nowMs()), version: this.nextVersion() };
      local.heartbeat.version = this.nextVersion();
      const syn: GossipDigestSyn = { clusterName: this.settings.cluster_name, digests: digestsOf(this.states) };
      const targets = chooseGossipTargets({
        self: this.self,
        live: [...this.live],
        unreachable: [...this.unreachableEndpoints(), ...[...this.knownPeers].filter((ep) => !this.states.has(ep))],
        seeds: this.seeds(),
        random: this.random,
      });
      for (const peer of targets) this.sendQuietly(peer, 'GOSSIP_DIGEST_SYN', syn);
      this.checkStatus();
    } catch (err) {
      this.log.error(`gossip round failed: ${String(err)}`);
    }
  }

  /** Marks down every live peer the failure detector convicts (unless this process itself just stalled). */
  private checkStatus(): void {
    const nowMs = this.clock.nowMs();
    if (!this.detector.mayConvict(nowMs)) {
      this.log.warn('Not marking peers down: this node itself paused for longer than the failure detector tolerates');
      return;
    }
    for (const ep of [...this.live]) {
      if (!this.detector.isAlive(ep, nowMs)) {
        this.markDead(ep, `phi ${this.detector.phi(ep, nowMs).toFixed(1)} > phi_convict_threshold ${this.settings.phi_convict_threshold}`);
      }
    }
  }

  // ---- the exchange ----

  private registerHandlers(): void {
    if (this.handlersRegistered) return;
    this.handlersRegistered = true;
    this.messaging.handle('GOSSIP_DIGEST_SYN', (syn, from) => this.onSyn(syn, from));
    this.messaging.handle('GOSSIP_DIGEST_ACK', (ack, from) => this.onAck(ack, from));
    this.messaging.handle('GOSSIP_DIGEST_ACK2', (ack2) => {
      if (this.running) this.applyStates(ack2.states);
    });
    // A peer asks before marking this node up, to be sure it can reach us itself.
    this.messaging.handle('ECHO', () => ({}));
  }

  private onSyn(syn: GossipDigestSyn, from: EndpointId): void {
    if (!this.running) return;
    if (syn.clusterName !== this.settings.cluster_name) {
      this.log.warn(`Ignoring gossip from ${from}: cluster_name '${syn.clusterName}' is not '${this.settings.cluster_name}'`);
      return;
    }
    const ack: GossipDigestAck = examineDigests(this.states, syn.digests);
    this.sendQuietly(from, 'GOSSIP_DIGEST_ACK', ack);
  }

  private onAck(ack: GossipDigestAck, from: EndpointId): void {
    if (!this.running) return;
    this.applyStates(ack.states);
    const states = answerRequests(this.states, ack.requests);
    if (Object.keys(states).length > 0) this.sendQuietly(from, 'GOSSIP_DIGEST_ACK2', { states });
  }

  // ---- merging what peers sent ----

  private applyStates(states: Record<EndpointId, EndpointStateWire>): void {
    const nowS = this.clock.nowS();
    for (const [ep, remote] of Object.entries(states)) {
      if (ep === this.self) {
        this.checkSelfLeft(remote);
        continue;
      }
      const local = this.states.get(ep);
      if (local && isReturnOfLeftNode(local, remote)) {
        // Its ranges went to other replicas while it was away, and it missed every write since: taking it back
        // would hand it reads it cannot answer. A new node at this address comes with a new host id.
        if (!this.refusedReturns.has(ep)) {
          this.refusedReturns.add(ep);
          this.log.warn(`Ignoring ${ep} (host id ${local.states['HOST_ID']?.value}): it left the ring and restarted with its old identity; clear its data_directory to add it as a new node`);
        }
        // Its newer generation makes it ask for nothing of its own state, so tell it outright that it left.
        this.sendQuietly(ep, 'GOSSIP_DIGEST_ACK2', { states: { [ep]: toWire(local) } });
        continue;
      }
      switch (classifyRemote(local, remote, nowS)) {
        case 'bad-generation':
          this.log.warn(`Ignoring gossip about ${ep}: generation ${remote.generation} is implausibly far ahead of this node's clock`);
          break;
        case 'stale':
          break;
        case 'new':
        case 'restart':
          this.takeWhole(ep, remote, local);
          break;
        case 'update':
          this.merge(ep, local!, remote);
          break;
      }
    }
  }

  /** Peers say this node's own host id left the ring (its STATUS LEFT in a generation of theirs): tell the node, once. */
  private checkSelfLeft(remote: EndpointStateWire): void {
    if (this.toldLeftSelf || remote.states['STATUS']?.value !== 'LEFT') return;
    // A node that announced LEFT itself (the end of a decommission) hears its own news echoed.
    if (this.states.get(this.self)?.states['STATUS']?.value === 'LEFT') return;
    const own = this.states.get(this.self)?.states['HOST_ID']?.value;
    if (own === undefined || remote.states['HOST_ID']?.value !== own) return;
    this.toldLeftSelf = true;
    this.emit('leftSelf', `peers gossip that this node (host id ${own}) left the ring: it was removed (removenode) or decommissioned`);
  }

  /** A new endpoint, or a known one with a newer generation: replace what we knew (Cassandra's handleMajorStateChange). */
  private takeWhole(ep: EndpointId, remote: EndpointStateWire, previous: EndpointState | undefined): void {
    const state = fromWire(remote);
    const nowMs = this.clock.nowMs();
    if (previous) {
      this.log.info(`Node ${ep} has restarted (generation ${previous.heartbeat.generation} → ${remote.generation})`);
      // Its rhythm and clock are learned afresh.
      this.detector.remove(ep);
      this.offsets.get(ep)?.clear();
    } else if (statusOf(state) === 'LEFT') {
      // A node that left the ring before we met it is known only so its LEFT keeps spreading.
      this.log.info(`Node ${ep} is known to have left the ring`);
    } else {
      this.log.info(`Node ${ep} is now part of the cluster`);
      this.rememberPeer(ep);
    }
    this.states.set(ep, state);
    this.detector.report(ep, nowMs);
    this.sampleClock(ep, state.states['WALL_CLOCK_MS']?.value, nowMs);
    if (previous) this.emit('restart', ep, state);
    this.emit('join', ep, state);
    const status = statusOf(state);
    if (isDeadStatus(status)) this.markDead(ep, `status ${status}`);
    // A restart is announced with onAlive even when it was quick enough that the peer was never marked down,
    // as Cassandra does: whatever waits for the peer's return (hint replay) must not miss it.
    else if (previous || !this.live.has(ep)) this.confirmAlive(ep, previous !== undefined);
  }

  /** The same generation: take the newer heartbeat and each newer state. */
  private merge(ep: EndpointId, local: EndpointState, remote: EndpointStateWire): void {
    const nowMs = this.clock.nowMs();
    const freshHeartbeat = remote.heartbeatVersion > local.heartbeat.version;
    if (freshHeartbeat) {
      local.heartbeat.version = remote.heartbeatVersion;
      this.detector.report(ep, nowMs);
    }
    for (const [key, value] of newerStates(local, remote)) {
      local.states[key] = value;
      if (key === 'WALL_CLOCK_MS') this.sampleClock(ep, value.value, nowMs);
      this.emit('change', ep, key, value.value);
      if (key === 'STATUS' && isDeadStatus(value.value)) this.markDead(ep, `status ${value.value}`);
    }
    if (freshHeartbeat && !this.live.has(ep) && !isDeadStatus(statusOf(local))) this.confirmAlive(ep);
  }

  private sampleClock(ep: EndpointId, wallClockMs: string | undefined, nowMs: number): void {
    const remoteMs = Number(wallClockMs);
    if (wallClockMs === undefined || !Number.isFinite(remoteMs)) return;
    let estimator = this.offsets.get(ep);
    if (!estimator) {
      estimator = new ClockOffsetEstimator();
      this.offsets.set(ep, estimator);
    }
    estimator.add(remoteMs, nowMs);
  }

  // ---- liveness ----

  /** Marks a peer up once an ECHO to it succeeds (Cassandra's markAlive). */
  private confirmAlive(ep: EndpointId, restarted = false): void {
    if (this.echoing.has(ep)) return;
    this.echoing.add(ep);
    this.messaging
      .request(ep, 'ECHO', {}, { timeoutMs: Math.max(this.settings.gossip_interval, 1000) })
      .then(
        () => {
          const state = this.states.get(ep);
          if (this.running && state && !isDeadStatus(statusOf(state))) this.markAlive(ep, restarted);
        },
        (err: unknown) => this.log.debug(`ECHO to ${ep} failed; not marking it up: ${String(err)}`),
      )
      .finally(() => this.echoing.delete(ep));
  }

  private markAlive(ep: EndpointId, evenIfLive = false): void {
    if (this.live.has(ep) && !evenIfLive) return;
    this.live.add(ep);
    // A peer marked up starts with a clean slate: the silence while it was down is not part of its rhythm.
    this.detector.report(ep, this.clock.nowMs());
    this.log.info(`Node ${ep} is now UP`);
    this.emit('alive', ep);
  }

  private markDead(ep: EndpointId, reason: string): void {
    if (!this.live.has(ep)) return;
    this.live.delete(ep);
    this.log.info(`Node ${ep} is now DOWN (${reason})`);
    this.emit('dead', ep);
  }

  // ---- helpers ----

  private rememberPeer(ep: EndpointId): void {
    if (this.knownPeers.has(ep)) return;
    this.knownPeers.add(ep);
    savePeers(this.store, [...this.knownPeers]).catch((err: unknown) => this.log.warn(`Saving the peer list failed: ${String(err)}`));
  }

  private localState(): EndpointState {
    const local = this.states.get(this.self);
    if (!local) throw new Error('Gossiper is not started');
    return local;
  }

  private nextVersion(): number {
    return ++this.version;
  }

  private seeds(): EndpointId[] {
    return this.settings.seeds.map((s) => seedEndpoint(s, this.settings.storage_port));
  }

  private sendQuietly<V extends 'GOSSIP_DIGEST_SYN' | 'GOSSIP_DIGEST_ACK' | 'GOSSIP_DIGEST_ACK2'>(
    to: EndpointId,
    verb: V,
    payload: V extends 'GOSSIP_DIGEST_SYN' ? GossipDigestSyn : V extends 'GOSSIP_DIGEST_ACK' ? GossipDigestAck : GossipDigestAck2,
  ): void {
    try {
      // The cast is sound: the conditional type above maps each verb to its payload.
      this.messaging.send(to, verb, payload as never);
    } catch (err) {
      // A full send queue or a closed service loses one gossip message; the next round repeats it.
      this.log.debug(`${verb} to ${to} not sent: ${String(err)}`);
    }
  }

  private listen<K extends keyof Listeners>(kind: K, fn: Listeners[K]): () => void {
    const set = this.listeners[kind] as Set<Listeners[K]>;
    set.add(fn);
    return () => set.delete(fn);
  }

  private emit<K extends keyof Listeners>(kind: K, ...args: Parameters<Listeners[K]>): void {
    for (const fn of this.listeners[kind] as Set<(...a: Parameters<Listeners[K]>) => void>) {
      try {
        fn(...args);
      } catch (err) {
        this.log.error(`gossip ${kind} listener failed: ${String(err)}`);
      }
    }
  }
}
