import { expect } from 'chai';
import { LevelEngine, DataLockedError } from '../../../src/storage/engine.js';
import { liveRows } from '../../../src/storage/partition.js';
import type { ReadCommand, Partition } from '../../../src/storage/model.js';
import { ManualClock } from '../../../src/clock/clock.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, LAYOUT, ck, int, layouts, live, partition, row, staticRow, tomb, type EngineUnderTest } from './fixtures.js';

const whole = (key: number, extra: Partial<ReadCommand> = {}): ReadCommand => ({
  tableId: LAYOUT.id,
  key: int(key),
  token: BigInt(key),
  slices: [],
  withStatic: true,
  reversed: false,
  ...extra,
});

/** Live rows as readable tuples: [c1, c2 | 'static', marker, 'col=value'...]. */
function view(p: Partition | undefined, nowS: number): string[] {
  if (!p) return [];
  return liveRows(LAYOUT, p, nowS).map((r) => {
    const head = r.isStatic ? 'static' : `${r.clustering[0]!.readInt32BE(0)}:${r.clustering[1]!.toString()}`;
    const cells = r.cells.map((c) => `${c.column}${c.path ? `[${c.path.toString()}]` : ''}=${c.cell.value!.toString()}`);
    return [head, r.markerLive ? 'marker' : '-', ...cells].join(' ');
  });
}

for (const factory of ENGINES) {
  describe(`storage conformance: ${factory.name}`, () => {
    let ut: EngineUnderTest;
    const nowS = () => ut.clock.nowS();
    const read = async (key: number, extra: Partial<ReadCommand> = {}) => view(await ut.engine.read(whole(key, extra)), nowS());
    beforeEach(async () => {
      ut = await factory.make();
    });
    afterEach(async () => {
      await ut.dispose();
    });

    it('overwrites a cell with a newer timestamp and never with an older one', async () => {
      await ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('x', 10) }] })] })]);
      await ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('y', 20) }] })] })]);
      await ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('z', 15) }] })] })]);
      expect(await read(1)).to.deep.equal(['1:a - v=y']);
    });

    it('breaks timestamp ties: tombstone over live, then greater value', async () => {
      await ut.engine.apply([
        partition(1, {
          rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('b', 10) }, { column: 'w', cell: live('q', 10) }] })],
        }),
      ]);
      await ut.engine.apply([
        partition(1, {
          rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('a', 10) }, { column: 'w', cell: tomb(10, nowS()) }] })],
        }),
      ]);
      expect(await read(1)).to.deep.equal(['1:a - v=b']);
    });

    it('shadows rows with row, range and partition deletions of equal or newer timestamps', async () => {
      const cells = (v: string, ts: number) => [{ column: 'v', cell: live(v, ts) }];
      await ut.engine.apply([
        partition(1, {
          rows: [
            row(ck(1, 'a'), { marker: live('', 10), cells: cells('1a', 10) }),
            row(ck(2, 'b'), { marker: live('', 10), cells: cells('2b', 10) }),
            row(ck(2, 'a'), { marker: live('', 30), cells: cells('2a', 30) }),
            row(ck(3, 'a'), { marker: live('', 10), cells: cells('3a', 10) }),
          ],
        }),
      ]);
      const d = (ts: number) => ({ timestampUs: ts, localDeletionTimeS: nowS() });
      await ut.engine.apply([
        partition(1, {
          rows: [row(ck(1, 'a'), { deletion: d(10) })],
          rangeTombstones: [{ start: { prefix: [int(2)], inclusive: true }, end: { prefix: [int(2)], inclusive: true }, deletion: d(20) }],
        }),
      ]);
      expect(await read(1)).to.deep.equal(['2:a marker v=2a', '3:a marker v=3a']);
      await ut.engine.apply([partition(1, { deletion: d(30) })]);
      expect(await read(1)).to.deep.equal([]);
      await ut.engine.apply([partition(1, { rows: [row(ck(3, 'a'), { cells: cells('new', 31) })] })]);
      expect(await read(1)).to.deep.equal(['3:a - v=new']);
    });

    it('keeps a static row apart from clustering rows and shows it only with a live cell', async () => {
      await ut.engine.apply([
        partition(1, { rows: [staticRow({ cells: [{ column: 's', cell: live('S', 10) }] }), row(ck(1, 'a'), { marker: live('', 10) })] }),
      ]);
      expect(await read(1)).to.deep.equal(['static - s=S', '1:a marker']);
      expect(await read(1, { withStatic: false })).to.deep.equal(['1:a marker']);
      await ut.engine.apply([partition(1, { rows: [staticRow({ cells: [{ column: 's', cell: tomb(11, nowS()) }] })] })]);
      expect(await read(1)).to.deep.equal(['1:a marker']);
    });

    it('stores collection elements as cells and lets a collection deletion shadow older ones', async () => {
      const el = (k: string, ts: number) => ({ column: 'tags', path: Buffer.from(k), cell: live('', ts) });
      await ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [el('x', 10), el('y', 10)] })] })]);
      await ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [el('z', 12)] })] })]);
      expect(await read(1)).to.deep.equal(['1:a - tags[x]= tags[y]= tags[z]=']);
      await ut.engine.apply([
        partition(1, {
          rows: [row(ck(1, 'a'), { collectionDeletions: [{ column: 'tags', deletion: { timestampUs: 11, localDeletionTimeS: nowS() } }], cells: [el('w', 11)] })],
        }),
      ]);
      expect(await read(1)).to.deep.equal(['1:a - tags[z]=']);
    });

    it('expires TTL cells and markers when their time comes', async () => {
      const expiry = nowS() + 10;
      await ut.engine.apply([
        partition(1, { rows: [row(ck(1, 'a'), { marker: live('', 10, 10, expiry), cells: [{ column: 'v', cell: live('t', 10, 10, expiry) }, { column: 'w', cell: live('p', 10) }] })] }),
      ]);
      expect(await read(1)).to.deep.equal(['1:a marker v=t w=p']);
      ut.clock.advance(9_000);
      expect(await read(1)).to.deep.equal(['1:a marker v=t w=p']);
      ut.clock.advance(1_000);
      expect(await read(1)).to.deep.equal(['1:a - w=p']);
    });

    it('orders rows by clustering (c2 DESC), reads slices and reverses', async () => {
      const rows = [ck(2, 'a'), ck(1, 'b'), ck(1, 'a'), ck(-1, 'z'), ck(2, 'c')].map((c) => row(c, { marker: live('', 1) }));
      await ut.engine.apply([partition(1, { rows })]);
      expect(await read(1)).to.deep.equal(['-1:z marker', '1:b marker', '1:a marker', '2:c marker', '2:a marker']);
      expect(await read(1, { reversed: true })).to.deep.equal(['2:a marker', '2:c marker', '1:a marker', '1:b marker', '-1:z marker']);
      const slices = [
        { start: { prefix: [int(1)], inclusive: false }, end: { prefix: ck(2, 'b'), inclusive: true } },
      ];
      expect(await read(1, { slices })).to.deep.equal(['2:c marker']);
      const two = [
        { start: { prefix: [], inclusive: true }, end: { prefix: [int(1)], inclusive: false } },
        { start: { prefix: ck(1, 'a'), inclusive: true }, end: { prefix: [int(2)], inclusive: true } },
      ];
      expect(await read(1, { slices: two })).to.deep.equal(['-1:z marker', '1:a marker', '2:c marker', '2:a marker']);
      expect(await ut.engine.read(whole(2))).to.equal(undefined);
    });

    it('reads slices separated by hundreds of rows exactly, with and without the static row', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => row(ck(i, 'a'), { marker: live('', 1) }));
      await ut.engine.apply([partition(1, { rows: [staticRow({ cells: [{ column: 's', cell: live('S', 1) }] }), ...rows] })]);
      const slices = [
        { start: { prefix: [int(2)], inclusive: true }, end: { prefix: [int(3)], inclusive: true } },
        { start: { prefix: [int(150)], inclusive: true }, end: { prefix: [int(151)], inclusive: true } },
        { start: { prefix: [int(298)], inclusive: true }, end: { prefix: [], inclusive: true } },
      ];
      expect(await read(1, { slices })).to.deep.equal(['static - s=S', '2:a marker', '3:a marker', '150:a marker', '151:a marker', '298:a marker', '299:a marker']);
      expect(await read(1, { slices, withStatic: false })).to.have.length(6);
    });

    it('returns range tombstones overlapping the slices with a sliced read', async () => {
      const rt = { start: { prefix: [int(5)], inclusive: true }, end: { prefix: [int(6)], inclusive: true }, deletion: { timestampUs: 5, localDeletionTimeS: 7 } };
      await ut.engine.apply([partition(1, { rangeTombstones: [rt] })]);
      const inside = await ut.engine.read(whole(1, { slices: [{ start: { prefix: [int(6)], inclusive: true }, end: { prefix: [], inclusive: true } }] }));
      expect(inside?.rangeTombstones).to.deep.equal([rt]);
      const outside = await ut.engine.read(whole(1, { slices: [{ start: { prefix: [int(6)], inclusive: false }, end: { prefix: [], inclusive: true } }] }));
      expect(outside).to.equal(undefined);
    });

    it('scans token ranges in token order, pages with after, and wraps around', async () => {
      for (const k of [5, -3, 9, 1, 7]) await ut.engine.apply([partition(k, { rows: [row(ck(0, ''), { marker: live('', 1) })] })]);
      const keys = (ps: Partition[]) => ps.map((p) => p.key.readInt32BE(0));
      const all = { start: 0n, end: 0n };
      expect(keys(await ut.engine.scan(LAYOUT.id, all, { limitPartitions: 100, withStatic: true }))).to.deep.equal([-3, 1, 5, 7, 9]);
      expect(keys(await ut.engine.scan(LAYOUT.id, { start: 1n, end: 7n }, { limitPartitions: 100, withStatic: true }))).to.deep.equal([5, 7]);
      const page1 = await ut.engine.scan(LAYOUT.id, all, { limitPartitions: 2, withStatic: true });
      expect(keys(page1)).to.deep.equal([-3, 1]);
      const page2 = await ut.engine.scan(LAYOUT.id, all, { limitPartitions: 2, withStatic: true, after: { token: 1n, key: int(1) } });
      expect(keys(page2)).to.deep.equal([5, 7]);
      const wrap = { start: 6n, end: 1n };
      expect(keys(await ut.engine.scan(LAYOUT.id, wrap, { limitPartitions: 100, withStatic: true }))).to.deep.equal([7, 9, -3, 1]);
      expect(keys(await ut.engine.scan(LAYOUT.id, wrap, { limitPartitions: 100, withStatic: true, after: { token: 9n, key: int(9) } }))).to.deep.equal([-3, 1]);
      expect(keys(await ut.engine.scan(LAYOUT.id, wrap, { limitPartitions: 100, withStatic: true, after: { token: -3n, key: int(-3) } }))).to.deep.equal([1]);
    });

    it('deletes exactly the partitions of a token range, wrapping ones included, and reports their count and stored bytes', async () => {
      for (const k of [5, -3, 9, 1, 7]) {
        await ut.engine.apply([
          partition(k, { rows: [staticRow({ cells: [{ column: 's', cell: live('st', 1) }] }), row(ck(0, 'r'), { marker: live('', 1), cells: [{ column: 'v', cell: live('x', 1) }] })] }),
        ]);
      }
      const all = { start: 0n, end: 0n };
      const keys = async () => (await ut.engine.scan(LAYOUT.id, all, { limitPartitions: 100, withStatic: true })).map((p) => p.key.readInt32BE(0));
      const storedBytes = async (range: { start: bigint; end: bigint }) => {
        let bytes = 0;
        await ut.engine.scanEntries(LAYOUT.id, range, (k, v) => (bytes += k.length + v.length));
        return bytes;
      };
      const wrap = { start: 6n, end: -3n };
      const expectedBytes = await storedBytes(wrap);
      expect(expectedBytes).to.be.greaterThan(0);
      expect(await ut.engine.deleteRange(LAYOUT.id, wrap)).to.deep.equal({ partitions: 3, bytes: expectedBytes });
      expect(await keys()).to.deep.equal([1, 5]);
      expect(await ut.engine.deleteRange(LAYOUT.id, { start: 1n, end: 4n })).to.deep.equal({ partitions: 0, bytes: 0 });
      const oneBytes = await storedBytes({ start: 0n, end: 1n });
      expect(await ut.engine.deleteRange(LAYOUT.id, { start: 0n, end: 1n })).to.deep.equal({ partitions: 1, bytes: oneBytes });
      expect(await keys()).to.deep.equal([5]);
      expect(await ut.engine.read(whole(5))).to.not.equal(undefined);
      expect(await ut.engine.read(whole(1))).to.equal(undefined);
    });

    it('fails an apply holding a partition of an unknown table alone, never the writes applied beside it', async () => {
      // A replica may get a write for a table its schema does not know yet while serving others.
      const good = ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { marker: live('', 1) })] })]);
      const bad = ut.engine.apply([partition(3, { rows: [row(ck(1, 'a'), { marker: live('', 1) })] }), { ...partition(2), tableId: 'unknown-table' }]);
      const [g, b] = await Promise.allSettled([good, bad]);
      expect(g.status).to.equal('fulfilled');
      expect(b.status === 'rejected' && (b.reason as Error).message).to.equal('no layout for table unknown-table');
      expect(await read(1)).to.deep.equal(['1:a marker']);
      expect(await ut.engine.read(whole(3)), 'nothing of the failed call is stored').to.equal(undefined);
    });

    it('truncates a table', async () => {
      await ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { marker: live('', 1) })] })]);
      await ut.engine.truncate(LAYOUT.id);
      expect(await ut.engine.read(whole(1))).to.equal(undefined);
      expect(await ut.engine.scan(LAYOUT.id, { start: 0n, end: 0n }, { limitPartitions: 10, withStatic: true })).to.deep.equal([]);
    });

    it('purges tombstones and the data they shadow only after gc_grace_seconds', async () => {
      const now = nowS();
      await ut.engine.apply([
        partition(1, {
          rows: [
            row(ck(1, 'a'), { marker: live('', 10), deletion: { timestampUs: 20, localDeletionTimeS: now } }),
            row(ck(2, 'a'), { cells: [{ column: 'v', cell: tomb(20, now) }, { column: 'w', cell: live('keep', 20) }] }),
          ],
        }),
      ]);
      expect(await ut.engine.purgeTable(LAYOUT.id)).to.equal(1); // The shadowed marker goes at once.
      ut.clock.advance(100_000);
      expect(await ut.engine.purgeTable(LAYOUT.id)).to.equal(0); // now = ldt + grace: not yet.
      ut.clock.advance(1_000);
      expect(await ut.engine.purgeTable(LAYOUT.id)).to.equal(2);
      const left = await ut.engine.read(whole(1));
      expect(left?.rows.map((r) => r.cells.map((c) => c.column))).to.deep.equal([['w']]);
    });

    it('keeps node-local meta apart from table data', async () => {
      await ut.engine.putMeta('schema/ks', Buffer.from('a'));
      await ut.engine.putMeta('schema/ks.t', Buffer.from('b'));
      await ut.engine.putMeta('host_id', Buffer.from('h'));
      expect(await ut.engine.listMeta('schema/')).to.deep.equal([
        ['schema/ks', Buffer.from('a')],
        ['schema/ks.t', Buffer.from('b')],
      ]);
      await ut.engine.deleteMeta('schema/ks');
      expect(await ut.engine.getMeta('schema/ks')).to.equal(undefined);
      expect(await ut.engine.getMeta('host_id')).to.deep.equal(Buffer.from('h'));
    });

    it('puts and deletes meta entries in one batch and lists a prefix up to a limit in key order', async () => {
      await ut.engine.putMeta('hints/a/3', Buffer.from('gone'));
      await ut.engine.batchMeta(
        [
          ['hints/a/2', Buffer.from('two')],
          ['hints/a/1', Buffer.from('one')],
          ['hints/b/1', Buffer.from('other')],
        ],
        ['hints/a/3'],
      );
      expect(await ut.engine.listMeta('hints/a/')).to.deep.equal([
        ['hints/a/1', Buffer.from('one')],
        ['hints/a/2', Buffer.from('two')],
      ]);
      expect(await ut.engine.listMeta('hints/', 2)).to.deep.equal([
        ['hints/a/1', Buffer.from('one')],
        ['hints/a/2', Buffer.from('two')],
      ]);
      await ut.engine.batchMeta([], ['hints/a/1', 'hints/b/1']);
      expect(await ut.engine.listMeta('hints/')).to.deep.equal([['hints/a/2', Buffer.from('two')]]);
    });

    it('lists a prefix from after a cursor key, and from its start when the cursor lies before it', async () => {
      await ut.engine.batchMeta(
        [
          ['hints/a/1', Buffer.from('one')],
          ['hints/a/2', Buffer.from('two')],
          ['hints/a/3', Buffer.from('three')],
          ['hints/b/1', Buffer.from('other')],
        ],
        [],
      );
      expect(await ut.engine.listMeta('hints/a/', undefined, 'hints/a/1')).to.deep.equal([
        ['hints/a/2', Buffer.from('two')],
        ['hints/a/3', Buffer.from('three')],
      ]);
      expect(await ut.engine.listMeta('hints/a/', 1, 'hints/a/1')).to.deep.equal([['hints/a/2', Buffer.from('two')]]);
      expect(await ut.engine.listMeta('hints/a/', undefined, 'hints/a/3')).to.deep.equal([]);
      expect(await ut.engine.listMeta('hints/b/', undefined, 'hints/a/9')).to.deep.equal([['hints/b/1', Buffer.from('other')]]);
    });

    it('keeps data across a reopen', async () => {
      await ut.engine.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('kept', 1) }] })] })]);
      await ut.engine.putMeta('m', Buffer.from('x'));
      await ut.reopen();
      expect(await read(1)).to.deep.equal(['1:a - v=kept']);
      expect(await ut.engine.getMeta('m')).to.deep.equal(Buffer.from('x'));
    });
  });
}

describe('LevelEngine durability and locking', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sibyl-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const create = (mode: 'batch' | 'periodic') =>
    new LevelEngine({ path: dir, clock: new ManualClock(), commitlogSync: mode, commitlogSyncPeriodMs: 10, layouts });

  for (const mode of ['batch', 'periodic'] as const) {
    it(`keeps ${mode}-mode writes across close without an explicit sync, coalescing concurrent applies`, async () => {
      const engine = create(mode);
      await engine.open();
      await Promise.all([1, 2, 3].map((k) => engine.apply([partition(k, { rows: [row(ck(k, 'x'), { marker: live('', 1) })] })])));
      await engine.close();
      const again = create(mode);
      await again.open();
      const found = await again.scan(LAYOUT.id, { start: 0n, end: 0n }, { limitPartitions: 10, withStatic: true });
      expect(found.map((p) => p.key.readInt32BE(0))).to.deep.equal([1, 2, 3]);
      await again.close();
    });
  }

  it('never lets an older write win after a reopen, where the newest stored timestamp must come from disk', async () => {
    const cell = (value: string, ts: number) => partition(1, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live(value, ts) }] })] });
    const engine = create('batch');
    await engine.open();
    await engine.apply([cell('newer', 20)]);
    await engine.apply([cell('older', 10)]);
    await engine.close();
    const again = create('batch');
    await again.open();
    await again.apply([cell('oldest', 5)]);
    await again.apply([cell('alpha', 20)]); // ties with 'newer' and loses on value bytes
    const stored = (await again.read(whole(1)))!.rows[0]!.cells[0]!.cell;
    expect([stored.value!.toString(), stored.timestampUs]).to.deep.equal(['newer', 20]);
    await again.apply([cell('newest', 30)]);
    expect((await again.read(whole(1)))!.rows[0]!.cells[0]!.cell.value!.toString()).to.equal('newest');
    await again.close();
  });

  it('refuses a data directory already open, naming it, and keeps the first open working', async () => {
    const first = create('batch');
    await first.open();
    const second = create('batch');
    let error: unknown;
    await second.open().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(DataLockedError);
    expect((error as DataLockedError).code).to.equal('SIBYL_DATA_LOCKED');
    expect((error as Error).message).to.equal(`data directory ${dir} is in use by another Sibyl node`);
    await first.apply([partition(1, { rows: [row(ck(1, 'a'), { cells: [{ column: 'v', cell: live('ok', 1) }] })] })]);
    expect((await first.read(whole(1)))?.rows.length).to.equal(1);
    await first.close();
  });
});

