import { ManualClock } from '../../../src/clock/clock.js';
import { LocalCoordinator } from '../../../src/coordinator/local.js';
import { CqlQueryProcessor } from '../../../src/cql/query-processor.js';
import { SchemaCatalog } from '../../../src/cql/schema-catalog.js';
import type { Partition } from '../../../src/storage/model.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import { tableLayout } from '../../../src/schema/table.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';
import type { ResultEnvelope } from '../../../src/cql/result.js';
import type { Session } from '../../../src/cql/processor.js';

/** A MemoryEngine that also records every applied mutation, so tests can assert the exact partitions written. */
export class RecordingStorage extends MemoryEngine {
  readonly applied: Partition[][] = [];
  override async apply(partitions: Partition[]): Promise<void> {
    this.applied.push(partitions);
    await super.apply(partitions);
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
  let catalog: SchemaCatalog | undefined;
  const storage = new RecordingStorage({
    clock,
    layouts: (id) => {
      for (const ks of catalog!.keyspaces()) for (const t of catalog!.tables(ks.name)) if (t.id === id) return tableLayout(t);
      return undefined;
    },
  });
  await storage.open();
  // The engine's metadata keys hold the schema, as on a real node.
  catalog = new SchemaCatalog(storage, {
    bytes: (n) => Buffer.alloc(n, 0xab),
    uuid: (() => {
      let i = 0;
      return () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}`;
    })(),
  });
  await catalog.load();
  const processor = new CqlQueryProcessor({
    catalog: catalog!,
    coordinator: new LocalCoordinator(storage),
    clock,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    random: { bytes: (n) => Buffer.alloc(n, 0xab), uuid: () => '11111111-2222-4333-8444-555555555555' },
  });
  const session: Session = {};
  const h: Harness = {
    clock,
    storage,
    catalog: catalog!,
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
