/**
 * HintStore: the durable hints of one node, kept in the storage engine's
 * meta namespace under `hints/<target host id>/<created µs><sequence>`, so
 * one target's hints are one contiguous key range listed in the order they
 * were written. Replay order does not matter for correctness (reconcile is
 * commutative), but writing order keeps the oldest hints going first.
 *
 * Hints written in one event-loop turn share one synced batch (group
 * commit), and an acknowledged page of replayed hints is deleted in one
 * batch. The store keeps each target's count, bytes and age in memory,
 * rebuilt from disk by load(), and refuses a hint that would take a target
 * past max_hints_size_per_host: the caller counts it as dropped.
 *
 * Dropped hints are counted per target and persisted under
 * `hints_dropped/<host id>`: a target with dropped hints missed writes that
 * only repair can bring back, so `sibyltool info` reports them.
 */
import type { StorageEngine } from '../storage/engine.js';
import type { Partition } from '../storage/model.js';
import { createPackr } from '../util/framing.js';

export type HintStorage = Pick<StorageEngine, 'listMeta' | 'batchMeta'>;

export const HINTS_PREFIX = 'hints/';
export const DROPPED_PREFIX = 'hints_dropped/';

const packr = createPackr();

/** One stored hint: the partition a target missed, and when it was hinted. */
export interface StoredHint {
  key: string;
  hostId: string;
  createdMs: number;
  /** Encoded size on disk; what the byte bound and the throttle count. */
  bytes: number;
  partition: Partition;
}

/** What one target's pending hints amount to. */
export interface TargetHints {
  hostId: string;
  count: number;
  bytes: number;
  oldestMs: number;
  newestMs: number;
}

interface PendingPut {
  key: string;
  value: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class HintStore {
  private readonly totals = new Map<string, TargetHints>();
  private readonly dropped = new Map<string, number>();
  private pending: PendingPut[] = [];
  private flushScheduled = false;
  private sequence = 0;

  constructor(private readonly storage: HintStorage) {}

  /** Rebuilds the per-target totals and dropped counts from what is on disk. */
  async load(): Promise<void> {
    this.totals.clear();
    this.dropped.clear();
    for (const [key, value] of await this.storage.listMeta(HINTS_PREFIX)) {
      const hint = decodeHint(key, value);
      this.count(hint.hostId, hint.bytes, hint.createdMs);
    }
    for (const [key, value] of await this.storage.listMeta(DROPPED_PREFIX)) {
      this.dropped.set(key.slice(DROPPED_PREFIX.length), Number(value.toString('utf8')) || 0);
    }
  }

  /**
   * Stores a hint for the target unless it would take the target's hints
   * past `bytesMax`; resolves true once it is durable, false when refused.
   * The bytes are reserved before the write, so concurrent hints cannot
   * overshoot the bound together.
   */
  async append(hostId: string, partition: Partition, createdUs: number, bytesMax: number): Promise<boolean> {
    const createdMs = Math.floor(createdUs / 1000);
    const value = packr.pack({ createdMs, partition });
    const current = this.totals.get(hostId)?.bytes ?? 0;
    if (current + value.length > bytesMax) return false;
    const key = `${HINTS_PREFIX}${hostId}/${String(createdUs).padStart(17, '0')}${String(this.sequence++ % 1e9).padStart(9, '0')}`;
    this.count(hostId, value.length, createdMs);
    try {
      await this.enqueue(key, value);
    } catch (err) {
      this.uncount(hostId, value.length);
      throw err;
    }
    return true;
  }

  /** Up to `limit` of the target's hints, oldest first; only those after the key `after` when given. */
  async page(hostId: string, limit: number, after?: string): Promise<StoredHint[]> {
    const entries = await this.storage.listMeta(`${HINTS_PREFIX}${hostId}/`, limit, after);
    return entries.map(([key, value]) => decodeHint(key, value));
  }

  /**
   * Deletes hints that were delivered (or given up on) in one batch. The
   * targets' oldest ages are left as they were: a replay deleting page after
   * page calls refreshOldest() once it ends, rather than look up the first
   * remaining key after every batch.
   */
  async remove(hints: readonly StoredHint[]): Promise<void> {
    if (hints.length === 0) return;
    await this.storage.batchMeta([], hints.map((h) => h.key));
    for (const h of hints) this.uncount(h.hostId, h.bytes);
  }

  /** Sets the target's oldest hint age from its first remaining hint. */
  async refreshOldest(hostId: string): Promise<void> {
    const totals = this.totals.get(hostId);
    if (!totals) return;
    const [first] = await this.storage.listMeta(`${HINTS_PREFIX}${hostId}/`, 1);
    if (first) totals.oldestMs = decodeHint(first[0], first[1]).createdMs;
  }

  /** Deletes every hint of the target (or of every target); returns how many went. */
  async truncate(hostId?: string): Promise<number> {
    const prefix = hostId === undefined ? HINTS_PREFIX : `${HINTS_PREFIX}${hostId}/`;
    let removed = 0;
    let after: string | undefined;
    for (;;) {
      const entries = await this.storage.listMeta(prefix, TRUNCATE_PAGE_HINTS, after);
      if (entries.length === 0) return removed;
      await this.remove(entries.map(([key, value]) => decodeHint(key, value)));
      removed += entries.length;
      after = entries[entries.length - 1]![0];
    }
  }

  /** Counts hints the target will never get, persisting the count: its ranges need repair. */
  async recordDropped(hostId: string, hints = 1): Promise<void> {
    const total = (this.dropped.get(hostId) ?? 0) + hints;
    this.dropped.set(hostId, total);
    await this.storage.batchMeta([[`${DROPPED_PREFIX}${hostId}`, Buffer.from(String(total), 'utf8')]], []);
  }

  /** Forgets the dropped hints of the target (or all), once a repair has covered its ranges. */
  async clearDropped(hostId?: string): Promise<void> {
    const ids = hostId === undefined ? [...this.dropped.keys()] : [hostId];
    for (const id of ids) this.dropped.delete(id);
    await this.storage.batchMeta([], ids.map((id) => `${DROPPED_PREFIX}${id}`));
  }

  /** Dropped hints per target host id. */
  droppedByTarget(): Map<string, number> {
    return new Map(this.dropped);
  }

  targets(): TargetHints[] {
    return [...this.totals.values()].map((t) => ({ ...t }));
  }

  totalsOf(hostId: string): TargetHints | undefined {
    const t = this.totals.get(hostId);
    return t ? { ...t } : undefined;
  }

  private count(hostId: string, bytes: number, createdMs: number): void {
    const t = this.totals.get(hostId);
    if (!t) {
      this.totals.set(hostId, { hostId, count: 1, bytes, oldestMs: createdMs, newestMs: createdMs });
      return;
    }
    t.count++;
    t.bytes += bytes;
    t.oldestMs = Math.min(t.oldestMs, createdMs);
    t.newestMs = Math.max(t.newestMs, createdMs);
  }

  private uncount(hostId: string, bytes: number): void {
    const t = this.totals.get(hostId);
    if (!t) return;
    t.count--;
    t.bytes -= bytes;
    if (t.count <= 0) this.totals.delete(hostId);
  }

  /** Every hint appended in this event-loop turn joins one synced batch. */
  private enqueue(key: string, value: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, value, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const group = this.pending;
    this.pending = [];
    try {
      await this.storage.batchMeta(
        group.map((p): [string, Buffer] => [p.key, p.value]),
        [],
      );
      for (const p of group) p.resolve();
    } catch (err) {
      for (const p of group) p.reject(err);
    }
  }
}

/** Hints deleted per batch by truncate. */
const TRUNCATE_PAGE_HINTS = 1000;

function decodeHint(key: string, value: Buffer): StoredHint {
  const rest = key.slice(HINTS_PREFIX.length);
  const hostId = rest.slice(0, rest.indexOf('/'));
  const { createdMs, partition } = packr.unpack(value) as { createdMs: number; partition: Partition };
  return { key, hostId, createdMs, bytes: value.length, partition };
}
