import { ManualClock } from '../../../src/clock/clock.js';
import type { RangeReadCommand } from '../../../src/coordinator/coordinator.js';
import { LocalCoordinator, type LocalStorage } from '../../../src/coordinator/local.js';
import { CqlQueryProcessor } from '../../../src/cql/query-processor.js';
import { SchemaCatalog } from '../../../src/cql/schema-catalog.js';
import type { Partition, ReadCommand, TableLayout } from '../../../src/storage/model.js';
import { mergePartitions } from '../../../src/storage/partition.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import type { ResultEnvelope } from '../../../src/cql/result.js';
import type { Session } from '../../../src/cql/processor.js';
import { MemorySchemaStore } from './memory-schema-store.js';

/** Records every applied mutation and keeps merged partitions, enough to drive the processor in tests. */
export class RecordingStorage implements LocalStorage {
  readonly applied: Partition[][] = [];
  private readonly data = new Map<string, Partition>();
  layouts = new Map<string, TableLayout>();
  async apply(partitions: Partition[]): Promise<void> {
    this.applied.push(partitions);
    for (const p of partitions) {
      const id = `${p.tableId}/${p.key.toString('hex')}`;
      const old = this.data.get(id);
      const layout = this.layouts.get(p.tableId);
      this.data.set(id, old && layout ? mergePartitions(layout, old, p) : p);
    }
  }
  async read(layout: TableLayout, command: ReadCommand): Promise<Partition | undefined> {
    this.layouts.set(layout.id, layout);
    return this.data.get(`${command.tableId}/${command.key.toString('hex')}`);
  }
  async scan(_layout: TableLayout, command: RangeReadCommand): Promise<Partition[]> {
    return [...this.data.values()].filter((p) => p.tableId === command.tableId);
  }
  async truncate(tableId: string): Promise<void> {
    for (const [k, p] of this.data) if (p.tableId === tableId) this.data.delete(k);
  }
}

export interface Harness {
  clock: ManualClock;
  storage: RecordingStorage;
  catalog: SchemaCatalog;
  processor: CqlQueryProcessor;
  session: Session;
  run(cql: string, timestampUs?: number): Promise<ResultEnvelope>;
  /** The partitions the last write applied. */
  last(): Partition[];
}

/** 2023-11-14T22:13:20Z, in µs. */
export const START_US = 1_700_000_000_000_000;
export const START_S = 1_700_000_000;

export async function harness(settings: Partial<Settings> = {}): Promise<Harness> {
  const clock = new ManualClock(START_US);
  const storage = new RecordingStorage();
  const catalog = new SchemaCatalog(new MemorySchemaStore(), {
    bytes: (n) => Buffer.alloc(n, 0xab),
    uuid: (() => {
      let i = 0;
      return () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}`;
    })(),
  });
  await catalog.load();
  const processor = new CqlQueryProcessor({
    catalog,
    coordinator: new LocalCoordinator(storage),
    clock,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    random: { bytes: (n) => Buffer.alloc(n, 0xab), uuid: () => '11111111-2222-4333-8444-555555555555' },
  });
  const session: Session = {};
  const h: Harness = {
    clock,
    storage,
    catalog,
    processor,
    session,
    run: (cql, timestampUs) =>
      processor.query(session, cql, { consistency: 'ONE', ...(timestampUs !== undefined ? { timestampUs } : {}) }),
    last: () => storage.applied[storage.applied.length - 1]!,
  };
  return h;
}

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export function text(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

export async function rejects(promise: Promise<unknown>, type: Function, message: string | RegExp): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof type)) throw err;
    const msg = (err as Error).message;
    if (typeof message === 'string' ? msg !== message : !message.test(msg)) {
      throw new Error(`expected message ${String(message)}, got ${msg}`);
    }
    return err as Error;
  }
  throw new Error(`expected ${type.name}: ${String(message)}`);
}
