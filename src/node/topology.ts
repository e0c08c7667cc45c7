/**
 * Growing and shrinking the cluster, as Cassandra's StorageService does it:
 *
 * - Bootstrap: a new node publishes its tokens with STATUS BOOT, so every
 *   coordinator makes it a pending replica of the ranges it will own (writes
 *   reach it from then on); after ring_delay it streams those ranges from
 *   every live current replica, then turns NORMAL and serves reads.
 * - Decommission: a live node turns LEAVING, so the nodes that will take its
 *   ranges become pending replicas; after ring_delay the ranges stream to
 *   them, it announces LEFT, waits ring_delay for that to spread, and stops.
 * - Removenode: for a dead node, the node running the command publishes
 *   REMOVING on its behalf, streams the dead node's ranges to their new
 *   replicas from the surviving ones, then publishes LEFT. `force` publishes
 *   LEFT at once without waiting for the streams.
 *
 * Streaming itself is src/repair/streaming.ts; which ranges move where is
 * src/ring/pending.ts over the rings RingView builds. Every node that sees a
 * node LEFT forgets it (node.ts): its hints are deleted and it is no longer
 * gossiped with after a restart.
 */
import type { RingChangesView, RingOperationStatus } from '../admin/node-view.js';
import type { Clock } from '../clock/clock.js';
import type { RandomSource } from '../clock/random.js';
import { SYSTEM_KEYSPACES } from '../cql/schema-catalog.js';
import { statusOf } from '../gossip/endpoint-state.js';
import type { Gossiper } from '../gossip/gossiper.js';
import { saveBootstrapState, type MetaStore } from '../gossip/identity.js';
import { randomUuid } from '../gossip/identity.js';
import type { EndpointId } from '../net/payloads.js';
import { rangeMovements } from '../ring/pending.js';
import type { TokenRing } from '../ring/token-ring.js';
import type { RepairMessaging } from '../repair/session.js';
import { rangesToStream, StreamProgress, streamRanges, type StreamTask } from '../repair/streaming.js';
import type { KeyspaceMetadata, TableMetadata } from '../schema/table.js';
import { InvalidRequestError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import type { RingView } from './ring-view.js';
import { checkReplicationAfterLeaving } from './topology-checks.js';

/** netstats' Mode line, as Cassandra's StorageService.OperationMode names them. */
export type OperationMode = 'STARTING' | 'JOINING' | 'NORMAL' | 'LEAVING' | 'DECOMMISSIONED';

export type OperationKind = RingOperationStatus['kind'];
export type OperationStatus = RingOperationStatus;

export interface TopologySchema {
  keyspaces(): KeyspaceMetadata[];
  tables(keyspace: string): TableMetadata[];
  readonly version: string;
}

export interface TopologyOptions {
  self: EndpointId;
  gossip: Gossiper;
  ringView: RingView;
  messaging: RepairMessaging;
  schema: TopologySchema;
  store: MetaStore;
  /** Deletes the hints held for a host id that left the ring. */
  forgetHints: (hostId: string) => Promise<unknown>;
  settings: Settings;
  clock: Clock;
  random: RandomSource;
  log: Logger;
  /** Stops this node (the end of a decommission). */
  stopNode: () => void;
}

interface Operation {
  id: string;
  kind: OperationKind;
  progress: StreamProgress;
  state: OperationStatus['state'];
  error?: string;
  target?: { endpoint: string; hostId: string };
  /** removenode force: stop streaming and publish LEFT now. */
  forced: boolean;
}

/** A node cannot join the ring (a failed bootstrap, a decommissioned node restarted): `sibyl node` prints the message alone. */
export class RingJoinError extends Error {
  readonly code = 'SIBYL_RING_JOIN';
  override readonly name = 'RingJoinError';
}

/** Operations kept for status answers after they finish. */
const OPERATIONS_KEPT = 16;

export class TopologyService implements RingChangesView {
  private currentMode: OperationMode = 'STARTING';
  private readonly operations = new Map<string, Operation>();
  private removal: Operation | undefined;

  constructor(private readonly options: TopologyOptions) {}

  mode(): OperationMode {
    return this.currentMode;
  }

  /** This node serves its ranges (it joined without streaming, or restarted after joining). */
  markNormal(): void {
    this.currentMode = 'NORMAL';
  }

  /**
   * Streams the ranges this node will own, its tokens already published with
   * STATUS BOOT, then turns NORMAL. Throws, naming the range and the
   * endpoint, when a source is down or dies: the node then stays BOOT, and a
   * restart resumes the bootstrap with the same tokens.
   */
  async bootstrap(tokens: readonly bigint[]): Promise<void> {
    const { gossip, store, settings, log, self } = this.options;
    this.currentMode = 'JOINING';
    await saveBootstrapState(store, 'IN_PROGRESS');
    await gossip.setTokens(tokens);
    const op = this.begin('Bootstrap');
    try {
      await this.awaitSchema();
      if (this.userTables().length > 0) {
        log.info(`JOINING: waiting ring_delay (${settings.ring_delay} ms) for every node to see this node's tokens before streaming`);
        await this.sleep(settings.ring_delay);
        const tasks = this.tasks();
        log.info(`JOINING: streaming ${rangesToStream(tasks, self)} ranges from their current replicas`);
        await streamRanges(this.streamOptions({ onlyTo: self }), tasks, op.progress);
      }
      await saveBootstrapState(store, 'COMPLETED');
      gossip.updateLocal('STATUS', 'NORMAL');
      this.currentMode = 'NORMAL';
      this.finish(op);
      log.info(`Bootstrap completed: ${op.progress.rangesDone} ranges, ${op.progress.partitions} partitions, ${op.progress.bytes} bytes streamed`);
    } catch (err) {
      this.fail(op, err);
      throw new RingJoinError(`bootstrap failed: ${op.error}; restart the node to resume it, or remove it with 'sibyltool removenode ${this.hostIdOf(self) ?? '<host id>'}'`);
    }
  }

  /** Starts a decommission of this node in the background; its progress is `status(id)`. */
  decommission(): { id: string } {
    const { self, ringView, gossip, settings, log } = this.options;
    if (this.currentMode !== 'NORMAL') throw new InvalidRequestError(`Node is in ${this.currentMode} mode; only a node in NORMAL mode can decommission`);
    const ring = ringView.current();
    if (!ring.has(self)) throw new InvalidRequestError('Local node is not a member of the token ring yet');
    if (ring.endpoints().length === 1) throw new InvalidRequestError('No other normal nodes in the ring; decommission would be pointless');
    if (ringView.future() !== ring) throw new InvalidRequestError('Other bootstrapping, leaving or removed nodes are changing the ring; wait for them to finish');
    checkReplicationAfterLeaving(ring.withoutEndpoint(self), this.userKeyspaces());
    const op = this.begin('Unbootstrap');
    this.currentMode = 'LEAVING';
    gossip.updateLocal('STATUS', 'LEAVING');
    log.info(`LEAVING: decommissioning; waiting ring_delay (${settings.ring_delay} ms) before streaming`);
    void (async () => {
      try {
        await this.sleep(settings.ring_delay);
        await streamRanges(this.streamOptions({}), this.tasks(), op.progress);
        gossip.updateLocal('STATUS', 'LEFT');
        await saveBootstrapState(this.options.store, 'DECOMMISSIONED');
        this.currentMode = 'DECOMMISSIONED';
        this.finish(op);
        log.info(`DECOMMISSIONED: ${op.progress.rangesDone} ranges streamed; announced LEFT, stopping after ring_delay (${settings.ring_delay} ms)`);
        await this.sleep(settings.ring_delay);
        this.options.stopNode();
      } catch (err) {
        this.fail(op, err);
        gossip.updateLocal('STATUS', 'NORMAL');
        this.currentMode = 'NORMAL';
        log.error(`Decommission failed: ${op.error}; the node stays in the ring (NORMAL)`);
      }
    })();
    return { id: op.id };
  }

  /** Starts removing the dead node that owns `hostId`; its progress is `status(id)` and `removalStatus()`. */
  removenode(hostId: string): { id: string } {
    const { self, gossip, settings, log } = this.options;
    const endpoint = [...gossip.endpoints()].find(([, s]) => s.states['HOST_ID']?.value === hostId && statusOf(s) !== 'LEFT')?.[0];
    if (endpoint === undefined) throw new InvalidRequestError(`Host ID not found: ${hostId}`);
    if (endpoint === self) throw new InvalidRequestError('Cannot remove self');
    if (gossip.isAlive(endpoint)) throw new InvalidRequestError(`Node /${endpoint} is alive and owns this ID. Use decommission command to remove it from the ring`);
    // A failed removal is kept until it is forced or retried for the same node, so its REMOVING node is never left without a way out.
    if (this.removal && (this.removal.state === 'running' || this.removal.target?.hostId !== hostId)) {
      throw new InvalidRequestError("This node is already processing a removal. Wait for it to complete, or use 'removenode force' if this has failed.");
    }
    if (this.currentMode !== 'NORMAL') throw new InvalidRequestError(`Node is in ${this.currentMode} mode; run removenode on a node in NORMAL mode`);
    const op = this.begin('Removenode');
    op.target = { endpoint, hostId };
    this.removal = op;
    gossip.advertiseStatus(endpoint, 'REMOVING');
    log.info(`Removing node ${endpoint} (${hostId}); waiting ring_delay (${settings.ring_delay} ms) before streaming its ranges`);
    void (async () => {
      try {
        await this.sleep(settings.ring_delay);
        if (!op.forced) await streamRanges(this.streamOptions({ exclude: endpoint, stopped: () => op.forced }), this.tasks(), op.progress);
        if (!op.forced) await this.completeRemoval(op);
      } catch (err) {
        if (op.forced) return;
        this.fail(op, err);
        log.error(`Removing ${endpoint} failed: ${op.error}; it stays REMOVING until 'removenode force' or another removenode`);
      }
    })();
    return { id: op.id };
  }

  /** `removenode status`, in nodetool's words. */
  removalStatus(): string {
    const op = this.removal;
    if (!op?.target) return 'RemovalStatus: No removals in process.';
    const ring = this.options.ringView.current();
    const tokens = ring.endpoint(op.target.endpoint)?.tokens ?? [];
    const waiting = [...op.progress.peers].filter((ep) => ep !== this.options.self);
    if (op.state === 'failed') {
      return (
        `RemovalStatus: Removing token (${tokens.join(', ')}). Streaming failed after ${op.progress.rangesDone}/${op.progress.rangesTotal} ranges: ${op.error}. ` +
        `Run 'removenode force' to complete the removal (its ranges then need repair), or removenode again.`
      );
    }
    return (
      `RemovalStatus: Removing token (${tokens.join(', ')}). Waiting for replication confirmation from [${waiting.map((ep) => `/${ep}`).join(',')}]. ` +
      `Ranges streamed: ${op.progress.rangesDone}/${op.progress.rangesTotal}.`
    );
  }

  /** `removenode force`: publishes the removal now, without waiting for the streams. */
  async forceRemoval(): Promise<string> {
    const op = this.removal;
    if (!op?.target) throw new InvalidRequestError('No token removals in process.');
    op.forced = true;
    this.options.log.warn(`Removal of ${op.target.endpoint} forced: its ranges are left to repair`);
    const text = `RemovalStatus: Removing token (${op.target.hostId}). Forcing completion of removal; its ranges need repair.`;
    await this.completeRemoval(op);
    return text;
  }

  status(id: string): OperationStatus {
    const op = this.operations.get(id);
    if (!op) throw new InvalidRequestError(`no topology operation ${id} on this node`);
    const p = op.progress;
    return {
      id: op.id,
      kind: op.kind,
      state: op.state,
      ...(op.error !== undefined ? { error: op.error } : {}),
      rangesDone: p.rangesDone,
      rangesTotal: p.rangesTotal,
      bytes: p.bytes,
      partitions: p.partitions,
      rate: p.rate(this.options.clock.nowMs()),
      peers: [...p.peers],
      ...(op.target ? { target: op.target } : {}),
    };
  }

  /** netstats' lines for the operations under way, as nodetool prints a stream session. */
  streamingLines(): string[] {
    const lines: string[] = [];
    const nowMs = this.options.clock.nowMs();
    for (const op of this.operations.values()) {
      if (op.state !== 'running') continue;
      const p = op.progress;
      const direction = op.kind === 'Bootstrap' ? 'Receiving' : 'Sending';
      const peers = [...p.peers].filter((ep) => ep !== this.options.self);
      lines.push(`${op.kind} ${op.id}${op.target ? ` (removing /${op.target.endpoint})` : ''}`);
      lines.push(
        `    ${direction} ${p.rangesDone}/${p.rangesTotal} ranges, ${p.partitions} partitions, ${p.bytes} bytes total, ` +
          `${(p.rate(nowMs) / 1024).toFixed(1)} KiB/s${peers.length > 0 ? ` (peers ${peers.map((ep) => `/${ep}`).join(', ')})` : ''}`,
      );
    }
    return lines;
  }

  private async completeRemoval(op: Operation): Promise<void> {
    const target = op.target!;
    // A failed removal may still be forced; one that succeeded is done.
    if (op.state === 'succeeded') return;
    this.options.gossip.advertiseStatus(target.endpoint, 'LEFT');
    this.finish(op);
    this.removal = undefined;
    this.options.log.info(`Removed node ${target.endpoint} (${target.hostId}): ${op.progress.rangesDone} ranges streamed`);
  }

  private begin(kind: OperationKind): Operation {
    const op: Operation = { id: randomUuid(this.options.random), kind, progress: new StreamProgress(this.options.clock.nowMs()), state: 'running', forced: false };
    this.operations.set(op.id, op);
    for (const [id, old] of this.operations) if (this.operations.size > OPERATIONS_KEPT && old.state !== 'running') this.operations.delete(id);
    return op;
  }

  private finish(op: Operation): void {
    op.state = 'succeeded';
  }

  private fail(op: Operation, err: unknown): void {
    op.state = 'failed';
    op.error = (err as Error).message ?? String(err);
  }

  private userKeyspaces(): KeyspaceMetadata[] {
    // system and system_schema are local to each node; every other keyspace (system_auth included) is replicated.
    return this.options.schema.keyspaces().filter((k) => !SYSTEM_KEYSPACES.includes(k.name));
  }

  private userTables(): TableMetadata[] {
    return this.userKeyspaces().flatMap((k) => this.options.schema.tables(k.name));
  }

  /** The movements of every user keyspace between the current and the future ring. */
  private tasks(): StreamTask[] {
    const current: TokenRing = this.options.ringView.current();
    const future: TokenRing = this.options.ringView.future();
    return this.userKeyspaces()
      .map((keyspace) => ({ keyspace, tables: this.options.schema.tables(keyspace.name), movements: rangeMovements(current, future, keyspace.replication) }))
      .filter((t) => t.tables.length > 0 && t.movements.length > 0);
  }

  private streamOptions(extra: { onlyTo?: EndpointId; exclude?: EndpointId; stopped?: () => boolean }) {
    const { messaging, gossip, settings, clock, log } = this.options;
    return { messaging, isAlive: (ep: EndpointId) => gossip.isAlive(ep), settings, clock, log, ...extra };
  }

  /**
   * Waits until this node holds the schema every live member of the ring
   * gossips, so it knows every table it must stream (schema arrives by
   * SchemaSync a moment after gossip).
   */
  private async awaitSchema(): Promise<void> {
    const { gossip, ringView, schema, settings, clock } = this.options;
    const deadlineMs = clock.nowMs() + settings.schema_agreement_timeout;
    for (;;) {
      const live = ringView.current().endpoints().map((e) => e.id).filter((ep) => gossip.isAlive(ep));
      const versions = new Set(live.map((ep) => gossip.stateOf(ep, 'SCHEMA')));
      if (live.length > 0 && versions.size === 1 && versions.has(schema.version)) return;
      if (clock.nowMs() > deadlineMs) {
        throw new Error(
          live.length === 0
            ? `no live node of the ring to bootstrap from within schema_agreement_timeout (${settings.schema_agreement_timeout} ms)`
            : `this node's schema (${schema.version}) did not agree with the ring's (${[...versions].join(', ')}) within schema_agreement_timeout (${settings.schema_agreement_timeout} ms)`,
        );
      }
      await this.sleep(Math.max(10, settings.gossip_interval / 2));
    }
  }

  private hostIdOf(ep: EndpointId): string | undefined {
    return this.options.gossip.stateOf(ep, 'HOST_ID');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimeout(resolve, ms));
  }
}

/**
 * Forgets every node this node sees LEFT (decommissioned or removed): its
 * hints are deleted, since they can never be delivered and its ranges now
 * live elsewhere, and it leaves the persisted peer list, so a restart does
 * not gossip with it.
 */
export function forgetLeftNodes(gossip: Pick<Gossiper, 'self' | 'stateOf' | 'onChange' | 'onJoin' | 'forgetPeer'>, forgetHints: (hostId: string) => Promise<unknown>, log: Logger): void {
  const forget = (ep: EndpointId) => {
    if (ep === gossip.self) return;
    gossip.forgetPeer(ep);
    const hostId = gossip.stateOf(ep, 'HOST_ID');
    if (hostId !== undefined) forgetHints(hostId).catch((err: unknown) => log.warn(`Deleting the hints of ${ep}, which left the ring, failed: ${String(err)}`));
  };
  gossip.onChange((ep, key, value) => {
    if (key === 'STATUS' && value === 'LEFT') forget(ep);
  });
  gossip.onJoin((ep, state) => {
    if (statusOf(state) === 'LEFT') forget(ep);
  });
}
