/**
 * A pure in-memory StorageEngine with LevelEngine's semantics, built directly
 * on mergePartitions rather than on the key layout. Being a second,
 * independent implementation, it lets the conformance suite cross-check
 * LevelEngine; it also serves tests that need storage without a disk.
 * Nothing is durable.
 */
import type { Clock } from '../clock/clock.js';
import type { Partition, ReadCommand, TableLayout, TokenRange } from './model.js';
import type { RangeDeletion, StorageEngine } from './engine.js';
import type { ScanOptions } from './scan-range.js';
import { isEmptyPartition, restrictToCommand } from './assemble.js';
import { encodeCellValue, encodeDeletionValue, encodeEntries } from './keys.js';
import { mergePartitions, purge } from './partition.js';

export interface MemoryEngineOptions {
  clock: Clock;
  layouts: (tableId: string) => TableLayout | undefined;
}

function comparePartitionPosition(a: { token: bigint; key: Buffer }, b: { token: bigint; key: Buffer }): number {
  if (a.token !== b.token) return a.token < b.token ? -1 : 1;
  return Buffer.compare(a.key, b.key);
}

/** How many stored entries a partition amounts to (one per key in LevelEngine's layout). */
function entryCount(p: Partition): number {
  let n = (p.deletion ? 1 : 0) + p.rangeTombstones.length;
  for (const r of p.rows) n += (r.marker ? 1 : 0) + (r.deletion ? 1 : 0) + r.collectionDeletions.length + r.cells.length;
  return n;
}

function inRange(range: TokenRange, token: bigint): boolean {
  if (range.start === range.end) return true;
  if (range.start < range.end) return token > range.start && token <= range.end;
  return token > range.start || token <= range.end;
}

export class MemoryEngine implements StorageEngine {
  private tables = new Map<string, Map<string, Partition>>();
  private meta = new Map<string, Buffer>();
  private isOpen = false;

  constructor(private readonly options: MemoryEngineOptions) {}

  async open(): Promise<void> {
    this.isOpen = true;
  }

  private layout(tableId: string): TableLayout {
    const layout = this.options.layouts(tableId);
    if (!layout) throw new Error(`no layout for table ${tableId}`);
    return layout;
  }

  private table(tableId: string): Map<string, Partition> {
    let t = this.tables.get(tableId);
    if (!t) this.tables.set(tableId, (t = new Map()));
    return t;
  }

  async apply(partitions: Partition[]): Promise<void> {
    if (!this.isOpen) throw new Error('storage is not open');
    // All or nothing, as LevelEngine: a partition of an unknown table fails the call before any is merged.
    for (const p of partitions) this.layout(p.tableId);
    for (const p of partitions) {
      const layout = this.layout(p.tableId);
      const table = this.table(p.tableId);
      const id = p.key.toString('hex');
      const empty: Partition = { tableId: p.tableId, key: Buffer.from(p.key), token: p.token, rangeTombstones: [], rows: [] };
      table.set(id, mergePartitions(layout, table.get(id) ?? empty, p));
    }
  }

  async read(cmd: ReadCommand): Promise<Partition | undefined> {
    const stored = this.tables.get(cmd.tableId)?.get(cmd.key.toString('hex'));
    return stored ? restrictToCommand(this.layout(cmd.tableId), stored, cmd) : undefined;
  }

  private ordered(tableId: string, range: TokenRange): Partition[] {
    const all = [...(this.tables.get(tableId)?.values() ?? [])].filter((p) => inRange(range, p.token) && !isEmptyPartition(p));
    all.sort(comparePartitionPosition);
    if (range.start > range.end) {
      // Ring order for a wrapping range: the tokens after start come first.
      return [...all.filter((p) => p.token > range.start), ...all.filter((p) => p.token <= range.end)];
    }
    return all;
  }

  async scan(tableId: string, range: TokenRange, options: ScanOptions): Promise<Partition[]> {
    let list = this.ordered(tableId, range);
    if (options.after) {
      // Ring position: for a wrapping range the tokens after start come first.
      const segment = (token: bigint) => (range.start > range.end && token <= range.end ? 1 : 0);
      const after = options.after;
      list = list.filter((p) => segment(p.token) - segment(after.token) || comparePartitionPosition(p, after) > 0);
      list = list.filter((p) => segment(p.token) >= segment(after.token));
    }
    return list.slice(0, Math.max(0, options.limitPartitions)).map((p) => ({
      ...p,
      rows: options.withStatic ? p.rows : p.rows.filter((r) => !r.isStatic),
    }));
  }

  /**
   * The entries LevelEngine would store for the same data: this engine keeps
   * partitions, so each is encoded with the key layout and sorted into key
   * order, costing what a test-sized table can afford.
   */
  async scanEntries(tableId: string, range: TokenRange, visit: (key: Buffer, value: Buffer) => void): Promise<number> {
    const layout = this.layout(tableId);
    let visited = 0;
    for (const p of this.ordered(tableId, range)) {
      const entries = encodeEntries(layout, p).sort((a, b) => Buffer.compare(a.key, b.key));
      for (const e of entries) visit(e.key, 'cell' in e ? encodeCellValue(e.cell) : encodeDeletionValue(e.deletion));
      visited += entries.length;
    }
    return visited;
  }

  /** Counts bytes as LevelEngine stores them: each partition's entries encoded with the key layout. */
  async deleteRange(tableId: string, range: TokenRange): Promise<RangeDeletion> {
    const layout = this.layout(tableId);
    const removed: RangeDeletion = { partitions: 0, bytes: 0 };
    const table = this.tables.get(tableId);
    if (!table) return removed;
    for (const [id, p] of table) {
      if (!inRange(range, p.token)) continue;
      table.delete(id);
      if (isEmptyPartition(p)) continue;
      removed.partitions++;
      for (const e of encodeEntries(layout, p)) {
        removed.bytes += e.key.length + ('cell' in e ? encodeCellValue(e.cell) : encodeDeletionValue(e.deletion)).length;
      }
    }
    return removed;
  }

  async truncate(tableId: string): Promise<void> {
    this.tables.delete(tableId);
  }

  async dropTable(tableId: string): Promise<void> {
    this.tables.delete(tableId);
  }

  async purgeTable(tableId: string): Promise<number> {
    const layout = this.layout(tableId);
    const nowS = this.options.clock.nowS();
    let removed = 0;
    const table = this.table(tableId);
    for (const [id, p] of table) {
      const kept = purge(layout, p, nowS);
      removed += entryCount(p) - entryCount(kept);
      if (isEmptyPartition(kept)) table.delete(id);
      else table.set(id, kept);
    }
    return removed;
  }

  async getMeta(key: string): Promise<Buffer | undefined> {
    return this.meta.get(key);
  }

  async putMeta(key: string, value: Buffer): Promise<void> {
    this.meta.set(key, Buffer.from(value));
  }

  async deleteMeta(key: string): Promise<void> {
    this.meta.delete(key);
  }

  async listMeta(prefix: string, limit?: number, after?: string): Promise<[string, Buffer][]> {
    const all = [...this.meta.entries()]
      .filter(([k]) => k.startsWith(prefix) && (after === undefined || Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0))
      .sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
    return limit === undefined ? all : all.slice(0, limit);
  }

  async batchMeta(puts: readonly [string, Buffer][], deletes: readonly string[]): Promise<void> {
    for (const [key, value] of puts) this.meta.set(key, Buffer.from(value));
    for (const key of deletes) this.meta.delete(key);
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }
}
