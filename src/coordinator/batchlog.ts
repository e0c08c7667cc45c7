/**
 * The batchlog: how a logged BATCH spanning several partitions applies fully
 * even if its coordinator dies midway. Before writing anything the
 * coordinator stores the whole batch on up to two other live nodes
 * (BATCHLOG_STORE, kept durably in their storage meta under `batchlog/<id>`),
 * then writes the mutations, then tells them to forget it
 * (BATCHLOG_REMOVE). Every node runs a BatchlogReplayer: an entry still
 * present twice write_request_timeout after it was written means its
 * coordinator never confirmed it, so the replayer writes its mutations again
 * at ONE (reconcile makes that idempotent: original timestamps are kept) and
 * deletes the entry.
 */
import type { Clock, Timer } from '../clock/clock.js';
import type { BatchlogStoreRequest } from '../net/payloads.js';
import type { KeyspaceMetadata } from '../schema/table.js';
import type { StorageEngine } from '../storage/engine.js';
import { createPackr } from '../util/framing.js';
import type { Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import type { Coordinator } from './coordinator.js';

export const BATCHLOG_PREFIX = 'batchlog/';

type MetaStore = Pick<StorageEngine, 'getMeta' | 'putMeta' | 'deleteMeta' | 'listMeta'>;

/** One packer for batchlog entries; msgpackr keeps Buffers and bigint tokens exact. */
const packr = createPackr();

export function batchlogKey(batchId: string): string {
  return BATCHLOG_PREFIX + batchId;
}

/** Stores a batch durably in this node's meta (the BATCHLOG_STORE handler). */
export async function storeBatch(store: MetaStore, entry: BatchlogStoreRequest): Promise<void> {
  await store.putMeta(batchlogKey(entry.batchId), packr.pack(entry));
}

/** Forgets a batch whose coordinator applied it (the BATCHLOG_REMOVE handler). */
export async function removeBatch(store: MetaStore, batchId: string): Promise<void> {
  await store.deleteMeta(batchlogKey(batchId));
}

/** Every stored batch, oldest id first. */
export async function listBatches(store: MetaStore): Promise<BatchlogStoreRequest[]> {
  const entries = await store.listMeta(BATCHLOG_PREFIX);
  return entries.map(([, value]) => packr.unpack(value) as BatchlogStoreRequest);
}

export interface BatchlogReplayerOptions {
  engine: MetaStore;
  /** Writes a replayed batch; the node passes its ClusterCoordinator. */
  coordinator: Pick<Coordinator, 'write'>;
  clock: Clock;
  settings: Settings;
  log: Logger;
  /** The keyspace's current metadata by name; falls back to the copy stored with the batch. */
  keyspaceOf?: (name: string) => KeyspaceMetadata | undefined;
}

export class BatchlogReplayer {
  private timer: Timer | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: BatchlogReplayerOptions) {}

  /** Replays due batches every batchlog_replay_interval until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = this.options.clock.setInterval(() => void this.replayDue(), this.options.settings.batchlog_replay_interval);
    this.timer.unref();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /**
   * One replay round: every batch older than twice write_request_timeout is
   * written at ONE and then deleted; one that fails stays for the next round.
   * Returns how many batches were replayed. Rounds never overlap.
   */
  replayDue(): Promise<number> {
    this.running ??= this.replayRound().finally(() => (this.running = undefined));
    return this.running;
  }

  private async replayRound(): Promise<number> {
    const { engine, clock, settings, log } = this.options;
    const dueBeforeUs = clock.nowUs() - 2 * settings.write_request_timeout * 1000;
    let replayed = 0;
    for (const entry of await listBatches(engine)) {
      if (entry.writtenAtUs > dueBeforeUs) continue;
      const parts = [{ keyspace: entry.keyspace, partitions: entry.partitions }, ...(entry.more ?? [])];
      const keyspaces = parts.map((p) => (p.keyspace && this.options.keyspaceOf?.(p.keyspace.name)) ?? p.keyspace);
      if (keyspaces.some((k) => k === undefined)) {
        log.warn(`batchlog entry ${entry.batchId} names no keyspace; dropping it`);
        await removeBatch(engine, entry.batchId);
        continue;
      }
      try {
        // Every keyspace's share, each written again whole: a share a failed round already applied wins nothing twice (last write wins).
        for (let i = 0; i < parts.length; i++) await this.options.coordinator.write(keyspaces[i]!, parts[i]!.partitions, 'ONE', 'UNLOGGED_BATCH');
        await removeBatch(engine, entry.batchId);
        replayed++;
        const count = parts.reduce((n, p) => n + p.partitions.length, 0);
        log.info(`replayed batch ${entry.batchId} (${count} partitions${parts.length > 1 ? ` in ${parts.length} keyspaces` : ''})`);
      } catch (err) {
        log.warn(`batch ${entry.batchId} replay failed, kept for the next round: ${(err as Error).message}`);
      }
    }
    return replayed;
  }
}
