/**
 * Hinted handoff: the roles of src/hints/.
 *
 * - hint-store.ts keeps hints durably per target host id, bounded in bytes.
 * - throttle.ts is the replay rate's arithmetic.
 * - hinted-handoff.ts (this file) decides whether a missed write is hinted
 *   (handoff enabled, target down for less than max_hint_window, room left
 *   under max_hints_size_per_host), counts what is dropped, and replays a
 *   target's hints when gossip sees it up and every hints_replay_interval
 *   while hints remain for a live target, oldest first, throttled, deleting
 *   each page once the target acknowledged it, and deleting unsent the hints
 *   of dropped tables and those older than their table's gc_grace_seconds.
 * - hint-handler.ts is the target's side: HINT applied through the engine.
 *
 * A hint carries the mutation as the coordinator built it, original
 * timestamps included, so replaying one twice (a lost acknowledgement) is
 * harmless: reconcile keeps one winner. A client write never fails because a
 * hint could not be stored: offer() answers false and the write path goes on.
 */
import type { Clock, Timer } from '../clock/clock.js';
import type { EndpointId, HintRequest } from '../net/payloads.js';
import type { Partition } from '../storage/model.js';
import { InvalidRequestError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import type { HintStore, StoredHint, TargetHints } from './hint-store.js';
import { replayChunkBytes, throttleDelayMs } from './throttle.js';

/** What hinted handoff needs of membership (gossip, in a node). */
export interface HintMembership {
  hostIdOf(endpoint: EndpointId): string | undefined;
  endpointOf(hostId: string): EndpointId | undefined;
  isAlive(endpoint: EndpointId): boolean;
  onAlive(fn: (endpoint: EndpointId) => void): () => void;
  onDead(fn: (endpoint: EndpointId) => void): () => void;
}

/** Delivers one page of hints to a target; resolves on its acknowledgement. */
export type HintSender = (endpoint: EndpointId, request: HintRequest) => Promise<void>;

export interface HintedHandoffOptions {
  store: HintStore;
  settings: Settings;
  clock: Clock;
  log: Logger;
  membership: HintMembership;
  send: HintSender;
  /** This node's endpoint: it never hints itself. */
  self: EndpointId;
  /**
   * The table's gc_grace_seconds in this node's schema (by id), or undefined
   * once the table is dropped. Replay deletes instead of sending a hint whose
   * table is gone, or which is older than its table's gc_grace_seconds. Every
   * hint is deliverable when left out.
   */
  gcGraceSecondsOf?: (tableId: string) => number | undefined;
}

/** Hints read from the store per page of a replay. */
const REPLAY_PAGE_HINTS = 8192;
/** Bytes of hints one HINT message carries at most, whatever the throttle. */
const REPLAY_MESSAGE_BYTES_MAX = 1024 * 1024;
/** Hints one HINT message carries at most, so a page makes several messages to pipeline. */
const REPLAY_MESSAGE_HINTS_MAX = 1024;
/** HINT messages to one target awaiting acknowledgement at once. */
const REPLAY_MESSAGES_IN_FLIGHT = 4;

/** What one replay round has done so far. */
interface ReplayRound {
  sentBytes: number;
  delivered: number;
  failed: boolean;
}

export interface HandoffStats {
  stored: number;
  dropped: number;
  replayed: number;
  replayFailures: number;
}

/** One target with pending hints, as `listpendinghints` shows it. */
export interface PendingHints extends TargetHints {
  /** The target's current endpoint, when gossip knows it. */
  endpoint: EndpointId | undefined;
}

export class HintedHandoff {
  private enabled: boolean;
  private readonly downSinceMs = new Map<EndpointId, number>();
  private readonly replaying = new Map<string, Promise<void>>();
  private readonly unsubscribe: (() => void)[] = [];
  private timer: Timer | undefined;
  private stopped = false;
  private readonly counters: HandoffStats = { stored: 0, dropped: 0, replayed: 0, replayFailures: 0 };

  constructor(private readonly options: HintedHandoffOptions) {
    this.enabled = options.settings.hinted_handoff_enabled;
  }

  /** Loads the store, then replays on every target's return and on a timer. */
  async start(): Promise<void> {
    await this.options.store.load();
    const { membership, clock, settings } = this.options;
    this.unsubscribe.push(
      membership.onDead((ep) => {
        if (!this.downSinceMs.has(ep)) this.downSinceMs.set(ep, clock.nowMs());
      }),
      membership.onAlive((ep) => {
        this.downSinceMs.delete(ep);
        this.replayEndpoint(ep);
      }),
    );
    this.timer = clock.setInterval(() => this.replayAll(), settings.hints_replay_interval);
    this.timer.unref();
  }

  /** Stops replaying (a page in flight finishes) and storing. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.allSettled([...this.replaying.values()]);
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  /** `enablehandoff` / `disablehandoff`: whether new hints are stored. Replay of stored hints goes on either way. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  /**
   * The coordinator's HintSink: stores a hint for a replica that missed a
   * write, resolving true once it is durable. False, never an error, when the
   * hint is not stored: handoff disabled, the target down past
   * max_hint_window, its hints full, or storage failing; the last three
   * count as dropped, and the target's ranges need repair.
   */
  readonly offer = async (target: EndpointId, partition: Partition): Promise<boolean> => {
    const { membership, settings, clock, store, log } = this.options;
    if (!this.enabled || this.stopped || target === this.options.self) return false;
    const hostId = membership.hostIdOf(target);
    if (hostId === undefined) return false;
    const nowMs = clock.nowMs();
    if (!membership.isAlive(target)) {
      // A target already down when this node started is first seen down now; its window starts here.
      const since = this.downSinceMs.get(target) ?? nowMs;
      this.downSinceMs.set(target, since);
      if (nowMs - since > settings.max_hint_window) return this.drop(hostId, `${target} has been down longer than max_hint_window (${settings.max_hint_window} ms)`);
    }
    try {
      if (await store.append(hostId, partition, clock.nowUs(), settings.max_hints_size_per_host)) {
        this.counters.stored++;
        return true;
      }
      return this.drop(hostId, `hints for ${target} reached max_hints_size_per_host (${settings.max_hints_size_per_host} bytes)`);
    } catch (err) {
      log.warn(`storing a hint for ${target} failed: ${(err as Error).message}`);
      return this.drop(hostId, 'hint storage failed');
    }
  };

  /** Pending hints per target, with the target's current endpoint. */
  pending(): PendingHints[] {
    return this.options.store.targets().map((t) => ({ ...t, endpoint: this.options.membership.endpointOf(t.hostId) }));
  }

  /** Dropped hints per target host id since the last repair cleared them. */
  droppedByTarget(): Map<string, number> {
    return this.options.store.droppedByTarget();
  }

  stats(): HandoffStats {
    return { ...this.counters };
  }

  /**
   * `truncatehints [host]`: deletes the pending hints of one target (an
   * endpoint or a host id) or of all. The writes they carried are lost to
   * that target, so they count as dropped: its ranges need repair.
   */
  async truncate(target?: string): Promise<number> {
    const store = this.options.store;
    const hostIds = target === undefined ? store.targets().map((t) => t.hostId) : [this.resolveHostId(target)];
    let removed = 0;
    for (const hostId of hostIds) {
      const n = await store.truncate(hostId);
      if (n > 0) await store.recordDropped(hostId, n);
      removed += n;
    }
    return removed;
  }

  /**
   * Deletes the hints of a target that left the ring (decommissioned or
   * removed): they can never be delivered, and its ranges now live on other
   * replicas, so they are not counted as dropped.
   */
  async forget(hostId: string): Promise<number> {
    return this.options.store.truncate(hostId);
  }

  /** Starts a replay to every live target holding hints (the periodic check). */
  replayAll(): void {
    for (const t of this.options.store.targets()) {
      const endpoint = this.options.membership.endpointOf(t.hostId);
      if (endpoint && this.options.membership.isAlive(endpoint)) this.replayEndpoint(endpoint);
    }
  }

  /** Replays the endpoint's hints unless a replay to it is already running; resolves when that replay ends. */
  replayEndpoint(endpoint: EndpointId): Promise<void> {
    const hostId = this.options.membership.hostIdOf(endpoint);
    if (hostId === undefined || this.stopped) return Promise.resolve();
    let running = this.replaying.get(hostId);
    if (!running) {
      if (!this.options.store.totalsOf(hostId)) return Promise.resolve();
      running = this.replay(endpoint, hostId).finally(() => this.replaying.delete(hostId));
      this.replaying.set(hostId, running);
    }
    return running;
  }

  /**
   * Sends the target's hints oldest first. Pages are read with a cursor (the
   * last key read), so a page never returns a hint still in flight and never
   * steps over the tombstones of hints already delivered; each page is cut
   * into messages of a throttle-sized chunk (and at most
   * REPLAY_MESSAGE_HINTS_MAX hints), up to REPLAY_MESSAGES_IN_FLIGHT of them
   * awaiting acknowledgement at once, across page boundaries, so the target
   * applies one message while the next travels; the next page is read while
   * this one's messages are sent.
   * A message's hints are deleted as soon as it is acknowledged. A failure
   * stops sending and keeps every unacknowledged hint for the next round.
   */
  private async replay(endpoint: EndpointId, hostId: string): Promise<void> {
    const { store, settings, clock, log, membership } = this.options;
    const startedMs = clock.nowMs();
    const chunkBytes = replayChunkBytes(settings.hinted_handoff_throttle, REPLAY_MESSAGE_BYTES_MAX);
    const round: ReplayRound = { sentBytes: 0, delivered: 0, failed: false };
    const sending = () => !round.failed && !this.stopped && membership.isAlive(endpoint);
    const inFlight = new Set<Promise<void>>();
    // The next page is read while this one's messages travel.
    let next = store.page(hostId, REPLAY_PAGE_HINTS);
    pages: while (sending()) {
      const page = await next;
      if (page.length === 0) break;
      next = store.page(hostId, REPLAY_PAGE_HINTS, page[page.length - 1]!.key);
      for (const chunk of chunksOf(await this.deliverable(endpoint, hostId, page), chunkBytes, REPLAY_MESSAGE_HINTS_MAX)) {
        // The throttle counts bytes when they are sent, so messages in flight cannot outrun it.
        const waitMs = throttleDelayMs(round.sentBytes, clock.nowMs() - startedMs, settings.hinted_handoff_throttle);
        if (waitMs > 0) await sleep(clock, waitMs);
        while (inFlight.size >= REPLAY_MESSAGES_IN_FLIGHT) await Promise.race(inFlight);
        if (!sending()) break pages;
        round.sentBytes += chunk.reduce((n, h) => n + h.bytes, 0);
        const message: Promise<void> = this.sendChunk(endpoint, chunk, round).finally(() => inFlight.delete(message));
        inFlight.add(message);
      }
    }
    // A round that stopped early leaves a page read for nothing; its failure, if any, is of no consequence.
    next.catch(() => {});
    await Promise.all(inFlight);
    await store.refreshOldest(hostId).catch((err: unknown) => log.warn(`reading the oldest hint for ${endpoint} failed: ${String(err)}`));
    if (round.delivered > 0 && !round.failed) log.info(`Finished hinted handoff of ${round.delivered} hints to ${endpoint}`);
  }

  /**
   * The page's hints that may still be delivered; the others are deleted, as
   * Cassandra discards them:
   *
   * - A hint for a table dropped since it was stored: the target refuses a
   *   write to a table it does not know, so the hint could never be delivered,
   *   and it would fail every message it travels in, holding back the target's
   *   other hints for good. It is not counted as dropped: the table is gone,
   *   so there is nothing left to repair.
   * - A hint older than its table's gc_grace_seconds (its time to live): the
   *   tombstones that shadow its data may already be purged, so delivering it
   *   could bring deleted data back. It is counted as dropped, since the
   *   target still misses the write and only repair brings it.
   */
  private async deliverable(endpoint: EndpointId, hostId: string, page: StoredHint[]): Promise<StoredHint[]> {
    const gcGraceSecondsOf = this.options.gcGraceSecondsOf;
    if (!gcGraceSecondsOf) return page;
    const nowMs = this.options.clock.nowMs();
    const kept: StoredHint[] = [];
    const ofDroppedTables: StoredHint[] = [];
    const expired: StoredHint[] = [];
    for (const h of page) {
      const gcGraceS = gcGraceSecondsOf(h.partition.tableId);
      if (gcGraceS === undefined) ofDroppedTables.push(h);
      else if (nowMs - h.createdMs >= gcGraceS * 1000) expired.push(h);
      else kept.push(h);
    }
    if (kept.length === page.length) return page;
    const { store, log } = this.options;
    try {
      await store.remove([...ofDroppedTables, ...expired]);
    } catch (err) {
      // They are discarded on a later round; the rest of the page goes on meanwhile.
      log.warn(`deleting undeliverable hints for ${endpoint} failed: ${String(err)}`);
      return kept;
    }
    if (ofDroppedTables.length > 0) log.info(`Discarded ${ofDroppedTables.length} hints for ${endpoint} of tables dropped since they were stored`);
    if (expired.length > 0) {
      this.counters.dropped += expired.length;
      await store.recordDropped(hostId, expired.length).catch((err: unknown) => log.warn(`recording dropped hints failed: ${String(err)}`));
      log.info(`Discarded ${expired.length} hints for ${endpoint} older than their tables' gc_grace_seconds`);
    }
    return kept;
  }

  /** Sends one message of hints and deletes them once acknowledged; on failure marks the round failed. Never rejects. */
  private async sendChunk(endpoint: EndpointId, chunk: StoredHint[], round: ReplayRound): Promise<void> {
    try {
      await this.options.send(endpoint, { targetHostId: chunk[0]!.hostId, partitions: chunk.map((h) => h.partition) });
    } catch (err) {
      // Several messages in flight may fail together; the round counts as one failure.
      if (!round.failed) {
        round.failed = true;
        this.counters.replayFailures++;
        this.options.log.info(`Hint replay to ${endpoint} paused after ${round.delivered} hints: ${(err as Error).message}`);
      }
      return;
    }
    round.delivered += chunk.length;
    this.counters.replayed += chunk.length;
    // A delivered hint that could not be deleted is delivered again later, which reconcile makes harmless.
    await this.options.store.remove(chunk).catch((err: unknown) => this.options.log.warn(`deleting delivered hints for ${endpoint} failed: ${String(err)}`));
  }

  /**
   * The host id `truncatehints` names: an endpoint's, or a host id this node
   * knows (a member, or a target it holds hints for). Anything else is
   * refused, as Cassandra refuses an unknown address, so a mistyped target
   * is not taken for a successful truncation.
   */
  private resolveHostId(target: string): string {
    const { membership, settings, store } = this.options;
    const endpoint = withDefaultPort(target, settings.storage_port);
    const byEndpoint = membership.hostIdOf(target) ?? membership.hostIdOf(endpoint);
    if (byEndpoint !== undefined) return byEndpoint;
    // Host ids are kept in lower case; a UUID is the same id in either case.
    const hostId = HOST_ID.test(target) ? target.toLowerCase() : target;
    if (membership.endpointOf(hostId) !== undefined || store.totalsOf(hostId) !== undefined) return hostId;
    if (HOST_ID.test(target)) throw new InvalidRequestError(`Can't delete hints for unknown host id ${target}`);
    throw new InvalidRequestError(`Can't delete hints for unknown address /${endpoint}`);
  }

  private async drop(hostId: string, reason: string): Promise<false> {
    this.counters.dropped++;
    this.options.log.debug(`Dropping a hint: ${reason}`);
    await this.options.store.recordDropped(hostId).catch((err: unknown) => this.options.log.warn(`recording a dropped hint failed: ${String(err)}`));
    return false;
  }
}

/** Consecutive hints grouped so each group stays within `bytesMax` and `hintsMax` (a single larger hint goes alone). */
export function chunksOf(hints: readonly StoredHint[], bytesMax: number, hintsMax = Infinity): StoredHint[][] {
  const chunks: StoredHint[][] = [];
  let current: StoredHint[] = [];
  let bytes = 0;
  for (const h of hints) {
    if (current.length > 0 && (bytes + h.bytes > bytesMax || current.length >= hintsMax)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(h);
    bytes += h.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const HOST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function withDefaultPort(host: string, port: number): string {
  return host.includes(':') ? host : `${host}:${port}`;
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
