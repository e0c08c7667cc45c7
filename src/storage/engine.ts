/**
 * The storage engine interface and its LevelDB implementation.
 *
 * The interface is narrow on purpose (apply, read, scan, truncate, drop,
 * purge, a meta namespace) so another LSM engine can sit behind it; the same
 * conformance suite runs against LevelEngine and MemoryEngine.
 *
 * LevelEngine writes through `apply`, which merges mutations into what is
 * stored with reconcile: every key (see keys.ts) holds the winner of all
 * versions ever written to it, so the stored bytes do not depend on the order
 * mutations arrived in. Concurrent apply() calls in one event-loop turn share
 * one LevelDB batch. Durability follows commitlog_sync: in `batch` mode the
 * batch is written with sync: true before any of its callers resolve (group
 * commit); in `periodic` mode callers resolve after an unsynced write and a
 * timer forces a sync every commitlogSyncPeriodMs.
 *
 * A write LevelDB fails with an I/O error (a full disk, an unwritable
 * directory) fails with a DiskWriteError, and writes keep failing until the
 * store could be reopened safely: level-store.ts says why and how.
 */
import { resolve as resolvePath } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { Clock, Timer } from '../clock/clock.js';
import type { Partition, ReadCommand, TableLayout, TokenRange } from './model.js';
import { PartitionAssembler } from './assemble.js';
import {
  SYNC_MARKER_KEY,
  decodeCellValue,
  decodeDeletionValue,
  decodeKeyEntry,
  decodeKeyHead,
  encodeCellValue,
  encodeDeletionValue,
  encodeEntries,
  metaKey,
  tableEnd,
  tablePrefix,
  type EncodedEntry,
} from './keys.js';
import { LevelStore } from './level-store.js';
import { readPartition } from './partition-read.js';
import { purge } from './partition.js';
import { compareCells, compareDeletions } from './reconcile.js';
import { scanSegments, type ScanOptions } from './scan-range.js';

export type { ScanOptions } from './scan-range.js';
export { DiskWriteError } from './disk-errors.js';

export interface StorageEngine {
  open(): Promise<void>;
  /** Merges the partitions into stored state with reconcile; resolves once durable per the sync mode. */
  apply(partitions: Partition[]): Promise<void>;
  /** The unfiltered partition restricted to the command (tombstones included), or undefined if nothing is stored there. */
  read(cmd: ReadCommand): Promise<Partition | undefined>;
  /** Whole partitions in token order within (range.start, range.end], strictly after `options.after`. */
  scan(tableId: string, range: TokenRange, options: ScanOptions): Promise<Partition[]>;
  /**
   * Every stored key/value of the table's partitions in (range.start,
   * range.end], in ring order from the range's start and key order within,
   * as the bytes of keys.ts's layout (static rows included); returns how many
   * were visited. For repair, which hashes what is stored without assembling
   * partitions. `visit` may keep the buffers it is given.
   */
  scanEntries(tableId: string, range: TokenRange, visit: (key: Buffer, value: Buffer) => void): Promise<number>;
  /**
   * Removes every stored entry of the table's partitions in (range.start,
   * range.end] with ordinary local deletes; returns how many partitions went
   * and their stored bytes (keys plus values). For cleanup, which drops the
   * ranges a node no longer replicates; start === end is the whole ring.
   */
  deleteRange(tableId: string, range: TokenRange): Promise<RangeDeletion>;
  truncate(tableId: string): Promise<void>;
  dropTable(tableId: string): Promise<void>;
  /** Removes tombstones past gc_grace and the data they shadow; returns how many entries went. */
  purgeTable(tableId: string): Promise<number>;
  getMeta(key: string): Promise<Buffer | undefined>;
  putMeta(key: string, value: Buffer): Promise<void>;
  deleteMeta(key: string): Promise<void>;
  /**
   * Meta entries whose key starts with `prefix`, in key order; at most
   * `limit` of them when given, and only keys after `after` when given (a
   * cursor, so a reader paging through entries it deletes does not step over
   * their tombstones again on every page).
   */
  listMeta(prefix: string, limit?: number, after?: string): Promise<[string, Buffer][]>;
  /** Puts and deletes meta entries atomically and durably, as one write (hints store and remove in bulk). */
  batchMeta(puts: readonly [string, Buffer][], deletes: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** What deleteRange removed. */
export interface RangeDeletion {
  partitions: number;
  bytes: number;
}

export interface LevelEngineOptions {
  path: string;
  clock: Clock;
  commitlogSync: 'periodic' | 'batch';
  commitlogSyncPeriodMs: number;
  layouts: (tableId: string) => TableLayout | undefined;
  /** Where the engine reports failed writes and reopening; silent without it. */
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** Thrown by open() when another process (or this one) already has the data directory open. */
export class DataLockedError extends Error {
  readonly code = 'SIBYL_DATA_LOCKED';
  override readonly name = 'DataLockedError';
  constructor(readonly path: string) {
    super(`data directory ${path} is in use by another Sibyl node`);
  }
}

/**
 * Thrown by open() when the data directory cannot be created or opened: a
 * file in its place or in its path, no permission, a read-only file system.
 * The message names data_directory and the operating system's reason, the
 * innermost error of LevelDB's chain ("Database failed to open" says nothing).
 */
export class DataDirectoryError extends Error {
  readonly code = 'SIBYL_DATA_DIRECTORY';
  override readonly name = 'DataDirectoryError';
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot open data_directory ${path}: ${innermostMessage(cause)}`, { cause });
  }
}

function innermostMessage(err: unknown): string {
  let e = err;
  for (let depth = 0; depth < 4 && e instanceof Error && e.cause instanceof Error; depth++) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Data directories open in this process. LevelDB's lock is per process, and a
 * failed second open in the same process releases the first one's lock, so a
 * second open must be refused before LevelDB is touched. This is state of the
 * process itself, hence module level.
 */
const openPaths = new Set<string>();

interface PendingApply {
  /** The caller's partitions, already encoded: a partition that cannot be encoded fails its own apply(), not its group. */
  entries: EncodedEntry[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

const ITERATOR_CHUNK = 1000;
/**
 * Entries, and bytes, one step of scanEntries fetches. Each step is a round
 * trip to LevelDB's thread; classic-level stops a step at 16 KiB unless told
 * otherwise, which for small entries means a round trip per ~200 of them.
 */
const ENTRIES_CHUNK = 4096;
const ENTRIES_CHUNK_BYTES = 1024 * 1024;
/** Partitions waiting to be written at which a batch starts without waiting for the end of the turn. */
const GROUP_EAGER_PARTITIONS = 16;

export class LevelEngine implements StorageEngine {
  private readonly path: string;
  private readonly store: LevelStore;
  private pending: PendingApply[] = [];
  private flushScheduled = false;
  private flushing = false;
  private pendingPartitions = 0;
  /** At least the timestamp of every cell and deletion ever stored (see writeGroup). */
  private highestTimestampUs = Number.POSITIVE_INFINITY;
  private writing: Promise<void> = Promise.resolve();
  private syncTimer: Timer | undefined;
  private unsynced = false;

  constructor(private readonly options: LevelEngineOptions) {
    this.path = resolvePath(options.path);
    this.store = new LevelStore(this.path, options.log);
  }

  async open(): Promise<void> {
    if (openPaths.has(this.path)) throw new DataLockedError(this.path);
    openPaths.add(this.path);
    let db: ClassicLevel<Buffer, Buffer>;
    try {
      db = await this.store.open();
    } catch (err) {
      openPaths.delete(this.path);
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') throw new DataLockedError(this.path);
      throw new DataDirectoryError(this.path, err);
    }
    const mark = db.getSync(HIGHEST_TIMESTAMP_KEY);
    // A store without a mark predates it or is empty; an empty one has nothing to be newer than.
    this.highestTimestampUs = mark ? decodeHighestTimestamp(mark) : (await isEmpty(db)) ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (this.options.commitlogSync === 'periodic') {
      this.syncTimer = this.options.clock.setInterval(() => void this.syncNow().catch(() => {}), this.options.commitlogSyncPeriodMs);
      this.syncTimer.unref();
    }
  }

  private get level(): ClassicLevel<Buffer, Buffer> {
    return this.store.level;
  }

  private layout(tableId: string): TableLayout {
    const layout = this.options.layouts(tableId);
    if (!layout) throw new Error(`no layout for table ${tableId}`);
    return layout;
  }

  apply(partitions: Partition[]): Promise<void> {
    if (!this.store.failure()) this.level; // Fails fast when closed (a store closed by a failed reopen answers with its failure instead).
    let entries: EncodedEntry[];
    try {
      entries = this.encode(partitions);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ entries, resolve, reject });
      this.pendingPartitions += partitions.length;
      if (this.flushing) return;
      if (this.pendingPartitions >= GROUP_EAGER_PARTITIONS) {
        // Enough is waiting to be worth a batch: start it now, so its write
        // overlaps with handling the rest of this burst of requests and its
        // callers are answered sooner, instead of every request of the turn
        // waiting for one big batch.
        void this.startFlush();
      } else if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Otherwise every apply() of this event-loop turn joins one batch.
        setImmediate(() => void this.startFlush());
      }
    });
  }

  /**
   * Writes everything pending as one group, then keeps going while more has
   * arrived. One group is in flight at a time, because each reads what the
   * previous one stored to decide the winners; applies that arrive meanwhile
   * all join the next group, so group size grows with load instead of the
   * groups queueing behind each other.
   */
  private startFlush(): Promise<void> {
    this.flushScheduled = false;
    if (this.flushing) return this.writing;
    this.flushing = true;
    this.writing = (async () => {
      try {
        while (this.pending.length > 0) {
          const group = this.pending;
          this.pending = [];
          this.pendingPartitions = 0;
          try {
            await this.store.writing(() => this.writeGroup(group));
            for (const g of group) g.resolve();
          } catch (err) {
            for (const g of group) g.reject(err);
          }
        }
      } finally {
        this.flushing = false;
      }
    })();
    return this.writing;
  }

  private encode(partitions: Partition[]): EncodedEntry[] {
    const entries: EncodedEntry[] = [];
    for (const p of partitions) {
      const layout = this.layout(p.tableId);
      for (const e of encodeEntries(layout, p)) entries.push(e);
    }
    return entries;
  }

  private async writeGroup(group: PendingApply[]): Promise<void> {
    const entries: EncodedEntry[] = [];
    for (const g of group) for (const e of g.entries) entries.push(e);
    // Sorting brings writes of the same key together, so each key is written
    // once with the winner of the group; LevelDB also takes sorted batches best.
    entries.sort((a, b) => Buffer.compare(a.key, b.key));
    const merged: EncodedEntry[] = [];
    for (const e of entries) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last.key.equals(e.key)) merged[merged.length - 1] = winner(last, e);
      else merged.push(e);
    }
    const db = this.level;
    // A chained batch hands each operation straight to LevelDB; the array form
    // clones and re-validates every operation, which costs twice as much.
    const batch = db.batch();
    let highestUs = this.highestTimestampUs;
    for (const e of merged) {
      const timestampUs = 'cell' in e ? e.cell.timestampUs : e.deletion.timestampUs;
      // A write newer than anything ever stored wins against whatever the key
      // holds, so only older-or-equal writes need to read the stored version.
      // Synchronous point reads cost microseconds, far less than a round trip
      // to the thread pool, and no other write is in flight.
      const old = timestampUs > this.highestTimestampUs ? undefined : db.getSync(e.key);
      if (timestampUs > highestUs) highestUs = timestampUs;
      if ('cell' in e) {
        if (old === undefined || compareCells(e.cell, decodeCellValue(old)) > 0) batch.put(e.key, encodeCellValue(e.cell));
      } else if (old === undefined || compareDeletions(e.deletion, decodeDeletionValue(old)) > 0) {
        batch.put(e.key, encodeDeletionValue(e.deletion));
      }
    }
    if (batch.length === 0) {
      await batch.close();
      return;
    }
    if (highestUs > this.highestTimestampUs) {
      // Stored in the same atomic batch as the data it bounds, so after any
      // crash the recorded mark is still at least every stored timestamp.
      batch.put(HIGHEST_TIMESTAMP_KEY, encodeHighestTimestamp(highestUs));
    }
    const sync = this.options.commitlogSync === 'batch';
    await batch.write({ sync });
    this.highestTimestampUs = highestUs;
    if (!sync) this.unsynced = true;
  }

  /** Forces every write so far to disk: a synced write of a marker key flushes LevelDB's log. */
  private async syncNow(): Promise<void> {
    if (!this.unsynced || !this.store.isOpen() || this.store.failure()) return;
    this.unsynced = false;
    await this.store.writing(() => this.level.put(SYNC_MARKER_KEY, Buffer.from([0]), { sync: true }));
  }

  read(cmd: ReadCommand): Promise<Partition | undefined> {
    return this.store.reading(() => readPartition(this.level, this.layout(cmd.tableId), cmd));
  }

  /** Whole partitions with their stored keys, in key order, for scan and purge. */
  private async scanRaw(tableId: string, range: TokenRange, options: ScanOptions): Promise<{ partition: Partition; keys: Buffer[] }[]> {
    const layout = this.layout(tableId);
    const out: { partition: Partition; keys: Buffer[] }[] = [];
    let assembler: PartitionAssembler | undefined;
    let keys: Buffer[] = [];
    let currentPrefix: Buffer | undefined;
    const finish = () => {
      if (assembler) {
        const partition = assembler.build();
        if (!options.withStatic) partition.rows = partition.rows.filter((r) => !r.isStatic);
        out.push({ partition, keys });
      }
      assembler = undefined;
    };
    for (const segment of scanSegments(tableId, range, options.after)) {
      const it = this.level.iterator(segment);
      try {
        while (out.length < options.limitPartitions) {
          const chunk = await it.nextv(ITERATOR_CHUNK);
          if (chunk.length === 0) break;
          for (const [k, v] of chunk) {
            const head = decodeKeyHead(k);
            const prefix = k.subarray(0, head.kindOffset);
            if (!currentPrefix || !prefix.equals(currentPrefix)) {
              finish();
              if (out.length >= options.limitPartitions) break;
              currentPrefix = Buffer.from(prefix);
              assembler = new PartitionAssembler(layout, tableId, head.key, head.token);
              keys = [];
            }
            assembler!.add(decodeKeyEntry(layout, k, head.kindOffset), v);
            keys.push(k);
          }
        }
      } finally {
        await it.close();
      }
      if (out.length >= options.limitPartitions) break;
    }
    if (out.length < options.limitPartitions) finish();
    return out;
  }

  async scan(tableId: string, range: TokenRange, options: ScanOptions): Promise<Partition[]> {
    if (options.limitPartitions <= 0) return [];
    return this.store.reading(async () => (await this.scanRaw(tableId, range, options)).map((r) => r.partition));
  }

  scanEntries(tableId: string, range: TokenRange, visit: (key: Buffer, value: Buffer) => void): Promise<number> {
    return this.store.reading(() => this.scanEntriesNow(tableId, range, visit));
  }

  private async scanEntriesNow(tableId: string, range: TokenRange, visit: (key: Buffer, value: Buffer) => void): Promise<number> {
    let visited = 0;
    await this.eachEntryChunk(tableId, range, (chunk) => {
      // Indexed: this loop runs once per stored entry of a whole-table pass, and destructuring each pair through the iterator protocol costs more than the visit.
      for (let i = 0; i < chunk.length; i++) {
        const entry = chunk[i]!;
        visit(entry[0], entry[1]);
      }
      visited += chunk.length;
    });
    return visited;
  }

  /**
   * Walks every stored entry of the table over `range`, in ring order, a
   * chunk at a time. A whole-table pass: large steps, and no evicting what
   * reads keep hot for data read once. The iterators read from a snapshot.
   */
  private async eachEntryChunk(tableId: string, range: TokenRange, onChunk: (chunk: [Buffer, Buffer][]) => void | Promise<void>): Promise<void> {
    for (const segment of scanSegments(tableId, range)) {
      const it = this.level.iterator({ ...segment, highWaterMarkBytes: ENTRIES_CHUNK_BYTES, fillCache: false });
      try {
        for (;;) {
          const chunk = await it.nextv(ENTRIES_CHUNK);
          if (chunk.length === 0) break;
          await onChunk(chunk);
        }
      } finally {
        await it.close();
      }
    }
  }

  async deleteRange(tableId: string, range: TokenRange): Promise<RangeDeletion> {
    await this.writing;
    const removed: RangeDeletion = { partitions: 0, bytes: 0 };
    let lastPrefix: Buffer | undefined;
    // The iterator reads from a snapshot, so deleting what it already returned is safe.
    await this.eachEntryChunk(tableId, range, async (chunk) => {
      const batch = this.level.batch();
      for (const [k, v] of chunk) {
        const prefix = k.subarray(0, decodeKeyHead(k).kindOffset);
        if (!lastPrefix || !prefix.equals(lastPrefix)) {
          removed.partitions++;
          lastPrefix = Buffer.from(prefix);
        }
        removed.bytes += k.length + v.length;
        batch.del(k);
      }
      await batch.write({ sync: this.options.commitlogSync === 'batch' });
    });
    return removed;
  }

  async truncate(tableId: string): Promise<void> {
    await this.writing;
    await this.store.writing(() => this.level.clear({ gte: tablePrefix(tableId), lt: tableEnd(tableId) }));
  }

  async dropTable(tableId: string): Promise<void> {
    await this.truncate(tableId);
  }

  async purgeTable(tableId: string): Promise<number> {
    await this.writing;
    return this.store.writing(() => this.purgeNow(tableId));
  }

  private async purgeNow(tableId: string): Promise<number> {
    const layout = this.layout(tableId);
    const nowS = this.options.clock.nowS();
    let removed = 0;
    let after: { token: bigint; key: Buffer } | undefined;
    for (;;) {
      const page = await this.scanRaw(tableId, { start: 0n, end: 0n }, { after, limitPartitions: 100, withStatic: true });
      if (page.length === 0) break;
      const ops: { type: 'del'; key: Buffer }[] = [];
      for (const { partition, keys } of page) {
        const kept = new Set(encodeEntries(layout, purge(layout, partition, nowS)).map((e) => e.key.toString('latin1')));
        for (const k of keys) if (!kept.has(k.toString('latin1'))) ops.push({ type: 'del', key: k });
      }
      if (ops.length > 0) await this.level.batch(ops, { sync: this.options.commitlogSync === 'batch' });
      removed += ops.length;
      const last = page[page.length - 1]!.partition;
      after = { token: last.token, key: last.key };
    }
    return removed;
  }

  getMeta(key: string): Promise<Buffer | undefined> {
    return this.store.reading(() => this.level.get(metaKey(key)));
  }

  putMeta(key: string, value: Buffer): Promise<void> {
    return this.store.writing(() => this.level.put(metaKey(key), value, { sync: true }));
  }

  deleteMeta(key: string): Promise<void> {
    return this.store.writing(() => this.level.del(metaKey(key), { sync: true }));
  }

  listMeta(prefix: string, limit?: number, after?: string): Promise<[string, Buffer][]> {
    return this.store.reading(() => this.listMetaNow(prefix, limit, after));
  }

  private async listMetaNow(prefix: string, limit?: number, after?: string): Promise<[string, Buffer][]> {
    const start = metaKey(prefix);
    const end = Buffer.concat([start, Buffer.from([0xff])]);
    // The cursor followed by a zero byte is the first key after it.
    const cursor = after === undefined ? undefined : Buffer.concat([metaKey(after), Buffer.from([0])]);
    const range = { gte: cursor && Buffer.compare(cursor, start) > 0 ? cursor : start, lt: end };
    const entries = await this.level.iterator(limit === undefined ? range : { ...range, limit }).all();
    return entries
      .map(([k, v]): [string, Buffer] => [k.subarray(1).toString('utf8'), v])
      .filter(([k]) => k.startsWith(prefix));
  }

  async batchMeta(puts: readonly [string, Buffer][], deletes: readonly string[]): Promise<void> {
    if (puts.length === 0 && deletes.length === 0) return;
    await this.store.writing(async () => {
      const batch = this.level.batch();
      for (const [key, value] of puts) batch.put(metaKey(key), value);
      for (const key of deletes) batch.del(metaKey(key));
      await batch.write({ sync: true });
    });
  }

  async close(): Promise<void> {
    if (!this.store.isOpen()) {
      // A store a failed reopen left closed has nothing to flush.
      if (this.store.failure()) {
        this.syncTimer?.cancel();
        openPaths.delete(this.path);
      }
      return;
    }
    this.syncTimer?.cancel();
    await this.startFlush();
    await this.writing.catch(() => {});
    await this.syncNow().catch(() => {});
    await this.store.close();
    openPaths.delete(this.path);
  }
}

/** A key beside the sync marker, outside both the meta and the data namespaces. */
const HIGHEST_TIMESTAMP_KEY = Buffer.from([0x03]);

function encodeHighestTimestamp(us: number): Buffer {
  const buf = Buffer.allocUnsafe(8);
  buf.writeDoubleBE(us);
  return buf;
}

function decodeHighestTimestamp(buf: Buffer): number {
  return buf.readDoubleBE(0);
}

async function isEmpty(db: ClassicLevel<Buffer, Buffer>): Promise<boolean> {
  const it = db.iterator({ limit: 1 });
  try {
    return (await it.next()) === undefined;
  } finally {
    await it.close();
  }
}

function winner(a: EncodedEntry, b: EncodedEntry): EncodedEntry {
  if ('cell' in a && 'cell' in b) return compareCells(a.cell, b.cell) >= 0 ? a : b;
  if ('deletion' in a && 'deletion' in b) return compareDeletions(a.deletion, b.deletion) >= 0 ? a : b;
  throw new Error('one key holding both a cell and a deletion');
}
