import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/clock/clock.js';
import { serialize } from '../../../src/schema/codec.js';
import { parseTypeName } from '../../../src/schema/cql-type.js';
import { LevelEngine, type StorageEngine } from '../../../src/storage/engine.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import { NO_DELETION_TIME, type Cell, type Partition, type Row, type TableLayout } from '../../../src/storage/model.js';

/** Partition key int; clustering (c1 int ASC, c2 text DESC). */
export const LAYOUT: TableLayout = {
  id: '5b6962f0-0000-4000-8000-000000000001',
  name: 'ks.t',
  partitionKeyTypes: [parseTypeName('int')],
  clusteringTypes: [parseTypeName('int'), parseTypeName('text')],
  clusteringOrder: ['ASC', 'DESC'],
  gcGraceSeconds: 100,
};
export const layouts = (id: string) => (id === LAYOUT.id ? LAYOUT : undefined);

export const int = (n: number) => serialize(parseTypeName('int'), n, 'v');
export const text = (s: string) => serialize(parseTypeName('text'), s, 'v');
export const ck = (a: number, b: string) => [int(a), text(b)];

export const live = (value: string, timestampUs: number, ttlS = 0, localDeletionTimeS = NO_DELETION_TIME): Cell => ({
  value: Buffer.from(value),
  timestampUs,
  ttlS,
  localDeletionTimeS,
});
export const tomb = (timestampUs: number, localDeletionTimeS = 1000): Cell => ({ value: null, timestampUs, ttlS: 0, localDeletionTimeS });

/** Token = the key number, so token order is easy to reason about. */
export function partition(key: number, extra: Partial<Partition> = {}): Partition {
  return { tableId: LAYOUT.id, key: int(key), token: BigInt(key), rangeTombstones: [], rows: [], ...extra };
}

export function row(clustering: Buffer[], extra: Partial<Row> = {}): Row {
  return { clustering, isStatic: false, collectionDeletions: [], cells: [], ...extra };
}

export const staticRow = (extra: Partial<Row> = {}): Row => row([], { isStatic: true, ...extra });

export interface EngineUnderTest {
  engine: StorageEngine;
  clock: ManualClock;
  /** Closes and opens the same data again (MemoryEngine keeps its object). */
  reopen(): Promise<void>;
  dispose(): Promise<void>;
}

export type EngineFactory = { name: string; durable: boolean; make(mode?: 'batch' | 'periodic'): Promise<EngineUnderTest> };

export const ENGINES: EngineFactory[] = [
  {
    name: 'LevelEngine',
    durable: true,
    async make(mode = 'batch') {
      const dir = mkdtempSync(join(tmpdir(), 'sibyl-storage-'));
      const clock = new ManualClock(1_000_000 * 1_000_000);
      const create = () => new LevelEngine({ path: dir, clock, commitlogSync: mode, commitlogSyncPeriodMs: 50, layouts });
      const ut: EngineUnderTest = {
        engine: create(),
        clock,
        async reopen() {
          await ut.engine.close();
          ut.engine = create();
          await ut.engine.open();
        },
        async dispose() {
          await ut.engine.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
      await ut.engine.open();
      return ut;
    },
  },
  {
    name: 'MemoryEngine',
    durable: false,
    async make() {
      const clock = new ManualClock(1_000_000 * 1_000_000);
      const engine = new MemoryEngine({ clock, layouts });
      await engine.open();
      return {
        engine,
        clock,
        async reopen() {
          await engine.close();
          await engine.open();
        },
        async dispose() {
          await engine.close();
        },
      };
    },
  },
];
