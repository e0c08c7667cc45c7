/**
 * The record of every repair run, kept in the node's meta namespace under
 * `repair_history/` (Cassandra keeps it in system_distributed.repair_history).
 * Keys start with the start time, so a listing is in chronological order.
 */
import type { StorageEngine } from '../storage/engine.js';

export const REPAIR_HISTORY_PREFIX = 'repair_history/';

export type RepairStatus = 'SUCCESS' | 'FAILED' | 'PREVIEW';

export interface RepairRecord {
  /** The command's uuid. */
  id: string;
  command: number;
  keyspace: string;
  tables: string[];
  /** Token ranges covered, as '(start,end]'. */
  ranges: string[];
  startedAtMs: number;
  finishedAtMs: number;
  status: RepairStatus;
  bytesStreamed: number;
  /** Rows of partitions found out of sync (and, unless previewed, repaired). */
  rowsRepaired: number;
  partitionsOutOfSync: number;
  error?: string;
}

export type HistoryStore = Pick<StorageEngine, 'putMeta' | 'listMeta'>;

export async function recordRepair(store: HistoryStore, record: RepairRecord): Promise<void> {
  const key = `${REPAIR_HISTORY_PREFIX}${String(record.startedAtMs).padStart(15, '0')}-${record.id}`;
  await store.putMeta(key, Buffer.from(JSON.stringify(record), 'utf8'));
}

export async function repairHistory(store: HistoryStore): Promise<RepairRecord[]> {
  return (await store.listMeta(REPAIR_HISTORY_PREFIX)).map(([, value]) => JSON.parse(value.toString('utf8')) as RepairRecord);
}

/**
 * When each table (by 'ks.table') last finished a successful, non-preview
 * repair, in wall-clock milliseconds.
 */
export function lastSuccessfulRepairs(history: readonly RepairRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of history) {
    if (r.status !== 'SUCCESS') continue;
    for (const t of r.tables) {
      const name = `${r.keyspace}.${t}`;
      if ((out.get(name) ?? -Infinity) < r.finishedAtMs) out.set(name, r.finishedAtMs);
    }
  }
  return out;
}
