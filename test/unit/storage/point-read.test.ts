import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/clock/clock.js';
import { parseTypeName } from '../../../src/schema/cql-type.js';
import { DEFAULT_TABLE_OPTIONS, tableLayout, type TableMetadata } from '../../../src/schema/table.js';
import { LevelEngine } from '../../../src/storage/engine.js';
import { MemoryEngine } from '../../../src/storage/memory-engine.js';
import type { Partition, ReadCommand, TableLayout } from '../../../src/storage/model.js';
import { int, live, tomb } from './fixtures.js';

/** A key-value table: int partition key, no clustering, single-cell columns a, b and the dropped column gone. */
const SCANNED: TableLayout = {
  id: '5b6962f0-0000-4000-8000-0000000000a1',
  name: 'ks.kv',
  partitionKeyTypes: [parseTypeName('int')],
  clusteringTypes: [],
  clusteringOrder: [],
  gcGraceSeconds: 100,
};
const POINT: TableLayout = { ...SCANNED, cellColumns: ['a', 'b', 'gone'] };

const d = (timestampUs: number) => ({ timestampUs, localDeletionTimeS: 900 });
const p = (key: number, extra: Partial<Partition>): Partition => ({ tableId: SCANNED.id, key: int(key), token: BigInt(key), rangeTombstones: [], rows: [], ...extra });
const r = (extra: Partial<Partition['rows'][number]>) => ({ clustering: [], isStatic: false, collectionDeletions: [], cells: [], ...extra });

/** Every kind of entry such a table can hold, alone and together, with writes that lose to stored ones. */
function dataSet(): Partition[][] {
  return [
    [p(1, { rows: [r({ marker: live('', 10) })] })],
    [p(2, { rows: [r({ marker: live('', 10), cells: [{ column: 'a', cell: live('x', 10) }, { column: 'b', cell: live('y', 11, 60, 5000) }] })] })],
    [p(3, { rows: [r({ cells: [{ column: 'b', cell: tomb(20, 800) }] })] })],
    [p(4, { rows: [r({ deletion: d(15), cells: [{ column: 'a', cell: live('newer', 16) }] })] })],
    [p(5, { deletion: d(30), rows: [r({ cells: [{ column: 'a', cell: live('after', 31) }] })] })],
    [p(6, { deletion: d(40) })],
    [p(7, { rows: [r({ cells: [{ column: 'gone', cell: live('dropped later', 5) }] })] })],
    // Written newest first: the stored winner must not depend on arrival order.
    [p(8, { rows: [r({ cells: [{ column: 'a', cell: live('new', 50) }] })] }), p(8, { rows: [r({ cells: [{ column: 'a', cell: live('old', 49) }] })] })],
  ];
}

const command = (key: number): ReadCommand => ({ tableId: SCANNED.id, key: int(key), token: BigInt(key), slices: [], withStatic: true, reversed: false });

describe('point reads of tables without clustering or multi-cell columns', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function levelEngine(layout: TableLayout): Promise<LevelEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'sibyl-point-'));
    dirs.push(dir);
    const engine = new LevelEngine({ path: dir, clock: new ManualClock(1_000_000_000_000), commitlogSync: 'batch', commitlogSyncPeriodMs: 50, layouts: (id) => (id === layout.id ? layout : undefined) });
    await engine.open();
    return engine;
  }

  it('read exactly what an iterator over the partition reads, and what MemoryEngine holds', async () => {
    const point = await levelEngine(POINT);
    const scanned = await levelEngine(SCANNED);
    const memory = new MemoryEngine({ clock: new ManualClock(1_000_000_000_000), layouts: (id) => (id === SCANNED.id ? SCANNED : undefined) });
    await memory.open();
    try {
      for (const writes of dataSet()) for (const w of writes) for (const e of [point, scanned, memory]) await e.apply([w]);
      for (let key = 1; key <= 9; key++) {
        const expected = await scanned.read(command(key));
        expect(await point.read(command(key)), `partition ${key}`).to.deep.equal(expected);
        expect(await memory.read(command(key)), `partition ${key}`).to.deep.equal(expected);
      }
      // Spot checks that the comparison above compares something.
      expect(await point.read(command(9))).to.equal(undefined);
      const two = await point.read(command(2));
      expect(two!.rows[0]!.cells.map((c) => c.column)).to.deep.equal(['a', 'b']);
      expect((await point.read(command(8)))!.rows[0]!.cells[0]!.cell.value!.toString()).to.equal('new');
      expect((await point.read(command(6)))!.deletion).to.deep.equal(d(40));
    } finally {
      await point.close();
      await scanned.close();
      await memory.close();
    }
  });
});

describe('tableLayout cellColumns', () => {
  const table = (columns: [string, string, TableMetadata['columns'][number]['kind']][], dropped: [string, string][] = []): TableMetadata => ({
    keyspace: 'ks',
    name: 't',
    id: '5b6962f0-0000-4000-8000-0000000000a2',
    columns: columns.map(([name, type, kind]) => ({ name, type: parseTypeName(type), kind, position: 0 })),
    options: { ...DEFAULT_TABLE_OPTIONS },
    ...(dropped.length > 0 ? { dropped: dropped.map(([name, type]) => ({ name, type: parseTypeName(type), kind: 'regular' as const, droppedAtUs: 1 })) } : {}),
  });

  it('lists every regular column a table without clustering has or dropped', () => {
    const layout = tableLayout(table([['k', 'int', 'partition_key'], ['v', 'text', 'regular'], ['f', 'frozen<list<int>>', 'regular']], [['old', 'int']]));
    expect(layout.cellColumns).to.deep.equal(['v', 'f', 'old']);
  });

  it('is absent with a clustering column, a non-frozen collection, or a dropped one', () => {
    expect(tableLayout(table([['k', 'int', 'partition_key'], ['c', 'int', 'clustering'], ['v', 'text', 'regular']])).cellColumns).to.equal(undefined);
    expect(tableLayout(table([['k', 'int', 'partition_key'], ['s', 'set<int>', 'regular']])).cellColumns).to.equal(undefined);
    expect(tableLayout(table([['k', 'int', 'partition_key'], ['v', 'int', 'regular']], [['m', 'map<int, int>']])).cellColumns).to.equal(undefined);
  });
});
