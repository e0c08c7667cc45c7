/**
 * The periodic tombstone purge: every compaction_interval, each table drops
 * the tombstones older than its gc_grace_seconds and the data they shadow
 * (StorageEngine.purgeTable). Until then a tombstone is kept so that repair
 * can still carry it to a replica that missed the delete; see
 * docs/repair.md for why a table must be repaired within gc_grace.
 */
import type { Clock, Timer } from '../clock/clock.js';
import type { StorageEngine } from '../storage/engine.js';
import type { Logger } from '../util/log.js';

export interface TombstonePurgerOptions {
  engine: Pick<StorageEngine, 'purgeTable'>;
  /** Ids of the tables to purge, read at each round so new tables join. */
  tableIds: () => string[];
  clock: Clock;
  log: Logger;
  /** compaction_interval, in milliseconds; 0 disables the purge. */
  intervalMs: number;
}

export class TombstonePurger {
  private timer: Timer | undefined;
  private round: Promise<number> | undefined;

  constructor(private readonly options: TombstonePurgerOptions) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = this.options.clock.setInterval(() => void this.purgeNow(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Purges every table once (a round already running is joined); resolves with the entries removed. */
  purgeNow(): Promise<number> {
    this.round ??= (async () => {
      let removed = 0;
      try {
        for (const id of this.options.tableIds()) {
          try {
            removed += await this.options.engine.purgeTable(id);
          } catch (err) {
            this.options.log.warn(`Purging tombstones of table ${id} failed: ${String(err)}`);
          }
        }
        if (removed > 0) this.options.log.info(`Purged ${removed} entries past gc_grace_seconds`);
        return removed;
      } finally {
        this.round = undefined;
      }
    })();
    return this.round;
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.round?.catch(() => {});
  }
}
